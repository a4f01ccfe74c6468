/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pin-guard"

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "enr-crypto-error.h"
#include "enr-key-wrap.h"
#include "enr-pin-guard.h"
#include "enr-secure.h"

#define VERIFIER_LABEL "SmartCA PIN verifier v1"
#define PIN_KEY_LABEL  "SmartCA PIN key v1"
#define WRAP_LABEL     "SmartCA KAK wrap v1"
#define LEN            ENR_PIN_GUARD_SECRET_LENGTH

struct _EnrPinGuardKeys
{
  GBytes *salt;
  guint   iterations;
  GBytes *verifier;
  GBytes *pin_key;
};

GBytes *
enr_pin_guard_new_salt (void)
{
  guint8 salt[ENR_PIN_GUARD_SALT_LENGTH];

  if (gnutls_rnd (GNUTLS_RND_RANDOM, salt, sizeof salt) < 0)
    g_error ("no random bytes for a salt");
  return g_bytes_new (salt, sizeof salt);
}

/* HMAC-SHA256 (@key, @message) into new bytes that wipe themselves. */
static GBytes *
hmac (const guint8 *key,
      gsize         key_len,
      const void   *message,
      gsize         message_len)
{
  guint8 *out = g_malloc (LEN);

  if (gnutls_hmac_fast (GNUTLS_MAC_SHA256, key, key_len, message, message_len, out) < 0)
    g_error ("HMAC-SHA256 failed");
  return enr_secure_bytes_new_take (out, LEN);
}

EnrPinGuardKeys *
enr_pin_guard_derive (const char  *pin,
                      GBytes      *salt,
                      guint        iterations,
                      GError     **error)
{
  g_autoptr(EnrPinGuardKeys) keys = NULL;
  gnutls_datum_t password = { (unsigned char *) pin, 0 };
  gnutls_datum_t salt_datum = { NULL, 0 };
  guint8 stretched[LEN];
  int ret;

  g_return_val_if_fail (pin != NULL, NULL);
  g_return_val_if_fail (salt != NULL, NULL);

  if (g_bytes_get_size (salt) != ENR_PIN_GUARD_SALT_LENGTH || iterations == 0 ||
      iterations > ENR_KEY_WRAP_MAX_ITERATIONS)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CORRUPT_HANDLE,
                            "PIN guard salt of %" G_GSIZE_FORMAT " bytes, %u iterations",
                            g_bytes_get_size (salt), iterations);
      return NULL;
    }

  password.size = (unsigned int) strlen (pin);
  salt_datum.data = (unsigned char *) g_bytes_get_data (salt, NULL);
  salt_datum.size = ENR_PIN_GUARD_SALT_LENGTH;
  ret = gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &password, &salt_datum, iterations, stretched, LEN);
  if (ret < 0)
    {
      enr_secure_wipe (stretched, sizeof stretched);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "PBKDF2: %s", gnutls_strerror (ret));
      return NULL;
    }

  keys = g_new0 (EnrPinGuardKeys, 1);
  keys->salt = g_bytes_ref (salt);
  keys->iterations = iterations;
  keys->verifier = hmac (stretched, LEN, VERIFIER_LABEL, strlen (VERIFIER_LABEL));
  keys->pin_key = hmac (stretched, LEN, PIN_KEY_LABEL, strlen (PIN_KEY_LABEL));
  /* stretched has served: only what is derived from it goes on. */
  enr_secure_wipe (stretched, sizeof stretched);
  return g_steal_pointer (&keys);
}

typedef struct
{
  EnrSecureString *pin;
  GBytes          *salt;
  guint            iterations;
} Derive;

static void
derive_free (Derive *derive)
{
  enr_secure_string_free (derive->pin);
  g_bytes_unref (derive->salt);
  g_free (derive);
}

static void
derive_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Derive *derive = task_data;
  GError *error = NULL;
  EnrPinGuardKeys *keys;

  if (derive->iterations == 0)
    derive->iterations = enr_key_wrap_calibrate (ENR_KEY_WRAP_TARGET_MS);
  keys = enr_pin_guard_derive (derive->pin, derive->salt, derive->iterations, &error);
  /* The PIN leaves memory as soon as its keys are made. */
  g_clear_pointer (&derive->pin, enr_secure_string_free);
  if (keys == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, keys, (GDestroyNotify) enr_pin_guard_keys_free);
}

