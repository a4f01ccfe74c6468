/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The citizen's key-authorisation key (KAK): made and registered (the key
 * pipeline activation and the change of device share), opened with the
 * PIN through SmartCA's PIN guard, the PIN changed, and the KAK used to
 * approve a transaction. The KAK is in memory only while one of these needs
 * it; between them it exists only wrapped under a key that needs both the
 * PIN and the share SmartCA hands out for the PIN's verifier
 * (enr-pin-guard.h). The share, pinKey and the verifier are dropped (and
 * wiped) as soon as they have served; the PIN never leaves the derivation.
 */
#define G_LOG_DOMAIN "enr-session-key"

#include "config.h"

#include <string.h>

#include "enr-pin-guard.h"
#include "enr-pin-policy.h"
#include "enr-sad.h"
#include "enr-session-impl.h"
#include "enr-store-error.h"

/* A SAD (PROTOCOL.md) signed with @kak for this session's device and
 * credential, approving @txn over the service's @challenge and the
 * documents whose @hashes the citizen was shown (NULL: none). */
static char *
make_sad (EnrSession         *self,
          EnrKak             *kak,
          const char         *txn,
          const char         *challenge,
          const char * const *hashes,
          GError            **error)
{
  EnrSadClaims claims = {
    .device_id = self->device_id,
    .credential_id = self->credential_id,
    .txn = txn,
    .challenge = challenge,
    .hashes = hashes,
  };

  return enr_sad_create (kak, &claims, error);
}

GDate *
_enr_session_dup_date_of_birth (EnrSession *self)
{
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *text = NULL;

  if (self->identity == NULL || self->identity->date_of_birth == NULL)
    return NULL;
  text = g_strconcat (self->identity->date_of_birth, "T00:00:00Z", NULL);
  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    return NULL;
  return g_date_new_dmy ((GDateDay) g_date_time_get_day_of_month (time),
                         (GDateMonth) g_date_time_get_month (time),
                         (GDateYear) g_date_time_get_year (time));
}

gboolean
_enr_session_validate_new_pin (EnrSession  *self,
                               const char  *pin,
                               const char  *confirmation,
                               GError     **error)
{
  g_autoptr(GDate) birth = _enr_session_dup_date_of_birth (self);

  return enr_pin_policy_validate (pin, confirmation, birth, error);
}

/* --- The key pipeline ----------------------------------------------------------------- */

typedef struct
{
  EnrSecureString *pin;
  EnrSecureString *otp;         /* the change of device's SMS code; NULL for activation */
  char            *txn;
  EnrKak          *kak;
  EnrPinGuardKeys *keys;
  char            *challenge;
} EnrolKey;

static void
enrol_key_free (EnrolKey *enrol)
{
  g_clear_pointer (&enrol->pin, enr_secure_string_free);
  g_clear_pointer (&enrol->otp, enr_secure_string_free);
  g_free (enrol->txn);
  if (enrol->kak != NULL)
    enr_kak_wipe (enrol->kak);
  g_clear_object (&enrol->kak);
  g_clear_pointer (&enrol->keys, enr_pin_guard_keys_free);
  g_free (enrol->challenge);
  g_free (enrol);
}

static void
enrol_key_return (GTask  *task,
                  char   *sad,
                  GError *error)
{
  EnrolKey *enrol = g_task_get_task_data (task);

  /* The KAK is kept now (or failed to be): it leaves memory at once, with
   * the PIN guard's keys. */
  if (enrol->kak != NULL)
    enr_kak_wipe (enrol->kak);
  g_clear_object (&enrol->kak);
  g_clear_pointer (&enrol->keys, enr_pin_guard_keys_free);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sad, (GDestroyNotify) enr_secure_string_free);
  g_object_unref (task);
}

