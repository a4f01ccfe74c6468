/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Base64url without padding (RFC 4648 §5, as JWS uses it, RFC 7515 §2). */
char   *enr_base64url_encode (const guint8 *data,
                              gsize         len);
guint8 *enr_base64url_decode (const char   *text,
                              gsize         text_len,
                              gsize        *out_len);

G_END_DECLS
