/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/abstract.h>

#include "sbx-db.h"

G_BEGIN_DECLS

/*
 * The sandbox's stand-in for SmartCA's HSM. It makes each credential's
 * RSA-2048 signing key and hands it out only wrapped: AES-256-GCM under a
 * wrapping key that lives in the meta table, with the credential id as
 * associated data, so a blob opens for its own credential only. A signing
 * key is in clear only in memory, for one signature, and wiped after.
 *
 * The wrapping key is read (or made) once, in the main thread; after that
 * every function may run in any thread.
 */
typedef struct _SbxHsm SbxHsm;

SbxHsm           *sbx_hsm_new       (SbxDb       *db,
                                     GError     **error);
void              sbx_hsm_free      (SbxHsm      *hsm);

/* A new RSA-2048 key (e = 65537) for @credential_id: its wrapped form,
 * and its public half in @public_key. Slow (0.1 s or more): workers only. */
GBytes           *sbx_hsm_generate  (SbxHsm           *hsm,
                                     const char       *credential_id,
                                     gnutls_pubkey_t  *public_key,
                                     GError          **error);
/* The key in @wrapped, for signing; deinit it as soon as it has signed. */
gnutls_privkey_t  sbx_hsm_open      (SbxHsm      *hsm,
                                     const char  *credential_id,
                                     GBytes      *wrapped,
                                     GError     **error);

/*
 * The service's other secrets that it must give back, not just check (a
 * PIN guard's pinShare, an Idempotency-Key answer that holds one, an open
 * otp_session): text sealed the same way, with @aad (which row, which
 * column) as associated data so that a blob opens for its own place only.
 * NULL, with a warning, on a failure; unseal's result is wiped and freed
 * with enr_secure_string_free().
 */
GBytes           *sbx_hsm_seal      (SbxHsm      *hsm,
                                     const char  *aad,
                                     const char  *secret);
char             *sbx_hsm_unseal    (SbxHsm      *hsm,
                                     const char  *aad,
                                     GBytes      *sealed);

/* RSASSA-PKCS1-v1_5 over the DigestInfo of a SHA-256 @digest. */
GBytes           *sbx_hsm_sign_digest (gnutls_privkey_t  key,
                                       const guint8      digest[32],
                                       GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxHsm, sbx_hsm_free)

G_END_DECLS
