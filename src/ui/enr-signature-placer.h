/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Where the visible signature goes on a PDF (issue 14, "Sign"): one page at
 * a time with a box on it that the citizen moves with the mouse, or with
 * the keyboard and through AT-SPI alone (a "Page" spin button, a "Place"
 * list of the usual places, and on the focused page the keys below); a
 * sentence under the page, also the page's accessible description, says
 * where the box is. The document is opened and each page rendered in a
 * worker thread, because a citizen's PDF may be 20 MB and 100 pages; the
 * main loop never parses or renders.
 *
 * The placement is a page index (from 0) and a box in points in the page
 * as shown: the origin is the bottom-left corner of the page as poppler
 * reports its size (the crop box, its width and height swapped on a page
 * rotated by 90° or 270°), y grows upwards. A signer writing /Rect adds the
 * crop box's origin and undoes /Rotate. The default, set when a document
 * has loaded, is the last page, bottom right: 220 × 60 points, 36 points
 * from the right and bottom edges (smaller on a smaller page). The box is
 * never smaller than 100 × 30 points and never leaves the page.
 *
 * Actions, for a window's menus and for the keys of the focused page:
 *   placer.move (dd)        moves the box by (dx, dy) points (y up):
 *                           arrows by 10, Ctrl+arrows by 1
 *   placer.resize (dd)      makes it wider by dw and taller by dh points,
 *                           the top-left corner staying: Shift+arrows by
 *                           10 (Right and Down grow), Ctrl+Shift+arrows by 1
 *   placer.place (s)        "bottom-right", "bottom-left", "bottom-centre",
 *                           "top-right" or "top-left"
 *   placer.previous-page    Page Up
 *   placer.next-page        Page Down; the box keeps its usual place, or
 *                           its position as far as the new page allows
 * They are disabled while there is no document to place the box on.
 */
#define ENR_TYPE_SIGNATURE_PLACER (enr_signature_placer_get_type ())
G_DECLARE_FINAL_TYPE (EnrSignaturePlacer, enr_signature_placer, ENR, SIGNATURE_PLACER, GtkWidget)

/* Why a document cannot have a signature placed on it. The messages are
 * sentences for the citizen, shown in the placer too. */
#define ENR_SIGNATURE_PLACER_ERROR (enr_signature_placer_error_quark ())
typedef enum
{
  ENR_SIGNATURE_PLACER_ERROR_DAMAGED,    /* not a PDF poppler can read, or no pages */
  ENR_SIGNATURE_PLACER_ERROR_ENCRYPTED,  /* it needs a password to be opened */
} EnrSignaturePlacerError;

GQuark        enr_signature_placer_error_quark   (void);

GtkWidget    *enr_signature_placer_new           (void);
/* Shows @pdf (nullable: nothing) and starts opening it in a thread; there
 * is no placement until it has loaded (::placement-changed with the
 * default, then notify::loading). */
void          enr_signature_placer_set_document  (EnrSignaturePlacer *self,
                                                  GBytes             *pdf);
gboolean      enr_signature_placer_get_loading   (EnrSignaturePlacer *self);
/* Why the document cannot be used (ENR_SIGNATURE_PLACER_ERROR), or NULL. */
const GError *enr_signature_placer_get_error     (EnrSignaturePlacer *self);
/* 0 while loading, after an error, or without a document. */
guint         enr_signature_placer_get_n_pages   (EnrSignaturePlacer *self);
/* The page and the box (x1, y1, x2, y2), either nullable; FALSE, and
 * nothing set, while there is no loaded document. ::placement-changed
 * follows every change; notify::page a change of page. */
gboolean      enr_signature_placer_get_placement (EnrSignaturePlacer *self,
                                                  guint              *page,
                                                  double              rect[4]);
/* Puts the box at @rect on @page of the loaded document, for a window that
 * remembers a placement: the box is made to fit the rules above. */
void          enr_signature_placer_set_placement (EnrSignaturePlacer *self,
                                                  guint               page,
                                                  const double        rect[4]);

G_END_DECLS
