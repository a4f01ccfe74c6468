/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-reply"

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>

#include "sbx-clock.h"
#include "sbx-db.h"
#include "sbx-hsm.h"
#include "sbx-request-private.h"
#include "sbx-tsp.h"

/* Every answer in the three shapes of PROTOCOL.md ("Errors"), and the
 * Idempotency-Key record of it. */

static void
record_idempotent_answer (SbxRequest *req,
                          guint       status,
                          const char *text)
{
  SbxDb *db = sbx_server_get_db (req->server);
  g_autoptr(GBytes) sealed = NULL;
  sqlite3_stmt *stmt;

  /* An answer with a secret in it is kept sealed only. */
  if (req->seal_answer)
    {
      g_autofree char *aad = sbx_request_answer_aad (req->idempotency_citizen,
                                                     req->idempotency_key);

      sealed = sbx_hsm_seal (sbx_server_get_hsm (req->server), aad, text);
      if (sealed == NULL)
        return;
      text = "";
    }

  if (!sbx_db_in_transaction (db))
    g_warning ("%s %s answered outside its transaction: its Idempotency-Key is recorded alone",
               req->method, req->path);

  stmt = sbx_db_prepare (db, "INSERT OR REPLACE INTO idempotency "
                             "(citizen_id, key, status, body, created_at, sealed_body) "
                             "VALUES (?, ?, ?, ?, ?, ?)");
  sqlite3_bind_text (stmt, 1, req->idempotency_citizen, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, req->idempotency_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, (int) status);
  sqlite3_bind_text (stmt, 4, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, sbx_clock_now_ms ());
  sbx_db_bind_bytes (stmt, 6, sealed);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_warning ("Cannot record an Idempotency-Key: %s", sqlite3_errmsg (sbx_db_handle (db)));
  sqlite3_reset (stmt);
}

/* Answers made whose message libsoup still holds: being written, or waiting
 * for their turn. A clean stop lets them go out (sbx_server_drain()). */
static guint answers_in_flight;

static void
answer_gone_cb (gpointer  data,
                GObject  *where_the_message_was)
{
  answers_in_flight--;
}

guint
sbx_reply_answers_in_flight (void)
{
  return answers_in_flight;
}

static void
reply_body (SbxRequest *req,
            guint       status,
            const char *content_type,
            const char *data,
            gsize       len,
            const char *retry_after,
            const char *www_authenticate)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  /* Connections are kept alive (sbx-keepalive.h), but not after a body
   * refused unread: the rest of it would be taken for a request. */
  if (status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    soup_message_headers_replace (headers, "Connection", "close");
  if (retry_after != NULL)
    soup_message_headers_replace (headers, "Retry-After", retry_after);
  if (www_authenticate != NULL)
    soup_message_headers_replace (headers, "WWW-Authenticate", www_authenticate);
  soup_server_message_set_status (req->msg, status, NULL);
  /* set_response() appends to what is there (the server's stand-in). */
  soup_message_body_truncate (soup_server_message_get_response_body (req->msg));
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_COPY, data, len);
  answers_in_flight++;
  g_object_weak_ref (G_OBJECT (req->msg), answer_gone_cb, NULL);
}

/* The end of every answer. */
static void
answered (SbxRequest *req,
          guint       status)
{
  req->answered = TRUE;
  req->status = status;
  g_debug ("%s %s -> %u (%" G_GINT64_FORMAT " ms)%s", req->method, req->path, status,
           (g_get_monotonic_time () - req->started_us) / 1000,
           req->drop ? ", connection to be dropped" : "");

  if (!req->in_handler)
    sbx_request_finish_later (req);
}

static gboolean
answered_twice (SbxRequest *req,
                guint       status)
{
  if (!req->answered)
    return FALSE;
  g_critical ("%s %s answered twice; the second answer (%u) is ignored",
              req->method, req->path, status);
  return TRUE;
}

/* Every JSON answer goes through here. */
void
sbx_reply_text (SbxRequest *req,
                guint       status,
                const char *text,
                const char *retry_after,
                const char *www_authenticate,
                gboolean    record)
{
  if (answered_twice (req, status))
    return;
  if (!req->gone)
    reply_body (req, status, "application/json", text, strlen (text), retry_after,
                www_authenticate);
  if (record && req->idempotency_key != NULL)
    record_idempotent_answer (req, status, text);
  answered (req, status);
}

static void
reply_bytes (SbxRequest *req,
             guint       status,
             const char *content_type,
             GBytes     *body,
             const char *retry_after)
{
  if (answered_twice (req, status))
    return;
  if (!req->gone)
    reply_body (req, status, content_type, g_bytes_get_data (body, NULL),
                g_bytes_get_size (body), retry_after, NULL);
  answered (req, status);
}