static void
handle_created_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrolKey *enrol = g_task_get_task_data (task);
  g_autoptr(EnrKeyHandle) handle = NULL;
  GError *error = NULL;
  char *sad;

  handle = enr_key_store_create_finish (ENR_KEY_STORE (object), result, &error);
  if (handle == NULL)
    {
      enrol_key_return (task, NULL, error);
      return;
    }
  _enr_session_set_pin_attempts_left (self, ENR_SESSION_PIN_ATTEMPTS);

  sad = make_sad (self, enrol->kak, enrol->txn, enrol->challenge, NULL, &error);
  enrol_key_return (task, sad, error);
}

static void
activated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrolKey *enrol = g_task_get_task_data (task);
  g_autoptr(EnrActivation) activation = NULL;
  EnrKeyHandleIds ids = { 0 };
  GError *error = NULL;

  activation = enr_smartca_client_activate_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  g_clear_pointer (&enrol->otp, enr_secure_string_free);
  if (activation == NULL)
    {
      _enr_session_otp_refused (self, error);
      enrol_key_return (task, NULL, error);
      return;
    }

  g_info ("a new key for credential %s awaits its approval", activation->credential_id);
  _enr_session_set_string (&self->credential_id, activation->credential_id);
  _enr_session_set_smartca_state (self, enr_enrollment_state_to_string (activation->state));
  enrol->challenge = g_strdup (activation->challenge);

  ids.handle_id = _enr_session_ensure_handle_id (self);
  ids.service_url = self->smartca_url;
  ids.owner = self->citizen_id;
  ids.credential_id = self->credential_id;
  ids.device_id = self->device_id;
  /* The store copies pinKey and the share and wipes its copies once the KAK
   * is sealed; the session's go now. */
  enr_key_store_create_async (self->store, &ids, enrol->kak, enrol->keys, activation->pin_share,
                              g_task_get_cancellable (task), handle_created_cb, task);
  g_clear_pointer (&enrol->keys, enr_pin_guard_keys_free);
}

/* The KAK and the PIN guard's keys are made: register both. */
static void
enrol_key_made (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);
  EnrolKey *enrol = g_task_get_task_data (task);
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GBytes) verifier = NULL;
  g_autofree char *name = NULL;

  if (self->device_id == NULL)
    self->device_id = g_uuid_string_random ();
  public_key = enr_kak_get_public_key (enrol->kak);
  verifier = enr_pin_guard_keys_get_verifier (enrol->keys);
  name = self->kiosk ? g_strdup_printf ("Kiosk %s", g_get_host_name ())
                     : g_strdup (g_get_host_name ());
  enr_smartca_client_activate_async (self->smartca, public_key, self->device_id, name,
                                     self->kiosk ? "linux-kiosk" : "linux-desktop", verifier,
                                     enrol->otp, g_task_get_cancellable (task), activated_cb,
                                     task);
}

static void
new_keys_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrolKey *enrol = g_task_get_task_data (task);
  GError *error = NULL;

  enrol->keys = enr_pin_guard_derive_finish (result, &error);
  g_clear_pointer (&enrol->pin, enr_secure_string_free);
  if (enrol->keys == NULL)
    {
      enrol_key_return (task, NULL, error);
      return;
    }
  enrol_key_made (task);
}

static void
kak_made_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrolKey *enrol = g_task_get_task_data (task);
  g_autoptr(GBytes) salt = enr_pin_guard_new_salt ();
  GError *error = NULL;

  enrol->kak = enr_kak_generate_finish (result, &error);
  if (enrol->kak == NULL)
    {
      enrol_key_return (task, NULL, error);
      return;
    }
  /* Then the PIN's keys, with a new salt at this machine's PBKDF2 count:
   * one worker at a time, so that a two-core machine keeps a core for
   * the main loop. */
  enr_pin_guard_derive_async (enrol->pin, salt, self->key_iterations,
                              g_task_get_cancellable (task), new_keys_cb, task);
}

