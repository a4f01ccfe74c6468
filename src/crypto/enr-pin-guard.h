/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The client's side of the PIN guard (PROTOCOL.md rev 2, "PIN guard"):
 *
 *   stretched   = PBKDF2-HMAC-SHA256 (the PIN's ASCII digits, a 16-byte salt,
 *                 the handle's iteration count), 32 bytes
 *   pinVerifier = HMAC-SHA256 (stretched, "SmartCA PIN verifier v1")
 *   pinKey      = HMAC-SHA256 (stretched, "SmartCA PIN key v1")
 *   wrap key    = HMAC-SHA256 (pinShare, "SmartCA KAK wrap v1" || pinKey)
 *
 * and the KAK sealed under the wrap key with AES-256-GCM (enr-key-wrap.h),
 * the additional data credentialId NUL deviceId. The service sees only
 * pinVerifier and hands pinShare out for the right one, counting wrong
 * ones: the PIN cannot be tested against a copy of the key handle alone.
 *
 * `stretched` never leaves enr_pin_guard_derive(); pinKey, pinVerifier,
 * pinShare and the wrap key live in bytes that wipe themselves when their
 * last reference goes, and the wrap key only inside seal and open.
 */

#define ENR_PIN_GUARD_SALT_LENGTH   16
#define ENR_PIN_GUARD_SECRET_LENGTH 32

/* What a typed PIN gives with the handle's salt and count. */
typedef struct _EnrPinGuardKeys EnrPinGuardKeys;

/* A new random salt. */
GBytes          *enr_pin_guard_new_salt        (void);

/* Blocking (one PBKDF2 of @iterations): worker threads only. */
EnrPinGuardKeys *enr_pin_guard_derive          (const char          *pin,
                                                GBytes              *salt,
                                                guint                iterations,
                                                GError             **error);
/* The same in a worker thread; @iterations 0 calibrates this machine's
 * count first (enr_key_wrap_calibrate(), ENR_KEY_WRAP_TARGET_MS). */
void             enr_pin_guard_derive_async    (const char          *pin,
                                                GBytes              *salt,
                                                guint                iterations,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
EnrPinGuardKeys *enr_pin_guard_derive_finish   (GAsyncResult        *result,
                                                GError             **error);

GBytes          *enr_pin_guard_keys_get_salt       (EnrPinGuardKeys *keys);
guint            enr_pin_guard_keys_get_iterations (EnrPinGuardKeys *keys);
/* pinVerifier (32 bytes) and pinKey (32 bytes): a new reference to bytes
 * that wipe themselves. */
GBytes          *enr_pin_guard_keys_get_verifier   (EnrPinGuardKeys *keys);
GBytes          *enr_pin_guard_keys_get_pin_key    (EnrPinGuardKeys *keys);
/* Drops pinKey and pinVerifier (wiped once nothing else holds them). */
void             enr_pin_guard_keys_free           (EnrPinGuardKeys *keys);

/* The wrap key (32 bytes, wiping itself) from @pin_share and @pin_key,
 * both 32 bytes; NULL for other lengths. For the tests to check the
 * derivation; seal and open make it themselves. */
GBytes          *enr_pin_guard_wrap_key        (GBytes              *pin_share,
                                                GBytes              *pin_key);

/* The KAK's PKCS#8 @secret sealed under the wrap key, bound to
 * @credential_id and @device_id. */
GBytes          *enr_pin_guard_seal            (GBytes              *secret,
                                                GBytes              *pin_key,
                                                GBytes              *pin_share,
                                                const char          *credential_id,
                                                const char          *device_id,
                                                GError             **error);
/* The secret, in bytes that wipe themselves. Another PIN, share,
 * credential or device: ENR_CRYPTO_ERROR_WRONG_PIN. */
GBytes          *enr_pin_guard_open            (GBytes              *wrapping,
                                                GBytes              *pin_key,
                                                GBytes              *pin_share,
                                                const char          *credential_id,
                                                const char          *device_id,
                                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrPinGuardKeys, enr_pin_guard_keys_free)

G_END_DECLS
