/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Step 1, and every later VNeID login: the QR code (RFC 8628) and the
 * password + OTP, both ending in _enr_session_complete_login_async().
 */
#define G_LOG_DOMAIN "enr-session-login"

#include "config.h"

#include <string.h>

#include "enr-citizen-id.h"
#include "enr-session-impl.h"

/* RFC 8628 §3.5: a "slow_down" adds 5 s to the interval. */
#define SLOW_DOWN_MS 5000

/* --- Completing a login ---------------------------------------------------------- */

static void login_reconciled_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
login_taken_over_cb (GObject      *object,
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
  _enr_session_reconcile_async (self, cancellable, login_reconciled_cb,
                                g_steal_pointer (&task));
}

static void
login_reconciled_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = ENR_SESSION (object);
  GError *error = NULL;

  if (!_enr_session_reconcile_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  _enr_session_set_needs_login (self, FALSE);
  g_task_return_boolean (task, TRUE);
}

static void
login_registration_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrRegistration) registration = NULL;
  GError *error = NULL;
  gboolean handed_over;

  registration = enr_vneid_client_get_registration_finish (ENR_VNEID_CLIENT (object), result,
                                                           &error);
  if (registration == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  handed_over = !g_str_equal (registration->status, "SUBMITTED");
  if (g_str_equal (registration->status, "REJECTED"))
    {
      _enr_session_set_registration (self, g_steal_pointer (&registration));
      g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_REJECTED, NULL));
      return;
    }
  _enr_session_set_registration (self, g_steal_pointer (&registration));

  /* SmartCA has the registration, but this program no usable SmartCA
   * login: a new hand-off gets one for the same enrollment. */
  if (handed_over && !enr_smartca_client_has_tokens (self->smartca))
    {
      _enr_session_take_over_async (self, cancellable, login_taken_over_cb,
                                    g_steal_pointer (&task));
      return;
    }
  if (handed_over)
    {
      _enr_session_reconcile_async (self, cancellable, login_reconciled_cb,
                                    g_steal_pointer (&task));
      return;
    }

  if (self->step < ENR_SESSION_STEP_INITIALIZE)
    _enr_session_set_step (self, ENR_SESSION_STEP_INITIALIZE);
  _enr_session_set_needs_login (self, FALSE);
  _enr_session_checkpoint (self);
  g_task_return_boolean (task, TRUE);
}

static void
identity_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrIdentity) identity = NULL;
  GError *error = NULL;

  identity = enr_vneid_client_get_identity_finish (ENR_VNEID_CLIENT (object), result, &error);
  if (identity == NULL)
    {
      enr_vneid_client_set_access_token (self->vneid, NULL);
      g_task_return_error (task, error);
      return;
    }

  /* Once registered, the enrollment is this citizen's: a login as someone
   * else must not carry on with it. */
  if (self->registration_id != NULL && self->citizen_id != NULL &&
      !g_str_equal (self->citizen_id, identity->citizen_id))
    {
      enr_vneid_client_revoke_async (self->vneid, NULL, NULL, NULL);
      g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_OTHER_CITIZEN, NULL));
      return;
    }

  {
    g_autofree char *masked = enr_citizen_id_mask (identity->citizen_id);

    g_info ("logged in to VNeID as %s (level %" G_GINT64_FORMAT ")", masked,
            identity->identity_level);
  }
  _enr_session_set_string (&self->citizen_id, identity->citizen_id);
  _enr_session_set_identity (self, g_steal_pointer (&identity));
  _enr_session_set_otp (self, NULL);
  _enr_session_set_string (&self->otp_session, NULL);

  if (self->registration_id == NULL)
    {
      _enr_session_set_needs_login (self, FALSE);
      _enr_session_set_step (self, ENR_SESSION_STEP_CONFIRM);
      g_task_return_boolean (task, TRUE);
      return;
    }

  enr_vneid_client_get_registration_async (self->vneid, self->registration_id,
                                           cancellable,
                                           login_registration_cb, g_steal_pointer (&task));
}

void
_enr_session_complete_login_async (EnrSession          *self,
                                   const char          *access_token,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _enr_session_complete_login_async);
  enr_vneid_client_set_access_token (self->vneid, access_token);
  enr_vneid_client_get_identity_async (self->vneid, cancellable, identity_cb,
                                       g_steal_pointer (&task));
}

