/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Step 5: the PIN, the KAK (enr-session-key.c), the certificate, and the
 * acceptance record the citizen approves with the PIN.
 */
#define G_LOG_DOMAIN "enr-session-activate"

#include "config.h"

#include "enr-session-impl.h"

#define TXN_ACTIVATION "activation"

static gboolean
lost_answer (const GError *error)
{
  return g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_UNAVAILABLE) ||
         g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_TIMEOUT) ||
         g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NO_NETWORK);
}

/* --- Activation ------------------------------------------------------------------------ */

/* The error a lost answer left, kept while the session finds out whether
 * the certificate was issued all the same. */
typedef struct
{
  GError *lost;
} Activate;

static void
activate_free (Activate *activate)
{
  g_clear_error (&activate->lost);
  g_free (activate);
}

static void
record_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  GError *error = NULL;

  if (_enr_session_load_acceptance_record_finish (self, result, &error))
    _enr_session_checkpoint (self);
  _enr_session_end_action (self, task, error);
}

static void
issued_certificate_verified_cb (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  GError *error = NULL;

  if (!_enr_session_load_certificate_finish (self, result, &error))
    {
      /* Not this citizen's, or not from the configured CA: nothing is
       * signed with it. */
      g_message ("The issued certificate does not check out: %s", error->message);
      _enr_session_end_action (self, task, error);
      return;
    }
  _enr_session_load_acceptance_record_async (self, g_task_get_cancellable (task),
                                             record_loaded_cb, task);
}

static void
activation_reconciled_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  Activate *activate = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The answer was lost, but the service may have issued the certificate:
   * if it did, the step went through. */
  if (_enr_session_reconcile_finish (self, result, &error) && self->acceptance_record != NULL &&
      self->certificate != NULL)
    {
      _enr_session_end_action (self, task, NULL);
      return;
    }
  _enr_session_end_action (self, task, g_steal_pointer (&activate->lost));
}

static void
certificate_issued_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  Activate *activate = g_task_get_task_data (task);
  g_autoptr(EnrIssuedCertificate) issued = NULL;
  GError *error = NULL;

  issued = enr_smartca_client_request_certificate_finish (ENR_SMARTCA_CLIENT (object), result,
                                                          &error);
  if (issued == NULL && lost_answer (error))
    {
      activate->lost = error;
      _enr_session_reconcile_async (self, g_task_get_cancellable (task),
                                    activation_reconciled_cb, task);
      return;
    }
  if (issued == NULL)
    {
      _enr_session_end_action (self, task, error);
      return;
    }

  _enr_session_set_string (&self->acceptance_tran_id, issued->tran_id);
  _enr_session_set_smartca_state (self, enr_enrollment_state_to_string (issued->state));
  _enr_session_load_certificate_async (self, issued->certificate, issued->chain,
                                       g_task_get_cancellable (task),
                                       issued_certificate_verified_cb, task);
}

static void
key_enrolled_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  g_autoptr(EnrSecureString) sad = NULL;
  GError *error = NULL;

  sad = _enr_session_enrol_key_finish (self, result, &error);
  if (sad == NULL)
    {
      _enr_session_end_action (self, task, error);
      return;
    }
  /* A new KAK means a new certificate: what was shown of an earlier one goes. */
  _enr_session_set_certificate (self, NULL);
  _enr_session_set_acceptance_record (self, NULL);
  _enr_session_checkpoint (self);
  enr_smartca_client_request_certificate_async (self->smartca, self->credential_id, sad,
                                                g_task_get_cancellable (task),
                                                certificate_issued_cb, task);
}

void
enr_session_activate_async (EnrSession          *self,
                            const char          *pin,
                            const char          *confirmation,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));
  g_return_if_fail (pin != NULL);

  task = _enr_session_begin_action (self, self, cancellable, callback, user_data,
                                    enr_session_activate_async);
  if (task == NULL)
    return;
  g_task_set_task_data (task, g_new0 (Activate, 1), (GDestroyNotify) activate_free);

  /* The rules first: a refused PIN costs no key and no call. */
  if (!_enr_session_validate_new_pin (self, pin, confirmation, &error))
    {
      _enr_session_end_action (self, task, error);
      return;
    }
  if (_enr_session_need_smartca (self, task))
    _enr_session_enrol_key_async (self, pin, NULL, TXN_ACTIVATION, g_task_get_cancellable (task),
                                  key_enrolled_cb, task);
}

