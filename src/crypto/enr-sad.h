/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-kak.h"

G_BEGIN_DECLS

/* A SAD lives at most this long (PROTOCOL.md: 0 < exp - iat <= 300). */
#define ENR_SAD_MAX_LIFETIME_S 300
/* The JOSE header of every SAD, exactly as it is signed. */
#define ENR_SAD_JWS_HEADER "{\"alg\":\"RS256\",\"typ\":\"JWT\"}"

/* What a SAD (PROTOCOL.md, "SAD") says. */
typedef struct
{
  const char *device_id;       /* iss */
  const char *credential_id;   /* sub */
  const char *txn;             /* a tranId, "activation" or "device" */
  const char *challenge;       /* the service's challenge, as it sent it */
  /* The Base64 SHA-256 of every document the citizen was shown, in the
   * order the transaction lists them; NULL-terminated, NULL for none
   * ("activation", "device"): PROTOCOL.md rev 2's "hashes". */
  const char * const *hashes;
  gint64      issued_at;       /* iat, seconds since 1970; 0: now */
  guint       lifetime_s;      /* exp - iat; 0: ENR_SAD_MAX_LIFETIME_S */
} EnrSadClaims;

/* The compact JWS, RS256, signed with @kak. */
char     *enr_sad_create (EnrKak              *kak,
                          const EnrSadClaims  *claims,
                          GError             **error);

G_END_DECLS
