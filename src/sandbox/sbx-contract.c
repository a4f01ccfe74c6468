/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SmartCA step 4, the service contract (PROTOCOL.md, "Step 4, contract"):
 * enrollment/contract serves the contract, a PDF drawn once per
 * registration; enrollment/contract/otp sends its OTP; and
 * enrollment/contract/sign records the citizen's acceptance on a signed
 * copy. Both PDFs are drawn by a worker (sbx-job.h): the handler checks
 * everything first, and a second transaction checks again what may have
 * changed meanwhile before it stores and answers.
 */
#define G_LOG_DOMAIN "sbx-contract"

#include "config.h"

#include "enr-secure.h"
#include "sbx-clock.h"
#include "sbx-contract-pdf.h"
#include "sbx-job.h"
#include "sbx-secret.h"
#include "sbx-smartca-private.h"

/* The terms the contract is drawn under; the VNeID consent may name them too. */
#define TERMS_VERSION "2025.1"

typedef struct
{
  char   *contract_id;
  char   *name;
  GBytes *pdf;
  char   *hash;
  char   *terms_version;
} Contract;

static void
contract_free (Contract *contract)
{
  if (contract == NULL)
    return;
  g_free (contract->contract_id);
  g_free (contract->name);
  g_clear_pointer (&contract->pdf, g_bytes_unref);
  g_free (contract->hash);
  g_free (contract->terms_version);
  g_free (contract);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Contract, contract_free)

/* The registration's contract, or NULL with @failed unset when none was
 * drawn yet. */
static Contract *
contract_load (SbxDb      *db,
               const char *registration_id,
               gboolean   *failed)
{
  sqlite3_stmt *stmt;
  Contract *contract = NULL;

  *failed = FALSE;
  stmt = sbx_db_prepare (db,
                         "SELECT contract_id, name, pdf, hash, terms_version "
                         "FROM contracts WHERE registration_id = ?");
  if (stmt == NULL)
    {
      *failed = TRUE;
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      contract = g_new0 (Contract, 1);
      contract->contract_id = sbx_db_column_dup (stmt, 0);
      contract->name = sbx_db_column_dup (stmt, 1);
      contract->pdf = sbx_db_column_bytes (stmt, 2);
      contract->hash = sbx_db_column_dup (stmt, 3);
      contract->terms_version = sbx_db_column_dup (stmt, 4);
    }
  sqlite3_reset (stmt);
  return contract;
}

static char *
registration_service_pack (SbxDb      *db,
                           const char *registration_id)
{
  sqlite3_stmt *stmt;
  char *service_pack = NULL;

  stmt = sbx_db_prepare (db, "SELECT service_pack FROM registrations WHERE registration_id = ?");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    service_pack = sbx_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return service_pack;
}

/* Drawing a contract, in a worker */

typedef struct
{
  /* In: what the PDF names. */
  SbxCitizen *citizen;
  char       *service_pack;
  char       *registration_id;
  char       *contract_id;
  char       *terms_version;
  gint64      issued_at_ms;
  char       *contract_hash;      /* the signed copy's: the served contract's */
  char       *signed_at;          /* RFC 3339; NULL: the contract itself */
  gint64      signed_at_ms;
  char       *phone_masked;
  char       *otp;                /* checked again when the copy is stored */
  /* Out */
  GBytes     *pdf;
  GError     *error;
} Drawing;

static void
drawing_free (gpointer data)
{
  Drawing *drawing = data;

  g_clear_pointer (&drawing->citizen, sbx_citizen_free);
  g_free (drawing->service_pack);
  g_free (drawing->registration_id);
  g_free (drawing->contract_id);
  g_free (drawing->terms_version);
  g_free (drawing->contract_hash);
  g_free (drawing->signed_at);
  g_free (drawing->phone_masked);
  g_clear_pointer (&drawing->otp, enr_secure_string_free);
  g_clear_pointer (&drawing->pdf, g_bytes_unref);
  g_clear_error (&drawing->error);
  g_free (drawing);
}

/*
 * What both drawings need, read in the handler's transaction. The
 * contract's date is the moment the enrollment left SYNCING, which is
 * fixed: drawn again, for the signed copy, it gives the same pages.
 */
