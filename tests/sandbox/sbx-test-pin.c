/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-test-client"

#include "config.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "sbx-test-pin.h"

#define VERIFIER_LABEL "SmartCA PIN verifier v1"
#define KEY_LABEL      "SmartCA PIN key v1"
#define WRAP_LABEL     "SmartCA KAK wrap v1"

void
sbx_test_pin_derive (const char   *pin,
                     const guint8  salt[SBX_TEST_PIN_SALT_SIZE],
                     guint         iterations,
                     guint8        verifier[32],
                     guint8        pin_key[32])
{
  gnutls_datum_t key = { (unsigned char *) pin, strlen (pin) };
  gnutls_datum_t salt_datum = { (unsigned char *) salt, SBX_TEST_PIN_SALT_SIZE };
  guint8 stretched[32];

  g_assert_cmpint (gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &key, &salt_datum, iterations, stretched,
                                  sizeof stretched), ==, 0);
  g_assert_cmpint (gnutls_hmac_fast (GNUTLS_MAC_SHA256, stretched, sizeof stretched,
                                     VERIFIER_LABEL, strlen (VERIFIER_LABEL), verifier), ==, 0);
  g_assert_cmpint (gnutls_hmac_fast (GNUTLS_MAC_SHA256, stretched, sizeof stretched,
                                     KEY_LABEL, strlen (KEY_LABEL), pin_key), ==, 0);
  gnutls_memset (stretched, 0, sizeof stretched);
}

void
sbx_test_pin_wrapping_key (const guint8 share[32],
                           const guint8 pin_key[32],
                           guint8       wrapping_key[32])
{
  guint8 message[sizeof WRAP_LABEL - 1 + 32];

  memcpy (message, WRAP_LABEL, sizeof WRAP_LABEL - 1);
  memcpy (message + sizeof WRAP_LABEL - 1, pin_key, 32);
  g_assert_cmpint (gnutls_hmac_fast (GNUTLS_MAC_SHA256, share, 32, message, sizeof message,
                                     wrapping_key), ==, 0);
  gnutls_memset (message, 0, sizeof message);
}
