/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-request"

#include "config.h"

#include <string.h>

#include "sbx-clock.h"
#include "sbx-db.h"
#include "sbx-hsm.h"
#include "sbx-request-private.h"
#include "sbx-secret.h"

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

#define IDEMPOTENCY_TTL_MS ((gint64) 24 * 60 * 60 * 1000)

static void complete (SbxRequest *req);

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
      sbx_reply_api_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error",
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
      sbx_reply_invalid (req, "Idempotency-Key", "header 'Idempotency-Key' is missing");
      return FALSE;
    }
  if (strlen (header) != 36 || !is_uuid (header))
    {
      sbx_reply_invalid (req, "Idempotency-Key", "header 'Idempotency-Key' must be a UUID");
      return FALSE;
    }
  key = g_ascii_strdown (header, -1);

  db = sbx_server_get_db (req->server);
  now = sbx_clock_now_ms ();

  stmt = sbx_db_prepare (db, "DELETE FROM idempotency WHERE created_at <= ?");
  sqlite3_bind_int64 (stmt, 1, now - IDEMPOTENCY_TTL_MS);
  sqlite3_step (stmt);
  sqlite3_reset (stmt);

  stmt = sbx_db_prepare (db, "SELECT status, body, sealed_body FROM idempotency"
                             " WHERE citizen_id = ? AND key = ?");
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      guint status = (guint) sqlite3_column_int (stmt, 0);
      g_autoptr(SbxSecretString) body = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      g_autoptr(GBytes) sealed = sbx_db_column_bytes (stmt, 2);

      sqlite3_reset (stmt);
      g_debug ("%s %s repeats an Idempotency-Key: the first answer again", req->method, req->path);
      if (sealed != NULL)
        {
          g_autofree char *aad = sbx_request_answer_aad (citizen_id, key);

          g_clear_pointer (&body, enr_secure_string_free);
          body = sbx_hsm_unseal (sbx_server_get_hsm (req->server), aad, sealed);
          if (body == NULL)
            {
              sbx_reply_api_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error",
                                   SBX_VNPT_SERVER_INTERNAL_ERROR, NULL, NULL, NULL);
              return FALSE;
            }
          req->seal_answer = TRUE;
        }
      sbx_reply_text (req, status, body != NULL ? body : "null", NULL, NULL, FALSE);
      return FALSE;
    }
  sqlite3_reset (stmt);

  g_free (req->idempotency_citizen);
  req->idempotency_citizen = g_strdup (citizen_id);
  g_free (req->idempotency_key);
  req->idempotency_key = g_steal_pointer (&key);
  return TRUE;
}

void
sbx_request_seal_answer (SbxRequest *req)
{
  g_return_if_fail (req != NULL);

  req->seal_answer = TRUE;
}

char *
sbx_request_answer_aad (const char *citizen_id,
                        const char *key)
{
  return g_strconcat ("idempotency:", citizen_id, ":", key, NULL);
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
void
sbx_request_finish_later (SbxRequest *req)
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
      sbx_reply_api_error (req, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server_error",
                           SBX_VNPT_SERVER_INTERNAL_ERROR, NULL, NULL, NULL);
    }

  if (!req->answered)
    sbx_request_pause (req);
  else if (req->drop)
    {
      /* Not from inside libsoup's own callback: pause, and steal later. */
      sbx_request_pause (req);
      sbx_request_finish_later (req);
    }
  else
    complete (req);

  sbx_request_unref (req);
}
