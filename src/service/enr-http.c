/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one HTTP client of the program: a SoupSession that trusts either the
 * system store or one configured anchor, and a send that retries what may
 * be retried (see EnrHttpRetry) with capped exponential backoff and jitter.
 *
 * The session lives in a thread of its own, with its own main context:
 * every connection's TLS set-up (which, in glib-networking 2.74, parses the
 * whole system CA store each time, some 10 ms), every retry's wait and
 * every reply's JSON parse happen there, and only the result comes back to
 * the caller's main context. The caller's main loop never waits for any of it.
 * libsoup itself is the HTTP module's (enr-http-transport.h), which the
 * worker loads for the first call.
 */
#define G_LOG_DOMAIN "enr-http"

#include "config.h"

#include <gnutls/x509.h>
#include <string.h>

#include "enr-cancel-relay.h"
#include "enr-http-transport.h"
#include "enr-http.h"
#include "enr-json-check.h"
#include "enr-secure.h"
#include "enr-service-error.h"

#define IO_TIMEOUT_S          20
#define DEFAULT_MAX_ATTEMPTS  6
#define DEFAULT_BASE_DELAY_MS 250
#define DEFAULT_MAX_DELAY_MS  8000
#define DEFAULT_DEADLINE_MS   90000
#define IDLE_TIMEOUT_S        60
#define HTTP_SERVICE_UNAVAILABLE 503

struct _EnrHttpCall
{
  char         *method;
  char         *url;
  GBytes       *body;
  const char   *content_type;
  char         *bearer;
  char         *idempotency_key;
  EnrHttpRetry  retry;
};

/* What the worker thread owns; it frees it when its loop ends. */
typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  char         *trust_anchor; /* nullable: the system store */
  char         *user_agent;
  /* Made for the first call, used and freed in the worker only. */
  const EnrHttpTransport *transport;
  GObject      *session;
} Worker;

struct _EnrHttp
{
  GObject      parent_instance;

  Worker      *worker;
  GThread     *thread;
  GMutex       stats_lock;
  guint        max_attempts;
  guint        base_delay_ms;
  guint        max_delay_ms;
  guint        deadline_ms;
  guint        requests;
  gint64       waited_us;
};

G_DEFINE_FINAL_TYPE (EnrHttp, enr_http, G_TYPE_OBJECT)

/* --- Calls ------------------------------------------------------------- */

EnrHttpCall *
enr_http_call_new (const char *method,
                   const char *url)
{
  EnrHttpCall *call;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (url != NULL, NULL);

  call = g_new0 (EnrHttpCall, 1);
  call->method = g_strdup (method);
  call->url = g_strdup (url);
  call->retry = ENR_HTTP_RETRY_SAFE;
  return call;
}

void
enr_http_call_free (EnrHttpCall *call)
{
  if (call == NULL)
    return;
  g_free (call->method);
  g_free (call->url);
  g_clear_pointer (&call->body, g_bytes_unref);
  enr_secure_clear_string (&call->bearer);
  g_free (call->idempotency_key);
  g_free (call);
}

void
enr_http_call_set_json (EnrHttpCall *call,
                        JsonNode    *body)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize len;
  char *text;

  g_return_if_fail (call != NULL);
  g_return_if_fail (body != NULL);

  json_generator_set_root (generator, body);
  text = json_generator_to_data (generator, &len);
  g_clear_pointer (&call->body, g_bytes_unref);
  /* A SAD or an OTP may be in there. */
  call->body = enr_secure_bytes_new_take ((guint8 *) text, len);
  call->content_type = "application/json";
}

void
enr_http_call_set_form (EnrHttpCall *call,
                        const char  *first_name,
                        ...)
{
  GString *form = g_string_new (NULL);
  va_list args;
  gsize len;

  g_return_if_fail (call != NULL);

  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);

      if (value == NULL)
        continue;
      if (form->len > 0)
        g_string_append_c (form, '&');
      g_string_append_uri_escaped (form, name, NULL, FALSE);
      g_string_append_c (form, '=');
      g_string_append_uri_escaped (form, value, NULL, FALSE);
    }
  va_end (args);

  g_clear_pointer (&call->body, g_bytes_unref);
  len = form->len;
  call->body = enr_secure_bytes_new_take ((guint8 *) g_string_free (form, FALSE), len);
  call->content_type = "application/x-www-form-urlencoded";
}

