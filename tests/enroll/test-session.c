/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * EnrSession against a real smartca-sandbox (EnrSandboxRunner), with no
 * GTK: enrollments by both login ways, every error a citizen can meet,
 * faults and restarts of the service, a session destroyed and made again
 * (resume), the kiosk's wipe, and a log that never holds a secret.
 *
 * Run through tests/crypto/keyring-run.sh: ENR_TEST_KEYRING says which
 * keyring the desktop sessions find (gnome-keyring, no-keyring,
 * locked-keyring).
 */
#define G_LOG_DOMAIN "test-session"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "enr-citizen-id.h"
#include "enr-crypto-error.h"
#include "enr-http.h"
#include "enr-key-store.h"
#include "enr-pades.h"
#include "enr-sandbox-control.h"
#include "enr-sandbox-runner.h"
#include "enr-service-error.h"
#include "enr-session-private.h"
#include "enr-smartca-client.h"
#include "enr-state-file.h"
#include "enr-test-enroll.h"
#include "enr-test-sandbox.h"
#include "enr-store-error.h"
#include "enr-test-keyring.h"

#define PASSWORD      "Matkhau@123"
#define PIN           "482913"
#define OTHER_PIN     "730518"

typedef struct
{
  const char *id;
  const char *phone;
  const char *full_name;
} Citizen;

static const Citizen AN = { "001093000001", "0912345678", "Nguyễn Văn An" };
static const Citizen NGOC = { "079301000123", "0987654321", "Trần Thị Bích Ngọc" };
static const Citizen NHUNG = { "048178004321", "0905111222", "Lê Thị Hồng Nhung" };
static const Citizen BAO = { "031085006789", "0934000111", "Phạm Quốc Bảo" };
static const Citizen LEVEL1 = { "092099001122", "0978222333", NULL };

/* What a test runs against. */
typedef struct
{
  gboolean    kiosk;
  const char *sync_delay_ms;
} Config;

static const Config KIOSK = { TRUE, "300" };
static const Config DESKTOP = { FALSE, "300" };
/* A sync that outlasts a restart however slow the machine; the sandbox's
 * clock ends it. */
static const Config KIOSK_LONG_SYNC = { TRUE, "20000" };
static const Config DESKTOP_LONG_SYNC = { FALSE, "20000" };

typedef struct
{
  EnrTestSandbox  sandbox;
  EnrSession     *session;
  gboolean        kiosk;
} Fixture;

/* --- Waiting on the main context ------------------------------------------------- */

#define store_result enr_test_store_result
#define wait_for     enr_test_wait_result

/* Runs one citizen action of @fx's session to its end. */
#define ACT(fx, error, action, ...) \
  ({ g_autoptr(GAsyncResult) act_res_ = NULL; \
     enr_session_##action##_async ((fx)->session, ##__VA_ARGS__, NULL, store_result, &act_res_); \
     wait_for (&act_res_); \
     enr_session_##action##_finish ((fx)->session, act_res_, (error)); })

static void
wait_until (gboolean (*done) (gpointer), gpointer data)
{
  while (!done (data))
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* --- The sandbox ---------------------------------------------------------------------- */

static void
start_sandbox (Fixture *fx)
{
  enr_test_start_sandbox (fx->sandbox.runner);
}

static EnrSession *
new_session (Fixture *fx)
{
  return enr_test_new_session (fx->sandbox.runner, fx->kiosk, fx->sandbox.state_dir);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  const Config *config = data;

  fx->kiosk = config->kiosk;
  enr_test_sandbox_set_up (&fx->sandbox, "session", config->sync_delay_ms);
  fx->session = new_session (fx);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->session);
  /* SIGTERM stops the sandbox cleanly, with exit status 0. */
  enr_test_sandbox_tear_down (&fx->sandbox);
}

static char *
latest_otp (Fixture    *fx,
            const char *phone,
            const char *purpose)
{
  return enr_test_latest_otp (fx->sandbox.control, phone, purpose);
}

static char *
wrong_otp (const char *otp)
{
  return g_strdup_printf ("%06d", (atoi (otp) + 1) % 1000000);
}

static void
set_faults (Fixture                *fx,
            const EnrSandboxFaults *faults)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  enr_sandbox_control_set_faults_async (fx->sandbox.control, faults, NULL, store_result, &res);
  enr_sandbox_control_set_faults_finish (fx->sandbox.control, wait_for (&res), &error);
  g_assert_no_error (error);
}

static void
advance_clock (Fixture *fx,
               guint    seconds)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  enr_sandbox_control_advance_clock_async (fx->sandbox.control, seconds, NULL, store_result, &res);
  enr_sandbox_control_advance_clock_finish (fx->sandbox.control, wait_for (&res), &error);
  g_assert_no_error (error);
}

