/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Check the Connection" against a real sandbox: all well; the services
 * failing (the faults control); a port where nothing listens; a server
 * whose certificate this computer does not trust; a clock an hour off.
 */
#define G_LOG_DOMAIN "test-connection"

#include "config.h"

#include <string.h>

#include "enr-sandbox-control.h"
#include "enr-session.h"
#include "enr-test-enroll.h"
#include "enr-test-sandbox.h"

enum { RESOLVE, CONNECT, IDENTITY, VNEID, SMARTCA, CLOCK, N_LINES };

typedef struct
{
  EnrTestSandbox sandbox;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  enr_test_sandbox_set_up (&fx->sandbox, "connection", "200");
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  enr_test_sandbox_tear_down (&fx->sandbox);
}

static EnrConnectionReport *
check (const char *vneid_url,
       const char *smartca_url,
       const char *trust_anchor)
{
  g_autoptr(EnrSession) session = enr_session_new (vneid_url, smartca_url, trust_anchor,
                                                   trust_anchor, TRUE, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  EnrConnectionReport *report;

  enr_session_check_connection_async (session, NULL, enr_test_store_result, &result);
  report = enr_session_check_connection_finish (session, enr_test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->lines->len, ==, N_LINES);
  return report;
}

static EnrConnectionReport *
check_sandbox (Fixture *fx)
{
  EnrSandboxRunner *runner = fx->sandbox.runner;

  return check (enr_sandbox_runner_get_vneid_url (runner),
                enr_sandbox_runner_get_smartca_url (runner),
                enr_sandbox_runner_get_trust_anchor (runner));
}

static EnrConnectionLineOutcome
outcome (const EnrConnectionReport *report,
         guint                      line)
{
  return ((EnrConnectionLine *) g_ptr_array_index (report->lines, line))->outcome;
}

static void
assert_outcomes (const EnrConnectionReport *report,
                 EnrConnectionLineOutcome   first,
                 ...)
{
  va_list args;
  EnrConnectionLineOutcome expected = first;
  gboolean all_ok = TRUE;

  va_start (args, first);
  for (guint line = 0; line < N_LINES; line++)
    {
      g_assert_cmpint (outcome (report, line), ==, expected);
      all_ok = all_ok && expected == ENR_CONNECTION_LINE_OK;
      if (line + 1 < N_LINES)
        expected = va_arg (args, EnrConnectionLineOutcome);
    }
  va_end (args);
  g_assert_cmpint (report->ok, ==, all_ok);
}

static void
set_faults (Fixture                *fx,
            const EnrSandboxFaults *faults)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  enr_sandbox_control_set_faults_async (fx->sandbox.control, faults, NULL, enr_test_store_result,
                                        &result);
  enr_sandbox_control_set_faults_finish (fx->sandbox.control, enr_test_wait_result (&result),
                                         &error);
  g_assert_no_error (error);
}

/* Everything works: six lines well, and a report for support that names
 * each with the versions, and nothing of a citizen's. */
static void
test_all_well (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(EnrConnectionReport) report = check_sandbox (fx);
  g_autofree char *text = enr_connection_report_to_text (report);

  assert_outcomes (report, ENR_CONNECTION_LINE_OK, ENR_CONNECTION_LINE_OK,
                   ENR_CONNECTION_LINE_OK, ENR_CONNECTION_LINE_OK, ENR_CONNECTION_LINE_OK,
                   ENR_CONNECTION_LINE_OK);
  g_assert_true (report->ok);
  g_assert_nonnull (strstr (text, "SmartCA Enroll " PACKAGE_VERSION));
  g_assert_nonnull (strstr (text, "libsoup 3."));
  g_assert_nonnull (strstr (text, "GnuTLS"));
  for (guint i = 0; i < report->lines->len; i++)
    {
      EnrConnectionLine *line = g_ptr_array_index (report->lines, i);

      g_assert_nonnull (strstr (text, line->title));
      g_assert_nonnull (line->detail);
    }
  /* The certificate's issuer, seen in the handshake. */
  g_assert_nonnull (strstr (text, "SmartCA Sandbox Root CA"));
  g_assert_null (strstr (text, "Bearer"));
}

/* The services answer 503 to every call: the way to them is fine, they
 * are not. */
