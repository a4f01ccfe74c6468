/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-key-handle.h"

G_BEGIN_DECLS

/*
 * The record behind a handle, as the keyring's secret holds it. Version 1,
 * integers big-endian:
 *
 *   "ENRH" | version (1) | wrong PINs in a row (1) | 0 0 | saved at, µs (8)
 *   then fields: tag (1) | length (4) | bytes
 *     1 citizen ID, 2 service URL, 3 credential ID, 4 device ID,
 *     5 key ID (SHA-256 of the SPKI DER), 6 wrapped KAK (enr-key-wrap.h), 7 refresh token
 *
 * Unknown tags are skipped, so a later version may add fields.
 */
#define ENR_KEY_HANDLE_RECORD_VERSION 1

EnrKeyHandle *enr_key_handle_new           (const char    *citizen_id,
                                            const char    *service_url);
EnrKeyHandle *enr_key_handle_copy          (EnrKeyHandle  *self);
/* Serialises into a buffer the caller wipes (enr_secure_free) after use. */
guint8       *enr_key_handle_serialize     (EnrKeyHandle  *self,
                                            gsize         *len);
EnrKeyHandle *enr_key_handle_parse         (const guint8  *data,
                                            gsize          len,
                                            GError       **error);

GBytes       *enr_key_handle_get_wrapped   (EnrKeyHandle  *self);
/* What the wrapped key is bound to: the citizen and the device. */
GBytes       *enr_key_handle_get_context   (EnrKeyHandle  *self);
guint         enr_key_handle_get_failed_attempts (EnrKeyHandle *self);

void          enr_key_handle_set_key       (EnrKeyHandle  *self,
                                            const char    *credential_id,
                                            const char    *device_id,
                                            GBytes        *public_key,
                                            GBytes        *wrapped);
void          enr_key_handle_set_wrapped   (EnrKeyHandle  *self,
                                            GBytes        *wrapped);
void          enr_key_handle_set_refresh_token (EnrKeyHandle *self,
                                                const char   *refresh_token);
void          enr_key_handle_set_failed_attempts (EnrKeyHandle *self,
                                                  guint         failed);
void          enr_key_handle_set_saved_at  (EnrKeyHandle  *self,
                                            gint64         saved_at);

G_END_DECLS
