/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Steps 2 and 3: the registration at VNeID, and the hand-over to SmartCA
 * with the wait while SmartCA syncs.
 */
#define G_LOG_DOMAIN "enr-session-service"

#include "config.h"

#include "enr-session-impl.h"

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
  if (registration == NULL)
    {
      _enr_session_end_action (self, task, error);
      return;
    }

  g_info ("registration %s is %s", registration->registration_id, registration->status);
  rejected = g_str_equal (registration->status, "REJECTED");
  _enr_session_set_registration (self, g_steal_pointer (&registration));
  if (rejected)
    {
      _enr_session_end_action (self, task,
                               enr_service_error_new (ENR_SERVICE_ERROR_REJECTED, NULL));
      return;
    }
  _enr_session_set_step (self, ENR_SESSION_STEP_INITIALIZE);
  _enr_session_checkpoint (self);
  _enr_session_end_action (self, task, NULL);
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

  task = _enr_session_begin_action (self, self, cancellable, callback, user_data,
                                    enr_session_confirm_registration_async);
  if (task == NULL)
    return;

  /* Nothing leaves this computer without the citizen's consent. */
  if (!share_identity)
    {
      _enr_session_end_action (self, task,
                               enr_service_error_new (ENR_SERVICE_ERROR_CONSENT_REQUIRED, NULL));
      return;
    }
  if (!enr_vneid_client_has_access_token (self->vneid))
    {
      _enr_session_end_action (self, task,
                               enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED, NULL));
      return;
    }
  enr_vneid_client_register_async (self->vneid, ENR_SESSION_CONSENT_VERSION,
                                   g_task_get_cancellable (task), registered_cb, task);
}

gboolean
enr_session_confirm_registration_finish (EnrSession    *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return _enr_session_finish_action (self, result, enr_session_confirm_registration_async, error);
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
_enr_session_take_over_async (EnrSession          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _enr_session_take_over_async);

  if (!enr_vneid_client_has_access_token (self->vneid))
    {
      g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED, NULL));
      return;
    }
  g_info ("handing registration %s over to SmartCA", self->registration_id);
  enr_vneid_client_handoff_async (self->vneid, self->registration_id, cancellable,
                                  handed_off_cb, g_steal_pointer (&task));
}

gboolean
_enr_session_take_over_finish (EnrSession    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- Step 3: the hand-over and the sync ------------------------------------------------ */

/* How long the wait for SmartCA's sync may still take. */
typedef struct
{
  gint64 deadline_us;   /* monotonic */
} StartService;

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
  if (registration != NULL && _enr_session_action_is_current (self, task))
    _enr_session_set_registration (self, g_steal_pointer (&registration));
  else if (error != NULL)
    g_info ("could not read the registration back: %s", error->message);
  _enr_session_end_action (self, task, NULL);
}

static void
synced_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!_enr_session_reconcile_finish (self, result, &error) ||
      !enr_vneid_client_has_access_token (self->vneid))
    {
      _enr_session_end_action (self, task, error);
      return;
    }
  enr_vneid_client_get_registration_async (self->vneid, self->registration_id,
                                           g_task_get_cancellable (task),
                                           registration_refreshed_cb, task);
}

static void
poll_slept_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!_enr_session_sleep_finish (result, &error))
    {
      _enr_session_end_action (g_task_get_source_object (task), task, error);
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
  StartService *start = g_task_get_task_data (task);
  g_autoptr(EnrEnrollmentStatus) status = NULL;
  GError *error = NULL;

  status = enr_smartca_client_get_status_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  if (status == NULL)
    {
      _enr_session_end_action (self, task, error);
      return;
    }

  _enr_session_set_smartca_state (self, enr_enrollment_state_to_string (status->state));
  if (status->state == ENR_ENROLLMENT_SYNCING)
    {
      if (g_get_monotonic_time () > start->deadline_us)
        {
          _enr_session_end_action (self, task,
                                   enr_service_error_new (ENR_SERVICE_ERROR_UNAVAILABLE,
                                                          "SmartCA never finished its sync"));
          return;
        }
      _enr_session_sleep_async (CLAMP ((guint) status->poll_after_ms, POLL_MIN_MS, POLL_MAX_MS),
                                g_task_get_cancellable (task), poll_slept_cb, task);
      return;
    }

  /* Synced: go to the step the service is at (the contract, for a new
   * enrollment; later for one handed over again). */
  _enr_session_reconcile_async (self, g_task_get_cancellable (task), synced_cb, task);
}

static void
poll_status (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);

  enr_smartca_client_get_status_async (self->smartca, g_task_get_cancellable (task), status_cb,
                                       task);
}

static void
taken_over_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  GError *error = NULL;

  if (!_enr_session_take_over_finish (self, result, &error))
    {
      _enr_session_end_action (self, task, error);
      return;
    }
  _enr_session_checkpoint (self);
  poll_status (task);
}

