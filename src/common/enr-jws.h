/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The compact serialisation of a JWS (RFC 7515 §7.1), without any
 * cryptography: the client signs and the sandbox verifies with their own
 * keys, and both need the same bytes for the signing input.
 */

/* Longest compact JWS either side accepts; a SAD is well under 1 KiB. */
#define ENR_JWS_MAX_LENGTH 16384

/* BASE64URL(header) "." BASE64URL(payload): the bytes the signature covers. */
char *enr_jws_signing_input (const char   *header_json,
                             const guint8 *payload,
                             gsize         payload_len);

/* @signing_input "." BASE64URL(@signature): the compact JWS. */
char *enr_jws_join          (const char   *signing_input,
                             const guint8 *signature,
                             gsize         signature_len);

/* A compact JWS taken apart. Header and payload are the decoded bytes
 * (JSON text, not NUL-terminated); nothing in it has been verified. */
typedef struct
{
  char   *signing_input;
  GBytes *header;
  GBytes *payload;
  GBytes *signature;
} EnrJwsParts;

EnrJwsParts *enr_jws_split      (const char  *compact,
                                 gssize       length);
void         enr_jws_parts_free (EnrJwsParts *parts);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrJwsParts, enr_jws_parts_free)

G_END_DECLS