void
_enr_session_enrol_key_async (EnrSession          *self,
                              const char          *pin,
                              const char          *otp,
                              const char          *txn,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  EnrolKey *enrol = g_new0 (EnrolKey, 1);

  g_task_set_source_tag (task, _enr_session_enrol_key_async);
  enrol->pin = enr_secure_strdup (pin);
  enrol->otp = otp != NULL ? enr_secure_strdup (otp) : NULL;
  enrol->txn = g_strdup (txn);
  g_task_set_task_data (task, enrol, (GDestroyNotify) enrol_key_free);
  enr_kak_generate_async (cancellable, kak_made_cb, task);
}

char *
_enr_session_enrol_key_finish (EnrSession    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- The PIN guard ------------------------------------------------------------------- */

/*
 * What unlocking and changing the PIN share: the handle read (its salt and
 * count), the typed PINs' keys, SmartCA's answer to the verifier. Freed
 * with the task, and every secret in it dropped as soon as it has served.
 */
typedef struct
{
  EnrSecureString *pin;
  EnrSecureString *new_pin;     /* a change of PIN's */
  EnrPinGuardKeys *keys;
  EnrPinGuardKeys *new_keys;
  GBytes          *salt;
  guint            iterations;
  GBytes          *pin_share;
} Guard;

static void
guard_forget (Guard *guard)
{
  g_clear_pointer (&guard->pin, enr_secure_string_free);
  g_clear_pointer (&guard->new_pin, enr_secure_string_free);
  g_clear_pointer (&guard->keys, enr_pin_guard_keys_free);
  g_clear_pointer (&guard->new_keys, enr_pin_guard_keys_free);
  g_clear_pointer (&guard->pin_share, g_bytes_unref);
}

static void
guard_free (Guard *guard)
{
  guard_forget (guard);
  g_clear_pointer (&guard->salt, g_bytes_unref);
  g_free (guard);
}

static Guard *
guard_new (const char *pin,
           const char *new_pin)
{
  Guard *guard = g_new0 (Guard, 1);

  guard->pin = enr_secure_strdup (pin);
  guard->new_pin = new_pin != NULL ? enr_secure_strdup (new_pin) : NULL;
  return guard;
}

/* What the PIN guard said, for :pin-attempts-left; the error is left as it
 * is, but for a credential that has no guard (activated before it), which
 * only a change of device can give one. Takes @error, returns the error to
 * end with. */
static GError *
guard_refused (EnrSession *self,
               GError     *error)
{
  const EnrServiceErrorDetails *said = enr_service_error_get_details (error);

  if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_WRONG))
    {
      if (said != NULL && said->attempts_left >= 0)
        _enr_session_set_pin_attempts_left (self, (gint) MIN (said->attempts_left,
                                                              ENR_SESSION_PIN_ATTEMPTS));
    }
  else if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_LOCKED))
    _enr_session_set_pin_attempts_left (self, 0);
  else if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_WRONG_STATE))
    {
      g_info ("SmartCA holds no PIN guard for this credential: %s", error->message);
      g_error_free (error);
      error = g_error_new_literal (ENR_STORE_ERROR, ENR_STORE_ERROR_OUTDATED,
                                   enr_store_error_message (ENR_STORE_ERROR_OUTDATED));
    }
  return error;
}

/* The handle's salt and count, checked by the store as it reads it. */
static gboolean
guard_take_handle (Guard         *guard,
                   EnrKeyHandle  *handle,
                   GError       **error)
{
  if (enr_key_handle_is_outdated (handle))
    {
      enr_store_error_set (error, ENR_STORE_ERROR_OUTDATED, "a key from before the PIN guard");
      return FALSE;
    }
  if (!enr_key_handle_has_key (handle))
    {
      enr_store_error_set (error, ENR_STORE_ERROR_NO_KEY, "no key kept");
      return FALSE;
    }
  guard->salt = enr_key_handle_get_salt (handle);
  guard->iterations = enr_key_handle_get_iterations (handle);
  return TRUE;
}