static Drawing *
drawing_new (SbxDb         *db,
             SbxTokenInfo  *token,
             SbxEnrollment *enrollment,
             const char    *contract_id,
             const char    *terms_version)
{
  Drawing *drawing = g_new0 (Drawing, 1);

  drawing->citizen = sbx_citizen_load (db, token->citizen_id);
  drawing->service_pack = registration_service_pack (db, token->registration_id);
  drawing->registration_id = g_strdup (token->registration_id);
  drawing->contract_id = g_strdup (contract_id);
  drawing->terms_version = g_strdup (terms_version);
  drawing->issued_at_ms = enrollment->synced_at;
  if (drawing->citizen == NULL || drawing->service_pack == NULL)
    {
      drawing_free (drawing);
      return NULL;
    }
  return drawing;
}

static void
draw_work (gpointer data)
{
  Drawing *drawing = data;
  SbxContractInfo info = {
    .full_name = drawing->citizen->full_name,
    .citizen_id = drawing->citizen->citizen_id,
    .date_of_birth = drawing->citizen->date_of_birth,
    .address = drawing->citizen->address,
    .phone = drawing->citizen->phone,
    .email = drawing->citizen->email,
    .service_pack = drawing->service_pack,
    .contract_id = drawing->contract_id,
    .terms_version = drawing->terms_version,
    .issued_at_ms = drawing->issued_at_ms,
    .contract_hash = drawing->contract_hash,
  };

  if (drawing->signed_at == NULL)
    drawing->pdf = sbx_contract_pdf_render (&info, &drawing->error);
  else
    drawing->pdf = sbx_contract_pdf_render_signed (&info, drawing->signed_at,
                                                   drawing->phone_masked, &drawing->error);
}

/* Answers 500 when the worker could not draw. */
static gboolean
drawing_failed (SbxRequest *req,
                Drawing    *drawing)
{
  if (drawing->error == NULL)
    return FALSE;
  g_warning ("Cannot draw the %s of contract %s: %s",
             drawing->signed_at != NULL ? "signed copy" : "first copy", drawing->contract_id,
             drawing->error->message);
  sbx_reply_envelope_error (req, SBX_VNPT_SERVER_INTERNAL_ERROR,
                            "The service failed; try again", NULL);
  return TRUE;
}

/* enrollment/contract */

static void
reply_contract (SbxRequest *req,
                Contract   *contract)
{
  g_autofree char *data = g_base64_encode (g_bytes_get_data (contract->pdf, NULL),
                                           g_bytes_get_size (contract->pdf));
  JsonObject *content = json_object_new ();

  json_object_set_string_member (content, "contractId", contract->contract_id);
  json_object_set_string_member (content, "name", contract->name);
  json_object_set_string_member (content, "dataBase64", data);
  json_object_set_string_member (content, "hash", contract->hash);
  json_object_set_string_member (content, "termsVersion", contract->terms_version);
  sbx_reply_envelope (req, sbx_smartca_object_node (content), NULL);
}

static gboolean
contract_insert (SbxDb    *db,
                 Drawing  *drawing,
                 Contract *contract)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "INSERT INTO contracts (contract_id, registration_id, name, pdf, hash, "
                         "                       terms_version) "
                         "VALUES (?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, contract->contract_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, drawing->registration_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, contract->name, -1, SQLITE_TRANSIENT);
  sbx_db_bind_bytes (stmt, 4, contract->pdf);
  sqlite3_bind_text (stmt, 5, contract->hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, contract->terms_version, -1, SQLITE_TRANSIENT);
  return sbx_db_step_done (db, stmt);
}

