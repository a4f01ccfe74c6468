/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The service's side of a SAD (PROTOCOL.md, "SAD"): a compact JWS, RS256,
 * signed with the credential's key-authorisation key (KAK), over the
 * one-time challenge the service issued for one transaction.
 */

/* Clocks may differ by up to this much. */
#define SBX_SAD_CLOCK_SKEW_S 60

typedef enum
{
  SBX_SAD_OK,
  SBX_SAD_INVALID,             /* 45000: bad signature, claims or key */
  SBX_SAD_CHALLENGE_EXPIRED,   /* 45001: right in every way, but too late */
} SbxSadResult;

/* What a SAD must say, and the key it must be signed with. */
typedef struct
{
  GBytes     *kak_public_key;    /* SubjectPublicKeyInfo DER */
  const char *device_id;         /* iss */
  const char *credential_id;     /* sub */
  const char *txn;               /* a tranId, "activation" or "device" */
  const char *challenge;         /* the open challenge; NULL: there is none */
  gint64      expires_at_ms;     /* the challenge's, on the sandbox clock */
  /* The documents' hashes (Base64 SHA-256) in their order, NULL-terminated;
   * empty for "activation" and "device". The claim "hashes" must hold the
   * same 32-byte values in the same order. */
  const char * const *hashes;
} SbxSadExpected;

/*
 * Checks @sad against @expected at @now_ms (the sandbox clock). On
 * refusal @reason says why, in English, for the log: it names no secret.
 * Expiry is told only of a SAD that is right in every other way, so a
 * forgery never learns more than "invalid".
 */
SbxSadResult  sbx_sad_check            (const char            *sad,
                                        const SbxSadExpected  *expected,
                                        gint64                 now_ms,
                                        char                 **reason);

/* Whether @spki (SubjectPublicKeyInfo DER) is an RSA-2048 key with
 * e = 65537, as a KAK must be; @problem says what is wrong otherwise. */
gboolean      sbx_sad_check_kak        (GBytes                *spki,
                                        const char           **problem);

G_END_DECLS
