/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-request"

#include "config.h"

#include <string.h>

#include "sbx-clock.h"
#include "sbx-db.h"
#include "sbx-json.h"
#include "sbx-request-private.h"

/*
 * How a handler is written (every handler that changes state):
 *
 *   begin → authenticate (401) → parse and check fields (400) → state (409)
 *   → lookups (404/403) → idempotency → work → reply → commit
 *
 * sbx_db_begin() first, so that everything the handler reads and writes is
 * one transaction. The body is parsed only when asked for (after
 * authentication), so a request without a token gets 401 whatever its body.
 * sbx_request_idempotency() comes once the request is known to be valid and
 * the citizen known; from then on the reply is recorded under the key inside
 * the still open transaction, which is why the reply comes BEFORE the commit:
 * the effect and the recorded answer are committed together or not at all.
 *
 * A refusal needs no cleanup: the handler answers (or lets a parser answer)
 * and returns; the server rolls back whatever transaction is still open once
 * the handler returns. A refusal that must still change something (an OTP's
 * attempt counter) commits after its reply like a success does.
 */

#define MAX_JSON_DEPTH 64
#define IDEMPOTENCY_TTL_MS ((gint64) 24 * 60 * 60 * 1000)

static void finish_later (SbxRequest  *req);
static void complete     (SbxRequest  *req);
static void api_error    (SbxRequest  *req,
                          guint        status,
                          const char  *oauth_code,
                          SbxVnptCode  vnpt_code,
                          const char  *message,
                          JsonNode    *content,
                          const char  *retry_after);

static void
message_gone_cb (SoupServerMessage *msg,
                 gpointer           user_data)
{
  SbxRequest *req = user_data;

  req->gone = TRUE;
}

SbxRequest *
sbx_request_new (SbxServer         *server,
                 SoupServerMessage *msg,
                 SbxApi             api,
                 gboolean           oauth_shape)
{
  SbxRequest *req;
  GUri *uri;
  const char *query;

  req = g_new0 (SbxRequest, 1);
  req->ref_count = 1;
  req->server = g_object_ref (server);
  req->msg = g_object_ref (msg);
  req->api = api;
  req->oauth_shape = oauth_shape;
  req->method = g_strdup (soup_server_message_get_method (msg));
  uri = soup_server_message_get_uri (msg);
  req->path = g_strdup (uri != NULL && *g_uri_get_path (uri) != '\0' ? g_uri_get_path (uri) : "/");
  query = uri != NULL ? g_uri_get_query (uri) : NULL;
  if (query != NULL)
    req->query = soup_form_decode (query);
  req->started_us = g_get_monotonic_time ();
  req->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (message_gone_cb), req);
  req->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (message_gone_cb), req);
  return req;
}

SbxRequest *
sbx_request_ref (SbxRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  g_return_val_if_fail (req->ref_count > 0, NULL);

  req->ref_count++;
  return req;
}

void
sbx_request_unref (SbxRequest *req)
{
  g_return_if_fail (req != NULL);
  g_return_if_fail (req->ref_count > 0);

  if (--req->ref_count > 0)
    return;

  /* A handler that let go of its request without answering would leave the
   * client waiting for ever: answer for it, in the API's shape. */
  if (!req->answered && !req->gone && req->paused)
    {
      g_warning ("%s %s was dropped without an answer", req->method, req->path);
      g_clear_pointer (&req->idempotency_key, g_free);
      req->ref_count = 1;
      req->in_handler = TRUE;
      api_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error",
                 SBX_VNPT_SERVER_INTERNAL_ERROR, NULL, NULL, NULL);
      req->in_handler = FALSE;
      req->ref_count = 0;
      complete (req);
    }

  g_clear_signal_handler (&req->finished_id, req->msg);
  g_clear_signal_handler (&req->disconnected_id, req->msg);
  g_clear_object (&req->msg);
  g_clear_object (&req->server);
  g_clear_pointer (&req->params, g_ptr_array_unref);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_clear_pointer (&req->json, json_object_unref);
  g_clear_pointer (&req->form, g_hash_table_unref);
  g_free (req->method);
  g_free (req->path);
  g_free (req->bearer);
  g_free (req->idempotency_citizen);
  g_free (req->idempotency_key);
  g_free (req);
}

void
sbx_request_set_params (SbxRequest *req,
                        GPtrArray  *params)
{
  g_clear_pointer (&req->params, g_ptr_array_unref);
  req->params = params != NULL ? g_ptr_array_ref (params) : NULL;
}

SbxServer *
sbx_request_get_server (SbxRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  return req->server;
}

