/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SmartCA's endpoints up to the signed contract (PROTOCOL.md, "SmartCA"):
 * the OAuth token and revocation endpoints, the citizen's identity, the
 * enrollment's state, and the service contract with its OTP. Activation,
 * transactions and credentials have modules of their own, which share
 * sbx-smartca-private.h with this one.
 *
 * Every handler checks in the order PROTOCOL.md gives (authentication,
 * syntax, state, lookups, hash, OTP) and does all its reads and writes in
 * one transaction, committed before the answer: a refused call leaves
 * nothing behind but the OTP's attempt counter.
 */
#define G_LOG_DOMAIN "sbx-smartca"

#include "config.h"

#include <string.h>

#include "sbx-clock.h"
#include "sbx-contract-pdf.h"
#include "sbx-otp.h"
#include "sbx-secret.h"
#include "sbx-smartca-private.h"

#define CLIENT_ID                "smartca-enroll"
#define TOKEN_SCOPE              "sign offline_access"
#define ACCESS_TOKEN_LIFETIME_S  3599
#define REFRESH_TOKEN_LIFETIME_S (90 * 24 * 3600)

/* The terms the contract is drawn under; the VNeID consent may name them too. */
#define TERMS_VERSION            "2025.1"

/* How soon a client polling enrollment/status should ask again. */
#define POLL_MIN_MS              200
#define POLL_IDLE_MS             1000

/* OAuth: auth/token and auth/revoke */

/* A public client with no secret: its id only says which program asks. */
static gboolean
check_client (SbxRequest *req,
              GHashTable *form)
{
  const char *client_id;

  if (!sbx_require_form_field (req, form, "client_id", &client_id))
    return FALSE;
  if (!g_str_equal (client_id, CLIENT_ID))
    {
      sbx_reply_oauth_error (req, 401, "invalid_client", "Unknown client_id", NULL);
      return FALSE;
    }
  return TRUE;
}

/* Issues an access and a refresh token in the caller's transaction,
 * commits it and answers with them. */
static void
issue_tokens_and_reply (SbxRequest *req,
                        SbxDb      *db,
                        const char *citizen_id,
                        const char *registration_id)
{
  g_autoptr(SbxSecretString) access_token = NULL;
  g_autoptr(SbxSecretString) refresh_token = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  access_token = sbx_token_issue (db, "smartca", "access", citizen_id, registration_id,
                                  TOKEN_SCOPE, ACCESS_TOKEN_LIFETIME_S);
  refresh_token = sbx_token_issue (db, "smartca", "refresh", citizen_id, registration_id,
                                   TOKEN_SCOPE, REFRESH_TOKEN_LIFETIME_S);
  if (access_token == NULL || refresh_token == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  if (!sbx_smartca_commit (req))
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "access_token");
  json_builder_add_string_value (builder, access_token);
  json_builder_set_member_name (builder, "refresh_token");
  json_builder_add_string_value (builder, refresh_token);
  json_builder_set_member_name (builder, "token_type");
  json_builder_add_string_value (builder, "bearer");
  json_builder_set_member_name (builder, "expires_in");
  json_builder_add_int_value (builder, ACCESS_TOKEN_LIFETIME_S);
  json_builder_set_member_name (builder, "scope");
  json_builder_add_string_value (builder, TOKEN_SCOPE);
  json_builder_end_object (builder);
  sbx_reply_json (req, 200, json_builder_get_root (builder));
}