gboolean
enr_session_activate_finish (EnrSession    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  return _enr_session_finish_action (self, result, enr_session_activate_async, error);
}

/* --- The acceptance record ---------------------------------------------------------- */

/* What the citizen approved, until the signed record proves it. */
typedef struct
{
  char               *pin;
  EnrKak             *kak;
  EnrTransaction     *transaction;
  char               *approved_hash; /* recomputed from the record's bytes the citizen saw */
  EnrSessionDocument *signed_record;
  GError             *refusal;       /* why, while a new record replaces the refused one */
} SignAcceptance;

static void
sign_acceptance_free (SignAcceptance *sign)
{
  enr_secure_clear_string (&sign->pin);
  if (sign->kak != NULL)
    enr_kak_wipe (sign->kak);
  g_clear_object (&sign->kak);
  g_clear_pointer (&sign->transaction, enr_transaction_free);
  g_free (sign->approved_hash);
  g_clear_pointer (&sign->signed_record, enr_session_document_free);
  g_clear_error (&sign->refusal);
  g_free (sign);
}

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
  if (!_enr_session_check_certificate_finish (self, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_info ("the certificate could not be checked with both services yet: %s",
              error->message);
      _enr_session_note_error (self, error);
    }
  _enr_session_end_action (self, task, NULL);
}

static void
signed_record_checked_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  SignAcceptance *sign = g_task_get_task_data (task);
  EnrSessionDocument *document;
  GError *error = NULL;

  if (!_enr_session_verify_signed_finish (self, result, &error))
    {
      g_message ("The signed acceptance record does not verify: %s", error->message);
      _enr_session_end_action (self, task, error);
      return;
    }

  g_info ("the acceptance record is signed and verified");
  document = g_steal_pointer (&sign->signed_record);
  _enr_session_keep_document (self, TRUE, document);
  _enr_session_set_signed_acceptance (self, document);
  _enr_session_set_acceptance_record (self, NULL);
  _enr_session_set_smartca_state (self, "ACTIVE");
  _enr_session_set_step (self, ENR_SESSION_STEP_CERTIFICATE);
  _enr_session_checkpoint (self);

  _enr_session_check_certificate_async (self, g_task_get_cancellable (task),
                                        certificate_checked_cb, task);
}

static void
acceptance_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  SignAcceptance *sign = g_task_get_task_data (task);
  g_autoptr(EnrAcceptance) acceptance = NULL;
  GError *error = NULL;

  acceptance = enr_smartca_client_get_acceptance_finish (ENR_SMARTCA_CLIENT (object), result,
                                                         &error);
  if (acceptance == NULL)
    {
      _enr_session_end_action (self, task, error);
      return;
    }

  sign->signed_record = g_new0 (EnrSessionDocument, 1);
  sign->signed_record->name = g_strdup (acceptance->signed_document->name);
  sign->signed_record->data = g_bytes_ref (acceptance->signed_document->data);

  /* Signed by the citizen's certificate, over exactly the hash approved. */
  _enr_session_verify_signed_async (self, sign->signed_record->data, sign->approved_hash,
                                    g_task_get_cancellable (task), signed_record_checked_cb,
                                    task);
}

static void
record_replaced_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  SignAcceptance *sign = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The citizen is shown the record that replaced the one refused. */
  if (!_enr_session_reconcile_finish (self, result, &error))
    g_info ("no new acceptance record yet: %s", error->message);
  _enr_session_end_action (self, task, g_steal_pointer (&sign->refusal));
}

static void
replace_record_then_fail (GTask           *task,
                          EnrServiceError  code)
{
  EnrSession *self = g_task_get_source_object (task);
  SignAcceptance *sign = g_task_get_task_data (task);

  sign->refusal = enr_service_error_new (code, NULL);
  _enr_session_reconcile_async (self, g_task_get_cancellable (task), record_replaced_cb, task);
}

