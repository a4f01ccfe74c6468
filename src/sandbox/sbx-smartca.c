/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SmartCA's endpoints up to the signed contract (PROTOCOL.md, "SmartCA"):
 * the OAuth token and revocation endpoints, the citizen's identity, the
 * enrollment's state, and the service contract with its OTP.
 *
 * Every handler checks in the order PROTOCOL.md gives (authentication,
 * syntax, state, lookups, hash, OTP) and does all its reads and writes in
 * one transaction, committed before the answer: a refused call leaves
 * nothing behind but the OTP's attempt counter.
 */
#define G_LOG_DOMAIN "sbx-smartca"

#include "config.h"

#include <gnutls/gnutls.h>
#include <string.h>

#include "sbx-clock.h"
#include "sbx-contract-pdf.h"
#include "sbx-db.h"
#include "sbx-otp.h"
#include "sbx-secret.h"
#include "sbx-server.h"
#include "sbx-token.h"

#define CLIENT_ID                "smartca-enroll"
#define TOKEN_SCOPE              "sign offline_access"
#define ACCESS_TOKEN_LIFETIME_S  3599
#define REFRESH_TOKEN_LIFETIME_S (90 * 24 * 3600)

/* The terms the contract is drawn under; the VNeID consent may name them too. */
#define TERMS_VERSION            "2025.1"

#define CONTRACT_OTP_TTL_S       300
#define CONTRACT_OTP_RESEND_S    60

/* How soon a client polling enrollment/status should ask again. */
#define POLL_MIN_MS              200
#define POLL_IDLE_MS             1000

/* Common ground */

static SbxDb *
request_db (SbxRequest *req)
{
  return sbx_server_get_db (sbx_request_get_server (req));
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text != NULL ? g_strdup ((const char *) text) : NULL;
}

/* A statement that writes and returns nothing; FALSE on any failure. */
static gboolean
step_done (SbxDb        *db,
           sqlite3_stmt *stmt)
{
  int ret = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (ret != SQLITE_DONE)
    {
      g_warning ("A write failed: %s", sqlite3_errmsg (sbx_db_handle (db)));
      return FALSE;
    }
  return TRUE;
}

static void
secret_free (char *secret)
{
  if (secret != NULL)
    gnutls_memset (secret, 0, strlen (secret));
  g_free (secret);
}

typedef char SecretString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretString, secret_free)

/* A JSON node that takes over @object. */
static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* auth/token and auth/revoke answer in the RFC 6749 shape. */
static gboolean
is_oauth_request (SbxRequest *req)
{
  const char *path = sbx_request_get_path (req);

  return g_str_has_suffix (path, "auth/token") || g_str_has_suffix (path, "auth/revoke");
}

/* The answer to a failure of the sandbox itself, in the request's own
 * shape; whatever the transaction wrote so far is undone. */
static void
reply_internal (SbxRequest *req,
                SbxDb      *db)
{
  sbx_db_rollback (db);
  if (is_oauth_request (req))
    sbx_reply_oauth_error (req, 500, "server_error", "The service failed; try again", NULL);
  else
    sbx_reply_envelope_error (req, SBX_VNPT_SERVER_INTERNAL_ERROR,
                              "The service failed; try again", NULL);
}