void
sbx_reply_bytes (SbxRequest *req,
                 guint       status,
                 const char *content_type,
                 GBytes     *body)
{
  g_return_if_fail (req != NULL);
  g_return_if_fail (content_type != NULL && body != NULL);

  reply_bytes (req, status, content_type, body, NULL);
}

static void
send_node (SbxRequest *req,
           guint       status,
           JsonNode   *node,
           const char *retry_after,
           const char *www_authenticate)
{
  g_autofree char *text = NULL;

  text = node != NULL ? json_to_string (node, FALSE) : g_strdup ("null");
  sbx_reply_text (req, status, text, retry_after, www_authenticate, TRUE);
  if (req->seal_answer)
    gnutls_memset (text, 0, strlen (text));
}

void
sbx_reply_json (SbxRequest *req,
                guint       status,
                JsonNode   *body)
{
  g_return_if_fail (req != NULL);

  send_node (req, status, body, NULL, NULL);
  if (body != NULL)
    json_node_unref (body);
}

static void
oauth_error (SbxRequest *req,
             guint       status,
             const char *error,
             const char *description,
             JsonObject *extra,
             const char *retry_after)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  const char *www_authenticate = NULL;

  json_object_set_string_member (object, "error", error);
  if (description != NULL)
    json_object_set_string_member (object, "error_description", description);
  if (extra != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, extra);
      while (json_object_iter_next (&iter, &name, &member))
        if (!json_object_has_member (object, name))
          json_object_set_member (object, name, json_node_copy (member));
    }

  if (status == SOUP_STATUS_UNAUTHORIZED && g_strcmp0 (error, "invalid_token") == 0)
    www_authenticate = "Bearer error=\"invalid_token\"";

  json_node_set_object (node, object);
  send_node (req, status, node, retry_after, www_authenticate);
}

/* @extra is copied, not consumed: the caller keeps its reference. */
void
sbx_reply_oauth_error (SbxRequest *req,
                       guint       status,
                       const char *error,
                       const char *description,
                       JsonObject *extra)
{
  g_return_if_fail (req != NULL);
  g_return_if_fail (error != NULL);

  oauth_error (req, status, error, description, extra, NULL);
}

static JsonNode *
envelope_new (SbxVnptCode  code,
              const char  *message,
              JsonNode    *content)
{
  g_autoptr(JsonObject) object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_int_member (object, "code", code);
  json_object_set_string_member (object, "codeDesc", sbx_vnpt_code_desc (code));
  json_object_set_string_member (object, "message",
                                 message != NULL ? message : sbx_vnpt_code_message (code));
  if (content != NULL)
    json_object_set_member (object, "content", content);
  else
    json_object_set_null_member (object, "content");
  json_node_set_object (node, object);
  return node;
}

void
sbx_reply_envelope (SbxRequest *req,
                    JsonNode   *content,
                    const char *message)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_if_fail (req != NULL);

  node = envelope_new (SBX_VNPT_SUCCESS, message, content);
  send_node (req, SOUP_STATUS_OK, node, NULL, NULL);
}

static void
envelope_error (SbxRequest  *req,
                SbxVnptCode  code,
                const char  *message,
                JsonNode    *content,
                const char  *retry_after)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *retry_text = NULL;

  /* A TOO_SOON names its wait in content.retryAfter; say it in the header too. */
  if (retry_after == NULL && code == SBX_VNPT_TOO_SOON && content != NULL &&
      JSON_NODE_HOLDS_OBJECT (content))
    {
      JsonNode *wait = json_object_get_member (json_node_get_object (content), "retryAfter");

      if (wait != NULL && JSON_NODE_HOLDS_VALUE (wait) &&
          json_node_get_value_type (wait) == G_TYPE_INT64)
        retry_after = retry_text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (wait));
    }

  node = envelope_new (code, message, content);
  send_node (req, sbx_vnpt_code_status (code), node, retry_after, NULL);
}

void
sbx_reply_envelope_error (SbxRequest  *req,
                          SbxVnptCode  code,
                          const char  *message,
                          JsonNode    *content)
{
  g_return_if_fail (req != NULL);

  envelope_error (req, code, message, content, NULL);
}

static void
control_error (SbxRequest *req,
               guint       status,
               const char *error,
               const char *description)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "error", error);
  if (description != NULL)
    json_object_set_string_member (object, "error_description", description);
  json_node_set_object (node, object);
  send_node (req, status, node, NULL, NULL);
}

void
sbx_reply_control_error (SbxRequest *req,
                         guint       status,
                         const char *error)
{
  g_return_if_fail (req != NULL);
  g_return_if_fail (error != NULL);

  control_error (req, status, error, NULL);
}

/* The TSA's: every failure is a TimeStampResp (PROTOCOL.md rev 2, "Time
 * stamps"), with the HTTP status kept; the service's own troubles are a
 * systemFailure, the rest a bad request. */
