/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * What the keyring keeps for one citizen at one SmartCA service: the
 * PIN-protected KAK (if made yet), what is needed to use it (credential,
 * device, which key it is), the count of wrong PINs in a row, and the SmartCA
 * refresh token, which is not under the PIN so that an enrollment can
 * resume without a new login. A snapshot: EnrKeyStore makes new ones.
 */
#define ENR_TYPE_KEY_HANDLE (enr_key_handle_get_type ())
G_DECLARE_FINAL_TYPE (EnrKeyHandle, enr_key_handle, ENR, KEY_HANDLE, GObject)

/* Wrong PINs in a row that lock the handle. */
#define ENR_KEY_HANDLE_MAX_ATTEMPTS 5

const char *enr_key_handle_get_citizen_id    (EnrKeyHandle *self);
const char *enr_key_handle_get_service_url   (EnrKeyHandle *self);
/* NULL until the KAK is made. */
const char *enr_key_handle_get_credential_id (EnrKeyHandle *self);
const char *enr_key_handle_get_device_id     (EnrKeyHandle *self);
/* SHA-256 of the KAK's SubjectPublicKeyInfo: which key it is, without
 * keeping in the keyring any byte the private key's encoding shares. */
GBytes     *enr_key_handle_get_key_id        (EnrKeyHandle *self);
GBytes     *enr_key_handle_compute_key_id    (GBytes       *public_key);
gboolean    enr_key_handle_has_key           (EnrKeyHandle *self);
/* The PBKDF2 iterations of the wrapped key; 0 without one. */
guint       enr_key_handle_get_iterations    (EnrKeyHandle *self);
/* NULL when none is kept. */
const char *enr_key_handle_get_refresh_token (EnrKeyHandle *self);
guint       enr_key_handle_get_attempts_left (EnrKeyHandle *self);
gboolean    enr_key_handle_is_locked         (EnrKeyHandle *self);
/* When it was last written, in microseconds since 1970. */
gint64      enr_key_handle_get_saved_at      (EnrKeyHandle *self);

G_END_DECLS
