/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-key-wrap"

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "enr-crypto-error.h"
#include "enr-key-wrap.h"
#include "enr-secure.h"

#define MAGIC "ENRK"
#define KEY_PIN_GUARD 2
#define CIPHER_AES_256_GCM 1
#define SALT_LEN 16
#define NONCE_LEN 12
#define TAG_LEN 16
#define KEY_LEN ENR_KEY_WRAP_KEY_LENGTH
#define CHECKSUM_LEN 32
#define HEADER_LEN 24
/* A KAK's PKCS#8 is about 1.2 KiB; nothing we wrap is near this. */
#define MAX_SECRET_LEN 65536

typedef struct
{
  const guint8 *nonce;
  const guint8 *ciphertext;   /* followed by the tag */
  gsize         ciphertext_len;
} Blob;

static void
put_u32 (guint8 *out,
         guint32 value)
{
  out[0] = value >> 24;
  out[1] = value >> 16;
  out[2] = value >> 8;
  out[3] = value;
}

static guint32
get_u32 (const guint8 *in)
{
  return ((guint32) in[0] << 24) | ((guint32) in[1] << 16) | ((guint32) in[2] << 8) | in[3];
}

/* One PBKDF2 run of @iterations, in microseconds. */
static gint64
time_pbkdf2 (guint iterations)
{
  guint8 salt[SALT_LEN] = { 0 };
  guint8 key[KEY_LEN];
  gint64 started = g_get_monotonic_time ();
  gnutls_datum_t password = { (unsigned char *) "000000", 6 };
  gnutls_datum_t salt_datum = { salt, SALT_LEN };

  gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &password, &salt_datum, iterations, key, KEY_LEN);
  return MAX (g_get_monotonic_time () - started, 1);
}

static guint
round_up (guint64 iterations)
{
  iterations = (iterations + 999) / 1000 * 1000;
  return (guint) MIN (iterations, ENR_KEY_WRAP_MAX_ITERATIONS);
}

G_LOCK_DEFINE_STATIC (calibration);
static GHashTable *calibrated;   /* target_ms → iterations */

guint
enr_key_wrap_calibrate (guint target_ms)
{
  gint64 target_us = (gint64) target_ms * 1000;
  guint iterations = 4096;
  gint64 elapsed;
  guint cached;

  G_LOCK (calibration);
  cached = calibrated != NULL ?
           GPOINTER_TO_UINT (g_hash_table_lookup (calibrated, GUINT_TO_POINTER (target_ms))) : 0;
  G_UNLOCK (calibration);
  if (cached > 0)
    return cached;

  /* Grow a probe until it is long enough to time, scale it to the target
   * with a 10% margin (a machine is faster when nothing else runs), then
   * time one real derivation and scale again until it is slow enough. */
  elapsed = time_pbkdf2 (iterations);
  while (elapsed < 50000 && iterations < ENR_KEY_WRAP_MAX_ITERATIONS / 2)
    {
      iterations *= 2;
      elapsed = time_pbkdf2 (iterations);
    }
  iterations = round_up ((guint64) iterations * target_us * 11 / 10 / elapsed);
  for (;;)
    {
      elapsed = time_pbkdf2 (iterations);
      if (elapsed >= target_us || iterations >= ENR_KEY_WRAP_MAX_ITERATIONS)
        break;
      iterations = round_up ((guint64) iterations * target_us * 11 / 10 / elapsed + 1000);
    }
  /* A fast machine gets the floor: a stolen service database's verifiers
   * cost an attacker this much per guess whatever computer made them. */
  iterations = MAX (iterations, ENR_KEY_WRAP_MIN_ITERATIONS);
  g_debug ("PBKDF2 calibrated: %u iterations take %" G_GINT64_FORMAT " ms (goal %u ms)",
           iterations, elapsed / 1000, target_ms);

  G_LOCK (calibration);
  if (calibrated == NULL)
    calibrated = g_hash_table_new (NULL, NULL);
  g_hash_table_insert (calibrated, GUINT_TO_POINTER (target_ms), GUINT_TO_POINTER (iterations));
  G_UNLOCK (calibration);
  return iterations;
}

static void
calibrate_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_task_return_int (task, enr_key_wrap_calibrate (GPOINTER_TO_UINT (task_data)));
}

