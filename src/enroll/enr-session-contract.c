/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Step 4: the service contract, its OTP, and its signature. The hash the
 * citizen signs is the one the contract parser checked against the bytes
 * shown, so what is signed is what was read.
 */
#define G_LOG_DOMAIN "enr-session-contract"

#include "config.h"

#include "enr-session-impl.h"

/* The contract the citizen reads; its hash, checked against these very
 * bytes by the parser, is the one signed. */
static void
show_contract (EnrSession  *self,
               EnrContract *contract)
{
  EnrSessionDocument *document = g_new0 (EnrSessionDocument, 1);

  _enr_session_set_string (&self->contract_id, contract->contract_id);
  document->name = g_strdup (contract->document->name);
  document->data = g_bytes_ref (contract->document->data);
  document->hash = g_strdup (contract->hash);
  _enr_session_set_contract (self, document);
}

/* --- Fetching ------------------------------------------------------------------------ */

/* What follows the fetch: nothing, or the OTP. */
typedef struct
{
  gboolean then_send_otp;
} FetchContract;

static void send_otp (GTask *task);

static void
contract_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  FetchContract *fetch = g_task_get_task_data (task);
  g_autoptr(EnrContract) contract = NULL;
  GError *error = NULL;

  contract = enr_smartca_client_get_contract_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  if (contract == NULL)
    {
      _enr_session_end_action (self, task, error);
      return;
    }

  show_contract (self, contract);
  if (fetch != NULL && fetch->then_send_otp)
    send_otp (task);
  else
    _enr_session_end_action (self, task, NULL);
}

static void
fetch_contract (EnrSession *self,
                GTask      *task)
{
  enr_smartca_client_get_contract_async (self->smartca, g_task_get_cancellable (task),
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

  task = _enr_session_begin_action (self, self, cancellable, callback, user_data,
                                    enr_session_fetch_contract_async);
  if (task != NULL && _enr_session_need_smartca (self, task))
    fetch_contract (self, task);
}

gboolean
enr_session_fetch_contract_finish (EnrSession    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return _enr_session_finish_action (self, result, enr_session_fetch_contract_async, error);
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
  _enr_session_take_otp_reply (self, ENR_OTP_PURPOSE_CONTRACT, sent, error);
  _enr_session_end_action (self, task, error);
}

static void
send_otp (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);

  enr_smartca_client_send_contract_otp_async (self->smartca, self->contract_id,
                                              g_task_get_cancellable (task), otp_sent_cb, task);
}

void
enr_session_send_contract_otp_async (EnrSession          *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  FetchContract *fetch;
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = _enr_session_begin_action (self, self, cancellable, callback, user_data,
                                    enr_session_send_contract_otp_async);
  if (task == NULL || !_enr_session_need_smartca (self, task))
    return;
  if (self->contract_id != NULL)
    {
      send_otp (task);
      return;
    }
  fetch = g_new0 (FetchContract, 1);
  fetch->then_send_otp = TRUE;
  g_task_set_task_data (task, fetch, g_free);
  fetch_contract (self, task);
}

gboolean
enr_session_send_contract_otp_finish (EnrSession    *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return _enr_session_finish_action (self, result, enr_session_send_contract_otp_async, error);
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
  _enr_session_end_action (self, task,
                           enr_service_error_new (ENR_SERVICE_ERROR_HASH_MISMATCH, NULL));
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
      _enr_session_otp_refused (self, error);
      if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_HASH_MISMATCH))
        {
          /* The contract changed: show the new one before anything is signed. */
          g_error_free (error);
          enr_smartca_client_get_contract_async (self->smartca, g_task_get_cancellable (task),
                                                 refetched_cb, task);
          return;
        }
      _enr_session_end_action (self, task, error);
      return;
    }

  g_info ("contract signed at %s", signed_contract->signed_at);
  document = g_new0 (EnrSessionDocument, 1);
  document->name = g_strdup (signed_contract->signed_document->name);
  document->data = g_bytes_ref (signed_contract->signed_document->data);
  _enr_session_keep_document (self, FALSE, document);
  _enr_session_set_signed_contract (self, document);
  _enr_session_set_otp (self, NULL);
  _enr_session_set_smartca_state (self, enr_enrollment_state_to_string (signed_contract->state));
  _enr_session_set_step (self, ENR_SESSION_STEP_ACTIVATE);
  _enr_session_checkpoint (self);
  _enr_session_end_action (self, task, NULL);
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

  task = _enr_session_begin_action (self, self, cancellable, callback, user_data,
                                    enr_session_sign_contract_async);
  if (task == NULL || !_enr_session_need_smartca (self, task))
    return;
  if (self->contract == NULL || self->contract_id == NULL)
    {
      /* Nothing is signed unread. */
      _enr_session_end_action (self, task,
                               enr_service_error_new (ENR_SERVICE_ERROR_WRONG_STATE, NULL));
      return;
    }
  enr_smartca_client_sign_contract_async (self->smartca, self->contract_id, otp,
                                          self->contract->hash, g_task_get_cancellable (task),
                                          signed_cb, task);
}

gboolean
enr_session_sign_contract_finish (EnrSession    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return _enr_session_finish_action (self, result, enr_session_sign_contract_async, error);
}