/* A VNeID hand-off code, once, for the registration it was made for. */
static void
grant_authorization_code (SbxRequest *req,
                          GHashTable *form)
{
  SbxDb *db = sbx_smartca_db (req);
  const char *code;
  g_autoptr(GBytes) code_hash = NULL;
  g_autofree char *registration_id = NULL;
  g_autofree char *citizen_id = NULL;
  sqlite3_stmt *stmt;
  gboolean usable = FALSE;

  if (!sbx_require_form_field (req, form, "code", &code))
    return;
  code_hash = sbx_secret_hash (code);

  if (!sbx_db_begin (db))
    {
      sbx_smartca_reply_internal (req);
      return;
    }

  stmt = sbx_db_prepare (db,
                         "SELECT h.registration_id, r.citizen_id, h.expires_at, h.used, "
                         "       r.status, e.registration_id IS NOT NULL "
                         "FROM handoff_codes h "
                         "JOIN registrations r USING (registration_id) "
                         "LEFT JOIN enrollments e USING (registration_id) "
                         "WHERE h.code_hash = ?");
  if (stmt == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  sbx_db_bind_bytes (stmt, 1, code_hash);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      registration_id = sbx_db_column_dup (stmt, 0);
      citizen_id = sbx_db_column_dup (stmt, 1);
      usable = sqlite3_column_int64 (stmt, 2) > sbx_clock_now_ms () &&
               sqlite3_column_int (stmt, 3) == 0 &&
               g_strcmp0 ((const char *) sqlite3_column_text (stmt, 4), "REJECTED") != 0 &&
               sqlite3_column_int (stmt, 5) != 0;
    }
  sqlite3_reset (stmt);

  if (!usable)
    {
      sbx_db_rollback (db);
      sbx_reply_oauth_error (req, 400, "invalid_grant",
                             "The code is unknown, expired or already used", NULL);
      return;
    }

  stmt = sbx_db_prepare (db, "UPDATE handoff_codes SET used = 1 WHERE code_hash = ?");
  if (stmt == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  sbx_db_bind_bytes (stmt, 1, code_hash);
  if (!sbx_db_step_done (db, stmt))
    {
      sbx_smartca_reply_internal (req);
      return;
    }

  g_info ("SmartCA tokens issued from a hand-off code for registration %s", registration_id);
  issue_tokens_and_reply (req, db, citizen_id, registration_id);
}

/* A refresh token is used once: it gives way to a new pair. */
static void
grant_refresh_token (SbxRequest *req,
                     GHashTable *form)
{
  SbxDb *db = sbx_smartca_db (req);
  const char *refresh_token;
  g_autoptr(SbxTokenInfo) info = NULL;

  if (!sbx_require_form_field (req, form, "refresh_token", &refresh_token))
    return;

  if (!sbx_db_begin (db))
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  info = sbx_token_lookup (db, "smartca", "refresh", refresh_token);
  if (info == NULL || info->registration_id == NULL)
    {
      sbx_db_rollback (db);
      sbx_reply_oauth_error (req, 400, "invalid_grant",
                             "The refresh token is unknown, expired or revoked", NULL);
      return;
    }
  sbx_token_revoke (db, refresh_token);

  issue_tokens_and_reply (req, db, info->citizen_id, info->registration_id);
}

static void
token_cb (SbxRequest *req)
{
  g_autoptr(GHashTable) form = sbx_request_form (req);
  const char *grant_type;

  if (form == NULL)
    return;
  if (!check_client (req, form) ||
      !sbx_require_form_field (req, form, "grant_type", &grant_type))
    return;

  if (g_str_equal (grant_type, "authorization_code"))
    grant_authorization_code (req, form);
  else if (g_str_equal (grant_type, "refresh_token"))
    grant_refresh_token (req, form);
  else
    sbx_reply_oauth_error (req, 400, "unsupported_grant_type",
                           "grant_type must be authorization_code or refresh_token", NULL);
}

/* RFC 7009: the answer is 200 whether or not the token was known. Only
 * SmartCA's own tokens are revoked here. */
static void
revoke_cb (SbxRequest *req)
{
  g_autoptr(GHashTable) form = sbx_request_form (req);
  SbxDb *db = sbx_smartca_db (req);
  const char *token;
  g_autoptr(SbxTokenInfo) access = NULL;
  g_autoptr(SbxTokenInfo) refresh = NULL;

  if (form == NULL)
    return;
  if (!check_client (req, form) ||
      !sbx_require_form_field (req, form, "token", &token))
    return;

  if (!sbx_db_begin (db))
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  access = sbx_token_lookup (db, "smartca", "access", token);
  refresh = access == NULL ? sbx_token_lookup (db, "smartca", "refresh", token) : NULL;
  if (access != NULL || refresh != NULL)
    sbx_token_revoke (db, token);
  if (!sbx_smartca_commit (req))
    return;

  sbx_reply_json (req, 200, sbx_smartca_object_node (json_object_new ()));
}

/* The citizen */

static void
userinfo_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxCitizen) citizen = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SbxDb *db = sbx_smartca_db (req);

  if (!sbx_smartca_resource_start (req, &token, &body))
    return;

  citizen = sbx_citizen_load (db, token->citizen_id);
  if (citizen == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accType");
  json_builder_add_int_value (builder, 0);
  json_builder_set_member_name (builder, "uidPre");
  json_builder_add_string_value (builder, "CCCD");
  json_builder_set_member_name (builder, "uid");
  json_builder_add_string_value (builder, token->citizen_id);
  json_builder_set_member_name (builder, "email");
  if (citizen->email != NULL)
    json_builder_add_string_value (builder, citizen->email);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "phone");
  json_builder_add_string_value (builder, citizen->phone);
  json_builder_set_member_name (builder, "fullName");
  json_builder_add_string_value (builder, citizen->full_name);
  json_builder_end_object (builder);
  sbx_reply_envelope (req, json_builder_get_root (builder), NULL);
}

