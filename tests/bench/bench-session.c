/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-session"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "enr-bench-median.h"
#include "enr-bench-row.h"
#include "enr-bench-stall.h"
#include "enr-kak.h"
#include "enr-key-wrap.h"
#include "enr-pades.h"
#include "enr-pin-guard.h"
#include "enr-sad.h"
#include "enr-sandbox-control.h"
#include "enr-sandbox-runner.h"
#include "enr-session-private.h"

/*
 * One headless enrollment through EnrSession against a spawned sandbox,
 * all six steps, at the real PBKDF2 cost (calibrated on this machine), as
 * one JSON object per figure (tests/bench/run.py):
 *
 * - its wall time, against the sum of what it cannot avoid, measured in the
 *   same run: the time its requests waited for their answers (every retry
 *   counted, from the HTTP core's own count) and its crypto work, each
 *   operation timed again alone in a worker thread right after;
 * - the longest the main context was kept from running during it: a 1 ms
 *   timer on the main context records how late it fires at worst.
 *
 * The sandbox syncs at once (--sync-delay-ms 0): the wait SmartCA imposes
 * is the service's, not the program's. Each run gets a fresh sandbox and a
 * kiosk session (the key handle in memory: no keyring needed here).
 */

#define RUNS 3
#define PIN  "482913"

static const char *citizen_id = "001093000001";
static const char *phone = "0912345678";

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
check (gboolean    ok,
       GError     *error,
       const char *what)
{
  if (ok)
    return;
  g_printerr ("bench-session: %s failed: %s\n", what, error ? error->message : "?");
  exit (1);
}

#define ACT(session, action, ...) \
  G_STMT_START { \
    g_autoptr(GAsyncResult) act_res_ = NULL; \
    g_autoptr(GError) act_error_ = NULL; \
    enr_session_##action##_async ((session), ##__VA_ARGS__, NULL, store_result, &act_res_); \
    check (enr_session_##action##_finish ((session), wait_for (&act_res_), &act_error_), \
           act_error_, #action); \
  } G_STMT_END

/* --- One enrollment ---------------------------------------------------------------- */

static char *
latest_otp (EnrSandboxControl *control,
            const char        *purpose)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;

  enr_sandbox_control_outbox_async (control, phone, NULL, store_result, &res);
  outbox = enr_sandbox_control_outbox_finish (control, wait_for (&res), &error);
  check (outbox != NULL, error, "outbox");
  for (guint i = 0; i < outbox->len; i++)
    {
      EnrSandboxOtp *otp = g_ptr_array_index (outbox, i);

      if (g_str_equal (otp->purpose, purpose))
        return g_strdup (otp->code);
    }
  check (FALSE, NULL, "finding the OTP");
  return NULL;
}

typedef struct
{
  gint64 wall_us;
  gint64 waited_us;
  guint  requests;
  gint64 stall_us;
  gint64 crypto_us;
  gint64 unlock_us;          /* one unlock through the PIN guard, whole */
  gint64 unlock_pbkdf2_us;   /* its derivation */
  gint64 unlock_trip_us;     /* its ssa/sic/pin/verify round trip */
} Enrollment;

static void time_unlock (EnrSession *session,
                         Enrollment *out);

static gint64 time_crypto (GBytes     *certificate,
                           GBytes     *signed_record,
                           const char *trust_anchor);

static void
enroll (Enrollment *out)
{
  g_autoptr(EnrSandboxRunner) runner = enr_sandbox_runner_new (NULL, NULL);
  g_autoptr(EnrSandboxControl) control = NULL;
  g_autoptr(EnrSession) session = NULL;
  g_autoptr(GAsyncResult) started = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *login_otp = NULL;
  g_autofree char *contract_otp = NULL;
  EnrBenchStall stall = { 0 };
  gint64 begun;

  enr_sandbox_runner_add_arguments (runner, "--sync-delay-ms", "0", NULL);
  enr_sandbox_runner_set_log_file (runner, "/dev/null");
  enr_sandbox_runner_start_async (runner, NULL, store_result, &started);
  check (enr_sandbox_runner_start_finish (runner, wait_for (&started), &error), error,
         "starting the sandbox");
  control = enr_sandbox_control_new (enr_sandbox_runner_get_control_url (runner),
                                     enr_sandbox_runner_get_trust_anchor (runner), &error);
  check (control != NULL, error, "the control client");
  session = enr_session_new (enr_sandbox_runner_get_vneid_url (runner),
                             enr_sandbox_runner_get_smartca_url (runner),
                             enr_sandbox_runner_get_trust_anchor (runner),
                             enr_sandbox_runner_get_trust_anchor (runner), TRUE, NULL);

  /* Only the session's own work is timed: reading the OTPs from the
   * sandbox's outbox (the citizen's phone) happens outside the clock. */
  enr_bench_stall_start (&stall);
  begun = g_get_monotonic_time ();
  ACT (session, log_in, citizen_id, "Matkhau@123");
  out->wall_us = g_get_monotonic_time () - begun;

  login_otp = latest_otp (control, "vneid-login");
  enr_bench_stall_pause (&stall);
  begun = g_get_monotonic_time ();
  ACT (session, submit_login_otp, login_otp);
  ACT (session, confirm_registration, TRUE);
  ACT (session, start_service);
  ACT (session, send_contract_otp);
  out->wall_us += g_get_monotonic_time () - begun;

  contract_otp = latest_otp (control, "contract");
  enr_bench_stall_pause (&stall);
  begun = g_get_monotonic_time ();
  ACT (session, sign_contract, contract_otp);
  ACT (session, activate, PIN, PIN);
  ACT (session, sign_acceptance, PIN);
  out->wall_us += g_get_monotonic_time () - begun;
  enr_bench_stall_stop (&stall);

  check (enr_session_get_step (session) == ENR_SESSION_STEP_DONE, NULL, "reaching DONE");
  enr_http_get_stats (_enr_session_get_http (session), &out->requests, &out->waited_us);
  out->stall_us = stall.worst_us;
  out->crypto_us = time_crypto (enr_session_get_certificate (session)->der,
                                enr_session_get_signed_acceptance_record (session)->data,
                                enr_sandbox_runner_get_trust_anchor (runner));
  time_unlock (session, out);
}