static sqlite3 *
open_database (Fixture *fx)
{
  g_autofree char *path = g_build_filename (enr_sandbox_runner_get_data_dir (fx->sandbox.runner),
                                            "sandbox.db", NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
count_rows (Fixture    *fx,
            const char *sql,
            const char *parameter)
{
  sqlite3 *db = open_database (fx);
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (parameter != NULL)
    sqlite3_bind_text (stmt, 1, parameter, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

/* --- The steps, as a citizen takes them ------------------------------------------------ */

static void
log_in_by_password (Fixture       *fx,
                    const Citizen *citizen)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *otp = NULL;
  const EnrOtpState *state;

  g_assert_true (ACT (fx, &error, log_in, citizen->id, PASSWORD));
  g_assert_no_error (error);
  state = enr_session_get_otp (fx->session);
  g_assert_nonnull (state);
  g_assert_cmpint (state->purpose, ==, ENR_OTP_PURPOSE_LOGIN);
  g_assert_cmpint (state->attempts_left, ==, 5);
  g_assert_true (g_str_has_suffix (state->sent_to, citizen->phone + strlen (citizen->phone) - 2));
  g_assert_cmpint (state->expires_at, >, g_get_real_time ());

  otp = latest_otp (fx, citizen->phone, "vneid-login");
  g_assert_true (ACT (fx, &error, submit_login_otp, otp));
  g_assert_no_error (error);
  g_assert_null (enr_session_get_otp (fx->session));
  g_assert_cmpstr (enr_session_get_identity (fx->session)->citizen_id, ==, citizen->id);
}

typedef struct
{
  Fixture       *fx;
  const Citizen *citizen;
  gboolean       approve;
  gboolean       answered;
  guint          codes_seen;
} QrApproval;

static void
answered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  QrApproval *approval = user_data;
  g_autoptr(GError) error = NULL;

  enr_sandbox_control_answer_login_finish (ENR_SANDBOX_CONTROL (object), result, &error);
  g_assert_no_error (error);
  approval->answered = TRUE;
}

/* The citizen scans the code shown and answers on the phone. */
static void
login_code_cb (EnrSession *session,
               GParamSpec *pspec,
               QrApproval *approval)
{
  const EnrLoginCode *code = enr_session_get_login_code (session);

  if (code == NULL)
    return;
  approval->codes_seen++;
  g_assert_true (g_str_has_prefix (code->verification_uri_complete, "https://"));
  g_assert_cmpint (code->expires_at, >, g_get_real_time ());
  enr_sandbox_control_answer_login_async (approval->fx->sandbox.control, code->user_code,
                                          approval->citizen->id, approval->approve, NULL,
                                          answered_cb, approval);
}

static gboolean
qr_login (Fixture       *fx,
          const Citizen *citizen,
          gboolean       approve,
          GError       **error)
{
  QrApproval approval = { fx, citizen, approve, FALSE, 0 };
  gulong handler;
  gboolean ok;

  handler = g_signal_connect (fx->session, "notify::login-code", G_CALLBACK (login_code_cb),
                              &approval);
  ok = ACT (fx, error, start_qr_login);
  g_signal_handler_disconnect (fx->session, handler);
  g_assert_true (approval.answered);
  g_assert_cmpuint (approval.codes_seen, ==, 1);
  g_assert_null (enr_session_get_login_code (fx->session));
  return ok;
}

static void
confirm_and_start (Fixture *fx)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CONFIRM);
  g_assert_true (ACT (fx, &error, confirm_registration, TRUE));
  g_assert_no_error (error);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_INITIALIZE);
  g_assert_nonnull (enr_session_get_registration (fx->session));

  g_assert_true (ACT (fx, &error, start_service));
  g_assert_no_error (error);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CONTRACT);
  g_assert_cmpstr (enr_session_get_smartca_state (fx->session), ==, "CONTRACT_PENDING");
  g_assert_cmpstr (enr_session_get_registration (fx->session)->status, ==, "SYNCED");
}

static void
sign_contract (Fixture       *fx,
               const Citizen *citizen)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *otp = NULL;
  const EnrSessionDocument *contract;
  const EnrSessionDocument *signed_copy;

  g_assert_true (ACT (fx, &error, fetch_contract));
  g_assert_no_error (error);
  contract = enr_session_get_contract (fx->session);
  g_assert_nonnull (contract);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (contract->data, NULL), "%PDF-"));
  g_assert_nonnull (strstr (contract->name, citizen->id));
  g_assert_nonnull (contract->hash);

  g_assert_true (ACT (fx, &error, send_contract_otp));
  g_assert_no_error (error);
  g_assert_cmpint (enr_session_get_otp (fx->session)->purpose, ==, ENR_OTP_PURPOSE_CONTRACT);
  g_assert_cmpint (enr_session_get_otp (fx->session)->resend_after, >, g_get_real_time ());

  otp = latest_otp (fx, citizen->phone, "contract");
  g_assert_true (ACT (fx, &error, sign_contract, otp));
  g_assert_no_error (error);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_ACTIVATE);
  signed_copy = enr_session_get_signed_contract (fx->session);
  g_assert_nonnull (signed_copy);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (signed_copy->data, NULL), "%PDF-"));
  g_assert_null (enr_session_get_otp (fx->session));
}


static void
activate (Fixture    *fx,
          const char *pin)
{
  g_autoptr(GError) error = NULL;
  const EnrSessionDocument *record;
  g_autoptr(EnrCertificate) certificate = NULL;

  g_assert_true (ACT (fx, &error, activate, pin, pin));
  g_assert_no_error (error);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_ACTIVATE);
  g_assert_cmpstr (enr_session_get_smartca_state (fx->session), ==, "ACCEPTANCE_PENDING");
  g_assert_cmpint (enr_session_get_pin_attempts_left (fx->session), ==, 5);

  certificate = enr_test_session_certificate (fx->session);
  g_assert_nonnull (certificate);
  g_assert_cmpstr (enr_certificate_get_common_name (certificate), ==,
                   enr_session_get_identity (fx->session)->full_name);
  record = enr_session_get_acceptance_record (fx->session);
  g_assert_nonnull (record);
  g_assert_true (g_str_has_prefix (g_bytes_get_data (record->data, NULL), "%PDF-"));
  g_assert_nonnull (record->hash);
  g_assert_cmpint (record->expires_at, >, g_get_real_time ());
}

/* The end: a certificate that chains to the sandbox's root and names the
 * citizen, a signed acceptance record that verifies, as checked here
 * again, independently of what the session checked. */
static void check_end (Fixture *fx, const Citizen *citizen, GBytes *approved);

static void
accept (Fixture       *fx,
        const Citizen *citizen,
        const char    *pin)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) approved = NULL;
  gsize len = 0;

  {
    g_autofree char *hash = g_strdup (enr_session_get_acceptance_record (fx->session)->hash);
    guchar *digest = g_base64_decode (hash, &len);

    approved = g_bytes_new_take (digest, len);
  }
  g_assert_true (ACT (fx, &error, sign_acceptance, pin));
  g_assert_no_error (error);
  g_assert_null (enr_session_get_acceptance_record (fx->session));

  /* A session that still has its VNeID login sees both reports at once;
   * one resumed since asks for a new login to see VNeID's. */
  if (enr_session_get_needs_login (fx->session))
    {
      g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CERTIFICATE);
      enr_test_assert_told ((GError *) enr_session_get_last_error (fx->session),
                            ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_EXPIRED);
      g_assert_cmpstr (enr_session_get_certificate_report (fx->session)->smartca_status, ==,
                       "VALID");
      log_in_by_password (fx, citizen);
      g_assert_false (enr_session_get_needs_login (fx->session));
      g_assert_true (ACT (fx, &error, refresh_certificate));
      g_assert_no_error (error);
    }
  check_end (fx, citizen, approved);
}

