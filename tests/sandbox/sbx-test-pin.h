/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The client's side of the PIN guard (PROTOCOL.md rev 2, "PIN guard"), as
 * the test client and the benchmark need it: the service sees only the
 * verifier; the share it hands back and pinKey make the KAK's wrapping key.
 * Tests use a low PBKDF2 count (the count travels with the key handle).
 */

#define SBX_TEST_PIN_ITERATIONS 1000
#define SBX_TEST_PIN_SALT_SIZE  16

/* stretched = PBKDF2-HMAC-SHA256 (@pin, @salt, @iterations), 32 bytes;
 * verifier = HMAC-SHA256 (stretched, "SmartCA PIN verifier v1");
 * pin_key = HMAC-SHA256 (stretched, "SmartCA PIN key v1"). */
void  sbx_test_pin_derive       (const char   *pin,
                                 const guint8  salt[SBX_TEST_PIN_SALT_SIZE],
                                 guint         iterations,
                                 guint8        verifier[32],
                                 guint8        pin_key[32]);

/* HMAC-SHA256 (@share, "SmartCA KAK wrap v1" || @pin_key). */
void  sbx_test_pin_wrapping_key (const guint8  share[32],
                                 const guint8  pin_key[32],
                                 guint8        wrapping_key[32]);

G_END_DECLS