/* --- Asking the PIN guard ------------------------------------------------------------- */

static void guard_step (GTask *task);

static void
guard_handle_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Guard *guard = g_task_get_task_data (task);
  g_autoptr(EnrKeyHandle) handle = NULL;
  GError *error = NULL;

  handle = enr_key_store_lookup_finish (ENR_KEY_STORE (object), result, &error);
  if (handle == NULL || !guard_take_handle (guard, handle, &error))
    {
      guard_forget (guard);
      g_task_return_error (task, error);
      return;
    }
  guard_step (g_steal_pointer (&task));
}

static void
guard_keys_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Guard *guard = g_task_get_task_data (task);
  EnrPinGuardKeys **slot = guard->keys == NULL ? &guard->keys : &guard->new_keys;
  GError *error = NULL;

  *slot = enr_pin_guard_derive_finish (result, &error);
  /* Each PIN leaves memory as soon as its keys are made. */
  g_clear_pointer (slot == &guard->keys ? &guard->pin : &guard->new_pin, enr_secure_string_free);
  if (*slot == NULL)
    {
      guard_forget (guard);
      g_task_return_error (task, error);
      return;
    }
  guard_step (g_steal_pointer (&task));
}

static void
guard_verified_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  Guard *guard = g_task_get_task_data (task);
  GError *error = NULL;

  guard->pin_share = enr_smartca_client_verify_pin_finish (ENR_SMARTCA_CLIENT (object), result,
                                                          &error);
  if (guard->pin_share == NULL)
    {
      guard_forget (guard);
      g_task_return_error (task, guard_refused (self, error));
      return;
    }
  _enr_session_set_pin_attempts_left (self, ENR_SESSION_PIN_ATTEMPTS);
  g_task_return_boolean (task, TRUE);
}

/* One step of guard_verify(): the handle's salt and count, the typed
 * PIN's keys, a new PIN's keys (the same salt and count: one typed PIN
 * gives one verifier), then ssa/sic/pin/verify. Takes @task. */
static void
guard_step (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);
  Guard *guard = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GBytes) verifier = NULL;

  if (guard->salt == NULL)
    enr_key_store_lookup_async (self->store, self->handle_id, self->smartca_url, cancellable,
                                guard_handle_cb, task);
  else if (guard->keys == NULL)
    enr_pin_guard_derive_async (guard->pin, guard->salt, guard->iterations, cancellable,
                                guard_keys_cb, task);
  else if (guard->new_pin != NULL)
    enr_pin_guard_derive_async (guard->new_pin, guard->salt, guard->iterations, cancellable,
                                guard_keys_cb, task);
  else
    {
      verifier = enr_pin_guard_keys_get_verifier (guard->keys);
      enr_smartca_client_verify_pin_async (self->smartca, self->credential_id, verifier,
                                           cancellable, guard_verified_cb, task);
    }
}

/*
 * What unlocking and changing the PIN begin with: @guard's PIN (and new
 * PIN) made into keys with the handle's salt and count, and the PIN's
 * verifier sent to SmartCA, whose share lands in @guard. @guard belongs
 * to the caller's task and outlives this one. A wrong PIN costs a try and
 * nothing else.
 */
static void
guard_verify_async (EnrSession          *self,
                    Guard               *guard,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, guard_verify_async);
  g_task_set_task_data (task, guard, NULL);
  if (self->handle_id == NULL || self->credential_id == NULL)
    {
      g_task_return_error (task, g_error_new_literal (ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND,
                                                      enr_store_error_message (
                                                        ENR_STORE_ERROR_NOT_FOUND)));
      g_object_unref (task);
      return;
    }
  guard_step (task);
}