static gboolean
commit_or_fail (SbxRequest *req,
                SbxDb      *db)
{
  if (sbx_db_commit (db))
    return TRUE;
  reply_internal (req, db);
  return FALSE;
}

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
  g_autoptr(SecretString) access_token = NULL;
  g_autoptr(SecretString) refresh_token = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  access_token = sbx_token_issue (db, "smartca", "access", citizen_id, registration_id,
                                  TOKEN_SCOPE, ACCESS_TOKEN_LIFETIME_S);
  refresh_token = sbx_token_issue (db, "smartca", "refresh", citizen_id, registration_id,
                                   TOKEN_SCOPE, REFRESH_TOKEN_LIFETIME_S);
  if (access_token == NULL || refresh_token == NULL)
    {
      reply_internal (req, db);
      return;
    }
  if (!commit_or_fail (req, db))
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
  SbxDb *db = request_db (req);
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
      reply_internal (req, db);
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
      reply_internal (req, db);
      return;
    }
  sbx_db_bind_bytes (stmt, 1, code_hash);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      registration_id = column_dup (stmt, 0);
      citizen_id = column_dup (stmt, 1);
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
      reply_internal (req, db);
      return;
    }
  sbx_db_bind_bytes (stmt, 1, code_hash);
  if (!step_done (db, stmt))
    {
      reply_internal (req, db);
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
  SbxDb *db = request_db (req);
  const char *refresh_token;
  g_autoptr(SbxTokenInfo) info = NULL;

  if (!sbx_require_form_field (req, form, "refresh_token", &refresh_token))
    return;

  if (!sbx_db_begin (db))
    {
      reply_internal (req, db);
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
  SbxDb *db = request_db (req);
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
      reply_internal (req, db);
      return;
    }
  access = sbx_token_lookup (db, "smartca", "access", token);
  refresh = access == NULL ? sbx_token_lookup (db, "smartca", "refresh", token) : NULL;
  if (access != NULL || refresh != NULL)
    sbx_token_revoke (db, token);
  if (!commit_or_fail (req, db))
    return;

  sbx_reply_json (req, 200, object_node (json_object_new ()));
}

/* Resource calls: authentication, then the body */

static gboolean
resource_start (SbxRequest    *req,
                SbxTokenInfo **token,
                JsonObject   **body)
{
  *token = sbx_request_authenticate (req, "smartca");
  if (*token == NULL)
    return FALSE;
  if ((*token)->registration_id == NULL)
    {
      /* Only hand-off grants make SmartCA tokens, and they all name one. */
      g_clear_pointer (token, sbx_token_info_free);
      sbx_reply_unauthenticated (req);
      return FALSE;
    }
  *body = sbx_request_json_object (req);
  if (*body == NULL)
    {
      g_clear_pointer (token, sbx_token_info_free);
      return FALSE;
    }
  return TRUE;
}

/* The citizen */

typedef struct
{
  char *full_name;
  char *date_of_birth;
  char *phone;
  char *email;
  char *address;
} Citizen;

static void
citizen_free (Citizen *citizen)
{
  g_free (citizen->full_name);
  g_free (citizen->date_of_birth);
  g_free (citizen->phone);
  g_free (citizen->email);
  g_free (citizen->address);
  g_free (citizen);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Citizen, citizen_free)

static Citizen *
citizen_load (SbxDb      *db,
              const char *citizen_id)
{
  sqlite3_stmt *stmt;
  Citizen *citizen = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT full_name, date_of_birth, phone, email, street, ward, province "
                         "FROM citizens WHERE citizen_id = ?");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      citizen = g_new0 (Citizen, 1);
      citizen->full_name = column_dup (stmt, 0);
      citizen->date_of_birth = column_dup (stmt, 1);
      citizen->phone = column_dup (stmt, 2);
      citizen->email = column_dup (stmt, 3);
      /* The two-level address in force since 1 July 2025: no district. */
      citizen->address = g_strjoin (", ", (const char *) sqlite3_column_text (stmt, 4),
                                    (const char *) sqlite3_column_text (stmt, 5),
                                    (const char *) sqlite3_column_text (stmt, 6), NULL);
    }
  sqlite3_reset (stmt);
  return citizen;
}

