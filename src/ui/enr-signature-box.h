/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Where the visible signature goes on a page, as arithmetic only (no GTK,
 * no poppler), so that every rule the signature placer keeps — the box
 * stays on the page, is never smaller than a signature can be read in, and
 * the usual places sit a margin from the edges — is one function a unit
 * test can call.
 *
 * Coordinates are PDF user space points: the origin is the bottom-left
 * corner of the page as poppler reports its size, y grows upwards.
 */

/* The default box: room for a name, a date and a reason in a small font. */
#define ENR_SIGNATURE_BOX_WIDTH       220.0
#define ENR_SIGNATURE_BOX_HEIGHT       60.0
/* Half an inch: inside the margin most printers leave. */
#define ENR_SIGNATURE_BOX_MARGIN       36.0
/* Below this, the appearance's text would be too small to read. */
#define ENR_SIGNATURE_BOX_MIN_WIDTH   100.0
#define ENR_SIGNATURE_BOX_MIN_HEIGHT   30.0

typedef struct
{
  double x1, y1;  /* bottom-left */
  double x2, y2;  /* top-right */
} EnrSignatureBox;

/* The places the placer offers in its list, in the order it lists them. */
typedef enum
{
  ENR_SIGNATURE_PLACE_BOTTOM_RIGHT,
  ENR_SIGNATURE_PLACE_BOTTOM_LEFT,
  ENR_SIGNATURE_PLACE_BOTTOM_CENTRE,
  ENR_SIGNATURE_PLACE_TOP_RIGHT,
  ENR_SIGNATURE_PLACE_TOP_LEFT,
  ENR_SIGNATURE_N_PLACES
} EnrSignaturePlace;

double   enr_signature_box_get_width     (const EnrSignatureBox *box);
double   enr_signature_box_get_height    (const EnrSignatureBox *box);
gboolean enr_signature_box_contains      (const EnrSignatureBox *box,
                                          double                 x,
                                          double                 y);
gboolean enr_signature_box_equal         (const EnrSignatureBox *a,
                                          const EnrSignatureBox *b);

/* The minimum size (or the page, if smaller), no larger than the page, and
 * moved onto it. Every other function ends with this. */
void     enr_signature_box_clamp         (EnrSignatureBox       *box,
                                          double                 page_width,
                                          double                 page_height);
/* Moves by (@dx, @dy) as far as the page allows. */
void     enr_signature_box_move          (EnrSignatureBox       *box,
                                          double                 dx,
                                          double                 dy,
                                          double                 page_width,
                                          double                 page_height);
/* Wider by @dw and taller by @dh (negative: smaller), as a window grows
 * from the keyboard: the left and top edges stay, unless the page's edge
 * is in the way, then the box moves back onto the page. */
void     enr_signature_box_resize        (EnrSignatureBox       *box,
                                          double                 dw,
                                          double                 dh,
                                          double                 page_width,
                                          double                 page_height);
/* The box a drag from (@ax, @ay) to (@bx, @by) draws: those two corners,
 * made as large as the minimum in the direction of the drag. */
void     enr_signature_box_from_corners  (EnrSignatureBox       *box,
                                          double                 ax,
                                          double                 ay,
                                          double                 bx,
                                          double                 by,
                                          double                 page_width,
                                          double                 page_height);
/* Moves the box to @place, the margin from the edges. On a page too small
 * for the box and both margins, the box shrinks (down to the minimum) to
 * keep them, then the margins shrink. */
void     enr_signature_box_place         (EnrSignatureBox       *box,
                                          EnrSignaturePlace      place,
                                          double                 page_width,
                                          double                 page_height);
/* The default: ENR_SIGNATURE_BOX_WIDTH × _HEIGHT, bottom right. */
void     enr_signature_box_init_default  (EnrSignatureBox       *box,
                                          double                 page_width,
                                          double                 page_height);
/* Whether @box is at one of the usual places (for its size), and which. */
gboolean enr_signature_box_find_place    (const EnrSignatureBox *box,
                                          double                 page_width,
                                          double                 page_height,
                                          EnrSignaturePlace     *place);

G_END_DECLS
