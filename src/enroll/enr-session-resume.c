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
#include "enr-session-impl.h"
#include "enr-state-file.h"
#include "enr-store-error.h"

#define CHECKPOINT_FILE "enrollment.json"

/* --- Reconciling with SmartCA ------------------------------------------------------- */

/* What the step the service is at shows, still to fetch. */
typedef enum
{
  NEED_CERTIFICATE = 1 << 0,
  NEED_RECORD      = 1 << 1,
  NEED_SIGNED      = 1 << 2,
} Needs;

typedef struct
{
  Needs               needs;
  EnrSessionDocument *signed_record;   /* fetched, until it is checked */
} Reconcile;

static void
reconcile_free (Reconcile *reconcile)
{
  g_clear_pointer (&reconcile->signed_record, enr_session_document_free);
  g_free (reconcile);
}

static void reconcile_next (GTask *task);

static void
reconcile_return (GTask  *task,
                  GError *error)
{
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
reconcile_part_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  /* Each part says what it needs through its own finish. */
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      reconcile_return (task, error);
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
        error = enr_service_error_new (ENR_SERVICE_ERROR_MALFORMED_REPLY,
                                       "the credential holds no certificate");
      reconcile_return (task, error);
      return;
    }
  for (guint i = 1; i < info->certificates->len; i++)
    g_ptr_array_add (chain, g_ptr_array_index (info->certificates, i));
  _enr_session_load_certificate_async (self, g_ptr_array_index (info->certificates, 0), chain,
                                       g_task_get_cancellable (task), reconcile_part_cb, task);
}

static void
signed_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  Reconcile *reconcile = g_task_get_task_data (task);
  g_autoptr(EnrSessionDocument) document = g_steal_pointer (&reconcile->signed_record);
  g_autoptr(GError) error = NULL;

  if (!_enr_session_verify_signed_finish (self, result, &error))
    g_message ("The signed acceptance record SmartCA keeps does not verify: %s",
               error->message);
  else
    {
      _enr_session_keep_document (self, TRUE, document);
      _enr_session_set_signed_acceptance (self, g_steal_pointer (&document));
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
  Reconcile *reconcile = g_task_get_task_data (task);
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

  reconcile->signed_record = document = g_new0 (EnrSessionDocument, 1);
  document->name = g_strdup (acceptance->signed_document->name);
  document->data = g_bytes_ref (acceptance->signed_document->data);
  _enr_session_verify_signed_async (self, document->data, NULL, g_task_get_cancellable (task),
                                    signed_checked_cb, task);
}

/* Fetches, one at a time, what the step the service is at shows. */
static void
reconcile_next (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  Reconcile *reconcile = g_task_get_task_data (task);
  Needs needs = reconcile->needs;

  if ((needs & NEED_CERTIFICATE) && self->certificate == NULL && self->credential_id != NULL)
    {
      reconcile->needs &= ~NEED_CERTIFICATE;
      enr_smartca_client_get_credential_info_async (self->smartca, self->credential_id,
                                                    cancellable, reconcile_info_cb, task);
      return;
    }
  if (needs & NEED_RECORD)
    {
      reconcile->needs &= ~NEED_RECORD;
      _enr_session_load_acceptance_record_async (self, cancellable, reconcile_part_cb, task);
      return;
    }
  if ((needs & NEED_SIGNED) && self->signed_acceptance == NULL)
    {
      reconcile->needs &= ~NEED_SIGNED;
      enr_smartca_client_get_acceptance_async (self->smartca, cancellable, reconcile_signed_cb,
                                               task);
      return;
    }

  _enr_session_checkpoint (self);
  reconcile_return (task, NULL);
}

