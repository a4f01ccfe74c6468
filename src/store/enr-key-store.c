/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-key-store"

#include "config.h"

#include <string.h>

#include <libsecret/secret.h>

#include "enr-crypto-error.h"
#include "enr-key-handle-private.h"
#include "enr-key-store.h"
#include "enr-key-wrap.h"
#include "enr-keyring.h"
#include "enr-pin-policy.h"
#include "enr-secure.h"
#include "enr-store-error.h"

struct _EnrKeyStore
{
  GObject              parent_instance;

  EnrKeyStoreMode      mode;
  GMutex               lock;
  GHashTable          *memory;       /* ephemeral: "citizen\nservice" → SecretValue */
  EnrKeyStoreStepFunc  step_func;
  gpointer             step_data;
};

G_DEFINE_FINAL_TYPE (EnrKeyStore, enr_key_store, G_TYPE_OBJECT)

/* Keyring operations of every store in the process run one at a time, so
 * that a read-modify-write (the wrong-PIN count) is never interleaved. */
static GMutex keyring_lock;

static void
enr_key_store_finalize (GObject *object)
{
  EnrKeyStore *self = ENR_KEY_STORE (object);

  g_clear_pointer (&self->memory, g_hash_table_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (enr_key_store_parent_class)->finalize (object);
}

static void
enr_key_store_class_init (EnrKeyStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enr_key_store_finalize;
}

static void
enr_key_store_init (EnrKeyStore *self)
{
  g_mutex_init (&self->lock);
  self->memory = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) enr_keyring_value_wipe);
}

EnrKeyStore *
enr_key_store_new (EnrKeyStoreMode mode)
{
  EnrKeyStore *self = g_object_new (ENR_TYPE_KEY_STORE, NULL);

  self->mode = mode;
  return self;
}

EnrKeyStoreMode
enr_key_store_get_mode (EnrKeyStore *self)
{
  g_return_val_if_fail (ENR_IS_KEY_STORE (self), ENR_KEY_STORE_EPHEMERAL);
  return self->mode;
}

void
enr_key_store_set_step_func (EnrKeyStore         *self,
                             EnrKeyStoreStepFunc  func,
                             gpointer             user_data)
{
  g_return_if_fail (ENR_IS_KEY_STORE (self));

  self->step_func = func;
  self->step_data = user_data;
}

void
enr_key_store_wipe (EnrKeyStore *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_if_fail (ENR_IS_KEY_STORE (self));

  locker = g_mutex_locker_new (&self->lock);
  g_hash_table_remove_all (self->memory);
}

static void
step (EnrKeyStore     *self,
      EnrKeyStoreStep  which)
{
  if (self->step_func != NULL)
    self->step_func (which, self->step_data);
}

/* ---- The two places a record lives ---- */

static char *
memory_key (const char *citizen_id,
            const char *service_url)
{
  return g_strconcat (citizen_id, "\n", service_url, NULL);
}

static EnrKeyHandle *
store_read (EnrKeyStore   *self,
            const char    *citizen_id,
            const char    *service_url,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *key = NULL;
  SecretValue *value;
  const char *data;
  gsize len = 0;

  if (self->mode == ENR_KEY_STORE_KEYRING)
    return enr_keyring_read (citizen_id, service_url, cancellable, error);

  key = memory_key (citizen_id, service_url);
  value = g_hash_table_lookup (self->memory, key);
  if (value == NULL)
    {
      enr_store_error_set (error, ENR_STORE_ERROR_NOT_FOUND, "nothing in memory");
      return NULL;
    }
  data = secret_value_get (value, &len);
  return enr_key_handle_parse ((const guint8 *) data, len, error);
}

