/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EnrDocumentCheck: a signed PDF checked against the session's signing
 * trust anchor, in a worker thread, kept both as the engine's verdicts
 * (for --check --json) and in the citizen's words
 * (enr-document-check-words.c). Not an action of the session: it needs no
 * service and no login, so it works before enrollment, beside another
 * action, and with no service configured.
 */
#define G_LOG_DOMAIN "enr-document-check"

#include "config.h"

#include <string.h>

#include "enr-document-check-private.h"
#include "enr-json.h"
#include "enr-session-error-private.h"
#include "enr-session-private.h"

struct _EnrDocumentCheck
{
  GObject             parent_instance;

  GFile              *file;
  EnrPdfCheckReport  *report;       /* the verdicts, by their stable names */
  GPtrArray          *signatures;   /* of EnrCheckedSignature, as the report's */
  EnrCheckVerdict     summary;
};

G_DEFINE_FINAL_TYPE (EnrDocumentCheck, enr_document_check, G_TYPE_OBJECT)

static void
enr_document_check_finalize (GObject *object)
{
  EnrDocumentCheck *self = ENR_DOCUMENT_CHECK (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->report, enr_pdf_check_report_free);
  g_clear_pointer (&self->signatures, g_ptr_array_unref);
  _enr_check_verdict_clear (&self->summary);

  G_OBJECT_CLASS (enr_document_check_parent_class)->finalize (object);
}

static void
enr_document_check_class_init (EnrDocumentCheckClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enr_document_check_finalize;
}

static void
enr_document_check_init (EnrDocumentCheck *self)
{
}

static EnrDocumentCheck *
document_check_new (GFile             *file,
                    EnrPdfCheckReport *report)
{
  EnrDocumentCheck *self = g_object_new (ENR_TYPE_DOCUMENT_CHECK, NULL);

  self->file = g_object_ref (file);
  self->report = report;
  self->signatures = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                     _enr_checked_signature_free);
  for (guint i = 0; i < report->signatures->len; i++)
    g_ptr_array_add (self->signatures,
                     _enr_checked_signature_new (g_ptr_array_index (report->signatures, i),
                                                 report->size));
  _enr_check_summarize (self->signatures, &self->summary);
  return self;
}

/* --- Checking, in a thread ----------------------------------------------------------- */

typedef struct
{
  GFile *file;
  char  *trust_anchor;   /* NULL: the system's store */
} Check;

static void
check_free (Check *check)
{
  g_clear_object (&check->file);
  g_free (check->trust_anchor);
  g_free (check);
}

/* Whether a byte of @file can be read: the engine says "malformed" for a
 * file it could not open as well as for one that is not a PDF, and a
 * citizen needs to hear which. */
static gboolean
can_read (GFile        *file,
          GCancellable *cancellable)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  guint8 byte;

  stream = g_file_read (file, cancellable, &error);
  if (stream == NULL ||
      g_input_stream_read (G_INPUT_STREAM (stream), &byte, 1, cancellable, &error) < 0)
    {
      g_debug ("cannot read the document: %s", error->message);
      return FALSE;
    }
  return TRUE;
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Check *check = task_data;
  g_autoptr(EnrPdfCheckReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  gboolean readable;

  readable = can_read (check->file, cancellable);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (readable)
    report = enr_pdf_check_file (check->file, check->trust_anchor, &error);
  if (report == NULL)
    {
      g_autofree char *path = g_file_get_path (check->file);

      if (error != NULL)
        g_debug ("not checked: %s", error->message);
      name = path != NULL ? g_filename_display_basename (path) : g_file_get_uri (check->file);
      g_task_return_error (task, _enr_session_error_unchecked_document (name, readable));
      return;
    }
  g_task_return_pointer (task, document_check_new (check->file, g_steal_pointer (&report)),
                         g_object_unref);
}

void
enr_document_check_file_async (EnrSession          *session,
                               GFile               *file,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Check *check;

  g_return_if_fail (ENR_IS_SESSION (session));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  check = g_new0 (Check, 1);
  check->file = g_object_ref (file);
  check->trust_anchor = g_strdup (_enr_session_get_signing_trust_anchor (session));
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_document_check_file_async);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  /* The thread hashes the whole file: a closed window need not wait. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, check_thread);
}

EnrDocumentCheck *
enr_document_check_file_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enr_document_check_file_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- What it found ------------------------------------------------------------------ */

GFile *
enr_document_check_get_file (EnrDocumentCheck *self)
{
  g_return_val_if_fail (ENR_IS_DOCUMENT_CHECK (self), NULL);
  return self->file;
}

GPtrArray *
enr_document_check_get_signatures (EnrDocumentCheck *self)
{
  g_return_val_if_fail (ENR_IS_DOCUMENT_CHECK (self), NULL);
  return self->signatures;
}

gboolean
enr_document_check_is_valid (EnrDocumentCheck *self)
{
  g_return_val_if_fail (ENR_IS_DOCUMENT_CHECK (self), FALSE);
  return enr_pdf_check_report_is_valid (self->report);
}

const EnrCheckVerdict *
enr_document_check_get_summary (EnrDocumentCheck *self)
{
  g_return_val_if_fail (ENR_IS_DOCUMENT_CHECK (self), NULL);
  return &self->summary;
}

static JsonNode *
signature_to_json (const EnrPdfCheckSignature *signature,
                   const EnrCheckedSignature  *checked)
{
  g_autofree char *time = NULL;

  /* RFC 3339, which every script's date parser reads: "+07:00", never "+07". */
  if (checked->time != NULL)
    time = g_date_time_format (checked->time, "%Y-%m-%dT%H:%M:%S%:z");

  /* The citizen ID masked, as everywhere the program shows it: a script's
   * log is no place for a citizen's full ID. */
  return enr_json_object_new ("kind", signature->kind == ENR_PDF_CHECK_KIND_DOCUMENT_TIMESTAMP
                                      ? "document-timestamp" : "signature",
                              "signer", checked->signer_name,
                              "citizenId", checked->masked_citizen_id,
                              "issuer", checked->issuer_name,
                              "time", time,
                              "timeSource",
                              enr_pdf_check_time_source_to_string (signature->time_source),
                              "integrity", enr_pdf_check_integrity_to_string (signature->integrity),
                              "change", enr_pdf_check_change_to_string (signature->change),
                              "trust", enr_pdf_check_trust_to_string (signature->trust),
                              "timestamp", enr_pdf_check_timestamp_to_string (signature->timestamp),
                              "tsa", signature->tsa_name,
                              "subFilter", signature->sub_filter,
                              "serial", signature->certificate != NULL
                                        ? enr_certificate_get_serial (signature->certificate)
                                        : NULL,
                              "b:valid", checked->valid,
                              NULL);
}

JsonNode *
enr_document_check_to_json (EnrDocumentCheck *self)
{
  g_autoptr(JsonArray) signatures = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (ENR_IS_DOCUMENT_CHECK (self), NULL);

  path = g_file_get_path (self->file);
  if (path == NULL)
    path = g_file_get_uri (self->file);
  signatures = json_array_sized_new (self->signatures->len);
  for (guint i = 0; i < self->signatures->len; i++)
    json_array_add_element (signatures,
                            signature_to_json (g_ptr_array_index (self->report->signatures, i),
                                               g_ptr_array_index (self->signatures, i)));
  return enr_json_object_new ("file", path,
                              "b:valid", enr_document_check_is_valid (self),
                              "o:signatures", json_node_init_array (json_node_alloc (),
                                                                    signatures),
                              NULL);
}
