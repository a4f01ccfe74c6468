/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-crypto"

#include "config.h"

#include <stdlib.h>

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "enr-crypto-error.h"
#include "enr-kak.h"
#include "enr-key-wrap.h"

/*
 * The key handle's figures, one JSON object per line (tests/bench/run.py):
 * KAK generation, PIN unwrap, and what a stolen handle costs an attacker.
 * Every measurement runs in a worker thread (GTask), as in the program;
 * the main thread only waits in its main loop.
 */

#define RUNS 10
#define PIN "246810"
#define PINS 1000000.0

typedef enum
{
  JOB_GENERATE,
  JOB_CALIBRATE,
  JOB_WRONG_GUESS,
  JOB_UNWRAP,
} Job;

typedef struct
{
  Job     job;
  GBytes *blob;
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
    case JOB_WRONG_GUESS:
      {
        /* What an attacker holding the blob does per guess: one
         * derivation and one tag check. */
        g_autoptr(GBytes) opened = enr_key_wrap_open (data->blob, "000000", NULL, &error);

        ok = opened == NULL && g_error_matches (error, ENR_CRYPTO_ERROR,
                                                ENR_CRYPTO_ERROR_WRONG_PIN);
      }
      break;
    case JOB_UNWRAP:
      {
        g_autoptr(GBytes) pkcs8 = enr_key_wrap_open (data->blob, PIN, NULL, &error);
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

static void
print_row (const char *figure,
           double      value,
           const char *unit,
           const char *how,
           const char *goal,
           int         pass)   /* -1: no goal */
{
  g_autofree char *goal_json = goal != NULL ? g_strdup_printf ("\"%s\"", goal) : g_strdup ("null");
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (number, sizeof number, "%.1f", value);
  g_print ("{\"figure\": \"%s\", \"value\": %s, \"unit\": \"%s\", \"how\": \"%s\", "
           "\"goal\": %s, \"pass\": %s}\n",
           figure, number, unit, how, goal_json,
           pass < 0 ? "null" : pass ? "true" : "false");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GError) error = NULL;
  JobData generate = { JOB_GENERATE, NULL, 0 };
  JobData calibrate = { JOB_CALIBRATE, NULL, 0 };
  JobData guess = { JOB_WRONG_GUESS, NULL, 0 };
  JobData unwrap = { JOB_UNWRAP, NULL, 0 };
  g_autofree char *iterations_how = NULL;
  double kak_ms;
  double guess_ms;
  double unwrap_ms;

  gnutls_global_init ();

  kak_ms = median_of (&generate, RUNS);
  print_row ("KAK generation (RSA-2048)", kak_ms, "ms", "median of 10, worker thread", NULL, -1);

  run_job (&calibrate);
  iterations_how = g_strdup_printf ("calibrated so one derivation takes >= %d ms here",
                                    ENR_KEY_WRAP_TARGET_MS);
  print_row ("PBKDF2-HMAC-SHA256 iterations", calibrate.iterations, "iterations",
             iterations_how, NULL, -1);

  /* A handle wrapped as the program wraps it, with the calibrated count. */
  kak = enr_kak_generate (&error);
  g_assert_no_error (error);
  pkcs8 = enr_kak_export_pkcs8 (kak, &error);
  g_assert_no_error (error);
  guess.blob = enr_key_wrap_seal (pkcs8, PIN, calibrate.iterations, NULL, &error);
  g_assert_no_error (error);
  unwrap.blob = g_bytes_ref (guess.blob);

  guess_ms = median_of (&guess, 5);
  print_row ("PBKDF2 cost per PIN guess (one derivation)", guess_ms, "ms",
             "median of 5, wrong PIN against a wrapped KAK", ">= 250",
             guess_ms >= ENR_KEY_WRAP_TARGET_MS);
  print_row ("Stolen handle: all 10^6 PINs on one core", guess_ms * PINS / 1000.0 / 3600.0,
             "hours", "cost per guess x 10^6, this machine", NULL, -1);

  unwrap_ms = median_of (&unwrap, RUNS);
  print_row ("PIN unwrap (PBKDF2 + AES-256-GCM + key import)", unwrap_ms, "ms",
             "median of 10, worker thread", NULL, -1);

  g_bytes_unref (guess.blob);
  g_bytes_unref (unwrap.blob);
  return 0;
}