static gboolean
store_write (EnrKeyStore   *self,
             EnrKeyHandle  *handle,
             GCancellable  *cancellable,
             GError       **error)
{
  guint8 *record;
  gsize len;
  SecretValue *value;

  if (self->mode == ENR_KEY_STORE_KEYRING)
    return enr_keyring_write (handle, cancellable, error);

  enr_key_handle_set_saved_at (handle, MAX (g_get_real_time (),
                                            enr_key_handle_get_saved_at (handle) + 1));
  record = enr_key_handle_serialize (handle, &len);
  /* libsecret's values live in non-pageable memory: a kiosk's key never
   * reaches swap. */
  value = secret_value_new ((const char *) record, len, "application/octet-stream");
  enr_secure_free (record, len);
  g_hash_table_replace (self->memory,
                        memory_key (enr_key_handle_get_citizen_id (handle),
                                    enr_key_handle_get_service_url (handle)),
                        value);
  return TRUE;
}

static gboolean
store_remove (EnrKeyStore   *self,
              const char    *citizen_id,
              const char    *service_url,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *key = NULL;

  if (self->mode == ENR_KEY_STORE_KEYRING)
    return enr_keyring_remove (citizen_id, service_url, cancellable, error);

  key = memory_key (citizen_id, service_url);
  g_hash_table_remove (self->memory, key);
  return TRUE;
}

/* ---- Operations, each in a worker thread ---- */

typedef enum
{
  OP_CREATE,
  OP_LOOKUP,
  OP_UNLOCK,
  OP_CHANGE_PIN,
  OP_SET_REFRESH_TOKEN,
  OP_REMOVE,
} OpKind;

typedef struct
{
  OpKind           kind;
  char            *citizen_id;
  char            *service_url;
  char            *credential_id;
  char            *device_id;
  EnrKak          *kak;
  EnrSecureString *pin;
  EnrSecureString *new_pin;
  EnrSecureString *refresh_token;
  guint            iterations;
  guint            attempts_left;
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  g_free (op->citizen_id);
  g_free (op->service_url);
  g_free (op->credential_id);
  g_free (op->device_id);
  g_clear_object (&op->kak);
  enr_secure_string_free (op->pin);
  enr_secure_string_free (op->new_pin);
  enr_secure_string_free (op->refresh_token);
  g_free (op);
}

static Op *
op_new (OpKind      kind,
        const char *citizen_id,
        const char *service_url)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->citizen_id = g_strdup (citizen_id);
  op->service_url = g_strdup (service_url);
  op->attempts_left = ENR_KEY_HANDLE_MAX_ATTEMPTS;
  return op;
}

/*
 * Counts the try with the handle, then opens the wrapped key with @pin.
 * The count is written first so that killing the program while the PIN is
 * checked cannot be used to try PINs for free.
 */
static GBytes *
open_with_pin (EnrKeyStore   *self,
               EnrKeyHandle  *handle,
               const char    *pin,
               Op            *op,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) context = NULL;
  GError *local = NULL;
  GBytes *secret;
  guint failed;

  if (!enr_key_handle_has_key (handle))
    {
      enr_store_error_set (error, ENR_STORE_ERROR_NO_KEY, "no wrapped key yet");
      return NULL;
    }
  failed = enr_key_handle_get_failed_attempts (handle);
  if (failed >= ENR_KEY_HANDLE_MAX_ATTEMPTS)
    {
      op->attempts_left = 0;
      enr_store_error_set (error, ENR_STORE_ERROR_HANDLE_LOCKED, "locked after %u wrong PINs",
                           failed);
      return NULL;
    }

  enr_key_handle_set_failed_attempts (handle, failed + 1);
  if (!store_write (self, handle, cancellable, error))
    return NULL;
  step (self, ENR_KEY_STORE_STEP_ATTEMPT_COUNTED);

  wrapped = enr_key_handle_get_wrapped (handle);
  context = enr_key_handle_get_context (handle);
  secret = enr_key_wrap_open (wrapped, pin, context, &local);
  if (secret != NULL)
    {
      step (self, ENR_KEY_STORE_STEP_UNWRAPPED);
      return secret;
    }

  if (g_error_matches (local, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_WRONG_PIN))
    {
      g_error_free (local);
      op->attempts_left = ENR_KEY_HANDLE_MAX_ATTEMPTS - (failed + 1);
      if (op->attempts_left == 0)
        enr_store_error_set (error, ENR_STORE_ERROR_HANDLE_LOCKED, "fifth wrong PIN");
      else
        enr_store_error_set_wrong_pin (error, op->attempts_left);
      return NULL;
    }

  /* Damage is not a wrong PIN: give the try back. */
  enr_key_handle_set_failed_attempts (handle, failed);
  if (!store_write (self, handle, cancellable, NULL))
    g_debug ("could not give back a try after a damaged handle");
  g_propagate_error (error, local);
  return NULL;
}

