/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-pdf-xref.h"

G_BEGIN_DECLS

/*
 * A document's page tree (ISO 32000-1 §7.7.3): its pages in order, and
 * what a page inherits from its parents (§7.7.3.4): its boxes and its
 * rotation. For the PDF code of src/common, which places a signature on a
 * page.
 */

/* The object number of the first page of the page tree under @catalog. */
gboolean enr_pdf_document_first_page (const EnrPdfDocument *doc,
                                      const EnrPdfDict     *catalog,
                                      gsize                *number);
/* The object numbers of every page under @catalog, in order; NULL when
 * the page tree cannot be read (or holds more than @max pages). */
GArray  *enr_pdf_document_pages      (const EnrPdfDocument *doc,
                                      const EnrPdfDict     *catalog,
                                      guint                 max);
/* A page's /MediaBox (inherited from its parents if need be), as
 * x1 y1 x2 y2 in PDF units, lower left first. */
gboolean enr_pdf_document_page_box   (const EnrPdfDocument *doc,
                                      gsize                 page,
                                      double                box[4]);
/* What a viewer shows of a page: its /CropBox (inherited; the /MediaBox
 * without one), clipped by its /MediaBox, lower left first, in default user
 * space; and its /Rotate (inherited), the clockwise turn it is shown with:
 * 0, 90, 180 or 270 (any other multiple of 90 brought into that range; a
 * value that is not one is 0, as viewers take it). */
gboolean enr_pdf_document_page_view  (const EnrPdfDocument *doc,
                                      gsize                 page,
                                      double                visible[4],
                                      guint                *rotation);

G_END_DECLS
