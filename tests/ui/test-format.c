/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Dates as the pages show them: Vietnam time whatever the computer's time
 * zone (meson runs this test under TZ=UTC, TZ=Asia/Ho_Chi_Minh and
 * TZ=America/New_York), so that a citizen reads the same day as on the
 * service's documents.
 */
#include "config.h"

#include "enr-format.h"

/* Only a computer set to Vietnam's zone leaves out "(Vietnam time)". */
static char *
expected (const char *vietnam)
{
  if (g_strcmp0 (g_getenv ("TZ"), "Asia/Ho_Chi_Minh") == 0)
    return g_strdup (vietnam);
  return g_strdup_printf ("%s (Vietnam time)", vietnam);
}

static void
check_instant (const char *utc,
               const char *vietnam)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (utc, NULL);
  g_autofree char *shown = NULL;
  g_autofree char *shown_us = NULL;
  g_autofree char *want = expected (vietnam);

  g_assert_nonnull (time);
  shown = enr_format_date_time (time);
  g_assert_cmpstr (shown, ==, want);
  shown_us = enr_format_time_us (g_date_time_to_unix (time) * G_USEC_PER_SEC);
  g_assert_cmpstr (shown_us, ==, want);
}

/* Either side of midnight in Vietnam (17:00 UTC), and its last minute. */
static void
test_vietnam_time (void)
{
  check_instant ("2026-12-06T16:59:00Z", "06/12/2026 23:59");
  check_instant ("2026-12-06T17:01:00Z", "07/12/2026 00:01");
  check_instant ("2026-12-06T23:59:00Z", "07/12/2026 06:59");
  /* New York's summer time changes nothing. */
  check_instant ("2026-07-01T03:30:00Z", "01/07/2026 10:30");
}

static void
test_dates_of_birth (void)
{
  g_autofree char *date = enr_format_date ("1993-04-02");
  g_autofree char *empty = enr_format_time_us (0);

  g_assert_cmpstr (date, ==, "02/04/1993");
  g_assert_cmpstr (empty, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/vietnam-time", test_vietnam_time);
  g_test_add_func ("/format/date-of-birth", test_dates_of_birth);
  return g_test_run ();
}
