/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Step 4: the service contract, its OTP, and its signature. The hash the
 * citizen signs is the one the contract parser checked against the bytes
 * shown, so what is signed is what was read.
 */
#define G_LOG_DOMAIN "enr-session-contract"

#include "config.h"

#include "enr-service-error.h"
#include "enr-session-private.h"

static gboolean
need_smartca (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);

  if (enr_smartca_client_has_tokens (self->smartca))
    return TRUE;
  enr_session_end_action (task, enr_session_service_error (ENR_SERVICE_ERROR_LOGIN_EXPIRED));
  return FALSE;
}

/* The contract the citizen reads; its hash, checked against these very
 * bytes by the parser, is the one signed. */
static void
show_contract (EnrSession  *self,
               EnrContract *contract)
{
  EnrSessionDocument *document = g_new0 (EnrSessionDocument, 1);

  enr_session_set_string (&self->contract_id, contract->contract_id);
  document->name = g_strdup (contract->document->name);
  document->data = g_bytes_ref (contract->document->data);
  document->hash = g_strdup (contract->hash);
  enr_session_set_contract (self, document);
}

/* --- Fetching ------------------------------------------------------------------------ */

typedef void (*ContractNext) (GTask *task);

static void
contract_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  ContractNext next = g_object_steal_data (G_OBJECT (task), "enr-next");
  g_autoptr(EnrContract) contract = NULL;
  GError *error = NULL;

  contract = enr_smartca_client_get_contract_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  if (enr_session_action_failed (task, error))
    return;

  show_contract (self, contract);

  if (next != NULL)
    next (task);
  else
    enr_session_end_action (task, NULL);
}

static void
fetch_contract (GTask        *task,
                ContractNext  next)
{
  EnrSession *self = g_task_get_source_object (task);

  g_object_set_data (G_OBJECT (task), "enr-next", next);
  enr_smartca_client_get_contract_async (self->smartca, enr_session_action_cancellable (task),
                                         contract_cb, task);
}

void
enr_session_fetch_contract_async (EnrSession          *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = enr_session_begin_action (self, TRUE, cancellable, callback, user_data,
                                   enr_session_fetch_contract_async);
  if (task != NULL && need_smartca (task))
    fetch_contract (task, NULL);
}

gboolean
enr_session_fetch_contract_finish (EnrSession    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return enr_session_finish_action (self, result, enr_session_fetch_contract_async, error);
}

/* --- The OTP ------------------------------------------------------------------------- */

static void
otp_sent_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrOtpSent) sent = NULL;
  GError *error = NULL;

  sent = enr_smartca_client_send_contract_otp_finish (ENR_SMARTCA_CLIENT (object), result,
                                                      &error);
  error = enr_session_take_otp_reply (self, ENR_OTP_PURPOSE_CONTRACT, sent, error,
                                      enr_refusal_get (result)->retry_after_s);
  enr_session_end_action (task, error);
}

static void
send_otp (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);

  enr_smartca_client_send_contract_otp_async (self->smartca, self->contract_id,
                                              enr_session_action_cancellable (task),
                                              otp_sent_cb, task);
}

void
enr_session_send_contract_otp_async (EnrSession          *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = enr_session_begin_action (self, TRUE, cancellable, callback, user_data,
                                   enr_session_send_contract_otp_async);
  if (task == NULL || !need_smartca (task))
    return;
  if (self->contract_id == NULL)
    fetch_contract (task, send_otp);
  else
    send_otp (task);
}

gboolean
enr_session_send_contract_otp_finish (EnrSession    *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return enr_session_finish_action (self, result, enr_session_send_contract_otp_async, error);
}

/* --- Signing ------------------------------------------------------------------------- */

static void
refetched_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrContract) contract = NULL;
  g_autoptr(GError) error = NULL;

  contract = enr_smartca_client_get_contract_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  if (contract != NULL)
    show_contract (self, contract);
  enr_session_end_action (task, enr_session_service_error (ENR_SERVICE_ERROR_HASH_MISMATCH));
}

static void
signed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrContractSigned) signed_contract = NULL;
  EnrSessionDocument *document;
  GError *error = NULL;

  signed_contract = enr_smartca_client_sign_contract_finish (ENR_SMARTCA_CLIENT (object), result,
                                                             &error);
  if (signed_contract == NULL)
    {
      error = enr_session_otp_refused (self, error, enr_refusal_get (result)->attempts_left);
      if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_HASH_MISMATCH))
        {
          /* The contract changed: show the new one before anything is signed. */
          g_error_free (error);
          enr_smartca_client_get_contract_async (self->smartca,
                                                 enr_session_action_cancellable (task),
                                                 refetched_cb, task);
          return;
        }
      enr_session_end_action (task, error);
      return;
    }

  g_info ("contract signed at %s", signed_contract->signed_at);
  document = g_new0 (EnrSessionDocument, 1);
  document->name = g_strdup (signed_contract->signed_document->name);
  document->data = g_bytes_ref (signed_contract->signed_document->data);
  enr_session_keep_document (self, enr_session_document_file (FALSE), document);
  enr_session_set_signed_contract (self, document);
  enr_session_set_otp (self, NULL);
  enr_session_set_smartca_state (self, enr_enrollment_state_to_string (signed_contract->state));
  enr_session_set_step (self, ENR_SESSION_STEP_ACTIVATE);
  enr_session_checkpoint (self);
  enr_session_end_action (task, NULL);
}

void
enr_session_sign_contract_async (EnrSession          *self,
                                 const char          *otp,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));
  g_return_if_fail (otp != NULL);

  task = enr_session_begin_action (self, TRUE, cancellable, callback, user_data,
                                   enr_session_sign_contract_async);
  if (task == NULL || !need_smartca (task))
    return;
  if (self->contract == NULL || self->contract_id == NULL)
    {
      /* Nothing is signed unread. */
      enr_session_end_action (task, enr_session_service_error (ENR_SERVICE_ERROR_WRONG_STATE));
      return;
    }
  enr_smartca_client_sign_contract_async (self->smartca, self->contract_id, otp,
                                          self->contract->hash,
                                          enr_session_action_cancellable (task), signed_cb, task);
}

gboolean
enr_session_sign_contract_finish (EnrSession    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return enr_session_finish_action (self, result, enr_session_sign_contract_async, error);
}
