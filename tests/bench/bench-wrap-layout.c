/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-wrap-layout"

#include "config.h"

#include <gtk/gtk.h>

#include "enr-bench-median.h"
#include "enr-bench-row.h"

/*
 * What GTK 4.8 spends laying out the confirm page's consent, a check button
 * whose label wraps, the first time it is shown (src/ui/enr-ui.h): with the
 * check button's own box layout, which asks the label how narrow it can be
 * at its height (a binary search over the whole text), and with the grid
 * layout the program gives it. One pass is what a parent does in a frame:
 * the width asked for no height, the height for 600 pixels, the allocation.
 * Each run builds a new check button (a label measured before keeps its
 * layout), in a window that is not shown; medians of 31, the two kinds
 * interleaved.
 */

#define RUNS  31
#define WIDTH 600

#define CONSENT "I agree that VNeID shares the information above (my name, date of birth, " \
                "gender, citizen ID number, nationality, place of residence, phone number and " \
                "e-mail) with VNPT SmartCA, so that VNPT SmartCA can register my digital " \
                "signature certificate."

static GtkWidget *
consent_new (gboolean grid)
{
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *label = gtk_label_new (CONSENT);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (grid)
    gtk_widget_set_layout_manager (check, gtk_grid_layout_new ());
  gtk_check_button_set_child (GTK_CHECK_BUTTON (check), label);
  if (grid)
    g_object_set (gtk_layout_manager_get_layout_child (gtk_widget_get_layout_manager (check),
                                                       label),
                  "column", 1, NULL);
  return check;
}

/* One layout pass of a new consent in @window, in milliseconds. */
static double
lay_out (GtkWindow *window,
         gboolean   grid)
{
  GtkWidget *check = consent_new (grid);
  gint64 started;
  int height;

  gtk_window_set_child (window, check);
  started = g_get_monotonic_time ();
  gtk_widget_measure (check, GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL, NULL, NULL);
  gtk_widget_measure (check, GTK_ORIENTATION_VERTICAL, WIDTH, NULL, &height, NULL, NULL);
  gtk_widget_allocate (check, WIDTH, height, -1, NULL);
  return (g_get_monotonic_time () - started) / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  GtkWindow *window;
  double box[RUNS], grid[RUNS];
  double box_ms, grid_ms;
  char how[256];

  gtk_init ();
  window = GTK_WINDOW (gtk_window_new ());
  /* Fonts loaded and shaping tables read before the first timed run. */
  lay_out (window, FALSE);
  lay_out (window, TRUE);
  for (guint i = 0; i < RUNS; i++)
    {
      box[i] = lay_out (window, FALSE);
      grid[i] = lay_out (window, TRUE);
    }

  box_ms = median (box, RUNS);
  grid_ms = median (grid, RUNS);
  g_snprintf (how, sizeof how, "median of %d new check buttons: width for no height, height "
              "for %d px, allocation", RUNS, WIDTH);
  enr_bench_row ("wrap-layout: the consent check button laid out by its box (before)", box_ms,
                 "ms", how, NULL, -1);
  enr_bench_row ("wrap-layout: the consent check button laid out by a grid layout", grid_ms,
                 "ms", how, "< the box's", grid_ms < box_ms);
  enr_bench_row ("wrap-layout: box / grid layout", box_ms / MAX (grid_ms, 0.001), "ratio",
                 "the two medians above", NULL, -1);

  gtk_window_destroy (window);
  return 0;
}