/* --- An unlock, split ---------------------------------------------------------------- */

/* The enrolled key opened again through the PIN guard, as an approval opens
 * it: timed whole, then its two parts apart, each on its own (the
 * derivation in a worker thread, the round trip to SmartCA on a connection
 * the session already holds). */
static void
time_unlock (EnrSession *session,
             Enrollment *out)
{
  EnrKeyStore *store = _enr_session_get_store (session);
  const char *smartca_url = enr_session_get_smartca_url (session);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(EnrPinGuardKeys) keys = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) verifier = NULL;
  g_autoptr(GBytes) share = NULL;
  gint64 begun;

  begun = g_get_monotonic_time ();
  _enr_session_unlock_async (session, PIN, NULL, store_result, &res);
  kak = _enr_session_unlock_finish (session, wait_for (&res), &error);
  out->unlock_us = g_get_monotonic_time () - begun;
  check (kak != NULL, error, "an unlock");
  g_clear_object (&res);

  enr_key_store_lookup_async (store, _enr_session_get_handle_id (session), smartca_url, NULL,
                              store_result, &res);
  handle = enr_key_store_lookup_finish (store, wait_for (&res), &error);
  check (handle != NULL, error, "reading the key handle");
  g_clear_object (&res);
  salt = enr_key_handle_get_salt (handle);

  begun = g_get_monotonic_time ();
  enr_pin_guard_derive_async (PIN, salt, enr_key_handle_get_iterations (handle), NULL,
                              store_result, &res);
  keys = enr_pin_guard_derive_finish (wait_for (&res), &error);
  out->unlock_pbkdf2_us = g_get_monotonic_time () - begun;
  check (keys != NULL, error, "the derivation");
  g_clear_object (&res);

  verifier = enr_pin_guard_keys_get_verifier (keys);
  begun = g_get_monotonic_time ();
  enr_smartca_client_verify_pin_async (_enr_session_get_smartca (session),
                                       _enr_session_get_credential_id (session), verifier, NULL,
                                       store_result, &res);
  share = enr_smartca_client_verify_pin_finish (_enr_session_get_smartca (session),
                                                wait_for (&res), &error);
  out->unlock_trip_us = g_get_monotonic_time () - begun;
  check (share != NULL, error, "ssa/sic/pin/verify");
}

/* --- Its crypto work, timed alone ------------------------------------------------- */

typedef struct
{
  EnrCertificate *certificate;
  GBytes         *signed_record;
  const char     *trust_anchor;
  gint64          spent_us;
} CryptoJob;

/* What the enrollment did: a KAK, two PIN guard derivations at the
 * calibrated cost (the activation's and the acceptance record's unlock), a
 * seal and an open, two SADs, the certificate's check and the signed
 * record's (PAdES, chain included) — the record's digest checks are of the
 * same size. The calibration runs once per process in the program too, so
 * it is not counted. */
static void
crypto_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CryptoJob *job = task_data;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) salt = enr_pin_guard_new_salt ();
  g_autoptr(GBytes) share = g_bytes_new_static ("0123456789abcdef0123456789abcdef", 32);
  g_autoptr(EnrPinGuardKeys) keys = NULL;
  g_autoptr(EnrPinGuardKeys) again = NULL;
  g_autoptr(GBytes) pin_key = NULL;
  g_autoptr(GError) error = NULL;
  guint iterations = enr_key_wrap_calibrate (ENR_KEY_WRAP_TARGET_MS);
  EnrSadClaims claims = {
    .device_id = "4d2f6c1e-8b7a-4b69-9e3c-2a1f0d5b6c7e",
    .credential_id = "credential",
    .txn = "activation",
    .challenge = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
  };
  gint64 begun = g_get_monotonic_time ();

  kak = enr_kak_generate (&error);
  pkcs8 = kak ? enr_kak_export_pkcs8 (kak, &error) : NULL;
  keys = pkcs8 ? enr_pin_guard_derive (PIN, salt, iterations, &error) : NULL;
  pin_key = keys ? enr_pin_guard_keys_get_pin_key (keys) : NULL;
  blob = pin_key ? enr_pin_guard_seal (pkcs8, pin_key, share, "c", "d", &error) : NULL;
  again = blob ? enr_pin_guard_derive (PIN, salt, iterations, &error) : NULL;
  opened = again ? enr_pin_guard_open (blob, pin_key, share, "c", "d", &error) : NULL;
  for (int i = 0; opened != NULL && i < 2; i++)
    g_free (enr_sad_create (kak, &claims, &error));
  for (int i = 0; opened != NULL && error == NULL && i < 2; i++)
    enr_pades_report_free (enr_pades_verify (job->signed_record, NULL, job->certificate,
                                             job->trust_anchor, &error));
  job->spent_us = g_get_monotonic_time () - begun;
  g_task_return_boolean (task, opened != NULL && error == NULL);
}

