/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The PDF module: loaded the first time a document is opened, not when the
 * program starts, and what it reads of a document. */
#include "config.h"

#include <string.h>

#include <cairo-pdf.h>

#include "enr-pdf-pages.h"
#include "enr-test-files.h"
#include "enr-test-pdf.h"

/* Two pages, A4 then A5, with a word on the first. */
static GBytes *
make_pdf (void)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface = enr_test_pdf_surface_new (out, 595, 842);
  cairo_t *cr = cairo_create (surface);

  cairo_move_to (cr, 72, 72);
  cairo_show_text (cr, "Contract");
  cairo_show_page (cr);
  cairo_pdf_surface_set_size (surface, 420, 595);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}

static void
test_loaded_when_first_opened (void)
{
  g_autoptr(GBytes) pdf = make_pdf ();
  g_autoptr(EnrPdfPages) pages = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  g_autofree char *text = NULL;
  double width, height;

  /* The program (here, the test linked as it is) starts without poppler. */
  g_assert_false (enr_test_is_mapped ("libpoppler"));

  pages = enr_pdf_pages_open (pdf, &error);
  g_assert_no_error (error);
  g_assert_true (enr_test_is_mapped ("libpoppler"));

  g_assert_cmpuint (enr_pdf_pages_get_n_pages (pages), ==, 2);
  g_assert_true (enr_pdf_pages_get_size (pages, 0, &width, &height));
  g_assert_cmpfloat_with_epsilon (width, 595, 0.5);
  g_assert_cmpfloat_with_epsilon (height, 842, 0.5);
  g_assert_true (enr_pdf_pages_get_size (pages, 1, &width, &height));
  g_assert_cmpfloat_with_epsilon (width, 420, 0.5);
  g_assert_false (enr_pdf_pages_get_size (pages, 2, &width, &height));
  g_assert_cmpfloat (width, ==, 0);

  text = enr_pdf_pages_get_text (pages, 0);
  g_assert_nonnull (strstr (text, "Contract"));

  /* The word is drawn: the page is not left white. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 595, 842);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  g_assert_true (enr_pdf_pages_render (pages, 0, cr));
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  {
    const guint32 *pixels = (const guint32 *) cairo_image_surface_get_data (surface);
    int stride = cairo_image_surface_get_stride (surface) / 4;
    gboolean ink = FALSE;

    for (int y = 50; y < 80 && !ink; y++)
      for (int x = 70; x < 140 && !ink; x++)
        ink = (pixels[y * stride + x] & 0xffffff) != 0xffffff;
    g_assert_true (ink);
  }
  cairo_surface_destroy (surface);
}

static void
test_refusals (void)
{
  g_autoptr(GBytes) junk = g_bytes_new_static ("%PDF-1.7 this is not a PDF", 26);
  g_autoptr(GError) error = NULL;

  g_assert_null (enr_pdf_pages_open (junk, &error));
  g_assert_error (error, ENR_PDF_PAGES_ERROR, ENR_PDF_PAGES_ERROR_DAMAGED);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pdf-pages/loaded-when-first-opened", test_loaded_when_first_opened);
  g_test_add_func ("/pdf-pages/refusals", test_refusals);

  return g_test_run ();
}
