/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The HTTP core against a real TLS server in the same process: what is
 * retried and what is not, Retry-After, cancellation, and trust; a 3xx
 * never followed, and replies too deep or too big refused unparsed.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "enr-http.h"
#include "enr-service-error.h"

typedef struct
{
  char       *dir;
  char       *cert_path;
  SoupServer *server;
  char       *base_url;
  /* What the server does: a script of statuses, one per request; 0 drops
   * the connection without an answer. After the script, 200 {}. */
  GArray     *script;
  guint       requests;
  char       *last_idempotency_key;
  gboolean    idempotency_key_changed;
  char       *retry_after;
  /* Cancelled once the server has answered its first request. */
  GCancellable *cancel_after_first;
  /* The client's port of every request: which connection it came on. */
  GArray     *ports;
  /* The paths asked for, in order. */
  GPtrArray  *paths;
  EnrHttp    *http;
} Fixture;

static gint64 cancelled_at_us;

/* Another ::cancelled handler of the caller's that takes its time: the
 * client's worker ends the call while the caller's thread is still in the
 * emission. (A GCancellableSource disposed then leaks in GLib 2.74, which
 * memcheck-http and the sanitizers' build would report.) The sleep is the
 * width of that window, not a wait for a result. */
static void
slow_cancelled_cb (GCancellable *cancellable,
                   gpointer      user_data)
{
  g_usleep (300 * 1000);
}

static gboolean hold_cancel_emission;

static gboolean
cancel_cb (gpointer user_data)
{
  if (hold_cancel_emission)
    g_signal_connect (user_data, "cancelled", G_CALLBACK (slow_cancelled_cb), NULL);
  cancelled_at_us = g_get_monotonic_time ();
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
make_certificate (Fixture *fixture)
{
  g_autofree char *key_path = g_build_filename (fixture->dir, "key.pem", NULL);
  g_autoptr(GError) error = NULL;
  int status = 0;
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
    "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", key_path, "-out", fixture->cert_path, NULL
  };

  g_spawn_sync (NULL, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *fixture = user_data;
  guint index = fixture->requests++;
  guint16 port = g_inet_socket_address_get_port (
      G_INET_SOCKET_ADDRESS (soup_server_message_get_remote_address (msg)));
  guint status = index < fixture->script->len ? g_array_index (fixture->script, guint, index) : 200;
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "Idempotency-Key");

  g_array_append_val (fixture->ports, port);
  g_ptr_array_add (fixture->paths, g_strdup (path));
  if (index == 0 && fixture->cancel_after_first != NULL)
    g_idle_add_full (G_PRIORITY_DEFAULT, cancel_cb, g_object_ref (fixture->cancel_after_first),
                     g_object_unref);

  if (fixture->last_idempotency_key != NULL && g_strcmp0 (key, fixture->last_idempotency_key) != 0)
    fixture->idempotency_key_changed = TRUE;
  g_free (fixture->last_idempotency_key);
  fixture->last_idempotency_key = g_strdup (key);

  if (status == 0)
    {
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

      g_io_stream_close (stream, NULL, NULL);
      return;
    }

  if (fixture->retry_after != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "Retry-After", fixture->retry_after);
  if (status == 301 || status == 302 || status == 307 || status == 308)
    {
      /* Away from HTTPS, or elsewhere on the same host. */
      g_autofree char *to = index % 2 == 0
                            ? g_strdup_printf ("http://127.0.0.1:%u/followed",
                                               g_uri_get_port (soup_server_message_get_uri (msg)))
                            : g_strdup ("/followed");

      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location",
                                    to);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
      soup_server_message_set_status (msg, status, NULL);
      return;
    }
  if (status >= 290 && status <= 298)
    {
      /* 290 JSON nested 64 deep, 291 65 deep, 292 100 000 deep; 293 a
       * 9 MiB reply with its Content-Length, 294 the same chunked. */
      gsize depth = status == 290 ? 64 : status == 291 ? 65 : 100000;
      GString *body = g_string_new (NULL);

      if (status <= 292)
        {
          for (gsize i = 0; i < depth; i++)
            g_string_append_c (body, '[');
          for (gsize i = 0; i < depth; i++)
            g_string_append_c (body, ']');
        }
      else
        {
          g_string_append (body, "{\"padding\":\"");
          for (gsize i = 0; i < 9 * 1024 * 1024; i++)
            g_string_append_c (body, 'x');
          g_string_append (body, "\"}");
        }
      if (status == 294)
        {
          SoupMessageBody *out = soup_server_message_get_response_body (msg);

          soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                             SOUP_ENCODING_CHUNKED);
          soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg),
                                                 "application/json", NULL);
          for (gsize at = 0; at < body->len; at += 1 << 20)
            soup_message_body_append (out, SOUP_MEMORY_COPY, body->str + at,
                                      MIN ((gsize) 1 << 20, body->len - at));
          soup_message_body_complete (out);
          g_string_free (body, TRUE);
        }
      else
        {
          gsize len = body->len;

          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                            g_string_free (body, FALSE), len);
        }
      soup_server_message_set_status (msg, 200, NULL);
      return;
    }
  if (status == 299)
    soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html>", 6);
  else
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                      "{\"ok\":true}", 11);
  soup_server_message_set_status (msg, status == 299 ? 200 : status, NULL);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *key_path = NULL;
  GSList *uris;

  fixture->dir = g_dir_make_tmp ("test-http-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->cert_path = g_build_filename (fixture->dir, "cert.pem", NULL);
  key_path = g_build_filename (fixture->dir, "key.pem", NULL);
  make_certificate (fixture);

  certificate = g_tls_certificate_new_from_files (fixture->cert_path, key_path, &error);
  g_assert_no_error (error);
  fixture->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (fixture->server, NULL, handler, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY |
                            SOUP_SERVER_LISTEN_HTTPS, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->base_url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  fixture->script = g_array_new (FALSE, FALSE, sizeof (guint));
  fixture->ports = g_array_new (FALSE, FALSE, sizeof (guint16));
  fixture->paths = g_ptr_array_new_with_free_func (g_free);
  fixture->http = enr_http_new (data ? NULL : fixture->cert_path, &error);
  g_assert_no_error (error);
  /* Short waits and no deadline: what is tested is the policy, not the
   * clock. Under the sanitizers and a loaded machine one TLS handshake may
   * take seconds, and a deadline would then end a call these tests expect
   * to be retried; /http/deadline tests the deadline on its own. */
  enr_http_set_retry_limits (fixture->http, 4, 10, 40, G_MAXUINT);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *key_path = g_build_filename (fixture->dir, "key.pem", NULL);

  g_clear_object (&fixture->http);
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_unlink (fixture->cert_path);
  g_unlink (key_path);
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->cert_path);
  g_free (fixture->base_url);
  g_free (fixture->last_idempotency_key);
  g_free (fixture->retry_after);
  g_array_unref (fixture->script);
  g_array_unref (fixture->ports);
  g_ptr_array_unref (fixture->paths);
}