/* The enrollment */

static void
status_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gint64 poll_after;

  if (!sbx_smartca_resource_start (req, &token, &body))
    return;
  enrollment = sbx_enrollment_begin (req, token);
  if (enrollment == NULL || !sbx_smartca_commit (req))
    return;

  if (g_str_equal (enrollment->state, "SYNCING"))
    poll_after = MAX (POLL_MIN_MS, enrollment->synced_at - sbx_clock_now_ms ());
  else
    poll_after = POLL_IDLE_MS;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "registrationId");
  json_builder_add_string_value (builder, token->registration_id);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, enrollment->state);
  json_builder_set_member_name (builder, "credentialId");
  if (enrollment->credential_id != NULL)
    json_builder_add_string_value (builder, enrollment->credential_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "acceptanceTranId");
  if (enrollment->acceptance_tran_id != NULL)
    json_builder_add_string_value (builder, enrollment->acceptance_tran_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "pollAfterMs");
  json_builder_add_int_value (builder, poll_after);
  json_builder_end_object (builder);
  sbx_reply_envelope (req, json_builder_get_root (builder), NULL);
}

/* The contract */

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
contract_file_name (const char *citizen_id)
{
  return g_strdup_printf ("hop-dong-smartca-%s.pdf", citizen_id);
}

/*
 * The contract's date is the moment the enrollment left SYNCING, which is
 * fixed: drawn again, for the signed copy, it gives the same pages.
 */