gboolean
_enr_session_complete_login_finish (EnrSession    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Ends @task, the login action that completed the login. */
static void
login_completed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  _enr_session_complete_login_finish (ENR_SESSION (object), result, &error);
  _enr_session_end_action (ENR_SESSION (object), task, error);
}

/* --- Step 1a: the QR login ----------------------------------------------------------- */

/* The code the citizen is shown, and how the poll goes. */
typedef struct
{
  EnrSecureString *device_code;
  guint            interval_ms;
  gint64           deadline_us;   /* the code's end (monotonic) */
} QrLogin;

static void
qr_login_free (QrLogin *login)
{
  g_clear_pointer (&login->device_code, enr_secure_string_free);
  g_free (login);
}

static void qr_request_code (GTask *task);
static void qr_poll (GTask *task);

static void
qr_end (GTask  *task,
        GError *error)
{
  EnrSession *self = g_task_get_source_object (task);

  if (_enr_session_action_is_current (self, task))
    _enr_session_set_login_code (self, NULL);
  _enr_session_end_action (self, task, error);
}

static void
qr_slept_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!_enr_session_sleep_finish (result, &error))
    {
      qr_end (task, error);
      return;
    }
  qr_poll (task);
}

static void
qr_wait_then_poll (GTask *task)
{
  QrLogin *login = g_task_get_task_data (task);

  if (g_get_monotonic_time () >= login->deadline_us)
    {
      /* The code expired unanswered: a new one, shown at once. */
      qr_request_code (task);
      return;
    }
  _enr_session_sleep_async (login->interval_ms, g_task_get_cancellable (task), qr_slept_cb, task);
}

static void
qr_polled_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  QrLogin *login = g_task_get_task_data (task);
  g_autoptr(EnrVneidTokens) tokens = NULL;
  GError *error = NULL;

  tokens = enr_vneid_client_poll_device_login_finish (ENR_VNEID_CLIENT (object), result, &error);
  if (tokens == NULL)
    {
      if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_PENDING))
        {
          if (enr_service_error_get_details (error)->slow_down)
            login->interval_ms += SLOW_DOWN_MS;
          g_error_free (error);
          qr_wait_then_poll (task);
          return;
        }
      if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_CODE_EXPIRED))
        {
          g_error_free (error);
          qr_request_code (task);
          return;
        }
      qr_end (task, error);
      return;
    }

  g_info ("the QR login was approved");
  /* Whichever login ends first wins: a password login under way is moot. */
  _enr_session_cancel_other_login (self, task);
  _enr_session_set_login_code (self, NULL);
  _enr_session_complete_login_async (self, tokens->access_token, g_task_get_cancellable (task),
                                     login_completed_cb, task);
}

static void
qr_poll (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);
  QrLogin *login = g_task_get_task_data (task);

  enr_vneid_client_poll_device_login_async (self->vneid, login->device_code,
                                            g_task_get_cancellable (task), qr_polled_cb, task);
}

static void
qr_code_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  QrLogin *login = g_task_get_task_data (task);
  g_autoptr(EnrDeviceAuthorization) authorization = NULL;
  EnrLoginCode *code;
  GError *error = NULL;

  authorization = enr_vneid_client_start_device_login_finish (ENR_VNEID_CLIENT (object), result,
                                                              &error);
  if (authorization == NULL)
    {
      qr_end (task, error);
      return;
    }

  g_clear_pointer (&login->device_code, enr_secure_string_free);
  login->device_code = enr_secure_strdup (authorization->device_code);
  login->interval_ms = (guint) authorization->interval * 1000;
  login->deadline_us = g_get_monotonic_time () + authorization->expires_in * G_USEC_PER_SEC;

  code = g_new0 (EnrLoginCode, 1);
  code->user_code = g_strdup (authorization->user_code);
  code->verification_uri = g_strdup (authorization->verification_uri);
  code->verification_uri_complete = g_strdup (authorization->verification_uri_complete);
  code->expires_at = g_get_real_time () + authorization->expires_in * G_USEC_PER_SEC;
  _enr_session_set_login_code (self, code);

  qr_wait_then_poll (task);
}