SbxApi
sbx_request_get_api (SbxRequest *req)
{
  g_return_val_if_fail (req != NULL, SBX_API_CONTROL);
  return req->api;
}

const char *
sbx_request_get_method (SbxRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  return req->method;
}

/* The whole path, "/vneid/api/v1/userinfo", without the query. */
const char *
sbx_request_get_path (SbxRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);
  return req->path;
}

const char *
sbx_request_get_param (SbxRequest *req,
                       guint       index)
{
  g_return_val_if_fail (req != NULL, NULL);

  if (req->params == NULL || index >= req->params->len)
    return NULL;
  return g_ptr_array_index (req->params, index);
}

const char *
sbx_request_get_query (SbxRequest *req,
                       const char *name)
{
  const char *value;

  g_return_val_if_fail (req != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (req->query == NULL)
    return NULL;
  value = g_hash_table_lookup (req->query, name);
  if (value == NULL || !g_utf8_validate (value, -1, NULL))
    return NULL;
  return value;
}

const char *
sbx_request_get_header (SbxRequest *req,
                        const char *name)
{
  g_return_val_if_fail (req != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), name);
}

GBytes *
sbx_request_get_body (SbxRequest *req)
{
  g_return_val_if_fail (req != NULL, NULL);

  if (req->body == NULL)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (req->msg);

      req->body = body != NULL ? soup_message_body_flatten (body) : NULL;
      if (req->body == NULL)
        req->body = g_bytes_new (NULL, 0);
    }
  return req->body;
}

gboolean
sbx_request_is_answered (SbxRequest *req)
{
  g_return_val_if_fail (req != NULL, TRUE);
  return req->answered;
}

static gboolean
is_token68 (const char *text)
{
  gsize i = 0;

  for (; text[i] != '\0' && text[i] != '='; i++)
    if (!g_ascii_isalnum (text[i]) && strchr ("-._~+/", text[i]) == NULL)
      return FALSE;
  if (i == 0)
    return FALSE;
  for (; text[i] == '='; i++)
    ;
  return text[i] == '\0';
}

const char *
sbx_request_get_bearer (SbxRequest *req)
{
  const char *header;

  g_return_val_if_fail (req != NULL, NULL);

  if (req->bearer != NULL)
    return req->bearer;

  /* "Bearer", one space, the token and nothing else: anything looser is
   * not what a client sends, and is refused rather than guessed at. */
  header = sbx_request_get_header (req, "Authorization");
  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0 ||
      !is_token68 (header + 7))
    return NULL;
  req->bearer = g_strdup (header + 7);
  return req->bearer;
}

/* Answers. */

static void
record_idempotent_answer (SbxRequest *req,
                          guint       status,
                          const char *text)
{
  SbxDb *db = sbx_server_get_db (req->server);
  sqlite3_stmt *stmt;

  if (!sbx_db_in_transaction (db))
    g_warning ("%s %s answered outside its transaction: its Idempotency-Key is recorded alone",
               req->method, req->path);

  stmt = sbx_db_prepare (db, "INSERT OR REPLACE INTO idempotency "
                             "(citizen_id, key, status, body, created_at) VALUES (?, ?, ?, ?, ?)");
  sqlite3_bind_text (stmt, 1, req->idempotency_citizen, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, req->idempotency_key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, (int) status);
  sqlite3_bind_text (stmt, 4, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, sbx_clock_now_ms ());
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_warning ("Cannot record an Idempotency-Key: %s", sqlite3_errmsg (sbx_db_handle (db)));
  sqlite3_reset (stmt);
}

/* Every answer goes through here. @text is JSON. */
static void
send_text (SbxRequest *req,
           guint       status,
           const char *text,
           const char *retry_after,
           const char *www_authenticate,
           gboolean    record)
{
  if (req->answered)
    {
      g_critical ("%s %s answered twice; the second answer (%u) is ignored",
                  req->method, req->path, status);
      return;
    }

  if (!req->gone)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

      soup_message_headers_replace (headers, "Cache-Control", "no-store");
      /* libsoup 3.2 leaks the socket (and its file descriptor) of a kept-alive
       * connection that the client closes while idle; a sandbox serving
       * thousands of test requests would run out of descriptors. Closing
       * after every answer costs a TLS handshake on loopback. */
      soup_message_headers_replace (headers, "Connection", "close");
      if (retry_after != NULL)
        soup_message_headers_replace (headers, "Retry-After", retry_after);
      if (www_authenticate != NULL)
        soup_message_headers_replace (headers, "WWW-Authenticate", www_authenticate);
      soup_server_message_set_status (req->msg, status, NULL);
      /* set_response() appends to what is there (the server's stand-in). */
      soup_message_body_truncate (soup_server_message_get_response_body (req->msg));
      soup_server_message_set_response (req->msg, "application/json", SOUP_MEMORY_COPY,
                                        text, strlen (text));
    }

  if (record && req->idempotency_key != NULL)
    record_idempotent_answer (req, status, text);

  req->answered = TRUE;
  req->status = status;
  g_debug ("%s %s -> %u (%" G_GINT64_FORMAT " ms)%s", req->method, req->path, status,
           (g_get_monotonic_time () - req->started_us) / 1000,
           req->drop ? ", connection to be dropped" : "");

  if (!req->in_handler)
    finish_later (req);
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
  send_text (req, status, text, retry_after, www_authenticate, TRUE);
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

