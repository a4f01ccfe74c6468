/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/*
 * What the keyring keeps for one enrollment at one SmartCA service, under
 * an opaque handle ID (random, kept in the enrollment's checkpoint): the
 * KAK wrapped under the PIN guard's key (enr-pin-guard.h) with the salt and
 * PBKDF2 count that go with it — nothing with which a PIN could be tested
 * without SmartCA —, what is needed to use it (credential, device, which key
 * it is), the SmartCA refresh token, which is not under the PIN so that an
 * enrollment can resume without a new login, and the enrollment's personal
 * data (the session's "profile"), which the keyring encrypts and the
 * checkpoint file must not hold. A snapshot: EnrKeyStore makes new ones.
 */
#define ENR_TYPE_KEY_HANDLE (enr_key_handle_get_type ())
G_DECLARE_FINAL_TYPE (EnrKeyHandle, enr_key_handle, ENR, KEY_HANDLE, GObject)

const char *enr_key_handle_get_handle_id     (EnrKeyHandle *self);
const char *enr_key_handle_get_service_url   (EnrKeyHandle *self);
/* NULL until the KAK is made. */
const char *enr_key_handle_get_credential_id (EnrKeyHandle *self);
const char *enr_key_handle_get_device_id     (EnrKeyHandle *self);
/* SHA-256 of the KAK's SubjectPublicKeyInfo: which key it is, without
 * keeping in the keyring any byte the private key's encoding shares. */
GBytes     *enr_key_handle_get_key_id        (EnrKeyHandle *self);
GBytes     *enr_key_handle_compute_key_id    (GBytes       *public_key);
/* A KAK under the PIN guard is kept. */
gboolean    enr_key_handle_has_key           (EnrKeyHandle *self);
/* A KAK was kept by a version before the PIN guard, and dropped when the
 * handle was brought up to date: only a change of device gives a new one. */
gboolean    enr_key_handle_is_outdated       (EnrKeyHandle *self);
/* The PIN guard's salt (16 bytes) and PBKDF2 count; NULL and 0 without a key. */
GBytes     *enr_key_handle_get_salt          (EnrKeyHandle *self);
guint       enr_key_handle_get_iterations    (EnrKeyHandle *self);
/* A change of PIN left two wrappings (the next unlock keeps one). */
gboolean    enr_key_handle_has_pending       (EnrKeyHandle *self);
/* NULL when none is kept. */
const char *enr_key_handle_get_refresh_token (EnrKeyHandle *self);
/* The session's personal data, opaque here; NULL when none is kept. */
GBytes     *enr_key_handle_get_profile       (EnrKeyHandle *self);
/* When it was last written, in microseconds since 1970. */
gint64      enr_key_handle_get_saved_at      (EnrKeyHandle *self);

G_END_DECLS
