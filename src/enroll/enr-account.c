/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EnrAccount: the enrolled desktop over its EnrSession. The KAK is in
 * memory only while an approval needs it; the PIN only while the key
 * handle opens.
 */
#define G_LOG_DOMAIN "enr-account"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "enr-account.h"
#include "enr-secure.h"
#include "enr-service-error.h"
#include "enr-session-error-private.h"
#include "enr-session-private.h"
#include "enr-store-error.h"

struct _EnrAccount
{
  GObject           parent_instance;

  EnrSession       *session;
  EnrAccountStatus *status;
  GListStore       *requests;
  guint             refreshing;
};

enum
{
  ACCOUNT_PROP_0,
  ACCOUNT_PROP_SESSION,
  ACCOUNT_PROP_STATUS,
  ACCOUNT_PROP_REQUESTS,
  ACCOUNT_PROP_REFRESHING,
  ACCOUNT_N_PROPS
};

static GParamSpec *props[ACCOUNT_N_PROPS];

G_DEFINE_FINAL_TYPE (EnrAccount, enr_account, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (EnrAccountStatus, enr_account_status, enr_account_status_copy,
                     enr_account_status_free)

EnrAccountStatus *
enr_account_status_copy (const EnrAccountStatus *status)
{
  EnrAccountStatus *copy;

  g_return_val_if_fail (status != NULL, NULL);

  copy = g_new0 (EnrAccountStatus, 1);
  copy->certificate_status = g_strdup (status->certificate_status);
  copy->key_status = g_strdup (status->key_status);
  copy->credential_status = g_strdup (status->credential_status);
  copy->serial = g_strdup (status->serial);
  copy->valid_to = status->valid_to;
  return copy;
}

void
enr_account_status_free (EnrAccountStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->certificate_status);
  g_free (status->key_status);
  g_free (status->credential_status);
  g_free (status->serial);
  g_free (status);
}

/* --- The object ------------------------------------------------------------- */

static void
enr_account_dispose (GObject *object)
{
  EnrAccount *self = ENR_ACCOUNT (object);

  if (self->requests != NULL)
    g_list_store_remove_all (self->requests);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (enr_account_parent_class)->dispose (object);
}

static void
enr_account_finalize (GObject *object)
{
  EnrAccount *self = ENR_ACCOUNT (object);

  g_clear_pointer (&self->status, enr_account_status_free);
  g_clear_object (&self->requests);

  G_OBJECT_CLASS (enr_account_parent_class)->finalize (object);
}

