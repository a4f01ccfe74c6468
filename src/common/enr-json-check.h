/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Strict RFC 8259 syntax, checked before json-glib parses a body or a
 * reply: json-glib is lenient (single quotes, unknown escapes, a second
 * value after the first) and recursive (a deep enough body overflows the
 * stack). The sandbox checks every request body with it, the program every
 * reply (PROTOCOL.md rev 2: deeper than 64 levels, or over 8 MiB, is
 * malformed, and nothing of it is parsed).
 *
 * TRUE when @data (UTF-8, already validated) is exactly one JSON value with
 * optional white space around it, nesting no deeper than @max_depth, and no
 * string holds U+0000 or half a surrogate pair. Otherwise FALSE, with
 * @problem a static English phrase and @offset the byte where it was found.
 */
gboolean  enr_json_check  (const char   *data,
                           gsize         len,
                           guint         max_depth,
                           const char  **problem,
                           gsize        *offset);

/* PROTOCOL.md's limits on what a client reads. */
#define ENR_JSON_MAX_DEPTH       64
#define ENR_JSON_MAX_REPLY_BYTES (8 * 1024 * 1024)

G_END_DECLS