static void
tsa_error (SbxRequest *req,
           guint       status,
           const char *message,
           const char *retry_after)
{
  g_autoptr(GBytes) body = NULL;

  body = sbx_tsp_rejection (status >= 500 || status == 429 ? SBX_TSP_SYSTEM_FAILURE
                                                           : SBX_TSP_BAD_REQUEST,
                            message != NULL ? message : "The request is refused");
  reply_bytes (req, status, SBX_TSP_REPLY_TYPE, body, retry_after);
}

/* One error in the request's own shape. */
void
sbx_reply_api_error (SbxRequest  *req,
                     guint        status,
                     const char  *oauth_code,
                     SbxVnptCode  vnpt_code,
                     const char  *message,
                     JsonNode    *content,
                     const char  *retry_after)
{
  if (req->api == SBX_API_TSA)
    {
      tsa_error (req, status, message, retry_after);
      g_clear_pointer (&content, json_node_unref);
    }
  else if (req->oauth_shape)
    {
      oauth_error (req, status, oauth_code, message, NULL, retry_after);
      g_clear_pointer (&content, json_node_unref);
    }
  else if (req->api == SBX_API_SMARTCA)
    envelope_error (req, vnpt_code, message, content, retry_after);
  else
    {
      control_error (req, status, oauth_code, message);
      g_clear_pointer (&content, json_node_unref);
    }
}

static JsonNode *
field_content (const char *field)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "field", field);
  json_node_take_object (node, object);
  return node;
}

void
sbx_reply_invalid (SbxRequest *req,
                   const char *field,
                   const char *message)
{
  sbx_reply_api_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request",
                       SBX_VNPT_CLIENT_INPUT_INVALID, message,
                       field != NULL ? field_content (field) : NULL, NULL);
}

/* @problem continues the sentence "field 'otp' …": "is missing", "must be a string". */
void
sbx_reply_bad_field (SbxRequest *req,
                     const char *field,
                     const char *problem)
{
  g_autofree char *message = NULL;

  g_return_if_fail (req != NULL);
  g_return_if_fail (field != NULL);

  message = g_strdup_printf ("field '%s' %s", field, problem != NULL ? problem : "is not valid");
  sbx_reply_invalid (req, field, message);
}

void
sbx_reply_unauthenticated (SbxRequest *req)
{
  g_return_if_fail (req != NULL);

  sbx_reply_api_error (req, SOUP_STATUS_UNAUTHORIZED, "invalid_token", SBX_VNPT_UNAUTHENTICATED,
                       "The access token is missing, unknown, expired or revoked", NULL, NULL);
}

void
sbx_reply_not_found (SbxRequest *req)
{
  sbx_reply_api_error (req, SOUP_STATUS_NOT_FOUND, "not_found", SBX_VNPT_NOT_FOUND,
                       "There is no such endpoint", NULL, NULL);
}

void
sbx_reply_method_not_allowed (SbxRequest *req,
                              const char *allow)
{
  if (!req->gone && allow != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                  "Allow", allow);
  sbx_reply_api_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                       SBX_VNPT_METHOD_NOT_ALLOWED, "The endpoint does not take this method",
                       NULL, NULL);
}

void
sbx_reply_too_large (SbxRequest *req)
{
  const char *code = req->api == SBX_API_CONTROL ? "too_large" : "request_too_large";

  sbx_reply_api_error (req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, code, SBX_VNPT_TOO_LARGE,
                       "The request body is larger than 1 MiB", NULL, NULL);
}

void
sbx_reply_forbidden (SbxRequest *req)
{
  sbx_reply_api_error (req, SOUP_STATUS_FORBIDDEN, "forbidden", SBX_VNPT_SERVER_INTERNAL_ERROR,
                       "Control endpoints answer the loopback interface only", NULL, NULL);
}

void
sbx_reply_fault (SbxRequest *req,
                 guint       status)
{
  switch (status)
    {
    case 429:
      {
        JsonNode *content = json_node_new (JSON_NODE_OBJECT);
        JsonObject *object = json_object_new ();

        json_object_set_int_member (object, "retryAfter", 1);
        json_node_take_object (content, object);
        sbx_reply_api_error (req, status, "too_many_requests", SBX_VNPT_TOO_SOON,
                             "Too many requests (a sandbox fault)", content, "1");
      }
      break;

    case SOUP_STATUS_INTERNAL_SERVER_ERROR:
      sbx_reply_api_error (req, status, "server_error", SBX_VNPT_SERVER_INTERNAL_ERROR,
                           "Internal server error (a sandbox fault)", NULL, NULL);
      break;

    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    default:
      sbx_reply_api_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "temporarily_unavailable",
                           SBX_VNPT_UNAVAILABLE,
                           "The service is temporarily unavailable (a sandbox fault)", NULL, "1");
      break;
    }
}