static void
enr_account_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  EnrAccount *self = ENR_ACCOUNT (object);

  switch (prop_id)
    {
    case ACCOUNT_PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case ACCOUNT_PROP_STATUS:
      g_value_set_boxed (value, self->status);
      break;
    case ACCOUNT_PROP_REQUESTS:
      g_value_set_object (value, self->requests);
      break;
    case ACCOUNT_PROP_REFRESHING:
      g_value_set_boolean (value, self->refreshing > 0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_account_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  EnrAccount *self = ENR_ACCOUNT (object);

  switch (prop_id)
    {
    case ACCOUNT_PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_account_class_init (EnrAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags shown = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = enr_account_dispose;
  object_class->finalize = enr_account_finalize;
  object_class->get_property = enr_account_get_property;
  object_class->set_property = enr_account_set_property;

  props[ACCOUNT_PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ENR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[ACCOUNT_PROP_STATUS] =
    g_param_spec_boxed ("status", NULL, NULL, ENR_TYPE_ACCOUNT_STATUS, shown);
  props[ACCOUNT_PROP_REQUESTS] =
    g_param_spec_object ("requests", NULL, NULL, G_TYPE_LIST_MODEL, shown);
  props[ACCOUNT_PROP_REFRESHING] =
    g_param_spec_boolean ("refreshing", NULL, NULL, FALSE, shown);

  g_object_class_install_properties (object_class, ACCOUNT_N_PROPS, props);
}

static void
enr_account_init (EnrAccount *self)
{
  self->requests = g_list_store_new (ENR_TYPE_SIGNING_REQUEST);
}

EnrAccount *
enr_account_new (EnrSession *session)
{
  g_return_val_if_fail (ENR_IS_SESSION (session), NULL);

  return g_object_new (ENR_TYPE_ACCOUNT, "session", session, NULL);
}

gboolean
enr_account_session_is_enrolled (EnrSession *session)
{
  g_return_val_if_fail (ENR_IS_SESSION (session), FALSE);

  /* A kept key reports its attempts (0 when locked); none reports -1. */
  return !enr_session_get_kiosk (session) &&
         enr_session_get_step (session) >= ENR_SESSION_STEP_CERTIFICATE &&
         _enr_session_get_credential_id (session) != NULL &&
         enr_session_get_pin_attempts_left (session) >= 0;
}

EnrSession *
enr_account_get_session (EnrAccount *self)
{
  g_return_val_if_fail (ENR_IS_ACCOUNT (self), NULL);
  return self->session;
}

const EnrAccountStatus *
enr_account_get_status (EnrAccount *self)
{
  g_return_val_if_fail (ENR_IS_ACCOUNT (self), NULL);
  return self->status;
}

GListModel *
enr_account_get_requests (EnrAccount *self)
{
  g_return_val_if_fail (ENR_IS_ACCOUNT (self), NULL);
  return G_LIST_MODEL (self->requests);
}

gboolean
enr_account_get_refreshing (EnrAccount *self)
{
  g_return_val_if_fail (ENR_IS_ACCOUNT (self), FALSE);
  return self->refreshing > 0;
}

static void
set_status (EnrAccount       *self,
            EnrAccountStatus *status)
{
  g_clear_pointer (&self->status, enr_account_status_free);
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), props[ACCOUNT_PROP_STATUS]);
}

static void
set_refreshing (EnrAccount *self,
                gboolean    refreshing)
{
  gboolean was = self->refreshing > 0;

  if (refreshing)
    self->refreshing++;
  else
    self->refreshing--;
  if (was != (self->refreshing > 0))
    g_object_notify_by_pspec (G_OBJECT (self), props[ACCOUNT_PROP_REFRESHING]);
}

static gboolean
find_request (EnrAccount *self,
              const char *id,
              guint      *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->requests));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EnrSigningRequest) request = g_list_model_get_item (G_LIST_MODEL (self->requests),
                                                                    i);

      if (g_strcmp0 (enr_signing_request_get_id (request), id) == 0)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

static void
forget_request (EnrAccount *self,
                const char *id)
{
  guint position;

  if (find_request (self, id, &position))
    g_list_store_remove (self->requests, position);
}

/* --- Refreshing -------------------------------------------------------------- */

/* [VNPT] GeneralizedTime, "20261123100000Z". */
static gint64
parse_generalized_time (const char *text)
{
  g_autoptr(GDateTime) time = NULL;
  int year, month, day, hour, minute, second;

  if (text == NULL ||
      sscanf (text, "%4d%2d%2d%2d%2d%2dZ", &year, &month, &day, &hour, &minute, &second) != 6)
    return 0;
  time = g_date_time_new_utc (year, month, day, hour, minute, second);
  return time != NULL ? g_date_time_to_unix (time) * G_USEC_PER_SEC : 0;
}

/* The refresh is not an action of the session: its error is told here,
 * and a login that ran out is the session's to ask for again. */
