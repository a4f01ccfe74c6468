/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A PDF of @pages A4 pages with a line of Vietnamese text each, drawn by
 * cairo, at @dir/@name: a document a citizen might sign. The path. */
char *enr_test_make_pdf (const char *dir,
                         const char *name,
                         guint       pages);

G_END_DECLS
