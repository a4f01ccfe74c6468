/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * VNeID's QR login (PROTOCOL.md, "Step 1a", RFC 8628): the device
 * authorisation and the device code grant of oauth/token. The citizen
 * approves or denies through CONTROL/vneid/approve and deny.
 */
#define G_LOG_DOMAIN "sbx-vneid"

#include "config.h"

#include <string.h>

#include "sbx-clock.h"
#include "sbx-secret.h"
#include "sbx-token.h"
#include "sbx-vneid-private.h"

#define DEVICE_CODE_TTL_S      600
#define DEVICE_POLL_INTERVAL_S 5

/* --- POST oauth/device_authorization ------------------------------------ */

/* Where the citizen would approve, had the sandbox a web page: it is only
 * shown as a QR code, so the address the client used to reach us is the
 * best base. A Host header that is not a plain host[:port] is not trusted. */
static char *
verification_uri (SbxRequest *req)
{
  const char *host = sbx_request_get_header (req, "Host");

  if (host != NULL && *host != '\0' &&
      strspn (host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        == strlen (host))
    return g_strdup_printf ("https://%s/vneid/device", host);
  return g_strconcat (sbx_server_get_vneid_url (sbx_request_get_server (req)), "/device", NULL);
}

/* Inserts a new pending device code; FALSE only on a database error. A
 * user code is short, so a clash with a live one is possible: draw again. */
static gboolean
insert_device_code (SbxDb       *db,
                    GBytes      *device_code_hash,
                    const char  *scope,
                    gint64       now,
                    char       **user_code_out)
{
  for (guint attempt = 0; attempt < 8; attempt++)
    {
      g_autofree char *user_code = sbx_secret_new_user_code ();
      sqlite3_stmt *stmt;
      int rc;

      stmt = sbx_db_prepare (db,
                             "INSERT INTO device_codes (device_code_hash, user_code, scope, "
                             "created_at, expires_at, interval_s) VALUES (?, ?, ?, ?, ?, ?)");
      sbx_db_bind_bytes (stmt, 1, device_code_hash);
      sqlite3_bind_text (stmt, 2, user_code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, scope, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, now);
      sqlite3_bind_int64 (stmt, 5, now + DEVICE_CODE_TTL_S * G_GINT64_CONSTANT (1000));
      sqlite3_bind_int (stmt, 6, DEVICE_POLL_INTERVAL_S);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        {
          *user_code_out = g_steal_pointer (&user_code);
          return TRUE;
        }
      if (rc != SQLITE_CONSTRAINT)
        break;
    }

  g_warning ("Could not store a device code: %s", sqlite3_errmsg (sbx_db_handle (db)));
  return FALSE;
}

static void
device_authorization_cb (SbxRequest *req)
{
  SbxDb *db = sbx_vneid_db (req);
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *scope = NULL;
  g_autoptr(SbxSecretString) device_code = NULL;
  g_autoptr(GBytes) device_code_hash = NULL;
  g_autofree char *user_code = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *uri_complete = NULL;
  JsonObject *body;

  form = sbx_request_form (req);
  if (form == NULL || !sbx_vneid_check_client (req, form))
    return;
  scope = sbx_vneid_read_scope (req, form);
  if (scope == NULL)
    return;

  device_code = sbx_secret_new_token ();
  device_code_hash = sbx_secret_hash (device_code);

  if (!sbx_vneid_begin (req))
    return;
  if (!insert_device_code (db, device_code_hash, scope, sbx_clock_now_ms (), &user_code))
    {
      sbx_vneid_finish (req, sbx_vneid_server_error (req));
      return;
    }
  if (!sbx_vneid_finish (req, TRUE))
    {
      sbx_vneid_server_error (req);
      return;
    }

  uri = verification_uri (req);
  uri_complete = g_strconcat (uri, "?user_code=", user_code, NULL);
  body = json_object_new ();
  json_object_set_string_member (body, "device_code", device_code);
  json_object_set_string_member (body, "user_code", user_code);
  json_object_set_string_member (body, "verification_uri", uri);
  json_object_set_string_member (body, "verification_uri_complete", uri_complete);
  json_object_set_int_member (body, "expires_in", DEVICE_CODE_TTL_S);
  json_object_set_int_member (body, "interval", DEVICE_POLL_INTERVAL_S);
  sbx_reply_json (req, 200, sbx_vneid_object_node (body));
  g_info ("A device login started");
}

/* --- POST oauth/token: the device code grant ------------------------------ */

typedef struct
{
  gint64  expires_at;
  gint64  interval_s;
  gint64  last_poll_at;   /* 0: never polled */
  char   *state;
  char   *citizen_id;
  char   *scope;
} DeviceCode;

static void
device_code_free (DeviceCode *code)
{
  g_free (code->state);
  g_free (code->citizen_id);
  g_free (code->scope);
  g_free (code);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeviceCode, device_code_free)

static DeviceCode *
device_code_load (SbxDb  *db,
                  GBytes *device_code_hash)
{
  sqlite3_stmt *stmt;
  DeviceCode *code = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT expires_at, interval_s, last_poll_at, state, citizen_id, scope "
                         "FROM device_codes WHERE device_code_hash = ?");
  sbx_db_bind_bytes (stmt, 1, device_code_hash);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      code = g_new0 (DeviceCode, 1);
      code->expires_at = sqlite3_column_int64 (stmt, 0);
      code->interval_s = sqlite3_column_int64 (stmt, 1);
      code->last_poll_at = sqlite3_column_int64 (stmt, 2);
      code->state = sbx_db_column_dup (stmt, 3);
      code->citizen_id = sbx_db_column_dup (stmt, 4);
      code->scope = sbx_db_column_dup (stmt, 5);
    }
  sqlite3_reset (stmt);
  return code;
}