static void
check_end (Fixture       *fx,
           const Citizen *citizen,
           GBytes        *approved)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrPadesReport) report = NULL;
  g_autofree char *uid = g_strconcat ("CCCD:", citizen->id, NULL);
  const EnrCertificateReport *seen;
  const EnrSessionDocument *signed_record;
  g_autoptr(EnrCertificate) certificate = NULL;

  g_assert_null (enr_session_get_last_error (fx->session));
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_DONE);

  certificate = enr_test_session_certificate (fx->session);
  g_assert_cmpstr (enr_certificate_get_uid (certificate), ==, uid);

  signed_record = enr_session_get_signed_acceptance_record (fx->session);
  g_assert_nonnull (signed_record);
  g_assert_nonnull (strstr (signed_record->name, citizen->id));
  g_assert_cmpuint (g_bytes_get_size (approved), ==, ENR_PADES_DIGEST_LENGTH);
  /* Signed over the hash approved, by this certificate, which chains
   * through the CMS's own certificates to the sandbox's root. */
  report = enr_pades_verify (signed_record->data, g_bytes_get_data (approved, NULL), certificate,
                             enr_sandbox_runner_get_trust_anchor (fx->sandbox.runner), &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpstr (report->signer_name, ==, citizen->full_name);

  seen = enr_session_get_certificate_report (fx->session);
  g_assert_nonnull (seen);
  g_assert_true (seen->consistent);
  g_assert_cmpstr (seen->vneid_status, ==, "VALID");
  g_assert_cmpstr (seen->smartca_status, ==, "VALID");
  g_assert_cmpstr (seen->smartca_serial, ==, enr_certificate_get_serial (certificate));
  g_assert_cmpstr (enr_session_get_registration (fx->session)->status, ==, "ACTIVE");
}

/* --- Enrollment ------------------------------------------------------------------------ */

static void
test_enroll_password (Fixture       *fx,
                      gconstpointer  data)
{
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_LOGIN);
  log_in_by_password (fx, &AN);
  g_assert_cmpstr (enr_session_get_identity (fx->session)->full_name, ==, AN.full_name);
  confirm_and_start (fx);
  sign_contract (fx, &AN);
  activate (fx, PIN);
  accept (fx, &AN, PIN);
}

static void
test_enroll_qr (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (qr_login (fx, &NGOC, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (enr_session_get_identity (fx->session)->full_name, ==, NGOC.full_name);
  confirm_and_start (fx);
  sign_contract (fx, &NGOC);
  activate (fx, PIN);
  accept (fx, &NGOC, PIN);
}

/* 20% of requests fail with 503 and every answer is late: the enrollment
 * still completes, and the service holds one registration, not two. */
static void
test_enroll_faults (Fixture       *fx,
                    gconstpointer  data)
{
  EnrSandboxFaults faults = { .fail_rate = 0.2, .latency_ms = 40, .status = 503, .seed = 5 };

  set_faults (fx, &faults);
  log_in_by_password (fx, &NHUNG);
  confirm_and_start (fx);
  sign_contract (fx, &NHUNG);
  activate (fx, PIN);
  accept (fx, &NHUNG, PIN);
  set_faults (fx, NULL);

  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM registrations WHERE citizen_id = ?",
                               NHUNG.id), ==, 1);
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM registrations", NULL), ==, 1);
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM credentials", NULL), ==, 1);
}

typedef struct
{
  EnrSession    *session;
  GAsyncResult **result;
} SyncWatch;

static gboolean
is_syncing (gpointer data)
{
  SyncWatch *watch = data;

  /* A step that ended before the wait began has nothing to interrupt. */
  g_assert_null (*watch->result);
  return g_strcmp0 (enr_session_get_smartca_state (watch->session), "SYNCING") == 0;
}

/* The service dies (SIGKILL) while the session waits for the sync, and
 * again between two steps; it comes back on the same port and the
 * citizen carries on. */
static void
test_sandbox_restart (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  log_in_by_password (fx, &BAO);
  g_assert_true (ACT (fx, &error, confirm_registration, TRUE));
  g_assert_no_error (error);

  enr_session_start_service_async (fx->session, NULL, store_result, &res);
  wait_until (is_syncing, &(SyncWatch) { fx->session, &res });
  enr_sandbox_runner_kill (fx->sandbox.runner);
  g_usleep (300 * 1000);
  start_sandbox (fx);
  advance_clock (fx, 21);
  g_assert_true (enr_session_start_service_finish (fx->session, wait_for (&res), &error));
  g_assert_no_error (error);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CONTRACT);

  enr_sandbox_runner_kill (fx->sandbox.runner);
  start_sandbox (fx);
  sign_contract (fx, &BAO);
  enr_sandbox_runner_kill (fx->sandbox.runner);
  start_sandbox (fx);
  activate (fx, PIN);
  enr_sandbox_runner_kill (fx->sandbox.runner);
  start_sandbox (fx);
  accept (fx, &BAO, PIN);
}


/* --- Step 5's errors -------------------------------------------------------------------- */

static void
to_activation (Fixture       *fx,
               const Citizen *citizen)
{
  log_in_by_password (fx, citizen);
  confirm_and_start (fx);
  sign_contract (fx, citizen);
}

/* A PIN the policy refuses costs nothing: no key, no call. */
static void
test_pin_policy (Fixture       *fx,
                 gconstpointer  data)
{
  const struct { const char *pin; const char *confirmation; } refused[] = {
    { "111111", "111111" }, { "123456", "123456" }, { "12345", "12345" },
    { "020493", "020493" },   /* AN's date of birth, 2 April 1993 */
    { PIN, OTHER_PIN },
  };

  to_activation (fx, &AN);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (ACT (fx, &error, activate, refused[i].pin, refused[i].confirmation));
      enr_test_assert_told (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_PIN_POLICY);
    }
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM credentials", NULL), ==, 0);
  g_assert_cmpstr (enr_session_get_smartca_state (fx->session), ==, "ACTIVATION_PENDING");
  activate (fx, PIN);
  accept (fx, &AN, PIN);
}

static void
test_wrong_pin (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  to_activation (fx, &NGOC);
  activate (fx, PIN);
  g_assert_false (ACT (fx, &error, sign_acceptance, OTHER_PIN));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_WRONG);
  g_assert_cmpint (enr_session_get_pin_attempts_left (fx->session), ==, 4);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_ACTIVATE);
  /* A wrong PIN is refused by the PIN guard: nothing is signed. */
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM transactions WHERE status != 4000",
                               NULL), ==, 0);
  accept (fx, &NGOC, PIN);
}

/* The issued certificate is checked against the signing trust anchor, not
 * the TLS one (the review's finding 6): with the sandbox's root trusted for
 * TLS only, the certificate it issued is not shown as the citizen's and no
 * record is signed with it. */
