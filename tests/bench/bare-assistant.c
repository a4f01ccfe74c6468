/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The least a GTK 4 wizard costs: one main(), a GtkAssistant of three
 * label pages at the wizard's size (1120 × 860), nothing else.
 * bench-startup.py starts it beside smartca-enroll, each a fresh process,
 * and compares the two.
 *
 *   bare-assistant                  the assistant alone
 *   bare-assistant --application    the same assistant, the window of a
 *                                   GtkApplication (what smartca-enroll
 *                                   is): the framework's own share of a start
 */
#include <gtk/gtk.h>

#include "enr-startup-marks.h"

static void
close_cb (GtkWidget *assistant,
          gboolean  *done)
{
  *done = TRUE;
}

static GtkWindow *
new_assistant (void)
{
  GtkAssistant *assistant;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  assistant = GTK_ASSISTANT (gtk_assistant_new ());
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *title = g_strdup_printf ("Page %u", i + 1);
      GtkWidget *page = gtk_label_new (title);

      gtk_assistant_append_page (assistant, page);
      gtk_assistant_set_page_title (assistant, page, title);
      gtk_assistant_set_page_type (assistant, page, i == 2 ? GTK_ASSISTANT_PAGE_CONFIRM
                                                           : GTK_ASSISTANT_PAGE_CONTENT);
      gtk_assistant_set_page_complete (assistant, page, TRUE);
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_window_set_default_size (GTK_WINDOW (assistant), 1120, 860);
  return GTK_WINDOW (assistant);
}

static void
startup_cb (GtkApplication *application)
{
  enr_startup_mark ("toolkit started");
}

static void
activate_cb (GtkApplication *application)
{
  GtkWindow *window = new_assistant ();

  gtk_window_set_application (window, application);
  enr_startup_mark ("window built");
  gtk_window_present (window);
  enr_startup_mark_last ("window shown");
}

/* A unique application, as smartca-enroll is: it owns its name on the
 * session bus, and GtkApplication starts GTK in its startup. */
static int
run_application (void)
{
  g_autoptr(GtkApplication) application = NULL;

  application = gtk_application_new ("vn.smartca.Enroll.BareAssistant",
                                     G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect_after (application, "startup", G_CALLBACK (startup_cb), NULL);
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (application), 0, NULL);
}

int
main (int    argc,
      char **argv)
{
  GtkWindow *assistant;
  gboolean done = FALSE;

  enr_startup_mark ("main");
  if (argc > 1 && g_str_equal (argv[1], "--application"))
    return run_application ();

  gtk_init ();
  enr_startup_mark ("toolkit started");
  assistant = new_assistant ();
  g_signal_connect (assistant, "close", G_CALLBACK (close_cb), &done);
  g_signal_connect (assistant, "cancel", G_CALLBACK (close_cb), &done);
  g_signal_connect (assistant, "destroy", G_CALLBACK (close_cb), &done);
  enr_startup_mark ("window built");
  gtk_window_present (assistant);
  enr_startup_mark_last ("window shown");

  while (!done)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}