void
enr_http_call_set_bearer (EnrHttpCall *call,
                          const char  *token)
{
  g_return_if_fail (call != NULL);

  enr_secure_clear_string (&call->bearer);
  call->bearer = token ? g_strdup_printf ("Bearer %s", token) : NULL;
}

void
enr_http_call_set_idempotency_key (EnrHttpCall *call,
                                   const char  *key)
{
  g_return_if_fail (call != NULL);

  g_free (call->idempotency_key);
  call->idempotency_key = g_strdup (key);
}

void
enr_http_call_set_retry (EnrHttpCall  *call,
                         EnrHttpRetry  retry)
{
  g_return_if_fail (call != NULL);
  call->retry = retry;
}

const char *
enr_http_call_get_url (EnrHttpCall *call)
{
  g_return_val_if_fail (call != NULL, NULL);
  return call->url;
}

/* --- Replies ----------------------------------------------------------- */

void
enr_http_reply_free (EnrHttpReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->body, json_node_unref);
  g_free (reply);
}

JsonObject *
enr_http_reply_get_object (EnrHttpReply *reply)
{
  g_return_val_if_fail (reply != NULL, NULL);

  if (reply->body == NULL || !JSON_NODE_HOLDS_OBJECT (reply->body))
    return NULL;
  return json_node_get_object (reply->body);
}

/* --- The client -------------------------------------------------------- */

/* The error for a service address this program cannot call. */
static GError *
not_configured (void)
{
  return g_error_new_literal (ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NOT_CONFIGURED,
                              enr_service_error_message (ENR_SERVICE_ERROR_NOT_CONFIGURED));
}

static gpointer
worker_main (gpointer data)
{
  Worker *worker = data;

  g_main_context_push_thread_default (worker->context);

  g_main_loop_run (worker->loop);

  /* Every call holds the EnrHttp: none is left when its loop ends. */
  if (worker->session != NULL)
    worker->transport->session_abort (worker->session);
  g_clear_object (&worker->session);
  while (g_main_context_iteration (worker->context, FALSE))
    ;
  g_main_context_pop_thread_default (worker->context);

  g_main_loop_unref (worker->loop);
  g_main_context_unref (worker->context);
  g_free (worker->trust_anchor);
  g_free (worker->user_agent);
  g_free (worker);
  return NULL;
}

/* In the worker: its session, made for its first call, with libsoup and
 * GIO's TLS backend (which a GTlsDatabase loads) loaded then, not while
 * the program starts. FALSE with @error set when either cannot be. */
static gboolean
ensure_session (Worker  *worker,
                GError **error)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local = NULL;

  if (worker->session != NULL)
    return TRUE;
  worker->transport = enr_http_transport_load (error);
  if (worker->transport == NULL)
    return FALSE;
  if (worker->trust_anchor != NULL)
    {
      database = g_tls_file_database_new (worker->trust_anchor, &local);
      if (database == NULL)
        {
          g_warning ("The trust anchor cannot be used: %s", local->message);
          g_propagate_error (error, not_configured ());
          return FALSE;
        }
    }
  worker->session = worker->transport->session_new (IO_TIMEOUT_S, IDLE_TIMEOUT_S,
                                                    worker->user_agent, database);
  return TRUE;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Runs @func with @task (a reference taken) in the worker thread. */
static void
run_in_worker (EnrHttp     *self,
               GSourceFunc  func,
               GTask       *task)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, func, g_object_ref (task), g_object_unref);
  g_source_attach (source, self->worker->context);
}

static void
enr_http_finalize (GObject *object)
{
  EnrHttp *self = ENR_HTTP (object);

  if (self->worker != NULL)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_callback (source, quit_cb, g_main_loop_ref (self->worker->loop),
                             (GDestroyNotify) g_main_loop_unref);
      g_source_attach (source, self->worker->context);
      /* The last reference may go in the worker itself (a call's task
       * finalized there): it then ends on its own. */
      if (g_thread_self () == self->thread)
        g_thread_unref (self->thread);
      else
        g_thread_join (self->thread);
    }
  g_mutex_clear (&self->stats_lock);

  G_OBJECT_CLASS (enr_http_parent_class)->finalize (object);
}

static void
enr_http_class_init (EnrHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = enr_http_finalize;
}