/* One error in the request's own shape. */
static void
api_error (SbxRequest  *req,
           guint        status,
           const char  *oauth_code,
           SbxVnptCode  vnpt_code,
           const char  *message,
           JsonNode    *content,
           const char  *retry_after)
{
  if (req->oauth_shape)
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

static void
reply_invalid (SbxRequest *req,
               const char *field,
               const char *message)
{
  api_error (req, SOUP_STATUS_BAD_REQUEST, "invalid_request", SBX_VNPT_CLIENT_INPUT_INVALID,
             message, field != NULL ? field_content (field) : NULL, NULL);
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
  reply_invalid (req, field, message);
}

void
sbx_reply_unauthenticated (SbxRequest *req)
{
  g_return_if_fail (req != NULL);

  api_error (req, SOUP_STATUS_UNAUTHORIZED, "invalid_token", SBX_VNPT_UNAUTHENTICATED,
             "The access token is missing, unknown, expired or revoked", NULL, NULL);
}

void
sbx_reply_not_found (SbxRequest *req)
{
  api_error (req, SOUP_STATUS_NOT_FOUND, "not_found", SBX_VNPT_NOT_FOUND,
             "There is no such endpoint", NULL, NULL);
}

void
sbx_reply_method_not_allowed (SbxRequest *req,
                              const char *allow)
{
  if (!req->gone && allow != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                  "Allow", allow);
  api_error (req, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
             SBX_VNPT_METHOD_NOT_ALLOWED, "The endpoint does not take this method", NULL, NULL);
}

void
sbx_reply_too_large (SbxRequest *req)
{
  const char *code = req->api == SBX_API_CONTROL ? "too_large" : "request_too_large";

  api_error (req, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, code, SBX_VNPT_TOO_LARGE,
             "The request body is larger than 1 MiB", NULL, NULL);
}

void
sbx_reply_forbidden (SbxRequest *req)
{
  api_error (req, SOUP_STATUS_FORBIDDEN, "forbidden", SBX_VNPT_SERVER_INTERNAL_ERROR,
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
        api_error (req, status, "too_many_requests", SBX_VNPT_TOO_SOON,
                   "Too many requests (a sandbox fault)", content, "1");
      }
      break;

    case SOUP_STATUS_INTERNAL_SERVER_ERROR:
      api_error (req, status, "server_error", SBX_VNPT_SERVER_INTERNAL_ERROR,
                 "Internal server error (a sandbox fault)", NULL, NULL);
      break;

    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    default:
      api_error (req, SOUP_STATUS_SERVICE_UNAVAILABLE, "temporarily_unavailable",
                 SBX_VNPT_UNAVAILABLE, "The service is temporarily unavailable (a sandbox fault)",
                 NULL, "1");
      break;
    }
}

/* Parsing. */

JsonObject *
sbx_request_json_object (SbxRequest *req)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  const char *problem = NULL;
  const char *data;
  JsonNode *root;
  GBytes *body;
  gsize len, offset = 0;

  g_return_val_if_fail (req != NULL, NULL);

  if (req->json != NULL)
    return json_object_ref (req->json);
  if (req->answered)
    return NULL;

  body = sbx_request_get_body (req);
  data = g_bytes_get_data (body, &len);
  if (len == 0)
    {
      reply_invalid (req, NULL, "The body is empty: a JSON object is expected");
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      reply_invalid (req, NULL, "The body is not valid UTF-8");
      return NULL;
    }
  if (!sbx_json_check (data, len, MAX_JSON_DEPTH, &problem, &offset))
    {
      g_autofree char *message = g_strdup_printf ("The body is not valid JSON: %s at byte %"
                                                  G_GSIZE_FORMAT, problem, offset);

      reply_invalid (req, NULL, message);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
    {
      g_autofree char *message = g_strdup_printf ("The body is not valid JSON: %s", error->message);

      reply_invalid (req, NULL, message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      reply_invalid (req, NULL, "The body must be a JSON object");
      return NULL;
    }

  req->json = json_object_ref (json_node_get_object (root));
  return json_object_ref (req->json);
}

static gboolean
form_is_utf8 (GHashTable *form)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_utf8_validate (key, -1, NULL) || !g_utf8_validate (value, -1, NULL))
      return FALSE;
  return TRUE;
}

