/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SmartCA's integrator API for credentials and signing (PROTOCOL.md,
 * "Credentials" and "Signing for a portal", [VNPT] shapes):
 * csc/credentials/list and info, csc/signature/signhash and
 * csc/credentials/gettraninfo; and the control endpoints through which a
 * test plays the public-service portal, CONTROL/portal/signhash and
 * CONTROL/portal/transactions/{tranId}. A portal's request waits for the
 * citizen like any transaction (sbx-transactions.c).
 */
#define G_LOG_DOMAIN "sbx-credentials"

#include "config.h"

#include <string.h>

#include "enr-citizen-id.h"
#include "sbx-clock.h"
#include "sbx-secret.h"
#include "sbx-smartca-private.h"
#include "sbx-transactions.h"

#define MAX_HASHES        50
#define RSA_OID           "1.2.840.113549.1.1.1"
#define SIGNING_KEY_BITS  2048
#define WAITING_MESSAGE   "Chờ người dùng xác nhận"

/* csc/credentials/list */

static void
list_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  JsonArray *ids;
  JsonNode *node;
  sqlite3_stmt *stmt;

  if (!sbx_smartca_resource_start (req, &token, &body))
    return;

  ids = json_array_new ();
  stmt = sbx_db_prepare (sbx_smartca_db (req),
                         "SELECT credential_id FROM credentials WHERE citizen_id = ? "
                         "ORDER BY created_at, rowid");
  sqlite3_bind_text (stmt, 1, token->citizen_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    json_array_add_string_element (ids, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, ids);
  sbx_reply_envelope (req, node, NULL);
}

/* csc/credentials/info */

static char *
enrollment_state_of (SbxDb      *db,
                     const char *registration_id)
{
  sqlite3_stmt *stmt;
  char *state = NULL;

  stmt = sbx_db_prepare (db, "SELECT state FROM enrollments WHERE registration_id = ?");
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    state = sbx_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return state;
}

static void
add_base64 (JsonArray *array,
            GBytes    *bytes)
{
  g_autofree char *text = g_base64_encode (g_bytes_get_data (bytes, NULL),
                                           g_bytes_get_size (bytes));

  json_array_add_string_element (array, text);
}

static JsonObject *
cert_json (SbxServer     *server,
           SbxCredential *credential,
           const char    *certificates,
           gboolean       cert_info)
{
  JsonObject *cert = json_object_new ();
  JsonArray *list = json_array_new ();

  json_object_set_string_member (cert, "status", "VALID");
  if (cert_info)
    {
      g_autofree char *valid_from = sbx_clock_format_generalized (credential->valid_from);
      g_autofree char *valid_to = sbx_clock_format_generalized (credential->valid_to);

      json_object_set_string_member (cert, "serialNumber", credential->serial_number);
      json_object_set_string_member (cert, "subjectDN", credential->subject_dn);
      json_object_set_string_member (cert, "issuerDN", credential->issuer_dn);
      json_object_set_string_member (cert, "validFrom", valid_from);
      json_object_set_string_member (cert, "validTo", valid_to);
    }
  if (!g_str_equal (certificates, "none"))
    add_base64 (list, credential->certificate);
  if (g_str_equal (certificates, "chain"))
    {
      g_autoptr(GBytes) rs = sbx_ca_get_issuing_der (sbx_server_get_ca (server));
      g_autoptr(GBytes) root = sbx_ca_get_root_der (sbx_server_get_ca (server));

      add_base64 (list, rs);
      add_base64 (list, root);
    }
  json_object_set_array_member (cert, "certificates", list);
  return cert;
}

