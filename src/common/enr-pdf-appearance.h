/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/*
 * What a visible signature shows: its lines of text (who signed, when,
 * the reason and place, in the citizen's language) in a thin frame,
 * drawn with cairo and pango. As a one-page PDF, cairo embeds a subset of
 * each font it used, so that the diacritics of Vietnamese show in any
 * viewer; enr-pdf-signature-writer.h makes that page the widget's
 * appearance. In its own library (enr-common-appearance): the rest of
 * src/common needs neither cairo nor pango.
 */

/* The font family the lines are set in: its Vietnamese glyphs are complete. */
#define ENR_PDF_APPEARANCE_FONT "DejaVu Sans"

/* Draws @lines into a @width × @height box at the origin of @cr. */
void    enr_pdf_appearance_paint (cairo_t           *cr,
                                  double             width,
                                  double             height,
                                  const char *const *lines);

/* The same, as a one-page PDF whose page is exactly the box (PDF points). */
GBytes *enr_pdf_appearance_draw  (double             width,
                                  double             height,
                                  const char *const *lines,
                                  GError           **error);

G_END_DECLS
