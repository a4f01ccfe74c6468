/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-crypto"

#include "config.h"

#include <stdlib.h>

#include <gio/gio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "enr-bench-row.h"
#include "enr-crypto-error.h"
#include "enr-kak.h"
#include "enr-key-wrap.h"
#include "enr-pin-guard.h"

/*
 * The key handle's figures, one JSON object per line (tests/bench/run.py):
 * KAK generation, the local parts of an unlock through the PIN guard (the
 * PBKDF2 derivation, then the unwrap once SmartCA's share is in), and what
 * a stolen service database costs an attacker per PIN. (The round trip to
 * SmartCA is bench-session's.) Every measurement runs in a worker thread
 * (GTask), as in the program; the main thread only waits in its main loop.
 */

#define RUNS 10
#define PIN "246810"
#define PINS 1000000.0

typedef enum
{
  JOB_GENERATE,
  JOB_CALIBRATE,
  JOB_DERIVE,
  JOB_UNWRAP,
} Job;

typedef struct
{
  Job     job;
  GBytes *blob;
  GBytes *salt;
  GBytes *pin_key;
  GBytes *share;
  guint   iterations;
} JobData;

/* One timed job in the worker thread; returns microseconds, or -1. */
static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  JobData *data = task_data;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();
  gboolean ok = TRUE;

  switch (data->job)
    {
    case JOB_GENERATE:
      {
        g_autoptr(EnrKak) kak = enr_kak_generate (&error);

        ok = kak != NULL;
      }
      break;
    case JOB_CALIBRATE:
      data->iterations = enr_key_wrap_calibrate (ENR_KEY_WRAP_TARGET_MS);
      break;
    case JOB_DERIVE:
      {
        /* The unlock's first part, and what an attacker holding a stolen
         * service database does per guess against a verifier. */
        g_autoptr(EnrPinGuardKeys) keys = enr_pin_guard_derive ("000000", data->salt,
                                                                data->iterations, &error);

        ok = keys != NULL;
      }
      break;
    case JOB_UNWRAP:
      {
        g_autoptr(GBytes) pkcs8 = enr_pin_guard_open (data->blob, data->pin_key, data->share,
                                                      "credential", "device", &error);
        g_autoptr(EnrKak) kak = NULL;

        if (pkcs8 != NULL)
          kak = enr_kak_new_from_pkcs8 (g_bytes_get_data (pkcs8, NULL),
                                        g_bytes_get_size (pkcs8), &error);
        ok = kak != NULL;
      }
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    g_printerr ("bench-crypto: job %d failed: %s\n", data->job,
                error != NULL ? error->message : "unexpected result");
  g_task_return_int (task, ok ? g_get_monotonic_time () - started : -1);
}

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  gint64 *elapsed = user_data;

  *elapsed = g_task_propagate_int (G_TASK (result), NULL);
}

/* Runs @data->job in a worker thread while the main loop waits. */
static double
run_job (JobData *data)
{
  GTask *task;
  gint64 elapsed = G_MININT64;

  task = g_task_new (NULL, NULL, done_cb, &elapsed);
  g_task_set_task_data (task, data, NULL);
  g_task_run_in_thread (task, job_thread);
  g_object_unref (task);
  while (elapsed == G_MININT64)
    g_main_context_iteration (NULL, TRUE);
  if (elapsed < 0)
    exit (1);
  return elapsed / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median_of (JobData *data,
           guint    runs)
{
  g_autofree double *times = g_new (double, runs);

  for (guint i = 0; i < runs; i++)
    times[i] = run_job (data);
  qsort (times, runs, sizeof *times, compare_doubles);
  return runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrPinGuardKeys) keys = NULL;
  g_autoptr(GBytes) salt = enr_pin_guard_new_salt ();
  JobData generate = { .job = JOB_GENERATE };
  JobData calibrate = { .job = JOB_CALIBRATE };
  JobData derive = { .job = JOB_DERIVE };
  JobData unwrap = { .job = JOB_UNWRAP };
  g_autofree char *iterations_how = NULL;
  g_autofree char *iterations_goal = NULL;
  g_autofree char *derive_goal = NULL;
  guint8 share[32];
  double kak_ms;
  double derive_ms;
  double unwrap_ms;

  gnutls_global_init ();

  kak_ms = median_of (&generate, RUNS);
  enr_bench_row ("KAK generation (RSA-2048)",
                 kak_ms, "ms", "median of 10, worker thread", NULL, -1);

  run_job (&calibrate);
  iterations_how = g_strdup_printf ("calibrated so one derivation takes >= %d ms here, never "
                                    "below %u", ENR_KEY_WRAP_TARGET_MS,
                                    ENR_KEY_WRAP_MIN_ITERATIONS);
  iterations_goal = g_strdup_printf (">= %u", ENR_KEY_WRAP_MIN_ITERATIONS);
  enr_bench_row ("PBKDF2-HMAC-SHA256 iterations", calibrate.iterations, "iterations",
                 iterations_how, iterations_goal,
                 calibrate.iterations >= ENR_KEY_WRAP_MIN_ITERATIONS);

  /* A KAK sealed as the program seals it, under the calibrated count. */
  derive.salt = g_bytes_ref (salt);
  derive.iterations = calibrate.iterations;
  derive_ms = median_of (&derive, 5);
  derive_goal = g_strdup_printf (">= %d", 250);
  enr_bench_row ("Unlock, PBKDF2 part (stretched, pinVerifier, pinKey)", derive_ms, "ms",
                 "median of 5, worker thread, calibrated count", derive_goal, derive_ms >= 250);
  enr_bench_row ("Stolen service database: all 10^6 PINs against one verifier, one core",
                 derive_ms * PINS / 1000.0 / 3600.0, "hours", "PBKDF2 cost x 10^6, this machine",
                 NULL, -1);
  enr_bench_row ("Stolen keyring item alone: PINs it lets anyone test offline", 0, "PINs",
                 "the KAK needs SmartCA's share, given only for the right verifier", NULL, -1);

  kak = enr_kak_generate (&error);
  g_assert_no_error (error);
  pkcs8 = enr_kak_export_pkcs8 (kak, &error);
  g_assert_no_error (error);
  keys = enr_pin_guard_derive (PIN, salt, calibrate.iterations, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gnutls_rnd (GNUTLS_RND_NONCE, share, sizeof share), ==, 0);
  unwrap.share = g_bytes_new (share, sizeof share);
  unwrap.pin_key = enr_pin_guard_keys_get_pin_key (keys);
  unwrap.blob = enr_pin_guard_seal (pkcs8, unwrap.pin_key, unwrap.share, "credential", "device",
                                    &error);
  g_assert_no_error (error);

  unwrap_ms = median_of (&unwrap, RUNS);
  enr_bench_row ("Unlock, local unwrap once SmartCA's share is in (wrap key, AES-256-GCM, "
                 "key import)", unwrap_ms, "ms", "median of 10, worker thread", NULL, -1);

  g_bytes_unref (derive.salt);
  g_bytes_unref (unwrap.blob);
  g_bytes_unref (unwrap.pin_key);
  g_bytes_unref (unwrap.share);
  return 0;
}