static void
test_signing_anchor_apart (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&fx->session);
  fx->session = enr_session_new (enr_sandbox_runner_get_vneid_url (fx->sandbox.runner),
                                 enr_sandbox_runner_get_smartca_url (fx->sandbox.runner),
                                 enr_sandbox_runner_get_trust_anchor (fx->sandbox.runner), NULL,
                                 fx->kiosk, fx->sandbox.state_dir);
  _enr_session_set_key_iterations (fx->session, ENR_TEST_ITERATIONS);
  to_activation (fx, &NHUNG);
  g_assert_false (ACT (fx, &error, activate, PIN, PIN));
  enr_test_assert_told (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_CERT_UNTRUSTED);
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_GET_HELP);
  g_assert_null (enr_session_get_certificate (fx->session));
  g_assert_null (enr_session_get_acceptance_record (fx->session));
}

/* The record waited too long: a new one is shown, and that one is signed. */
static void
test_challenge_expired (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;

  to_activation (fx, &NHUNG);
  activate (fx, PIN);
  first = g_strdup (_enr_session_get_acceptance_tran_id (fx->session));
  advance_clock (fx, 301);
  g_assert_false (ACT (fx, &error, sign_acceptance, PIN));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED);
  g_assert_nonnull (enr_session_get_acceptance_record (fx->session));
  g_assert_cmpstr (_enr_session_get_acceptance_tran_id (fx->session), !=, first);
  g_assert_cmpint (enr_session_get_acceptance_record (fx->session)->expires_at, >,
                   g_get_real_time ());
  accept (fx, &NHUNG, PIN);
}

static void
rejected_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(EnrTransactionResult) outcome = NULL;
  g_autoptr(GError) error = NULL;

  outcome = enr_smartca_client_reject_transaction_finish (ENR_SMARTCA_CLIENT (object), result,
                                                          &error);
  g_assert_no_error (error);
  g_assert_cmpint (outcome->tran_status, ==, 4002);
  *(gboolean *) user_data = TRUE;
}

/* The record was rejected elsewhere (another device of the citizen's):
 * approving it says so, and the new record is shown. */
static void
test_transaction_rejected (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  gboolean rejected = FALSE;

  to_activation (fx, &BAO);
  activate (fx, PIN);
  first = g_strdup (_enr_session_get_acceptance_tran_id (fx->session));
  enr_smartca_client_reject_transaction_async (_enr_session_get_smartca (fx->session), first, NULL, rejected_cb,
                                               &rejected);
  wait_until (is_true, &rejected);

  g_assert_false (ACT (fx, &error, sign_acceptance, PIN));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_TRANSACTION_REJECTED);
  g_assert_cmpstr (_enr_session_get_acceptance_tran_id (fx->session), !=, first);
  g_assert_nonnull (enr_session_get_acceptance_record (fx->session));
  accept (fx, &BAO, PIN);
}

/* --- Resume ------------------------------------------------------------------------------- */

/* The session writes its files in a worker thread: wait for them. */
static void
flush_state_files (void)
{
  g_autoptr(GAsyncResult) res = NULL;

  enr_state_file_flush_async (NULL, store_result, &res);
  g_assert_true (enr_state_file_flush_finish (wait_for (&res), NULL));
}

/* Nothing in @contents says who @citizen is: not the citizen ID, the
 * name, the phone, the date of birth or the address VNeID holds. */
static void
assert_nothing_personal (const char    *contents,
                         const Citizen *citizen)
{
  g_assert_null (strstr (contents, citizen->id));
  g_assert_null (strstr (contents, citizen->full_name));
  g_assert_null (strstr (contents, citizen->phone));
  g_assert_null (strstr (contents, "date_of_birth"));
  g_assert_null (strstr (contents, "identity"));
  g_assert_null (strstr (contents, "province"));
  g_assert_null (strstr (contents, "hop-dong"));
}

static gboolean
resume (Fixture  *fx,
        gboolean *found,
        GError  **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  g_clear_object (&fx->session);
  fx->session = new_session (fx);
  enr_session_resume_async (fx->session, NULL, store_result, &res);
  return enr_session_resume_finish (fx->session, wait_for (&res), found, error);
}

static void
test_resume (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gboolean found = TRUE;

  /* Nothing kept: a fresh start. */
  g_assert_true (resume (fx, &found, &error));
  g_assert_no_error (error);
  g_assert_false (found);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_LOGIN);

  log_in_by_password (fx, &AN);
  confirm_and_start (fx);

  /* Closed at step 4: started again at step 4, with no new login. */
  g_assert_true (resume (fx, &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CONTRACT);
  g_assert_false (enr_session_get_needs_login (fx->session));
  g_assert_cmpstr (enr_session_get_identity (fx->session)->full_name, ==, AN.full_name);

  /* The checkpoint holds no secret and nothing personal, only progress
   * and opaque ids; the identity came back from the keyring. */
  path = g_build_filename (fx->sandbox.state_dir, "enrollment.json", NULL);
  flush_state_files ();
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, PASSWORD));
  g_assert_null (strstr (contents, "token"));
  assert_nothing_personal (contents, &AN);
  g_clear_pointer (&contents, g_free);

  sign_contract (fx, &AN);

  /* The server is the truth: a checkpoint that says step 4 when the
   * contract is signed resumes at step 5, with the signed copy kept. */
  flush_state_files ();
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"activate\""));
  {
    g_autoptr(GString) older = g_string_new (contents);

    g_string_replace (older, "\"activate\"", "\"contract\"", 1);
    g_assert_true (g_file_set_contents (path, older->str, -1, NULL));
  }
  g_assert_true (resume (fx, &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_ACTIVATE);
  g_assert_cmpstr (enr_session_get_smartca_state (fx->session), ==, "ACTIVATION_PENDING");
  g_assert_nonnull (enr_session_get_signed_contract (fx->session));
  g_assert_true (g_str_has_prefix (
      g_bytes_get_data (enr_session_get_signed_contract (fx->session)->data, NULL), "%PDF-"));

  /* Closed with the record to approve: the certificate and the record are
   * fetched again, and the PIN opens the handle the keyring kept. */
  activate (fx, PIN);
  g_assert_true (resume (fx, &found, &error));
  g_assert_no_error (error);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_ACTIVATE);
  g_assert_nonnull (enr_session_get_certificate (fx->session));
  g_assert_nonnull (enr_session_get_acceptance_record (fx->session));
  g_assert_cmpint (enr_session_get_pin_attempts_left (fx->session), ==, 5);
  accept (fx, &AN, PIN);

  /* Closed at the end: it opens at the end, with both signed copies. */
  g_assert_true (resume (fx, &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_DONE);
  g_assert_nonnull (enr_session_get_certificate (fx->session));
  g_assert_nonnull (enr_session_get_signed_contract (fx->session));
  g_assert_nonnull (enr_session_get_signed_acceptance_record (fx->session));
  g_assert_true (g_str_has_prefix (g_bytes_get_data (
    enr_session_get_signed_acceptance_record (fx->session)->data, NULL), "%PDF-"));
  g_assert_false (enr_session_get_needs_login (fx->session));

  /* The copies on disk name the citizen: they are sealed under a key only
   * the keyring holds, and the checkpoint still names no one. */
  flush_state_files ();
  {
    const char *files[] = { "signed-contract.pdf", "signed-acceptance-record.pdf",
                            "enrollment.json" };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *file = g_build_filename (fx->sandbox.state_dir, files[i], NULL);
        g_autofree char *bytes = NULL;
        gsize len = 0;

        g_assert_true (g_file_get_contents (file, &bytes, &len, NULL));
        g_assert_null (g_strstr_len (bytes, (gssize) len, "%PDF"));
        g_assert_null (g_strstr_len (bytes, (gssize) len, AN.id));
        g_assert_null (g_strstr_len (bytes, (gssize) len, "CCCD"));
      }
  }

  /* SmartCA's view, without a VNeID login; VNeID's once logged in. */
  g_assert_true (ACT (fx, &error, refresh_certificate));
  g_assert_no_error (error);
  g_assert_cmpstr (enr_session_get_certificate_report (fx->session)->smartca_status, ==, "VALID");
  g_assert_null (enr_session_get_certificate_report (fx->session)->vneid_status);
  log_in_by_password (fx, &AN);
  g_assert_true (ACT (fx, &error, refresh_certificate));
  g_assert_no_error (error);
  g_assert_true (enr_session_get_certificate_report (fx->session)->consistent);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_DONE);
}