void
enr_pin_guard_derive_async (const char          *pin,
                            GBytes              *salt,
                            guint                iterations,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Derive *derive;

  g_return_if_fail (pin != NULL && salt != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_pin_guard_derive_async);
  derive = g_new0 (Derive, 1);
  derive->pin = enr_secure_strdup (pin);
  derive->salt = g_bytes_ref (salt);
  derive->iterations = iterations;
  g_task_set_task_data (task, derive, (GDestroyNotify) derive_free);
  g_task_run_in_thread (task, derive_thread);
}

EnrPinGuardKeys *
enr_pin_guard_derive_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GBytes *
enr_pin_guard_keys_get_salt (EnrPinGuardKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);
  return g_bytes_ref (keys->salt);
}

guint
enr_pin_guard_keys_get_iterations (EnrPinGuardKeys *keys)
{
  g_return_val_if_fail (keys != NULL, 0);
  return keys->iterations;
}

GBytes *
enr_pin_guard_keys_get_verifier (EnrPinGuardKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);
  return g_bytes_ref (keys->verifier);
}

GBytes *
enr_pin_guard_keys_get_pin_key (EnrPinGuardKeys *keys)
{
  g_return_val_if_fail (keys != NULL, NULL);
  return g_bytes_ref (keys->pin_key);
}

void
enr_pin_guard_keys_free (EnrPinGuardKeys *keys)
{
  if (keys == NULL)
    return;
  g_clear_pointer (&keys->salt, g_bytes_unref);
  g_clear_pointer (&keys->verifier, g_bytes_unref);
  g_clear_pointer (&keys->pin_key, g_bytes_unref);
  g_free (keys);
}

GBytes *
enr_pin_guard_wrap_key (GBytes *pin_share,
                        GBytes *pin_key)
{
  guint8 message[sizeof WRAP_LABEL - 1 + LEN];
  GBytes *key;

  g_return_val_if_fail (pin_share != NULL && pin_key != NULL, NULL);

  if (g_bytes_get_size (pin_share) != LEN || g_bytes_get_size (pin_key) != LEN)
    return NULL;
  memcpy (message, WRAP_LABEL, sizeof WRAP_LABEL - 1);
  memcpy (message + sizeof WRAP_LABEL - 1, g_bytes_get_data (pin_key, NULL), LEN);
  key = hmac (g_bytes_get_data (pin_share, NULL), LEN, message, sizeof message);
  enr_secure_wipe (message, sizeof message);
  return key;
}

/* credentialId NUL deviceId: one credential's wrapping cannot pass for
 * another's, nor one device's for another's. */
static GBytes *
additional_data (const char *credential_id,
                 const char *device_id)
{
  gsize credential_len = strlen (credential_id);
  gsize device_len = strlen (device_id);
  guint8 *data = g_malloc (credential_len + 1 + device_len);

  memcpy (data, credential_id, credential_len);
  data[credential_len] = '\0';
  memcpy (data + credential_len + 1, device_id, device_len);
  return g_bytes_new_take (data, credential_len + 1 + device_len);
}

static GBytes *
wrap_key_checked (GBytes  *pin_share,
                  GBytes  *pin_key,
                  GError **error)
{
  GBytes *key = enr_pin_guard_wrap_key (pin_share, pin_key);

  if (key == NULL)
    enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED,
                          "a PIN share of %" G_GSIZE_FORMAT " bytes, a PIN key of %" G_GSIZE_FORMAT,
                          g_bytes_get_size (pin_share), g_bytes_get_size (pin_key));
  return key;
}

GBytes *
enr_pin_guard_seal (GBytes      *secret,
                    GBytes      *pin_key,
                    GBytes      *pin_share,
                    const char  *credential_id,
                    const char  *device_id,
                    GError     **error)
{
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) aad = NULL;

  g_return_val_if_fail (secret != NULL && pin_key != NULL && pin_share != NULL, NULL);
  g_return_val_if_fail (credential_id != NULL && device_id != NULL, NULL);

  key = wrap_key_checked (pin_share, pin_key, error);
  if (key == NULL)
    return NULL;
  aad = additional_data (credential_id, device_id);
  return enr_key_wrap_seal (secret, key, aad, error);
}

GBytes *
enr_pin_guard_open (GBytes      *wrapping,
                    GBytes      *pin_key,
                    GBytes      *pin_share,
                    const char  *credential_id,
                    const char  *device_id,
                    GError     **error)
{
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GBytes) aad = NULL;

  g_return_val_if_fail (wrapping != NULL && pin_key != NULL && pin_share != NULL, NULL);
  g_return_val_if_fail (credential_id != NULL && device_id != NULL, NULL);

  key = wrap_key_checked (pin_share, pin_key, error);
  if (key == NULL)
    return NULL;
  aad = additional_data (credential_id, device_id);
  return enr_key_wrap_open (wrapping, key, aad, error);
}
