/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Step 5: the PIN, the KAK, the certificate, and the acceptance record the
 * citizen approves with the PIN. The KAK is in memory only while an
 * action needs it; between actions it exists only wrapped under the PIN.
 */
#define G_LOG_DOMAIN "enr-session-activate"

#include "config.h"

#include <string.h>

#include "enr-crypto-error.h"
#include "enr-pin-policy.h"
#include "enr-sad.h"
#include "enr-service-error.h"
#include "enr-session-private.h"
#include "enr-store-error.h"

#define TXN_ACTIVATION "activation"

static gboolean
lost_answer (const GError *error)
{
  return g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_UNAVAILABLE) ||
         g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_TIMEOUT) ||
         g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NO_NETWORK);
}

/* Ends the action, dropping the KAK from memory first. */
static void
end (GTask  *task,
     GError *error)
{
  EnrAction *action = enr_session_action (task);

  if (action->kak != NULL)
    enr_kak_wipe (action->kak);
  g_clear_object (&action->kak);
  g_clear_pointer (&action->secret, enr_secure_string_free);
  g_clear_pointer (&action->secret2, enr_secure_string_free);
  enr_session_end_action (task, error);
}

static gboolean
failed (GTask  *task,
        GError *error)
{
  if (error == NULL)
    return FALSE;
  end (task, error);
  return TRUE;
}

char *
enr_session_make_sad (EnrSession  *self,
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

/* --- Activation ------------------------------------------------------------------------ */

static void
record_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  GError *error = NULL;

  if (!enr_session_load_acceptance_record_finish (self, result, &error))
    {
      end (task, error);
      return;
    }
  enr_session_checkpoint (self);
  end (task, NULL);
}

static void
issued_certificate_verified_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  GError *error = NULL;

  if (!enr_session_load_certificate_finish (self, result, &error))
    {
      /* Not this citizen's, or not from the configured CA: nothing is
       * signed with it. */
      g_message ("The issued certificate does not check out: %s", error->message);
      end (task, error);
      return;
    }
  enr_session_load_acceptance_record_async (self, enr_session_action_cancellable (task),
                                            record_loaded_cb, task);
}

static void
activation_reconciled_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  GError *original = g_object_steal_data (G_OBJECT (task), "enr-error");
  g_autoptr(GError) error = NULL;

  /* The answer was lost, but the service may have issued the certificate:
   * if it did, the step went through. */
  if (enr_session_reconcile_finish (self, result, &error) && self->acceptance_record != NULL &&
      self->certificate != NULL)
    {
      g_clear_error (&original);
      end (task, NULL);
      return;
    }
  end (task, original);
}

static void
certificate_issued_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrIssuedCertificate) issued = NULL;
  GError *error = NULL;

  issued = enr_smartca_client_request_certificate_finish (ENR_SMARTCA_CLIENT (object), result,
                                                          &error);
  if (issued == NULL)
    {
      if (lost_answer (error))
        {
          g_object_set_data (G_OBJECT (task), "enr-error", error);
          enr_session_reconcile_async (self, enr_session_action_cancellable (task),
                                       activation_reconciled_cb, task);
          return;
        }
      end (task, error);
      return;
    }

  enr_session_set_string (&self->acceptance_tran_id, issued->tran_id);
  enr_session_set_smartca_state (self, enr_enrollment_state_to_string (issued->state));
  enr_session_load_certificate_async (self, issued->certificate, issued->chain,
                                      enr_session_action_cancellable (task),
                                      issued_certificate_verified_cb, task);
}