static void
script (Fixture *fixture,
        ...)
{
  va_list args;

  va_start (args, fixture);
  for (guint status = va_arg (args, guint); status != G_MAXUINT; status = va_arg (args, guint))
    g_array_append_val (fixture->script, status);
  va_end (args);
}

static GThread *main_thread;

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GAsyncResult **out = user_data;

  /* The work is done in the client's own thread; the answer comes back to
   * the caller's main context, and only there. */
  g_assert_true (g_thread_self () == main_thread);
  *out = g_object_ref (result);
}

static EnrHttpReply *
send (Fixture       *fixture,
      EnrHttpCall   *call,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  enr_http_send_async (fixture->http, call, cancellable, sent_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return enr_http_send_finish (fixture->http, result, error);
}

static EnrHttpCall *
new_call (Fixture     *fixture,
          EnrHttpRetry retry)
{
  g_autofree char *url = g_strconcat (fixture->base_url, "call", NULL);
  EnrHttpCall *call = enr_http_call_new ("POST", url);

  enr_http_call_set_form (call, "otp", "123456", NULL);
  enr_http_call_set_retry (call, retry);
  return call;
}

static void
test_plain_success (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_true (json_object_get_boolean_member (enr_http_reply_get_object (reply), "ok"));
  g_assert_cmpuint (fixture->requests, ==, 1);
}

static void
test_503_retried (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;
  EnrHttpCall *call = new_call (fixture, ENR_HTTP_RETRY_SAFE);

  enr_http_call_set_idempotency_key (call, "5f0c2f6e-8d7e-4c57-9a43-0f1d8a0f6a21");
  script (fixture, 503, 429, 503, G_MAXUINT);
  reply = send (fixture, call, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpuint (fixture->requests, ==, 4);
  /* Every retry carries the same key, or the server could act twice. */
  g_assert_nonnull (fixture->last_idempotency_key);
  g_assert_false (fixture->idempotency_key_changed);
  /* What it cost, each attempt counted. */
  {
    guint requests = 0;
    gint64 waited_us = 0;

    enr_http_get_stats (fixture->http, &requests, &waited_us);
    g_assert_cmpuint (requests, ==, 4);
    g_assert_cmpint (waited_us, >, 0);
  }
}

static void
test_503_gives_up (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;

  script (fixture, 503, 503, 503, 503, 503, G_MAXUINT);
  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL, &error);
  g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_UNAVAILABLE);
  g_assert_null (reply);
  g_assert_cmpuint (fixture->requests, ==, 4);
}

