/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The least a GTK 4 wizard costs: one main(), a GtkAssistant of three
 * label pages at the wizard's size (1120 × 860), nothing else.
 * bench-startup.py starts it beside smartca-enroll, each a fresh process,
 * and compares the two.
 */
#include <gtk/gtk.h>

static void
close_cb (GtkWidget *assistant,
          gboolean  *done)
{
  *done = TRUE;
}

int
main (void)
{
  GtkAssistant *assistant;
  gboolean done = FALSE;

  gtk_init ();
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
  g_signal_connect (assistant, "close", G_CALLBACK (close_cb), &done);
  g_signal_connect (assistant, "cancel", G_CALLBACK (close_cb), &done);
  g_signal_connect (assistant, "destroy", G_CALLBACK (close_cb), &done);
  gtk_window_present (GTK_WINDOW (assistant));

  while (!done)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}
