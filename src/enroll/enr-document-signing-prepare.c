/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preparing the citizen's documents for one signhash transaction: the
 * certificate and its chain as SmartCA holds them (checked like the
 * session's own), then, in a worker thread, each file's signature field
 * and appearance and the hash SmartCA will sign, and where its signed copy
 * goes. Nothing is written here.
 */
#define G_LOG_DOMAIN "enr-document-signing"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "enr-crypto-error.h"
#include "enr-document-signing-private.h"
#include "enr-pdf-appearance.h"
#include "enr-service-error.h"
#include "enr-session-error-private.h"
#include "enr-session-private.h"
#include "enr-signing-document-private.h"
#include "enr-vietnam-time.h"

void
_enr_signing_work_free (EnrSigningWork *work)
{
  if (work == NULL)
    return;
  g_clear_pointer (&work->signings, g_ptr_array_unref);
  g_clear_pointer (&work->signatures, g_ptr_array_unref);
  if (work->signer != NULL)
    gnutls_x509_crt_deinit (work->signer);
  for (guint i = 0; i < work->chain_len; i++)
    gnutls_x509_crt_deinit (work->chain[i]);
  g_free (work->chain);
  g_free (work->tran_id);
  g_free (work);
}

/* --- Where a signed copy goes ------------------------------------------------------ */

/* "report" for report.pdf; "report" again for report-signed.pdf and
 * report-signed-2.pdf, so that signing a signed copy once more gives
 * report-signed-2.pdf, not report-signed-signed.pdf. */
static char *
stem_of (const char *basename)
{
  g_autofree char *stem = g_str_has_suffix (basename, ".pdf") ||
                          g_str_has_suffix (basename, ".PDF")
                            ? g_strndup (basename, strlen (basename) - 4)
                            : g_strdup (basename);
  char *dash = strrchr (stem, '-');

  if (dash != NULL && dash > stem && dash[1] != '\0' &&
      strspn (dash + 1, "0123456789") == strlen (dash + 1))
    {
      *dash = '\0';
      if (!g_str_has_suffix (stem, "-signed"))
        *dash = '-';
    }
  if (g_str_has_suffix (stem, "-signed") && strlen (stem) > strlen ("-signed"))
    stem[strlen (stem) - strlen ("-signed")] = '\0';
  return g_steal_pointer (&stem);
}

GFile *
_enr_signing_document_pick_output (GFile       *input,
                                   GHashTable  *taken)
{
  g_autoptr(GFile) parent = g_file_get_parent (input);
  g_autofree char *basename = g_file_get_basename (input);
  g_autofree char *stem = stem_of (basename != NULL ? basename : "document.pdf");

  /* Beside the original, never over it nor over anything else. */
  for (guint n = 1; n < 10000; n++)
    {
      g_autofree char *name = n == 1 ? g_strdup_printf ("%s-signed.pdf", stem)
                                     : g_strdup_printf ("%s-signed-%u.pdf", stem, n);
      g_autoptr(GFile) candidate = parent != NULL ? g_file_get_child (parent, name)
                                                  : g_file_new_for_path (name);
      g_autofree char *uri = g_file_get_uri (candidate);

      if (g_file_equal (candidate, input) ||
          (taken != NULL && g_hash_table_contains (taken, uri)) ||
          g_file_query_exists (candidate, NULL))
        continue;
      if (taken != NULL)
        g_hash_table_add (taken, g_steal_pointer (&uri));
      return g_steal_pointer (&candidate);
    }
  return NULL;
}

/* --- The worker ------------------------------------------------------------------- */

typedef struct
{
  GFile   *file;
  char    *name;
  guint    page;
  double   rect[4];
  GFile   *output;        /* the citizen's choice; NULL: a default is picked */
} Input;

typedef struct
{
  GArray    *inputs;        /* Input */
  GStrv      lines;         /* what the appearance says */
  char      *signer_name;
  char      *reason;
  char      *place;
  GDateTime *signing_time;
  GBytes    *certificate;   /* DER */
  GPtrArray *chain;         /* GBytes DER, the issuing CA first */
  /* What the worker found */
  EnrSigningWork *work;
  GPtrArray *outputs;       /* GFile by document: the default picked, or NULL */
} Prepare;

static void
input_clear (gpointer data)
{
  Input *input = data;

  g_clear_object (&input->file);
  g_clear_object (&input->output);
  g_free (input->name);
}

static void
prepare_free (Prepare *prepare)
{
  g_array_unref (prepare->inputs);
  g_strfreev (prepare->lines);
  g_free (prepare->signer_name);
  g_free (prepare->reason);
  g_free (prepare->place);
  g_clear_pointer (&prepare->signing_time, g_date_time_unref);
  g_clear_pointer (&prepare->certificate, g_bytes_unref);
  g_clear_pointer (&prepare->chain, g_ptr_array_unref);
  g_clear_pointer (&prepare->work, _enr_signing_work_free);
  g_clear_pointer (&prepare->outputs, g_ptr_array_unref);
  g_free (prepare);
}

static gboolean
import_certificate (GBytes             *der,
                    gnutls_x509_crt_t  *crt,
                    GError            **error)
{
  gnutls_datum_t datum = { (unsigned char *) g_bytes_get_data (der, NULL),
                           (unsigned int) g_bytes_get_size (der) };

  if (gnutls_x509_crt_init (crt) < 0)
    *crt = NULL;
  if (*crt == NULL || gnutls_x509_crt_import (*crt, &datum, GNUTLS_X509_FMT_DER) < 0)
    {
      g_set_error_literal (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_CERT_INVALID,
                           "a certificate SmartCA sent cannot be read");
      return FALSE;
    }
  return TRUE;
}

static EnrPadesSigning *
prepare_one (Prepare      *prepare,
             const Input  *input,
             GError      **error)
{
  EnrPdfSignatureWidget widget = { 0 };
  EnrPdfSignatureParams params = { 0 };
  g_autoptr(GBytes) appearance = NULL;

  appearance = enr_pdf_appearance_draw (input->rect[2] - input->rect[0],
                                        input->rect[3] - input->rect[1],
                                        (const char * const *) prepare->lines, error);
  if (appearance == NULL)
    return NULL;
  widget.page = input->page;
  memcpy (widget.rect, input->rect, sizeof widget.rect);
  widget.appearance = g_bytes_get_data (appearance, &widget.appearance_len);
  params.signing_time = prepare->signing_time;
  params.signer_name = prepare->signer_name;
  params.reason = prepare->reason;
  params.location = prepare->place;
  params.widget = &widget;
  return enr_pades_signing_new (input->file, &params, prepare->work->signer, error);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Prepare *prepare = task_data;
  EnrSigningWork *work = g_new0 (EnrSigningWork, 1);
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GError *error = NULL;

  prepare->work = work;
  work->signings = g_ptr_array_new_with_free_func ((GDestroyNotify) enr_pades_signing_free);
  work->chain = g_new0 (gnutls_x509_crt_t, prepare->chain->len);
  if (!import_certificate (prepare->certificate, &work->signer, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < prepare->chain->len; i++)
    {
      if (!import_certificate (g_ptr_array_index (prepare->chain, i), &work->chain[i], &error))
        {
          work->chain_len = i + 1;
          g_task_return_error (task, error);
          return;
        }
    }
  work->chain_len = prepare->chain->len;

  /* The outputs the citizen chose are taken before any default is picked. */
  for (guint i = 0; i < prepare->inputs->len; i++)
    {
      Input *input = &g_array_index (prepare->inputs, Input, i);

      if (input->output != NULL)
        g_hash_table_add (taken, g_file_get_uri (input->output));
    }

  prepare->outputs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < prepare->inputs->len; i++)
    {
      Input *input = &g_array_index (prepare->inputs, Input, i);
      EnrPadesSigning *signing;

      if (g_task_return_error_if_cancelled (task))
        return;
      signing = prepare_one (prepare, input, &error);
      if (signing == NULL)
        {
          g_task_return_error (task, _enr_session_error_for_document (error, input->name));
          return;
        }
      g_ptr_array_add (work->signings, signing);
      g_ptr_array_add (prepare->outputs,
                       input->output == NULL
                         ? _enr_signing_document_pick_output (input->file, taken) : NULL);
    }
  g_task_return_boolean (task, TRUE);
}

/* --- The steps --------------------------------------------------------------------- */

static void
end (GTask  *task,
     GError *error)
{
  EnrDocumentSigning *self = g_task_get_source_object (task);

  _enr_session_end_action (_enr_document_signing_get_session (self), task, error);
}

static void
prepared_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  EnrDocumentSigning *self = ENR_DOCUMENT_SIGNING (object);
  Prepare *prepare = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;
  guint n;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      end (task, error);
      return;
    }
  /* The list cannot change while the action runs: a change clears the
   * work, and the action holds the session's one slot. */
  n = _enr_document_signing_get_n_documents (self);
  g_assert (n == prepare->work->signings->len);

  _enr_document_signing_clear_work (self);
  self->work = g_steal_pointer (&prepare->work);
  for (guint i = 0; i < n; i++)
    {
      EnrSigningDocument *document = _enr_document_signing_get_document (self, i);
      GFile *output = g_ptr_array_index (prepare->outputs, i);

      if (output != NULL)
        _enr_signing_document_take_default_output (document, g_object_ref (output));
      _enr_signing_document_set_prepared (document,
                                          enr_pades_signing_get_hash (g_ptr_array_index (
                                            self->work->signings, i)),
                                          ENR_CMS_DIGEST_LENGTH);
    }
  end (task, NULL);
}

