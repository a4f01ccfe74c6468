/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-page-image.h"
#include "enr-signature-box.h"

G_BEGIN_DECLS

/*
 * One page with the signature's box on it, the signature placer's drawing
 * surface: the page's picture (rendered elsewhere, in a thread) fitted to
 * the canvas, the box as a frame with a light fill and "Your signature"
 * inside, and a second frame around the box while the canvas has the
 * focus. It takes the mouse: a drag inside the box moves it, a drag on the
 * page draws a new one, a click on the page moves the box there; each
 * change is ::box-changed. It knows nothing of PDF files: the placer
 * gives it the page and the box, and installs the placer.* actions its
 * keys are bound to (enr-signature-placer.h lists them).
 */
#define ENR_TYPE_SIGNATURE_CANVAS (enr_signature_canvas_get_type ())
G_DECLARE_FINAL_TYPE (EnrSignatureCanvas, enr_signature_canvas, ENR, SIGNATURE_CANVAS, GtkWidget)

GtkWidget             *enr_signature_canvas_new              (void);
/* The page's size in points (0 × 0: no page) and its picture; while the
 * picture is NULL the page is blank and says it is being drawn. */
void                   enr_signature_canvas_set_page         (EnrSignatureCanvas    *self,
                                                              double                 width,
                                                              double                 height,
                                                              EnrPageImage          *picture);
EnrPageImage          *enr_signature_canvas_get_picture      (EnrSignatureCanvas    *self);
void                   enr_signature_canvas_set_box          (EnrSignatureCanvas    *self,
                                                              const EnrSignatureBox *box);
const EnrSignatureBox *enr_signature_canvas_get_box          (EnrSignatureCanvas    *self);
/* How wide, in device pixels, a picture of the page must be to be shown
 * sharp at the canvas's size ("render-width"); 0 until it has a size. */
int                    enr_signature_canvas_get_render_width (EnrSignatureCanvas    *self);
/* Where the point (@x, @y) of the page, in points, is on the canvas; FALSE
 * while there is no page or no size. */
gboolean               enr_signature_canvas_page_to_widget   (EnrSignatureCanvas    *self,
                                                              double                 x,
                                                              double                 y,
                                                              double                *widget_x,
                                                              double                *widget_y);

G_END_DECLS
