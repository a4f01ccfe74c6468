/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * One start of a program's window, timed from inside the process:
 *
 *   bench-window enroll|bare
 *
 * "enroll" is smartca-enroll's own application (EnrApplication, with
 * service URLs that answer nothing, so no network is waited for); "bare"
 * is a GtkAssistant of eight empty pages, the least a GTK 4 wizard costs.
 * Prints one JSON line: milliseconds from the process's start (as the
 * kernel counts it, so loading and linking are in) to the window's first
 * map and to its first paint, and the resident memory 3 s after the start.
 */
#define G_LOG_DOMAIN "bench-window"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>

#include "enr-application.h"
#include "enr-paths.h"

static double started_ms;
static double mapped_ms = -1;
static double painted_ms = -1;

/* Milliseconds since boot, and the process's start in the same count. */
static double
now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_BOOTTIME, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double
process_start_ms (void)
{
  g_autofree char *stat = NULL;
  const char *after_name;
  unsigned long long start_ticks = 0;
  int field = 3;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL))
    return now_ms ();
  /* Field 22, counting from the one after the command's closing ')'. */
  after_name = strrchr (stat, ')') + 2;
  for (const char *p = after_name; *p != '\0' && field < 22; p++)
    if (*p == ' ' && ++field == 22)
      start_ticks = g_ascii_strtoull (p + 1, NULL, 10);
  return start_ticks * 1000.0 / sysconf (_SC_CLK_TCK);
}

static long
rss_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, field)) == NULL)
    return -1;
  return strtol (line + strlen (field), NULL, 10);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       user_data)
{
  if (painted_ms < 0)
    painted_ms = now_ms () - started_ms;
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, user_data);
}

static void
map_cb (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  if (mapped_ms < 0)
    mapped_ms = now_ms () - started_ms;
  if (clock != NULL)
    g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window)
{
  g_signal_connect (window, "map", G_CALLBACK (map_cb), NULL);
}

static gboolean
report_cb (gpointer user_data)
{
  printf ("{\"mapped_ms\": %.1f, \"painted_ms\": %.1f, \"rss_kb\": %ld}\n",
          mapped_ms, painted_ms, rss_kb ("VmRSS:"));
  fflush (stdout);
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_REMOVE;
}

static void
bare_activate_cb (GtkApplication *app)
{
  GtkAssistant *assistant;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  assistant = g_object_new (GTK_TYPE_ASSISTANT, "application", app, "use-header-bar", FALSE,
                            "default-width", 960, "default-height", 720, NULL);
  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *title = g_strdup_printf ("Page %u", i + 1);
      GtkWidget *page = gtk_label_new (title);

      gtk_assistant_append_page (assistant, page);
      gtk_assistant_set_page_type (assistant, page, GTK_ASSISTANT_PAGE_CUSTOM);
      gtk_assistant_set_page_title (assistant, page, title);
    }
  gtk_assistant_add_action_widget (assistant, gtk_button_new_with_mnemonic ("_Next"));
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_window_present (GTK_WINDOW (assistant));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GtkApplication) app = NULL;
  const char *mode = argc > 1 ? argv[1] : "bare";
  char *enroll_argv[] = {
    (char *) "smartca-enroll",
    (char *) "--vneid-url", (char *) "https://127.0.0.1:9/vneid",
    (char *) "--smartca-url", (char *) "https://127.0.0.1:9/smartca",
    NULL,
  };
  char *bare_argv[] = { (char *) "bare-assistant", NULL };

  started_ms = process_start_ms ();
  setlocale (LC_ALL, "");

  if (g_str_equal (mode, "enroll"))
    {
      g_autofree char *locale_dir = enr_paths_get_locale_dir ();

      bindtextdomain (GETTEXT_PACKAGE, locale_dir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
      app = GTK_APPLICATION (enr_application_new ());
    }
  else
    {
      app = gtk_application_new ("vn.smartca.Enroll.BenchBare", G_APPLICATION_NON_UNIQUE);
      g_signal_connect (app, "activate", G_CALLBACK (bare_activate_cb), NULL);
    }

  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), NULL);
  g_timeout_add (MAX (1, (guint) (3000 - (now_ms () - started_ms))), report_cb, app);
  return g_application_run (G_APPLICATION (app),
                            g_str_equal (mode, "enroll") ? 5 : 1,
                            g_str_equal (mode, "enroll") ? enroll_argv : bare_argv);
}