static gint64
time_crypto (GBytes     *certificate,
             GBytes     *signed_record,
             const char *trust_anchor)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(EnrCertificate) parsed = enr_certificate_new_from_der (certificate, NULL);
  CryptoJob job = { parsed, signed_record, trust_anchor, 0 };

  check (parsed != NULL, NULL, "reading the certificate");
  task = g_task_new (NULL, NULL, store_result, &res);
  g_task_set_task_data (task, &job, NULL);
  g_task_run_in_thread (task, crypto_thread);
  g_clear_object (&task);
  check (g_task_propagate_boolean (G_TASK (wait_for (&res)), NULL), NULL, "the crypto work");
  return job.spent_us;
}

int
main (int    argc,
      char **argv)
{
  double wall[RUNS], waited[RUNS], crypto[RUNS], ratio[RUNS], stall[RUNS], requests[RUNS];
  double unlock[RUNS], unlock_pbkdf2[RUNS], unlock_trip[RUNS];
  g_autofree char *how = NULL;
  double worst_stall = 0;

  /* The sandbox of this build tree (run.py says where that is). */
  if (g_getenv ("SMARTCA_SANDBOX") == NULL && g_getenv ("MESON_BUILD_ROOT") != NULL)
    {
      g_autofree char *sandbox = g_build_filename (g_getenv ("MESON_BUILD_ROOT"), "src",
                                                   "sandbox", "smartca-sandbox", NULL);

      g_setenv ("SMARTCA_SANDBOX", sandbox, TRUE);
    }

  for (guint i = 0; i < RUNS; i++)
    {
      Enrollment enrollment = { 0 };

      enroll (&enrollment);
      wall[i] = enrollment.wall_us / 1000.0;
      waited[i] = enrollment.waited_us / 1000.0;
      requests[i] = enrollment.requests;
      stall[i] = enrollment.stall_us / 1000.0;
      crypto[i] = enrollment.crypto_us / 1000.0;
      ratio[i] = wall[i] / (waited[i] + crypto[i]);
      unlock[i] = enrollment.unlock_us / 1000.0;
      unlock_pbkdf2[i] = enrollment.unlock_pbkdf2_us / 1000.0;
      unlock_trip[i] = enrollment.unlock_trip_us / 1000.0;
      worst_stall = MAX (worst_stall, stall[i]);
    }

  how = g_strdup_printf ("median of %d, six steps, password + OTP", RUNS);
  enr_bench_row ("session: one headless enrollment, wall time",
                 median (wall, RUNS), "ms", how, NULL, -1);
  g_free (how);
  how = g_strdup_printf ("median of %d; %.0f requests each, retries counted", RUNS,
                         median (requests, RUNS));
  enr_bench_row ("session: its requests' waits for answers, summed",
                 median (waited, RUNS), "ms", how, NULL, -1);
  enr_bench_row ("session: its crypto work, summed (KAK, two PIN guard derivations at the "
                 "real PBKDF2 cost, seal + open, SADs, PAdES checks)", median (crypto, RUNS), "ms",
                 "median of 3, each operation timed alone in a worker thread", NULL, -1);
  enr_bench_row ("session: wall time / (requests + crypto)", median (ratio, RUNS), "ratio",
                 "median of 3; above 1 is the session's own overhead", NULL, -1);
  enr_bench_row ("session: an unlock through the PIN guard, whole", median (unlock, RUNS), "ms",
                 "median of 3; lookup, PBKDF2, ssa/sic/pin/verify, unwrap", NULL, -1);
  enr_bench_row ("session: an unlock's PBKDF2 (stretched, pinVerifier, pinKey)",
                 median (unlock_pbkdf2, RUNS), "ms", "median of 3, the handle's calibrated count",
                 NULL, -1);
  enr_bench_row ("session: an unlock's round trip (ssa/sic/pin/verify)",
                 median (unlock_trip, RUNS), "ms",
                 "median of 3, a kept-alive TLS connection to the local sandbox", NULL, -1);
  how = g_strdup_printf ("worst of %d enrollments, 1 ms timer on the main context", RUNS);
  enr_bench_row ("session: longest main-context stall during an enrollment", worst_stall, "ms", how,
                 "< 10", worst_stall < 10.0);
  return 0;
}