static void
handle_created_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrAction *action = enr_session_action (task);
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autofree char *sad = NULL;
  GError *error = NULL;

  handle = enr_key_store_create_finish (ENR_KEY_STORE (object), result, &error);
  if (failed (task, error))
    return;
  enr_session_set_pin_attempts_left (self, (gint) enr_key_handle_get_attempts_left (handle));

  sad = enr_session_make_sad (self, action->kak, TXN_ACTIVATION, action->text, &error);
  if (failed (task, error))
    return;
  /* The KAK is kept now; the acceptance record is approved with the PIN. */
  enr_kak_wipe (action->kak);
  g_clear_object (&action->kak);

  enr_smartca_client_request_certificate_async (self->smartca, self->credential_id, sad,
                                                action->cancellable, certificate_issued_cb, task);
  enr_secure_wipe (sad, strlen (sad));
}

static void
activated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrAction *action = enr_session_action (task);
  g_autoptr(EnrActivation) activation = NULL;
  EnrKeyHandleIds ids = { 0 };
  GError *error = NULL;

  activation = enr_smartca_client_activate_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  if (failed (task, error))
    return;

  g_info ("credential %s awaits its certificate", activation->credential_id);
  enr_session_set_string (&self->credential_id, activation->credential_id);
  enr_session_set_smartca_state (self, enr_enrollment_state_to_string (activation->state));
  enr_session_set_certificate (self, NULL);
  enr_session_set_acceptance_record (self, NULL);
  enr_session_checkpoint (self);
  g_free (action->text);
  action->text = g_strdup (activation->challenge);

  ids.citizen_id = self->citizen_id;
  ids.service_url = self->smartca_url;
  ids.credential_id = self->credential_id;
  ids.device_id = self->device_id;
  enr_key_store_create_async (self->store, &ids, action->kak, action->secret,
                              self->key_iterations, action->cancellable, handle_created_cb, task);
}

static void
kak_made_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrAction *action = enr_session_action (task);
  g_autoptr(GBytes) public_key = NULL;
  g_autofree char *name = NULL;
  GError *error = NULL;

  action->kak = enr_kak_generate_finish (result, &error);
  if (failed (task, error))
    return;

  if (self->device_id == NULL)
    self->device_id = g_uuid_string_random ();
  public_key = enr_kak_get_public_key (action->kak);
  name = self->kiosk ? g_strdup_printf ("Kiosk %s", g_get_host_name ())
                     : g_strdup (g_get_host_name ());
  enr_smartca_client_activate_async (self->smartca, public_key, self->device_id, name,
                                     self->kiosk ? "linux-kiosk" : "linux-desktop", NULL,
                                     action->cancellable, activated_cb, task);
}

GDate *
enr_session_dup_date_of_birth (EnrSession *self)
{
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *text = NULL;
  GDate *date;

  if (self->identity == NULL || self->identity->date_of_birth == NULL)
    return NULL;
  text = g_strconcat (self->identity->date_of_birth, "T00:00:00Z", NULL);
  time = g_date_time_new_from_iso8601 (text, NULL);
  if (time == NULL)
    return NULL;
  date = g_date_new_dmy ((GDateDay) g_date_time_get_day_of_month (time),
                         (GDateMonth) g_date_time_get_month (time),
                         (GDateYear) g_date_time_get_year (time));
  return date;
}

void
enr_session_activate_async (EnrSession          *self,
                            const char          *pin,
                            const char          *confirmation,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GDate) birth = NULL;
  EnrAction *action;
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));
  g_return_if_fail (pin != NULL);

  task = enr_session_begin_action (self, TRUE, cancellable, callback, user_data,
                                   enr_session_activate_async);
  if (task == NULL)
    return;
  action = enr_session_action (task);

  /* The policy first: a refused PIN costs no key and no call. */
  birth = enr_session_dup_date_of_birth (self);
  if (!enr_pin_policy_validate (pin, confirmation, birth, &error))
    {
      end (task, error);
      return;
    }
  if (!enr_smartca_client_has_tokens (self->smartca))
    {
      end (task, enr_session_service_error (ENR_SERVICE_ERROR_LOGIN_EXPIRED));
      return;
    }

  action->secret = enr_secure_strdup (pin);
  enr_kak_generate_async (action->cancellable, kak_made_cb, task);
}

gboolean
enr_session_activate_finish (EnrSession    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return enr_session_finish_action (self, result, enr_session_activate_async, error);
}