static void
refresh_failed (EnrAccount *self,
                GTask      *task,
                GError     *error)
{
  error = _enr_session_error_from (error);
  if (g_error_matches (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_LOG_IN))
    _enr_session_note_error (self->session, error);
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
waiting_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrAccount *self = g_task_get_source_object (task);
  const char *credential_id = _enr_session_get_credential_id (self->session);
  const char *record_id = _enr_session_get_acceptance_tran_id (self->session);
  g_autoptr(GPtrArray) waiting = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  GError *error = NULL;
  guint n;

  waiting = enr_smartca_client_list_waiting_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  if (waiting == NULL)
    {
      set_refreshing (self, FALSE);
      refresh_failed (self, g_steal_pointer (&task), error);
      return;
    }

  /* The requests for this credential, but the acceptance record, which the
   * wizard signs; a request already listed keeps its place and object. */
  for (guint i = 0; i < waiting->len; i++)
    {
      EnrTransaction *transaction = g_ptr_array_index (waiting, i);

      if (g_strcmp0 (transaction->credential_id, credential_id) != 0 ||
          g_strcmp0 (transaction->tran_id, record_id) == 0)
        continue;
      g_hash_table_add (ids, transaction->tran_id);
    }
  n = g_list_model_get_n_items (G_LIST_MODEL (self->requests));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr(EnrSigningRequest) request = g_list_model_get_item (G_LIST_MODEL (self->requests),
                                                                    i - 1);

      if (!g_hash_table_contains (ids, enr_signing_request_get_id (request)))
        g_list_store_remove (self->requests, i - 1);
    }
  for (guint i = 0; i < waiting->len; i++)
    {
      EnrTransaction *transaction = g_ptr_array_index (waiting, i);
      g_autoptr(EnrSigningRequest) request = NULL;
      guint position;

      if (!g_hash_table_contains (ids, transaction->tran_id) ||
          find_request (self, transaction->tran_id, &position))
        continue;
      request = enr_signing_request_new_from_transaction (transaction);
      if (request == NULL)
        {
          g_info ("a waiting transaction lacks what the citizen must see: not shown");
          continue;
        }
      g_list_store_append (self->requests, request);
    }

  set_refreshing (self, FALSE);
  g_task_return_boolean (task, TRUE);
}

static void
list_waiting (GTask *task)
{
  EnrAccount *self = g_task_get_source_object (task);

  enr_smartca_client_list_waiting_async (_enr_session_get_smartca (self->session),
                                         g_task_get_cancellable (task), waiting_cb, task);
}

static void
certificate_loaded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  /* The status and the requests are shown whatever the certificate says. */
  if (!_enr_session_load_certificate_finish (ENR_SESSION (object), result, &error))
    {
      g_message ("The certificate SmartCA reports does not check out: %s", error->message);
      _enr_session_note_error (ENR_SESSION (object), error);
    }
  list_waiting (task);
}

static void
credential_info_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  EnrAccount *self = g_task_get_source_object (task);
  g_autoptr(EnrCredentialInfo) info = NULL;
  EnrAccountStatus *status;
  GError *error = NULL;

  info = enr_smartca_client_get_credential_info_finish (ENR_SMARTCA_CLIENT (object), result,
                                                        &error);
  if (info == NULL)
    {
      set_refreshing (self, FALSE);
      refresh_failed (self, task, error);
      return;
    }

  status = g_new0 (EnrAccountStatus, 1);
  status->certificate_status = g_strdup (info->cert_status);
  status->key_status = g_strdup (info->key_status);
  status->credential_status = g_strdup (info->status);
  status->serial = g_strdup (info->serial_number);
  status->valid_to = parse_generalized_time (info->valid_to);
  set_status (self, status);

  if (enr_session_get_certificate (self->session) == NULL && info->certificates->len > 0)
    {
      g_autoptr(GPtrArray) chain = g_ptr_array_new ();

      for (guint i = 1; i < info->certificates->len; i++)
        g_ptr_array_add (chain, g_ptr_array_index (info->certificates, i));
      _enr_session_load_certificate_async (self->session,
                                           g_ptr_array_index (info->certificates, 0), chain,
                                           g_task_get_cancellable (task), certificate_loaded_cb,
                                           task);
      return;
    }
  list_waiting (task);
}

void
enr_account_refresh_async (EnrAccount          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  EnrSmartcaClient *smartca;
  GTask *task;

  g_return_if_fail (ENR_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_account_refresh_async);

  smartca = _enr_session_get_smartca (self->session);
  if (smartca == NULL || _enr_session_get_credential_id (self->session) == NULL)
    {
      refresh_failed (self, task, enr_service_error_new (ENR_SERVICE_ERROR_NOT_CONFIGURED, NULL));
      return;
    }
  if (!enr_smartca_client_has_tokens (smartca))
    {
      refresh_failed (self, task, enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED, NULL));
      return;
    }

  set_refreshing (self, TRUE);
  enr_smartca_client_get_credential_info_async (smartca,
                                                _enr_session_get_credential_id (self->session),
                                                cancellable, credential_info_cb, task);
}