void
enr_session_start_service_async (EnrSession          *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  StartService *start;
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = _enr_session_begin_action (self, self, cancellable, callback, user_data,
                                    enr_session_start_service_async);
  if (task == NULL)
    return;
  if (self->registration_id == NULL)
    {
      _enr_session_end_action (self, task,
                               enr_service_error_new (ENR_SERVICE_ERROR_WRONG_STATE, NULL));
      return;
    }

  start = g_new0 (StartService, 1);
  start->deadline_us = g_get_monotonic_time () + SYNC_DEADLINE_S * G_USEC_PER_SEC;
  g_task_set_task_data (task, start, g_free);
  /* Handed over already (a second try, a resumed session): only the wait. */
  if (enr_smartca_client_has_tokens (self->smartca))
    poll_status (task);
  else
    _enr_session_take_over_async (self, g_task_get_cancellable (task), taken_over_cb, task);
}

gboolean
enr_session_start_service_finish (EnrSession    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return _enr_session_finish_action (self, result, enr_session_start_service_async, error);
}

/* --- The change of device: finding the credential ----------------------------------- */

static void
credential_reconciled_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = ENR_SESSION (object);
  GError *error = NULL;
  gboolean linkable;

  if (!_enr_session_reconcile_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A KAK can be replaced once the certificate is issued (PROTOCOL.md). */
  linkable = self->credential_id != NULL &&
             (g_strcmp0 (self->smartca_state, "ACTIVE") == 0 ||
              g_strcmp0 (self->smartca_state, "ACCEPTANCE_PENDING") == 0);
  g_info ("SmartCA reports %s: %s", self->smartca_state,
          linkable ? "a credential to link" : "nothing to link yet");
  if (linkable)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, _enr_session_error_refused (ENR_SESSION_REASON_NOT_ENROLLED));
}

static void
credential_taken_over_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  EnrSession *self = ENR_SESSION (object);
  GError *error = NULL;

  if (!_enr_session_take_over_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  _enr_session_reconcile_async (self, cancellable, credential_reconciled_cb,
                                g_steal_pointer (&task));
}

static void
registration_found (GTask           *task,
                    EnrRegistration *registration,
                    GError          *error)
{
  EnrSession *self = g_task_get_source_object (task);
  gboolean submitted;

  if (registration == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_info ("registration %s is %s", registration->registration_id, registration->status);
  if (g_str_equal (registration->status, "REJECTED"))
    {
      _enr_session_set_registration (self, registration);
      g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_REJECTED, NULL));
      g_object_unref (task);
      return;
    }
  submitted = g_str_equal (registration->status, "SUBMITTED");
  _enr_session_set_registration (self, registration);
  if (submitted)
    {
      /* Never handed over to SmartCA: the registration goes on in the wizard. */
      _enr_session_set_step (self, MAX (self->step, ENR_SESSION_STEP_INITIALIZE));
      _enr_session_checkpoint (self);
      g_task_return_error (task, _enr_session_error_refused (ENR_SESSION_REASON_NOT_ENROLLED));
      g_object_unref (task);
      return;
    }

  /* A new hand-off, whatever SmartCA login this computer held: it is what
   * proves to SmartCA that the citizen has just logged in to VNeID. */
  _enr_session_take_over_async (self, g_task_get_cancellable (task), credential_taken_over_cb,
                                task);
}

static void
registration_made_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GError *error = NULL;
  EnrRegistration *registration;

  registration = enr_vneid_client_register_finish (ENR_VNEID_CLIENT (object), result, &error);
  registration_found (user_data, registration, error);
}

static void
registration_read_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GError *error = NULL;
  EnrRegistration *registration;

  registration = enr_vneid_client_get_registration_finish (ENR_VNEID_CLIENT (object), result,
                                                           &error);
  registration_found (user_data, registration, error);
}

void
_enr_session_find_credential_async (EnrSession          *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _enr_session_find_credential_async);
  if (self->identity == NULL || !enr_vneid_client_has_access_token (self->vneid))
    {
      g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED, NULL));
      g_object_unref (task);
      return;
    }

  /* VNeID answers a registration request with the citizen's registration
   * when there is one (PROTOCOL.md): it is how a computer that never saw
   * it finds it. */
  if (self->registration_id == NULL)
    enr_vneid_client_register_async (self->vneid, ENR_SESSION_CONSENT_VERSION, cancellable,
                                     registration_made_cb, task);
  else
    enr_vneid_client_get_registration_async (self->vneid, self->registration_id, cancellable,
                                             registration_read_cb, task);
}

gboolean
_enr_session_find_credential_finish (EnrSession    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- The change of device: its SMS code ----------------------------------------------- */

static void
device_code_sent_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrOtpSent) sent = NULL;
  GError *error = NULL;

  sent = enr_smartca_client_send_device_otp_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  _enr_session_take_otp_reply (self, ENR_OTP_PURPOSE_DEVICE, sent, error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
_enr_session_send_device_code_async (EnrSession          *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _enr_session_send_device_code_async);
  enr_smartca_client_send_device_otp_async (self->smartca, cancellable, device_code_sent_cb,
                                            task);
}

gboolean
_enr_session_send_device_code_finish (EnrSession    *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