/* --- The acceptance record ---------------------------------------------------------- */

static void
certificate_checked_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  g_autoptr(GError) error = NULL;

  /* The record is signed: that the services' views could not be compared
   * just now is for step 6 to say, not a failure of this one. */
  if (!enr_session_check_certificate_finish (self, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_info ("the certificate could not be checked with both services yet: %s",
              error->message);
      enr_session_note_error (self, error);
    }
  end (task, NULL);
}

static void
signed_record_checked_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrSessionDocument *document = g_object_steal_data (G_OBJECT (task), "enr-document");
  GError *error = NULL;

  if (!enr_session_verify_signed_finish (self, result, &error))
    {
      g_message ("The signed acceptance record does not verify: %s", error->message);
      enr_session_document_free (document);
      end (task, error);
      return;
    }

  g_info ("the acceptance record is signed and verified");
  enr_session_keep_document (self, enr_session_document_file (TRUE), document);
  enr_session_set_signed_acceptance (self, document);
  enr_session_set_acceptance_record (self, NULL);
  enr_session_set_smartca_state (self, "ACTIVE");
  enr_session_set_step (self, ENR_SESSION_STEP_CERTIFICATE);
  enr_session_checkpoint (self);

  enr_session_check_certificate_async (self, enr_session_action_cancellable (task),
                                       certificate_checked_cb, task);
}

static void
acceptance_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrAction *action = enr_session_action (task);
  g_autoptr(EnrAcceptance) acceptance = NULL;
  EnrSessionDocument *document;
  GError *error = NULL;

  acceptance = enr_smartca_client_get_acceptance_finish (ENR_SMARTCA_CLIENT (object), result,
                                                         &error);
  if (failed (task, error))
    return;

  document = g_new0 (EnrSessionDocument, 1);
  document->name = g_strdup (acceptance->signed_document->name);
  document->data = g_bytes_ref (acceptance->signed_document->data);
  g_object_set_data_full (G_OBJECT (task), "enr-document", document,
                          (GDestroyNotify) enr_session_document_free);

  /* Signed by the citizen's certificate, over exactly the hash approved. */
  enr_session_verify_signed_async (self, document->data, action->text, action->cancellable,
                                   signed_record_checked_cb, task);
}

static void
record_replaced_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  GError *original = g_object_steal_data (G_OBJECT (task), "enr-error");
  g_autoptr(GError) error = NULL;

  /* The citizen is shown the record that replaced the one refused. */
  if (!enr_session_reconcile_finish (ENR_SESSION (object), result, &error))
    g_info ("no new acceptance record yet: %s", error->message);
  end (task, original);
}

static void
replace_record_then_fail (GTask           *task,
                          EnrServiceError  code)
{
  EnrSession *self = g_task_get_source_object (task);

  g_object_set_data (G_OBJECT (task), "enr-error", enr_session_service_error (code));
  enr_session_reconcile_async (self, enr_session_action_cancellable (task), record_replaced_cb,
                               task);
}

static void
confirmed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrTransactionResult) outcome = NULL;
  GError *error = NULL;

  outcome = enr_smartca_client_confirm_transaction_finish (ENR_SMARTCA_CLIENT (object), result,
                                                           &error);
  if (outcome == NULL)
    {
      if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED) ||
          g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NOT_FOUND))
        replace_record_then_fail (task, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED);
      else
        end (task, error);
      return;
    }

  g_info ("acceptance record transaction: status %" G_GINT64_FORMAT, outcome->tran_status);
  switch (outcome->tran_status)
    {
    case 1:   /* SUCCESS */
      enr_smartca_client_get_acceptance_async (self->smartca,
                                               enr_session_action_cancellable (task),
                                               acceptance_cb, task);
      return;
    case 4001:   /* EXPIRED */
      replace_record_then_fail (task, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED);
      return;
    case 4002:   /* SIGNER_REJECTED */
      replace_record_then_fail (task, ENR_SERVICE_ERROR_TRANSACTION_REJECTED);
      return;
    default:
      end (task, enr_session_service_error (ENR_SERVICE_ERROR_FAILED));
      return;
    }
}