/* What the appearance says, in the UI language (the thread has no
 * business with gettext's locale). */
static GStrv
appearance_lines (EnrDocumentSigning *self,
                  const char         *holder,
                  GDateTime          *signing_time)
{
  GPtrArray *lines = g_ptr_array_new ();
  g_autoptr(GDateTime) vietnam = enr_vietnam_time_from (signing_time);
  g_autofree char *clock = g_date_time_format (vietnam, "%d/%m/%Y %H:%M:%S");
  /* Translators: a date and time, "06/12/2026 14:30:05", then whose clock it is. */
  g_autofree char *when = g_strdup_printf (_("%s (Vietnam time)"), clock);

  /* Translators: the first line of a visible signature: the signer's full name. */
  g_ptr_array_add (lines, g_strdup_printf (_("Signed by: %s"), holder));
  /* Translators: a line of a visible signature: when it was signed. */
  g_ptr_array_add (lines, g_strdup_printf (_("Date: %s"), when));
  if (self->reason != NULL)
    /* Translators: a line of a visible signature: why the citizen signs. */
    g_ptr_array_add (lines, g_strdup_printf (_("Reason: %s"), self->reason));
  if (self->place != NULL)
    /* Translators: a line of a visible signature: where the citizen signs. */
    g_ptr_array_add (lines, g_strdup_printf (_("Place: %s"), self->place));
  g_ptr_array_add (lines, NULL);
  return (GStrv) g_ptr_array_free (lines, FALSE);
}