static void
revoked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(gboolean *) user_data = enr_smartca_client_revoke_finish (ENR_SMARTCA_CLIENT (object),
                                                              result, NULL);
}

/* The program is closed in the middle of a step (the window cancels what
 * runs, then lets the session go): a new session resumes, and the step is
 * taken again from where the service is. */
static void
test_closed_mid_step (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  log_in_by_password (fx, &BAO);
  g_assert_true (ACT (fx, &error, confirm_registration, TRUE));
  g_assert_no_error (error);

  enr_session_start_service_async (fx->session, cancellable, store_result, &res);
  wait_until (is_syncing, &(SyncWatch) { fx->session, &res });
  g_cancellable_cancel (cancellable);
  g_assert_false (enr_session_start_service_finish (fx->session, wait_for (&res), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_true (resume (fx, &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_false (enr_session_get_needs_login (fx->session));
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_INITIALIZE);
  g_assert_cmpstr (enr_session_get_smartca_state (fx->session), ==, "SYNCING");

  /* The sync goes on at SmartCA; the step only waits for it again. */
  advance_clock (fx, 21);
  g_assert_true (ACT (fx, &error, start_service));
  g_assert_no_error (error);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CONTRACT);
  sign_contract (fx, &BAO);
}

/* The SmartCA login the keyring keeps was revoked while the program was
 * closed: resume asks for a new VNeID login, and the citizen carries on
 * at the same step. */
static void
test_resume_login_expired (Fixture       *fx,
                           gconstpointer  data)
{
  g_autoptr(EnrKeyStore) store = enr_key_store_new (ENR_KEY_STORE_KEYRING);
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(EnrSmartcaClient) client = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *handle_id = NULL;
  gboolean found = FALSE;
  gboolean revoked = FALSE;

  log_in_by_password (fx, &NGOC);
  confirm_and_start (fx);
  handle_id = g_strdup (_enr_session_get_handle_id (fx->session));
  g_assert_nonnull (handle_id);
  g_clear_object (&fx->session);

  enr_key_store_lookup_async (store, handle_id, enr_sandbox_runner_get_smartca_url (fx->sandbox.runner),
                              NULL, store_result, &res);
  handle = enr_key_store_lookup_finish (store, wait_for (&res), &error);
  g_assert_no_error (error);
  g_assert_nonnull (enr_key_handle_get_refresh_token (handle));
  {
    g_autoptr(EnrHttp) http = enr_http_new (enr_sandbox_runner_get_trust_anchor (fx->sandbox.runner),
                                            &error);

    g_assert_no_error (error);
    client = enr_smartca_client_new (http, enr_sandbox_runner_get_smartca_url (fx->sandbox.runner));
  }
  enr_smartca_client_set_tokens (client, NULL, enr_key_handle_get_refresh_token (handle));
  enr_smartca_client_revoke_async (client, NULL, revoked_cb, &revoked);
  wait_until (is_true, &revoked);

  g_assert_true (resume (fx, &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_true (enr_session_get_needs_login (fx->session));
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CONTRACT);

  {
    g_autoptr(GError) refused = NULL;

    g_assert_false (ACT (fx, &refused, fetch_contract));
    enr_test_assert_told (refused, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_EXPIRED);
    enr_test_assert_told ((GError *) enr_session_get_last_error (fx->session),
                          ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_EXPIRED);
  }

  log_in_by_password (fx, &NGOC);
  g_assert_false (enr_session_get_needs_login (fx->session));
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CONTRACT);
  sign_contract (fx, &NGOC);
}

/* The VNeID login lives 15 minutes: one that ran out before the
 * registration is asked for again, and the step goes on. */
static void
test_vneid_login_expired (Fixture       *fx,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  log_in_by_password (fx, &NHUNG);
  advance_clock (fx, 901);
  g_assert_false (ACT (fx, &error, confirm_registration, TRUE));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_EXPIRED);
  g_assert_true (enr_session_get_needs_login (fx->session));
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CONFIRM);
  g_clear_error (&error);

  log_in_by_password (fx, &NHUNG);
  g_assert_false (enr_session_get_needs_login (fx->session));
  confirm_and_start (fx);

  /* The SmartCA access token (an hour) runs out too: it is renewed with
   * the refresh token, which rotates, unseen by the citizen. */
  advance_clock (fx, 3601);
  sign_contract (fx, &NHUNG);
}

/* Logged in again as someone else: the enrollment is not theirs. */
static void
test_other_citizen (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  log_in_by_password (fx, &AN);
  confirm_and_start (fx);

  g_assert_true (ACT (fx, &error, log_in, NGOC.id, PASSWORD));
  g_assert_no_error (error);
  {
    g_autofree char *otp = latest_otp (fx, NGOC.phone, "vneid-login");

    g_assert_false (ACT (fx, &error, submit_login_otp, otp));
  }
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_OTHER_CITIZEN);
  g_assert_cmpstr (enr_session_get_identity (fx->session)->citizen_id, ==, AN.id);
}

