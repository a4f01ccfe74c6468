/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What SmartCA hands back in steps 5 and 6, checked before it is shown:
 * the issued certificate (it must chain to the trust anchor and name the
 * citizen), the acceptance record (its hash must be that of the bytes the
 * signature will cover), and both services' report of the certificate.
 */
#define G_LOG_DOMAIN "enr-session-certificate"

#include "config.h"

#include "enr-crypto-error.h"
#include "enr-pades.h"
#include "enr-pdf-signature.h"
#include "enr-session-impl.h"

/* --- The certificate ---------------------------------------------------------------- */

typedef struct
{
  GBytes    *der;
  GPtrArray *chain;
  char      *trust_anchor;
  char      *citizen_id;
} CertificateJob;

static void
certificate_job_free (CertificateJob *job)
{
  g_bytes_unref (job->der);
  g_clear_pointer (&job->chain, g_ptr_array_unref);
  g_free (job->trust_anchor);
  g_free (job->citizen_id);
  g_free (job);
}

static void
verify_certificate_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  CertificateJob *job = task_data;
  g_autoptr(EnrCertificate) certificate = NULL;
  GError *error = NULL;

  certificate = enr_certificate_new_from_der (job->der, &error);
  if (certificate == NULL ||
      !enr_certificate_verify (certificate, job->chain, job->trust_anchor, job->citizen_id,
                               NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&certificate), g_object_unref);
}

static void
certificate_verified_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrCertificate) certificate = NULL;
  GError *error = NULL;

  certificate = g_task_propagate_pointer (G_TASK (result), &error);
  if (certificate == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_info ("certificate %s verified", enr_certificate_get_serial (certificate));
  _enr_session_set_certificate (self, certificate);
  g_task_return_boolean (task, TRUE);
}

void
_enr_session_load_certificate_async (EnrSession          *self,
                                     GBytes              *der,
                                     GPtrArray           *chain,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) job_task = NULL;
  CertificateJob *job = g_new0 (CertificateJob, 1);

  g_task_set_source_tag (task, _enr_session_load_certificate_async);

  job->der = g_bytes_ref (der);
  job->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; chain != NULL && i < chain->len; i++)
    g_ptr_array_add (job->chain, g_bytes_ref (g_ptr_array_index (chain, i)));
  /* The signing anchor, never the TLS one: a service's web certificate
   * must not vouch for a citizen's. */
  job->trust_anchor = g_strdup (self->signing_trust_anchor);
  job->citizen_id = g_strdup (self->citizen_id);

  job_task = g_task_new (NULL, cancellable, certificate_verified_cb, g_steal_pointer (&task));
  g_task_set_task_data (job_task, job, (GDestroyNotify) certificate_job_free);
  g_task_run_in_thread (job_task, verify_certificate_thread);
}

gboolean
_enr_session_load_certificate_finish (EnrSession    *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- The acceptance record ----------------------------------------------------------- */

typedef struct
{
  GBytes *pdf;
  char   *hash;
} RecordJob;

static void
record_job_free (RecordJob *job)
{
  g_clear_pointer (&job->pdf, g_bytes_unref);
  g_free (job->hash);
  g_free (job);
}

/* The Base64 SHA-256 of the bytes a prepared PDF's signature will cover:
 * what a SAD approving it names. */
static char *
digest_pdf (GBytes  *pdf,
            GError **error)
{
  g_autoptr(EnrPdfSignature) signature = NULL;
  guint8 digest[ENR_PADES_DIGEST_LENGTH];
  EnrPdfSignatureStatus status;
  gsize len;
  const guint8 *data = g_bytes_get_data (pdf, &len);

  status = enr_pdf_signature_locate (data, len, &signature);
  if (status != ENR_PDF_SIGNATURE_OK)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_PDF_MALFORMED, "prepared PDF: %s",
                            enr_pdf_signature_status_to_string (status));
      return NULL;
    }
  if (!enr_pades_digest (pdf, signature, digest, error))
    return NULL;
  return g_base64_encode (digest, sizeof digest);
}

