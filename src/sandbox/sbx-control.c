/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-control"

#include "config.h"

#include <string.h>

#include "enr-citizen-id.h"
#include "sbx-clock.h"
#include "sbx-server-private.h"
#include "sbx-stats.h"

/* The sandbox's own endpoints (PROTOCOL.md, "The sandbox"): no token,
 * loopback only (the server checks), bare JSON, never a fault. */

#define MAX_LATENCY_MS 60000
/* Ten years: enough for any expiry test, far from overflowing the clock. */
#define MAX_ADVANCE_S ((gint64) 10 * 366 * 24 * 60 * 60)

static SbxDb *
request_db (SbxRequest *req)
{
  return sbx_server_get_db (sbx_request_get_server (req));
}

static void
reply_empty_object (SbxRequest *req)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, json_object_new ());
  sbx_reply_json (req, SOUP_STATUS_OK, node);
}

static void
outbox_cb (SbxRequest *req)
{
  const char *phone = sbx_request_get_query (req, "phone");
  g_autoptr(JsonArray) messages = NULL;
  SbxDb *db = request_db (req);
  sqlite3_stmt *stmt;
  JsonNode *node;

  if (phone == NULL || *phone == '\0')
    {
      sbx_reply_bad_field (req, "phone", "is missing from the query");
      return;
    }

  messages = json_array_new ();
  stmt = sbx_db_prepare (db, "SELECT phone, code, purpose, sent_at FROM outbox"
                             " WHERE phone = ? ORDER BY id DESC");
  sqlite3_bind_text (stmt, 1, phone, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *message = json_object_new ();
      g_autofree char *sent_at = sbx_clock_format_rfc3339 (sqlite3_column_int64 (stmt, 3));

      json_object_set_string_member (message, "to", (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (message, "code", (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (message, "purpose",
                                     (const char *) sqlite3_column_text (stmt, 2));
      json_object_set_string_member (message, "sent_at", sent_at);
      json_array_add_object_element (messages, message);
    }
  sqlite3_reset (stmt);

  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, messages);
  sbx_reply_json (req, SOUP_STATUS_OK, node);
}

/* "abcd efgh", "ABCDEFGH" and "ABCD-EFGH" are the same code (RFC 8628 §6.1). */
static char *
normalize_user_code (const char *text)
{
  GString *code = g_string_new (NULL);

  for (const char *c = text; *c != '\0'; c++)
    {
      if (*c == '-' || *c == ' ')
        continue;
      g_string_append_c (code, g_ascii_toupper (*c));
    }
  if (code->len != 8)
    {
      g_string_free (code, TRUE);
      return NULL;
    }
  g_string_insert_c (code, 4, '-');
  return g_string_free (code, FALSE);
}

static void
decide (SbxRequest *req,
        const char *decision)
{
  SbxDb *db = request_db (req);
  g_autofree char *user_code = NULL;
  g_autofree char *state = NULL;
  const char *user_code_text, *citizen_id;
  g_autoptr(JsonObject) body = NULL;
  sqlite3_stmt *stmt;
  gint64 expires_at = 0;
  gboolean citizen_known;

  if (!sbx_db_begin (db))
    {
      sbx_reply_control_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error");
      return;
    }

  body = sbx_request_json_object (req);
  if (body == NULL ||
      !sbx_require_string (req, body, "user_code", &user_code_text) ||
      !sbx_require_string (req, body, "citizen_id", &citizen_id))
    return;

  user_code = normalize_user_code (user_code_text);
  if (user_code != NULL)
    {
      stmt = sbx_db_prepare (db, "SELECT state, expires_at FROM device_codes WHERE user_code = ?");
      sqlite3_bind_text (stmt, 1, user_code, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          state = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
          expires_at = sqlite3_column_int64 (stmt, 1);
        }
      sqlite3_reset (stmt);
    }

  stmt = sbx_db_prepare (db, "SELECT 1 FROM citizens WHERE citizen_id = ?");
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  citizen_known = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);

  if (state == NULL || !citizen_known)
    {
      sbx_reply_control_error (req, SOUP_STATUS_NOT_FOUND, "not_found");
      return;
    }
  if (strcmp (state, "pending") != 0 || sbx_clock_now_ms () >= expires_at)
    {
      sbx_reply_control_error (req, SOUP_STATUS_CONFLICT, "wrong_state");
      return;
    }

  stmt = sbx_db_prepare (db, "UPDATE device_codes SET state = ?, citizen_id = ?"
                             " WHERE user_code = ?");
  sqlite3_bind_text (stmt, 1, decision, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, user_code, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      sbx_reply_control_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error");
      return;
    }
  sqlite3_reset (stmt);

  {
    g_autofree char *masked = enr_citizen_id_mask (citizen_id);

    g_debug ("QR login %s %s by %s", user_code, decision, masked);
  }
  reply_empty_object (req);
  sbx_db_commit (db);
}

static void
approve_cb (SbxRequest *req)
{
  decide (req, "approved");
}

static void
deny_cb (SbxRequest *req)
{
  decide (req, "denied");
}

static void
faults_cb (SbxRequest *req)
{
  SbxFaults faults = { 0, 0, SOUP_STATUS_SERVICE_UNAVAILABLE, FALSE, 0 };
  g_autoptr(JsonObject) body = sbx_request_json_object (req);
  JsonNode *node;

  if (body == NULL)
    return;

  if (!sbx_optional_member (req, body, "failRate", G_TYPE_DOUBLE, "must be a number from 0 to 1",
                        &node))
    return;
  if (node != NULL)
    {
      faults.fail_rate = json_node_get_double (node);
      if (!(faults.fail_rate >= 0 && faults.fail_rate <= 1))
        {
          sbx_reply_bad_field (req, "failRate", "must be a number from 0 to 1");
          return;
        }
    }

  if (!sbx_optional_member (req, body, "latencyMs", G_TYPE_INT64,
                        "must be a whole number of milliseconds from 0 to 60000", &node))
    return;
  if (node != NULL)
    {
      gint64 latency = json_node_get_int (node);

      if (latency < 0 || latency > MAX_LATENCY_MS)
        {
          sbx_reply_bad_field (req, "latencyMs",
                               "must be a whole number of milliseconds from 0 to 60000");
          return;
        }
      faults.latency_ms = (guint) latency;
    }

  if (!sbx_optional_member (req, body, "status", G_TYPE_INT64, "must be 429, 500 or 503", &node))
    return;
  if (node != NULL)
    {
      gint64 status = json_node_get_int (node);

      if (status != 429 && status != 500 && status != 503)
        {
          sbx_reply_bad_field (req, "status", "must be 429, 500 or 503");
          return;
        }
      faults.status = (guint) status;
    }

  if (!sbx_optional_member (req, body, "dropConnection", G_TYPE_BOOLEAN, "must be true or false",
                        &node))
    return;
  if (node != NULL)
    faults.drop_connection = json_node_get_boolean (node);

  if (!sbx_optional_member (req, body, "seed", G_TYPE_INT64, "must be a whole number", &node))
    return;
  if (node != NULL)
    faults.seed = (guint32) json_node_get_int (node);

  sbx_server_set_faults (sbx_request_get_server (req), &faults);
  reply_empty_object (req);
}

static void
clock_cb (SbxRequest *req)
{
  g_autoptr(JsonObject) body = sbx_request_json_object (req);
  JsonNode *node;
  gint64 seconds;

  if (body == NULL)
    return;

  node = json_object_get_member (body, "advanceSeconds");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      sbx_reply_bad_field (req, "advanceSeconds", "is missing");
      return;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      (seconds = json_node_get_int (node)) < 0 || seconds > MAX_ADVANCE_S)
    {
      sbx_reply_bad_field (req, "advanceSeconds", "must be a whole number of seconds, 0 or more");
      return;
    }

  sbx_clock_advance (request_db (req), seconds * 1000);
  g_message ("The sandbox clock moved %" G_GINT64_FORMAT " s forward", seconds);
  reply_empty_object (req);
}

/* GET CONTROL/stats: what the RSA work has cost so far (sbx-stats.h). */
static void
stats_cb (SbxRequest *req)
{
  sbx_reply_json (req, SOUP_STATUS_OK, sbx_stats_to_json ());
}

void
sbx_control_register (SbxServer *server)
{
  sbx_server_add_route (server, SBX_API_CONTROL, "GET", "outbox", outbox_cb);
  sbx_server_add_route (server, SBX_API_CONTROL, "POST", "vneid/approve", approve_cb);
  sbx_server_add_route (server, SBX_API_CONTROL, "POST", "vneid/deny", deny_cb);
  sbx_server_add_route (server, SBX_API_CONTROL, "POST", "faults", faults_cb);
  sbx_server_add_route (server, SBX_API_CONTROL, "POST", "clock", clock_cb);
  sbx_server_add_route (server, SBX_API_CONTROL, "GET", "stats", stats_cb);
}