/* A 503 says the request was not carried out: even an OTP may go again. */
static void
test_secret_retried_after_503 (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;

  script (fixture, 503, G_MAXUINT);
  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SECRET), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->requests, ==, 2);
}

/* A dropped connection may have consumed the OTP: never resent blindly. */
static void
test_secret_not_resent_after_drop (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;

  script (fixture, 0, G_MAXUINT);
  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SECRET), NULL, &error);
  g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_UNAVAILABLE);
  g_assert_cmpuint (fixture->requests, ==, 1);
}

static void
test_safe_resent_after_drop (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;

  script (fixture, 0, 0, G_MAXUINT);
  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->requests, ==, 3);
}

/* A 500 may have been half carried out: only a safe call tries again. */
static void
test_secret_not_retried_after_500 (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;

  script (fixture, 500, G_MAXUINT);
  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SECRET), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reply->status, ==, 500);
  g_assert_cmpuint (fixture->requests, ==, 1);
}

static void
test_retry_after_honoured (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;
  gint64 started = g_get_monotonic_time ();

  fixture->retry_after = g_strdup ("1");
  script (fixture, 429, G_MAXUINT);
  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->requests, ==, 2);
  /* Backoff alone would wait at most 40 ms here. */
  g_assert_cmpint (g_get_monotonic_time () - started, >=, G_USEC_PER_SEC);
}

/* Safe calls share a kept-alive connection (libsoup would open one per
 * POST); an OTP, a password or a SAD gets one of its own, so that a lost
 * answer is never followed by libsoup's own resend. */
static void
test_connections_reused (Fixture       *fixture,
                         gconstpointer  data)
{
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EnrHttpReply) reply = NULL;

      reply = send (fixture, new_call (fixture, i < 2 ? ENR_HTTP_RETRY_SAFE
                                                      : ENR_HTTP_RETRY_SECRET), NULL, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (fixture->ports->len, ==, 4);
  g_assert_cmpuint (g_array_index (fixture->ports, guint16, 0), ==,
                    g_array_index (fixture->ports, guint16, 1));
  g_assert_cmpuint (g_array_index (fixture->ports, guint16, 2), !=,
                    g_array_index (fixture->ports, guint16, 3));
  g_assert_cmpuint (g_array_index (fixture->ports, guint16, 1), !=,
                    g_array_index (fixture->ports, guint16, 2));
}

/* "Too soon" to a call that is not idempotent (a new OTP) is the answer
 * the citizen must see, not a reason to send it again later. */
static void
test_secret_429_returned (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;

  fixture->retry_after = g_strdup ("1");
  script (fixture, 429, G_MAXUINT);
  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SECRET), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reply->status, ==, 429);
  g_assert_cmpuint (fixture->requests, ==, 1);
}

static void
test_cancel_during_backoff (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  /* The server asks for a 30 s wait; Cancel must not wait for it. */
  fixture->retry_after = g_strdup ("30");
  script (fixture, 503, G_MAXUINT);
  /* Cancelled while the client waits, however slowly this machine ran the
   * first request (a timer could fire before it was even sent). */
  fixture->cancel_after_first = cancellable;
  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), cancellable, &error);
  fixture->cancel_after_first = NULL;
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->requests, ==, 1);
  /* Counted from the cancel, not from the start: how long the first
   * request took on this machine is not what is tested. A client that
   * waited out the server's 30 s would take 30 s from here. */
  g_assert_cmpint (cancelled_at_us, >, 0);
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at_us, <, 20 * G_USEC_PER_SEC);
}

/* The same while another handler of the caller's cancel still runs: the
 * call ends at once in the worker, and ends only once. */
static void
test_cancel_during_slow_emission (Fixture       *fixture,
                                  gconstpointer  data)
{
  hold_cancel_emission = TRUE;
  test_cancel_during_backoff (fixture, data);
  hold_cancel_emission = FALSE;
}

/* A wait the server asks for that would end past the call's deadline is
 * not waited: the call gives up at once, after its one request. */
static void
test_deadline (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;

  fixture->retry_after = g_strdup ("30");
  script (fixture, 503, G_MAXUINT);
  enr_http_set_retry_limits (fixture->http, 4, 10, 40, 20000);
  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL, &error);
  g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_UNAVAILABLE);
  g_assert_null (reply);
  g_assert_cmpuint (fixture->requests, ==, 1);
}

static void
test_not_json (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;

  script (fixture, 299, G_MAXUINT);
  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL, &error);
  g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY);
}

/* PROTOCOL.md rev 2: a 3xx is never followed, to plain HTTP or anywhere
 * else; it is an answer the program does not take. */
