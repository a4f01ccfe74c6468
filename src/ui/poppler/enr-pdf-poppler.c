/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-poppler"

#include "config.h"

#include <gmodule.h>
#include <poppler.h>

#include "enr-pdf-backend.h"

/* The PDF module: poppler-glib behind the table enr-pdf-backend.h describes. */

static gpointer
pdf_open (GBytes   *pdf,
          gboolean *encrypted)
{
  g_autoptr(GError) error = NULL;
  PopplerDocument *document = poppler_document_new_from_bytes (pdf, NULL, &error);

  *encrypted = FALSE;
  if (document == NULL)
    {
      g_debug ("cannot open the PDF: %s", error->message);
      *encrypted = g_error_matches (error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED);
    }
  return document;
}

static void
pdf_close (gpointer document)
{
  g_object_unref (document);
}

static guint
pdf_get_n_pages (gpointer document)
{
  return (guint) MAX (poppler_document_get_n_pages (document), 0);
}

static PopplerPage *
get_page (gpointer document,
          guint    page)
{
  if (page >= pdf_get_n_pages (document))
    return NULL;
  return poppler_document_get_page (document, (int) page);
}

static gboolean
pdf_get_page_size (gpointer  document,
                   guint     page,
                   double   *width,
                   double   *height)
{
  PopplerPage *found = get_page (document, page);

  *width = *height = 0;
  if (found == NULL)
    return FALSE;
  poppler_page_get_size (found, width, height);
  g_object_unref (found);
  return TRUE;
}

static char *
pdf_get_page_text (gpointer document,
                   guint    page)
{
  PopplerPage *found = get_page (document, page);
  char *text = NULL;

  if (found != NULL)
    {
      text = poppler_page_get_text (found);
      g_object_unref (found);
    }
  return text != NULL ? text : g_strdup ("");
}

static gboolean
pdf_render_page (gpointer  document,
                 guint     page,
                 cairo_t  *cr)
{
  PopplerPage *found = get_page (document, page);

  if (found == NULL)
    return FALSE;
  poppler_page_render (found, cr);
  g_object_unref (found);
  return TRUE;
}

static const EnrPdfBackend backend = {
  .version = ENR_PDF_BACKEND_VERSION,
  .open = pdf_open,
  .close = pdf_close,
  .get_n_pages = pdf_get_n_pages,
  .get_page_size = pdf_get_page_size,
  .get_page_text = pdf_get_page_text,
  .render_page = pdf_render_page,
};

G_MODULE_EXPORT const EnrPdfBackend *enr_pdf_backend_get (void);

const EnrPdfBackend *
enr_pdf_backend_get (void)
{
  return &backend;
}
