/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-page-draw"

#include "config.h"

#include <gtk/gtk.h>

#include "enr-bench-median.h"
#include "enr-bench-row.h"
#include "enr-page-image.h"

/*
 * What one frame costs GTK 4.8's cairo renderer when a rendered page is in
 * the window (the contract of step 4, a citizen's document in "Sign
 * Documents…"): the page as a GdkTexture, as the program drew it before,
 * and as an EnrPageImage (a cairo node over the rendered surface), each
 * drawn with gsk_render_node_draw() as the renderer draws a frame:
 *
 *   spinner frame  only a 24 × 24 spinner beside the page changed, so the
 *                  frame is clipped to it (as the renderer clips to the
 *                  damaged region);
 *   whole frame    the whole 1120 × 860 window is drawn (a page change).
 *
 * The page is 900 × 1273 pixels (A4 at the view's width), white with lines
 * of grey "text". Medians of 31 frames each, the two kinds interleaved.
 */

#define RUNS          31
#define WINDOW_WIDTH  1120
#define WINDOW_HEIGHT 860
#define PAGE_WIDTH    900
#define PAGE_HEIGHT   1273

static cairo_surface_t *
render_page (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                         PAGE_WIDTH, PAGE_HEIGHT);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.3, 0.3, 0.3);
  for (int y = 80; y < PAGE_HEIGHT - 80; y += 24)
    cairo_rectangle (cr, 90, y, PAGE_WIDTH - 180 - (y * 7) % 200, 10);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* The window's content: a background, the page at the view's place. */
static GskRenderNode *
window_node (GdkPaintable *page)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GdkRGBA background = { 0.96, 0.96, 0.96, 1 };

  gtk_snapshot_append_color (snapshot, &background,
                             &GRAPHENE_RECT_INIT (0, 0, WINDOW_WIDTH, WINDOW_HEIGHT));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (110, 96));
  gdk_paintable_snapshot (page, snapshot, PAGE_WIDTH, PAGE_HEIGHT);
  gtk_snapshot_restore (snapshot);
  return gtk_snapshot_free_to_node (snapshot);
}

/* One frame, in milliseconds; @clip NULL: the whole window. */
static double
draw_frame (GskRenderNode         *node,
            cairo_surface_t       *target,
            const cairo_rectangle_int_t *clip)
{
  cairo_t *cr = cairo_create (target);
  gint64 started;

  if (clip != NULL)
    {
      cairo_rectangle (cr, clip->x, clip->y, clip->width, clip->height);
      cairo_clip (cr);
    }
  started = g_get_monotonic_time ();
  gsk_render_node_draw (node, cr);
  cairo_surface_flush (target);
  cairo_destroy (cr);
  return (g_get_monotonic_time () - started) / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  cairo_surface_t *page = render_page ();
  cairo_surface_t *target = cairo_image_surface_create (CAIRO_FORMAT_ARGB32,
                                                        WINDOW_WIDTH, WINDOW_HEIGHT);
  /* The spinner of the page's status line, below the view. */
  const cairo_rectangle_int_t spinner = { 40, WINDOW_HEIGHT - 40, 24, 24 };
  g_autoptr(GBytes) pixels = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(EnrPageImage) image = NULL;
  GskRenderNode *texture_window, *image_window;
  double texture_spin[RUNS], image_spin[RUNS], texture_whole[RUNS], image_whole[RUNS];
  double texture_spin_ms, image_spin_ms;
  char how[256];

  /* GSK registers its render nodes' types in gtk_init(). */
  gtk_init ();

  pixels = g_bytes_new (cairo_image_surface_get_data (page),
                        (gsize) cairo_image_surface_get_stride (page) * PAGE_HEIGHT);
  texture = gdk_memory_texture_new (PAGE_WIDTH, PAGE_HEIGHT, GDK_MEMORY_DEFAULT, pixels,
                                    cairo_image_surface_get_stride (page));
  image = enr_page_image_new (page);
  texture_window = window_node (GDK_PAINTABLE (texture));
  image_window = window_node (GDK_PAINTABLE (image));

  for (guint i = 0; i < RUNS; i++)
    {
      texture_spin[i] = draw_frame (texture_window, target, &spinner);
      image_spin[i] = draw_frame (image_window, target, &spinner);
      texture_whole[i] = draw_frame (texture_window, target, NULL);
      image_whole[i] = draw_frame (image_window, target, NULL);
    }

  texture_spin_ms = median (texture_spin, RUNS);
  image_spin_ms = median (image_spin, RUNS);
  g_snprintf (how, sizeof how, "median of %d, gsk_render_node_draw clipped to a 24 x 24 "
              "spinner; page %d x %d in a %d x %d window", RUNS, PAGE_WIDTH, PAGE_HEIGHT,
              WINDOW_WIDTH, WINDOW_HEIGHT);
  enr_bench_row ("page-draw: a spinner's frame beside a page, the page a GdkTexture (before)",
                 texture_spin_ms, "ms", how, NULL, -1);
  enr_bench_row ("page-draw: a spinner's frame beside a page, the page an EnrPageImage",
                 image_spin_ms, "ms", how, "< 1", image_spin_ms < 1.0);
  enr_bench_row ("page-draw: a spinner's frame, texture / page image", texture_spin_ms /
                 MAX (image_spin_ms, 0.001), "ratio", "the two medians above", NULL, -1);
  g_snprintf (how, sizeof how, "median of %d, gsk_render_node_draw of the whole %d x %d "
              "window", RUNS, WINDOW_WIDTH, WINDOW_HEIGHT);
  enr_bench_row ("page-draw: a whole frame, the page a GdkTexture (before)",
                 median (texture_whole, RUNS), "ms", how, NULL, -1);
  enr_bench_row ("page-draw: a whole frame, the page an EnrPageImage",
                 median (image_whole, RUNS), "ms", how, NULL, -1);

  gsk_render_node_unref (texture_window);
  gsk_render_node_unref (image_window);
  cairo_surface_destroy (target);
  cairo_surface_destroy (page);
  return 0;
}