static void
test_no_redirect (Fixture       *fixture,
                  gconstpointer  data)
{
  guint statuses[] = { 301, 302, 307, 308 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EnrHttpReply) reply = NULL;
      guint before = fixture->requests;

      g_array_set_size (fixture->script, 0);
      for (guint j = 0; j < before; j++)
        g_array_append_val (fixture->script, statuses[i]);
      g_array_append_val (fixture->script, statuses[i]);
      reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL, &error);
      g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY);
      g_assert_null (reply);
      g_assert_cmpuint (fixture->requests, ==, before + 1);
    }
  for (guint i = 0; i < fixture->paths->len; i++)
    g_assert_cmpstr (g_ptr_array_index (fixture->paths, i), ==, "/call");
}

/* Nested 64 levels deep is read; deeper is malformed, refused before
 * json-glib recurses into it (100 000 levels crashed it). */
static void
test_depth (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;

  script (fixture, 290, 291, 292, G_MAXUINT);
  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (reply->body));
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) deep_error = NULL;
      g_autoptr(EnrHttpReply) deep = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL,
                                           &deep_error);

      g_assert_error (deep_error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY);
      g_assert_null (deep);
    }
}

/* Over 8 MiB is malformed, whether the reply says its length or not. */
static void
test_size (Fixture       *fixture,
           gconstpointer  data)
{
  script (fixture, 293, 294, G_MAXUINT);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(EnrHttpReply) reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL,
                                            &error);

      g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY);
      g_assert_null (reply);
    }
  /* The connection is usable again afterwards. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(EnrHttpReply) reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL,
                                          &error);

    g_assert_no_error (error);
    g_assert_cmpuint (reply->status, ==, 200);
  }
}

static gpointer
parse_ok (JsonNode  *body,
          GError   **error)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (body));
  return g_strdup (json_object_get_boolean_member (json_node_get_object (body), "ok")
                   ? "ok" : "not ok");
}

/* A bare JSON call: on the caller's task, the parsed body of a 200 reply;
 * any other status refused. */
static void
test_json_call (Fixture       *fixture,
                gconstpointer  data)
{
  script (fixture, 200, 404, G_MAXUINT);
  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GTask) task = g_task_new (fixture->http, NULL, sent_cb, &result);
      g_autofree char *value = NULL;

      g_task_set_source_tag (task, test_json_call);
      enr_http_send_json_for_task (fixture->http, new_call (fixture, ENR_HTTP_RETRY_SAFE),
                                   parse_ok, g_free, g_steal_pointer (&task));
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      value = enr_http_json_finish (result, fixture->http, test_json_call, &error);
      if (round == 0)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (value, ==, "ok");
        }
      else
        {
          g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_FAILED);
          g_assert_null (value);
        }
    }
  g_assert_cmpuint (fixture->requests, ==, 2);
}

/* Set up with the system store only: the test server's own CA is unknown. */
static void
test_untrusted (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;

  reply = send (fixture, new_call (fixture, ENR_HTTP_RETRY_SAFE), NULL, &error);
  g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_TLS_UNTRUSTED);
  g_assert_cmpuint (fixture->requests, ==, 0);
}

static void
test_https_only (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;

  reply = send (fixture, enr_http_call_new ("GET", "http://127.0.0.1:1/x"), NULL, &error);
  g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NOT_CONFIGURED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  main_thread = g_thread_self ();

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)
  ADD ("/http/plain-success", test_plain_success, NULL);
  ADD ("/http/503-retried-same-key", test_503_retried, NULL);
  ADD ("/http/503-gives-up", test_503_gives_up, NULL);
  ADD ("/http/secret-retried-after-503", test_secret_retried_after_503, NULL);
  ADD ("/http/secret-not-resent-after-drop", test_secret_not_resent_after_drop, NULL);
  ADD ("/http/safe-resent-after-drop", test_safe_resent_after_drop, NULL);
  ADD ("/http/secret-not-retried-after-500", test_secret_not_retried_after_500, NULL);
  ADD ("/http/retry-after-honoured", test_retry_after_honoured, NULL);
  ADD ("/http/secret-429-returned", test_secret_429_returned, NULL);
  ADD ("/http/connections-reused", test_connections_reused, NULL);
  ADD ("/http/cancel-during-backoff", test_cancel_during_backoff, NULL);
  ADD ("/http/cancel-during-slow-emission", test_cancel_during_slow_emission, NULL);
  ADD ("/http/deadline", test_deadline, NULL);
  ADD ("/http/not-json", test_not_json, NULL);
  ADD ("/http/untrusted", test_untrusted, GINT_TO_POINTER (1));
  ADD ("/http/https-only", test_https_only, NULL);
  ADD ("/http/json-call", test_json_call, NULL);
  ADD ("/http/no-redirect", test_no_redirect, NULL);
  ADD ("/http/depth", test_depth, NULL);
  ADD ("/http/size", test_size, NULL);
#undef ADD

  return g_test_run ();
}