static gboolean
guard_verify_finish (EnrSession    *self,
                     GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- Opening the key -------------------------------------------------------------------- */

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  EnrKak *kak;

  kak = enr_key_store_open_finish (ENR_KEY_STORE (object), result, &error);
  if (kak == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, kak, g_object_unref);
}

static void
unlock_verified_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  Guard *guard = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GBytes) pin_key = NULL;
  GError *error = NULL;

  if (!guard_verify_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  pin_key = enr_pin_guard_keys_get_pin_key (guard->keys);
  enr_key_store_open_async (self->store, self->handle_id, self->smartca_url, pin_key,
                            guard->pin_share, cancellable, opened_cb, g_steal_pointer (&task));
  /* The store holds its own copies now. */
  guard_forget (guard);
}

void
_enr_session_unlock_async (EnrSession          *self,
                           const char          *pin,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Guard *guard = guard_new (pin, NULL);

  g_task_set_source_tag (task, _enr_session_unlock_async);
  g_task_set_task_data (task, guard, (GDestroyNotify) guard_free);
  guard_verify_async (self, guard, cancellable, unlock_verified_cb, task);
}

EnrKak *
_enr_session_unlock_finish (EnrSession    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- Changing the PIN ----------------------------------------------------------------- */

static void
change_settled_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(EnrKak) kak = NULL;
  GError *error = NULL;

  /* SmartCA takes the new PIN: the new wrapping opens and stays alone. */
  kak = enr_key_store_open_finish (ENR_KEY_STORE (object), result, &error);
  if (kak == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  enr_kak_wipe (kak);
  g_info ("the PIN was changed");
  g_task_return_boolean (task, TRUE);
}

static void
pin_changed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  Guard *guard = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GBytes) pin_share = NULL;
  g_autoptr(GBytes) new_pin_key = NULL;
  GError *error = NULL;

  pin_share = enr_smartca_client_change_pin_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  if (pin_share == NULL)
    {
      /* Both wrappings stay: whichever PIN SmartCA took opens the key
       * next time, and that unlock keeps its wrapping alone. */
      guard_forget (guard);
      g_task_return_error (task, guard_refused (self, error));
      return;
    }
  new_pin_key = enr_pin_guard_keys_get_pin_key (guard->new_keys);
  enr_key_store_open_async (self->store, self->handle_id, self->smartca_url, new_pin_key,
                            pin_share, cancellable, change_settled_cb, g_steal_pointer (&task));
  guard_forget (guard);
}

static void
pending_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  Guard *guard = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GBytes) verifier = NULL;
  g_autoptr(GBytes) new_verifier = NULL;
  GError *error = NULL;

  if (!enr_key_store_add_pending_finish (ENR_KEY_STORE (object), result, &error))
    {
      guard_forget (guard);
      g_task_return_error (task, error);
      return;
    }
  /* The new PIN's wrapping is kept beside the old one: now SmartCA. */
  g_clear_pointer (&guard->pin_share, g_bytes_unref);
  verifier = enr_pin_guard_keys_get_verifier (guard->keys);
  new_verifier = enr_pin_guard_keys_get_verifier (guard->new_keys);
  g_clear_pointer (&guard->keys, enr_pin_guard_keys_free);
  enr_smartca_client_change_pin_async (self->smartca, self->credential_id, verifier,
                                       new_verifier, cancellable, pin_changed_cb,
                                       g_steal_pointer (&task));
}

