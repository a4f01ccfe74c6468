/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-acceptance"

#include "config.h"

#include <gio/gio.h>

#include "enr-pdf-signature-writer.h"
#include "enr-pdf-signature.h"
#include "sbx-acceptance.h"
#include "sbx-ca.h"
#include "sbx-clock.h"
#include "sbx-secret.h"

void
sbx_acceptance_draft_free (SbxAcceptanceDraft *draft)
{
  if (draft == NULL)
    return;
  g_clear_pointer (&draft->prepared, g_bytes_unref);
  g_free (draft->hash);
  g_free (draft);
}

char *
sbx_acceptance_file_name (const char *citizen_id)
{
  return g_strdup_printf ("bien-ban-nghiem-thu-%s.pdf", citizen_id);
}

SbxAcceptanceDraft *
sbx_acceptance_draft (const SbxAcceptanceInfo  *info,
                      GError                  **error)
{
  g_autoptr(SbxAcceptanceDraft) draft = g_new0 (SbxAcceptanceDraft, 1);
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) covered = NULL;
  g_autoptr(EnrPdfSignature) placeholder = NULL;
  g_autoptr(GDateTime) when = NULL;
  EnrPdfSignatureParams params = { 0 };
  EnrPdfSignatureStatus status;
  const guint8 *data;
  gsize len;

  pdf = sbx_acceptance_pdf_render (info, error);
  if (pdf == NULL)
    return NULL;

  /* PAdES keeps the signing time in the dictionary's /M, which the
   * signature covers: it is the moment the record is offered. */
  when = g_date_time_new_from_unix_utc (info->drawn_at_ms / 1000);
  params.signing_time = when;
  params.signer_name = info->full_name;
  params.reason = "Nghiệm thu chứng thư chữ ký số VNPT SmartCA";
  params.location = "Việt Nam";
  status = enr_pdf_signature_prepare (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                                      &params, &draft->prepared, &placeholder);
  if (status == ENR_PDF_SIGNATURE_OK)
    {
      data = g_bytes_get_data (draft->prepared, &len);
      covered = enr_pdf_signature_covered_bytes (data, len, placeholder);
    }
  if (covered == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot prepare the acceptance record for its signature: %s",
                   enr_pdf_signature_status_to_string (status));
      return NULL;
    }
  draft->hash = sbx_smartca_sha256_base64 (g_bytes_get_data (covered, NULL),
                                           g_bytes_get_size (covered));
  return g_steal_pointer (&draft);
}

gboolean
sbx_acceptance_offer (SbxDb              *db,
                      SbxEnrollment      *enrollment,
                      const char         *tran_id,
                      SbxAcceptanceDraft *draft)
{
  g_autofree char *name = sbx_acceptance_file_name (enrollment->citizen_id);
  g_autofree char *created = NULL;
  SbxTranDocument document = {
    .name = name,
    .type = "pdf",
    .hash = draft->hash,
    .data = draft->prepared,
  };
  sqlite3_stmt *stmt;

  created = sbx_transaction_create (db, tran_id, enrollment->credential_id,
                                    enrollment->citizen_id, "acceptance",
                                    enrollment->registration_id, SBX_ACCEPTANCE_DESCRIPTION,
                                    &document, 1);
  if (created == NULL)
    return FALSE;

  stmt = sbx_db_prepare (db,
                         "UPDATE enrollments SET acceptance_tran_id = ? WHERE registration_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, created, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, enrollment->registration_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return FALSE;

  g_free (enrollment->acceptance_tran_id);
  enrollment->acceptance_tran_id = g_steal_pointer (&created);
  g_info ("Acceptance record %s offered for registration %s", enrollment->acceptance_tran_id,
          enrollment->registration_id);
  return TRUE;
}

gboolean
sbx_acceptance_refresh (SbxDb         *db,
                        SbxEnrollment *enrollment)
{
  g_autoptr(SbxTransaction) tran = NULL;
  g_autoptr(SbxCredential) credential = NULL;
  g_autoptr(SbxCitizen) citizen = NULL;
  g_autoptr(SbxAcceptanceDraft) draft = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tran_id = NULL;
  SbxAcceptanceInfo info;

  if (!g_str_equal (enrollment->state, "ACCEPTANCE_PENDING") ||
      enrollment->acceptance_tran_id == NULL || enrollment->credential_id == NULL)
    return TRUE;

  tran = sbx_transaction_load (db, enrollment->acceptance_tran_id);
  if (tran == NULL)
    return FALSE;
  if (tran->status != SBX_TRAN_EXPIRED && tran->status != SBX_TRAN_REJECTED)
    return TRUE;

  credential = sbx_credential_load (db, enrollment->credential_id);
  citizen = sbx_citizen_load (db, enrollment->citizen_id);
  if (credential == NULL || credential->serial_number == NULL || citizen == NULL)
    return FALSE;

  tran_id = sbx_secret_new_uuid ();
  info = (SbxAcceptanceInfo) {
    .record_id = tran_id,
    .full_name = citizen->full_name,
    .citizen_id = citizen->citizen_id,
    .address = citizen->address,
    .credential_id = credential->credential_id,
    .serial_number = credential->serial_number,
    .subject_dn = credential->subject_dn,
    .issuer_name = SBX_CA_ISSUING_NAME,
    .valid_from_ms = credential->valid_from,
    .valid_to_ms = credential->valid_to,
    .drawn_at_ms = sbx_clock_now_ms (),
  };
  draft = sbx_acceptance_draft (&info, &error);
  if (draft == NULL)
    {
      g_warning ("Cannot draw a new acceptance record: %s", error->message);
      return FALSE;
    }
  g_info ("Acceptance record %s is %s: a new one replaces it", tran->tran_id,
          sbx_tran_status_desc (tran->status));
  return sbx_acceptance_offer (db, enrollment, tran_id, draft);
}

gboolean
sbx_acceptance_signed (SbxDb          *db,
                       SbxTransaction *tran)
{
  sqlite3_stmt *stmt;
  g_autofree char *registration_id = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT registration_id FROM enrollments "
                         "WHERE acceptance_tran_id = ? AND state = 'ACCEPTANCE_PENDING'");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, tran->tran_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    registration_id = sbx_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (registration_id == NULL)
    {
      g_warning ("Acceptance record %s was signed but no enrollment awaits it", tran->tran_id);
      return FALSE;
    }
  g_info ("Registration %s is ACTIVE", registration_id);
  return sbx_enrollment_set_state (db, registration_id, "ACTIVE", "ACTIVE");
}