gboolean
enr_account_refresh_finish (EnrAccount    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- Approving and rejecting --------------------------------------------------- */

/* The request an approval or a rejection is about, and the KAK while it
 * is open. */
typedef struct
{
  EnrSigningRequest *request;
  EnrKak            *kak;
} Answer;

static void
answer_free (Answer *answer)
{
  g_clear_object (&answer->request);
  if (answer->kak != NULL)
    enr_kak_wipe (answer->kak);
  g_clear_object (&answer->kak);
  g_free (answer);
}

static gboolean
finish (EnrAccount    *self,
        GAsyncResult  *result,
        gpointer       source_tag,
        GError       **error)
{
  g_return_val_if_fail (ENR_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
end (GTask  *task,
     GError *error)
{
  EnrAccount *self = g_task_get_source_object (task);

  _enr_session_end_action (self->session, task, error);
}

/* The request is no longer waiting: it leaves the list. */
static void
end_gone (GTask *task)
{
  EnrAccount *self = g_task_get_source_object (task);
  Answer *answer = g_task_get_task_data (task);

  forget_request (self, enr_signing_request_get_id (answer->request));
  end (task, _enr_session_error_refused (ENR_SESSION_REASON_REQUEST_GONE));
}

static gboolean
gone (const GError *error)
{
  return g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NOT_FOUND) ||
         g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED) ||
         g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_WRONG_STATE);
}

/* Ends @task with the service's answer to it, @expected for success. */
static void
answered (GTask                      *task,
          const EnrTransactionResult *outcome,
          GError                     *error,
          gint64                      expected)
{
  EnrAccount *self = g_task_get_source_object (task);
  Answer *answer = g_task_get_task_data (task);
  const char *id = enr_signing_request_get_id (answer->request);

  if (outcome == NULL && gone (error))
    {
      g_error_free (error);
      end_gone (task);
      return;
    }
  if (outcome == NULL)
    {
      end (task, error);
      return;
    }

  g_info ("transaction %s: status %" G_GINT64_FORMAT, id, outcome->tran_status);
  if (outcome->tran_status == expected)
    {
      forget_request (self, id);
      end (task, NULL);
    }
  else if (outcome->tran_status == 4001 || outcome->tran_status == 4002 ||
           outcome->tran_status == 1)
    end_gone (task);   /* expired, or answered from elsewhere */
  else
    end (task, enr_service_error_new (ENR_SERVICE_ERROR_FAILED, NULL));
}

static void
approved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(EnrTransactionResult) outcome = NULL;
  GError *error = NULL;

  outcome = _enr_session_approve_finish (ENR_SESSION (object), result, &error);
  answered (user_data, outcome, error, 1);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  EnrAccount *self = g_task_get_source_object (task);
  Answer *answer = g_task_get_task_data (task);
  g_autoptr(EnrTransaction) transaction = NULL;
  g_auto(GStrv) hashes = NULL;
  GError *error = NULL;

  transaction = _enr_session_open_transaction_finish (self->session, result, &answer->kak,
                                                      &error);
  if (transaction == NULL)
    {
      /* A wrong PIN, or a request no longer waiting. */
      answered (task, NULL, error, 1);
      return;
    }

  /* What is approved is what the citizen was shown, and nothing else. */
  if (!enr_signing_request_matches (answer->request, transaction) ||
      g_strcmp0 (transaction->credential_id,
                 _enr_session_get_credential_id (self->session)) != 0)
    {
      g_message ("A signing request changed between the list and its approval");
      end (task, enr_service_error_new (ENR_SERVICE_ERROR_HASH_MISMATCH, NULL));
      return;
    }

  /* The SAD names the hashes the citizen was shown, as listed on screen,
   * never a list the service sends apart from them. */
  hashes = enr_signing_request_dup_hashes (answer->request);
  _enr_session_approve_async (self->session, answer->kak, transaction,
                              (const char * const *) hashes, g_task_get_cancellable (task),
                              approved_cb, task);
  /* The KAK has done its part. */
  enr_kak_wipe (answer->kak);
  g_clear_object (&answer->kak);
}

