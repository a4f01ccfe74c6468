/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-tsa-client"

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>

#include "enr-service-error.h"
#include "enr-tsa-client.h"
#include "enr-tsp.h"

typedef struct
{
  guint8  imprint[ENR_TSP_IMPRINT_LENGTH];
  guint64 nonce;
  gint64  started_us;
  gint64  elapsed_us;
} Timestamp;

static void
return_error (GTask           *task,
              EnrServiceError  code,
              const char      *technical)
{
  g_task_return_error (task, enr_service_error_new (code, technical));
}

static void
posted_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Timestamp *ts = g_task_get_task_data (task);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GBytes) token = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  reply = enr_http_post_bytes_finish (ENR_HTTP (object), result, &status, &error);
  ts->elapsed_us = g_get_monotonic_time () - ts->started_us;
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (status == 429 || status >= 500)
    {
      /* The body, if any, is a rejection with systemFailure: the TSA's
       * trouble, not the request's. */
      return_error (task, ENR_SERVICE_ERROR_UNAVAILABLE, "the TSA is unavailable");
      return;
    }
  token = enr_tsp_response_parse (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                                  ts->imprint, ts->nonce, &error);
  if (token == NULL)
    {
      g_info ("TSA reply (HTTP %u): %s", status, error->message);
      if (g_error_matches (error, ENR_TSP_ERROR, ENR_TSP_ERROR_WAITING))
        return_error (task, ENR_SERVICE_ERROR_UNAVAILABLE, error->message);
      else if (g_error_matches (error, ENR_TSP_ERROR, ENR_TSP_ERROR_REJECTED))
        return_error (task, ENR_SERVICE_ERROR_FAILED, error->message);
      else
        return_error (task, ENR_SERVICE_ERROR_MALFORMED_REPLY, error->message);
      return;
    }
  if (status != 200)
    {
      return_error (task, ENR_SERVICE_ERROR_MALFORMED_REPLY, "a token with an HTTP error");
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&token), (GDestroyNotify) g_bytes_unref);
}

void
enr_tsa_timestamp_async (EnrHttp             *http,
                         const char          *url,
                         const guint8        *imprint,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GError) error = NULL;
  Timestamp *ts;

  g_return_if_fail (ENR_IS_HTTP (http));
  g_return_if_fail (imprint != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_tsa_timestamp_async);
  ts = g_new0 (Timestamp, 1);
  memcpy (ts->imprint, imprint, ENR_TSP_IMPRINT_LENGTH);
  g_task_set_task_data (task, ts, g_free);

  if (url == NULL || *url == '\0')
    {
      return_error (task, ENR_SERVICE_ERROR_NOT_CONFIGURED, "no TSA is configured");
      return;
    }
  /* A fresh nonce ties the reply to this request (RFC 3161 §2.4.1). */
  gnutls_rnd (GNUTLS_RND_NONCE, &ts->nonce, sizeof ts->nonce);
  request = enr_tsp_request_new (ts->imprint, ts->nonce, &error);
  if (request == NULL)
    {
      return_error (task, ENR_SERVICE_ERROR_FAILED, error->message);
      return;
    }
  ts->started_us = g_get_monotonic_time ();
  enr_http_post_bytes_async (http, url, ENR_TSP_QUERY_TYPE, ENR_TSP_REPLY_TYPE, request,
                             cancellable, posted_cb, g_steal_pointer (&task));
}

GBytes *
enr_tsa_timestamp_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enr_tsa_timestamp_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gint64
enr_tsa_timestamp_get_elapsed_us (GAsyncResult *result)
{
  Timestamp *ts;

  g_return_val_if_fail (G_IS_TASK (result), 0);
  ts = g_task_get_task_data (G_TASK (result));
  return ts != NULL ? ts->elapsed_us : 0;
}
