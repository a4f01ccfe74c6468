/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-pages"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-module.h"
#include "enr-pdf-pages.h"
#include "poppler/enr-pdf-backend.h"

struct _EnrPdfPages
{
  const EnrPdfBackend *backend;
  gpointer             document;
};

G_DEFINE_QUARK (enr-pdf-pages-error-quark, enr_pdf_pages_error)

/* The module, opened once and kept for the program's life; NULL when it
 * cannot be (said once in the log, with why). */
static const EnrPdfBackend *
load_backend (void)
{
  static gsize loaded = 0;
  static const EnrPdfBackend *backend;

  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GError) error = NULL;

      backend = enr_module_load ("src/ui/poppler", PDF_MODULE_NAME, ENR_PDF_BACKEND_SYMBOL,
                                 ENR_PDF_BACKEND_VERSION, &error);
      if (backend == NULL)
        g_warning ("cannot load the PDF module: %s", error->message);
      g_once_init_leave (&loaded, 1);
    }
  return backend;
}

EnrPdfPages *
enr_pdf_pages_open (GBytes  *pdf,
                    GError **error)
{
  const EnrPdfBackend *backend = load_backend ();
  g_autoptr(EnrPdfPages) self = NULL;
  gboolean encrypted = FALSE;

  g_return_val_if_fail (pdf != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (backend == NULL)
    {
      g_set_error_literal (error, ENR_PDF_PAGES_ERROR, ENR_PDF_PAGES_ERROR_NO_MODULE,
                           _("This program cannot show documents: a part of it is missing. "
                             "Install it again, or ask the person who looks after this "
                             "computer."));
      return NULL;
    }

  self = g_new0 (EnrPdfPages, 1);
  self->backend = backend;
  self->document = backend->open (pdf, &encrypted);
  if (self->document == NULL)
    {
      g_set_error_literal (error, ENR_PDF_PAGES_ERROR,
                           encrypted ? ENR_PDF_PAGES_ERROR_ENCRYPTED
                                     : ENR_PDF_PAGES_ERROR_DAMAGED,
                           encrypted ? "the PDF is protected by a password"
                                     : "not a PDF that poppler can read");
      return NULL;
    }
  return g_steal_pointer (&self);
}

guint
enr_pdf_pages_get_n_pages (EnrPdfPages *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->backend->get_n_pages (self->document);
}

gboolean
enr_pdf_pages_get_size (EnrPdfPages *self,
                        guint        page,
                        double      *width,
                        double      *height)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (width != NULL && height != NULL, FALSE);

  return self->backend->get_page_size (self->document, page, width, height);
}

char *
enr_pdf_pages_get_text (EnrPdfPages *self,
                        guint        page)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->backend->get_page_text (self->document, page);
}

gboolean
enr_pdf_pages_render (EnrPdfPages *self,
                      guint        page,
                      cairo_t     *cr)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (cr != NULL, FALSE);

  return self->backend->render_page (self->document, page, cr);
}

cairo_surface_t *
enr_pdf_pages_render_image (EnrPdfPages *self,
                            guint        page,
                            int          width,
                            int          height,
                            double       scale)
{
  cairo_surface_t *surface;
  cairo_t *cr;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  enr_pdf_pages_render (self, page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

void
enr_pdf_pages_free (EnrPdfPages *self)
{
  if (self == NULL)
    return;
  if (self->document != NULL)
    self->backend->close (self->document);
  g_free (self);
}