/* An action on @request, or NULL (and the caller told why). */
static GTask *
begin_answer (EnrAccount          *self,
              EnrSigningRequest   *request,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  EnrSession *session = self->session;
  const char *credential_id = _enr_session_get_credential_id (session);
  Answer *answer;
  GTask *task;

  task = _enr_session_begin_action (session, self, cancellable, callback, user_data, source_tag);
  if (task == NULL)
    return NULL;
  answer = g_new0 (Answer, 1);
  answer->request = g_object_ref (request);
  g_task_set_task_data (task, answer, (GDestroyNotify) answer_free);

  if (!enr_smartca_client_has_tokens (_enr_session_get_smartca (session)))
    {
      end (task, enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED, NULL));
      return NULL;
    }
  if (credential_id == NULL ||
      g_strcmp0 (enr_signing_request_get_credential_id (request), credential_id) != 0)
    {
      end (task, enr_service_error_new (ENR_SERVICE_ERROR_WRONG_STATE, NULL));
      return NULL;
    }
  return task;
}

void
enr_account_approve_async (EnrAccount          *self,
                           EnrSigningRequest   *request,
                           const char          *pin,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_ACCOUNT (self));
  g_return_if_fail (ENR_IS_SIGNING_REQUEST (request));
  g_return_if_fail (pin != NULL);

  task = begin_answer (self, request, cancellable, callback, user_data,
                       enr_account_approve_async);
  if (task != NULL)
    _enr_session_open_transaction_async (self->session, pin,
                                         enr_signing_request_get_id (request),
                                         g_task_get_cancellable (task), opened_cb, task);
}

gboolean
enr_account_approve_finish (EnrAccount    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return finish (self, result, enr_account_approve_async, error);
}

static void
rejected_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(EnrTransactionResult) outcome = NULL;
  GError *error = NULL;

  outcome = enr_smartca_client_reject_transaction_finish (ENR_SMARTCA_CLIENT (object), result,
                                                          &error);
  answered (user_data, outcome, error, 4002);
}

void
enr_account_reject_async (EnrAccount          *self,
                          EnrSigningRequest   *request,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_ACCOUNT (self));
  g_return_if_fail (ENR_IS_SIGNING_REQUEST (request));

  task = begin_answer (self, request, cancellable, callback, user_data,
                       enr_account_reject_async);
  if (task != NULL)
    enr_smartca_client_reject_transaction_async (_enr_session_get_smartca (self->session),
                                                 enr_signing_request_get_id (request),
                                                 g_task_get_cancellable (task), rejected_cb,
                                                 task);
}

gboolean
enr_account_reject_finish (EnrAccount    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return finish (self, result, enr_account_reject_async, error);
}

/* --- The PIN ------------------------------------------------------------------- */

static void
pin_changed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  _enr_session_change_pin_finish (ENR_SESSION (object), result, &error);
  end (task, error);
}

void
enr_account_change_pin_async (EnrAccount          *self,
                              const char          *old_pin,
                              const char          *new_pin,
                              const char          *confirmation,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  EnrSession *session;
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (ENR_IS_ACCOUNT (self));
  g_return_if_fail (old_pin != NULL && new_pin != NULL);

  session = self->session;
  task = _enr_session_begin_action (session, self, cancellable, callback, user_data,
                                    enr_account_change_pin_async);
  if (task == NULL)
    return;

  /* The rules first: a refused PIN costs no try of the old one. */
  if (!_enr_session_validate_new_pin (session, new_pin, confirmation, &error))
    {
      end (task, error);
      return;
    }
  if (!enr_smartca_client_has_tokens (_enr_session_get_smartca (session)))
    {
      end (task, enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED, NULL));
      return;
    }
  _enr_session_change_pin_async (session, old_pin, new_pin, g_task_get_cancellable (task),
                                 pin_changed_cb, task);
}

gboolean
enr_account_change_pin_finish (EnrAccount    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return finish (self, result, enr_account_change_pin_async, error);
}

/* --- Removal -------------------------------------------------------------------- */

static void
wiped_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrAccount *self = g_task_get_source_object (task);

  enr_session_wipe_finish (ENR_SESSION (object), result, NULL);
  g_list_store_remove_all (self->requests);
  set_status (self, NULL);
  g_task_return_boolean (task, TRUE);
}

void
enr_account_remove_async (EnrAccount          *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ENR_IS_ACCOUNT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_account_remove_async);
  g_info ("removing SmartCA from this computer");
  enr_session_wipe_async (self->session, NULL, wiped_cb, g_steal_pointer (&task));
}

gboolean
enr_account_remove_finish (EnrAccount    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
