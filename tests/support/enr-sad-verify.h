/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The client's own check of a SAD it made (src/crypto/enr-sad.h), for the
 * tests and the fuzzers only: the program never verifies a SAD, the
 * service does (the sandbox's is src/sandbox/sbx-sad.c).
 *
 * Checks that @sad is a compact JWS with exactly ENR_SAD_JWS_HEADER and a
 * valid RS256 signature by the key @public_key (SubjectPublicKeyInfo DER);
 * returns the claims as JSON text, which it does not judge. Errors are
 * ENR_CRYPTO_ERROR: SAD_INVALID, or BAD_KEY for a key it cannot read.
 */
char *enr_sad_verify (const char  *sad,
                      GBytes      *public_key,
                      GError     **error);

G_END_DECLS
