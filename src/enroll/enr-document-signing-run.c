/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Signing what was prepared, under one PIN: one signhash transaction with
 * an entry per document, the key opened through the PIN guard, one SAD
 * over exactly the hashes prepared (signconfirm), each `sig` from
 * gettraninfo, a time stamp per signature (asked all at once); then the
 * files are written (enr-document-signing-write.c). If the TSA fails, the
 * signatures are kept for enr_document_signing_finish_async().
 */
#define G_LOG_DOMAIN "enr-document-signing"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <string.h>

#include "enr-crypto-error.h"
#include "enr-document-signing-private.h"
#include "enr-secure.h"
#include "enr-service-error.h"
#include "enr-session-error-private.h"
#include "enr-session-private.h"
#include "enr-signing-document-private.h"
#include "enr-tsa-client.h"

/* One sign or finish call. */
typedef struct
{
  EnrSecureString *pin;          /* until the key is open */
  EnrKak          *kak;          /* while the approval needs it */
  EnrTransaction  *transaction;  /* as the service holds it, checked */
  gboolean         asked_again;  /* a lapsed transaction was replaced once */
  GPtrArray       *tokens;       /* GBytes by document; NULL: B-B */
  guint            stamping;     /* time stamps still awaited */
  GError          *stamp_error;
  gint64           started;      /* of the part being timed */
} Run;

static void
run_free (Run *run)
{
  g_clear_pointer (&run->pin, enr_secure_string_free);
  if (run->kak != NULL)
    enr_kak_wipe (run->kak);
  g_clear_object (&run->kak);
  g_clear_pointer (&run->transaction, enr_transaction_free);
  g_clear_pointer (&run->tokens, g_ptr_array_unref);
  g_clear_error (&run->stamp_error);
  g_free (run);
}

void
_enr_document_signing_end (GTask  *task,
                           GError *error)
{
  EnrDocumentSigning *self = g_task_get_source_object (task);

  self->running = FALSE;
  _enr_session_end_action (_enr_document_signing_get_session (self), task, error);
}

static void
end (GTask  *task,
     GError *error)
{
  _enr_document_signing_end (task, error);
}

static void
timed (GTask          *task,
       EnrSigningPart  part)
{
  EnrDocumentSigning *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);
  gint64 now = g_get_monotonic_time ();

  self->timings[part] += now - run->started;
  run->started = now;
}

/* The Base64 SHA-256 of each prepared document, in the list's order: what
 * the citizen was shown, the only list a SAD approves. */
static GStrv
prepared_hashes (EnrDocumentSigning *self)
{
  GPtrArray *hashes = g_ptr_array_new ();

  for (guint i = 0; i < self->work->signings->len; i++)
    g_ptr_array_add (hashes,
                     g_base64_encode (enr_pades_signing_get_hash (
                                        g_ptr_array_index (self->work->signings, i)),
                                      ENR_CMS_DIGEST_LENGTH));
  g_ptr_array_add (hashes, NULL);
  return (GStrv) g_ptr_array_free (hashes, FALSE);
}

/* Compared as the 32 bytes they encode, as the service compares them. */
static gboolean
same_hash (const char *a,
           const char *b)
{
  g_autofree guint8 *x = NULL;
  g_autofree guint8 *y = NULL;
  gsize x_len = 0, y_len = 0;

  if (a == NULL || b == NULL)
    return FALSE;
  x = g_base64_decode (a, &x_len);
  y = g_base64_decode (b, &y_len);
  return x_len == ENR_CMS_DIGEST_LENGTH && y_len == x_len && memcmp (x, y, x_len) == 0;
}

/* --- Time stamps -------------------------------------------------------------------- */

typedef struct
{
  GTask *task;
  guint  index;
} Stamp;

