/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * A page of a document as a worker thread rendered it, for GtkPicture or a
 * widget's snapshot: a cairo image surface, premultiplied ARGB32, sized in
 * device pixels.
 *
 * Not a GdkTexture: GTK 4.8's cairo renderer copies a texture's pixels
 * through floats each time it draws a frame, whatever part of the window
 * changed: 14 ms for one page 1000 × 1400 pixels, every frame a spinner
 * elsewhere turns. Drawn as a cairo node, the page costs a frame only the
 * part of it that is redrawn; the GL renderer uploads the node once and
 * keeps it while the page is unchanged.
 */
#define ENR_TYPE_PAGE_IMAGE (enr_page_image_get_type ())
G_DECLARE_FINAL_TYPE (EnrPageImage, enr_page_image, ENR, PAGE_IMAGE, GObject)

/* Takes a reference to @surface, an image surface in CAIRO_FORMAT_ARGB32,
 * at least 1 × 1, that nobody draws on any more. */
EnrPageImage *enr_page_image_new        (cairo_surface_t *surface);
int           enr_page_image_get_width  (EnrPageImage    *self);
int           enr_page_image_get_height (EnrPageImage    *self);

G_END_DECLS
