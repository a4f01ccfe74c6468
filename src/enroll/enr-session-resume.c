/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Where the enrollment stands: the checkpoint a program started again
 * reads back, and the reconciliation with SmartCA, which is the truth
 * whenever the two disagree.
 */
#define G_LOG_DOMAIN "enr-session-resume"

#include "config.h"

#include <string.h>

#include "enr-checkpoint.h"
#include "enr-service-error.h"
#include "enr-session-private.h"
#include "enr-state-file.h"
#include "enr-store-error.h"

/* --- Reconciling with SmartCA ------------------------------------------------------- */

static void reconcile_next (GTask *task);

typedef enum
{
  NEED_CERTIFICATE = 1 << 0,
  NEED_RECORD      = 1 << 1,
  NEED_SIGNED      = 1 << 2,
} Needs;

static void
reconcile_part_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  /* Each part says what it needs through its own finish. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  reconcile_next (task);
}

static void
reconcile_info_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrCredentialInfo) info = NULL;
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();
  GError *error = NULL;

  info = enr_smartca_client_get_credential_info_finish (ENR_SMARTCA_CLIENT (object), result,
                                                        &error);
  if (info == NULL || info->certificates->len == 0)
    {
      if (error == NULL)
        error = g_error_new_literal (ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY,
                                     enr_service_error_message (
                                       ENR_SERVICE_ERROR_MALFORMED_REPLY));
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  for (guint i = 1; i < info->certificates->len; i++)
    g_ptr_array_add (chain, g_ptr_array_index (info->certificates, i));
  enr_session_load_certificate_async (self, g_ptr_array_index (info->certificates, 0), chain,
                                      g_task_get_cancellable (task), reconcile_part_cb, task);
}

static void
signed_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrSessionDocument *document = g_object_steal_data (G_OBJECT (task), "enr-document");
  g_autoptr(GError) error = NULL;

  if (!enr_session_verify_signed_finish (self, result, &error))
    {
      g_message ("The signed acceptance record SmartCA keeps does not verify: %s",
                 error->message);
      enr_session_document_free (document);
    }
  else
    {
      enr_session_set_signed_acceptance (self, document);
      enr_session_keep_document (self, enr_session_document_file (TRUE), document);
    }
  reconcile_next (task);
}

static void
reconcile_signed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrAcceptance) acceptance = NULL;
  g_autoptr(GError) error = NULL;
  EnrSessionDocument *document;

  acceptance = enr_smartca_client_get_acceptance_finish (ENR_SMARTCA_CLIENT (object), result,
                                                         &error);
  if (acceptance == NULL || self->certificate == NULL)
    {
      /* Only a copy to keep: the enrollment is complete without it. */
      if (error != NULL)
        g_info ("the signed acceptance record could not be fetched again: %s", error->message);
      reconcile_next (task);
      return;
    }

  document = g_new0 (EnrSessionDocument, 1);
  document->name = g_strdup (acceptance->signed_document->name);
  document->data = g_bytes_ref (acceptance->signed_document->data);
  g_object_set_data_full (G_OBJECT (task), "enr-document", document,
                          (GDestroyNotify) enr_session_document_free);
  enr_session_verify_signed_async (self, document->data, NULL, g_task_get_cancellable (task),
                                   signed_checked_cb, task);
}