static void
certificate_checked_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  EnrDocumentSigning *self = g_task_get_source_object (task);
  EnrSession *session = ENR_SESSION (object);
  Prepare *prepare = g_task_get_task_data (task);
  const EnrSessionCertificate *certificate;
  g_autoptr(GTask) worker = NULL;
  GError *error = NULL;
  guint n;

  if (!_enr_session_load_certificate_finish (session, result, &error))
    {
      end (task, error);
      return;
    }
  certificate = enr_session_get_certificate (session);
  g_assert (certificate != NULL);

  prepare->signer_name = g_strdup (certificate->holder);
  prepare->signing_time = g_date_time_new_now_utc ();
  prepare->lines = appearance_lines (self, certificate->holder, prepare->signing_time);
  prepare->reason = g_strdup (self->reason);
  prepare->place = g_strdup (self->place);
  n = _enr_document_signing_get_n_documents (self);
  for (guint i = 0; i < n; i++)
    {
      EnrSigningDocument *document = _enr_document_signing_get_document (self, i);
      Input input = { 0 };

      input.file = g_object_ref (enr_signing_document_get_file (document));
      input.name = g_strdup (enr_signing_document_get_display_name (document));
      input.page = enr_signing_document_get_page (document);
      enr_signing_document_get_rect (document, input.rect);
      if (_enr_signing_document_get_output_chosen (document))
        input.output = g_object_ref (enr_signing_document_get_output (document));
      g_array_append_val (prepare->inputs, input);
    }

  /* The worker's own task carries the data: the action's stays the
   * session's to end. */
  worker = g_task_new (self, g_task_get_cancellable (task), prepared_cb, task);
  g_task_set_source_tag (worker, certificate_checked_cb);
  g_task_set_task_data (worker, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (worker, prepare_thread);
}

