/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A PDF's pages, for showing them: how many, each one's size and text, and
 * each one drawn with cairo. poppler reads them, in the PDF module
 * (poppler/enr-pdf-poppler.c), which is loaded the first time a document is
 * opened rather than when the program starts.
 *
 * For worker threads (a citizen's PDF may be 20 MB and 100 pages): an
 * EnrPdfPages is used by one thread at a time, and the bytes it reads are
 * kept, never copied.
 */

#define ENR_PDF_PAGES_ERROR (enr_pdf_pages_error_quark ())

typedef enum
{
  ENR_PDF_PAGES_ERROR_DAMAGED,    /* not a PDF poppler can read */
  ENR_PDF_PAGES_ERROR_ENCRYPTED,  /* protected by a password */
  ENR_PDF_PAGES_ERROR_NO_MODULE,  /* the PDF module is missing: the message says so */
} EnrPdfPagesError;

typedef struct _EnrPdfPages EnrPdfPages;

GQuark       enr_pdf_pages_error_quark (void);

EnrPdfPages *enr_pdf_pages_open        (GBytes       *pdf,
                                        GError      **error);
guint        enr_pdf_pages_get_n_pages (EnrPdfPages  *self);
/* Page @page (from 0)'s size in points; FALSE (and 0 × 0) when there is
 * no such page. */
gboolean     enr_pdf_pages_get_size    (EnrPdfPages  *self,
                                        guint         page,
                                        double       *width,
                                        double       *height);
/* Its text ("" for none). */
char        *enr_pdf_pages_get_text    (EnrPdfPages  *self,
                                        guint         page);
/* Draws it on @cr, in points from its top-left corner. */
gboolean     enr_pdf_pages_render      (EnrPdfPages  *self,
                                        guint         page,
                                        cairo_t      *cr);
/* It on white, in a new premultiplied ARGB32 image of @width × @height
 * pixels, drawn at @scale pixels per point. */
cairo_surface_t *enr_pdf_pages_render_image (EnrPdfPages *self,
                                             guint        page,
                                             int          width,
                                             int          height,
                                             double       scale);
void         enr_pdf_pages_free        (EnrPdfPages  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrPdfPages, enr_pdf_pages_free)

G_END_DECLS