static void
enr_http_init (EnrHttp *self)
{
  g_mutex_init (&self->stats_lock);
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->base_delay_ms = DEFAULT_BASE_DELAY_MS;
  self->max_delay_ms = DEFAULT_MAX_DELAY_MS;
  self->deadline_ms = DEFAULT_DEADLINE_MS;
}

/* Whether @path holds at least one PEM certificate, read with GnuTLS:
 * a bad anchor is told at once, while the GTlsDatabase (and GIO's TLS
 * backend with it) waits for the first call. */
static gboolean
check_trust_anchor (const char  *path,
                    GError     **error)
{
  g_autofree char *pem = NULL;
  gsize len = 0;
  gnutls_datum_t data;
  gnutls_x509_crt_t *certificates = NULL;
  unsigned int count = 0;

  if (!g_file_get_contents (path, &pem, &len, error))
    return FALSE;
  data.data = (unsigned char *) pem;
  data.size = (unsigned int) len;
  if (gnutls_x509_crt_list_import2 (&certificates, &count, &data, GNUTLS_X509_FMT_PEM, 0) < 0 ||
      count == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s holds no PEM certificate", path);
      return FALSE;
    }
  for (unsigned int i = 0; i < count; i++)
    gnutls_x509_crt_deinit (certificates[i]);
  gnutls_free (certificates);
  return TRUE;
}

EnrHttp *
enr_http_new (const char  *trust_anchor,
              GError     **error)
{
  g_autoptr(EnrHttp) self = g_object_new (ENR_TYPE_HTTP, NULL);
  Worker *worker;

  if (trust_anchor != NULL && *trust_anchor != '\0')
    {
      if (!g_path_is_absolute (trust_anchor))
        {
          g_propagate_error (error, not_configured ());
          g_warning ("The trust anchor must be an absolute path");
          return NULL;
        }

      if (!check_trust_anchor (trust_anchor, error))
        return NULL;
    }

  worker = g_new0 (Worker, 1);
  worker->context = g_main_context_new ();
  worker->loop = g_main_loop_new (worker->context, FALSE);
  worker->trust_anchor = trust_anchor != NULL && *trust_anchor != '\0' ? g_strdup (trust_anchor)
                                                                      : NULL;
  worker->user_agent = g_strdup_printf ("smartca-enroll/%s", PACKAGE_VERSION);
  self->worker = worker;
  self->thread = g_thread_new ("enr-http", worker_main, worker);

  return g_steal_pointer (&self);
}

void
enr_http_get_stats (EnrHttp *self,
                    guint   *requests,
                    gint64  *waited_us)
{
  g_return_if_fail (ENR_IS_HTTP (self));

  g_mutex_lock (&self->stats_lock);
  if (requests != NULL)
    *requests = self->requests;
  if (waited_us != NULL)
    *waited_us = self->waited_us;
  g_mutex_unlock (&self->stats_lock);
}

void
enr_http_set_retry_limits (EnrHttp *self,
                           guint    max_attempts,
                           guint    base_delay_ms,
                           guint    max_delay_ms,
                           guint    deadline_ms)
{
  g_return_if_fail (ENR_IS_HTTP (self));
  g_return_if_fail (max_attempts >= 1);

  self->max_attempts = max_attempts;
  self->base_delay_ms = base_delay_ms;
  self->max_delay_ms = MAX (max_delay_ms, base_delay_ms);
  self->deadline_ms = deadline_ms;
}

typedef struct
{
  EnrHttpCall *call;
  GObject     *message;
  guint        attempt;
  gint64       started_us;
  gint64       attempt_started_us;
  GError      *last_error;
  GSource     *wait_source;
  gulong       cancel_relay;    /* the caller's cancel, seen in the worker */
  GCancellable *cancellable;    /* the worker's own, for libsoup */
  GInputStream *stream;         /* the reply being read */
  GByteArray   *body;           /* what of it is read so far */
  guint         status;
} SendState;

static void clear_source (GSource **source);

static void
send_state_free (SendState *state)
{
  clear_source (&state->wait_source);
  g_clear_object (&state->message);
  g_clear_object (&state->stream);
  if (state->body != NULL)
    enr_secure_wipe (state->body->data, state->body->len);
  g_clear_pointer (&state->body, g_byte_array_unref);
  g_clear_object (&state->cancellable);
  g_clear_error (&state->last_error);
  enr_http_call_free (state->call);
  g_free (state);
}

