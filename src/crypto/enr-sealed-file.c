/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-sealed-file"

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "enr-crypto-error.h"
#include "enr-sealed-file.h"
#include "enr-secure.h"

#define MAGIC "ENRF"
#define VERSION 1
#define HEADER_LEN 8
#define NONCE_LEN 12
#define TAG_LEN 16

GBytes *
enr_sealed_file_new_key (void)
{
  guint8 *key = g_malloc (ENR_SEALED_FILE_KEY_LENGTH);

  if (gnutls_rnd (GNUTLS_RND_KEY, key, ENR_SEALED_FILE_KEY_LENGTH) < 0)
    g_error ("no random bytes for a key");
  return enr_secure_bytes_new_take (key, ENR_SEALED_FILE_KEY_LENGTH);
}

gboolean
enr_sealed_file_is_sealed (GBytes *contents)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (contents, &len);

  return len >= HEADER_LEN + NONCE_LEN + TAG_LEN && memcmp (data, MAGIC, 4) == 0;
}

static gboolean
init_cipher (gnutls_aead_cipher_hd_t *cipher,
             GBytes                  *key,
             GError                 **error)
{
  gnutls_datum_t datum = { (unsigned char *) g_bytes_get_data (key, NULL), 0 };
  int ret;

  if (g_bytes_get_size (key) != ENR_SEALED_FILE_KEY_LENGTH)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "a file key of %" G_GSIZE_FORMAT
                            " bytes", g_bytes_get_size (key));
      return FALSE;
    }
  datum.size = ENR_SEALED_FILE_KEY_LENGTH;
  ret = gnutls_aead_cipher_init (cipher, GNUTLS_CIPHER_AES_256_GCM, &datum);
  if (ret < 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "AES-GCM: %s", gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

GBytes *
enr_sealed_file_seal (GBytes      *plain,
                      GBytes      *key,
                      const char  *aad,
                      GError     **error)
{
  gnutls_aead_cipher_hd_t cipher = NULL;
  gsize plain_len;
  const guint8 *plain_data = g_bytes_get_data (plain, &plain_len);
  gsize out_len = HEADER_LEN + NONCE_LEN + plain_len + TAG_LEN;
  gsize sealed_len = plain_len + TAG_LEN;
  guint8 *out;
  int ret;

  g_return_val_if_fail (plain != NULL && key != NULL && aad != NULL, NULL);

  if (!init_cipher (&cipher, key, error))
    return NULL;
  out = g_malloc0 (out_len);
  memcpy (out, MAGIC, 4);
  out[4] = VERSION;
  ret = gnutls_rnd (GNUTLS_RND_NONCE, out + HEADER_LEN, NONCE_LEN);
  if (ret >= 0)
    ret = gnutls_aead_cipher_encrypt (cipher, out + HEADER_LEN, NONCE_LEN, aad, strlen (aad),
                                      TAG_LEN, plain_data, plain_len,
                                      out + HEADER_LEN + NONCE_LEN, &sealed_len);
  gnutls_aead_cipher_deinit (cipher);
  if (ret < 0)
    {
      g_free (out);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "AES-GCM: %s", gnutls_strerror (ret));
      return NULL;
    }
  return g_bytes_new_take (out, out_len);
}

GBytes *
enr_sealed_file_open (GBytes      *sealed,
                      GBytes      *key,
                      const char  *aad,
                      GError     **error)
{
  gnutls_aead_cipher_hd_t cipher = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (sealed, &len);
  gsize plain_len;
  guint8 *plain;
  int ret;

  g_return_val_if_fail (sealed != NULL && key != NULL && aad != NULL, NULL);

  if (!enr_sealed_file_is_sealed (sealed) || data[4] != VERSION)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CORRUPT_HANDLE, "not a sealed file");
      return NULL;
    }
  if (!init_cipher (&cipher, key, error))
    return NULL;
  plain_len = len - HEADER_LEN - NONCE_LEN;
  plain = g_malloc (plain_len);
  ret = gnutls_aead_cipher_decrypt (cipher, data + HEADER_LEN, NONCE_LEN, aad, strlen (aad),
                                    TAG_LEN, data + HEADER_LEN + NONCE_LEN, plain_len,
                                    plain, &plain_len);
  gnutls_aead_cipher_deinit (cipher);
  if (ret < 0)
    {
      enr_secure_free (plain, len - HEADER_LEN - NONCE_LEN);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CORRUPT_HANDLE, "sealed file: %s",
                            gnutls_strerror (ret));
      return NULL;
    }
  return enr_secure_bytes_new_take (plain, plain_len);
}
