/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SmartCA's first endpoints (PROTOCOL.md, "SmartCA"): the OAuth token and
 * revocation endpoints, the citizen's identity and the enrollment's state.
 * The contract, activation, transactions and credentials have modules of
 * their own, which share sbx-smartca-private.h with this one.
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
#include "sbx-otp.h"
#include "sbx-secret.h"
#include "sbx-smartca-private.h"

#define CLIENT_ID                "smartca-enroll"
#define TOKEN_SCOPE              "sign offline_access"
#define ACCESS_TOKEN_LIFETIME_S  3599
#define REFRESH_TOKEN_LIFETIME_S (90 * 24 * 3600)

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
                        const char *registration_id,
                        gboolean    from_login)
{
  g_autoptr(SbxSecretString) access_token = NULL;
  g_autoptr(SbxSecretString) refresh_token = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  access_token = sbx_token_issue (db, "smartca", "access", citizen_id, registration_id,
                                  TOKEN_SCOPE, ACCESS_TOKEN_LIFETIME_S, from_login);
  refresh_token = sbx_token_issue (db, "smartca", "refresh", citizen_id, registration_id,
                                   TOKEN_SCOPE, REFRESH_TOKEN_LIFETIME_S, from_login);
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
  issue_tokens_and_reply (req, db, citizen_id, registration_id, TRUE);
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

  /* Not fresh: a change of device needs a token from a hand-off. */
  issue_tokens_and_reply (req, db, info->citizen_id, info->registration_id, FALSE);
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

void
sbx_smartca_register (SbxServer *server)
{
  g_return_if_fail (SBX_IS_SERVER (server));

  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "auth/token", token_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "auth/revoke", revoke_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "identityapi/userinfo/info",
                        userinfo_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/status", status_cb);
  /* Step 4, the contract; steps 5 and 6: activation, transactions,
   * credentials and portals. */
  sbx_contract_register (server);
  sbx_activation_register (server);
  sbx_transactions_register (server);
  sbx_credentials_register (server);
  sbx_pin_register (server);
}