static gboolean
same_public_key (EnrKak       *kak,
                 EnrKeyHandle *handle)
{
  g_autoptr(GBytes) public_key = enr_kak_get_public_key (kak);
  g_autoptr(GBytes) from_key = enr_key_handle_compute_key_id (public_key);
  g_autoptr(GBytes) from_handle = enr_key_handle_get_key_id (handle);

  return from_handle != NULL && g_bytes_equal (from_key, from_handle);
}

static gpointer
run_create (EnrKeyStore   *self,
            Op            *op,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GBytes) context = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GError) local = NULL;
  guint iterations;

  if (!enr_pin_policy_validate (op->pin, NULL, NULL, error))
    return NULL;

  handle = store_read (self, op->citizen_id, op->service_url, cancellable, &local);
  if (handle == NULL)
    {
      /* Anything but "nothing kept" or a damaged record (which this
       * replaces) means the keyring cannot be used now. */
      if (!g_error_matches (local, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND) &&
          !g_error_matches (local, ENR_STORE_ERROR, ENR_STORE_ERROR_CORRUPT))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      handle = enr_key_handle_new (op->citizen_id, op->service_url);
    }

  pkcs8 = enr_kak_export_pkcs8 (op->kak, error);
  if (pkcs8 == NULL)
    return NULL;
  public_key = enr_kak_get_public_key (op->kak);
  enr_key_handle_set_key (handle, op->credential_id, op->device_id, public_key, NULL);
  context = enr_key_handle_get_context (handle);
  iterations = op->iterations > 0 ? op->iterations
                                  : enr_key_wrap_calibrate (ENR_KEY_WRAP_TARGET_MS);
  wrapped = enr_key_wrap_seal (pkcs8, op->pin, iterations, context, error);
  if (wrapped == NULL)
    return NULL;
  enr_key_handle_set_wrapped (handle, wrapped);
  enr_key_handle_set_failed_attempts (handle, 0);
  if (!store_write (self, handle, cancellable, error))
    return NULL;
  return g_steal_pointer (&handle);
}

static gpointer
run_unlock (EnrKeyStore   *self,
            Op            *op,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(EnrKak) kak = NULL;
  const guint8 *der;
  gsize der_len;

  handle = store_read (self, op->citizen_id, op->service_url, cancellable, error);
  if (handle == NULL)
    return NULL;
  op->attempts_left = enr_key_handle_get_attempts_left (handle);
  pkcs8 = open_with_pin (self, handle, op->pin, op, cancellable, error);
  if (pkcs8 == NULL)
    return NULL;

  /* The PIN was right: the count starts again. */
  enr_key_handle_set_failed_attempts (handle, 0);
  op->attempts_left = ENR_KEY_HANDLE_MAX_ATTEMPTS;
  if (!store_write (self, handle, cancellable, error))
    return NULL;

  der = g_bytes_get_data (pkcs8, &der_len);
  kak = enr_kak_new_from_pkcs8 (der, der_len, error);
  if (kak == NULL)
    return NULL;
  if (!same_public_key (kak, handle))
    {
      enr_store_error_set (error, ENR_STORE_ERROR_CORRUPT, "key does not match its public key");
      return NULL;
    }
  return g_steal_pointer (&kak);
}

