/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-hsm"

#include "config.h"

#include <gio/gio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "sbx-hsm.h"
#include "sbx-error.h"
#include "sbx-secret.h"
#include "sbx-stats.h"

#define WRAPPING_KEY_META "hsm_wrapping_key"
#define KEY_BYTES         32
#define NONCE_BYTES       12
#define TAG_BYTES         16
#define SIGNING_KEY_BITS  2048

/* The blob: version, nonce, then the AES-256-GCM ciphertext of the PKCS#8
 * DER with its tag. The credential id is the associated data. */
#define BLOB_VERSION      1
#define BLOB_HEADER       (1 + NONCE_BYTES)

struct _SbxHsm
{
  guint8 key[KEY_BYTES];
};

/* Short, for the many GnuTLS calls below. */
static gboolean
check (int          ret,
       const char  *what,
       GError     **error)
{
  return sbx_check_gnutls (ret, what, error);
}

SbxHsm *
sbx_hsm_new (SbxDb   *db,
             GError **error)
{
  g_autoptr(GBytes) stored = NULL;
  SbxHsm *hsm;

  g_return_val_if_fail (db != NULL, NULL);

  stored = sbx_db_get_meta (db, WRAPPING_KEY_META);
  if (stored == NULL)
    {
      stored = sbx_secret_random_bytes (KEY_BYTES);
      sbx_db_set_meta (db, WRAPPING_KEY_META, stored);
      g_message ("Made a new HSM wrapping key");
    }
  if (g_bytes_get_size (stored) != KEY_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The database's HSM wrapping key has %" G_GSIZE_FORMAT " bytes, not %d",
                   g_bytes_get_size (stored), KEY_BYTES);
      return NULL;
    }

  /* Non-pageable would be better still; a sandbox settles for wiping. */
  hsm = g_new0 (SbxHsm, 1);
  memcpy (hsm->key, g_bytes_get_data (stored, NULL), KEY_BYTES);
  return hsm;
}

void
sbx_hsm_free (SbxHsm *hsm)
{
  if (hsm == NULL)
    return;
  gnutls_memset (hsm->key, 0, sizeof hsm->key);
  g_free (hsm);
}

static gnutls_aead_cipher_hd_t
cipher_new (SbxHsm  *hsm,
            GError **error)
{
  gnutls_aead_cipher_hd_t cipher = NULL;
  gnutls_datum_t key = { hsm->key, KEY_BYTES };

  if (!check (gnutls_aead_cipher_init (&cipher, GNUTLS_CIPHER_AES_256_GCM, &key),
              "AES-256-GCM", error))
    return NULL;
  return cipher;
}

static GBytes *
wrap (SbxHsm        *hsm,
      const char    *aad,
      const guint8  *plain,
      gsize          plain_len,
      GError       **error)
{
  gnutls_aead_cipher_hd_t cipher;
  guint8 *blob;
  size_t out_len;
  gsize len = BLOB_HEADER + plain_len + TAG_BYTES;
  int ret;

  cipher = cipher_new (hsm, error);
  if (cipher == NULL)
    return NULL;

  blob = g_malloc (len);
  blob[0] = BLOB_VERSION;
  if (gnutls_rnd (GNUTLS_RND_NONCE, blob + 1, NONCE_BYTES) < 0)
    g_error ("The random number generator failed");
  out_len = len - BLOB_HEADER;
  ret = gnutls_aead_cipher_encrypt (cipher, blob + 1, NONCE_BYTES, aad, strlen (aad), TAG_BYTES,
                                    plain, plain_len, blob + BLOB_HEADER, &out_len);
  gnutls_aead_cipher_deinit (cipher);
  if (!check (ret, "Wrapping a secret", error))
    {
      g_free (blob);
      return NULL;
    }
  return g_bytes_new_take (blob, BLOB_HEADER + out_len);
}

/* The plaintext of @wrapped, NUL-terminated, in memory the caller wipes
 * (@plain_len bytes) and frees; NULL when it is not @aad's. */
static guint8 *
unwrap (SbxHsm      *hsm,
        const char  *aad,
        GBytes      *wrapped,
        gsize       *plain_len,
        GError     **error)
{
  gnutls_aead_cipher_hd_t cipher;
  const guint8 *blob;
  guint8 *plain;
  size_t out_len;
  gsize len;
  int ret;

  blob = g_bytes_get_data (wrapped, &len);
  if (len <= BLOB_HEADER + TAG_BYTES || blob[0] != BLOB_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a wrapped secret");
      return NULL;
    }

  cipher = cipher_new (hsm, error);
  if (cipher == NULL)
    return NULL;
  out_len = len - BLOB_HEADER;
  plain = g_malloc0 (out_len + 1);
  ret = gnutls_aead_cipher_decrypt (cipher, blob + 1, NONCE_BYTES, aad, strlen (aad), TAG_BYTES,
                                    blob + BLOB_HEADER, len - BLOB_HEADER, plain, &out_len);
  gnutls_aead_cipher_deinit (cipher);
  if (!check (ret, "Unwrapping a secret", error))
    {
      gnutls_memset (plain, 0, len - BLOB_HEADER);
      g_free (plain);
      return NULL;
    }
  plain[out_len] = '\0';
  *plain_len = out_len;
  return plain;
}

GBytes *
sbx_hsm_seal (SbxHsm     *hsm,
              const char *aad,
              const char *secret)
{
  g_autoptr(GError) error = NULL;
  GBytes *sealed;

  g_return_val_if_fail (hsm != NULL && aad != NULL && secret != NULL, NULL);

  sealed = wrap (hsm, aad, (const guint8 *) secret, strlen (secret), &error);
  if (sealed == NULL)
    g_warning ("Cannot seal a secret: %s", error->message);
  return sealed;
}

