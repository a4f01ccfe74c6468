/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-border-draw"

#include "config.h"

#include <gtk/gtk.h>

#include "enr-bench-median.h"
#include "enr-bench-row.h"

/*
 * What a border drawn on some sides only costs GTK 4.8's cairo renderer,
 * its sides in two colors (GTK's theme gives a side with no width the text
 * color) and in one (src/ui/style.css). The wizard's window as its first
 * frame draws it, 1120 x 860, each drawn whole with gsk_render_node_draw()
 * as the renderer draws a frame:
 *
 *   sidebar    GtkAssistant's sidebar: a 1 px line on the top and right of
 *              256 x 860;
 *   all three  and a page's status line (840 x 40, top) and the sandbox's
 *              banner (1120 x 47, bottom).
 *
 * Medians of 31 frames each, the two colorings interleaved.
 */

#define RUNS          31
#define WINDOW_WIDTH  1120
#define WINDOW_HEIGHT 860

typedef struct
{
  graphene_rect_t bounds;
  float           widths[4];      /* top, right, bottom, left */
  GdkRGBA         color;
} Border;

static const Border sidebar = {
  GRAPHENE_RECT_INIT (0, 47, 256, WINDOW_HEIGHT - 47), { 1, 1, 0, 0 },
  { 205 / 255.f, 199 / 255.f, 194 / 255.f, 1 } };
static const Border status_line = {
  GRAPHENE_RECT_INIT (280, WINDOW_HEIGHT - 100, 840, 40), { 1, 0, 0, 0 },
  { 46 / 255.f, 52 / 255.f, 54 / 255.f, 0.15f } };
static const Border banner = {
  GRAPHENE_RECT_INIT (0, 0, WINDOW_WIDTH, 47), { 0, 0, 1, 0 },
  { 245 / 255.f, 121 / 255.f, 0, 0.5f } };

/* @one_color FALSE: the sides with no width in the text's color, as GTK's
 * theme leaves them. */
static void
append_border (GtkSnapshot  *snapshot,
               const Border *border,
               gboolean      one_color)
{
  const GdkRGBA text = { 46 / 255.f, 52 / 255.f, 54 / 255.f, 1 };
  GdkRGBA colors[4];
  GskRoundedRect outline;

  for (guint i = 0; i < 4; i++)
    colors[i] = one_color || border->widths[i] > 0 ? border->color : text;
  gsk_rounded_rect_init_from_rect (&outline, &border->bounds, 0);
  gtk_snapshot_append_border (snapshot, &outline, border->widths, colors);
}

static GskRenderNode *
window_node (gboolean one_color,
             gboolean all_three)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  const GdkRGBA background = { 246 / 255.f, 245 / 255.f, 244 / 255.f, 1 };

  gtk_snapshot_append_color (snapshot, &background,
                             &GRAPHENE_RECT_INIT (0, 0, WINDOW_WIDTH, WINDOW_HEIGHT));
  append_border (snapshot, &sidebar, one_color);
  if (all_three)
    {
      append_border (snapshot, &status_line, one_color);
      append_border (snapshot, &banner, one_color);
    }
  return gtk_snapshot_free_to_node (snapshot);
}

/* One frame, in milliseconds. */
static double
draw_frame (GskRenderNode   *node,
            cairo_surface_t *target)
{
  cairo_t *cr = cairo_create (target);
  gint64 started = g_get_monotonic_time ();

  gsk_render_node_draw (node, cr);
  cairo_surface_flush (target);
  cairo_destroy (cr);
  return (g_get_monotonic_time () - started) / 1000.0;
}

static void
report (const char *what,
        gboolean    all_three,
        double     *two_colors,
        double     *one_color)
{
  double two_ms = median (two_colors, RUNS);
  double one_ms = median (one_color, RUNS);
  g_autofree char *two_figure = g_strdup_printf ("border-draw: %s, sides in two colors (before)", what);
  g_autofree char *one_figure = g_strdup_printf ("border-draw: %s, sides in one color", what);
  g_autofree char *ratio_figure = g_strdup_printf ("border-draw: %s, two colors / one", what);
  g_autofree char *how = g_strdup_printf ("median of %d, gsk_render_node_draw of the whole "
                                          "%d x %d window", RUNS, WINDOW_WIDTH, WINDOW_HEIGHT);

  enr_bench_row (two_figure, two_ms, "ms", how, NULL, -1);
  enr_bench_row (one_figure, one_ms, "ms", how, all_three ? NULL : "< 1",
                 all_three ? -1 : one_ms < 1.0);
  enr_bench_row (ratio_figure, two_ms / MAX (one_ms, 0.001), "ratio", "the two medians above",
                 NULL, -1);
}

int
main (int    argc,
      char **argv)
{
  cairo_surface_t *target = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                        WINDOW_WIDTH, WINDOW_HEIGHT);
  GskRenderNode *nodes[2][2];     /* [all_three][one_color] */
  double frames[2][2][RUNS];

  /* GSK registers its render nodes' types in gtk_init(). */
  gtk_init ();

  for (guint all = 0; all < 2; all++)
    for (guint one = 0; one < 2; one++)
      nodes[all][one] = window_node (one, all);

  for (guint i = 0; i < RUNS; i++)
    for (guint all = 0; all < 2; all++)
      for (guint one = 0; one < 2; one++)
        frames[all][one][i] = draw_frame (nodes[all][one], target);

  report ("the wizard's sidebar", FALSE, frames[0][0], frames[0][1]);
  report ("the sidebar, a status line and the banner", TRUE, frames[1][0], frames[1][1]);

  for (guint all = 0; all < 2; all++)
    for (guint one = 0; one < 2; one++)
      gsk_render_node_unref (nodes[all][one]);
  cairo_surface_destroy (target);
  return 0;
}
