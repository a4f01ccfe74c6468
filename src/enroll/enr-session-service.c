/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Steps 2 and 3: the registration at VNeID, and the hand-over to SmartCA
 * with the wait while SmartCA syncs.
 */
#define G_LOG_DOMAIN "enr-session-service"

#include "config.h"

#include "enr-service-error.h"
#include "enr-session-private.h"

/* pollAfterMs is honoured, within reason: never a busy loop, never a stall. */
#define POLL_MIN_MS      100
#define POLL_MAX_MS      10000
/* SmartCA syncs in seconds; after this long the service is not well. */
#define SYNC_DEADLINE_S  600

/* --- Step 2: the registration ------------------------------------------------------- */

static void
registered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrRegistration) registration = NULL;
  GError *error = NULL;
  gboolean rejected;

  registration = enr_vneid_client_register_finish (ENR_VNEID_CLIENT (object), result, &error);
  if (enr_session_action_failed (task, error))
    return;

  g_info ("registration %s is %s", registration->registration_id, registration->status);
  rejected = g_str_equal (registration->status, "REJECTED");
  enr_session_set_registration (self, g_steal_pointer (&registration));
  if (rejected)
    {
      enr_session_end_action (task, enr_session_service_error (ENR_SERVICE_ERROR_REJECTED));
      return;
    }
  enr_session_set_step (self, ENR_SESSION_STEP_INITIALIZE);
  enr_session_checkpoint (self);
  enr_session_end_action (task, NULL);
}

void
enr_session_confirm_registration_async (EnrSession          *self,
                                        gboolean             share_identity,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = enr_session_begin_action (self, TRUE, cancellable, callback, user_data,
                                   enr_session_confirm_registration_async);
  if (task == NULL)
    return;

  /* Nothing leaves this computer without the citizen's consent. */
  if (!share_identity)
    {
      enr_session_end_action (task, enr_session_service_error (ENR_SERVICE_ERROR_CONSENT_REQUIRED));
      return;
    }
  if (!enr_vneid_client_has_access_token (self->vneid))
    {
      enr_session_end_action (task, enr_session_service_error (ENR_SERVICE_ERROR_LOGIN_EXPIRED));
      return;
    }
  enr_vneid_client_register_async (self->vneid, ENR_SESSION_CONSENT_VERSION,
                                   enr_session_action_cancellable (task), registered_cb, task);
}

gboolean
enr_session_confirm_registration_finish (EnrSession    *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return enr_session_finish_action (self, result, enr_session_confirm_registration_async, error);
}

/* --- Taking the SmartCA side over ---------------------------------------------------- */

static void
code_exchanged_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* The new refresh token reaches the store through ::tokens-changed. */
  if (!enr_smartca_client_exchange_code_finish (ENR_SMARTCA_CLIENT (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
handed_off_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  EnrSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  char *code;

  code = enr_vneid_client_handoff_finish (ENR_VNEID_CLIENT (object), result, &error);
  if (code == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  enr_smartca_client_exchange_code_async (self->smartca, code, cancellable,
                                          code_exchanged_cb, g_steal_pointer (&task));
  enr_secure_free (code, strlen (code));
}

void
enr_session_take_over_async (EnrSession          *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, enr_session_take_over_async);

  if (!enr_vneid_client_has_access_token (self->vneid))
    {
      g_task_return_error (task, enr_session_service_error (ENR_SERVICE_ERROR_LOGIN_EXPIRED));
      return;
    }
  g_info ("handing registration %s over to SmartCA", self->registration_id);
  enr_vneid_client_handoff_async (self->vneid, self->registration_id, cancellable,
                                  handed_off_cb, g_steal_pointer (&task));
}

gboolean
enr_session_take_over_finish (EnrSession    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- Step 3: the hand-over and the sync ------------------------------------------------ */

static void poll_status (GTask *task);

static void
registration_refreshed_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrRegistration) registration = NULL;
  g_autoptr(GError) error = NULL;

  /* Only what the page shows; the step is done whatever VNeID says now. */
  registration = enr_vneid_client_get_registration_finish (ENR_VNEID_CLIENT (object), result,
                                                           &error);
  if (registration != NULL && enr_session_action (task)->generation == self->generation)
    enr_session_set_registration (self, g_steal_pointer (&registration));
  else if (error != NULL)
    g_info ("could not read the registration back: %s", error->message);
  enr_session_end_action (task, NULL);
}

static void
synced_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!enr_session_reconcile_finish (self, result, &error))
    {
      enr_session_end_action (task, error);
      return;
    }
  if (!enr_vneid_client_has_access_token (self->vneid))
    {
      enr_session_end_action (task, NULL);
      return;
    }
  enr_vneid_client_get_registration_async (self->vneid, self->registration_id,
                                           enr_session_action_cancellable (task),
                                           registration_refreshed_cb, task);
}

static void
poll_slept_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!enr_session_sleep_finish (result, &error))
    {
      enr_session_end_action (task, error);
      return;
    }
  poll_status (task);
}

static void
status_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrAction *action = enr_session_action (task);
  g_autoptr(EnrEnrollmentStatus) status = NULL;
  GError *error = NULL;

  status = enr_smartca_client_get_status_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  if (enr_session_action_failed (task, error))
    return;

  enr_session_set_smartca_state (self, enr_enrollment_state_to_string (status->state));
  if (status->state == ENR_ENROLLMENT_SYNCING)
    {
      if (g_get_monotonic_time () > action->deadline_us)
        {
          enr_session_end_action (task, enr_session_service_error (ENR_SERVICE_ERROR_UNAVAILABLE));
          return;
        }
      enr_session_sleep_async (CLAMP ((guint) status->poll_after_ms, POLL_MIN_MS, POLL_MAX_MS),
                               action->cancellable, poll_slept_cb, task);
      return;
    }

  /* Synced: go to the step the service is at (the contract, for a new
   * enrollment; later for one handed over again). */
  enr_session_reconcile_async (self, action->cancellable, synced_cb, task);
}

static void
poll_status (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);

  enr_smartca_client_get_status_async (self->smartca, enr_session_action_cancellable (task),
                                       status_cb, task);
}

static void
taken_over_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!enr_session_take_over_finish (ENR_SESSION (object), result, &error))
    {
      enr_session_end_action (task, error);
      return;
    }
  enr_session_checkpoint (ENR_SESSION (object));
  poll_status (task);
}

void
enr_session_start_service_async (EnrSession          *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = enr_session_begin_action (self, TRUE, cancellable, callback, user_data,
                                   enr_session_start_service_async);
  if (task == NULL)
    return;
  if (self->registration_id == NULL)
    {
      enr_session_end_action (task, enr_session_service_error (ENR_SERVICE_ERROR_WRONG_STATE));
      return;
    }

  enr_session_action (task)->deadline_us = g_get_monotonic_time () +
                                           SYNC_DEADLINE_S * G_USEC_PER_SEC;
  /* Handed over already (a second try, a resumed session): only the wait. */
  if (enr_smartca_client_has_tokens (self->smartca))
    poll_status (task);
  else
    enr_session_take_over_async (self, enr_session_action_cancellable (task), taken_over_cb,
                                 task);
}

gboolean
enr_session_start_service_finish (EnrSession    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return enr_session_finish_action (self, result, enr_session_start_service_async, error);
}
