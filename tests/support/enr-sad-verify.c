/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-sad-verify"

#include "config.h"

#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include "enr-crypto-error.h"
#include "enr-jws.h"
#include "enr-sad-verify.h"
#include "enr-sad.h"

char *
enr_sad_verify (const char  *sad,
                GBytes      *public_key,
                GError     **error)
{
  g_autoptr(EnrJwsParts) parts = NULL;
  gnutls_pubkey_t pubkey = NULL;
  gnutls_datum_t spki;
  gnutls_datum_t data;
  gnutls_datum_t signature;
  const char *header;
  gsize header_len;
  gsize spki_len;
  int ret;

  g_return_val_if_fail (sad != NULL, NULL);
  g_return_val_if_fail (public_key != NULL, NULL);

  parts = enr_jws_split (sad, -1);
  if (parts == NULL)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_SAD_INVALID, "not a compact JWS");
      return NULL;
    }
  header = g_bytes_get_data (parts->header, &header_len);
  /* We only ever make this exact header; anything else (another alg above
   * all) is refused rather than interpreted. */
  if (header_len != strlen (ENR_SAD_JWS_HEADER) ||
      memcmp (header, ENR_SAD_JWS_HEADER, header_len) != 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_SAD_INVALID, "unexpected JWS header");
      return NULL;
    }

  spki.data = (unsigned char *) g_bytes_get_data (public_key, &spki_len);
  spki.size = spki_len;
  data.data = (unsigned char *) parts->signing_input;
  data.size = strlen (parts->signing_input);
  signature.data = (unsigned char *) g_bytes_get_data (parts->signature, NULL);
  signature.size = g_bytes_get_size (parts->signature);

  if ((ret = gnutls_pubkey_init (&pubkey)) < 0 ||
      (ret = gnutls_pubkey_import (pubkey, &spki, GNUTLS_X509_FMT_DER)) < 0)
    {
      if (pubkey != NULL)
        gnutls_pubkey_deinit (pubkey);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_BAD_KEY, "public key: %s",
                            gnutls_strerror (ret));
      return NULL;
    }
  ret = gnutls_pubkey_verify_data2 (pubkey, GNUTLS_SIGN_RSA_SHA256, 0, &data, &signature);
  gnutls_pubkey_deinit (pubkey);
  if (ret < 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_SAD_INVALID, "RS256 signature: %s",
                            gnutls_strerror (ret));
      return NULL;
    }
  /* Well signed but empty: no claims to return, and g_strndup() of an
   * empty part's data would be NULL without an error (found by
   * tests/fuzz/fuzz-sad.c). */
  if (g_bytes_get_size (parts->payload) == 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_SAD_INVALID, "no claims");
      return NULL;
    }
  return g_strndup (g_bytes_get_data (parts->payload, NULL), g_bytes_get_size (parts->payload));
}