/* The record's hash is what the SAD approves: it must be the digest of
 * the very bytes the citizen is shown. */
static void
check_record_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  RecordJob *job = task_data;
  g_autofree char *computed = NULL;
  GError *error = NULL;

  computed = digest_pdf (job->pdf, &error);
  if (computed == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->hash != NULL && !g_str_equal (computed, job->hash))
    {
      enr_crypto_error_set (&error, ENR_CRYPTO_ERROR_PDF_WRONG_DOCUMENT,
                            "the acceptance record's hash is not that of its signed bytes");
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&computed), g_free);
}

static void
digested_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *digest;

  digest = g_task_propagate_pointer (G_TASK (result), &error);
  if (digest == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, digest, g_free);
}

void
_enr_session_digest_pdf_async (EnrSession          *self,
                               GBytes              *pdf,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) job_task = NULL;
  RecordJob *job = g_new0 (RecordJob, 1);

  g_task_set_source_tag (task, _enr_session_digest_pdf_async);
  job->pdf = g_bytes_ref (pdf);
  job_task = g_task_new (NULL, cancellable, digested_cb, g_steal_pointer (&task));
  g_task_set_task_data (job_task, job, (GDestroyNotify) record_job_free);
  g_task_run_in_thread (job_task, check_record_thread);
}

char *
_enr_session_digest_pdf_finish (EnrSession    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GDateTime) time = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time != NULL ? g_date_time_to_unix (time) * G_USEC_PER_SEC : 0;
}

/* The record, until its hash is checked. */
typedef struct
{
  EnrSessionDocument *document;
} LoadRecord;

static void
load_record_free (LoadRecord *load)
{
  g_clear_pointer (&load->document, enr_session_document_free);
  g_free (load);
}

static void
record_checked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  LoadRecord *load = g_task_get_task_data (task);
  g_autofree char *digest = NULL;
  GError *error = NULL;

  digest = g_task_propagate_pointer (G_TASK (result), &error);
  if (digest == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  _enr_session_set_acceptance_record (self, g_steal_pointer (&load->document));
  g_task_return_boolean (task, TRUE);
}

static void
transaction_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(EnrTransaction) transaction = NULL;
  g_autoptr(GTask) job_task = NULL;
  EnrTransactionDocument *pdf = NULL;
  EnrSessionDocument *document;
  LoadRecord *load;
  RecordJob *job;
  GError *error = NULL;

  transaction = enr_smartca_client_get_transaction_finish (ENR_SMARTCA_CLIENT (object), result,
                                                           &error);
  if (transaction == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < transaction->documents->len && pdf == NULL; i++)
    {
      EnrTransactionDocument *candidate = g_ptr_array_index (transaction->documents, i);

      if (g_str_equal (candidate->type, "pdf") && candidate->data != NULL)
        pdf = candidate;
    }
  if (pdf == NULL || transaction->documents->len != 1)
    {
      g_info ("the acceptance record's transaction does not hold one PDF");
      g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_MALFORMED_REPLY, NULL));
      return;
    }

  load = g_new0 (LoadRecord, 1);
  load->document = document = g_new0 (EnrSessionDocument, 1);
  document->name = g_strdup (pdf->name);
  document->data = g_bytes_ref (pdf->data);
  document->hash = g_strdup (pdf->hash);
  document->description = g_strdup (transaction->description);
  document->expires_at = parse_time (transaction->expires_at);
  g_task_set_task_data (task, load, (GDestroyNotify) load_record_free);

  job = g_new0 (RecordJob, 1);
  job->pdf = g_bytes_ref (pdf->data);
  job->hash = g_strdup (pdf->hash);
  job_task = g_task_new (NULL, cancellable, record_checked_cb,
                         g_steal_pointer (&task));
  g_task_set_task_data (job_task, job, (GDestroyNotify) record_job_free);
  g_task_run_in_thread (job_task, check_record_thread);
}