static void
reconcile_status_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  Reconcile *reconcile = g_task_get_task_data (task);
  g_autoptr(EnrEnrollmentStatus) status = NULL;
  EnrSessionStep step;
  GError *error = NULL;

  status = enr_smartca_client_get_status_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  if (status == NULL)
    {
      reconcile_return (task, error);
      return;
    }

  g_info ("SmartCA reports %s", enr_enrollment_state_to_string (status->state));
  _enr_session_set_smartca_state (self, enr_enrollment_state_to_string (status->state));
  _enr_session_set_string (&self->registration_id, status->registration_id);
  if (status->credential_id != NULL)
    _enr_session_set_string (&self->credential_id, status->credential_id);

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
      _enr_session_set_acceptance_record (self, NULL);
      break;
    case ENR_ENROLLMENT_ACCEPTANCE_PENDING:
      step = ENR_SESSION_STEP_ACTIVATE;
      reconcile->needs = NEED_CERTIFICATE;
      /* A record that expired or was rejected is replaced by a new one. */
      if (g_strcmp0 (self->acceptance_tran_id, status->acceptance_tran_id) != 0 ||
          self->acceptance_record == NULL)
        reconcile->needs |= NEED_RECORD;
      _enr_session_set_string (&self->acceptance_tran_id, status->acceptance_tran_id);
      break;
    case ENR_ENROLLMENT_ACTIVE:
    default:
      step = self->step == ENR_SESSION_STEP_DONE ? ENR_SESSION_STEP_DONE
                                                 : ENR_SESSION_STEP_CERTIFICATE;
      reconcile->needs = NEED_CERTIFICATE | NEED_SIGNED;
      _enr_session_set_acceptance_record (self, NULL);
      break;
    }
  _enr_session_set_step (self, step);
  reconcile_next (task);
}

void
_enr_session_reconcile_async (EnrSession          *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _enr_session_reconcile_async);
  g_task_set_task_data (task, g_new0 (Reconcile, 1), (GDestroyNotify) reconcile_free);
  enr_smartca_client_get_status_async (self->smartca, cancellable, reconcile_status_cb, task);
}

gboolean
_enr_session_reconcile_finish (EnrSession    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- Resuming ------------------------------------------------------------------------- */

/* What a resume found, and the signed copies it reads back, one by one. */
typedef struct
{
  gboolean            found;            /* there was an enrollment to resume */
  EnrKeyHandle       *handle;           /* what the keyring keeps for it, or NULL */
  EnrSessionDocument *reading;          /* the copy being read */
  gboolean            reading_record;   /* …is the acceptance record, not the contract */
  char               *record_name;      /* the record to read after the contract */
  gboolean            migrated;         /* a version-1 checkpoint, to write again */
  EnrProfile         *legacy;           /* the personal data it held */
} Resume;

static void
resume_free (Resume *resume)
{
  enr_profile_free (resume->legacy);
  g_clear_object (&resume->handle);
  g_clear_pointer (&resume->reading, enr_session_document_free);
  g_free (resume->record_name);
  g_free (resume);
}

static void
resume_end (GTask  *task,
            GError *error)
{
  EnrSession *self = g_task_get_source_object (task);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    _enr_session_set_resumed (self, TRUE);
  _enr_session_end_action (self, task, error);
}

static void
resume_reconciled_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = ENR_SESSION (object);
  GError *error = NULL;

  if (!_enr_session_reconcile_finish (self, result, &error) &&
      g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_EXPIRED))
    {
      /* The SmartCA login ran out (or was revoked) while the program was
       * closed: a new VNeID login brings a new one, and the citizen carries
       * on. */
      g_clear_error (&error);
      _enr_session_set_needs_login (self, TRUE);
    }
  resume_end (task, error);
}

/* The checkpoint, the keyring and the signed copies are read: on with the
 * SmartCA login the keyring kept, or a new VNeID login. */
static void
resume_with_login (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);
  Resume *resume = g_task_get_task_data (task);
  EnrKeyHandle *handle = resume->handle;

  if (resume->migrated)
    _enr_session_checkpoint (self);

  if (handle != NULL && enr_key_handle_get_refresh_token (handle) != NULL)
    enr_smartca_client_set_tokens (self->smartca, NULL, enr_key_handle_get_refresh_token (handle));
  /* A key kept (or one to link again) is the enrolled desktop's; how many
   * tries the PIN guard still takes, SmartCA says when it is next asked. */
  if (handle != NULL && (enr_key_handle_has_key (handle) || enr_key_handle_is_outdated (handle)))
    _enr_session_set_pin_attempts_left (self, ENR_SESSION_PIN_ATTEMPTS);

  if (!enr_smartca_client_has_tokens (self->smartca))
    {
      /* Not handed over yet, or the keyring lost the login: only VNeID can
       * let this program in again. */
      if (self->step < ENR_SESSION_STEP_INITIALIZE)
        _enr_session_set_step (self, ENR_SESSION_STEP_INITIALIZE);
      _enr_session_set_needs_login (self, TRUE);
      resume_end (task, NULL);
      return;
    }
  _enr_session_reconcile_async (self, g_task_get_cancellable (task), resume_reconciled_cb, task);
}

static void read_document (GTask      *task,
                           gboolean    record,
                           const char *name);