static void
stamped_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Stamp *stamp = user_data;
  GTask *task = stamp->task;
  Run *run = g_task_get_task_data (task);
  GError *error = NULL;
  GBytes *token = enr_tsa_timestamp_finish (result, &error);

  if (token != NULL)
    g_ptr_array_index (run->tokens, stamp->index) = token;
  else if (run->stamp_error == NULL)
    run->stamp_error = error;
  else
    g_error_free (error);
  g_free (stamp);

  if (--run->stamping > 0)
    return;
  timed (task, ENR_SIGNING_PART_TSA);
  if (run->stamp_error != NULL)
    {
      /* SmartCA's signatures stay with the work: finish() goes on from here. */
      end (task, _enr_session_error_timestamp (g_steal_pointer (&run->stamp_error)));
      return;
    }
  _enr_document_signing_write_all (task, g_steal_pointer (&run->tokens));
}

/* A time stamp on each signature value (PAdES B-T), all asked at once. */
static void
stamp_all (GTask *task)
{
  EnrDocumentSigning *self = g_task_get_source_object (task);
  EnrSession *session = _enr_document_signing_get_session (self);
  Run *run = g_task_get_task_data (task);
  GPtrArray *signatures = self->work->signatures;
  const char *url = enr_session_get_tsa_url (session);

  if (url == NULL)
    {
      end (task, _enr_session_error_timestamp (NULL));
      return;
    }
  run->tokens = g_ptr_array_new_full (signatures->len, (GDestroyNotify) g_bytes_unref);
  g_ptr_array_set_size (run->tokens, signatures->len);
  run->stamping = signatures->len;
  run->started = g_get_monotonic_time ();
  for (guint i = 0; i < signatures->len; i++)
    {
      GBytes *sig = g_ptr_array_index (signatures, i);
      guint8 imprint[ENR_CMS_DIGEST_LENGTH];
      Stamp *stamp = g_new0 (Stamp, 1);

      gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig),
                        imprint);
      stamp->task = task;
      stamp->index = i;
      enr_tsa_timestamp_async (_enr_session_get_http (session), url, imprint,
                               g_task_get_cancellable (task), stamped_cb, stamp);
    }
}

/* --- SmartCA ------------------------------------------------------------------------ */

static void
transaction_info_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  EnrDocumentSigning *self = g_task_get_source_object (task);
  g_autoptr(EnrTransactionInfo) info = NULL;
  g_auto(GStrv) hashes = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  GError *error = NULL;

  info = enr_smartca_client_get_transaction_info_finish (ENR_SMARTCA_CLIENT (object), result,
                                                         &error);
  timed (task, ENR_SIGNING_PART_SERVICE);
  if (info == NULL)
    {
      end (task, error);
      return;
    }

  /* Each sig for the hash it was asked for, in the same order; the CMS
   * writer checks each against the certificate before it is kept. */
  hashes = prepared_hashes (self);
  if (info->tran_status != 1 || info->documents->len != g_strv_length (hashes))
    {
      g_message ("transaction %s: status %" G_GINT64_FORMAT ", %u signatures", info->tran_id,
                 info->tran_status, info->documents->len);
      end (task, enr_service_error_new (ENR_SERVICE_ERROR_FAILED, NULL));
      return;
    }
  signatures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < info->documents->len; i++)
    {
      EnrSignedHash *signed_hash = g_ptr_array_index (info->documents, i);

      if (signed_hash->sig == NULL || !same_hash (signed_hash->hash, hashes[i]))
        {
          end (task, enr_service_error_new (ENR_SERVICE_ERROR_MALFORMED_REPLY, NULL));
          return;
        }
      g_ptr_array_add (signatures, g_bytes_ref (signed_hash->sig));
    }
  self->work->signatures = g_steal_pointer (&signatures);
  stamp_all (task);
}