void
_enr_session_load_acceptance_record_async (EnrSession          *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _enr_session_load_acceptance_record_async);
  if (self->acceptance_tran_id == NULL)
    {
      g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_WRONG_STATE, NULL));
      return;
    }
  enr_smartca_client_get_transaction_async (self->smartca, self->acceptance_tran_id, cancellable,
                                            transaction_cb, g_steal_pointer (&task));
}

gboolean
_enr_session_load_acceptance_record_finish (EnrSession    *self,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- A signed document ------------------------------------------------------------------ */

typedef struct
{
  GBytes         *pdf;
  GBytes         *approved;      /* nullable */
  EnrCertificate *signer;
  char           *trust_anchor;
} SignedJob;

static void
signed_job_free (SignedJob *job)
{
  g_clear_pointer (&job->pdf, g_bytes_unref);
  g_clear_pointer (&job->approved, g_bytes_unref);
  g_clear_object (&job->signer);
  g_free (job->trust_anchor);
  g_free (job);
}

static void
verify_signed_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  SignedJob *job = task_data;
  g_autoptr(EnrPadesReport) report = NULL;
  GError *error = NULL;

  report = enr_pades_verify (job->pdf,
                             job->approved ? g_bytes_get_data (job->approved, NULL) : NULL,
                             job->signer, job->trust_anchor, &error);
  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
_enr_session_verify_signed_async (EnrSession          *self,
                                  GBytes              *pdf,
                                  const char          *approved_hash,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  SignedJob *job = g_new0 (SignedJob, 1);

  g_task_set_source_tag (task, _enr_session_verify_signed_async);
  job->pdf = g_bytes_ref (pdf);
  job->signer = self->certificate ? g_object_ref (self->certificate) : NULL;
  job->trust_anchor = g_strdup (self->signing_trust_anchor);
  g_task_set_task_data (task, job, (GDestroyNotify) signed_job_free);

  if (approved_hash != NULL)
    {
      gsize len = 0;
      guchar *digest = g_base64_decode (approved_hash, &len);

      job->approved = g_bytes_new_take (digest, len);
      if (len != ENR_PADES_DIGEST_LENGTH)
        {
          g_task_return_error (task,
                               enr_service_error_new (ENR_SERVICE_ERROR_MALFORMED_REPLY, NULL));
          return;
        }
    }
  if (job->signer == NULL)
    {
      g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_WRONG_STATE, NULL));
      return;
    }
  g_task_run_in_thread (task, verify_signed_thread);
}

gboolean
_enr_session_verify_signed_finish (EnrSession    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- Both services' report ------------------------------------------------------------ */

static void report_vneid (GTask *task);

static gboolean
same_serial (const char *a,
             const char *b)
{
  return a != NULL && b != NULL && g_ascii_strcasecmp (a, b) == 0;
}

static void
finish_report (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);
  EnrCertificateReport *report = enr_certificate_report_copy (self->report);
  const char *serial = self->certificate ? enr_certificate_get_serial (self->certificate) : NULL;

  report->consistent = g_strcmp0 (report->smartca_status, "VALID") == 0 &&
                       g_strcmp0 (report->vneid_status, "VALID") == 0 &&
                       same_serial (report->smartca_serial, serial) &&
                       same_serial (report->vneid_serial, serial);
  _enr_session_set_report (self, report);

  if (self->report->consistent)
    {
      _enr_session_set_step (self, ENR_SESSION_STEP_DONE);
      _enr_session_checkpoint (self);
      g_task_return_boolean (task, TRUE);
    }
  else
    {
      /* VNeID learns of the certificate from SmartCA: a moment later, the
       * two agree. */
      g_info ("the services do not report the certificate alike yet");
      g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_UNAVAILABLE, NULL));
    }
  g_object_unref (task);
}

