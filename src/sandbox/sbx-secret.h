/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-secure.h"
#include "sbx-db.h"

G_BEGIN_DECLS

/* Random values and the hashes the sandbox keeps of them instead. */

/* A string that held a token, code, OTP or password: wiped when freed
 * (enr_secure_string_free). */
typedef EnrSecureString SbxSecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxSecretString, enr_secure_string_free)

/* 32 random bytes as Base64url: tokens, device codes, hand-off codes, otp_session. */
char     *sbx_secret_new_token     (void);
/* A random UUID v4 string: registration, contract, credential, transaction ids. */
char     *sbx_secret_new_uuid      (void);
/* "ABCD-EFGH" from an alphabet with no look-alike letters (RFC 8628 §6.1). */
char     *sbx_secret_new_user_code (void);
/* Six random ASCII digits. */
char     *sbx_secret_new_otp       (void);
/* @len random bytes (GNUTLS_RND_KEY): salts, challenges, wrapping keys. */
GBytes   *sbx_secret_random_bytes  (gsize       len);

/* SHA-256 of the token, as stored in the database. */
GBytes   *sbx_secret_hash          (const char *token);
/* SHA-256 of the token as lowercase hex: the otps.subject of a 'vneid-login'
 * OTP (schema.sql). */
char     *sbx_secret_hash_hex      (const char *token);
/* Compares in constant time (for equal lengths). */
gboolean  sbx_secret_equal         (GBytes     *a,
                                    GBytes     *b);

/* Passwords: PBKDF2-HMAC-SHA256 over the NFC form, random 16-byte salt,
 * SBX_PASSWORD_ITERATIONS for new hashes. */
#define SBX_PASSWORD_ITERATIONS 20000
void      sbx_password_hash        (const char *password,
                                    GBytes    **salt,
                                    GBytes    **hash,
                                    guint      *iterations);
gboolean  sbx_password_check       (const char *password,
                                    GBytes     *salt,
                                    GBytes     *hash,
                                    guint       iterations);
/* The work of sbx_password_check() for a username that is no citizen's:
 * the same PBKDF2, over a salt no password matches. Always FALSE. */
gboolean  sbx_password_check_unknown (const char *password);

/* "0912345678" -> "09******78": how otp_sent_to and otpSentTo show a phone. */
char     *sbx_mask_phone           (const char *phone);

G_END_DECLS
