/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The last part of signing: in a worker thread, each document not signed
 * yet is written to its output (a default name taken since it was shown
 * gives way to the next) around SmartCA's signature and its time stamp,
 * then checked as any signed PDF is; only what checks out is SIGNED, and
 * what does not is removed.
 */
#define G_LOG_DOMAIN "enr-document-signing"

#include "config.h"

#include "enr-crypto-error.h"
#include "enr-document-signing-private.h"
#include "enr-pdf-check.h"
#include "enr-session-error-private.h"
#include "enr-session-private.h"
#include "enr-signing-document-private.h"

typedef struct
{
  EnrSigningWork *work;          /* borrowed: :running keeps it */
  GPtrArray      *tokens;        /* GBytes by document, or NULL */
  GPtrArray      *inputs;        /* GFile by document */
  GPtrArray      *names;         /* char *, by document */
  GPtrArray      *outputs;       /* GFile by document: chosen, default, or NULL when signed */
  GPtrArray      *chosen;        /* GINT_TO_POINTER: the citizen chose the output */
  char           *trust_anchor;
  GArray         *written;       /* gboolean by document: written and checked now */
  gint64          write_us;
  gint64          check_us;
} Write;

static void
write_free (Write *write)
{
  g_clear_pointer (&write->tokens, g_ptr_array_unref);
  g_ptr_array_unref (write->inputs);
  g_ptr_array_unref (write->names);
  g_array_unref (write->written);
  g_ptr_array_unref (write->outputs);
  g_ptr_array_unref (write->chosen);
  g_free (write->trust_anchor);
  g_free (write);
}

/* Whether the file just written carries, as its last signature, a sound
 * one that covers it whole (with a trusted time when stamped). Earlier
 * signatures are other signers' business: a document signed elsewhere is
 * signed again all the same. */
static gboolean
check_written (Write   *write,
               GFile   *output,
               gboolean stamped,
               GError **error)
{
  g_autoptr(EnrPdfCheckReport) report = NULL;
  const EnrPdfCheckSignature *last;

  report = enr_pdf_check_file (output, write->trust_anchor, error);
  if (report == NULL)
    return FALSE;
  last = report->signatures->len > 0
           ? g_ptr_array_index (report->signatures, report->signatures->len - 1) : NULL;
  if (last == NULL || !enr_pdf_check_signature_is_valid (last) ||
      last->change != ENR_PDF_CHECK_UNCHANGED ||
      (stamped && last->time_source != ENR_PDF_CHECK_TIME_TRUSTED))
    {
      g_message ("a signed copy does not check out: %s, %s, %s, %s",
                 last != NULL ? enr_pdf_check_integrity_to_string (last->integrity) : "none",
                 last != NULL ? enr_pdf_check_trust_to_string (last->trust) : "",
                 last != NULL ? enr_pdf_check_change_to_string (last->change) : "",
                 last != NULL ? enr_pdf_check_timestamp_to_string (last->timestamp) : "");
      g_set_error_literal (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE,
                           "the signed copy does not check out");
      return FALSE;
    }
  return TRUE;
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Write *write = task_data;
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GError *error = NULL;

  for (guint i = 0; i < write->outputs->len; i++)
    if (g_ptr_array_index (write->outputs, i) != NULL)
      g_hash_table_add (taken, g_file_get_uri (g_ptr_array_index (write->outputs, i)));

  for (guint i = 0; i < write->outputs->len; i++)
    {
      GFile *output = g_ptr_array_index (write->outputs, i);
      const char *name = g_ptr_array_index (write->names, i);
      GBytes *token = write->tokens != NULL ? g_ptr_array_index (write->tokens, i) : NULL;
      gint64 started;

      if (output == NULL)
        continue;   /* signed by an earlier call */
      if (g_task_return_error_if_cancelled (task))
        return;

      /* A default name taken since it was shown gives way to the next. */
      if (g_ptr_array_index (write->chosen, i) == NULL && g_file_query_exists (output, NULL))
        {
          GFile *other = _enr_signing_document_pick_output (g_ptr_array_index (write->inputs, i),
                                                            taken);

          if (other == NULL)
            {
              g_task_return_error (task, _enr_session_error_for_document (
                                     g_error_new_literal (ENR_PADES_SIGN_ERROR,
                                                          ENR_PADES_SIGN_ERROR_IO,
                                                          "no free name for the signed copy"),
                                     name));
              return;
            }
          g_ptr_array_index (write->outputs, i) = other;
          g_object_unref (output);
          output = other;
        }

      started = g_get_monotonic_time ();
      if (!enr_pades_signing_write (g_ptr_array_index (write->work->signings, i),
                                    g_ptr_array_index (write->work->signatures, i),
                                    write->work->chain, write->work->chain_len, token, output,
                                    cancellable, &error))
        {
          g_task_return_error (task, _enr_session_error_for_document (error, name));
          return;
        }
      write->write_us += g_get_monotonic_time () - started;

      started = g_get_monotonic_time ();
      if (!check_written (write, output, token != NULL, &error))
        {
          g_file_delete (output, NULL, NULL);
          g_task_return_error (task, _enr_session_error_for_document (error, name));
          return;
        }
      write->check_us += g_get_monotonic_time () - started;
      g_array_index (write->written, gboolean, i) = TRUE;
    }
  g_task_return_boolean (task, TRUE);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  EnrDocumentSigning *self = ENR_DOCUMENT_SIGNING (object);
  Write *write = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  g_task_propagate_boolean (G_TASK (result), &error);
  self->timings[ENR_SIGNING_PART_WRITE] += write->write_us;
  self->timings[ENR_SIGNING_PART_CHECK] += write->check_us;

  /* Whatever was written and checked is signed, even when a later
   * document failed: its file is there. */
  for (guint i = 0; i < write->written->len; i++)
    {
      EnrSigningDocument *document = _enr_document_signing_get_document (self, i);

      if (!g_array_index (write->written, gboolean, i))
        continue;
      if (g_ptr_array_index (write->chosen, i) == NULL &&
          !g_file_equal (g_ptr_array_index (write->outputs, i),
                         enr_signing_document_get_output (document)))
        _enr_signing_document_take_default_output (document,
                                                   g_object_ref (g_ptr_array_index (write->outputs,
                                                                                    i)));
      _enr_signing_document_set_signed (document, write->tokens != NULL);
      g_info ("signed %s", enr_signing_document_get_display_name (document));
    }
  _enr_document_signing_end (task, error);
}