static gpointer
run_change_pin (EnrKeyStore   *self,
                Op            *op,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GBytes) context = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  guint iterations;

  if (!enr_pin_policy_validate (op->new_pin, NULL, NULL, error))
    return NULL;
  handle = store_read (self, op->citizen_id, op->service_url, cancellable, error);
  if (handle == NULL)
    return NULL;
  op->attempts_left = enr_key_handle_get_attempts_left (handle);
  pkcs8 = open_with_pin (self, handle, op->pin, op, cancellable, error);
  if (pkcs8 == NULL)
    return NULL;

  context = enr_key_handle_get_context (handle);
  iterations = op->iterations > 0 ? op->iterations
                                  : enr_key_wrap_calibrate (ENR_KEY_WRAP_TARGET_MS);
  wrapped = enr_key_wrap_seal (pkcs8, op->new_pin, iterations, context, error);
  if (wrapped == NULL)
    return NULL;
  step (self, ENR_KEY_STORE_STEP_REWRAPPED);

  /* One write replaces the old wrapping with the new: the keyring holds
   * one or the other, never neither. */
  enr_key_handle_set_wrapped (handle, wrapped);
  enr_key_handle_set_failed_attempts (handle, 0);
  op->attempts_left = ENR_KEY_HANDLE_MAX_ATTEMPTS;
  if (!store_write (self, handle, cancellable, error))
    return NULL;
  step (self, ENR_KEY_STORE_STEP_STORED);
  return GINT_TO_POINTER (TRUE);
}