static void
info_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxCredential) credential = NULL;
  const char *credential_id;
  const char *certificates = "single";
  gboolean cert_info = TRUE, auth_info = TRUE;
  JsonNode *node;
  JsonObject *content, *key;
  JsonArray *algorithms;
  SbxDb *db = sbx_smartca_db (req);

  if (!sbx_smartca_resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "credentialId", &credential_id))
    return;
  if (!sbx_optional_member (req, body, "certificates", G_TYPE_STRING,
                       "must be \"none\", \"single\" or \"chain\"", &node))
    return;
  if (node != NULL)
    {
      certificates = json_node_get_string (node);
      if (!g_str_equal (certificates, "none") && !g_str_equal (certificates, "single") &&
          !g_str_equal (certificates, "chain"))
        {
          sbx_reply_bad_field (req, "certificates", "must be \"none\", \"single\" or \"chain\"");
          return;
        }
    }
  if (!sbx_optional_member (req, body, "certInfo", G_TYPE_BOOLEAN, "must be true or false", &node))
    return;
  if (node != NULL)
    cert_info = json_node_get_boolean (node);
  if (!sbx_optional_member (req, body, "authInfo", G_TYPE_BOOLEAN, "must be true or false", &node))
    return;
  if (node != NULL)
    auth_info = json_node_get_boolean (node);

  if (!sbx_smartca_begin (req))
    return;
  credential = sbx_credential_lookup (req, token, credential_id);
  if (credential == NULL)
    return;
  if (credential->certificate == NULL)
    {
      g_autofree char *state = enrollment_state_of (db, credential->registration_id);

      sbx_db_rollback (db);
      content = json_object_new ();
      json_object_set_string_member (content, "state", state != NULL ? state : "");
      sbx_reply_envelope_error (req, SBX_VNPT_WRONG_STATE,
                                "The credential has no certificate yet",
                                sbx_smartca_object_node (content));
      return;
    }
  sbx_db_rollback (db);

  content = json_object_new ();
  key = json_object_new ();
  json_object_set_string_member (key, "status", "ENABLED");
  algorithms = json_array_new ();
  json_array_add_string_element (algorithms, RSA_OID);
  json_object_set_array_member (key, "alg", algorithms);
  json_object_set_int_member (key, "len", SIGNING_KEY_BITS);
  json_object_set_object_member (content, "key", key);
  json_object_set_object_member (content, "cert",
                                 cert_json (sbx_request_get_server (req), credential,
                                            certificates, cert_info));
  if (auth_info)
    {
      json_object_set_string_member (content, "authMode", "oauth2code");
      json_object_set_string_member (content, "scal", "SCAL2");
    }
  json_object_set_int_member (content, "multisign", 1);
  json_object_set_string_member (content, "status", "VALID");
  sbx_reply_envelope (req, sbx_smartca_object_node (content), NULL);
}

/* Signing for a portal */

/* The {"name","hash"} list of a signing request, checked: 1 to 50, each
 * hash a Base64 SHA-256. NULL with @problem set otherwise. */
static GArray *
parse_datas (JsonArray   *datas,
             const char **problem)
{
  g_autoptr(GArray) documents = NULL;
  guint n = json_array_get_length (datas);

  if (n == 0 || n > MAX_HASHES)
    {
      *problem = "datas must hold 1 to 50 hashes";
      return NULL;
    }
  documents = g_array_sized_new (FALSE, TRUE, sizeof (SbxTranDocument), n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (datas, i);
      JsonObject *object;
      JsonNode *name, *hash;
      g_autoptr(GBytes) digest = NULL;
      SbxTranDocument document = { .type = "hash" };

      object = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      name = object != NULL ? json_object_get_member (object, "name") : NULL;
      hash = object != NULL ? json_object_get_member (object, "hash") : NULL;
      if (name == NULL || !JSON_NODE_HOLDS_VALUE (name) ||
          json_node_get_value_type (name) != G_TYPE_STRING ||
          *json_node_get_string (name) == '\0' ||
          hash == NULL || !JSON_NODE_HOLDS_VALUE (hash) ||
          json_node_get_value_type (hash) != G_TYPE_STRING)
        {
          *problem = "each of datas must be {\"name\", \"hash\"} with two strings";
          return NULL;
        }
      digest = sbx_smartca_base64_decode (json_node_get_string (hash));
      if (digest == NULL || g_bytes_get_size (digest) != 32)
        {
          *problem = "each hash must be the Base64 of a SHA-256 (32 bytes)";
          return NULL;
        }
      document.name = json_node_get_string (name);
      document.hash = json_node_get_string (hash);
      g_array_append_val (documents, document);
    }
  return g_steal_pointer (&documents);
}

static void
reply_tran_id (SbxRequest *req,
               const char *tran_id)
{
  JsonObject *content = json_object_new ();

  json_object_set_string_member (content, "tranId", tran_id);
  if (sbx_request_get_api (req) == SBX_API_CONTROL)
    sbx_reply_json (req, 200, sbx_smartca_object_node (content));
  else
    sbx_reply_envelope (req, sbx_smartca_object_node (content), WAITING_MESSAGE);
}

