/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-http"

#include "config.h"

#include "enr-http-transport.h"
#include "enr-module.h"
#include "enr-service-error.h"

/* Loaded once: an installation that lacks the module will not grow it. */
static GOnce loaded = G_ONCE_INIT;
static const EnrHttpTransport *transport;

static gpointer
load_once (gpointer data)
{
  g_autoptr(GError) error = NULL;
  gconstpointer table = enr_module_load ("src/service/soup", HTTP_MODULE_NAME,
                                         ENR_HTTP_TRANSPORT_SYMBOL, ENR_HTTP_TRANSPORT_VERSION,
                                         &error);

  if (table == NULL)
    g_warning ("cannot load the HTTP module: %s", error->message);
  g_atomic_pointer_set (&transport, table);
  return NULL;
}

const EnrHttpTransport *
enr_http_transport_load (GError **error)
{
  g_once (&loaded, load_once, NULL);
  if (transport == NULL)
    {
      /* What is missing is in the log; the citizen is told that a part
       * of the program is, and who can install it again. */
      g_set_error_literal (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_INCOMPLETE_INSTALLATION,
                           enr_service_error_message (ENR_SERVICE_ERROR_INCOMPLETE_INSTALLATION));
    }
  return transport;
}

const EnrHttpTransport *
enr_http_transport_peek (void)
{
  return g_atomic_pointer_get (&transport);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  const EnrHttpTransport *loaded_transport = enr_http_transport_load (&error);

  if (loaded_transport == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, (gpointer) loaded_transport, NULL);
}

void
enr_http_transport_load_async (GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, enr_http_transport_load_async);
  /* Loaded already (the usual case after the first call): no thread. */
  if (enr_http_transport_peek () != NULL)
    g_task_return_pointer (task, (gpointer) enr_http_transport_peek (), NULL);
  else
    g_task_run_in_thread (task, load_in_thread);
}

const EnrHttpTransport *
enr_http_transport_load_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
