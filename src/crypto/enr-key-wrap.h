/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A secret (the KAK's PKCS#8) encrypted with AES-256-GCM under a 32-byte
 * key the caller derives: the PIN guard's wrapping key (enr-pin-guard.h),
 * which needs both the PIN and the share only SmartCA holds. The blob says
 * its version, so a later version can change its layout and still read
 * what this one wrote.
 *
 * Version 2, all integers big-endian:
 *
 *   0   4  "ENRK"
 *   4   1  version (2)
 *   5   1  key (2: the PIN guard's wrapping key, given by the caller)
 *   6   1  cipher (1: AES-256-GCM)
 *   7   1  0
 *   8   12 GCM nonce
 *   20  4  length n of what follows: ciphertext and 16-byte tag
 *   24  n  ciphertext || tag; the additional data is the caller's (for the
 *          KAK: credentialId NUL deviceId, PROTOCOL.md "PIN guard")
 *   24+n 32 SHA-256 of bytes 0 to 23+n
 *
 * The last field holds no secret: it tells a damaged blob from a key that
 * does not open it. Version 1 (a key from the PIN alone, which let a copy
 * of the blob be tested against every PIN offline) is no longer read.
 */

#define ENR_KEY_WRAP_VERSION          2
#define ENR_KEY_WRAP_KEY_LENGTH       32
/* PBKDF2 (the PIN guard's "stretched") is calibrated to cost about this on
 * this machine, with a margin, and never fewer than the iterations below. */
#define ENR_KEY_WRAP_TARGET_MS        300
#define ENR_KEY_WRAP_MIN_ITERATIONS   600000u
#define ENR_KEY_WRAP_MAX_ITERATIONS   50000000u

typedef struct
{
  guint version;
  gsize secret_length;
} EnrKeyWrapInfo;

/*
 * The PBKDF2 iteration count that makes one derivation cost at least
 * @target_ms here (never below ENR_KEY_WRAP_MIN_ITERATIONS), measured once
 * per process and kept. Blocking: call it from a worker thread, or use the
 * async form.
 */
guint    enr_key_wrap_calibrate        (guint                target_ms);
void     enr_key_wrap_calibrate_async  (guint                target_ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
guint    enr_key_wrap_calibrate_finish (GAsyncResult        *result,
                                        GError             **error);

/* @key: ENR_KEY_WRAP_KEY_LENGTH bytes. @aad is authenticated with the blob
 * and must be the same to open it (nullable). */
GBytes  *enr_key_wrap_seal             (GBytes              *secret,
                                        GBytes              *key,
                                        GBytes              *aad,
                                        GError             **error);
/* The secret, in bytes that wipe themselves when freed. A key (or @aad)
 * that does not open it is ENR_CRYPTO_ERROR_WRONG_PIN; a damaged blob
 * CORRUPT_HANDLE; a newer version UNSUPPORTED_VERSION. */
GBytes  *enr_key_wrap_open             (GBytes              *blob,
                                        GBytes              *key,
                                        GBytes              *aad,
                                        GError             **error);
/* Reads the header and checks the blob is whole, without the key. */
gboolean enr_key_wrap_inspect          (GBytes              *blob,
                                        EnrKeyWrapInfo      *info,
                                        GError             **error);

G_END_DECLS