static void
approved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrDocumentSigning *self = g_task_get_source_object (task);
  g_autoptr(EnrTransactionResult) outcome = NULL;
  GError *error = NULL;

  outcome = _enr_session_approve_finish (ENR_SESSION (object), result, &error);
  if (outcome == NULL)
    {
      timed (task, ENR_SIGNING_PART_SERVICE);
      end (task, error);
      return;
    }
  if (outcome->tran_status != 1)
    {
      /* Lapsed or answered elsewhere: the next sign asks anew. */
      g_clear_pointer (&self->work->tran_id, g_free);
      timed (task, ENR_SIGNING_PART_SERVICE);
      end (task, enr_service_error_new (outcome->tran_status == 4001
                                          ? ENR_SERVICE_ERROR_CHALLENGE_EXPIRED
                                          : ENR_SERVICE_ERROR_FAILED, NULL));
      return;
    }
  enr_smartca_client_get_transaction_info_async (
    _enr_session_get_smartca (_enr_document_signing_get_session (self)), self->work->tran_id,
    g_task_get_cancellable (task), transaction_info_cb, task);
}

static void ask (GTask *task);

static gboolean
lapsed (const GError *error)
{
  return g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NOT_FOUND) ||
         g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED) ||
         g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_WRONG_STATE);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  EnrDocumentSigning *self = g_task_get_source_object (task);
  EnrSession *session = ENR_SESSION (object);
  Run *run = g_task_get_task_data (task);
  g_auto(GStrv) hashes = NULL;
  GError *error = NULL;
  gboolean matches;

  run->transaction = _enr_session_open_transaction_finish (session, result, &run->kak, &error);
  timed (task, ENR_SIGNING_PART_PIN);
  if (run->transaction == NULL && lapsed (error) && !run->asked_again)
    {
      /* The transaction kept after a wrong PIN lapsed: one new one. */
      g_clear_error (&error);
      g_clear_pointer (&self->work->tran_id, g_free);
      run->asked_again = TRUE;
      ask (task);
      return;
    }
  g_clear_pointer (&run->pin, enr_secure_string_free);
  if (run->transaction == NULL)
    {
      /* A wrong PIN keeps the transaction for the next try. */
      end (task, error);
      return;
    }

  /* What is approved is what was prepared and shown, nothing else. */
  hashes = prepared_hashes (self);
  matches = g_strcmp0 (run->transaction->credential_id,
                       _enr_session_get_credential_id (session)) == 0 &&
            run->transaction->documents->len == g_strv_length (hashes);
  for (guint i = 0; matches && hashes[i] != NULL; i++)
    {
      EnrTransactionDocument *document = g_ptr_array_index (run->transaction->documents, i);

      matches = same_hash (document->hash, hashes[i]);
    }
  if (!matches)
    {
      g_message ("the signhash transaction is not what was prepared");
      end (task, enr_service_error_new (ENR_SERVICE_ERROR_HASH_MISMATCH, NULL));
      return;
    }

  _enr_session_approve_async (session, run->kak, run->transaction, (const char * const *) hashes,
                              g_task_get_cancellable (task), approved_cb, task);
  /* The KAK has done its part. */
  enr_kak_wipe (run->kak);
  g_clear_object (&run->kak);
}

static void
open_transaction (GTask *task)
{
  EnrDocumentSigning *self = g_task_get_source_object (task);
  Run *run = g_task_get_task_data (task);

  timed (task, ENR_SIGNING_PART_SERVICE);
  _enr_session_open_transaction_async (_enr_document_signing_get_session (self), run->pin,
                                       self->work->tran_id, g_task_get_cancellable (task),
                                       opened_cb, task);
}

static void
asked_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  EnrDocumentSigning *self = g_task_get_source_object (task);
  GError *error = NULL;
  char *tran_id;

  tran_id = enr_smartca_client_sign_hash_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  if (tran_id == NULL)
    {
      timed (task, ENR_SIGNING_PART_SERVICE);
      end (task, error);
      return;
    }
  g_info ("signhash transaction %s: %u documents", tran_id, self->work->signings->len);
  self->work->tran_id = tran_id;
  open_transaction (task);
}