/* --- Errors a citizen meets --------------------------------------------------------------- */

static void
test_wrong_password (Fixture       *fx,
                     gconstpointer  data)
{
  for (int left = 4; left >= 1; left--)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *told = g_strdup_printf ("%d attempt", left);

      g_assert_false (ACT (fx, &error, log_in, BAO.id, "sai-mat-khau"));
      enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_WRONG_PASSWORD);
      g_assert_nonnull (strstr (error->message, told));
      g_assert_false (enr_session_get_busy (fx->session));
    }
  {
    g_autoptr(GError) error = NULL;

    /* The fifth locks the account, even against the right password. */
    g_assert_false (ACT (fx, &error, log_in, BAO.id, "sai-mat-khau"));
    enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_ACCOUNT_LOCKED);
    g_assert_nonnull (strstr (error->message, "minute"));
    g_clear_error (&error);
    g_assert_false (ACT (fx, &error, log_in, BAO.id, PASSWORD));
    enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_ACCOUNT_LOCKED);
    enr_test_assert_told ((GError *) enr_session_get_last_error (fx->session),
                          ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_ACCOUNT_LOCKED);
  }
}

static void
test_wrong_login_otp (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *otp = NULL;
  g_autofree char *wrong = NULL;

  g_assert_true (ACT (fx, &error, log_in, AN.id, PASSWORD));
  otp = latest_otp (fx, AN.phone, "vneid-login");
  wrong = wrong_otp (otp);
  for (int left = 4; left >= 1; left--)
    {
      g_assert_false (ACT (fx, &error, submit_login_otp, wrong));
      enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_OTP_WRONG);
      g_assert_cmpint (enr_session_get_otp (fx->session)->attempts_left, ==, left);
      g_clear_error (&error);
    }
  /* PROTOCOL.md rev 2: the fifth locks the citizen for a while, said with
   * how long to wait, and voids the OTP session: even the right code is
   * too late, and the password is refused until the lock ends. */
  g_assert_false (ACT (fx, &error, submit_login_otp, wrong));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_ACCOUNT_LOCKED);
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_WAIT);
  g_assert_cmpint (enr_session_error_get_retry_after (error), >, 0);
  g_assert_nonnull (strstr (error->message, "minute"));
  g_assert_null (enr_session_get_otp (fx->session));
  g_clear_error (&error);
  g_assert_false (ACT (fx, &error, submit_login_otp, otp));
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_LOCKED);
  g_assert_cmpint (enr_session_error_get_unlock (error), ==, ENR_SESSION_UNLOCK_PASSWORD);
  g_clear_error (&error);
  g_assert_false (ACT (fx, &error, log_in, AN.id, PASSWORD));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_ACCOUNT_LOCKED);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_LOGIN);
}

static void
test_wrong_contract_otp (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *otp = NULL;
  g_autofree char *wrong = NULL;

  log_in_by_password (fx, &NGOC);
  confirm_and_start (fx);
  g_assert_true (ACT (fx, &error, send_contract_otp));
  g_assert_no_error (error);
  g_assert_nonnull (enr_session_get_contract (fx->session));

  /* A second code too soon is refused, and says when. */
  g_assert_false (ACT (fx, &error, send_contract_otp));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_TOO_SOON);
  g_clear_error (&error);

  otp = latest_otp (fx, NGOC.phone, "contract");
  wrong = wrong_otp (otp);
  for (int left = 4; left >= 1; left--)
    {
      g_autofree char *told = g_strdup_printf ("%d attempt", left);

      g_assert_false (ACT (fx, &error, sign_contract, wrong));
      enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_OTP_WRONG);
      g_assert_nonnull (strstr (error->message, told));
      g_assert_cmpint (enr_session_get_otp (fx->session)->attempts_left, ==, left);
      g_clear_error (&error);
    }
  /* PROTOCOL.md rev 2: the fifth also revokes the citizen's SmartCA
   * login. The citizen is told to log in to VNeID again, and carries on at
   * the same step with a new code. */
  g_assert_false (ACT (fx, &error, sign_contract, wrong));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_OTP_LOCKED);
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_LOG_IN);
  g_assert_true (enr_session_get_needs_login (fx->session));
  g_assert_cmpint (enr_session_get_otp (fx->session)->attempts_left, ==, 0);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM tokens WHERE citizen_id = ? AND "
                               "service = 'smartca' AND revoked = 0", NGOC.id), ==, 0);
  g_assert_false (ACT (fx, &error, sign_contract, otp));
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_LOG_IN);
  g_clear_error (&error);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CONTRACT);

  log_in_by_password (fx, &NGOC);
  g_assert_false (enr_session_get_needs_login (fx->session));
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CONTRACT);
  advance_clock (fx, 61);   /* a new code comes a minute after the last */
  sign_contract (fx, &NGOC);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_ACTIVATE);
}

static void
test_identity_level (Fixture       *fx,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  log_in_by_password (fx, &LEVEL1);
  g_assert_cmpint (enr_session_get_identity (fx->session)->identity_level, ==, 1);
  g_assert_false (ACT (fx, &error, confirm_registration, TRUE));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_IDENTITY_LEVEL);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_CONFIRM);
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM registrations", NULL), ==, 0);
}

static void
test_consent_required (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  log_in_by_password (fx, &AN);
  g_assert_false (ACT (fx, &error, confirm_registration, FALSE));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_CONSENT_REQUIRED);
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM registrations", NULL), ==, 0);
}

static void
test_qr_denied (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (qr_login (fx, &AN, FALSE, &error));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_DENIED);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_LOGIN);
}

static gboolean
has_login_code (gpointer data)
{
  return enr_session_get_login_code (data) != NULL;
}

/* The QR code expires unanswered: the session shows a new one by itself;
 * cancelling stops it at once. */
