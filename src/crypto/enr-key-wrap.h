/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A secret (the KAK's PKCS#8) encrypted under a key derived from the PIN:
 * PBKDF2-HMAC-SHA256 with a random salt, then AES-256-GCM. The blob says
 * its version and its parameters, so a later version can change them and
 * still read what this one wrote.
 *
 * Version 1, all integers big-endian:
 *
 *   0   4  "ENRK"
 *   4   1  version (1)
 *   5   1  KDF (1: PBKDF2-HMAC-SHA256)
 *   6   1  cipher (1: AES-256-GCM)
 *   7   1  salt length (16)
 *   8   4  PBKDF2 iterations
 *   12  16 salt
 *   28  12 GCM nonce
 *   40  4  length n of what follows: ciphertext and 16-byte tag
 *   44  n  ciphertext || tag; the additional data is bytes 0–43 and the caller's context
 *   44+n 32 SHA-256 of bytes 0 to 43+n
 *
 * The last field holds no secret: it tells a damaged blob from a wrong PIN,
 * so that damage is never counted as a wrong try.
 */

#define ENR_KEY_WRAP_VERSION          1
/* One derivation must cost an attacker at least this on this machine. */
#define ENR_KEY_WRAP_TARGET_MS        250
#define ENR_KEY_WRAP_MAX_ITERATIONS   50000000u

typedef struct
{
  guint version;
  guint iterations;
  gsize secret_length;
} EnrKeyWrapInfo;

/*
 * The PBKDF2 iteration count that makes one derivation cost at least
 * @target_ms here, measured once per process and kept. Blocking: call it
 * from a worker thread, or use the async form.
 */
guint    enr_key_wrap_calibrate        (guint                target_ms);
void     enr_key_wrap_calibrate_async  (guint                target_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
guint    enr_key_wrap_calibrate_finish (GAsyncResult        *result,
                                        GError             **error);

/* Blocking (one PBKDF2 derivation each): worker threads only. @context is
 * authenticated with the blob and must be the same to open it (nullable). */
GBytes  *enr_key_wrap_seal             (GBytes              *secret,
                                        const char          *pin,
                                        guint                iterations,
                                        GBytes              *context,
                                        GError             **error);
/* The secret, in bytes that wipe themselves when freed. A wrong PIN is
 * ENR_CRYPTO_ERROR_WRONG_PIN; a damaged blob CORRUPT_HANDLE; a newer
 * version UNSUPPORTED_VERSION. */
GBytes  *enr_key_wrap_open             (GBytes              *blob,
                                        const char          *pin,
                                        GBytes              *context,
                                        GError             **error);
/* Reads the header and checks the blob is whole, without the PIN. */
gboolean enr_key_wrap_inspect          (GBytes              *blob,
                                        EnrKeyWrapInfo      *info,
                                        GError             **error);

G_END_DECLS