static void
test_services_failing (Fixture       *fx,
                       gconstpointer  data)
{
  EnrSandboxFaults faults = { .fail_rate = 1.0, .status = 503 };
  g_autoptr(EnrConnectionReport) report = NULL;

  set_faults (fx, &faults);
  report = check_sandbox (fx);
  assert_outcomes (report, ENR_CONNECTION_LINE_OK, ENR_CONNECTION_LINE_OK,
                   ENR_CONNECTION_LINE_OK, ENR_CONNECTION_LINE_FAILED,
                   ENR_CONNECTION_LINE_FAILED, ENR_CONNECTION_LINE_OK);
  g_assert_false (report->ok);
}

/* A port where nothing listens: no connection, and nothing after it checked. */
static void
test_nothing_listens (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrConnectionReport) report = NULL;
  g_autofree char *vneid = NULL;
  g_autofree char *smartca = NULL;
  guint16 port;

  /* A free port: taken, then given back. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  vneid = g_strdup_printf ("https://127.0.0.1:%u/vneid", port);
  smartca = g_strdup_printf ("https://127.0.0.1:%u/smartca", port);

  report = check (vneid, smartca,
                  enr_sandbox_runner_get_trust_anchor (fx->sandbox.runner));
  assert_outcomes (report, ENR_CONNECTION_LINE_OK, ENR_CONNECTION_LINE_FAILED,
                   ENR_CONNECTION_LINE_NOT_RUN, ENR_CONNECTION_LINE_NOT_RUN,
                   ENR_CONNECTION_LINE_NOT_RUN, ENR_CONNECTION_LINE_NOT_RUN);
}

/* A server this computer does not trust: the sandbox, checked against
 * another CA (the root a sandbox of its own makes on its first start).
 * Nothing is asked of it. */
static void
test_untrusted (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (fx->sandbox.tmp, "other", NULL);
  g_autoptr(EnrSandboxRunner) other = enr_sandbox_runner_new (NULL, dir);
  g_autoptr(EnrConnectionReport) report = NULL;
  g_autoptr(GAsyncResult) stopped = NULL;
  EnrSandboxRunner *runner = fx->sandbox.runner;

  enr_test_start_sandbox (other);
  report = check (enr_sandbox_runner_get_vneid_url (runner),
                  enr_sandbox_runner_get_smartca_url (runner),
                  enr_sandbox_runner_get_trust_anchor (other));
  enr_sandbox_runner_stop_async (other, NULL, enr_test_store_result, &stopped);
  enr_sandbox_runner_stop_finish (other, enr_test_wait_result (&stopped), NULL);
  assert_outcomes (report, ENR_CONNECTION_LINE_OK, ENR_CONNECTION_LINE_OK,
                   ENR_CONNECTION_LINE_FAILED, ENR_CONNECTION_LINE_NOT_RUN,
                   ENR_CONNECTION_LINE_NOT_RUN, ENR_CONNECTION_LINE_NOT_RUN);
}

/* The service's clock an hour and a half ahead of this computer's. */
static void
test_clock_off (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrConnectionReport) report = NULL;

  enr_sandbox_control_advance_clock_async (fx->sandbox.control, 90 * 60, NULL,
                                           enr_test_store_result, &result);
  enr_sandbox_control_advance_clock_finish (fx->sandbox.control, enr_test_wait_result (&result),
                                            &error);
  g_assert_no_error (error);
  report = check_sandbox (fx);
  assert_outcomes (report, ENR_CONNECTION_LINE_OK, ENR_CONNECTION_LINE_OK,
                   ENR_CONNECTION_LINE_OK, ENR_CONNECTION_LINE_OK, ENR_CONNECTION_LINE_OK,
                   ENR_CONNECTION_LINE_FAILED);
  g_assert_false (report->ok);
}

/* No service configured: said on the first line. */
static void
test_not_configured (void)
{
  g_autoptr(EnrConnectionReport) report = check (NULL, NULL, NULL);

  g_assert_cmpint (outcome (report, RESOLVE), ==, ENR_CONNECTION_LINE_FAILED);
  g_assert_false (report->ok);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/connection/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("all-well", test_all_well);
  ADD ("services-failing", test_services_failing);
  ADD ("nothing-listens", test_nothing_listens);
  ADD ("untrusted", test_untrusted);
  ADD ("clock-off", test_clock_off);
#undef ADD
  g_test_add_func ("/connection/not-configured", test_not_configured);
  return g_test_run ();
}
