/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-kak"

#include "config.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "enr-crypto-error.h"
#include "enr-kak.h"
#include "enr-secure.h"

struct _EnrKak
{
  GObject                parent_instance;

  GMutex                 lock;
  gnutls_x509_privkey_t  x509_key;
  gnutls_privkey_t       key;
  GBytes                *public_key;
};

G_DEFINE_FINAL_TYPE (EnrKak, enr_kak, G_TYPE_OBJECT)

static void
drop_key (EnrKak *self)
{
  /* GnuTLS zeroes the key's numbers when it releases them. */
  g_clear_pointer (&self->key, gnutls_privkey_deinit);
  g_clear_pointer (&self->x509_key, gnutls_x509_privkey_deinit);
}

static void
enr_kak_finalize (GObject *object)
{
  EnrKak *self = ENR_KAK (object);

  drop_key (self);
  g_clear_pointer (&self->public_key, g_bytes_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (enr_kak_parent_class)->finalize (object);
}

static void
enr_kak_class_init (EnrKakClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = enr_kak_finalize;
}

static void
enr_kak_init (EnrKak *self)
{
  g_mutex_init (&self->lock);
}

/* Only what SmartCA accepts: RSA, 2048 bits, e = 65537. */
static gboolean
check_key_shape (gnutls_x509_privkey_t   key,
                 GError                **error)
{
  gnutls_datum_t e = { NULL, 0 };
  unsigned int bits = 0;
  int algorithm;
  int ret;
  gboolean ok;

  algorithm = gnutls_x509_privkey_get_pk_algorithm2 (key, &bits);
  if (algorithm != GNUTLS_PK_RSA || bits != ENR_KAK_BITS)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_BAD_KEY,
                            "key algorithm %d with %u bits", algorithm, bits);
      return FALSE;
    }
  ret = gnutls_x509_privkey_export_rsa_raw2 (key, NULL, &e, NULL, NULL, NULL, NULL, NULL, NULL);
  if (ret < 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_BAD_KEY, "reading e: %s",
                            gnutls_strerror (ret));
      return FALSE;
    }
  ok = e.size == 3 && e.data[0] == 0x01 && e.data[1] == 0x00 && e.data[2] == 0x01;
  gnutls_free (e.data);
  if (!ok)
    enr_crypto_error_set (error, ENR_CRYPTO_ERROR_BAD_KEY, "public exponent is not 65537");
  return ok;
}

/* Takes @x509_key. */
static EnrKak *
kak_new_take (gnutls_x509_privkey_t   x509_key,
              GError                **error)
{
  g_autoptr(EnrKak) self = g_object_new (ENR_TYPE_KAK, NULL);
  gnutls_pubkey_t pubkey = NULL;
  gnutls_datum_t spki = { NULL, 0 };
  int ret;

  self->x509_key = x509_key;
  if (!check_key_shape (x509_key, error))
    return NULL;

  if ((ret = gnutls_privkey_init (&self->key)) < 0 ||
      (ret = gnutls_privkey_import_x509 (self->key, self->x509_key, 0)) < 0 ||
      (ret = gnutls_pubkey_init (&pubkey)) < 0 ||
      (ret = gnutls_pubkey_import_privkey (pubkey, self->key, 0, 0)) < 0 ||
      (ret = gnutls_pubkey_export2 (pubkey, GNUTLS_X509_FMT_DER, &spki)) < 0)
    {
      if (pubkey != NULL)
        gnutls_pubkey_deinit (pubkey);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "loading the key: %s",
                            gnutls_strerror (ret));
      return NULL;
    }
  gnutls_pubkey_deinit (pubkey);
  self->public_key = g_bytes_new (spki.data, spki.size);
  gnutls_free (spki.data);
  return g_steal_pointer (&self);
}

EnrKak *
enr_kak_generate (GError **error)
{
  gnutls_x509_privkey_t key = NULL;
  gint64 started = g_get_monotonic_time ();
  int ret;

  if ((ret = gnutls_x509_privkey_init (&key)) < 0 ||
      (ret = gnutls_x509_privkey_generate2 (key, GNUTLS_PK_RSA, ENR_KAK_BITS, 0, NULL, 0)) < 0)
    {
      if (key != NULL)
        gnutls_x509_privkey_deinit (key);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "RSA key generation: %s",
                            gnutls_strerror (ret));
      return NULL;
    }
  g_debug ("KAK generated in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - started) / 1000);
  return kak_new_take (key, error);
}

