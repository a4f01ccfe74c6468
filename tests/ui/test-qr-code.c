/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <qrencode.h>

#include "enr-qr-code.h"
#include "enr-test-ui.h"

#define URL "https://127.0.0.1:8443/vneid/device?user_code=WDJB-MJHT"

static guint8
pixel_grey (cairo_surface_t *surface,
            int              x,
            int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint32 *row = (const guint32 *) (data + (gsize) y * stride);

  return (guint8) ((row[x] >> 8) & 0xff);   /* green channel, ARGB32 */
}

/* Every module, quiet zone included, is one flat colour in whole pixels,
 * and the colours are the code libqrencode makes of the same text. */
static void
test_modules_crisp (void)
{
  GtkWidget *qr = enr_qr_code_new ();
  GtkWindow *window;
  cairo_surface_t *surface;
  QRcode *expected;
  guint total, size;
  int x0, y0;

  enr_qr_code_set_text (ENR_QR_CODE (qr), URL);
  window = enr_test_window_new (qr, 333, 333);

  expected = QRcode_encodeString8bit (URL, 0, QR_ECLEVEL_M);
  g_assert_nonnull (expected);
  g_assert_cmpuint (enr_qr_code_get_modules (ENR_QR_CODE (qr)), ==, (guint) expected->width);

  surface = enr_test_render (qr);
  size = enr_qr_code_get_module_size (ENR_QR_CODE (qr));
  total = (guint) expected->width + 2 * ENR_QR_CODE_QUIET_ZONE;
  g_assert_cmpuint (size, >=, 3);
  g_assert_cmpuint (size * total, <=, (guint) MIN (gtk_widget_get_width (qr),
                                                   gtk_widget_get_height (qr)));
  x0 = (gtk_widget_get_width (qr) - (int) (size * total)) / 2;
  y0 = (gtk_widget_get_height (qr) - (int) (size * total)) / 2;

  for (guint my = 0; my < total; my++)
    for (guint mx = 0; mx < total; mx++)
      {
        int qx = (int) mx - ENR_QR_CODE_QUIET_ZONE;
        int qy = (int) my - ENR_QR_CODE_QUIET_ZONE;
        gboolean dark = qx >= 0 && qy >= 0 && qx < expected->width && qy < expected->width &&
                        (expected->data[qy * expected->width + qx] & 1);
        guint8 want = dark ? 0 : 255;

        for (guint py = 0; py < size; py++)
          for (guint px = 0; px < size; px++)
            {
              guint8 got = pixel_grey (surface, x0 + (int) (mx * size + px),
                                       y0 + (int) (my * size + py));
              if (got != want)
                g_error ("module (%u, %u) pixel (%u, %u) is %u, not %u",
                         mx, my, px, py, got, want);
            }
      }

  QRcode_free (expected);
  cairo_surface_destroy (surface);
  enr_test_window_destroy (window);
}

/* What a phone camera does: a QR decoder reads back the same URL. */
static void
test_decodes (void)
{
  GtkWidget *qr = enr_qr_code_new ();
  GtkWindow *window;
  cairo_surface_t *surface;
  g_autofree char *path = enr_test_output_path ("qr-code.png");
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { NULL, "--raw", "-q", NULL, NULL };
  int status;

  if (zbarimg == NULL)
    {
      g_test_skip ("zbarimg (zbar-tools) is not installed");
      return;
    }

  enr_qr_code_set_text (ENR_QR_CODE (qr), URL);
  window = enr_test_window_new (qr, 260, 260);
  surface = enr_test_render (qr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  argv[0] = zbarimg;
  argv[3] = path;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (g_strchomp (out), ==, URL);

  enr_test_window_destroy (window);
}

static void
test_new_text_renews (void)
{
  GtkWidget *qr = g_object_ref_sink (enr_qr_code_new ());
  guint first;

  g_assert_cmpuint (enr_qr_code_get_modules (ENR_QR_CODE (qr)), ==, 0);
  enr_qr_code_set_text (ENR_QR_CODE (qr), "A");
  first = enr_qr_code_get_modules (ENR_QR_CODE (qr));
  g_assert_cmpuint (first, ==, 21);   /* version 1 */
  enr_qr_code_set_text (ENR_QR_CODE (qr), URL "&more=padding-to-make-a-larger-symbol");
  g_assert_cmpuint (enr_qr_code_get_modules (ENR_QR_CODE (qr)), >, first);
  g_assert_cmpstr (enr_qr_code_get_text (ENR_QR_CODE (qr)), ==,
                   URL "&more=padding-to-make-a-larger-symbol");
  enr_qr_code_set_text (ENR_QR_CODE (qr), NULL);
  g_assert_cmpuint (enr_qr_code_get_modules (ENR_QR_CODE (qr)), ==, 0);
  g_object_unref (qr);
}

static void
test_accessible (void)
{
  GtkWidget *qr = g_object_ref_sink (enr_qr_code_new ());

  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (qr), GTK_ACCESSIBLE_ROLE_IMG));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (qr),
                                                   GTK_ACCESSIBLE_PROPERTY_LABEL));
  g_object_unref (qr);
}

int
main (int argc, char **argv)
{
  enr_test_ui_init (&argc, &argv);

  g_test_add_func ("/qr-code/modules-crisp", test_modules_crisp);
  g_test_add_func ("/qr-code/decodes", test_decodes);
  g_test_add_func ("/qr-code/new-text-renews", test_new_text_renews);
  g_test_add_func ("/qr-code/accessible", test_accessible);

  return g_test_run ();
}
