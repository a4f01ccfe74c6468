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
#include "enr-pin-guard.h"
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
  guint                min_iterations;
};

G_DEFINE_FINAL_TYPE (EnrKeyStore, enr_key_store, G_TYPE_OBJECT)

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
  self->min_iterations = ENR_KEY_WRAP_MIN_ITERATIONS;
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
enr_key_store_set_min_iterations (EnrKeyStore *self,
                                  guint        iterations)
{
  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (iterations > 0);

  self->min_iterations = iterations;
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
memory_key (const char *handle_id,
            const char *service_url)
{
  return g_strconcat (handle_id, "\n", service_url, NULL);
}

static EnrKeyHandle *
store_read (EnrKeyStore   *self,
            const char    *handle_id,
            const char    *service_url,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *key = NULL;
  EnrKeyHandle *handle;
  SecretValue *value;
  const char *data;
  gsize len = 0;
  guint iterations;

  if (self->mode == ENR_KEY_STORE_KEYRING)
    handle = enr_keyring_read (handle_id, service_url, cancellable, error);
  else
    {
      key = memory_key (handle_id, service_url);
      value = g_hash_table_lookup (self->memory, key);
      if (value == NULL)
        {
          enr_store_error_set (error, ENR_STORE_ERROR_NOT_FOUND, "nothing in memory");
          return NULL;
        }
      data = secret_value_get (value, &len);
      handle = enr_key_handle_parse ((const guint8 *) data, len, error);
    }
  if (handle == NULL)
    return NULL;

  /* The count is checked each time a handle is read: one lowered behind
   * the program's back would make the verifiers SmartCA keeps cheap to
   * search, should its database be stolen. */
  iterations = enr_key_handle_get_iterations (handle);
  if (enr_key_handle_has_key (handle) &&
      (iterations < self->min_iterations || iterations > ENR_KEY_WRAP_MAX_ITERATIONS))
    {
      g_object_unref (handle);
      enr_store_error_set (error, ENR_STORE_ERROR_CORRUPT, "a PBKDF2 count of %u", iterations);
      return NULL;
    }
  return handle;
}

static gboolean
store_write (EnrKeyStore   *self,
             EnrKeyHandle  *handle,
             gboolean       drop_others,
             GCancellable  *cancellable,
             GError       **error)
{
  guint8 *record;
  gsize len;
  SecretValue *value;

  if (self->mode == ENR_KEY_STORE_KEYRING)
    return enr_keyring_write (handle, drop_others, cancellable, error);

  enr_key_handle_set_saved_at (handle, MAX (g_get_real_time (),
                                            enr_key_handle_get_saved_at (handle) + 1));
  record = enr_key_handle_serialize (handle, &len);
  /* libsecret's values live in non-pageable memory: a kiosk's key never
   * reaches swap. */
  value = secret_value_new ((const char *) record, len, "application/octet-stream");
  enr_secure_free (record, len);
  g_hash_table_replace (self->memory,
                        memory_key (enr_key_handle_get_handle_id (handle),
                                    enr_key_handle_get_service_url (handle)),
                        value);
  return TRUE;
}

static gboolean
store_remove (EnrKeyStore   *self,
              const char    *handle_id,
              const char    *service_url,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *key = NULL;

  if (self->mode == ENR_KEY_STORE_KEYRING)
    return enr_keyring_remove (handle_id, service_url, cancellable, error);

  key = memory_key (handle_id, service_url);
  g_hash_table_remove (self->memory, key);
  return TRUE;
}

/* The handle, or a new one when nothing is kept yet (other errors fail). */
static EnrKeyHandle *
read_or_new (EnrKeyStore   *self,
             const char    *handle_id,
             const char    *service_url,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GError) local = NULL;
  EnrKeyHandle *handle;

  handle = store_read (self, handle_id, service_url, cancellable, &local);
  if (handle != NULL)
    return handle;
  if (!g_error_matches (local, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return enr_key_handle_new (handle_id, service_url);
}

/* ---- Operations, each in a worker thread ---- */

typedef enum
{
  OP_CREATE,
  OP_LOOKUP,
  OP_OPEN,
  OP_ADD_PENDING,
  OP_SET_REFRESH_TOKEN,
  OP_SET_PROFILE,
  OP_MIGRATE,
  OP_REMOVE,
} OpKind;

typedef struct
{
  OpKind           kind;
  char            *handle_id;
  char            *service_url;
  EnrSecureString *owner;
  char            *credential_id;
  char            *device_id;
  EnrKak          *kak;
  GBytes          *salt;
  guint            iterations;
  GBytes          *pin_key;
  GBytes          *new_pin_key;
  GBytes          *pin_share;
  EnrSecureString *refresh_token;
  GBytes          *profile;
} Op;

/* pinKey and pinShare are copied into bytes of their own that wipe
 * themselves, and dropped as soon as the operation is over. */
static GBytes *
secret_copy (GBytes *bytes)
{
  gsize len;
  const guint8 *data;

  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return enr_secure_bytes_new (data, len);
}

static void
op_forget_secrets (Op *op)
{
  g_clear_pointer (&op->pin_key, g_bytes_unref);
  g_clear_pointer (&op->new_pin_key, g_bytes_unref);
  g_clear_pointer (&op->pin_share, g_bytes_unref);
  /* The caller's KAK: it signs the approval after this, and wipes it. */
  g_clear_object (&op->kak);
}

static void
op_free (gpointer data)
{
  Op *op = data;

  op_forget_secrets (op);
  g_free (op->handle_id);
  g_free (op->service_url);
  enr_secure_string_free (op->owner);
  g_free (op->credential_id);
  g_free (op->device_id);
  g_clear_pointer (&op->salt, g_bytes_unref);
  enr_secure_string_free (op->refresh_token);
  g_clear_pointer (&op->profile, g_bytes_unref);
  g_free (op);
}

static Op *
op_new (OpKind      kind,
        const char *handle_id,
        const char *service_url)
{
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->handle_id = g_strdup (handle_id);
  op->service_url = g_strdup (service_url);
  return op;
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

/* The handle's KAK as PKCS#8, from whichever wrapping opens with @pin_key
 * and @pin_share; *@opened_pending tells which one did. */
static GBytes *
open_wrapping (EnrKeyHandle  *handle,
               GBytes        *pin_key,
               GBytes        *pin_share,
               gboolean      *opened_pending,
               GError       **error)
{
  GBytes *wrappings[2] = { enr_key_handle_get_wrapping (handle),
                           enr_key_handle_get_pending (handle) };
  GBytes *secret = NULL;
  GError *first = NULL;

  if (wrappings[0] == NULL)
    {
      if (enr_key_handle_is_outdated (handle))
        enr_store_error_set (error, ENR_STORE_ERROR_OUTDATED, "a key from before the PIN guard");
      else
        enr_store_error_set (error, ENR_STORE_ERROR_NO_KEY, "no wrapped key yet");
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (wrappings) && secret == NULL; i++)
    {
      GError *local = NULL;

      if (wrappings[i] == NULL)
        continue;
      secret = enr_pin_guard_open (wrappings[i], pin_key, pin_share,
                                   enr_key_handle_get_credential_id (handle),
                                   enr_key_handle_get_device_id (handle), &local);
      if (secret != NULL)
        *opened_pending = i == 1;
      else if (first == NULL)
        first = local;
      else
        g_error_free (local);
    }
  g_clear_pointer (&wrappings[0], g_bytes_unref);
  g_clear_pointer (&wrappings[1], g_bytes_unref);

  if (secret == NULL)
    {
      /* SmartCA handed the share out for this PIN's verifier, yet nothing
       * here opens with it: not a wrong PIN, but a handle that is not the
       * one the guard protects (or one damaged). */
      if (g_error_matches (first, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_WRONG_PIN))
        enr_store_error_set (error, ENR_STORE_ERROR_CORRUPT,
                             "no wrapping opens with the share for this PIN");
      else
        g_propagate_error (error, g_steal_pointer (&first));
      g_clear_error (&first);
      return NULL;
    }
  g_clear_error (&first);
  return secret;
}

static EnrKak *
kak_from_pkcs8 (GBytes        *pkcs8,
                EnrKeyHandle  *handle,
                GError       **error)
{
  g_autoptr(EnrKak) kak = NULL;
  gsize der_len;
  const guint8 *der = g_bytes_get_data (pkcs8, &der_len);

  kak = enr_kak_new_from_pkcs8 (der, der_len, error);
  if (kak == NULL)
    return NULL;
  if (!same_public_key (kak, handle))
    {
      enr_kak_wipe (kak);
      enr_store_error_set (error, ENR_STORE_ERROR_CORRUPT, "key does not match its public key");
      return NULL;
    }
  return g_steal_pointer (&kak);
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
  g_autoptr(GBytes) wrapping = NULL;
  g_autoptr(GError) local = NULL;

  handle = store_read (self, op->handle_id, op->service_url, cancellable, &local);
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
      handle = enr_key_handle_new (op->handle_id, op->service_url);
    }

  public_key = enr_kak_get_public_key (op->kak);
  pkcs8 = enr_kak_export_pkcs8 (op->kak, error);
  if (pkcs8 == NULL)
    return NULL;
  wrapping = enr_pin_guard_seal (pkcs8, op->pin_key, op->pin_share, op->credential_id,
                                 op->device_id, error);
  /* The KAK, pinKey and pinShare have served. */
  op_forget_secrets (op);
  if (wrapping == NULL)
    return NULL;

  if (op->owner != NULL)
    enr_key_handle_set_owner (handle, op->owner);
  enr_key_handle_set_key (handle, op->credential_id, op->device_id, public_key, op->salt,
                          op->iterations, wrapping);
  if (!store_write (self, handle, TRUE, cancellable, error))
    return NULL;
  return g_steal_pointer (&handle);
}

static gpointer
run_open (EnrKeyStore   *self,
          Op            *op,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(EnrKak) kak = NULL;
  gboolean opened_pending = FALSE;

  handle = store_read (self, op->handle_id, op->service_url, cancellable, error);
  if (handle == NULL)
    return NULL;
  pkcs8 = open_wrapping (handle, op->pin_key, op->pin_share, &opened_pending, error);
  op_forget_secrets (op);
  if (pkcs8 == NULL)
    return NULL;
  kak = kak_from_pkcs8 (pkcs8, handle, error);
  if (kak == NULL)
    return NULL;
  step (self, ENR_KEY_STORE_STEP_OPENED);

  /* Two wrappings: a change of PIN was cut short. The one that opened is
   * the PIN SmartCA accepts now; the other goes. */
  if (enr_key_handle_has_pending (handle))
    {
      g_autoptr(GError) local = NULL;

      g_info ("settling a change of PIN: keeping the %s PIN's key",
              opened_pending ? "new" : "old");
      opened = opened_pending ? enr_key_handle_get_pending (handle)
                              : enr_key_handle_get_wrapping (handle);
      enr_key_handle_set_wrapping (handle, opened);
      enr_key_handle_set_pending (handle, NULL);
      /* The key is open: a keyring that fails now only delays this. */
      if (!store_write (self, handle, FALSE, cancellable, &local))
        g_info ("could not keep one wrapping yet: %s", local->message);
      else
        step (self, ENR_KEY_STORE_STEP_SETTLED);
    }
  return g_steal_pointer (&kak);
}

static gpointer
run_add_pending (EnrKeyStore   *self,
                 Op            *op,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) pending = NULL;
  g_autoptr(EnrKak) kak = NULL;
  gboolean opened_pending = FALSE;

  handle = store_read (self, op->handle_id, op->service_url, cancellable, error);
  if (handle == NULL)
    return NULL;
  pkcs8 = open_wrapping (handle, op->pin_key, op->pin_share, &opened_pending, error);
  if (pkcs8 == NULL || (kak = kak_from_pkcs8 (pkcs8, handle, error)) == NULL)
    {
      op_forget_secrets (op);
      return NULL;
    }
  step (self, ENR_KEY_STORE_STEP_UNWRAPPED);

  pending = enr_pin_guard_seal (pkcs8, op->new_pin_key, op->pin_share,
                                enr_key_handle_get_credential_id (handle),
                                enr_key_handle_get_device_id (handle), error);
  op_forget_secrets (op);
  enr_kak_wipe (kak);
  if (pending == NULL)
    return NULL;
  step (self, ENR_KEY_STORE_STEP_REWRAPPED);

  /* The old PIN's wrapping stays beside the new one until an open with
   * SmartCA's share tells which PIN it accepts. */
  opened = opened_pending ? enr_key_handle_get_pending (handle)
                          : enr_key_handle_get_wrapping (handle);
  enr_key_handle_set_wrapping (handle, opened);
  enr_key_handle_set_pending (handle, pending);
  if (!store_write (self, handle, FALSE, cancellable, error))
    return NULL;
  step (self, ENR_KEY_STORE_STEP_PENDING_STORED);
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

  handle = store_read (self, op->handle_id, op->service_url, cancellable, &local);
  if (handle == NULL)
    {
      if (!g_error_matches (local, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (op->refresh_token == NULL)
        return GINT_TO_POINTER (TRUE);
      handle = enr_key_handle_new (op->handle_id, op->service_url);
    }
  enr_key_handle_set_refresh_token (handle, op->refresh_token);
  if (!store_write (self, handle, FALSE, cancellable, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static gpointer
run_set_profile (EnrKeyStore   *self,
                 Op            *op,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(EnrKeyHandle) handle = NULL;

  handle = read_or_new (self, op->handle_id, op->service_url, cancellable, error);
  if (handle == NULL)
    return NULL;
  if (op->owner != NULL)
    enr_key_handle_set_owner (handle, op->owner);
  enr_key_handle_set_profile (handle, op->profile);
  if (!store_write (self, handle, FALSE, cancellable, error))
    return NULL;
  return GINT_TO_POINTER (TRUE);
}

static gpointer
run_migrate (EnrKeyStore   *self,
             Op            *op,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GError) local = NULL;

  if (self->mode != ENR_KEY_STORE_KEYRING)
    {
      enr_store_error_set (error, ENR_STORE_ERROR_NOT_FOUND, "a kiosk keeps nothing to migrate");
      return NULL;
    }
  handle = enr_keyring_read_legacy (op->owner, op->service_url, cancellable, error);
  if (handle == NULL)
    return NULL;

  /* What the old item held, under opaque attributes; its KAK (wrapped
   * under the PIN alone) is not carried over, nor its wrong-PIN count. */
  enr_key_handle_set_handle_id (handle, op->handle_id);
  enr_key_handle_set_owner (handle, op->owner);
  if (!store_write (self, handle, FALSE, cancellable, error))
    return NULL;
  if (!enr_keyring_remove_legacy (op->owner, op->service_url, cancellable, &local))
    g_message ("The old keyring item could not be removed: %s", local->message);
  g_info ("the keyring item is brought up to date%s",
          enr_key_handle_is_outdated (handle) ? "; its key needs a change of device" : "");
  return g_steal_pointer (&handle);
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

  /* The memory store's table is also wiped from the main thread. */
  locker = g_mutex_locker_new (&self->lock);
  if (g_task_return_error_if_cancelled (task))
    {
      op_forget_secrets (op);
      return;
    }

  switch (op->kind)
    {
    case OP_CREATE:
      result = run_create (self, op, cancellable, &error);
      break;
    case OP_LOOKUP:
      result = store_read (self, op->handle_id, op->service_url, cancellable, &error);
      break;
    case OP_OPEN:
      result = run_open (self, op, cancellable, &error);
      break;
    case OP_ADD_PENDING:
      result = run_add_pending (self, op, cancellable, &error);
      break;
    case OP_SET_REFRESH_TOKEN:
      result = run_set_refresh_token (self, op, cancellable, &error);
      break;
    case OP_SET_PROFILE:
      result = run_set_profile (self, op, cancellable, &error);
      break;
    case OP_MIGRATE:
      result = run_migrate (self, op, cancellable, &error);
      break;
    case OP_REMOVE:
      if (store_remove (self, op->handle_id, op->service_url, cancellable, &error))
        result = GINT_TO_POINTER (TRUE);
      break;
    default:
      g_assert_not_reached ();
    }
  op_forget_secrets (op);

  if (result == NULL)
    g_task_return_error (task, error);
  else if (op->kind == OP_CREATE || op->kind == OP_LOOKUP || op->kind == OP_OPEN ||
           op->kind == OP_MIGRATE)
    g_task_return_pointer (task, result, g_object_unref);
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_operation (gpointer data,
               gpointer user_data)
{
  g_autoptr(GTask) task = data;

  operation_thread (task, g_task_get_source_object (task), g_task_get_task_data (task),
                    g_task_get_cancellable (task));
}

/* The operations of every store in the process run in one worker thread,
 * in the order they were asked for: one at a time, so that a
 * read-modify-write (a change of PIN, a token) is never interleaved; and in
 * order, so that a lookup asked for after a write reads what it wrote (a
 * session made right after another one was closed finds the profile that
 * one kept). */
static GThreadPool *
operation_pool (void)
{
  static GThreadPool *pool;

  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (run_operation, NULL, 1, FALSE, NULL));
  return pool;
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
  g_thread_pool_push (operation_pool (), g_steal_pointer (&task), NULL);
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
                            EnrPinGuardKeys       *keys,
                            GBytes                *pin_share,
                            GCancellable          *cancellable,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  Op *op;

  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (ids != NULL && ids->handle_id != NULL && ids->service_url != NULL);
  g_return_if_fail (ids->credential_id != NULL && ids->device_id != NULL);
  g_return_if_fail (ENR_IS_KAK (kak));
  g_return_if_fail (keys != NULL && pin_share != NULL);

  op = op_new (OP_CREATE, ids->handle_id, ids->service_url);
  op->owner = ids->owner != NULL ? enr_secure_strdup (ids->owner) : NULL;
  op->credential_id = g_strdup (ids->credential_id);
  op->device_id = g_strdup (ids->device_id);
  op->kak = g_object_ref (kak);
  op->salt = enr_pin_guard_keys_get_salt (keys);
  op->iterations = enr_pin_guard_keys_get_iterations (keys);
  {
    g_autoptr(GBytes) pin_key = enr_pin_guard_keys_get_pin_key (keys);

    op->pin_key = secret_copy (pin_key);
  }
  op->pin_share = secret_copy (pin_share);
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
                            const char          *handle_id,
                            const char          *service_url,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (handle_id != NULL && service_url != NULL);

  start (self, op_new (OP_LOOKUP, handle_id, service_url), enr_key_store_lookup_async,
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
enr_key_store_open_async (EnrKeyStore         *self,
                          const char          *handle_id,
                          const char          *service_url,
                          GBytes              *pin_key,
                          GBytes              *pin_share,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  Op *op;

  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (handle_id != NULL && service_url != NULL);
  g_return_if_fail (pin_key != NULL && pin_share != NULL);

  op = op_new (OP_OPEN, handle_id, service_url);
  op->pin_key = secret_copy (pin_key);
  op->pin_share = secret_copy (pin_share);
  start (self, op, enr_key_store_open_async, cancellable, callback, user_data);
}

EnrKak *
enr_key_store_open_finish (EnrKeyStore   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (check_result (self, result, enr_key_store_open_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
enr_key_store_add_pending_async (EnrKeyStore         *self,
                                 const char          *handle_id,
                                 const char          *service_url,
                                 GBytes              *old_pin_key,
                                 GBytes              *new_pin_key,
                                 GBytes              *pin_share,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Op *op;

  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (handle_id != NULL && service_url != NULL);
  g_return_if_fail (old_pin_key != NULL && new_pin_key != NULL && pin_share != NULL);

  op = op_new (OP_ADD_PENDING, handle_id, service_url);
  op->pin_key = secret_copy (old_pin_key);
  op->new_pin_key = secret_copy (new_pin_key);
  op->pin_share = secret_copy (pin_share);
  start (self, op, enr_key_store_add_pending_async, cancellable, callback, user_data);
}

gboolean
enr_key_store_add_pending_finish (EnrKeyStore   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (check_result (self, result, enr_key_store_add_pending_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enr_key_store_set_refresh_token_async (EnrKeyStore         *self,
                                       const char          *handle_id,
                                       const char          *service_url,
                                       const char          *refresh_token,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  Op *op;

  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (handle_id != NULL && service_url != NULL);

  op = op_new (OP_SET_REFRESH_TOKEN, handle_id, service_url);
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
enr_key_store_set_profile_async (EnrKeyStore         *self,
                                 const char          *handle_id,
                                 const char          *service_url,
                                 const char          *owner,
                                 GBytes              *profile,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  Op *op;

  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (handle_id != NULL && service_url != NULL);

  op = op_new (OP_SET_PROFILE, handle_id, service_url);
  op->owner = owner != NULL ? enr_secure_strdup (owner) : NULL;
  op->profile = secret_copy (profile);
  start (self, op, enr_key_store_set_profile_async, cancellable, callback, user_data);
}

gboolean
enr_key_store_set_profile_finish (EnrKeyStore   *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (check_result (self, result, enr_key_store_set_profile_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enr_key_store_migrate_async (EnrKeyStore         *self,
                             const char          *citizen_id,
                             const char          *service_url,
                             const char          *handle_id,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  Op *op;

  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (citizen_id != NULL && service_url != NULL && handle_id != NULL);

  op = op_new (OP_MIGRATE, handle_id, service_url);
  op->owner = enr_secure_strdup (citizen_id);
  start (self, op, enr_key_store_migrate_async, cancellable, callback, user_data);
}

EnrKeyHandle *
enr_key_store_migrate_finish (EnrKeyStore   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (check_result (self, result, enr_key_store_migrate_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
enr_key_store_remove_async (EnrKeyStore         *self,
                            const char          *handle_id,
                            const char          *service_url,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (ENR_IS_KEY_STORE (self));
  g_return_if_fail (handle_id != NULL && service_url != NULL);

  start (self, op_new (OP_REMOVE, handle_id, service_url), enr_key_store_remove_async,
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