static void
userinfo_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(Citizen) citizen = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SbxDb *db = request_db (req);

  if (!resource_start (req, &token, &body))
    return;

  citizen = citizen_load (db, token->citizen_id);
  if (citizen == NULL)
    {
      reply_internal (req, db);
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

typedef struct
{
  char   *state;
  gint64  synced_at;
  char   *credential_id;
  char   *acceptance_tran_id;
} Enrollment;

static void
enrollment_free (Enrollment *enrollment)
{
  g_free (enrollment->state);
  g_free (enrollment->credential_id);
  g_free (enrollment->acceptance_tran_id);
  g_free (enrollment);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Enrollment, enrollment_free)

/*
 * The registration's enrollment, in the caller's transaction. SYNCING ends
 * by itself at synced_at; nothing runs then, so the change is made the
 * first time anyone looks.
 */
static Enrollment *
enrollment_load (SbxDb      *db,
                 const char *registration_id)
{
  g_autoptr(Enrollment) enrollment = NULL;
  sqlite3_stmt *stmt;

  g_assert (sbx_db_in_transaction (db));

  stmt = sbx_db_prepare (db,
                         "SELECT state, synced_at, credential_id, acceptance_tran_id "
                         "FROM enrollments WHERE registration_id = ?");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      enrollment = g_new0 (Enrollment, 1);
      enrollment->state = column_dup (stmt, 0);
      enrollment->synced_at = sqlite3_column_int64 (stmt, 1);
      enrollment->credential_id = column_dup (stmt, 2);
      enrollment->acceptance_tran_id = column_dup (stmt, 3);
    }
  sqlite3_reset (stmt);
  if (enrollment == NULL)
    {
      g_warning ("Registration %s has a SmartCA token but no enrollment", registration_id);
      return NULL;
    }

  if (g_str_equal (enrollment->state, "SYNCING") &&
      sbx_clock_now_ms () >= enrollment->synced_at)
    {
      stmt = sbx_db_prepare (db,
                             "UPDATE enrollments SET state = 'CONTRACT_PENDING' "
                             "WHERE registration_id = ? AND state = 'SYNCING'");
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
      if (!step_done (db, stmt))
        return NULL;
      g_free (enrollment->state);
      enrollment->state = g_strdup ("CONTRACT_PENDING");
      g_info ("Registration %s synced: contract pending", registration_id);
    }
  return g_steal_pointer (&enrollment);
}

/* Opens the transaction and loads the enrollment, or answers. */
static Enrollment *
enrollment_begin (SbxRequest   *req,
                  SbxDb        *db,
                  SbxTokenInfo *token)
{
  Enrollment *enrollment;

  if (!sbx_db_begin (db))
    {
      reply_internal (req, db);
      return NULL;
    }
  enrollment = enrollment_load (db, token->registration_id);
  if (enrollment == NULL)
    reply_internal (req, db);
  return enrollment;
}

/* 409 / 40900 unless the enrollment is in @state; the transaction ends. */
static gboolean
check_state (SbxRequest *req,
             SbxDb      *db,
             Enrollment *enrollment,
             const char *state)
{
  JsonObject *content;

  if (g_str_equal (enrollment->state, state))
    return TRUE;

  /* The lazy end of SYNCING is kept even when the call is refused. */
  if (!commit_or_fail (req, db))
    return FALSE;
  content = json_object_new ();
  json_object_set_string_member (content, "state", enrollment->state);
  sbx_reply_envelope_error (req, SBX_VNPT_WRONG_STATE, "Not possible in this state",
                            object_node (content));
  return FALSE;
}

static void
status_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(Enrollment) enrollment = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  SbxDb *db = request_db (req);
  gint64 poll_after;

  if (!resource_start (req, &token, &body))
    return;
  enrollment = enrollment_begin (req, db, token);
  if (enrollment == NULL || !commit_or_fail (req, db))
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
      contract->contract_id = column_dup (stmt, 0);
      contract->name = column_dup (stmt, 1);
      contract->pdf = sbx_db_column_bytes (stmt, 2);
      contract->hash = column_dup (stmt, 3);
      contract->terms_version = column_dup (stmt, 4);
    }
  sqlite3_reset (stmt);
  return contract;
}

static char *
sha256_base64 (GBytes *bytes)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (checksum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_checksum_get_digest (checksum, digest, &len);
  return g_base64_encode (digest, len);
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
                    Citizen         *citizen,
                    Enrollment      *enrollment,
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
    service_pack = column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return service_pack;
}