static void
test_qr_renewed (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;

  enr_session_start_qr_login_async (fx->session, NULL, store_result, &res);
  wait_until (has_login_code, fx->session);
  first = g_strdup (enr_session_get_login_code (fx->session)->user_code);

  /* A second QR login beside the first is refused. */
  {
    g_autoptr(GError) busy = NULL;

    g_assert_false (ACT (fx, &busy, start_qr_login));
    g_assert_error (busy, G_IO_ERROR, G_IO_ERROR_BUSY);
  }

  advance_clock (fx, 601);
  while (g_str_equal (enr_session_get_login_code (fx->session)->user_code, first))
    g_main_context_iteration (NULL, TRUE);

  enr_session_cancel_qr_login (fx->session);
  g_assert_false (enr_session_start_qr_login_finish (fx->session, wait_for (&res), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (enr_session_get_login_code (fx->session));
  g_assert_null (enr_session_get_last_error (fx->session));
}

static void
test_busy (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GAsyncResult) first = NULL;
  g_autoptr(GError) error = NULL;

  enr_session_log_in_async (fx->session, AN.id, PASSWORD, NULL, store_result, &first);
  g_assert_true (enr_session_get_busy (fx->session));
  g_assert_false (ACT (fx, &error, log_in, AN.id, PASSWORD));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (enr_session_log_in_finish (fx->session, wait_for (&first), &error));
  g_assert_no_error (error);
  g_assert_false (enr_session_get_busy (fx->session));
}

static void
test_cancel (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  EnrSandboxFaults slow = { .latency_ms = 5000 };

  set_faults (fx, &slow);
  enr_session_log_in_async (fx->session, AN.id, PASSWORD, cancellable, store_result, &res);
  g_cancellable_cancel (cancellable);
  g_assert_false (enr_session_log_in_finish (fx->session, wait_for (&res), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (enr_session_get_busy (fx->session));
  set_faults (fx, NULL);
}

/* What cannot be reached, or not trusted, is told apart. */
static void
test_unreachable (Fixture       *fx,
                  gconstpointer  data)
{
  const struct {
    const char     *vneid;
    const char     *smartca;
    gboolean        sandbox_anchor;
    EnrServiceError code;
  } cases[] = {
    { NULL, NULL, TRUE, ENR_SERVICE_ERROR_NOT_CONFIGURED },
    { "http://127.0.0.1:1/vneid", "http://127.0.0.1:1/smartca", TRUE,
      ENR_SERVICE_ERROR_NOT_CONFIGURED },
    { "https://127.0.0.1:1/vneid", "https://127.0.0.1:1/smartca", TRUE,
      ENR_SERVICE_ERROR_UNAVAILABLE },
    { "https://smartca-sandbox.invalid/vneid", "https://smartca-sandbox.invalid/smartca", TRUE,
      ENR_SERVICE_ERROR_NO_NETWORK },
    /* The system's store does not trust the sandbox's own CA. */
    { enr_sandbox_runner_get_vneid_url (fx->sandbox.runner),
      enr_sandbox_runner_get_smartca_url (fx->sandbox.runner), FALSE,
      ENR_SERVICE_ERROR_TLS_UNTRUSTED },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_clear_object (&fx->session);
      fx->session = enr_session_new (cases[i].vneid, cases[i].smartca,
                                     cases[i].sandbox_anchor
                                       ? enr_sandbox_runner_get_trust_anchor (fx->sandbox.runner) : NULL,
                                     NULL, TRUE, fx->sandbox.state_dir);
      if (_enr_session_get_http (fx->session) != NULL)
        enr_http_set_retry_limits (_enr_session_get_http (fx->session), 2, 10, 20, 5000);
      g_assert_false (ACT (fx, &error, log_in, AN.id, PASSWORD));
      enr_test_assert_told (error, ENR_SERVICE_ERROR, (gint) cases[i].code);
      g_assert_false (enr_session_get_busy (fx->session));
    }
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM outbox", NULL), ==, 0);
}

/* --- Keyrings ------------------------------------------------------------------------------ */

/* No keyring: the step that must keep the SmartCA login says so, and so
 * does a program started again. A keyring locked after the login was kept:
 * resume says it is locked. Each with the store's own code. */
static void
test_keyring_missing (Fixture       *fx,
                      gconstpointer  data)
{
  gboolean locked = g_strcmp0 (g_getenv ("ENR_TEST_KEYRING"), "locked-keyring") == 0;
  EnrStoreError code = locked ? ENR_STORE_ERROR_KEYRING_LOCKED : ENR_STORE_ERROR_NO_KEYRING;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  log_in_by_password (fx, &AN);
  g_assert_true (ACT (fx, &error, confirm_registration, TRUE));
  g_assert_no_error (error);
  if (locked)
    {
      g_assert_true (ACT (fx, &error, start_service));
      g_assert_no_error (error);
      enr_test_lock_default_collection ();
    }
  else
    {
      g_assert_false (ACT (fx, &error, start_service));
      enr_test_assert_told (error, ENR_STORE_ERROR, (gint) code);
      g_clear_error (&error);
    }

  g_assert_false (resume (fx, &found, &error));
  g_assert_true (found);
  enr_test_assert_told (error, ENR_STORE_ERROR, (gint) code);
  enr_test_assert_told ((GError *) enr_session_get_last_error (fx->session),
                        ENR_STORE_ERROR, (gint) code);
}

/* --- The kiosk ----------------------------------------------------------------------------- */

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_kiosk_wipe (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  guint notified = 0;
  gboolean found = TRUE;

  g_assert_true (enr_session_get_kiosk (fx->session));
  to_activation (fx, &NHUNG);
  activate (fx, PIN);
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM tokens WHERE citizen_id = ? AND "
                                   "revoked = 0", NHUNG.id), >=, 3);

  g_signal_connect (fx->session, "notify::identity", G_CALLBACK (count_notify_cb), &notified);
  enr_session_wipe_async (fx->session, NULL, store_result, &res);
  /* At once, before any answer: nothing of the citizen is left to show. */
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_LOGIN);
  g_assert_null (enr_session_get_identity (fx->session));
  g_assert_null (enr_session_get_registration (fx->session));
  g_assert_null (enr_session_get_contract (fx->session));
  g_assert_null (enr_session_get_smartca_state (fx->session));
  g_assert_null (enr_session_dup_masked_citizen_id (fx->session));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_null (enr_session_get_certificate (fx->session));
  g_assert_null (enr_session_get_acceptance_record (fx->session));
  g_assert_null (enr_session_get_signed_contract (fx->session));
  g_assert_cmpint (enr_session_get_pin_attempts_left (fx->session), ==, -1);
  g_assert_true (enr_session_wipe_finish (fx->session, wait_for (&res), &error));
  g_assert_no_error (error);

  /* The key handle was in this process's memory only, and is gone. */
  {
    g_autoptr(GAsyncResult) looked_up = NULL;
    g_autoptr(EnrKeyHandle) handle = NULL;

    enr_key_store_lookup_async (_enr_session_get_store (fx->session), NHUNG.id,
                                enr_sandbox_runner_get_smartca_url (fx->sandbox.runner), NULL,
                                store_result, &looked_up);
    handle = enr_key_store_lookup_finish (_enr_session_get_store (fx->session), wait_for (&looked_up), &error);
    g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* Every token is revoked; nothing was ever written here. */
  g_assert_cmpint (count_rows (fx, "SELECT count(*) FROM tokens WHERE citizen_id = ? AND "
                                   "revoked = 0", NHUNG.id), ==, 0);
  g_assert_false (g_file_test (fx->sandbox.state_dir, G_FILE_TEST_EXISTS));
  g_assert_true (resume (fx, &found, &error));
  g_assert_false (found);

  /* The next citizen starts afresh on the same session. */
  log_in_by_password (fx, &AN);
  confirm_and_start (fx);
}

/* --- The log -------------------------------------------------------------------------------- */

static GString *captured_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; captured_log != NULL && i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") || g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      {
        g_string_append_len (captured_log, fields[i].value,
                             fields[i].length < 0 ? (gssize) strlen (fields[i].value)
                                                  : fields[i].length);
        g_string_append_c (captured_log, '\n');
      }
  /* Captured whatever G_MESSAGES_DEBUG says; shown only if asked. */
  if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) && g_getenv ("ENR_TEST_VERBOSE") == NULL)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