static void
contract_drawn (SbxRequest *req,
                gpointer    data)
{
  Drawing *drawing = data;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(Contract) contract = NULL;
  SbxDb *db = sbx_smartca_db (req);
  gboolean failed;

  if (drawing_failed (req, drawing))
    return;

  enrollment = sbx_enrollment_resume (req, drawing->registration_id, "CONTRACT_PENDING");
  if (enrollment == NULL)
    return;

  /* Drawn once: a request that came at the same time may have stored its
   * own already, and the citizen signs the very bytes they were shown. */
  contract = contract_load (db, drawing->registration_id, &failed);
  if (contract == NULL && !failed)
    {
      contract = g_new0 (Contract, 1);
      contract->contract_id = g_strdup (drawing->contract_id);
      contract->name = g_strdup_printf ("hop-dong-smartca-%s.pdf",
                                        drawing->citizen->citizen_id);
      contract->pdf = g_bytes_ref (drawing->pdf);
      contract->hash = sbx_smartca_sha256_base64 (g_bytes_get_data (drawing->pdf, NULL),
                                                  g_bytes_get_size (drawing->pdf));
      contract->terms_version = g_strdup (drawing->terms_version);
      if (!contract_insert (db, drawing, contract))
        g_clear_pointer (&contract, contract_free);
      else
        g_info ("Contract %s drawn for registration %s", contract->contract_id,
                drawing->registration_id);
    }
  if (contract == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  if (sbx_smartca_commit (req))
    reply_contract (req, contract);
}

static void
contract_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(Contract) contract = NULL;
  g_autofree char *contract_id = NULL;
  SbxDb *db = sbx_smartca_db (req);
  Drawing *drawing;
  gboolean failed;

  if (!sbx_smartca_resource_start (req, &token, &body))
    return;
  enrollment = sbx_enrollment_begin (req, token);
  if (enrollment == NULL ||
      !sbx_enrollment_check_state (req, enrollment, "CONTRACT_PENDING", NULL))
    return;

  contract = contract_load (db, token->registration_id, &failed);
  if (failed)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  if (contract != NULL)
    {
      if (sbx_smartca_commit (req))
        reply_contract (req, contract);
      return;
    }

  contract_id = sbx_secret_new_uuid ();
  drawing = drawing_new (db, token, enrollment, contract_id, TERMS_VERSION);
  if (drawing == NULL || !sbx_smartca_commit (req))
    {
      g_clear_pointer (&drawing, drawing_free);
      if (sbx_db_in_transaction (db))
        sbx_smartca_reply_internal (req);
      return;
    }
  sbx_job_run (req, draw_work, contract_drawn, drawing, drawing_free);
}

/*
 * The contract a call names must be the one served to this registration.
 * PROTOCOL.md has no code for an unknown contract: it is a bad input,
 * 400 / 30000 naming contractId. Ends the transaction when it answers.
 */
static Contract *
contract_lookup (SbxRequest *req,
                 SbxDb      *db,
                 const char *registration_id,
                 const char *contract_id)
{
  g_autoptr(Contract) contract = NULL;
  gboolean failed;

  contract = contract_load (db, registration_id, &failed);
  if (failed)
    {
      sbx_smartca_reply_internal (req);
      return NULL;
    }
  if (contract == NULL || !g_str_equal (contract->contract_id, contract_id))
    {
      sbx_db_rollback (db);
      sbx_reply_bad_field (req, "contractId", "is not the contract served to this enrollment");
      return NULL;
    }
  return g_steal_pointer (&contract);
}

/* enrollment/contract/otp */

