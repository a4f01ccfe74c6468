/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* A cairo PDF surface of @width × @height points (the first page's size)
 * whose bytes are appended to @out: the tests draw their documents with
 * cairo, as the sandbox does. */
cairo_surface_t *enr_test_pdf_surface_new (GByteArray *out,
                                           double      width,
                                           double      height);

G_END_DECLS