static void send_attempt (GTask *task);

static const char *
url_path_for_log (const char *url)
{
  /* Scheme and host are configuration; the path says which call it was. */
  const char *path = strstr (url, "://");

  path = path ? strchr (path + 3, '/') : NULL;
  return path ? path : url;
}

/* Whether the request may have reached the server before the failure. */
static gboolean
failed_before_sending (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
         error->domain == G_RESOLVER_ERROR;
}

static GError *
service_error_for_transport (const GError *error)
{
  EnrServiceError code;

  if (error->domain == G_TLS_ERROR)
    code = ENR_SERVICE_ERROR_TLS_UNTRUSTED;
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    code = ENR_SERVICE_ERROR_TIMEOUT;
  else if (error->domain == G_RESOLVER_ERROR ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE) ||
           g_error_matches (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE))
    code = ENR_SERVICE_ERROR_NO_NETWORK;
  else
    code = ENR_SERVICE_ERROR_UNAVAILABLE;

  return g_error_new_literal (ENR_SERVICE_ERROR, code, enr_service_error_message (code));
}

static gint64
retry_after_ms (const EnrHttpTransport *transport,
                GObject                *message)
{
  const char *value;
  gint64 seconds;

  value = transport->message_get_header (message, "Retry-After");
  /* Only the delta-seconds form: our services send nothing else. */
  if (value == NULL || !g_ascii_string_to_signed (value, 10, 0, 3600, &seconds, NULL))
    return 0;
  return seconds * 1000;
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* A call ends in the worker: its sources go first, so that nothing of
 * it runs there once the caller has the result (a cancel relayed just
 * before still may, and finds the call ended). Takes @error or @reply. */
static void
end_call (GTask        *task,
          GError       *error,
          EnrHttpReply *reply)
{
  SendState *state = g_task_get_task_data (task);

  enr_cancel_relay_disconnect (g_task_get_cancellable (task), &state->cancel_relay);
  clear_source (&state->wait_source);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, reply, (GDestroyNotify) enr_http_reply_free);
}