static void
contract_otp_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(Contract) contract = NULL;
  const char *contract_id;
  SbxDb *db = sbx_smartca_db (req);
  sqlite3_stmt *stmt;

  if (!sbx_smartca_resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "contractId", &contract_id))
    return;
  enrollment = sbx_enrollment_begin (req, token);
  if (enrollment == NULL ||
      !sbx_enrollment_check_state (req, enrollment, "CONTRACT_PENDING", NULL))
    return;
  contract = contract_lookup (req, db, token->registration_id, contract_id);
  if (contract == NULL)
    return;

  /* Rolled back with the rest when sbx_smartca_send_otp() refuses. */
  stmt = sbx_db_prepare (db, "UPDATE contracts SET otp_sent_at = ? WHERE contract_id = ?");
  if (stmt == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  sqlite3_bind_int64 (stmt, 1, sbx_clock_now_ms ());
  sqlite3_bind_text (stmt, 2, contract->contract_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  sbx_smartca_send_otp (req, token, "contract");
}

/* enrollment/contract/sign */

/* Records the signature: one transaction for the contract, the
 * enrollment and the registration. */
static gboolean
contract_store_signed (SbxDb   *db,
                       Drawing *drawing)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE contracts SET signed_at = ?, signed_pdf = ? "
                         "WHERE contract_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, drawing->signed_at_ms);
  sbx_db_bind_bytes (stmt, 2, drawing->pdf);
  sqlite3_bind_text (stmt, 3, drawing->contract_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return FALSE;
  return sbx_enrollment_set_state (db, drawing->registration_id, "ACTIVATION_PENDING",
                                   "CONTRACT_SIGNED");
}

static void
signed_copy_drawn (SbxRequest *req,
                   gpointer    data)
{
  Drawing *drawing = data;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(Contract) contract = NULL;
  g_autofree char *pdf = NULL;
  JsonObject *content, *document;
  SbxDb *db = sbx_smartca_db (req);

  if (drawing_failed (req, drawing))
    return;

  /* Meanwhile another call may have signed it, or used the OTP up: the
   * OTP is consumed here, with the signed copy, or not at all. */
  enrollment = sbx_enrollment_resume (req, drawing->registration_id, "CONTRACT_PENDING");
  if (enrollment == NULL)
    return;
  contract = contract_lookup (req, db, drawing->registration_id, drawing->contract_id);
  if (contract == NULL ||
      !sbx_smartca_check_otp (req, "contract", drawing->registration_id, drawing->otp, TRUE))
    return;
  if (!contract_store_signed (db, drawing) || !sbx_smartca_commit (req))
    {
      if (sbx_db_in_transaction (db))
        sbx_smartca_reply_internal (req);
      return;
    }
  g_info ("Contract %s signed for registration %s", drawing->contract_id,
          drawing->registration_id);

  pdf = g_base64_encode (g_bytes_get_data (drawing->pdf, NULL), g_bytes_get_size (drawing->pdf));
  document = json_object_new ();
  json_object_set_string_member (document, "name", contract->name);
  json_object_set_string_member (document, "dataBase64", pdf);
  content = json_object_new ();
  json_object_set_string_member (content, "signedAt", drawing->signed_at);
  json_object_set_string_member (content, "state", "ACTIVATION_PENDING");
  json_object_set_object_member (content, "signedDocument", document);
  sbx_reply_envelope (req, sbx_smartca_object_node (content), NULL);
}

static void
contract_sign_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(Contract) contract = NULL;
  const char *contract_id, *otp, *hash;
  SbxDb *db = sbx_smartca_db (req);
  Drawing *drawing;

  if (!sbx_smartca_resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "contractId", &contract_id) ||
      !sbx_require_string (req, body, "otp", &otp) ||
      !sbx_require_string (req, body, "hash", &hash))
    return;
  if (!sbx_smartca_check_otp_syntax (req, "otp", otp))
    return;

  enrollment = sbx_enrollment_begin (req, token);
  if (enrollment == NULL ||
      !sbx_enrollment_check_state (req, enrollment, "CONTRACT_PENDING", NULL))
    return;
  contract = contract_lookup (req, db, token->registration_id, contract_id);
  if (contract == NULL)
    return;
  if (!g_str_equal (hash, contract->hash))
    {
      sbx_db_rollback (db);
      sbx_reply_envelope_error (req, SBX_VNPT_HASH_MISMATCH,
                                "The hash is not that of the contract served", NULL);
      return;
    }
  /* Checked now, so a wrong one is answered at once; used up only once
   * the signed copy is drawn and stored. */
  if (!sbx_smartca_check_otp (req, "contract", token->registration_id, otp, FALSE))
    return;

  drawing = drawing_new (db, token, enrollment, contract->contract_id, contract->terms_version);
  if (drawing == NULL || !sbx_smartca_commit (req))
    {
      g_clear_pointer (&drawing, drawing_free);
      if (sbx_db_in_transaction (db))
        sbx_smartca_reply_internal (req);
      return;
    }
  drawing->contract_hash = g_strdup (contract->hash);
  drawing->signed_at_ms = sbx_clock_now_ms ();
  drawing->signed_at = sbx_clock_format_rfc3339 (drawing->signed_at_ms);
  drawing->phone_masked = sbx_mask_phone (drawing->citizen->phone);
  drawing->otp = g_strdup (otp);
  sbx_job_run (req, draw_work, signed_copy_drawn, drawing, drawing_free);
}

void
sbx_contract_register (SbxServer *server)
{
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/contract", contract_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/contract/otp",
                        contract_otp_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/contract/sign",
                        contract_sign_cb);
}
