/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Strict RFC 8259 syntax, checked before json-glib parses a body: json-glib
 * is lenient (single quotes, unknown escapes, a second value after the
 * first) and recursive (a deep enough body overflows the stack).
 *
 * TRUE when @data (UTF-8, already validated) is exactly one JSON value with
 * optional white space around it, nesting no deeper than @max_depth, and no
 * string holds U+0000 or half a surrogate pair. Otherwise FALSE, with
 * @problem a static English phrase and @offset the byte where it was found.
 */
gboolean  sbx_json_check  (const char   *data,
                           gsize         len,
                           guint         max_depth,
                           const char  **problem,
                           gsize        *offset);

G_END_DECLS