#define REF_TRAN_ID_WINDOW_MS ((gint64) 24 * 60 * 60 * 1000)

/* The citizen's transaction of @ref_tran_id made in the last 24 h, if any:
 * a signhash sent again after a dropped connection gets it, not a second. */
static char *
earlier_transaction (SbxDb      *db,
                     const char *citizen_id,
                     const char *ref_tran_id)
{
  sqlite3_stmt *stmt;
  char *tran_id = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT tran_id FROM transactions WHERE citizen_id = ? "
                         "AND ref_tran_id = ? AND kind = 'portal' AND req_time > ? "
                         "ORDER BY req_time, rowid LIMIT 1");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, ref_tran_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, sbx_clock_now_ms () - REF_TRAN_ID_WINDOW_MS);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    tran_id = sbx_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return tran_id;
}

static void
signhash_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(SbxCredential) credential = NULL;
  g_autoptr(GArray) documents = NULL;
  g_autofree char *tran_id = NULL;
  const char *credential_id, *ref_tran_id, *description, *problem = NULL;
  JsonArray *datas;

  if (!sbx_smartca_resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "credentialId", &credential_id) ||
      !sbx_require_string (req, body, "refTranId", &ref_tran_id) ||
      !sbx_require_string (req, body, "description", &description) ||
      !sbx_require_array (req, body, "datas", &datas))
    return;
  documents = parse_datas (datas, &problem);
  if (documents == NULL)
    {
      sbx_reply_envelope_error (req, SBX_VNPT_SIGNATURE_DATA_REQUEST_INVALID_FORMAT, problem,
                                NULL);
      return;
    }

  enrollment = sbx_enrollment_begin (req, token);
  if (enrollment == NULL || !sbx_enrollment_check_state (req, enrollment, "ACTIVE", NULL))
    return;
  credential = sbx_credential_lookup (req, token, credential_id);
  if (credential == NULL)
    return;
  if (credential->certificate == NULL)
    {
      if (sbx_smartca_commit (req))
        sbx_reply_bad_field (req, "credentialId", "has no certificate");
      return;
    }

  tran_id = earlier_transaction (sbx_smartca_db (req), token->citizen_id, ref_tran_id);
  if (tran_id != NULL)
    {
      if (sbx_smartca_commit (req))
        reply_tran_id (req, tran_id);
      return;
    }
  tran_id = sbx_transaction_create (sbx_smartca_db (req), NULL, credential->credential_id,
                                    token->citizen_id, "portal", ref_tran_id, description,
                                    (SbxTranDocument *) documents->data, documents->len);
  if (tran_id == NULL || !sbx_smartca_commit (req))
    {
      if (sbx_db_in_transaction (sbx_smartca_db (req)))
        sbx_smartca_reply_internal (req);
      return;
    }
  g_info ("Portal signing request %s for credential %s (%u hashes)", tran_id,
          credential->credential_id, documents->len);
  reply_tran_id (req, tran_id);
}

static void
gettraninfo_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxTransaction) tran = NULL;
  JsonNode *content;
  const char *tran_id;

  if (!sbx_smartca_resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "tranId", &tran_id))
    return;
  if (!sbx_smartca_begin (req))
    return;
  tran = sbx_transaction_load (sbx_smartca_db (req), tran_id);
  if (tran == NULL || !g_str_equal (tran->citizen_id, token->citizen_id))
    {
      if (!sbx_smartca_commit (req))
        return;
      if (tran == NULL)
        sbx_reply_envelope_error (req, SBX_VNPT_SIGNATURE_TRANSACTION_NOT_FOUND,
                                  "There is no such transaction", NULL);
      else
        sbx_reply_envelope_error (req, SBX_VNPT_SIGNATURE_TRANSACTION_NOT_MATCH_IDENTITY,
                                  "The transaction is not this citizen's", NULL);
      return;
    }
  content = sbx_transaction_info_json (sbx_smartca_db (req), tran);
  if (!sbx_smartca_commit (req))
    {
      json_node_unref (content);
      return;
    }
  sbx_reply_envelope (req, content, NULL);
}

/* CONTROL/portal/… : the public-service portal, played by a test */