char *
sbx_hsm_unseal (SbxHsm     *hsm,
                const char *aad,
                GBytes     *sealed)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  guint8 *plain;

  g_return_val_if_fail (hsm != NULL && aad != NULL && sealed != NULL, NULL);

  plain = unwrap (hsm, aad, sealed, &len, &error);
  if (plain == NULL)
    {
      g_warning ("Cannot unseal a secret: %s", error->message);
      return NULL;
    }
  if (memchr (plain, '\0', len) != NULL)
    {
      g_warning ("A sealed secret is not text");
      gnutls_memset (plain, 0, len);
      g_free (plain);
      return NULL;
    }
  return (char *) plain;
}

GBytes *
sbx_hsm_generate (SbxHsm           *hsm,
                  const char       *credential_id,
                  gnutls_pubkey_t  *public_key,
                  GError          **error)
{
  gnutls_x509_privkey_t x509 = NULL;
  gnutls_privkey_t key = NULL;
  gnutls_pubkey_t pub = NULL;
  gnutls_datum_t der = { NULL, 0 };
  GBytes *wrapped = NULL;
  gint64 started;

  g_return_val_if_fail (hsm != NULL, NULL);
  g_return_val_if_fail (credential_id != NULL, NULL);
  g_return_val_if_fail (public_key != NULL, NULL);

  /* GnuTLS makes RSA keys with e = 65537. */
  started = sbx_stats_thread_cpu_us ();
  if (!check (gnutls_x509_privkey_init (&x509), "Key", error) ||
      !check (gnutls_x509_privkey_generate2 (x509, GNUTLS_PK_RSA, SIGNING_KEY_BITS, 0, NULL, 0),
              "Generating an RSA key", error))
    goto out;
  sbx_stats_add_since (SBX_STAT_KEY_GENERATION, started);
  if (!check (gnutls_x509_privkey_export2_pkcs8 (x509, GNUTLS_X509_FMT_DER, NULL,
                                                 GNUTLS_PKCS_PLAIN, &der),
              "Exporting the key", error))
    goto out;

  wrapped = wrap (hsm, credential_id, der.data, der.size, error);
  if (wrapped == NULL)
    goto out;

  if (!check (gnutls_privkey_init (&key), "Key", error) ||
      !check (gnutls_privkey_import_x509 (key, x509, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE),
              "Key", error))
    {
      g_clear_pointer (&wrapped, g_bytes_unref);
      goto out;
    }
  x509 = NULL;
  if (!check (gnutls_pubkey_init (&pub), "Public key", error) ||
      !check (gnutls_pubkey_import_privkey (pub, key, 0, 0), "Public key", error))
    {
      g_clear_pointer (&wrapped, g_bytes_unref);
      goto out;
    }
  *public_key = g_steal_pointer (&pub);

out:
  if (der.data != NULL)
    {
      gnutls_memset (der.data, 0, der.size);
      gnutls_free (der.data);
    }
  g_clear_pointer (&pub, gnutls_pubkey_deinit);
  g_clear_pointer (&key, gnutls_privkey_deinit);
  g_clear_pointer (&x509, gnutls_x509_privkey_deinit);
  return wrapped;
}

gnutls_privkey_t
sbx_hsm_open (SbxHsm      *hsm,
              const char  *credential_id,
              GBytes      *wrapped,
              GError     **error)
{
  gnutls_privkey_t key = NULL;
  gnutls_datum_t der;
  guint8 *plain;
  gsize plain_len = 0;
  int ret;

  g_return_val_if_fail (hsm != NULL, NULL);
  g_return_val_if_fail (credential_id != NULL, NULL);
  g_return_val_if_fail (wrapped != NULL, NULL);

  plain = unwrap (hsm, credential_id, wrapped, &plain_len, error);
  if (plain == NULL)
    {
      g_prefix_error (error, "Credential %s: ", credential_id);
      return NULL;
    }

  der.data = plain;
  der.size = (unsigned int) plain_len;
  if (check (gnutls_privkey_init (&key), "Key", error))
    {
      ret = gnutls_privkey_import_x509_raw (key, &der, GNUTLS_X509_FMT_DER, NULL,
                                            GNUTLS_PKCS_PLAIN);
      if (!check (ret, "Reading an unwrapped signing key", error))
        g_clear_pointer (&key, gnutls_privkey_deinit);
    }
  gnutls_memset (plain, 0, plain_len);
  g_free (plain);
  return key;
}

GBytes *
sbx_hsm_sign_digest (gnutls_privkey_t  key,
                     const guint8      digest[32],
                     GError          **error)
{
  gnutls_datum_t hash = { (unsigned char *) digest, 32 };
  gnutls_datum_t signature = { NULL, 0 };
  GBytes *bytes;
  gint64 started;

  g_return_val_if_fail (key != NULL, NULL);

  /* For RSA, GnuTLS wraps the digest in its DigestInfo. */
  started = sbx_stats_thread_cpu_us ();
  if (!check (gnutls_privkey_sign_hash (key, GNUTLS_DIG_SHA256, 0, &hash, &signature),
              "Signing a hash", error))
    return NULL;
  sbx_stats_add_since (SBX_STAT_DOCUMENT_SIGNATURE, started);
  bytes = g_bytes_new (signature.data, signature.size);
  gnutls_free (signature.data);
  return bytes;
}
