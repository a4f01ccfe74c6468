/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-document-signing"

#include "config.h"

#include <stdlib.h>

#include "enr-account.h"
#include "enr-bench-median.h"
#include "enr-bench-row.h"
#include "enr-bench-stall.h"
#include "enr-document-signing-private.h"
#include "enr-session-private.h"
#include "enr-test-enroll.h"
#include "enr-test-pdf.h"
#include "enr-test-sandbox.h"

/*
 * Signing the citizen's own PDFs through the session (issue 14) against a
 * spawned sandbox and its TSA: 1 and 20 one-page documents under one PIN,
 * as one JSON object per figure (tests/bench/run.py). The preparation is
 * timed apart (before the PIN is asked); the sign call, from the PIN to
 * the last file written and checked, is split into the PIN guard (with
 * opening the key, PBKDF2 at this machine's calibrated cost, and the
 * transaction's fetch), SmartCA's round trips (signhash, signconfirm,
 * gettraninfo), the TSA (every stamp asked at once) and the local PDF work
 * (writing, then checking); and the worst lateness of a 1 ms timer on the
 * main context while it all runs (the goal: under 10 ms). A kiosk session: the key handle in memory, no
 * keyring needed.
 */

#define RUNS 5
#define PIN  "482913"

static const double BOX[4] = { 340, 36, 560, 96 };

enum { PREPARE, TOTAL, PIN_GUARD, SERVICE, TSA, WRITE, CHECK, STALL, N_FIGURES };

static const char *const names[N_FIGURES] = {
  "prepare (fields, appearances, hashes; before the PIN)",
  "PIN to files written and checked, whole",
  "  the PIN guard and opening the key",
  "  SmartCA round trips (signhash, signconfirm, gettraninfo)",
  "  the TSA (stamps asked at once)",
  "  writing the signed files",
  "  checking them",
  "the main context's longest stall, preparing and signing",
};

static void
sign_once (EnrAccount *account,
           const char *dir,
           guint       n,
           guint       run,
           double      figures[N_FIGURES])
{
  g_autoptr(EnrDocumentSigning) signing = enr_document_signing_new (account);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  EnrBenchStall stall = { 0 };
  gint64 started;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("run%u-%02u.pdf", run, i);
      g_autofree char *path = enr_test_make_pdf (dir, name, 1);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      g_assert_nonnull (enr_document_signing_add (signing, file, 0, BOX, &error));
    }

  enr_bench_stall_start (&stall);
  started = g_get_monotonic_time ();
  enr_document_signing_prepare_async (signing, NULL, enr_test_store_result, &res);
  g_assert_true (enr_document_signing_prepare_finish (signing, enr_test_wait_result (&res),
                                                      &error));
  g_assert_no_error (error);
  figures[PREPARE] = (g_get_monotonic_time () - started) / 1000.0;
  g_clear_object (&res);

  started = g_get_monotonic_time ();
  enr_document_signing_sign_async (signing, PIN, NULL, enr_test_store_result, &res);
  g_assert_true (enr_document_signing_sign_finish (signing, enr_test_wait_result (&res),
                                                   &error));
  g_assert_no_error (error);
  figures[TOTAL] = (g_get_monotonic_time () - started) / 1000.0;
  enr_bench_stall_stop (&stall);
  figures[STALL] = stall.worst_us / 1000.0;
  figures[PIN_GUARD] = _enr_document_signing_get_timing (signing, ENR_SIGNING_PART_PIN) / 1000.0;
  figures[SERVICE] = _enr_document_signing_get_timing (signing, ENR_SIGNING_PART_SERVICE) / 1000.0;
  figures[TSA] = _enr_document_signing_get_timing (signing, ENR_SIGNING_PART_TSA) / 1000.0;
  figures[WRITE] = _enr_document_signing_get_timing (signing, ENR_SIGNING_PART_WRITE) / 1000.0;
  figures[CHECK] = _enr_document_signing_get_timing (signing, ENR_SIGNING_PART_CHECK) / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  static const guint counts[] = { 1, 20 };
  EnrTestSandbox sandbox = { 0 };
  g_autoptr(EnrSession) session = NULL;
  g_autoptr(EnrAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  g_test_init (&argc, &argv, NULL);
  /* The sandbox of this build tree (run.py says where that is). */
  if (g_getenv ("SMARTCA_SANDBOX") == NULL && g_getenv ("MESON_BUILD_ROOT") != NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("MESON_BUILD_ROOT"), "src", "sandbox",
                                                "smartca-sandbox", NULL);

      g_setenv ("SMARTCA_SANDBOX", path, TRUE);
    }

  enr_test_sandbox_set_up (&sandbox, "bench-document-signing", "0");
  session = enr_test_new_session (sandbox.runner, TRUE, NULL);
  /* The PIN guard at this machine's own PBKDF2 cost, as a citizen meets it. */
  _enr_session_set_key_iterations (session, 0);
  enr_session_set_tsa_url (session, enr_sandbox_runner_get_tsa_url (sandbox.runner));
  g_assert_true (enr_test_enroll (session, sandbox.control, &ENR_TEST_AN, PIN, &error));
  g_assert_no_error (error);
  account = enr_account_new (session);
  dir = g_build_filename (sandbox.tmp, "documents", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    {
      double figures[N_FIGURES][RUNS];
      g_autofree char *how = g_strdup_printf ("median of %d, one-page PDFs, local sandbox", RUNS);

      for (guint run = 0; run < RUNS; run++)
        {
          double one[N_FIGURES];

          sign_once (account, dir, counts[c], c * RUNS + run, one);
          for (guint f = 0; f < N_FIGURES; f++)
            figures[f][run] = one[f];
        }
      for (guint f = 0; f < N_FIGURES; f++)
        {
          g_autofree char *figure = g_strdup_printf ("sign %u document%s through the session: %s",
                                                     counts[c], counts[c] == 1 ? "" : "s",
                                                     names[f]);

          enr_bench_row (figure, median (figures[f], RUNS), "ms", how, NULL, -1);
        }
    }

  g_clear_object (&account);
  g_clear_object (&session);
  enr_test_sandbox_tear_down (&sandbox);
  return 0;
}
