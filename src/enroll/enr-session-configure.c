/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A session made before its service is known: `smartca-enroll --sandbox`
 * shows its window at once and starts its sandbox beside it (a first start
 * makes the sandbox's CAs, which takes longer than the window), then gives
 * the session the sandbox's addresses once it listens. What needs the
 * service waits for it.
 */
#define G_LOG_DOMAIN "enr-session"

#include "config.h"

#include "enr-session-impl.h"

EnrSession *
enr_session_new_awaiting_service (gboolean kiosk)
{
  EnrSession *self = enr_session_new (NULL, NULL, NULL, NULL, kiosk, NULL);

  /* Until configured, an action fails as one without a service would. */
  self->awaiting_service = TRUE;
  return self;
}

gboolean
enr_session_get_awaiting_service (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  return self->awaiting_service;
}

void
enr_session_configure (EnrSession *self,
                       const char *vneid_url,
                       const char *smartca_url,
                       const char *trust_anchor,
                       const char *signing_trust_anchor,
                       const char *state_directory)
{
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));
  g_return_if_fail (self->awaiting_service);
  g_return_if_fail (!self->busy);

  _enr_session_set_string (&self->vneid_url, vneid_url);
  _enr_session_set_string (&self->smartca_url, smartca_url);
  _enr_session_set_string (&self->trust_anchor, trust_anchor);
  _enr_session_set_string (&self->signing_trust_anchor, signing_trust_anchor);
  if (state_directory != NULL)
    _enr_session_set_string (&self->state_dir, state_directory);
  _enr_session_set_up_service (self);

  self->awaiting_service = FALSE;
  /* The waiters first: a page that waited goes on before one that only
   * watched :awaiting-service starts anything. */
  while ((task = g_queue_pop_head (&self->service_waiters)) != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  _enr_session_notify (self, PROP_AWAITING_SERVICE);
}

/* --- Waiting for it --------------------------------------------------------------- */

typedef struct
{
  GSource *cancelled_source;
} ServiceWait;

static void
service_wait_free (ServiceWait *wait)
{
  if (wait->cancelled_source != NULL)
    {
      g_source_destroy (wait->cancelled_source);
      g_source_unref (wait->cancelled_source);
    }
  g_free (wait);
}

/* The task outlives its source (service_wait_free), so it is borrowed here. */
static gboolean
wait_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);

  if (g_queue_remove (&self->service_waiters, task))
    {
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);
    }
  return G_SOURCE_REMOVE;
}

void
enr_session_wait_for_service_async (EnrSession          *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ServiceWait *wait;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_session_wait_for_service_async);
  if (!self->awaiting_service)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;

  wait = g_new0 (ServiceWait, 1);
  g_task_set_task_data (task, wait, (GDestroyNotify) service_wait_free);
  if (cancellable != NULL)
    {
      wait->cancelled_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (wait->cancelled_source, G_SOURCE_FUNC (wait_cancelled_cb), task,
                             NULL);
      g_source_attach (wait->cancelled_source, g_main_context_get_thread_default ());
    }
  /* Each waiter holds the session (its task's source object) until it is
   * configured or the wait is cancelled. */
  g_queue_push_tail (&self->service_waiters, g_steal_pointer (&task));
}

gboolean
enr_session_wait_for_service_finish (EnrSession    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