static void
approved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  g_autoptr(EnrTransactionResult) outcome = NULL;
  GError *error = NULL;

  outcome = _enr_session_approve_finish (self, result, &error);
  if (outcome == NULL)
    {
      if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED) ||
          g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NOT_FOUND))
        {
          g_error_free (error);
          replace_record_then_fail (task, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED);
        }
      else
        _enr_session_end_action (self, task, error);
      return;
    }

  g_info ("acceptance record transaction: status %" G_GINT64_FORMAT, outcome->tran_status);
  switch (outcome->tran_status)
    {
    case 1:   /* SUCCESS */
      enr_smartca_client_get_acceptance_async (self->smartca, g_task_get_cancellable (task),
                                               acceptance_cb, task);
      return;
    case 4001:   /* EXPIRED */
      replace_record_then_fail (task, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED);
      return;
    case 4002:   /* SIGNER_REJECTED */
      replace_record_then_fail (task, ENR_SERVICE_ERROR_TRANSACTION_REJECTED);
      return;
    default:
      _enr_session_end_action (self, task, enr_service_error_new (ENR_SERVICE_ERROR_FAILED, NULL));
      return;
    }
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  SignAcceptance *sign = g_task_get_task_data (task);
  const char *hashes[2] = { NULL, NULL };
  EnrTransactionDocument *document;
  GError *error = NULL;

  sign->transaction = _enr_session_open_transaction_finish (self, result, &sign->kak, &error);
  if (sign->transaction == NULL)
    {
      /* Expired and replaced, most likely: show the new one. */
      if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NOT_FOUND))
        {
          g_error_free (error);
          replace_record_then_fail (task, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED);
          return;
        }
      _enr_session_end_action (self, task, error);
      return;
    }

  /* What is approved must be what the citizen was shown: the hash of the
   * bytes on screen, which the service's must equal. */
  document = sign->transaction->documents->len > 0
             ? g_ptr_array_index (sign->transaction->documents, 0) : NULL;
  if (sign->transaction->documents->len != 1 ||
      g_strcmp0 (document->hash, sign->approved_hash) != 0)
    {
      enr_kak_wipe (sign->kak);
      g_clear_object (&sign->kak);
      replace_record_then_fail (task, ENR_SERVICE_ERROR_HASH_MISMATCH);
      return;
    }
  hashes[0] = sign->approved_hash;
  _enr_session_approve_async (self, sign->kak, sign->transaction, hashes,
                              g_task_get_cancellable (task), approved_cb, task);
  /* The KAK has done its part. */
  enr_kak_wipe (sign->kak);
  g_clear_object (&sign->kak);
}

static void
record_digested_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  SignAcceptance *sign = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(EnrSecureString) pin = g_steal_pointer (&sign->pin);

  sign->approved_hash = _enr_session_digest_pdf_finish (self, result, &error);
  if (sign->approved_hash == NULL)
    {
      _enr_session_end_action (self, task, error);
      return;
    }
  if (self->acceptance_record == NULL ||
      g_strcmp0 (sign->approved_hash, self->acceptance_record->hash) != 0)
    {
      replace_record_then_fail (task, ENR_SERVICE_ERROR_HASH_MISMATCH);
      return;
    }
  _enr_session_open_transaction_async (self, pin, self->acceptance_tran_id,
                                       g_task_get_cancellable (task), opened_cb, task);
}

void
enr_session_sign_acceptance_async (EnrSession          *self,
                                   const char          *pin,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  SignAcceptance *sign;
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));
  g_return_if_fail (pin != NULL);

  task = _enr_session_begin_action (self, self, cancellable, callback, user_data,
                                    enr_session_sign_acceptance_async);
  if (task == NULL || !_enr_session_need_smartca (self, task))
    return;
  if (self->acceptance_record == NULL || self->acceptance_tran_id == NULL ||
      self->certificate == NULL || self->credential_id == NULL || self->device_id == NULL)
    {
      _enr_session_end_action (self, task,
                               enr_service_error_new (ENR_SERVICE_ERROR_WRONG_STATE, NULL));
      return;
    }

  sign = g_new0 (SignAcceptance, 1);
  sign->pin = enr_secure_strdup (pin);
  g_task_set_task_data (task, sign, (GDestroyNotify) sign_acceptance_free);
  /* The hash the SAD names is recomputed from the record's bytes the
   * citizen is shown, never taken from the service's list. */
  _enr_session_digest_pdf_async (self, self->acceptance_record->data,
                                 g_task_get_cancellable (task), record_digested_cb, task);
}

gboolean
enr_session_sign_acceptance_finish (EnrSession    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return _enr_session_finish_action (self, result, enr_session_sign_acceptance_async, error);
}