static void
change_verified_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  Guard *guard = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GBytes) pin_key = NULL;
  g_autoptr(GBytes) new_pin_key = NULL;
  GError *error = NULL;

  /* The current PIN is checked first: a wrong one costs a try and
   * nothing else, and a right one gives the share the new wrapping needs
   * before SmartCA is asked to change anything. */
  if (!guard_verify_finish (self, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  pin_key = enr_pin_guard_keys_get_pin_key (guard->keys);
  new_pin_key = enr_pin_guard_keys_get_pin_key (guard->new_keys);
  enr_key_store_add_pending_async (self->store, self->handle_id, self->smartca_url, pin_key,
                                   new_pin_key, guard->pin_share, cancellable,
                                   pending_stored_cb, g_steal_pointer (&task));
}

void
_enr_session_change_pin_async (EnrSession          *self,
                               const char          *old_pin,
                               const char          *new_pin,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Guard *guard = guard_new (old_pin, new_pin);

  g_task_set_source_tag (task, _enr_session_change_pin_async);
  g_task_set_task_data (task, guard, (GDestroyNotify) guard_free);
  guard_verify_async (self, guard, cancellable, change_verified_cb, task);
}

gboolean
_enr_session_change_pin_finish (EnrSession    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- Opening a transaction ------------------------------------------------------------- */

typedef struct
{
  char   *tran_id;
  EnrKak *kak;
} OpenTransaction;

static void
open_transaction_free (OpenTransaction *open)
{
  g_free (open->tran_id);
  if (open->kak != NULL)
    enr_kak_wipe (open->kak);
  g_clear_object (&open->kak);
  g_free (open);
}

static void
transaction_fetched_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrTransaction *transaction;
  GError *error = NULL;

  transaction = enr_smartca_client_get_transaction_finish (ENR_SMARTCA_CLIENT (object), result,
                                                           &error);
  if (transaction == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, transaction, (GDestroyNotify) enr_transaction_free);
}

static void
transaction_unlocked_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = ENR_SESSION (object);
  OpenTransaction *open = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  open->kak = _enr_session_unlock_finish (self, result, &error);
  if (open->kak == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  enr_smartca_client_get_transaction_async (self->smartca, open->tran_id, cancellable,
                                            transaction_fetched_cb, g_steal_pointer (&task));
}

void
_enr_session_open_transaction_async (EnrSession          *self,
                                     const char          *pin,
                                     const char          *tran_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  OpenTransaction *open = g_new0 (OpenTransaction, 1);

  g_task_set_source_tag (task, _enr_session_open_transaction_async);
  open->tran_id = g_strdup (tran_id);
  g_task_set_task_data (task, open, (GDestroyNotify) open_transaction_free);
  _enr_session_unlock_async (self, pin, cancellable, transaction_unlocked_cb, task);
}

EnrTransaction *
_enr_session_open_transaction_finish (EnrSession    *self,
                                      GAsyncResult  *result,
                                      EnrKak       **kak,
                                      GError       **error)
{
  OpenTransaction *open;
  EnrTransaction *transaction;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (kak != NULL, NULL);

  transaction = g_task_propagate_pointer (G_TASK (result), error);
  open = g_task_get_task_data (G_TASK (result));
  *kak = transaction != NULL ? g_steal_pointer (&open->kak) : NULL;
  return transaction;
}

/* --- Approving a transaction ------------------------------------------------------------- */

static void
confirmed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrTransactionResult *outcome;
  GError *error = NULL;

  outcome = enr_smartca_client_confirm_transaction_finish (ENR_SMARTCA_CLIENT (object), result,
                                                           &error);
  if (outcome == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, outcome, (GDestroyNotify) enr_transaction_result_free);
}

void
_enr_session_approve_async (EnrSession           *self,
                            EnrKak               *kak,
                            const EnrTransaction *transaction,
                            const char * const   *hashes,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *sad = NULL;
  GError *error = NULL;

  g_task_set_source_tag (task, _enr_session_approve_async);
  sad = make_sad (self, kak, transaction->tran_id, transaction->challenge, hashes, &error);
  if (sad == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  enr_smartca_client_confirm_transaction_async (self->smartca, transaction->tran_id,
                                                self->credential_id, sad, cancellable,
                                                confirmed_cb, g_steal_pointer (&task));
  enr_secure_wipe (sad, strlen (sad));
}

EnrTransactionResult *
_enr_session_approve_finish (EnrSession    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