void
enr_key_wrap_calibrate_async (guint                target_ms,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_key_wrap_calibrate_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (target_ms), NULL);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, calibrate_thread);
}

guint
enr_key_wrap_calibrate_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);

  return (guint) g_task_propagate_int (G_TASK (result), error);
}

static gboolean
check_key (GBytes  *key,
           GError **error)
{
  if (g_bytes_get_size (key) != KEY_LEN)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "a wrapping key of %" G_GSIZE_FORMAT
                            " bytes", g_bytes_get_size (key));
      return FALSE;
    }
  return TRUE;
}

GBytes *
enr_key_wrap_seal (GBytes  *secret,
                   GBytes  *key,
                   GBytes  *aad,
                   GError **error)
{
  gnutls_datum_t key_datum = { NULL, KEY_LEN };
  gnutls_aead_cipher_hd_t cipher = NULL;
  const guint8 *plaintext;
  gsize plaintext_len;
  gsize ciphertext_len;
  gsize blob_len;
  guint8 *blob;
  int ret;

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (!check_key (key, error))
    return NULL;
  plaintext = g_bytes_get_data (secret, &plaintext_len);
  if (plaintext_len == 0 || plaintext_len > MAX_SECRET_LEN)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "secret of %" G_GSIZE_FORMAT " bytes",
                            plaintext_len);
      return NULL;
    }

  ciphertext_len = plaintext_len + TAG_LEN;
  blob_len = HEADER_LEN + ciphertext_len + CHECKSUM_LEN;
  blob = g_malloc0 (blob_len);
  memcpy (blob, MAGIC, 4);
  blob[4] = ENR_KEY_WRAP_VERSION;
  blob[5] = KEY_PIN_GUARD;
  blob[6] = CIPHER_AES_256_GCM;
  blob[7] = 0;
  if ((ret = gnutls_rnd (GNUTLS_RND_NONCE, blob + 8, NONCE_LEN)) < 0)
    {
      g_free (blob);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "random: %s", gnutls_strerror (ret));
      return NULL;
    }
  put_u32 (blob + 20, (guint32) ciphertext_len);

  key_datum.data = (unsigned char *) g_bytes_get_data (key, NULL);
  ret = gnutls_aead_cipher_init (&cipher, GNUTLS_CIPHER_AES_256_GCM, &key_datum);
  if (ret >= 0)
    {
      ret = gnutls_aead_cipher_encrypt (cipher, blob + 8, NONCE_LEN,
                                        aad != NULL ? g_bytes_get_data (aad, NULL) : NULL,
                                        aad != NULL ? g_bytes_get_size (aad) : 0, TAG_LEN,
                                        plaintext, plaintext_len,
                                        blob + HEADER_LEN, &ciphertext_len);
      gnutls_aead_cipher_deinit (cipher);
    }
  if (ret < 0 || ciphertext_len != plaintext_len + TAG_LEN)
    {
      enr_secure_free (blob, blob_len);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "AES-GCM: %s", gnutls_strerror (ret));
      return NULL;
    }

  ret = gnutls_hash_fast (GNUTLS_DIG_SHA256, blob, HEADER_LEN + ciphertext_len,
                          blob + HEADER_LEN + ciphertext_len);
  if (ret < 0)
    {
      g_free (blob);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "SHA-256: %s", gnutls_strerror (ret));
      return NULL;
    }
  return g_bytes_new_take (blob, blob_len);
}

