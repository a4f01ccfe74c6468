/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The citizen's key-authorisation key (KAK): made and registered (the key
 * pipeline activation and the change of device share), opened with the
 * PIN, and used to approve a transaction. The KAK is in memory only while
 * one of these needs it; between them it exists only wrapped under the PIN.
 */
#define G_LOG_DOMAIN "enr-session-key"

#include "config.h"

#include <string.h>

#include "enr-pin-policy.h"
#include "enr-sad.h"
#include "enr-session-impl.h"
#include "enr-store-error.h"

/* A SAD (PROTOCOL.md) signed with @kak for this session's device and
 * credential, approving @txn over the service's @challenge. */
static char *
make_sad (EnrSession  *self,
          EnrKak      *kak,
          const char  *txn,
          const char  *challenge,
          GError     **error)
{
  EnrSadClaims claims = {
    .device_id = self->device_id,
    .credential_id = self->credential_id,
    .txn = txn,
    .challenge = challenge,
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
  g_free (enrol->challenge);
  g_free (enrol);
}

static void
enrol_key_return (GTask  *task,
                  char   *sad,
                  GError *error)
{
  EnrolKey *enrol = g_task_get_task_data (task);

  /* The KAK is kept now (or failed to be): it leaves memory at once. */
  if (enrol->kak != NULL)
    enr_kak_wipe (enrol->kak);
  g_clear_object (&enrol->kak);
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
  _enr_session_set_pin_attempts_left (self, (gint) enr_key_handle_get_attempts_left (handle));

  sad = make_sad (self, enrol->kak, enrol->txn, enrol->challenge, &error);
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

  ids.citizen_id = self->citizen_id;
  ids.service_url = self->smartca_url;
  ids.credential_id = self->credential_id;
  ids.device_id = self->device_id;
  enr_key_store_create_async (self->store, &ids, enrol->kak, enrol->pin, self->key_iterations,
                              g_task_get_cancellable (task), handle_created_cb, task);
}

static void
kak_made_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrolKey *enrol = g_task_get_task_data (task);
  g_autoptr(GBytes) public_key = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;

  enrol->kak = enr_kak_generate_finish (result, &error);
  if (enrol->kak == NULL)
    {
      enrol_key_return (task, NULL, error);
      return;
    }

  if (self->device_id == NULL)
    self->device_id = g_uuid_string_random ();
  public_key = enr_kak_get_public_key (enrol->kak);
  name = self->kiosk ? g_strdup_printf ("Kiosk %s", g_get_host_name ())
                     : g_strdup (g_get_host_name ());
  enr_smartca_client_activate_async (self->smartca, public_key, self->device_id, name,
                                     self->kiosk ? "linux-kiosk" : "linux-desktop", enrol->otp,
                                     g_task_get_cancellable (task), activated_cb, task);
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

/* --- Opening the key -------------------------------------------------------------------- */

static void
unlocked_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  guint attempts_left = 0;
  EnrKak *kak;

  kak = enr_key_store_unlock_finish (ENR_KEY_STORE (object), result, &attempts_left, &error);
  if (kak == NULL)
    {
      if (g_error_matches (error, ENR_STORE_ERROR, ENR_STORE_ERROR_WRONG_PIN))
        {
          _enr_session_set_pin_attempts_left (self, (gint) attempts_left);
          g_clear_error (&error);
          error = _enr_session_error_wrong_pin ((gint) attempts_left);
        }
      else if (g_error_matches (error, ENR_STORE_ERROR, ENR_STORE_ERROR_HANDLE_LOCKED))
        _enr_session_set_pin_attempts_left (self, 0);
      g_task_return_error (task, error);
      return;
    }
  _enr_session_set_pin_attempts_left (self, ENR_KEY_HANDLE_MAX_ATTEMPTS);
  g_task_return_pointer (task, kak, g_object_unref);
}

static void
unlock_async (EnrSession          *self,
                           const char          *pin,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, unlock_async);
  enr_key_store_unlock_async (self->store, self->citizen_id, self->smartca_url, pin, cancellable,
                              unlocked_cb, task);
}

static EnrKak *
unlock_finish (EnrSession    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
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

  open->kak = unlock_finish (self, result, &error);
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
  unlock_async (self, pin, cancellable, transaction_unlocked_cb, task);
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
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *sad = NULL;
  GError *error = NULL;

  g_task_set_source_tag (task, _enr_session_approve_async);
  sad = make_sad (self, kak, transaction->tran_id, transaction->challenge, &error);
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