static void
control_internal (SbxRequest *req)
{
  sbx_db_rollback (sbx_smartca_db (req));
  sbx_reply_control_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error");
}

/* The citizen's credential that may sign, NULL with the reason in @error
 * ("not_found": no such citizen; "wrong_state": none ACTIVE). */
static char *
signing_credential_of (SbxDb       *db,
                       const char  *citizen_id,
                       const char **error)
{
  sqlite3_stmt *stmt;
  char *credential_id = NULL;
  gboolean known;

  stmt = sbx_db_prepare (db, "SELECT 1 FROM citizens WHERE citizen_id = ?");
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  known = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  if (!known)
    {
      *error = "not_found";
      return NULL;
    }

  stmt = sbx_db_prepare (db,
                         "SELECT c.credential_id FROM credentials c "
                         "JOIN enrollments e USING (registration_id) "
                         "WHERE c.citizen_id = ? AND e.state = 'ACTIVE' "
                         "ORDER BY c.created_at DESC LIMIT 1");
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    credential_id = sbx_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  if (credential_id == NULL)
    *error = "wrong_state";
  return credential_id;
}

static void
portal_signhash_cb (SbxRequest *req)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GArray) documents = NULL;
  g_autofree char *credential_id = NULL;
  g_autofree char *ref_tran_id = NULL;
  g_autofree char *tran_id = NULL;
  const char *citizen_id, *description, *problem = NULL, *error = NULL;
  JsonArray *datas;
  SbxDb *db = sbx_smartca_db (req);

  body = sbx_request_json_object (req);
  if (body == NULL ||
      !sbx_require_string (req, body, "citizen_id", &citizen_id) ||
      !sbx_require_string (req, body, "description", &description) ||
      !sbx_require_array (req, body, "datas", &datas))
    return;
  documents = parse_datas (datas, &problem);
  if (documents == NULL)
    {
      sbx_reply_bad_field (req, "datas", problem);
      return;
    }

  if (!sbx_db_begin (db))
    {
      control_internal (req);
      return;
    }
  credential_id = signing_credential_of (db, citizen_id, &error);
  if (credential_id == NULL)
    {
      sbx_db_rollback (db);
      sbx_reply_control_error (req, g_str_equal (error, "not_found") ? SOUP_STATUS_NOT_FOUND
                                                                      : SOUP_STATUS_CONFLICT,
                               error);
      return;
    }
  /* The portal's own reference for its request. */
  ref_tran_id = sbx_secret_new_uuid ();
  tran_id = sbx_transaction_create (db, NULL, credential_id, citizen_id, "portal", ref_tran_id,
                                    description, (SbxTranDocument *) documents->data,
                                    documents->len);
  if (tran_id == NULL || !sbx_db_commit (db))
    {
      control_internal (req);
      return;
    }
  {
    g_autofree char *masked = enr_citizen_id_mask (citizen_id);

    g_info ("Portal signing request %s for %s (%u hashes)", tran_id, masked, documents->len);
  }
  reply_tran_id (req, tran_id);
}

static void
portal_transaction_cb (SbxRequest *req)
{
  g_autoptr(SbxTransaction) tran = NULL;
  SbxDb *db = sbx_smartca_db (req);
  JsonNode *content;

  if (!sbx_db_begin (db))
    {
      control_internal (req);
      return;
    }
  tran = sbx_transaction_load (db, sbx_request_get_param (req, 0));
  if (tran == NULL)
    {
      sbx_db_rollback (db);
      sbx_reply_control_error (req, SOUP_STATUS_NOT_FOUND, "not_found");
      return;
    }
  content = sbx_transaction_info_json (db, tran);
  if (!sbx_db_commit (db))
    {
      json_node_unref (content);
      control_internal (req);
      return;
    }
  sbx_reply_json (req, 200, content);
}

void
sbx_credentials_register (SbxServer *server)
{
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "csc/credentials/list", list_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "csc/credentials/info", info_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "csc/signature/signhash", signhash_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "csc/credentials/gettraninfo",
                        gettraninfo_cb);
  sbx_server_add_route (server, SBX_API_CONTROL, "POST", "portal/signhash", portal_signhash_cb);
  sbx_server_add_route (server, SBX_API_CONTROL, "GET", "portal/transactions/{tranId}",
                        portal_transaction_cb);
}
