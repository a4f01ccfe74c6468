/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The common ground of the VNeID modules (sbx-vneid-private.h): the
 * handler's transaction, the RFC 6749 answers, the citizen, the client and
 * the scope of an OAuth form.
 */
#define G_LOG_DOMAIN "sbx-vneid"

#include "config.h"

#include "sbx-vneid-private.h"

/* --- Database helpers --------------------------------------------------- */

SbxDb *
sbx_vneid_db (SbxRequest *req)
{
  return sbx_server_get_db (sbx_request_get_server (req));
}

/* The 500 for a database that failed us; always FALSE, so handlers
 * can `return sbx_vneid_server_error (req);` and roll back. */
gboolean
sbx_vneid_server_error (SbxRequest *req)
{
  sbx_reply_oauth_error (req, 500, "server_error",
                         "The service could not store the request.", NULL);
  return FALSE;
}

gboolean
sbx_vneid_begin (SbxRequest *req)
{
  if (sbx_db_begin (sbx_vneid_db (req)))
    return TRUE;
  sbx_vneid_server_error (req);
  return FALSE;
}

/* Ends the handler's transaction: kept when @keep, else rolled back. The
 * reply may already be made (an Idempotency-Key records it in this very
 * transaction), so a failed commit can only be logged. */
gboolean
sbx_vneid_finish (SbxRequest *req,
                  gboolean    keep)
{
  SbxDb *db = sbx_vneid_db (req);

  if (!keep)
    {
      sbx_db_rollback (db);
      return FALSE;
    }
  if (!sbx_db_commit (db))
    {
      g_warning ("Could not commit a VNeID %s %s: %s", sbx_request_get_method (req),
                 sbx_request_get_path (req), sqlite3_errmsg (sbx_db_handle (db)));
      sbx_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

/* --- Replies ------------------------------------------------------------ */

JsonNode *
sbx_vneid_object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* An RFC 6749 error with one extra integer member (attempts_left, retry_after). */
void
sbx_vneid_reply_error_with_int (SbxRequest *req,
                                guint       status,
                                const char *error,
                                const char *description,
                                const char *member,
                                gint64      value)
{
  g_autoptr(JsonObject) extra = json_object_new ();

  json_object_set_int_member (extra, member, value);
  sbx_reply_oauth_error (req, status, error, description, extra);
}

void
sbx_vneid_reply_tokens (SbxRequest *req,
                        const char *access_token,
                        const char *scope)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "access_token", access_token);
  json_object_set_string_member (body, "token_type", "Bearer");
  json_object_set_int_member (body, "expires_in", SBX_VNEID_ACCESS_TOKEN_TTL_S);
  json_object_set_string_member (body, "scope", scope);
  sbx_reply_json (req, 200, sbx_vneid_object_node (body));
}

/* --- Citizens ------------------------------------------------------------ */

void
sbx_vneid_citizen_free (SbxVneidCitizen *citizen)
{
  if (citizen == NULL)
    return;
  g_free (citizen->citizen_id);
  g_free (citizen->sub);
  g_bytes_unref (citizen->password_salt);
  g_bytes_unref (citizen->password_hash);
  g_free (citizen->full_name);
  g_free (citizen->date_of_birth);
  g_free (citizen->gender);
  g_free (citizen->nationality);
  g_free (citizen->phone);
  g_free (citizen->email);
  g_free (citizen->province);
  g_free (citizen->ward);
  g_free (citizen->street);
  g_free (citizen->district);
  g_free (citizen);
}

SbxVneidCitizen *
sbx_vneid_citizen_load (SbxDb      *db,
                        const char *citizen_id)
{
  sqlite3_stmt *stmt;
  SbxVneidCitizen *citizen = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT citizen_id, sub, password_salt, password_hash, "
                         "password_iterations, full_name, date_of_birth, gender, nationality, "
                         "phone, email, identity_level, province, ward, street, district "
                         "FROM citizens WHERE citizen_id = ?");
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      citizen = g_new0 (SbxVneidCitizen, 1);
      citizen->citizen_id = sbx_db_column_dup (stmt, 0);
      citizen->sub = sbx_db_column_dup (stmt, 1);
      citizen->password_salt = sbx_db_column_bytes (stmt, 2);
      citizen->password_hash = sbx_db_column_bytes (stmt, 3);
      citizen->password_iterations = (guint) sqlite3_column_int64 (stmt, 4);
      citizen->full_name = sbx_db_column_dup (stmt, 5);
      citizen->date_of_birth = sbx_db_column_dup (stmt, 6);
      citizen->gender = sbx_db_column_dup (stmt, 7);
      citizen->nationality = sbx_db_column_dup (stmt, 8);
      citizen->phone = sbx_db_column_dup (stmt, 9);
      citizen->email = sbx_db_column_dup (stmt, 10);
      citizen->identity_level = sqlite3_column_int64 (stmt, 11);
      citizen->province = sbx_db_column_dup (stmt, 12);
      citizen->ward = sbx_db_column_dup (stmt, 13);
      citizen->street = sbx_db_column_dup (stmt, 14);
      citizen->district = sbx_db_column_dup (stmt, 15);
    }
  sqlite3_reset (stmt);
  return citizen;
}


/* --- OAuth form helpers --------------------------------------------------- */

/* The one client there is; a missing client_id is a bad request, another
 * one a failed client authentication (RFC 6749 §5.2). */
gboolean
sbx_vneid_check_client (SbxRequest *req,
                        GHashTable *form)
{
  const char *client_id;

  if (!sbx_require_form_field (req, form, "client_id", &client_id))
    return FALSE;
  if (g_strcmp0 (client_id, SBX_VNEID_CLIENT_ID) != 0)
    {
      sbx_reply_oauth_error (req, 401, "invalid_client", "The client_id is not known.", NULL);
      return FALSE;
    }
  return TRUE;
}

/* The requested scope, normalised: known names, each once, in the order
 * given; absent or blank means the default. */
char *
sbx_vneid_read_scope (SbxRequest *req,
                      GHashTable *form)
{
  static const char * const known[] = { "openid", "profile", "smartca", NULL };
  const char *requested = g_hash_table_lookup (form, "scope");
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  if (requested == NULL)
    return g_strdup (SBX_VNEID_DEFAULT_SCOPE);

  names = g_strsplit (requested, " ", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (*names[i] == '\0')
        continue;
      if (!g_strv_contains (known, names[i]))
        {
          sbx_reply_oauth_error (req, 400, "invalid_scope",
                                 "scope: only openid, profile and smartca are known.", NULL);
          return NULL;
        }
      if (!g_ptr_array_find_with_equal_func (kept, names[i], g_str_equal, NULL))
        g_ptr_array_add (kept, names[i]);
    }

  if (kept->len == 0)
    return g_strdup (SBX_VNEID_DEFAULT_SCOPE);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (" ", (char **) kept->pdata);
}