GHashTable *
sbx_request_form (SbxRequest *req)
{
  g_autofree char *text = NULL;
  const char *content_type;
  const char *data;
  GHashTable *form;
  GBytes *body;
  gsize len;

  g_return_val_if_fail (req != NULL, NULL);

  if (req->form != NULL)
    return g_hash_table_ref (req->form);
  if (req->answered)
    return NULL;

  content_type = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (req->msg), NULL);
  if (content_type != NULL &&
      g_ascii_strcasecmp (content_type, "application/x-www-form-urlencoded") != 0)
    {
      reply_invalid (req, NULL, "The body must be application/x-www-form-urlencoded");
      return NULL;
    }

  body = sbx_request_get_body (req);
  data = g_bytes_get_data (body, &len);
  /* A NUL, raw or encoded, would cut a value short without a trace. */
  if (len > 0 && (memchr (data, '\0', len) != NULL ||
                  g_strstr_len (data, len, "%00") != NULL))
    {
      reply_invalid (req, NULL, "The body is not a form: it holds a NUL character");
      return NULL;
    }

  text = g_strndup (data != NULL ? data : "", len);
  form = soup_form_decode (text);
  if (!form_is_utf8 (form))
    {
      g_hash_table_unref (form);
      reply_invalid (req, NULL, "The form is not valid UTF-8");
      return NULL;
    }

  req->form = form;
  return g_hash_table_ref (req->form);
}

static gboolean
require_member (SbxRequest  *req,
                JsonObject  *object,
                const char  *field,
                JsonNode   **out)
{
  JsonNode *node;

  g_return_val_if_fail (req != NULL, FALSE);
  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  node = json_object_get_member (object, field);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      sbx_reply_bad_field (req, field, "is missing");
      return FALSE;
    }
  *out = node;
  return TRUE;
}

gboolean
sbx_require_string (SbxRequest  *req,
                    JsonObject  *object,
                    const char  *field,
                    const char **out)
{
  JsonNode *node;

  if (!require_member (req, object, field, &node))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      sbx_reply_bad_field (req, field, "must be a string");
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
sbx_require_boolean (SbxRequest *req,
                     JsonObject *object,
                     const char *field,
                     gboolean   *out)
{
  JsonNode *node;

  if (!require_member (req, object, field, &node))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      sbx_reply_bad_field (req, field, "must be true or false");
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
sbx_require_object (SbxRequest  *req,
                    JsonObject  *object,
                    const char  *field,
                    JsonObject **out)
{
  JsonNode *node;

  if (!require_member (req, object, field, &node))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sbx_reply_bad_field (req, field, "must be an object");
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
sbx_require_array (SbxRequest  *req,
                   JsonObject  *object,
                   const char  *field,
                   JsonArray  **out)
{
  JsonNode *node;

  if (!require_member (req, object, field, &node))
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      sbx_reply_bad_field (req, field, "must be an array");
      return FALSE;
    }
  *out = json_node_get_array (node);
  return TRUE;
}

/* RFC 6749 §3.1: a parameter sent without a value is as if omitted. */
gboolean
sbx_require_form_field (SbxRequest  *req,
                        GHashTable  *form,
                        const char  *field,
                        const char **out)
{
  const char *value;

  g_return_val_if_fail (req != NULL, FALSE);
  g_return_val_if_fail (form != NULL, FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  value = g_hash_table_lookup (form, field);
  if (value == NULL || *value == '\0')
    {
      sbx_reply_bad_field (req, field, "is missing");
      return FALSE;
    }
  *out = value;
  return TRUE;
}

/* Idempotency. */

static gboolean
is_uuid (const char *text)
{
  for (guint i = 0; i < 36; i++)
    {
      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (text[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isxdigit (text[i]))
        return FALSE;
    }
  return text[36] == '\0';
}

gboolean
sbx_request_idempotency (SbxRequest *req,
                         const char *citizen_id)
{
  SbxDb *db;
  sqlite3_stmt *stmt;
  const char *header;
  g_autofree char *key = NULL;
  gint64 now;

  g_return_val_if_fail (req != NULL, FALSE);
  g_return_val_if_fail (citizen_id != NULL, FALSE);

  if (req->answered)
    return FALSE;

  header = sbx_request_get_header (req, "Idempotency-Key");
  if (header == NULL)
    {
      reply_invalid (req, "Idempotency-Key", "header 'Idempotency-Key' is missing");
      return FALSE;
    }
  if (strlen (header) != 36 || !is_uuid (header))
    {
      reply_invalid (req, "Idempotency-Key", "header 'Idempotency-Key' must be a UUID");
      return FALSE;
    }
  key = g_ascii_strdown (header, -1);

  db = sbx_server_get_db (req->server);
  now = sbx_clock_now_ms ();

  stmt = sbx_db_prepare (db, "DELETE FROM idempotency WHERE created_at <= ?");
  sqlite3_bind_int64 (stmt, 1, now - IDEMPOTENCY_TTL_MS);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);

  stmt = sbx_db_prepare (db, "SELECT status, body FROM idempotency WHERE citizen_id = ? AND key = ?");
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      guint status = (guint) sqlite3_column_int (stmt, 0);
      g_autofree char *body = g_strdup ((const char *) sqlite3_column_text (stmt, 1));

      sqlite3_reset (stmt);
      g_debug ("%s %s repeats an Idempotency-Key: the first answer again", req->method, req->path);
      send_text (req, status, body != NULL ? body : "null", NULL, NULL, FALSE);
      return FALSE;
    }
  sqlite3_reset (stmt);

  g_free (req->idempotency_citizen);
  req->idempotency_citizen = g_strdup (citizen_id);
  g_free (req->idempotency_key);
  req->idempotency_key = g_steal_pointer (&key);
  return TRUE;
}

/* The life of a request. */

void
sbx_request_pause (SbxRequest *req)
{
  if (req->paused || req->gone)
    return;
  soup_server_message_pause (req->msg);
  req->paused = TRUE;
}

static void
stolen_closed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GIOStream) stream = G_IO_STREAM (source);

  g_io_stream_close_finish (stream, result, NULL);
}