static gboolean
parse_blob (GBytes  *bytes,
            Blob    *blob,
            GError **error)
{
  const guint8 *data;
  gsize len;
  guint8 checksum[CHECKSUM_LEN];
  gsize ciphertext_len;

  data = g_bytes_get_data (bytes, &len);
  if (len < 5 || memcmp (data, MAGIC, 4) != 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CORRUPT_HANDLE,
                            "not a wrapped key (%" G_GSIZE_FORMAT " bytes)", len);
      return FALSE;
    }
  if (data[4] != ENR_KEY_WRAP_VERSION)
    {
      /* Version 0 was never written, and version 1 (a key from the PIN
       * alone) is not opened any more: only the future is "newer". */
      enr_crypto_error_set (error, data[4] > ENR_KEY_WRAP_VERSION ?
                                   ENR_CRYPTO_ERROR_UNSUPPORTED_VERSION :
                                   ENR_CRYPTO_ERROR_CORRUPT_HANDLE,
                            "wrapped key version %u", data[4]);
      return FALSE;
    }
  if (len < HEADER_LEN + TAG_LEN + CHECKSUM_LEN)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CORRUPT_HANDLE,
                            "wrapped key cut short at %" G_GSIZE_FORMAT " bytes", len);
      return FALSE;
    }
  ciphertext_len = get_u32 (data + 20);
  if (ciphertext_len < TAG_LEN + 1 || ciphertext_len > MAX_SECRET_LEN + TAG_LEN ||
      len != HEADER_LEN + ciphertext_len + CHECKSUM_LEN)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CORRUPT_HANDLE,
                            "wrapped key length %" G_GSIZE_FORMAT " for %" G_GSIZE_FORMAT " bytes",
                            ciphertext_len, len);
      return FALSE;
    }
  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, data, HEADER_LEN + ciphertext_len, checksum) < 0 ||
      memcmp (checksum, data + HEADER_LEN + ciphertext_len, CHECKSUM_LEN) != 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CORRUPT_HANDLE, "wrapped key checksum");
      return FALSE;
    }
  if (data[5] != KEY_PIN_GUARD || data[6] != CIPHER_AES_256_GCM || data[7] != 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CORRUPT_HANDLE,
                            "wrapped key parameters %u/%u/%u", data[5], data[6], data[7]);
      return FALSE;
    }
  blob->nonce = data + 8;
  blob->ciphertext = data + HEADER_LEN;
  blob->ciphertext_len = ciphertext_len;
  return TRUE;
}

gboolean
enr_key_wrap_inspect (GBytes         *blob,
                      EnrKeyWrapInfo *info,
                      GError        **error)
{
  Blob parsed;

  g_return_val_if_fail (blob != NULL, FALSE);

  if (!parse_blob (blob, &parsed, error))
    return FALSE;
  if (info != NULL)
    {
      info->version = ENR_KEY_WRAP_VERSION;
      info->secret_length = parsed.ciphertext_len - TAG_LEN;
    }
  return TRUE;
}

GBytes *
enr_key_wrap_open (GBytes  *blob,
                   GBytes  *key,
                   GBytes  *aad,
                   GError **error)
{
  gnutls_datum_t key_datum = { NULL, KEY_LEN };
  gnutls_aead_cipher_hd_t cipher = NULL;
  Blob parsed;
  guint8 *plaintext;
  gsize plaintext_len;
  int ret;

  g_return_val_if_fail (blob != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (!check_key (key, error) || !parse_blob (blob, &parsed, error))
    return NULL;

  plaintext_len = parsed.ciphertext_len;
  plaintext = g_malloc (plaintext_len);
  key_datum.data = (unsigned char *) g_bytes_get_data (key, NULL);
  ret = gnutls_aead_cipher_init (&cipher, GNUTLS_CIPHER_AES_256_GCM, &key_datum);
  if (ret >= 0)
    {
      ret = gnutls_aead_cipher_decrypt (cipher, parsed.nonce, NONCE_LEN,
                                        aad != NULL ? g_bytes_get_data (aad, NULL) : NULL,
                                        aad != NULL ? g_bytes_get_size (aad) : 0, TAG_LEN,
                                        parsed.ciphertext, parsed.ciphertext_len,
                                        plaintext, &plaintext_len);
      gnutls_aead_cipher_deinit (cipher);
    }
  if (ret == GNUTLS_E_DECRYPTION_FAILED)
    {
      /* The checksum matched, so the blob is whole: the key (or the
       * additional data it was sealed with) is another. */
      enr_secure_free (plaintext, parsed.ciphertext_len);
      g_set_error_literal (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_WRONG_PIN,
                           enr_crypto_error_message (ENR_CRYPTO_ERROR_WRONG_PIN));
      return NULL;
    }
  if (ret < 0)
    {
      enr_secure_free (plaintext, parsed.ciphertext_len);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "AES-GCM: %s", gnutls_strerror (ret));
      return NULL;
    }
  return enr_secure_bytes_new_take (plaintext, plaintext_len);
}