static void
contract_info_init (SbxContractInfo *info,
                    const char      *citizen_id,
                    SbxCitizen      *citizen,
                    SbxEnrollment   *enrollment,
                    const char      *contract_id,
                    const char      *terms_version)
{
  *info = (SbxContractInfo) {
    .full_name = citizen->full_name,
    .citizen_id = citizen_id,
    .date_of_birth = citizen->date_of_birth,
    .address = citizen->address,
    .phone = citizen->phone,
    .email = citizen->email,
    .service_pack = NULL,
    .contract_id = contract_id,
    .terms_version = terms_version,
    .issued_at_ms = enrollment->synced_at,
    .contract_hash = NULL,
  };
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

/* Draws the registration's contract and stores it, in the caller's transaction. */
static Contract *
contract_create (SbxDb        *db,
                 SbxTokenInfo *token,
                 SbxEnrollment *enrollment)
{
  g_autoptr(Contract) contract = g_new0 (Contract, 1);
  g_autoptr(SbxCitizen) citizen = sbx_citizen_load (db, token->citizen_id);
  g_autofree char *service_pack = registration_service_pack (db, token->registration_id);
  g_autoptr(GError) error = NULL;
  SbxContractInfo info;
  sqlite3_stmt *stmt;

  if (citizen == NULL || service_pack == NULL)
    return NULL;

  contract->contract_id = sbx_secret_new_uuid ();
  contract->name = contract_file_name (token->citizen_id);
  contract->terms_version = g_strdup (TERMS_VERSION);
  contract_info_init (&info, token->citizen_id, citizen, enrollment,
                      contract->contract_id, contract->terms_version);
  info.service_pack = service_pack;
  contract->pdf = sbx_contract_pdf_render (&info, &error);
  if (contract->pdf == NULL)
    {
      g_warning ("Cannot draw the contract of registration %s: %s",
                 token->registration_id, error->message);
      return NULL;
    }
  contract->hash = sbx_smartca_sha256_base64 (g_bytes_get_data (contract->pdf, NULL),
                                              g_bytes_get_size (contract->pdf));

  stmt = sbx_db_prepare (db,
                         "INSERT INTO contracts (contract_id, registration_id, name, pdf, hash, "
                         "                       terms_version) "
                         "VALUES (?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, contract->contract_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, token->registration_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, contract->name, -1, SQLITE_TRANSIENT);
  sbx_db_bind_bytes (stmt, 4, contract->pdf);
  sqlite3_bind_text (stmt, 5, contract->hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, contract->terms_version, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return NULL;

  g_info ("Contract %s drawn for registration %s", contract->contract_id,
          token->registration_id);
  return g_steal_pointer (&contract);
}

static void
contract_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(Contract) contract = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *data = NULL;
  SbxDb *db = sbx_smartca_db (req);
  gboolean failed;

  if (!sbx_smartca_resource_start (req, &token, &body))
    return;
  enrollment = sbx_enrollment_begin (req, token);
  if (enrollment == NULL ||
      !sbx_enrollment_check_state (req, enrollment, "CONTRACT_PENDING", NULL))
    return;

  /* Drawn once: the citizen signs the very bytes they were shown. */
  contract = contract_load (db, token->registration_id, &failed);
  if (contract == NULL && !failed)
    contract = contract_create (db, token, enrollment);
  if (contract == NULL || contract->pdf == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  if (!sbx_smartca_commit (req))
    return;

  data = g_base64_encode (g_bytes_get_data (contract->pdf, NULL),
                          g_bytes_get_size (contract->pdf));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "contractId");
  json_builder_add_string_value (builder, contract->contract_id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, contract->name);
  json_builder_set_member_name (builder, "dataBase64");
  json_builder_add_string_value (builder, data);
  json_builder_set_member_name (builder, "hash");
  json_builder_add_string_value (builder, contract->hash);
  json_builder_set_member_name (builder, "termsVersion");
  json_builder_add_string_value (builder, contract->terms_version);
  json_builder_end_object (builder);
  sbx_reply_envelope (req, json_builder_get_root (builder), NULL);
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

/* Records the signature: one transaction for the contract, the
 * enrollment and the registration. */
static gboolean
contract_store_signed (SbxDb      *db,
                       const char *registration_id,
                       const char *contract_id,
                       gint64      signed_at,
                       GBytes     *signed_pdf)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE contracts SET signed_at = ?, signed_pdf = ? "
                         "WHERE contract_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, signed_at);
  sbx_db_bind_bytes (stmt, 2, signed_pdf);
  sqlite3_bind_text (stmt, 3, contract_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return FALSE;

  stmt = sbx_db_prepare (db,
                         "UPDATE enrollments SET state = 'ACTIVATION_PENDING' "
                         "WHERE registration_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return FALSE;

  stmt = sbx_db_prepare (db,
                         "UPDATE registrations SET status = 'CONTRACT_SIGNED' "
                         "WHERE registration_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  return sbx_db_step_done (db, stmt);
}

static void
contract_sign_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(Contract) contract = NULL;
  g_autoptr(SbxCitizen) citizen = NULL;
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *service_pack = NULL;
  g_autofree char *signed_at_text = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *data = NULL;
  const char *contract_id, *otp, *hash;
  SbxContractInfo info;
  SbxDb *db = sbx_smartca_db (req);
  gint64 signed_at;

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
  if (!sbx_smartca_check_otp (req, "contract", token->registration_id, otp))
    return;

  citizen = sbx_citizen_load (db, token->citizen_id);
  service_pack = registration_service_pack (db, token->registration_id);
  if (citizen == NULL || service_pack == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  signed_at = sbx_clock_now_ms ();
  signed_at_text = sbx_clock_format_rfc3339 (signed_at);
  masked = sbx_mask_phone (citizen->phone);
  contract_info_init (&info, token->citizen_id, citizen, enrollment,
                      contract->contract_id, contract->terms_version);
  info.service_pack = service_pack;
  info.contract_hash = contract->hash;
  signed_pdf = sbx_contract_pdf_render_signed (&info, signed_at_text, masked, &error);
  if (signed_pdf == NULL)
    {
      g_warning ("Cannot draw the signed contract %s: %s", contract->contract_id,
                 error->message);
      sbx_smartca_reply_internal (req);
      return;
    }
  if (!contract_store_signed (db, token->registration_id, contract->contract_id,
                              signed_at, signed_pdf))
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  if (!sbx_smartca_commit (req))
    return;
  g_info ("Contract %s signed for registration %s", contract->contract_id,
          token->registration_id);

  data = g_base64_encode (g_bytes_get_data (signed_pdf, NULL), g_bytes_get_size (signed_pdf));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "signedAt");
  json_builder_add_string_value (builder, signed_at_text);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, "ACTIVATION_PENDING");
  json_builder_set_member_name (builder, "signedDocument");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, contract->name);
  json_builder_set_member_name (builder, "dataBase64");
  json_builder_add_string_value (builder, data);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  sbx_reply_envelope (req, json_builder_get_root (builder), NULL);
}

void
sbx_smartca_register (SbxServer *server)
{
  g_return_if_fail (SBX_IS_SERVER (server));

  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "auth/token", token_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "auth/revoke", revoke_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "identityapi/userinfo/info",
                        userinfo_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/status", status_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/contract", contract_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/contract/otp",
                        contract_otp_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/contract/sign",
                        contract_sign_cb);

  /* Steps 5 and 6: activation, transactions, credentials and portals. */
  sbx_activation_register (server);
  sbx_transactions_register (server);
  sbx_credentials_register (server);
}