/* Fetches, one at a time, what the step the service is at shows. */
static void
reconcile_next (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  Needs needs = GPOINTER_TO_UINT (g_task_get_task_data (task));

  if ((needs & NEED_CERTIFICATE) && self->certificate == NULL && self->credential_id != NULL)
    {
      g_task_set_task_data (task, GUINT_TO_POINTER (needs & ~NEED_CERTIFICATE), NULL);
      enr_smartca_client_get_credential_info_async (self->smartca, self->credential_id,
                                                    cancellable, reconcile_info_cb, task);
      return;
    }
  if (needs & NEED_RECORD)
    {
      g_task_set_task_data (task, GUINT_TO_POINTER (needs & ~NEED_RECORD), NULL);
      enr_session_load_acceptance_record_async (self, cancellable, reconcile_part_cb, task);
      return;
    }
  if ((needs & NEED_SIGNED) && self->signed_acceptance == NULL)
    {
      g_task_set_task_data (task, GUINT_TO_POINTER (needs & ~NEED_SIGNED), NULL);
      enr_smartca_client_get_acceptance_async (self->smartca, cancellable, reconcile_signed_cb,
                                               task);
      return;
    }

  enr_session_checkpoint (self);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
reconcile_status_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrEnrollmentStatus) status = NULL;
  EnrSessionStep step;
  Needs needs = 0;
  GError *error = NULL;

  status = enr_smartca_client_get_status_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  if (status == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  g_info ("SmartCA reports %s", enr_enrollment_state_to_string (status->state));
  enr_session_set_smartca_state (self, enr_enrollment_state_to_string (status->state));
  enr_session_set_string (&self->registration_id, status->registration_id);
  if (status->credential_id != NULL)
    enr_session_set_string (&self->credential_id, status->credential_id);

  switch (status->state)
    {
    case ENR_ENROLLMENT_SYNCING:
      step = ENR_SESSION_STEP_INITIALIZE;
      break;
    case ENR_ENROLLMENT_CONTRACT_PENDING:
      step = ENR_SESSION_STEP_CONTRACT;
      break;
    case ENR_ENROLLMENT_ACTIVATION_PENDING:
    case ENR_ENROLLMENT_CERTIFICATE_PENDING:
      /* No certificate yet: activation starts again with a new KAK. */
      step = ENR_SESSION_STEP_ACTIVATE;
      enr_session_set_acceptance_record (self, NULL);
      break;
    case ENR_ENROLLMENT_ACCEPTANCE_PENDING:
      step = ENR_SESSION_STEP_ACTIVATE;
      needs = NEED_CERTIFICATE;
      /* A record that expired or was rejected is replaced by a new one. */
      if (g_strcmp0 (self->acceptance_tran_id, status->acceptance_tran_id) != 0 ||
          self->acceptance_record == NULL)
        needs |= NEED_RECORD;
      enr_session_set_string (&self->acceptance_tran_id, status->acceptance_tran_id);
      break;
    case ENR_ENROLLMENT_ACTIVE:
    default:
      step = self->step == ENR_SESSION_STEP_DONE ? ENR_SESSION_STEP_DONE
                                                 : ENR_SESSION_STEP_CERTIFICATE;
      needs = NEED_CERTIFICATE | NEED_SIGNED;
      enr_session_set_acceptance_record (self, NULL);
      break;
    }
  enr_session_set_step (self, step);

  g_task_set_task_data (task, GUINT_TO_POINTER (needs), NULL);
  reconcile_next (task);
}

void
enr_session_reconcile_async (EnrSession          *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, enr_session_reconcile_async);
  enr_smartca_client_get_status_async (self->smartca, cancellable, reconcile_status_cb, task);
}

gboolean
enr_session_reconcile_finish (EnrSession    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- Resuming ------------------------------------------------------------------------- */

static void
resume_reconciled_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  GError *error = NULL;

  if (!enr_session_reconcile_finish (self, result, &error) &&
      g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_EXPIRED))
    {
      /* The SmartCA login ran out while the program was closed: a new
       * VNeID login brings a new one, and the citizen carries on. */
      g_clear_error (&error);
      enr_session_set_needs_login (self, TRUE);
    }
  enr_session_end_action (task, error);
}

static void
handle_found_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrKeyHandle) handle = NULL;
  GError *error = NULL;

  handle = enr_key_store_lookup_finish (ENR_KEY_STORE (object), result, &error);
  if (handle == NULL && !g_error_matches (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND))
    {
      /* No keyring, or a locked one: the page says which. */
      enr_session_end_action (task, error);
      return;
    }
  g_clear_error (&error);

  if (handle != NULL && enr_key_handle_get_refresh_token (handle) != NULL)
    enr_smartca_client_set_tokens (self->smartca, NULL, enr_key_handle_get_refresh_token (handle));
  if (handle != NULL && enr_key_handle_has_key (handle))
    enr_session_set_pin_attempts_left (self, (gint) enr_key_handle_get_attempts_left (handle));

  if (!enr_smartca_client_has_tokens (self->smartca))
    {
      /* Not handed over yet, or the keyring lost the login: only VNeID can
       * let this program in again. */
      if (self->step < ENR_SESSION_STEP_INITIALIZE)
        enr_session_set_step (self, ENR_SESSION_STEP_INITIALIZE);
      enr_session_set_needs_login (self, TRUE);
      enr_session_end_action (task, NULL);
      return;
    }
  enr_session_reconcile_async (self, enr_session_action_cancellable (task), resume_reconciled_cb,
                               task);
}

static void
look_up_handle (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);

  enr_key_store_lookup_async (self->store, self->citizen_id, self->smartca_url,
                              enr_session_action_cancellable (task), handle_found_cb, task);
}