static gboolean
device_code_update (SbxDb      *db,
                    GBytes     *device_code_hash,
                    const char *state,
                    gint64      last_poll_at)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE device_codes SET state = ?, last_poll_at = ? "
                         "WHERE device_code_hash = ?");
  sqlite3_bind_text (stmt, 1, state, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, last_poll_at);
  sbx_db_bind_bytes (stmt, 3, device_code_hash);
  return sbx_db_step_done (db, stmt);
}

/* Runs in the handler's transaction; TRUE when it is to be kept. */
gboolean
sbx_vneid_device_code_grant (SbxRequest *req,
                             GHashTable *form)
{
  SbxDb *db = sbx_vneid_db (req);
  const char *device_code;
  g_autoptr(GBytes) hash = NULL;
  g_autoptr(DeviceCode) code = NULL;
  g_autoptr(SbxSecretString) token = NULL;
  gint64 now = sbx_clock_now_ms ();
  gboolean too_soon;

  if (!sbx_require_form_field (req, form, "device_code", &device_code))
    return FALSE;
  hash = sbx_secret_hash (device_code);
  code = device_code_load (db, hash);

  if (code == NULL)
    {
      sbx_reply_oauth_error (req, 400, "invalid_grant", "The device_code is not known.", NULL);
      return FALSE;
    }
  if (g_str_equal (code->state, "used"))
    {
      sbx_reply_oauth_error (req, 400, "invalid_grant",
                             "The device_code has already been exchanged for tokens.", NULL);
      return FALSE;
    }
  if (now >= code->expires_at)
    {
      sbx_reply_oauth_error (req, 400, "expired_token",
                             "The device_code has expired; start a new login.", NULL);
      return FALSE;
    }
  if (g_str_equal (code->state, "denied"))
    {
      sbx_reply_oauth_error (req, 400, "access_denied", "The citizen denied the login.", NULL);
      return FALSE;
    }

  if (g_str_equal (code->state, "approved"))
    {
      if (code->citizen_id == NULL || !device_code_update (db, hash, "used", now))
        return sbx_vneid_server_error (req);
      token = sbx_token_issue (db, "vneid", "access", code->citizen_id, NULL, code->scope,
                               SBX_VNEID_ACCESS_TOKEN_TTL_S, TRUE);
      if (token == NULL)
        return sbx_vneid_server_error (req);
      sbx_vneid_reply_tokens (req, token, code->scope);
      g_info ("A device login ended with tokens");
      return TRUE;
    }

  /* Still pending. The poll is remembered whatever the answer, so a client
   * that polls too fast keeps getting slow_down until it slows down. */
  too_soon = code->last_poll_at > 0 && now - code->last_poll_at < code->interval_s * 1000;
  if (!device_code_update (db, hash, code->state, now))
    return sbx_vneid_server_error (req);
  if (too_soon)
    sbx_reply_oauth_error (req, 400, "slow_down",
                           "Polled sooner than the interval; wait 5 seconds longer.", NULL);
  else
    sbx_reply_oauth_error (req, 400, "authorization_pending",
                           "The citizen has not yet approved the login.", NULL);
  return TRUE;
}


void
sbx_vneid_device_register (SbxServer *server)
{
  sbx_server_add_route (server, SBX_API_VNEID, "POST", "oauth/device_authorization",
                        device_authorization_cb);
}