static void
generate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GError *error = NULL;
  EnrKak *kak;

  if (g_task_return_error_if_cancelled (task))
    return;
  kak = enr_kak_generate (&error);
  if (kak == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, kak, g_object_unref);
}

void
enr_kak_generate_async (GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_kak_generate_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, generate_thread);
}

EnrKak *
enr_kak_generate_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enr_kak_generate_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

EnrKak *
enr_kak_new_from_pkcs8 (const guint8  *der,
                        gsize          der_len,
                        GError       **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t datum = { (unsigned char *) der, (unsigned int) der_len };
  int ret;

  g_return_val_if_fail (der != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (der_len == 0 || der_len > G_MAXUINT)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CORRUPT_HANDLE, "empty PKCS#8");
      return NULL;
    }
  if ((ret = gnutls_x509_privkey_init (&key)) < 0 ||
      (ret = gnutls_x509_privkey_import_pkcs8 (key, &datum, GNUTLS_X509_FMT_DER, NULL,
                                               GNUTLS_PKCS_PLAIN)) < 0)
    {
      if (key != NULL)
        gnutls_x509_privkey_deinit (key);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CORRUPT_HANDLE, "PKCS#8 import: %s",
                            gnutls_strerror (ret));
      return NULL;
    }
  return kak_new_take (key, error);
}

GBytes *
enr_kak_export_pkcs8 (EnrKak  *self,
                      GError **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  gnutls_datum_t der = { NULL, 0 };
  GBytes *bytes;
  int ret;

  g_return_val_if_fail (ENR_IS_KAK (self), NULL);

  locker = g_mutex_locker_new (&self->lock);
  if (self->x509_key == NULL)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_KEY_WIPED, "export after wipe");
      return NULL;
    }
  ret = gnutls_x509_privkey_export2_pkcs8 (self->x509_key, GNUTLS_X509_FMT_DER, NULL,
                                           GNUTLS_PKCS_PLAIN, &der);
  if (ret < 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "PKCS#8 export: %s",
                            gnutls_strerror (ret));
      return NULL;
    }
  bytes = enr_secure_bytes_new (der.data, der.size);
  gnutls_memset (der.data, 0, der.size);
  gnutls_free (der.data);
  return bytes;
}

GBytes *
enr_kak_get_public_key (EnrKak *self)
{
  g_return_val_if_fail (ENR_IS_KAK (self), NULL);

  return g_bytes_ref (self->public_key);
}

GBytes *
enr_kak_sign (EnrKak        *self,
              const guint8  *data,
              gsize          data_len,
              GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  gnutls_datum_t input = { (unsigned char *) data, (unsigned int) data_len };
  gnutls_datum_t signature = { NULL, 0 };
  GBytes *bytes;
  int ret;

  g_return_val_if_fail (ENR_IS_KAK (self), NULL);
  g_return_val_if_fail (data != NULL || data_len == 0, NULL);
  g_return_val_if_fail (data_len <= G_MAXUINT, NULL);

  locker = g_mutex_locker_new (&self->lock);
  if (self->key == NULL)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_KEY_WIPED, "sign after wipe");
      return NULL;
    }
  ret = gnutls_privkey_sign_data (self->key, GNUTLS_DIG_SHA256, 0, &input, &signature);
  if (ret < 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "RSA signature: %s",
                            gnutls_strerror (ret));
      return NULL;
    }
  bytes = g_bytes_new (signature.data, signature.size);
  gnutls_free (signature.data);
  return bytes;
}

void
enr_kak_wipe (EnrKak *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (ENR_IS_KAK (self));

  locker = g_mutex_locker_new (&self->lock);
  drop_key (self);
}

gboolean
enr_kak_is_wiped (EnrKak *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (ENR_IS_KAK (self), TRUE);

  locker = g_mutex_locker_new (&self->lock);
  return self->key == NULL;
}