static void
document_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  Resume *resume = g_task_get_task_data (task);
  g_autoptr(EnrSessionDocument) document = g_steal_pointer (&resume->reading);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record_name = NULL;

  bytes = enr_state_file_read_finish (result, &error);
  if (bytes != NULL)
    {
      gboolean was_sealed = FALSE;

      document->data = _enr_session_open_document (self, resume->reading_record, bytes,
                                                   &was_sealed, &error);
      if (document->data == NULL)
        g_info ("a signed document kept here cannot be opened: %s", error->message);
      else
        {
          if (!was_sealed)
            _enr_session_keep_document (self, resume->reading_record, document);
          if (resume->reading_record)
            _enr_session_set_signed_acceptance (self, g_steal_pointer (&document));
          else
            _enr_session_set_signed_contract (self, g_steal_pointer (&document));
        }
    }
  else if (error != NULL)
    g_info ("a signed document kept here cannot be read: %s", error->message);

  record_name = g_steal_pointer (&resume->record_name);
  if (!resume->reading_record && record_name != NULL)
    read_document (task, TRUE, record_name);
  else
    resume_with_login (task);
}

static void
read_document (GTask      *task,
               gboolean    record,
               const char *name)
{
  EnrSession *self = g_task_get_source_object (task);
  Resume *resume = g_task_get_task_data (task);
  g_autofree char *path = _enr_session_document_path (self, record);

  resume->reading = g_new0 (EnrSessionDocument, 1);
  resume->reading->name = g_strdup (name);
  resume->reading_record = record;
  enr_state_file_read_async (path, g_task_get_cancellable (task), document_read_cb, task);
}

/* The personal data the keyring kept: who the citizen is, and the names of
 * the signed copies. */
static void
take_profile (GTask      *task,
              EnrProfile *profile)
{
  EnrSession *self = g_task_get_source_object (task);
  Resume *resume = g_task_get_task_data (task);

  if (profile == NULL)
    return;
  _enr_session_set_string (&self->citizen_id, profile->citizen_id);
  _enr_session_set_identity (self, g_steal_pointer (&profile->identity));
  g_clear_pointer (&self->documents_key, g_bytes_unref);
  self->documents_key = g_steal_pointer (&profile->documents_key);
  g_free (resume->record_name);
  resume->record_name = g_strdup (profile->signed_record_name);
}

static void
handle_found_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  Resume *resume = g_task_get_task_data (task);
  g_autoptr(EnrProfile) profile = NULL;
  g_autoptr(GBytes) profile_bytes = NULL;
  g_autofree char *contract_name = NULL;
  GError *error = NULL;

  resume->handle = g_async_result_is_tagged (result, enr_key_store_migrate_async)
                   ? enr_key_store_migrate_finish (ENR_KEY_STORE (object), result, &error)
                   : enr_key_store_lookup_finish (ENR_KEY_STORE (object), result, &error);
  if (resume->handle == NULL && !g_error_matches (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND))
    {
      /* No keyring, or a locked one: the page says which. */
      resume_end (task, error);
      return;
    }
  g_clear_error (&error);

  profile_bytes = resume->handle != NULL ? enr_key_handle_get_profile (resume->handle) : NULL;
  if (profile_bytes != NULL)
    {
      profile = enr_profile_from_bytes (profile_bytes, &error);
      if (profile == NULL)
        {
          g_message ("The enrollment's personal data in the keyring cannot be read: %s",
                     error->message);
          g_clear_error (&error);
        }
      else
        {
          contract_name = g_strdup (profile->signed_contract_name);
          take_profile (task, profile);
        }
    }
  else if (resume->legacy != NULL)
    {
      profile = g_steal_pointer (&resume->legacy);
      contract_name = g_strdup (profile->signed_contract_name);
      take_profile (task, profile);
    }

  if (contract_name != NULL)
    read_document (task, FALSE, contract_name);
  else if (resume->record_name != NULL)
    {
      g_autofree char *record_name = g_steal_pointer (&resume->record_name);

      read_document (task, TRUE, record_name);
    }
  else
    resume_with_login (task);
}

