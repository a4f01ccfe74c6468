/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * A PDF shown in the page (enr-pdf-pages.h): every page rendered in a worker
 * thread at the width of the view (or zoomed from there), each page a
 * focusable image that Tab reaches and a screen reader names and reads,
 * and the whole text also shown as text, which follows the desktop's text
 * size. The main loop never parses or renders a page.
 */
#define ENR_TYPE_PDF_VIEW (enr_pdf_view_get_type ())
G_DECLARE_FINAL_TYPE (EnrPdfView, enr_pdf_view, ENR, PDF_VIEW, GtkWidget)

GtkWidget    *enr_pdf_view_new            (void);
/* Shows @pdf (nullable: nothing); loading starts at once in a thread. */
void          enr_pdf_view_set_document   (EnrPdfView  *self,
                                           GBytes      *pdf);
GBytes       *enr_pdf_view_get_document   (EnrPdfView  *self);
gboolean      enr_pdf_view_get_loading    (EnrPdfView  *self);
/* The load failure, or NULL. */
const GError *enr_pdf_view_get_error      (EnrPdfView  *self);
guint         enr_pdf_view_get_n_pages    (EnrPdfView  *self);
/* Every page's text, each after a "Page n of m" line. */
const char   *enr_pdf_view_get_text       (EnrPdfView  *self);
/* The image of page @index (from 0), focusable, for keyboard navigation. */
GtkWidget    *enr_pdf_view_get_page       (EnrPdfView  *self,
                                           guint        index);
/* 1.0 fits the view's width. */
double        enr_pdf_view_get_zoom       (EnrPdfView  *self);
void          enr_pdf_view_set_zoom       (EnrPdfView  *self,
                                           double       zoom);
void          enr_pdf_view_zoom_in        (EnrPdfView  *self);
void          enr_pdf_view_zoom_out       (EnrPdfView  *self);
/* Shows the text instead of the page images. */
gboolean      enr_pdf_view_get_show_text  (EnrPdfView  *self);
void          enr_pdf_view_set_show_text  (EnrPdfView  *self,
                                           gboolean     show_text);
/* The width in pixels the page images were last rendered at, 0 before. */
int           enr_pdf_view_get_rendered_width (EnrPdfView *self);

G_END_DECLS