/* Draws the registration's contract and stores it, in the caller's transaction. */
static Contract *
contract_create (SbxDb        *db,
                 SbxTokenInfo *token,
                 Enrollment   *enrollment)
{
  g_autoptr(Contract) contract = g_new0 (Contract, 1);
  g_autoptr(Citizen) citizen = citizen_load (db, token->citizen_id);
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
  contract->hash = sha256_base64 (contract->pdf);

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
  if (!step_done (db, stmt))
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
  g_autoptr(Enrollment) enrollment = NULL;
  g_autoptr(Contract) contract = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *data = NULL;
  SbxDb *db = request_db (req);
  gboolean failed;

  if (!resource_start (req, &token, &body))
    return;
  enrollment = enrollment_begin (req, db, token);
  if (enrollment == NULL || !check_state (req, db, enrollment, "CONTRACT_PENDING"))
    return;

  /* Drawn once: the citizen signs the very bytes they were shown. */
  contract = contract_load (db, token->registration_id, &failed);
  if (contract == NULL && !failed)
    contract = contract_create (db, token, enrollment);
  if (contract == NULL || contract->pdf == NULL)
    {
      reply_internal (req, db);
      return;
    }
  if (!commit_or_fail (req, db))
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
      reply_internal (req, db);
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
reply_too_soon (SbxRequest *req,
                gint64      retry_after_s)
{
  JsonObject *content = json_object_new ();

  json_object_set_int_member (content, "retryAfter", retry_after_s);
  sbx_reply_envelope_error (req, SBX_VNPT_TOO_SOON, "An OTP was sent moments ago",
                            object_node (content));
}

static void
contract_otp_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(Enrollment) enrollment = NULL;
  g_autoptr(Contract) contract = NULL;
  g_autoptr(Citizen) citizen = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *masked = NULL;
  const char *contract_id;
  SbxDb *db = request_db (req);
  sqlite3_stmt *stmt;
  gint64 now, last_sent;

  if (!resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "contractId", &contract_id))
    return;
  enrollment = enrollment_begin (req, db, token);
  if (enrollment == NULL || !check_state (req, db, enrollment, "CONTRACT_PENDING"))
    return;
  contract = contract_lookup (req, db, token->registration_id, contract_id);
  if (contract == NULL)
    return;

  now = sbx_clock_now_ms ();
  last_sent = sbx_otp_last_sent (db, "contract", token->registration_id);
  if (last_sent > 0 && now - last_sent < CONTRACT_OTP_RESEND_S * 1000)
    {
      gint64 wait_ms = CONTRACT_OTP_RESEND_S * 1000 - (now - last_sent);

      sbx_db_rollback (db);
      reply_too_soon (req, (wait_ms + 999) / 1000);
      return;
    }

  citizen = citizen_load (db, token->citizen_id);
  if (citizen == NULL)
    {
      reply_internal (req, db);
      return;
    }
  sbx_otp_issue (db, "contract", token->registration_id, token->citizen_id,
                 citizen->phone, NULL, CONTRACT_OTP_TTL_S * 1000);

  stmt = sbx_db_prepare (db, "UPDATE contracts SET otp_sent_at = ? WHERE contract_id = ?");
  if (stmt == NULL)
    {
      reply_internal (req, db);
      return;
    }
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_text (stmt, 2, contract->contract_id, -1, SQLITE_TRANSIENT);
  if (!step_done (db, stmt))
    {
      reply_internal (req, db);
      return;
    }
  if (!commit_or_fail (req, db))
    return;

  masked = sbx_mask_phone (citizen->phone);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "otpSentTo");
  json_builder_add_string_value (builder, masked);
  json_builder_set_member_name (builder, "expiresIn");
  json_builder_add_int_value (builder, CONTRACT_OTP_TTL_S);
  json_builder_set_member_name (builder, "resendAfter");
  json_builder_add_int_value (builder, CONTRACT_OTP_RESEND_S);
  json_builder_end_object (builder);
  sbx_reply_envelope (req, json_builder_get_root (builder), NULL);
}