static void
vneid_report_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrRegistration) registration = NULL;
  EnrCertificateReport *report;
  GError *error = NULL;

  registration = enr_vneid_client_get_registration_finish (ENR_VNEID_CLIENT (object), result,
                                                           &error);
  if (registration == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  report = enr_certificate_report_copy (self->report);
  g_clear_pointer (&report->vneid_status, g_free);
  g_clear_pointer (&report->vneid_serial, g_free);
  if (registration->certificate != NULL)
    {
      report->vneid_status = g_strdup (registration->certificate->status);
      report->vneid_serial = g_strdup (registration->certificate->serial_number);
    }
  _enr_session_set_report (self, report);
  _enr_session_set_registration (self, g_steal_pointer (&registration));
  finish_report (task);
}

static void
report_vneid (GTask *task)
{
  EnrSession *self = g_task_get_source_object (task);

  /* VNeID's view needs a VNeID login; SmartCA's is shown meanwhile. Once
   * the enrollment is done (a later start on the enrolled desktop), what
   * SmartCA reports is enough, and VNeID's is shown when there is a login. */
  if (!enr_vneid_client_has_access_token (self->vneid) && self->step == ENR_SESSION_STEP_DONE)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (!enr_vneid_client_has_access_token (self->vneid))
    {
      g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED, NULL));
      g_object_unref (task);
      return;
    }
  enr_vneid_client_get_registration_async (self->vneid, self->registration_id,
                                           g_task_get_cancellable (task), vneid_report_cb, task);
}

static void
report_certificate_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!_enr_session_load_certificate_finish (ENR_SESSION (object), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  report_vneid (task);
}

static void
credential_info_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *self = g_task_get_source_object (task);
  g_autoptr(EnrCredentialInfo) info = NULL;
  EnrCertificateReport *report;
  GError *error = NULL;

  info = enr_smartca_client_get_credential_info_finish (ENR_SMARTCA_CLIENT (object), result,
                                                        &error);
  if (info == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  report = self->report ? enr_certificate_report_copy (self->report)
                        : g_new0 (EnrCertificateReport, 1);
  g_free (report->smartca_status);
  g_free (report->smartca_serial);
  g_free (report->credential_status);
  report->smartca_status = g_strdup (info->cert_status);
  report->smartca_serial = g_strdup (info->serial_number);
  report->credential_status = g_strdup (info->status);
  _enr_session_set_report (self, report);

  /* A resumed session has not seen the certificate yet: SmartCA's copy is
   * checked as the issued one was. */
  if (self->certificate == NULL && info->certificates->len > 0)
    {
      g_autoptr(GPtrArray) chain = g_ptr_array_new ();

      for (guint i = 1; i < info->certificates->len; i++)
        g_ptr_array_add (chain, g_ptr_array_index (info->certificates, i));
      _enr_session_load_certificate_async (self, g_ptr_array_index (info->certificates, 0), chain,
                                           g_task_get_cancellable (task), report_certificate_cb,
                                           task);
      return;
    }
  report_vneid (task);
}

void
_enr_session_check_certificate_async (EnrSession          *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _enr_session_check_certificate_async);
  if (self->credential_id == NULL || self->registration_id == NULL)
    {
      g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_WRONG_STATE, NULL));
      g_object_unref (task);
      return;
    }
  enr_smartca_client_get_credential_info_async (self->smartca, self->credential_id, cancellable,
                                                credential_info_cb, task);
}

gboolean
_enr_session_check_certificate_finish (EnrSession    *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  _enr_session_check_certificate_finish (ENR_SESSION (object), result, &error);
  _enr_session_end_action (ENR_SESSION (object), task, error);
}

void
enr_session_refresh_certificate_async (EnrSession          *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = _enr_session_begin_action (self, self, cancellable, callback, user_data,
                                    enr_session_refresh_certificate_async);
  if (task != NULL)
    _enr_session_check_certificate_async (self, g_task_get_cancellable (task), refreshed_cb,
                                          task);
}

gboolean
enr_session_refresh_certificate_finish (EnrSession    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  return _enr_session_finish_action (self, result, enr_session_refresh_certificate_async, error);
}