/* One signhash transaction for every document prepared. */
static void
ask (GTask *task)
{
  EnrDocumentSigning *self = g_task_get_source_object (task);
  EnrSession *session = _enr_document_signing_get_session (self);
  guint n = _enr_document_signing_get_n_documents (self);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  g_autofree char *ref_tran_id = g_uuid_string_random ();
  g_autofree char *description = NULL;
  g_auto(GStrv) name_list = NULL;
  g_auto(GStrv) hashes = prepared_hashes (self);

  for (guint i = 0; i < n; i++)
    g_strv_builder_add (names,
                        enr_signing_document_get_display_name (
                          _enr_document_signing_get_document (self, i)));
  name_list = g_strv_builder_end (names);
  /* Translators: how the citizen's own signing shows in SmartCA's lists. */
  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u document signed on this computer",
                                              "%u documents signed on this computer", n), n);
  enr_smartca_client_sign_hash_async (_enr_session_get_smartca (session),
                                      _enr_session_get_credential_id (session), ref_tran_id,
                                      description, (const char * const *) name_list,
                                      (const char * const *) hashes,
                                      g_task_get_cancellable (task), asked_cb, task);
}

/* --- The calls ---------------------------------------------------------------------- */

static gboolean
all_signed (EnrDocumentSigning *self)
{
  guint n = _enr_document_signing_get_n_documents (self);

  for (guint i = 0; i < n; i++)
    if (enr_signing_document_get_state (_enr_document_signing_get_document (self, i)) !=
        ENR_SIGNING_DOCUMENT_SIGNED)
      return FALSE;
  return TRUE;
}

/* The session's action for a call, or NULL (and the caller told why). */
static GTask *
begin (EnrDocumentSigning  *self,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             source_tag)
{
  EnrSession *session = _enr_document_signing_get_session (self);
  GTask *task;

  task = _enr_session_begin_action (session, self, cancellable, callback, user_data, source_tag);
  if (task == NULL)
    return NULL;
  g_task_set_task_data (task, g_new0 (Run, 1), (GDestroyNotify) run_free);
  self->running = TRUE;

  if (self->work == NULL || all_signed (self))
    {
      end (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                                      "nothing prepared to sign"));
      return NULL;
    }
  if (!enr_smartca_client_has_tokens (_enr_session_get_smartca (session)))
    {
      end (task, enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED, NULL));
      return NULL;
    }
  return task;
}

void
enr_document_signing_sign_async (EnrDocumentSigning  *self,
                                 const char          *pin,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  Run *run;

  g_return_if_fail (ENR_IS_DOCUMENT_SIGNING (self));
  g_return_if_fail (pin != NULL);

  task = begin (self, cancellable, callback, user_data, enr_document_signing_sign_async);
  if (task == NULL)
    return;
  run = g_task_get_task_data (task);
  memset (self->timings, 0, sizeof self->timings);
  run->started = g_get_monotonic_time ();

  /* SmartCA's signatures are kept after a time stamp that failed: no
   * second transaction, no PIN. */
  if (self->work->signatures != NULL)
    {
      stamp_all (task);
      return;
    }
  run->pin = enr_secure_strdup (pin);
  if (self->work->tran_id != NULL)
    open_transaction (task);   /* the one a wrong PIN left waiting */
  else
    ask (task);
}

gboolean
enr_document_signing_sign_finish (EnrDocumentSigning  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enr_document_signing_sign_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enr_document_signing_finish_async (EnrDocumentSigning  *self,
                                   gboolean             with_timestamp,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_DOCUMENT_SIGNING (self));

  task = begin (self, cancellable, callback, user_data, enr_document_signing_finish_async);
  if (task == NULL)
    return;
  if (self->work->signatures == NULL)
    {
      end (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                                      "SmartCA has signed nothing yet: sign first"));
      return;
    }
  ((Run *) g_task_get_task_data (task))->started = g_get_monotonic_time ();
  if (with_timestamp)
    stamp_all (task);
  else
    _enr_document_signing_write_all (task, NULL);
}

gboolean
enr_document_signing_finish_finish (EnrDocumentSigning  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enr_document_signing_finish_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