static gboolean
is_otp_syntax (const char *otp)
{
  if (strlen (otp) != 6)
    return FALSE;
  for (const char *p = otp; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/* Whether the registration's last contract OTP was locked by wrong tries. */
static gboolean
last_otp_locked (SbxDb      *db,
                 const char *registration_id)
{
  sqlite3_stmt *stmt;
  gboolean locked = FALSE;

  stmt = sbx_db_prepare (db,
                         "SELECT state FROM otps WHERE purpose = 'contract' AND subject = ? "
                         "ORDER BY id DESC LIMIT 1");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    locked = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "locked") == 0;
  sqlite3_reset (stmt);
  return locked;
}

/*
 * Checks the OTP and, when it is right, consumes it in the transaction; a
 * later failure rolls that back. Otherwise answers, keeping the attempt
 * counter. With no OTP to check: 44002 when the last one was locked, so
 * the client asks for a new one; else 44001, as for an expired one, since
 * the way on is the same.
 */
static gboolean
check_otp (SbxRequest *req,
           SbxDb      *db,
           const char *registration_id,
           const char *otp)
{
  guint attempts_left = 0;
  SbxOtpResult result;
  JsonObject *content;

  result = sbx_otp_check (db, "contract", registration_id, otp, TRUE, &attempts_left);
  if (result == SBX_OTP_OK)
    return TRUE;

  if (result == SBX_OTP_NONE && last_otp_locked (db, registration_id))
    result = SBX_OTP_LOCKED;
  if (!commit_or_fail (req, db))
    return FALSE;

  switch (result)
    {
    case SBX_OTP_WRONG:
      content = json_object_new ();
      json_object_set_int_member (content, "attemptsLeft", attempts_left);
      sbx_reply_envelope_error (req, SBX_VNPT_OTP_INVALID, "The OTP is wrong",
                                object_node (content));
      break;
    case SBX_OTP_LOCKED:
      sbx_reply_envelope_error (req, SBX_VNPT_OTP_LOCKED,
                                "Too many wrong OTPs; ask for a new one", NULL);
      break;
    case SBX_OTP_EXPIRED:
    case SBX_OTP_NONE:
      sbx_reply_envelope_error (req, SBX_VNPT_OTP_EXPIRED,
                                "The OTP has expired or none was sent; ask for a new one", NULL);
      break;
    case SBX_OTP_OK:
    default:
      g_assert_not_reached ();
    }
  return FALSE;
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
  if (!step_done (db, stmt))
    return FALSE;

  stmt = sbx_db_prepare (db,
                         "UPDATE enrollments SET state = 'ACTIVATION_PENDING' "
                         "WHERE registration_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  if (!step_done (db, stmt))
    return FALSE;

  stmt = sbx_db_prepare (db,
                         "UPDATE registrations SET status = 'CONTRACT_SIGNED' "
                         "WHERE registration_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  return step_done (db, stmt);
}

static void
contract_sign_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(Enrollment) enrollment = NULL;
  g_autoptr(Contract) contract = NULL;
  g_autoptr(Citizen) citizen = NULL;
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *service_pack = NULL;
  g_autofree char *signed_at_text = NULL;
  g_autofree char *masked = NULL;
  g_autofree char *data = NULL;
  const char *contract_id, *otp, *hash;
  SbxContractInfo info;
  SbxDb *db = request_db (req);
  gint64 signed_at;

  if (!resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "contractId", &contract_id) ||
      !sbx_require_string (req, body, "otp", &otp) ||
      !sbx_require_string (req, body, "hash", &hash))
    return;
  if (!is_otp_syntax (otp))
    {
      sbx_reply_bad_field (req, "otp", "must be six ASCII digits");
      return;
    }

  enrollment = enrollment_begin (req, db, token);
  if (enrollment == NULL || !check_state (req, db, enrollment, "CONTRACT_PENDING"))
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
  if (!check_otp (req, db, token->registration_id, otp))
    return;

  citizen = citizen_load (db, token->citizen_id);
  service_pack = registration_service_pack (db, token->registration_id);
  if (citizen == NULL || service_pack == NULL)
    {
      reply_internal (req, db);
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
      reply_internal (req, db);
      return;
    }
  if (!contract_store_signed (db, token->registration_id, contract->contract_id,
                              signed_at, signed_pdf))
    {
      reply_internal (req, db);
      return;
    }
  if (!commit_or_fail (req, db))
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
}