static gboolean
end_if_cancelled (GTask *task)
{
  GError *error = NULL;

  if (!g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    return FALSE;
  end_call (task, error, NULL);
  return TRUE;
}

/* The caller cancelled (seen in the worker): a wait ends at once, a
 * request in flight through the worker's own cancellable. A call that has
 * ended meanwhile has no wait left, and its cancellable no request. */
static gboolean
cancelled_cb (gpointer user_data)
{
  GTask *task = user_data;
  SendState *state = g_task_get_task_data (task);

  g_cancellable_cancel (state->cancellable);
  if (state->wait_source != NULL)
    end_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  SendState *state = g_task_get_task_data (task);

  g_clear_pointer (&state->wait_source, g_source_unref);
  send_attempt (task);
  return G_SOURCE_REMOVE;
}

/*
 * Waits before the next attempt, or gives up with @error when the attempts
 * or the deadline are spent. Takes @task and @error.
 */
static void
retry_later (GTask  *task,
             GError *error,
             gint64  server_delay_ms)
{
  EnrHttp *self = g_task_get_source_object (task);
  SendState *state = g_task_get_task_data (task);
  gint64 elapsed_ms = (g_get_monotonic_time () - state->started_us) / 1000;
  gint64 ceiling, delay_ms;

  g_clear_error (&state->last_error);
  state->last_error = error;

  /* Capped exponential backoff with "equal jitter": half the step fixed,
   * half random, so many clients that failed together spread out. */
  ceiling = MIN ((gint64) self->max_delay_ms,
                 (gint64) self->base_delay_ms << MIN (state->attempt - 1, 16u));
  delay_ms = ceiling / 2 + g_random_int_range (0, (gint32) (ceiling / 2) + 1);
  delay_ms = MAX (delay_ms, server_delay_ms);

  if (state->attempt >= self->max_attempts ||
      elapsed_ms + delay_ms > (gint64) self->deadline_ms)
    {
      g_debug ("%s %s: giving up after %u attempts", state->call->method,
               url_path_for_log (state->call->url), state->attempt);
      end_call (task, g_steal_pointer (&state->last_error), NULL);
      g_object_unref (task);
      return;
    }

  g_debug ("%s %s: attempt %u failed, next in %" G_GINT64_FORMAT " ms", state->call->method,
           url_path_for_log (state->call->url), state->attempt, delay_ms);

  state->wait_source = g_timeout_source_new ((guint) delay_ms);
  g_source_set_callback (state->wait_source, wait_done_cb, task, g_object_unref);
  g_source_attach (state->wait_source, g_main_context_get_thread_default ());
}

/* The malformed-reply error: the reply broke PROTOCOL.md's limits or is
 * not JSON, and nothing more of it is read. */
static GError *
malformed_reply (void)
{
  return g_error_new_literal (ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY,
                              enr_service_error_message (ENR_SERVICE_ERROR_MALFORMED_REPLY));
}

static void
count_request (GTask *task)
{
  EnrHttp *self = g_task_get_source_object (task);
  SendState *state = g_task_get_task_data (task);

  g_mutex_lock (&self->stats_lock);
  self->requests++;
  self->waited_us += g_get_monotonic_time () - state->attempt_started_us;
  g_mutex_unlock (&self->stats_lock);
}

/* The call got no usable answer (@error from GIO or libsoup): retried if it
 * may be, else ended. Takes @task. */
static void
transport_failed (GTask        *task,
                  const GError *error)
{
  SendState *state = g_task_get_task_data (task);
  gboolean may_retry = state->call->retry == ENR_HTTP_RETRY_SAFE ||
                       failed_before_sending (error);

  g_debug ("%s %s: %s", state->call->method, url_path_for_log (state->call->url),
           error->message);
  if (error->domain == G_TLS_ERROR || !may_retry)
    {
      end_call (task, service_error_for_transport (error), NULL);
      g_object_unref (task);
      return;
    }
  retry_later (task, service_error_for_transport (error), 0);
}

/* The whole body is in: checked (size, depth, syntax), then parsed. The
 * buffer is wiped, as it may hold a share or a token. Takes @task. */
static void
body_read (GTask *task)
{
  SendState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *problem = NULL;
  gsize offset = 0;
  const char *data = (const char *) state->body->data;
  gsize len = state->body->len;
  EnrHttpReply *reply;

  count_request (task);
  reply = g_new0 (EnrHttpReply, 1);
  reply->status = state->status;

  if (len > 0)
    {
      g_autoptr(JsonParser) parser = NULL;

      /* json-glib recurses once a level: a reply is checked whole before
       * it is parsed, and one that is not plain JSON of at most 64 levels
       * is not parsed at all. */
      if (!g_utf8_validate_len (data, len, NULL) ||
          !enr_json_check (data, len, ENR_JSON_MAX_DEPTH, &problem, &offset))
        {
          g_info ("%s %s: the reply is not JSON (%s at byte %" G_GSIZE_FORMAT ")",
                  state->call->method, url_path_for_log (state->call->url),
                  problem != NULL ? problem : "not UTF-8", offset);
          enr_http_reply_free (reply);
          end_call (task, malformed_reply (), NULL);
          g_object_unref (task);
          return;
        }
      parser = json_parser_new_immutable ();
      if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
        {
          g_info ("%s %s: the reply is not JSON: %s", state->call->method,
                  url_path_for_log (state->call->url), error->message);
          enr_http_reply_free (reply);
          end_call (task, malformed_reply (), NULL);
          g_object_unref (task);
          return;
        }
      reply->body = json_parser_steal_root (parser);
    }

  end_call (task, NULL, reply);
  g_object_unref (task);
}

static void read_more (GTask *task);

static void
chunk_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  SendState *state = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (end_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (chunk == NULL)
    {
      count_request (task);
      transport_failed (task, error);
      return;
    }
  len = g_bytes_get_size (chunk);
  if (len == 0)
    {
      g_input_stream_close (state->stream, NULL, NULL);
      body_read (task);
      return;
    }
  if (state->body->len + len > ENR_JSON_MAX_REPLY_BYTES)
    {
      /* Closing the stream drops the connection: the rest is never read. */
      g_info ("%s %s: the reply is over %u bytes", state->call->method,
              url_path_for_log (state->call->url), ENR_JSON_MAX_REPLY_BYTES);
      count_request (task);
      g_input_stream_close (state->stream, NULL, NULL);
      end_call (task, malformed_reply (), NULL);
      g_object_unref (task);
      return;
    }
  g_byte_array_append (state->body, g_bytes_get_data (chunk, NULL), (guint) len);
  enr_secure_wipe ((gpointer) g_bytes_get_data (chunk, NULL), len);
  read_more (task);
}

/* Takes @task. */
static void
read_more (GTask *task)
{
  SendState *state = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (state->stream, 64 * 1024, G_PRIORITY_DEFAULT,
                                   state->cancellable, chunk_read_cb, task);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrHttp *self = g_task_get_source_object (task);
  const EnrHttpTransport *transport = self->worker->transport;
  SendState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  goffset length;
  guint status;

  stream = transport->send_finish (object, result, &error);
  if (end_if_cancelled (task))
    return;

  if (stream == NULL)
    {
      count_request (task);
      transport_failed (g_steal_pointer (&task), error);
      return;
    }

  status = transport->message_get_status (state->message);
  g_debug ("%s %s -> %u (attempt %u)", state->call->method,
           url_path_for_log (state->call->url), status, state->attempt);

  /* No endpoint redirects (PROTOCOL.md rev 2): a 3xx is an answer this
   * program does not understand, and its Location is never followed, so a
   * call cannot leave HTTPS or the configured host. */
  if (status >= 300 && status < 400)
    {
      g_info ("%s %s: redirected (%u); not followed", state->call->method,
              url_path_for_log (state->call->url), status);
      count_request (task);
      g_input_stream_close (stream, NULL, NULL);
      end_call (task, malformed_reply (), NULL);
      return;
    }

  /* 503 says the request was not carried out; other 5xx leave it unknown,
   * which only a safe call may shrug off. A 429 is retried for a safe call
   * only: to one that is not (an OTP to send) it is the service's answer,
   * "too soon", which the citizen must hear, not a wait in the dark. */
  if (status == HTTP_SERVICE_UNAVAILABLE ||
      (status >= 500 && state->call->retry == ENR_HTTP_RETRY_SAFE) ||
      (status == 429 && state->call->retry == ENR_HTTP_RETRY_SAFE))
    {
      count_request (task);
      g_input_stream_close (stream, NULL, NULL);
      retry_later (g_steal_pointer (&task),
                   g_error_new_literal (ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_UNAVAILABLE,
                                        enr_service_error_message (ENR_SERVICE_ERROR_UNAVAILABLE)),
                   retry_after_ms (transport, state->message));
      return;
    }

  length = transport->message_get_length (state->message);
  if (length > ENR_JSON_MAX_REPLY_BYTES)
    {
      g_info ("%s %s: the reply announces %" G_GOFFSET_FORMAT " bytes", state->call->method,
              url_path_for_log (state->call->url), length);
      count_request (task);
      g_input_stream_close (stream, NULL, NULL);
      end_call (task, malformed_reply (), NULL);
      return;
    }

  state->status = status;
  g_clear_object (&state->stream);
  state->stream = g_steal_pointer (&stream);
  if (state->body != NULL)
    enr_secure_wipe (state->body->data, state->body->len);
  g_clear_pointer (&state->body, g_byte_array_unref);
  state->body = g_byte_array_new ();
  read_more (g_steal_pointer (&task));
}

/* In the worker. */
static void
send_attempt (GTask *task)
{
  EnrHttp *self = g_task_get_source_object (task);
  const EnrHttpTransport *transport = self->worker->transport;
  SendState *state = g_task_get_task_data (task);
  EnrHttpCall *call = state->call;
  const char *headers[] = {
    "Accept", "application/json",
    "Authorization", call->bearer,
    "Idempotency-Key", call->idempotency_key,
    NULL,
  };

  /* No redirect is followed (sent_cb() refuses the 3xx itself). A safe
   * call may be sent again on a kept-alive connection that turns out
   * closed; an OTP, a password or a SAD gets a connection of its own. */
  g_clear_object (&state->message);
  state->message = transport->message_new (call->method, call->url,
                                           call->retry == ENR_HTTP_RETRY_SAFE, headers,
                                           call->content_type, call->body);
  if (state->message == NULL)
    {
      end_call (task, not_configured (), NULL);
      return;
    }
  state->attempt++;
  state->attempt_started_us = g_get_monotonic_time ();
  transport->send_async (self->worker->session, state->message, state->cancellable, sent_cb,
                         g_object_ref (task));
}

/* The first attempt, in the worker. libsoup never sees the caller's
 * cancellable: a cancel in the caller's thread is relayed to the worker,
 * and cancels the worker's own cancellable there. */
static gboolean
start_cb (gpointer user_data)
{
  GTask *task = user_data;
  EnrHttp *self = g_task_get_source_object (task);
  SendState *state = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;

  if (end_if_cancelled (task))
    return G_SOURCE_REMOVE;
  if (!ensure_session (self->worker, &error))
    {
      end_call (task, error, NULL);
      return G_SOURCE_REMOVE;
    }

  state->cancellable = g_cancellable_new ();
  state->started_us = g_get_monotonic_time ();
  state->cancel_relay = enr_cancel_relay_connect (cancellable,
                                                  g_main_context_get_thread_default (),
                                                  cancelled_cb, G_OBJECT (task));
  send_attempt (task);
  return G_SOURCE_REMOVE;
}

/*
 * Takes @call.
 */
void
enr_http_send_async (EnrHttp             *self,
                     EnrHttpCall         *call,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SendState *state;

  g_return_if_fail (ENR_IS_HTTP (self));
  g_return_if_fail (call != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_http_send_async);

  /* HTTPS only: a service URL of any other kind is a configuration error. */
  if (!g_str_has_prefix (call->url, "https://") ||
      !g_uri_is_valid (call->url, G_URI_FLAGS_NONE, NULL))
    {
      enr_http_call_free (call);
      g_task_return_error (task, not_configured ());
      return;
    }

  state = g_new0 (SendState, 1);
  state->call = call;
  g_task_set_task_data (task, state, (GDestroyNotify) send_state_free);

  run_in_worker (self, start_cb, task);
}

EnrHttpReply *
enr_http_send_finish (EnrHttp       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (ENR_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- Bare JSON calls ---------------------------------------------------- */

typedef struct
{
  GTask             *task;
  EnrHttpJsonParser  parse;
  GDestroyNotify     free_result;
} JsonCall;

static void
json_call_sent_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  JsonCall *json_call = user_data;
  g_autoptr(GTask) task = json_call->task;
  g_autoptr(EnrHttpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  EnrHttpJsonParser parse = json_call->parse;
  GDestroyNotify free_result = json_call->free_result;
  gpointer value;

  g_free (json_call);
  reply = enr_http_send_finish (ENR_HTTP (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (reply->status != 200)
    {
      JsonObject *body = enr_http_reply_get_object (reply);

      g_info ("call refused: HTTP %u %s", reply->status,
              body ? json_object_get_string_member_with_default (body, "error", "") : "");
      g_task_return_new_error (task, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_FAILED, "%s",
                               enr_service_error_message (ENR_SERVICE_ERROR_FAILED));
      return;
    }

  value = parse != NULL ? parse (reply->body, &error) : GINT_TO_POINTER (TRUE);
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, free_result);
}

void
enr_http_send_json_for_task (EnrHttp           *self,
                             EnrHttpCall       *call,
                             EnrHttpJsonParser  parse,
                             GDestroyNotify     free_result,
                             GTask             *task)
{
  JsonCall *json_call;

  g_return_if_fail (ENR_IS_HTTP (self));
  g_return_if_fail (call != NULL);
  g_return_if_fail (G_IS_TASK (task));

  json_call = g_new0 (JsonCall, 1);
  json_call->task = task;
  json_call->parse = parse;
  json_call->free_result = free_result;
  enr_http_send_async (self, call, g_task_get_cancellable (task), json_call_sent_cb, json_call);
}

gpointer
enr_http_json_finish (GAsyncResult  *result,
                      gpointer       source_object,
                      gpointer       source_tag,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, source_object), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- Binary calls: RFC 3161's time stamps ------------------------------ */

/* PROTOCOL.md rev 2: a reply over 8 MiB is malformed, unread. */
#define MAX_BINARY_REPLY (8 * 1024 * 1024)

typedef struct
{
  char         *url;
  char         *content_type;
  char         *accept;
  GBytes       *body;
  GObject      *message;
  GCancellable *cancellable;    /* the worker's own, for libsoup */
  gulong        cancel_relay;   /* the caller's cancel, seen in the worker */
  gint64        started_us;
  guint         status;
} BinaryCall;

static void
binary_call_free (BinaryCall *call)
{
  g_free (call->url);
  g_free (call->content_type);
  g_free (call->accept);
  g_clear_pointer (&call->body, g_bytes_unref);
  g_clear_object (&call->message);
  g_clear_object (&call->cancellable);
  g_free (call);
}

static gboolean
binary_cancelled_cb (gpointer user_data)
{
  BinaryCall *call = g_task_get_task_data (user_data);

  g_cancellable_cancel (call->cancellable);
  return G_SOURCE_REMOVE;
}

static void
binary_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrHttp *self = g_task_get_source_object (task);
  BinaryCall *call = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = self->worker->transport->send_and_read_finish (object, result, &error);
  g_mutex_lock (&self->stats_lock);
  self->requests++;
  self->waited_us += g_get_monotonic_time () - call->started_us;
  g_mutex_unlock (&self->stats_lock);
  enr_cancel_relay_disconnect (g_task_get_cancellable (task), &call->cancel_relay);

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (bytes == NULL)
    {
      g_debug ("POST %s: %s", url_path_for_log (call->url), error->message);
      g_task_return_error (task, service_error_for_transport (error));
      return;
    }
  call->status = self->worker->transport->message_get_status (call->message);
  g_debug ("POST %s -> %u", url_path_for_log (call->url), call->status);
  if (g_bytes_get_size (bytes) > MAX_BINARY_REPLY)
    {
      g_task_return_new_error (task, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY, "%s",
                               enr_service_error_message (ENR_SERVICE_ERROR_MALFORMED_REPLY));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&bytes), (GDestroyNotify) g_bytes_unref);
}

/* In the worker. */
static gboolean
binary_start_cb (gpointer user_data)
{
  GTask *task = user_data;
  EnrHttp *self = g_task_get_source_object (task);
  BinaryCall *call = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  const char *headers[] = { "Accept", call->accept, NULL };
  GError *error = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      !ensure_session (self->worker, &error))
    {
      g_task_return_error (task, error);
      return G_SOURCE_REMOVE;
    }
  call->cancellable = g_cancellable_new ();
  call->cancel_relay = enr_cancel_relay_connect (cancellable,
                                                 g_main_context_get_thread_default (),
                                                 binary_cancelled_cb, G_OBJECT (task));
  /* A time stamp may be asked for again; no redirect is ever followed. */
  call->message = self->worker->transport->message_new ("POST", call->url, TRUE, headers,
                                                        call->content_type, call->body);
  if (call->message == NULL)
    {
      g_task_return_error (task, not_configured ());
      return G_SOURCE_REMOVE;
    }
  call->started_us = g_get_monotonic_time ();
  self->worker->transport->send_and_read_async (self->worker->session, call->message,
                                                call->cancellable, binary_read_cb,
                                                g_object_ref (task));
  return G_SOURCE_REMOVE;
}

void
enr_http_post_bytes_async (EnrHttp             *self,
                           const char          *url,
                           const char          *content_type,
                           const char          *accept,
                           GBytes              *body,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  BinaryCall *call;

  g_return_if_fail (ENR_IS_HTTP (self));
  g_return_if_fail (url != NULL && content_type != NULL && accept != NULL && body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_http_post_bytes_async);
  if (!g_str_has_prefix (url, "https://") || !g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL))
    {
      g_task_return_error (task, not_configured ());
      return;
    }
  call = g_new0 (BinaryCall, 1);
  call->url = g_strdup (url);
  call->content_type = g_strdup (content_type);
  call->accept = g_strdup (accept);
  call->body = g_bytes_ref (body);
  g_task_set_task_data (task, call, (GDestroyNotify) binary_call_free);
  run_in_worker (self, binary_start_cb, task);
}

GBytes *
enr_http_post_bytes_finish (EnrHttp       *self,
                            GAsyncResult  *result,
                            guint         *status,
                            GError       **error)
{
  GBytes *body;

  g_return_val_if_fail (ENR_IS_HTTP (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enr_http_post_bytes_async,
                        NULL);

  body = g_task_propagate_pointer (G_TASK (result), error);
  if (body != NULL && status != NULL)
    *status = ((BinaryCall *) g_task_get_task_data (G_TASK (result)))->status;
  return body;
}