static void
credential_info_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  EnrDocumentSigning *self = g_task_get_source_object (task);
  Prepare *prepare = g_task_get_task_data (task);
  g_autoptr(EnrCredentialInfo) info = NULL;
  GError *error = NULL;

  info = enr_smartca_client_get_credential_info_finish (ENR_SMARTCA_CLIENT (object), result,
                                                        &error);
  if (info == NULL)
    {
      end (task, error);
      return;
    }
  if (info->certificates->len < 2)
    {
      end (task, enr_service_error_new (ENR_SERVICE_ERROR_MALFORMED_REPLY, NULL));
      return;
    }

  /* The certificate the signatures name, and the chain they carry, as
   * SmartCA holds them now; checked as the session checks its own. */
  prepare->certificate = g_bytes_ref (g_ptr_array_index (info->certificates, 0));
  prepare->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 1; i < info->certificates->len; i++)
    g_ptr_array_add (prepare->chain, g_bytes_ref (g_ptr_array_index (info->certificates, i)));
  _enr_session_load_certificate_async (_enr_document_signing_get_session (self),
                                       prepare->certificate, prepare->chain,
                                       g_task_get_cancellable (task), certificate_checked_cb, task);
}

void
enr_document_signing_prepare_async (EnrDocumentSigning  *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  EnrSession *session;
  Prepare *prepare;
  GTask *task;

  g_return_if_fail (ENR_IS_DOCUMENT_SIGNING (self));

  session = _enr_document_signing_get_session (self);
  task = _enr_session_begin_action (session, self, cancellable, callback, user_data,
                                    enr_document_signing_prepare_async);
  if (task == NULL)
    return;
  prepare = g_new0 (Prepare, 1);
  prepare->inputs = g_array_new (FALSE, TRUE, sizeof (Input));
  g_array_set_clear_func (prepare->inputs, input_clear);
  g_task_set_task_data (task, prepare, (GDestroyNotify) prepare_free);

  if (_enr_document_signing_get_n_documents (self) == 0 ||
      _enr_document_signing_get_n_documents (self) > ENR_DOCUMENT_SIGNING_MAX)
    {
      end (task, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                              "1 to %d documents are signed at once",
                              ENR_DOCUMENT_SIGNING_MAX));
      return;
    }
  if (_enr_session_get_credential_id (session) == NULL)
    {
      end (task, _enr_session_error_refused (ENR_SESSION_REASON_NOT_ENROLLED));
      return;
    }
  if (!enr_smartca_client_has_tokens (_enr_session_get_smartca (session)))
    {
      end (task, enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED, NULL));
      return;
    }
  enr_smartca_client_get_credential_info_async (_enr_session_get_smartca (session),
                                                _enr_session_get_credential_id (session),
                                                g_task_get_cancellable (task), credential_info_cb,
                                                task);
}

gboolean
enr_document_signing_prepare_finish (EnrDocumentSigning  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enr_document_signing_prepare_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
