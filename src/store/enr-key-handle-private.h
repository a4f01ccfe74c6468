/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-key-handle.h"

G_BEGIN_DECLS

/*
 * The record behind a handle, as the keyring's secret holds it. Version 2,
 * integers big-endian:
 *
 *   "ENRH" | version (2) | 0 | 0 0 | saved at, µs (8)
 *   then fields: tag (1) | length (4) | bytes
 *     1 owner (the citizen ID: inside the secret only), 2 service URL,
 *     3 credential ID, 4 device ID, 5 key ID (SHA-256 of the SPKI DER),
 *     7 refresh token, 8 handle ID, 9 PIN guard salt, 10 PBKDF2 count (4),
 *     11 the KAK wrapped under the PIN guard (enr-key-wrap.h),
 *     12 a second wrapping, under a new PIN, while a change of PIN is
 *        settled, 13 the session's profile
 *
 * Unknown tags are skipped, so a later version may add fields. Version 1
 * (no handle ID, the citizen ID as field 1, a wrong-PIN count in the header
 * and field 6, a KAK wrapped under the PIN alone) is read to be brought up
 * to date: its count and its wrapped KAK are dropped (is_outdated()).
 */
#define ENR_KEY_HANDLE_RECORD_VERSION 2

EnrKeyHandle *enr_key_handle_new           (const char    *handle_id,
                                            const char    *service_url);
EnrKeyHandle *enr_key_handle_copy          (EnrKeyHandle  *self);
/* Serialises into a buffer the caller wipes (enr_secure_free) after use. */
guint8       *enr_key_handle_serialize     (EnrKeyHandle  *self,
                                            gsize         *len);
EnrKeyHandle *enr_key_handle_parse         (const guint8  *data,
                                            gsize          len,
                                            GError       **error);
/* The record's version as read (1 for one to bring up to date). */
guint         enr_key_handle_get_record_version (EnrKeyHandle *self);

/* The citizen the enrollment is for; NULL if not said. */
const char   *enr_key_handle_get_owner     (EnrKeyHandle  *self);
GBytes       *enr_key_handle_get_wrapping  (EnrKeyHandle  *self);
GBytes       *enr_key_handle_get_pending   (EnrKeyHandle  *self);

void          enr_key_handle_set_handle_id (EnrKeyHandle  *self,
                                            const char    *handle_id);
void          enr_key_handle_set_owner     (EnrKeyHandle  *self,
                                            const char    *owner);
/* A new key: its ids, the PIN guard's salt and count and its wrapping;
 * any pending wrapping goes. */
void          enr_key_handle_set_key       (EnrKeyHandle  *self,
                                            const char    *credential_id,
                                            const char    *device_id,
                                            GBytes        *public_key,
                                            GBytes        *salt,
                                            guint          iterations,
                                            GBytes        *wrapping);
/* The wrappings of the same key (NULL: none). */
void          enr_key_handle_set_wrapping  (EnrKeyHandle  *self,
                                            GBytes        *wrapping);
void          enr_key_handle_set_pending   (EnrKeyHandle  *self,
                                            GBytes        *pending);
/* Forgets a version-1 key (and that there was one, with @outdated FALSE). */
void          enr_key_handle_set_outdated  (EnrKeyHandle  *self,
                                            gboolean       outdated);
void          enr_key_handle_set_refresh_token (EnrKeyHandle *self,
                                                const char   *refresh_token);
void          enr_key_handle_set_profile   (EnrKeyHandle  *self,
                                            GBytes        *profile);
void          enr_key_handle_set_saved_at  (EnrKeyHandle  *self,
                                            gint64         saved_at);

G_END_DECLS