static void
checkpoint_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  Resume *resume = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(EnrCheckpoint) checkpoint = NULL;
  g_autoptr(GError) error = NULL;

  bytes = enr_state_file_read_finish (result, &error);
  if (bytes == NULL)
    {
      if (error != NULL)
        g_message ("The saved enrollment cannot be read: %s", error->message);
      resume_end (task, NULL);
      return;
    }
  checkpoint = enr_checkpoint_from_bytes (bytes, &error);
  if (checkpoint == NULL)
    {
      g_message ("%s", error->message);
      resume_end (task, NULL);
      return;
    }
  /* Another service's enrollment (the configuration changed) is not this one. */
  if (g_strcmp0 (checkpoint->smartca_url, self->smartca_url) != 0 ||
      checkpoint->registration_id == NULL ||
      (checkpoint->handle_id == NULL &&
       (checkpoint->legacy == NULL || checkpoint->legacy->citizen_id == NULL)))
    {
      g_info ("the saved enrollment belongs to another service, or has no registration");
      resume_end (task, NULL);
      return;
    }

  resume->found = TRUE;
  _enr_session_set_string (&self->device_id, checkpoint->device_id);
  _enr_session_set_string (&self->registration_id, checkpoint->registration_id);
  _enr_session_set_string (&self->credential_id, checkpoint->credential_id);
  _enr_session_set_step (self, MAX (checkpoint->step, ENR_SESSION_STEP_INITIALIZE));
  g_info ("resuming registration %s at step %d", self->registration_id, self->step);

  if (checkpoint->handle_id != NULL)
    {
      _enr_session_set_string (&self->handle_id, checkpoint->handle_id);
      enr_key_store_lookup_async (self->store, self->handle_id, self->smartca_url,
                                  g_task_get_cancellable (task), handle_found_cb, task);
      return;
    }

  /* A checkpoint written before the keyring held the personal data: they
   * move there, under a new opaque handle ID, with the keyring item that
   * was named by the citizen ID in clear, and the file is written again
   * without them. */
  g_info ("bringing a saved enrollment up to date: its personal data moves to the keyring");
  resume->migrated = TRUE;
  resume->legacy = g_steal_pointer (&checkpoint->legacy);
  _enr_session_ensure_handle_id (self);
  enr_key_store_migrate_async (self->store, resume->legacy->citizen_id, self->smartca_url,
                               self->handle_id, g_task_get_cancellable (task), handle_found_cb,
                               task);
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

  task = _enr_session_begin_action (self, self, cancellable, callback, user_data,
                                    enr_session_resume_async);
  if (task == NULL)
    {
      /* With no service, there is nothing to look up: the start is settled. */
      if (self->config_error != NULL)
        _enr_session_set_resumed (self, TRUE);
      return;
    }
  _enr_session_set_resumed (self, FALSE);
  g_task_set_task_data (task, g_new0 (Resume, 1), (GDestroyNotify) resume_free);

  /* A kiosk keeps nothing: every citizen starts afresh. */
  if (self->kiosk)
    {
      resume_end (task, NULL);
      return;
    }

  path = g_build_filename (self->state_dir, CHECKPOINT_FILE, NULL);
  enr_state_file_read_async (path, g_task_get_cancellable (task), checkpoint_read_cb, task);
}

gboolean
enr_session_resume_finish (EnrSession    *self,
                           GAsyncResult  *result,
                           gboolean      *found,
                           GError       **error)
{
  Resume *resume;

  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  resume = g_task_get_task_data (G_TASK (result));
  if (found != NULL)
    *found = resume != NULL && resume->found;
  return _enr_session_finish_action (self, result, enr_session_resume_async, error);
}

/* --- Peeking ------------------------------------------------------------------------- */

static void
peek_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(EnrCheckpoint) checkpoint = NULL;

  bytes = enr_state_file_read_finish (result, NULL);
  if (bytes != NULL)
    checkpoint = enr_checkpoint_from_bytes (bytes, NULL);
  /* The same test as resume's, and the end of enr_account_session_is_enrolled()'s
   * that needs no keyring: a version-1 file has no handle yet, and moves to the
   * keyring through the wizard's resume. */
  g_task_return_boolean (task, checkpoint != NULL &&
                               g_strcmp0 (checkpoint->smartca_url, self->smartca_url) == 0 &&
                               checkpoint->registration_id != NULL &&
                               checkpoint->credential_id != NULL &&
                               checkpoint->handle_id != NULL &&
                               checkpoint->step >= ENR_SESSION_STEP_CERTIFICATE);
}

void
enr_session_peek_enrolled_async (EnrSession          *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_session_peek_enrolled_async);
  if (self->kiosk || self->config_error != NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  path = g_build_filename (self->state_dir, CHECKPOINT_FILE, NULL);
  enr_state_file_read_async (path, cancellable, peek_read_cb, g_steal_pointer (&task));
}

gboolean
enr_session_peek_enrolled_finish (EnrSession   *self,
                                  GAsyncResult *result)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), NULL);
}
