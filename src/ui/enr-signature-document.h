/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-page-image.h"

G_BEGIN_DECLS

/*
 * The document a signature is placed on, for the signature placer: opening
 * it to learn its pages' sizes, and rendering one page, each in a worker
 * thread (enr-pdf-pages.h), because a citizen's PDF may be 20 MB and 100
 * pages. The bytes are shared, never copied. Every call opens the document
 * anew, so that no document is ever used by two threads.
 *
 * Errors are ENR_SIGNATURE_PLACER_ERROR's, with the citizen's sentence;
 * a cancelled call reports G_IO_ERROR_CANCELLED, whatever the thread did.
 */

void          enr_signature_document_open_async    (GBytes               *pdf,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
/* Each page's width and height in points (poppler's page size), in turn:
 * 2 × @n_pages numbers. A document without pages is an error. */
double       *enr_signature_document_open_finish   (GAsyncResult         *result,
                                                    guint                *n_pages,
                                                    GError              **error);

void          enr_signature_document_render_async  (GBytes               *pdf,
                                                    guint                 page,
                                                    int                   width,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
/* Page @page (from 0) on white, @width pixels wide, or narrower for a page
 * so tall that it would be more than 8192 pixels high. */
EnrPageImage *enr_signature_document_render_finish (GAsyncResult         *result,
                                                    GError              **error);

G_END_DECLS
