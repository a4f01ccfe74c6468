/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "enr-page-image.h"
#include "enr-test-ui.h"

#define RED  0xffd02020u
#define BLUE 0xff2040c0u

/* A page 40 × 30 pixels: red on the left, blue on the right. */
static cairo_surface_t *
two_colour_page (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 40, 30);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0xd0 / 255.0, 0x20 / 255.0, 0x20 / 255.0);
  cairo_rectangle (cr, 0, 0, 20, 30);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0x20 / 255.0, 0x40 / 255.0, 0xc0 / 255.0);
  cairo_rectangle (cr, 20, 0, 20, 30);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static GskRenderNode *
snapshot_at (EnrPageImage *image,
             double        width,
             double        height)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (GDK_PAINTABLE (image), snapshot, width, height);
  return gtk_snapshot_free_to_node (snapshot);
}

static guint32
pixel (cairo_surface_t *surface,
       int              x,
       int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return ((const guint32 *) (data + (gsize) y * stride))[x];
}

/* At its own size the page is drawn pixel for pixel. */
static void
test_same_size (void)
{
  cairo_surface_t *page = two_colour_page ();
  g_autoptr(EnrPageImage) image = enr_page_image_new (page);
  GskRenderNode *node;
  cairo_surface_t *drawn;

  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (image)), ==, 40);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (GDK_PAINTABLE (image)), ==, 30);
  g_assert_cmpint (enr_page_image_get_width (image), ==, 40);
  g_assert_cmpint (enr_page_image_get_height (image), ==, 30);

  node = snapshot_at (image, 40, 30);
  drawn = enr_test_draw_node (node, 40, 30);
  for (int y = 0; y < 30; y++)
    for (int x = 0; x < 40; x++)
      g_assert_cmphex (pixel (drawn, x, y), ==, pixel (page, x, y));

  cairo_surface_destroy (drawn);
  gsk_render_node_unref (node);
  cairo_surface_destroy (page);
}

/* Drawn larger (a window on a screen of another scale) or smaller (a page
 * shrunk into a narrow window), it fills the whole rectangle, edges
 * included: no white shows through a faded rim. */
static void
test_scaled (void)
{
  cairo_surface_t *page = two_colour_page ();
  g_autoptr(EnrPageImage) image = enr_page_image_new (page);
  const struct { int width, height; } sizes[] = { { 80, 60 }, { 20, 15 }, { 57, 43 } };

  cairo_surface_destroy (page);   /* the image holds its own reference */
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      int w = sizes[i].width, h = sizes[i].height;
      GskRenderNode *node = snapshot_at (image, w, h);
      cairo_surface_t *drawn = enr_test_draw_node (node, w, h);

      g_test_message ("drawn at %d × %d", w, h);
      g_assert_cmphex (pixel (drawn, 0, 0), ==, RED);
      g_assert_cmphex (pixel (drawn, 0, h - 1), ==, RED);
      g_assert_cmphex (pixel (drawn, w / 4, h / 2), ==, RED);
      g_assert_cmphex (pixel (drawn, w - 1, 0), ==, BLUE);
      g_assert_cmphex (pixel (drawn, w - 1, h - 1), ==, BLUE);
      g_assert_cmphex (pixel (drawn, 3 * w / 4, h / 2), ==, BLUE);
      cairo_surface_destroy (drawn);
      gsk_render_node_unref (node);
    }
}

/* The page is a cairo node over the rendered surface, never a texture
 * node: GTK 4.8's cairo renderer converts a texture's every pixel each
 * frame it draws, wherever the frame's change was (a spinner turning
 * below a contract cost 22 ms a frame; tests/bench/bench-page-draw). */
static void
test_not_a_texture (void)
{
  cairo_surface_t *page = two_colour_page ();
  g_autoptr(EnrPageImage) image = enr_page_image_new (page);
  GskRenderNode *node = snapshot_at (image, 40, 30);

  g_assert_cmpint (gsk_render_node_get_node_type (node), ==, GSK_CAIRO_NODE);
  g_assert_true (gdk_paintable_get_flags (GDK_PAINTABLE (image)) ==
                 (GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS));

  gsk_render_node_unref (node);
  cairo_surface_destroy (page);
}

/* Nothing to draw into: no node, no warning. */
static void
test_empty_size (void)
{
  cairo_surface_t *page = two_colour_page ();
  g_autoptr(EnrPageImage) image = enr_page_image_new (page);
  GskRenderNode *node = snapshot_at (image, 0, 30);

  g_assert_null (node);
  cairo_surface_destroy (page);
}

int
main (int argc, char **argv)
{
  enr_test_ui_init (&argc, &argv);

  g_test_add_func ("/page-image/same-size", test_same_size);
  g_test_add_func ("/page-image/scaled", test_scaled);
  g_test_add_func ("/page-image/not-a-texture", test_not_a_texture);
  g_test_add_func ("/page-image/empty-size", test_empty_size);

  return g_test_run ();
}