static void
drop_connection (SbxRequest *req)
{
  GIOStream *stream;

  g_debug ("%s %s: dropping the connection (a sandbox fault)", req->method, req->path);
  stream = soup_server_message_steal_connection (req->msg);
  req->gone = TRUE;
  req->paused = FALSE;
  if (stream != NULL)
    g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, stolen_closed_cb, NULL);
}

static void
complete (SbxRequest *req)
{
  if (req->gone)
    return;
  if (req->drop)
    drop_connection (req);
  else if (req->paused)
    {
      req->paused = FALSE;
      soup_server_message_unpause (req->msg);
    }
}

static gboolean
finish_cb (gpointer user_data)
{
  SbxRequest *req = user_data;
  SbxDb *db = sbx_server_get_db (req->server);

  if (sbx_db_in_transaction (db))
    {
      g_warning ("%s %s left its transaction open after answering; rolling it back",
                 req->method, req->path);
      sbx_db_rollback (db);
    }
  complete (req);
  return G_SOURCE_REMOVE;
}

/* After an answer made outside the handler's first run: once the code
 * that answered has returned (and committed), see the answer out. */
static void
finish_later (SbxRequest *req)
{
  g_idle_add_full (G_PRIORITY_HIGH, finish_cb, sbx_request_ref (req),
                   (GDestroyNotify) sbx_request_unref);
}

void
sbx_request_run (SbxRequest *req,
                 SbxHandler  handler)
{
  SbxDb *db = sbx_server_get_db (req->server);
  guint refs_before;

  g_assert (!req->answered);

  sbx_request_ref (req);
  refs_before = req->ref_count;
  req->in_handler = TRUE;
  handler (req);
  req->in_handler = FALSE;

  /* The usual end of a refusal: the handler answered and returned. */
  if (sbx_db_in_transaction (db))
    sbx_db_rollback (db);

  /* Neither answered nor kept for a later answer. */
  if (!req->answered && req->ref_count <= refs_before)
    {
      g_warning ("%s %s returned without answering", req->method, req->path);
      api_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error",
                 SBX_VNPT_SERVER_INTERNAL_ERROR, NULL, NULL, NULL);
    }

  if (!req->answered)
    sbx_request_pause (req);
  else if (req->drop)
    {
      /* Not from inside libsoup's own callback: pause, and steal later. */
      sbx_request_pause (req);
      finish_later (req);
    }
  else
    complete (req);

  sbx_request_unref (req);
}
