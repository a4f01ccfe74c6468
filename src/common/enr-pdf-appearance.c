/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-appearance"

#include "config.h"

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <pango/pangocairo.h>

#include "enr-pdf-appearance.h"

#define MARGIN 3.0
#define LARGEST_SIZE 10.0
#define SMALLEST_SIZE 3.0

static PangoLayout *
layout_for (cairo_t           *cr,
            const char *const *lines,
            double             size)
{
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (ENR_PDF_APPEARANCE_FONT);
  g_autofree char *text = g_strjoinv ("\n", (char **) lines);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Unhinted, as in a PDF: a picture of the box then lays out alike. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pango_layout_get_context (layout), options);
  cairo_font_options_destroy (options);
  pango_layout_context_changed (layout);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

void
enr_pdf_appearance_paint (cairo_t           *cr,
                          double             width,
                          double             height,
                          const char *const *lines)
{
  g_autoptr(PangoLayout) layout = NULL;
  double size = LARGEST_SIZE;
  int text_width;
  int text_height;

  g_return_if_fail (cr != NULL && lines != NULL);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.1, 0.25, 0.55);
  cairo_set_line_width (cr, 0.8);
  cairo_rectangle (cr, 0.4, 0.4, width - 0.8, height - 0.8);
  cairo_stroke (cr);

  /* The largest size at which every line fits the box. */
  for (;;)
    {
      g_clear_object (&layout);
      layout = layout_for (cr, lines, size);
      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      if ((text_width <= width - 2 * MARGIN && text_height <= height - 2 * MARGIN) ||
          size <= SMALLEST_SIZE)
        break;
      size -= 0.5;
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, MARGIN, MAX (MARGIN, (height - text_height) / 2));
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

static cairo_status_t
append_cb (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
enr_pdf_appearance_draw (double             width,
                         double             height,
                         const char *const *lines,
                         GError           **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (width > 0 && height > 0 && lines != NULL, NULL);

  surface = cairo_pdf_surface_create_for_stream (append_cb, out, width, height);
  cr = cairo_create (surface);
  enr_pdf_appearance_paint (cr, width, height, lines);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Drawing the signature: %s",
                   cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