static void
document_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrSessionDocument *document = g_object_steal_data (G_OBJECT (task), "enr-document");
  gboolean acceptance = GPOINTER_TO_INT (g_object_steal_data (G_OBJECT (task), "enr-acceptance"));
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *next_name = g_object_steal_data (G_OBJECT (task), "enr-next-name");

  bytes = enr_state_file_read_finish (result, &error);
  if (bytes != NULL && document != NULL)
    {
      document->data = g_bytes_ref (bytes);
      if (acceptance)
        enr_session_set_signed_acceptance (self, g_steal_pointer (&document));
      else
        enr_session_set_signed_contract (self, g_steal_pointer (&document));
    }
  else if (error != NULL)
    g_info ("a signed document kept here cannot be read: %s", error->message);
  enr_session_document_free (document);

  if (!acceptance && next_name != NULL)
    {
      g_autofree char *path = g_build_filename (self->state_dir, enr_session_document_file (TRUE),
                                                NULL);

      document = g_new0 (EnrSessionDocument, 1);
      document->name = g_strdup (next_name);
      g_object_set_data (G_OBJECT (task), "enr-document", document);
      g_object_set_data (G_OBJECT (task), "enr-acceptance", GINT_TO_POINTER (TRUE));
      enr_state_file_read_async (path, enr_session_action_cancellable (task), document_read_cb,
                                 task);
      return;
    }
  look_up_handle (task);
}

static void
checkpoint_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  EnrAction *action = enr_session_action (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(EnrCheckpoint) checkpoint = NULL;
  g_autoptr(GError) error = NULL;

  bytes = enr_state_file_read_finish (result, &error);
  if (bytes == NULL)
    {
      if (error != NULL)
        g_message ("The saved enrollment cannot be read: %s", error->message);
      enr_session_end_action (task, NULL);
      return;
    }
  checkpoint = enr_checkpoint_from_bytes (bytes, &error);
  if (checkpoint == NULL)
    {
      g_message ("%s", error->message);
      enr_session_end_action (task, NULL);
      return;
    }
  /* Another service's enrollment (the configuration changed) is not this one. */
  if (g_strcmp0 (checkpoint->smartca_url, self->smartca_url) != 0 ||
      checkpoint->registration_id == NULL || checkpoint->citizen_id == NULL)
    {
      g_info ("the saved enrollment belongs to another service, or has no registration");
      enr_session_end_action (task, NULL);
      return;
    }

  action->found = TRUE;
  enr_session_set_string (&self->citizen_id, checkpoint->citizen_id);
  enr_session_set_string (&self->device_id, checkpoint->device_id);
  enr_session_set_string (&self->registration_id, checkpoint->registration_id);
  enr_session_set_string (&self->credential_id, checkpoint->credential_id);
  enr_session_set_identity (self, g_steal_pointer (&checkpoint->identity));
  enr_session_set_step (self, MAX (checkpoint->step, ENR_SESSION_STEP_INITIALIZE));
  g_info ("resuming registration %s at step %d", self->registration_id, self->step);

  if (checkpoint->signed_contract_name != NULL || checkpoint->signed_record_name != NULL)
    {
      gboolean contract = checkpoint->signed_contract_name != NULL;
      g_autofree char *path = g_build_filename (self->state_dir,
                                                enr_session_document_file (!contract), NULL);
      EnrSessionDocument *document = g_new0 (EnrSessionDocument, 1);

      document->name = g_strdup (contract ? checkpoint->signed_contract_name
                                          : checkpoint->signed_record_name);
      g_object_set_data (G_OBJECT (task), "enr-document", document);
      g_object_set_data (G_OBJECT (task), "enr-acceptance", GINT_TO_POINTER (!contract));
      if (contract && checkpoint->signed_record_name != NULL)
        g_object_set_data (G_OBJECT (task), "enr-next-name",
                           g_strdup (checkpoint->signed_record_name));
      enr_state_file_read_async (path, enr_session_action_cancellable (task), document_read_cb,
                                 task);
      return;
    }
  look_up_handle (task);
}

void
enr_session_resume_async (EnrSession          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autofree char *path = NULL;
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = enr_session_begin_action (self, TRUE, cancellable, callback, user_data,
                                   enr_session_resume_async);
  if (task == NULL)
    return;

  /* A kiosk keeps nothing: every citizen starts afresh. */
  if (self->kiosk)
    {
      enr_session_end_action (task, NULL);
      return;
    }

  path = g_build_filename (self->state_dir, "enrollment.json", NULL);
  enr_state_file_read_async (path, enr_session_action_cancellable (task), checkpoint_read_cb,
                             task);
}

gboolean
enr_session_resume_finish (EnrSession    *self,
                           GAsyncResult  *result,
                           gboolean      *found,
                           GError       **error)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (found != NULL)
    *found = enr_session_action (G_TASK (result))->found;
  return enr_session_finish_action (self, result, enr_session_resume_async, error);
}
