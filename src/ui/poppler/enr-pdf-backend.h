/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/*
 * What the PDF module (libenr-pdf-poppler, poppler-glib) offers the program:
 * a table of functions, found by the one symbol the module exports. The
 * program loads the module only when it first shows a PDF (enr-pdf-pages.c),
 * so that starting it never loads poppler and the dozen libraries poppler
 * brings (NSS, lcms2, OpenJPEG, libstdc++'s share).
 *
 * Every function may run in any thread; a document is used by one thread
 * at a time.
 */

#define ENR_PDF_BACKEND_SYMBOL  "enr_pdf_backend_get"
#define ENR_PDF_BACKEND_VERSION 1

typedef struct
{
  guint      version;   /* ENR_PDF_BACKEND_VERSION */

  /* A document read from @pdf (the bytes are kept, not copied), or NULL,
   * with @encrypted set when it is protected by a password. */
  gpointer (*open)          (GBytes   *pdf,
                             gboolean *encrypted);
  void     (*close)         (gpointer  document);
  guint    (*get_n_pages)   (gpointer  document);
  /* Page @page (from 0)'s size in points; FALSE when it has none. */
  gboolean (*get_page_size) (gpointer  document,
                             guint     page,
                             double   *width,
                             double   *height);
  /* Its text, newly allocated ("" for none). */
  char    *(*get_page_text) (gpointer  document,
                             guint     page);
  /* Draws the page on @cr, in points. */
  gboolean (*render_page)   (gpointer  document,
                             guint     page,
                             cairo_t  *cr);
} EnrPdfBackend;

G_END_DECLS