static void
qr_request_code (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);

  enr_vneid_client_start_device_login_async (self->vneid, g_task_get_cancellable (task),
                                             qr_code_cb, task);
}

void
enr_session_start_qr_login_async (EnrSession          *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = _enr_session_begin_qr_login (self, cancellable, callback, user_data,
                                      enr_session_start_qr_login_async);
  if (task == NULL)
    return;
  g_task_set_task_data (task, g_new0 (QrLogin, 1), (GDestroyNotify) qr_login_free);
  qr_request_code (task);
}

gboolean
enr_session_start_qr_login_finish (EnrSession    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return _enr_session_finish_action (self, result, enr_session_start_qr_login_async, error);
}

void
enr_session_cancel_qr_login (EnrSession *self)
{
  g_return_if_fail (ENR_IS_SESSION (self));

  if (self->qr_login.task != NULL)
    g_cancellable_cancel (g_task_get_cancellable (self->qr_login.task));
}

/* --- Step 1b: the password and the OTP ----------------------------------------------- */

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrOtpChallenge) challenge = NULL;
  EnrOtpState *otp;
  GError *error = NULL;

  challenge = enr_vneid_client_password_login_finish (ENR_VNEID_CLIENT (object), result, &error);
  if (challenge == NULL)
    {
      _enr_session_end_action (self, task, error);
      return;
    }

  _enr_session_set_string (&self->otp_session, challenge->otp_session);
  otp = g_new0 (EnrOtpState, 1);
  otp->purpose = ENR_OTP_PURPOSE_LOGIN;
  otp->sent_to = g_strdup (challenge->otp_sent_to);
  otp->expires_at = g_get_real_time () + challenge->expires_in * G_USEC_PER_SEC;
  otp->attempts_left = 5;
  _enr_session_set_otp (self, otp);
  _enr_session_end_action (self, task, NULL);
}

void
enr_session_log_in_async (EnrSession          *self,
                          const char          *citizen_id,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));
  g_return_if_fail (citizen_id != NULL && password != NULL);

  task = _enr_session_begin_action (self, self, cancellable, callback, user_data,
                                    enr_session_log_in_async);
  if (task == NULL)
    return;
  enr_vneid_client_password_login_async (self->vneid, citizen_id, password,
                                         g_task_get_cancellable (task), password_cb, task);
}

gboolean
enr_session_log_in_finish (EnrSession    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return _enr_session_finish_action (self, result, enr_session_log_in_async, error);
}

static void
otp_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrVneidTokens) tokens = NULL;
  GError *error = NULL;

  tokens = enr_vneid_client_otp_login_finish (ENR_VNEID_CLIENT (object), result, &error);
  if (tokens == NULL)
    {
      _enr_session_otp_refused (self, error);
      if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_OTP_EXPIRED))
        {
          /* The OTP session is void: only the password brings a new code. */
          _enr_session_set_otp (self, NULL);
          _enr_session_set_string (&self->otp_session, NULL);
          g_clear_error (&error);
          error = _enr_session_error_login_code_void ();
        }
      else if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_ACCOUNT_LOCKED))
        {
          /* PROTOCOL.md rev 2: the fifth wrong code in a row locks the
           * citizen and voids the session; the error says how long. */
          _enr_session_set_otp (self, NULL);
          _enr_session_set_string (&self->otp_session, NULL);
        }
      _enr_session_end_action (self, task, error);
      return;
    }

  _enr_session_cancel_other_login (self, task);
  _enr_session_complete_login_async (self, tokens->access_token, g_task_get_cancellable (task),
                                     login_completed_cb, task);
}

void
enr_session_submit_login_otp_async (EnrSession          *self,
                                    const char          *otp,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));
  g_return_if_fail (otp != NULL);

  task = _enr_session_begin_action (self, self, cancellable, callback, user_data,
                                    enr_session_submit_login_otp_async);
  if (task == NULL)
    return;
  if (self->otp_session == NULL)
    {
      _enr_session_end_action (self, task, _enr_session_error_login_code_void ());
      return;
    }
  enr_vneid_client_otp_login_async (self->vneid, self->otp_session, otp,
                                    g_task_get_cancellable (task), otp_cb, task);
}

gboolean
enr_session_submit_login_otp_finish (EnrSession    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return _enr_session_finish_action (self, result, enr_session_submit_login_otp_async, error);
}