static void
transaction_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrAction *action = enr_session_action (task);
  g_autoptr(EnrTransaction) transaction = NULL;
  g_autofree char *sad = NULL;
  EnrTransactionDocument *document;
  GError *error = NULL;

  transaction = enr_smartca_client_get_transaction_finish (ENR_SMARTCA_CLIENT (object), result,
                                                           &error);
  if (transaction == NULL)
    {
      /* Expired and replaced, most likely: show the new one. */
      if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NOT_FOUND))
        {
          g_error_free (error);
          replace_record_then_fail (task, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED);
          return;
        }
      end (task, error);
      return;
    }

  /* What is approved must be what the citizen was shown. */
  document = g_ptr_array_index (transaction->documents, 0);
  if (transaction->documents->len != 1 ||
      g_strcmp0 (document->hash, self->acceptance_record->hash) != 0)
    {
      replace_record_then_fail (task, ENR_SERVICE_ERROR_HASH_MISMATCH);
      return;
    }
  g_free (action->text);
  action->text = g_strdup (document->hash);

  sad = enr_session_make_sad (self, action->kak, transaction->tran_id, transaction->challenge,
                              &error);
  if (failed (task, error))
    return;
  enr_smartca_client_confirm_transaction_async (self->smartca, transaction->tran_id,
                                                self->credential_id, sad, action->cancellable,
                                                confirmed_cb, task);
  enr_secure_wipe (sad, strlen (sad));
}

static void
unlocked_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrAction *action = enr_session_action (task);
  GError *error = NULL;
  guint attempts_left = 0;

  action->kak = enr_key_store_unlock_finish (ENR_KEY_STORE (object), result, &attempts_left,
                                             &error);
  if (action->kak == NULL)
    {
      if (g_error_matches (error, ENR_STORE_ERROR, ENR_STORE_ERROR_WRONG_PIN))
        enr_session_set_pin_attempts_left (self, (gint) attempts_left);
      else if (g_error_matches (error, ENR_STORE_ERROR, ENR_STORE_ERROR_HANDLE_LOCKED))
        enr_session_set_pin_attempts_left (self, 0);
      end (task, error);
      return;
    }
  enr_session_set_pin_attempts_left (self, ENR_KEY_HANDLE_MAX_ATTEMPTS);
  g_clear_pointer (&action->secret, enr_secure_string_free);

  enr_smartca_client_get_transaction_async (self->smartca, self->acceptance_tran_id,
                                            action->cancellable, transaction_cb, task);
}

void
enr_session_sign_acceptance_async (EnrSession          *self,
                                   const char          *pin,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  EnrAction *action;
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));
  g_return_if_fail (pin != NULL);

  task = enr_session_begin_action (self, TRUE, cancellable, callback, user_data,
                                   enr_session_sign_acceptance_async);
  if (task == NULL)
    return;
  action = enr_session_action (task);

  if (!enr_smartca_client_has_tokens (self->smartca))
    {
      end (task, enr_session_service_error (ENR_SERVICE_ERROR_LOGIN_EXPIRED));
      return;
    }
  if (self->acceptance_record == NULL || self->acceptance_tran_id == NULL ||
      self->certificate == NULL || self->credential_id == NULL || self->device_id == NULL)
    {
      end (task, enr_session_service_error (ENR_SERVICE_ERROR_WRONG_STATE));
      return;
    }

  action->secret = enr_secure_strdup (pin);
  enr_key_store_unlock_async (self->store, self->citizen_id, self->smartca_url, action->secret,
                              action->cancellable, unlocked_cb, task);
}

gboolean
enr_session_sign_acceptance_finish (EnrSession    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return enr_session_finish_action (self, result, enr_session_sign_acceptance_async, error);
}