void
_enr_document_signing_write_all (GTask     *task,
                                 GPtrArray *tokens)
{
  EnrDocumentSigning *self = g_task_get_source_object (task);
  guint n = _enr_document_signing_get_n_documents (self);
  Write *write = g_new0 (Write, 1);
  g_autoptr(GTask) worker = NULL;

  write->work = self->work;
  write->tokens = tokens;
  write->inputs = g_ptr_array_new_with_free_func (g_object_unref);
  write->names = g_ptr_array_new_with_free_func (g_free);
  write->outputs = g_ptr_array_new_with_free_func (g_object_unref);
  write->chosen = g_ptr_array_new ();
  write->written = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_array_set_size (write->written, n);
  write->trust_anchor = g_strdup (
    _enr_session_get_signing_trust_anchor (_enr_document_signing_get_session (self)));
  for (guint i = 0; i < n; i++)
    {
      EnrSigningDocument *document = _enr_document_signing_get_document (self, i);
      gboolean pending = enr_signing_document_get_state (document) != ENR_SIGNING_DOCUMENT_SIGNED;

      g_ptr_array_add (write->inputs, g_object_ref (enr_signing_document_get_file (document)));
      g_ptr_array_add (write->names, g_strdup (enr_signing_document_get_display_name (document)));
      g_ptr_array_add (write->outputs,
                       pending && enr_signing_document_get_output (document) != NULL
                         ? g_object_ref (enr_signing_document_get_output (document)) : NULL);
      g_ptr_array_add (write->chosen,
                       GINT_TO_POINTER (_enr_signing_document_get_output_chosen (document)));
      if (pending && enr_signing_document_get_output (document) == NULL)
        {
          _enr_document_signing_end (task, _enr_session_error_for_document (
                 g_error_new_literal (ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_IO,
                                      "no free name for the signed copy"),
                 enr_signing_document_get_display_name (document)));
          write_free (write);
          return;
        }
    }

  worker = g_task_new (self, g_task_get_cancellable (task), written_cb, task);
  g_task_set_source_tag (worker, _enr_document_signing_write_all);
  g_task_set_task_data (worker, write, (GDestroyNotify) write_free);
  g_task_run_in_thread (worker, write_thread);
}