static gpointer
run_set_refresh_token (EnrKeyStore   *self,
                       Op            *op,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GError) local = NULL;

  handle = store_read (self, op->citizen_id, op->service_url, cancellable, &local);
  if (handle == NULL)
    {
      if (!g_error_matches (local, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (op->refresh_token == NULL)
        return GINT_TO_POINTER (TRUE);
      handle = enr_key_handle_new (op->citizen_id, op->service_url);
    }
  enr_key_handle_set_refresh_token (handle, op->refresh_token);
  if (!store_write (self, handle, cancellable, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static void
operation_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  EnrKeyStore *self = source_object;
  Op *op = task_data;
  g_autoptr(GMutexLocker) locker = NULL;
  GError *error = NULL;
  gpointer result = NULL;

  locker = g_mutex_locker_new (self->mode == ENR_KEY_STORE_KEYRING ? &keyring_lock : &self->lock);
  if (g_task_return_error_if_cancelled (task))
    return;

  switch (op->kind)
    {
    case OP_CREATE:
      result = run_create (self, op, cancellable, &error);
      break;
    case OP_LOOKUP:
      result = store_read (self, op->citizen_id, op->service_url, cancellable, &error);
      break;
    case OP_UNLOCK:
      result = run_unlock (self, op, cancellable, &error);
      break;
    case OP_CHANGE_PIN:
      result = run_change_pin (self, op, cancellable, &error);
      break;
    case OP_SET_REFRESH_TOKEN:
      result = run_set_refresh_token (self, op, cancellable, &error);
      break;
    case OP_REMOVE:
      if (store_remove (self, op->citizen_id, op->service_url, cancellable, &error))
        result = GINT_TO_POINTER (TRUE);
      break;
    default:
      g_assert_not_reached ();
    }

  if (result == NULL)
    g_task_return_error (task, error);
  else if (op->kind == OP_CREATE || op->kind == OP_LOOKUP || op->kind == OP_UNLOCK)
    g_task_return_pointer (task, result, g_object_unref);
  else
    g_task_return_boolean (task, TRUE);
}

static void
start (EnrKeyStore         *self,
       Op                  *op,
       gpointer             source_tag,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, op_free);
  g_task_run_in_thread (task, operation_thread);
}

static gboolean
check_result (EnrKeyStore  *self,
              GAsyncResult *result,
              gpointer      source_tag)
{
  return g_task_is_valid (result, self) && g_task_get_source_tag (G_TASK (result)) == source_tag;
}

void
enr_key_store_create_async (EnrKeyStore           *self,
                            const EnrKeyHandleIds *ids,
                            EnrKak                *kak,
                            const char            *pin,
                            guint                  iterations,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  Op *op;

  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (ids != NULL && ids->citizen_id != NULL && ids->service_url != NULL);
  g_return_if_fail (ids->credential_id != NULL && ids->device_id != NULL);
  g_return_if_fail (ENR_IS_KAK (kak));
  g_return_if_fail (pin != NULL);
  g_return_if_fail (iterations <= ENR_KEY_WRAP_MAX_ITERATIONS);

  op = op_new (OP_CREATE, ids->citizen_id, ids->service_url);
  op->credential_id = g_strdup (ids->credential_id);
  op->device_id = g_strdup (ids->device_id);
  op->kak = g_object_ref (kak);
  op->pin = enr_secure_strdup (pin);
  op->iterations = iterations;
  start (self, op, enr_key_store_create_async, cancellable, callback, user_data);
}

EnrKeyHandle *
enr_key_store_create_finish (EnrKeyStore   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (check_result (self, result, enr_key_store_create_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
enr_key_store_lookup_async (EnrKeyStore         *self,
                            const char          *citizen_id,
                            const char          *service_url,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (citizen_id != NULL && service_url != NULL);

  start (self, op_new (OP_LOOKUP, citizen_id, service_url), enr_key_store_lookup_async,
         cancellable, callback, user_data);
}

EnrKeyHandle *
enr_key_store_lookup_finish (EnrKeyStore   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (check_result (self, result, enr_key_store_lookup_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
enr_key_store_unlock_async (EnrKeyStore         *self,
                            const char          *citizen_id,
                            const char          *service_url,
                            const char          *pin,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  Op *op;

  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (citizen_id != NULL && service_url != NULL && pin != NULL);

  op = op_new (OP_UNLOCK, citizen_id, service_url);
  op->pin = enr_secure_strdup (pin);
  start (self, op, enr_key_store_unlock_async, cancellable, callback, user_data);
}

EnrKak *
enr_key_store_unlock_finish (EnrKeyStore   *self,
                             GAsyncResult  *result,
                             guint         *attempts_left,
                             GError       **error)
{
  Op *op;

  g_return_val_if_fail (check_result (self, result, enr_key_store_unlock_async), NULL);

  op = g_task_get_task_data (G_TASK (result));
  if (attempts_left != NULL)
    *attempts_left = op->attempts_left;
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
enr_key_store_change_pin_async (EnrKeyStore         *self,
                                const char          *citizen_id,
                                const char          *service_url,
                                const char          *old_pin,
                                const char          *new_pin,
                                guint                iterations,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Op *op;

  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (citizen_id != NULL && service_url != NULL);
  g_return_if_fail (old_pin != NULL && new_pin != NULL);
  g_return_if_fail (iterations <= ENR_KEY_WRAP_MAX_ITERATIONS);

  op = op_new (OP_CHANGE_PIN, citizen_id, service_url);
  op->pin = enr_secure_strdup (old_pin);
  op->new_pin = enr_secure_strdup (new_pin);
  op->iterations = iterations;
  start (self, op, enr_key_store_change_pin_async, cancellable, callback, user_data);
}

gboolean
enr_key_store_change_pin_finish (EnrKeyStore   *self,
                                 GAsyncResult  *result,
                                 guint         *attempts_left,
                                 GError       **error)
{
  Op *op;

  g_return_val_if_fail (check_result (self, result, enr_key_store_change_pin_async), FALSE);

  op = g_task_get_task_data (G_TASK (result));
  if (attempts_left != NULL)
    *attempts_left = op->attempts_left;
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enr_key_store_set_refresh_token_async (EnrKeyStore         *self,
                                       const char          *citizen_id,
                                       const char          *service_url,
                                       const char          *refresh_token,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  Op *op;

  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (citizen_id != NULL && service_url != NULL);

  op = op_new (OP_SET_REFRESH_TOKEN, citizen_id, service_url);
  op->refresh_token = refresh_token != NULL && refresh_token[0] != '\0' ?
                      enr_secure_strdup (refresh_token) : NULL;
  start (self, op, enr_key_store_set_refresh_token_async, cancellable, callback, user_data);
}

gboolean
enr_key_store_set_refresh_token_finish (EnrKeyStore   *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (check_result (self, result, enr_key_store_set_refresh_token_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enr_key_store_remove_async (EnrKeyStore         *self,
                            const char          *citizen_id,
                            const char          *service_url,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (citizen_id != NULL && service_url != NULL);

  start (self, op_new (OP_REMOVE, citizen_id, service_url), enr_key_store_remove_async,
         cancellable, callback, user_data);
}

gboolean
enr_key_store_remove_finish (EnrKeyStore   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (check_result (self, result, enr_key_store_remove_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
