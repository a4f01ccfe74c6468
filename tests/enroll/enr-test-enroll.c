/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-test-enroll"

#include "config.h"

#include <string.h>

#include "enr-http.h"
#include "enr-session-error-private.h"
#include "enr-session-private.h"
#include "enr-test-enroll.h"

const EnrTestCitizen ENR_TEST_AN = { "001093000001", "0912345678", "Nguyễn Văn An" };
const EnrTestCitizen ENR_TEST_NGOC = { "079301000123", "0987654321", "Trần Thị Bích Ngọc" };
const EnrTestCitizen ENR_TEST_NHUNG = { "048178004321", "0905111222", "Lê Thị Hồng Nhung" };
const EnrTestCitizen ENR_TEST_BAO = { "031085006789", "0934000111", "Phạm Quốc Bảo" };

void
enr_test_store_result (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
enr_test_wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Runs one action of @session to its end. */
#define ACT(session, error, action, ...) \
  ({ g_autoptr(GAsyncResult) act_res_ = NULL; \
     enr_session_##action##_async ((session), ##__VA_ARGS__, NULL, enr_test_store_result, \
                                   &act_res_); \
     enr_test_wait_result (&act_res_); \
     enr_session_##action##_finish ((session), act_res_, (error)); })

void
enr_test_start_sandbox (EnrSandboxRunner *runner)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  enr_sandbox_runner_start_async (runner, NULL, enr_test_store_result, &result);
  enr_sandbox_runner_start_finish (runner, enr_test_wait_result (&result), &error);
  g_assert_no_error (error);
}

EnrSession *
enr_test_new_session_for (const char *vneid_url,
                          const char *smartca_url,
                          const char *trust_anchor,
                          gboolean    kiosk,
                          const char *state_dir)
{
  /* The sandbox's root signs its TLS certificate and its issuing CA. */
  EnrSession *session = enr_session_new (vneid_url, smartca_url, trust_anchor, trust_anchor,
                                         kiosk, state_dir);

  _enr_session_set_key_iterations (session, ENR_TEST_ITERATIONS);
  enr_http_set_retry_limits (_enr_session_get_http (session), 12, 100, 1000, 60000);
  return session;
}

EnrSession *
enr_test_new_session (EnrSandboxRunner *runner,
                      gboolean          kiosk,
                      const char       *state_dir)
{
  return enr_test_new_session_for (enr_sandbox_runner_get_vneid_url (runner),
                                   enr_sandbox_runner_get_smartca_url (runner),
                                   enr_sandbox_runner_get_trust_anchor (runner), kiosk,
                                   state_dir);
}

char *
enr_test_latest_otp (EnrSandboxControl *control,
                     const char        *phone,
                     const char        *purpose)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;

  enr_sandbox_control_outbox_async (control, phone, NULL, enr_test_store_result, &result);
  outbox = enr_sandbox_control_outbox_finish (control, enr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < outbox->len; i++)
    {
      EnrSandboxOtp *otp = g_ptr_array_index (outbox, i);

      if (g_str_equal (otp->purpose, purpose))
        return g_strdup (otp->code);
    }
  g_error ("no %s code was sent to %s", purpose, phone);
}

gboolean
enr_test_log_in (EnrSession           *session,
                 EnrSandboxControl    *control,
                 const EnrTestCitizen *citizen,
                 GError              **error)
{
  g_autofree char *otp = NULL;

  if (!ACT (session, error, log_in, citizen->id, ENR_TEST_PASSWORD))
    return FALSE;
  otp = enr_test_latest_otp (control, citizen->phone, "vneid-login");
  return ACT (session, error, submit_login_otp, otp);
}

gboolean
enr_test_enroll (EnrSession           *session,
                 EnrSandboxControl    *control,
                 const EnrTestCitizen *citizen,
                 const char           *pin,
                 GError              **error)
{
  g_autofree char *otp = NULL;

  if (!enr_test_log_in (session, control, citizen, error) ||
      !ACT (session, error, confirm_registration, TRUE) ||
      !ACT (session, error, start_service) ||
      !ACT (session, error, send_contract_otp))
    return FALSE;
  otp = enr_test_latest_otp (control, citizen->phone, "contract");
  if (!ACT (session, error, sign_contract, otp) ||
      !ACT (session, error, activate, pin, pin) ||
      !ACT (session, error, sign_acceptance, pin))
    return FALSE;
  /* VNeID learns of the certificate a moment after SmartCA. */
  for (guint i = 0; enr_session_get_step (session) != ENR_SESSION_STEP_DONE && i < 50; i++)
    {
      g_autoptr(GError) later = NULL;

      if (!ACT (session, &later, refresh_certificate))
        g_usleep (100000);
    }
  if (enr_session_get_step (session) != ENR_SESSION_STEP_DONE)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "the services never reported the certificate alike");
      return FALSE;
    }
  return TRUE;
}

void
enr_test_assert_told (const GError *error,
                      GQuark        domain,
                      gint          code)
{
  g_autoptr(GError) expected = _enr_session_error_from (g_error_new_literal (domain, code, ""));

  g_assert_nonnull (error);
  g_assert_error (error, ENR_SESSION_ERROR, expected->code);
  g_assert_cmpint (enr_session_error_get_field (error), ==,
                   enr_session_error_get_field (expected));
  g_assert_cmpint (enr_session_error_get_unlock (error), ==,
                   enr_session_error_get_unlock (expected));
  g_assert_cmpint (enr_session_error_get_reason (error), ==,
                   enr_session_error_get_reason (expected));
  g_assert_true (g_str_has_prefix (error->message, expected->message));
}

EnrCertificate *
enr_test_session_certificate (EnrSession *session)
{
  const EnrSessionCertificate *shown = enr_session_get_certificate (session);
  g_autoptr(GError) error = NULL;
  EnrCertificate *certificate;

  if (shown == NULL)
    return NULL;
  certificate = enr_certificate_new_from_der (shown->der, &error);
  g_assert_no_error (error);
  return certificate;
}