drop_log (const char     *domain,
          GLogLevelFlags  level,
          const char     *message,
          gpointer        user_data)
{
}

/* Every message of an enrollment, debug ones too: no password, OTP,
 * token or full citizen ID in any. */
static void
test_log_redacted (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(EnrKeyStore) store = enr_key_store_new (ENR_KEY_STORE_KEYRING);
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *login_otp = NULL;
  g_autofree char *contract_otp = NULL;

  captured_log = g_string_new (NULL);
  to_activation (fx, &BAO);
  activate (fx, PIN);
  accept (fx, &BAO, PIN);
  login_otp = latest_otp (fx, BAO.phone, "vneid-login");
  contract_otp = latest_otp (fx, BAO.phone, "contract");

  enr_key_store_set_min_iterations (store, ENR_TEST_ITERATIONS);
  enr_key_store_lookup_async (store, _enr_session_get_handle_id (fx->session),
                              enr_sandbox_runner_get_smartca_url (fx->sandbox.runner),
                              NULL, store_result, &res);
  handle = enr_key_store_lookup_finish (store, wait_for (&res), &error);
  g_assert_no_error (error);

  g_assert_nonnull (strstr (captured_log->str, "enr-session"));
  g_assert_nonnull (strstr (captured_log->str, "031******789"));
  g_assert_null (strstr (captured_log->str, BAO.id));
  g_assert_null (strstr (captured_log->str, PASSWORD));
  g_assert_null (strstr (captured_log->str, login_otp));
  g_assert_null (strstr (captured_log->str, contract_otp));
  g_assert_null (strstr (captured_log->str, enr_key_handle_get_refresh_token (handle)));
  g_assert_null (strstr (captured_log->str, PIN));
  /* The desktop keeps the PIN-protected key in the keyring. */
  g_assert_true (enr_key_handle_has_key (handle));
  g_assert_cmpstr (enr_key_handle_get_credential_id (handle), ==, _enr_session_get_credential_id (fx->session));
  g_string_free (g_steal_pointer (&captured_log), TRUE);
}

int
main (int    argc,
      char **argv)
{
  const char *keyring = g_getenv ("ENR_TEST_KEYRING");
  gboolean desktop = g_strcmp0 (keyring, "gnome-keyring") == 0;
  gconstpointer kiosk = &KIOSK;
  gconstpointer on_desktop = &DESKTOP;

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);
  /* GIO's connection chatter goes to GTest's own handler: not wanted here. */
  if (g_getenv ("ENR_TEST_VERBOSE") == NULL)
    g_log_set_handler ("GLib-GIO", G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO, drop_log, NULL);

#define ADD(path, data, func) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  if (keyring != NULL && !desktop)
    {
      /* A session without a usable keyring: only the desktop's error. */
      ADD ("/session/keyring/missing", on_desktop, test_keyring_missing);
      return g_test_run ();
    }

  ADD ("/session/flows/password", kiosk, test_enroll_password);
  ADD ("/session/flows/qr", kiosk, test_enroll_qr);
  ADD ("/session/flows/faults", kiosk, test_enroll_faults);
  ADD ("/session/flows/sandbox-restart", &KIOSK_LONG_SYNC, test_sandbox_restart);
  ADD ("/session/errors/wrong-password", kiosk, test_wrong_password);
  ADD ("/session/errors/wrong-login-otp", kiosk, test_wrong_login_otp);
  ADD ("/session/errors/wrong-contract-otp", kiosk, test_wrong_contract_otp);
  ADD ("/session/errors/identity-level", kiosk, test_identity_level);
  ADD ("/session/errors/consent", kiosk, test_consent_required);
  ADD ("/session/errors/qr-denied", kiosk, test_qr_denied);
  ADD ("/session/errors/pin-policy", kiosk, test_pin_policy);
  ADD ("/session/errors/wrong-pin", kiosk, test_wrong_pin);
  ADD ("/session/errors/challenge-expired", kiosk, test_challenge_expired);
  ADD ("/session/errors/signing-anchor-apart", kiosk, test_signing_anchor_apart);
  ADD ("/session/errors/transaction-rejected", kiosk, test_transaction_rejected);
  ADD ("/session/errors/unreachable", kiosk, test_unreachable);
  ADD ("/session/errors/other-citizen", kiosk, test_other_citizen);
  ADD ("/session/flows/qr-renewed", kiosk, test_qr_renewed);
  ADD ("/session/flows/vneid-login-expired", kiosk, test_vneid_login_expired);
  ADD ("/session/errors/busy", kiosk, test_busy);
  ADD ("/session/errors/cancelled", kiosk, test_cancel);
  ADD ("/session/flows/kiosk-wipe", kiosk, test_kiosk_wipe);
  if (desktop)
    {
      ADD ("/session/desktop/resume", on_desktop, test_resume);
      ADD ("/session/desktop/resume-login-expired", on_desktop, test_resume_login_expired);
      ADD ("/session/desktop/closed-mid-step", &DESKTOP_LONG_SYNC, test_closed_mid_step);
      ADD ("/session/desktop/log-redacted", on_desktop, test_log_redacted);
    }

  return g_test_run ();
}
