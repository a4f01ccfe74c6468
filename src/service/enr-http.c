/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one HTTP client of the program: a SoupSession that trusts either the
 * system store or one configured anchor, and a send that retries what may
 * be retried (see EnrHttpRetry) with capped exponential backoff and jitter.
 */
#define G_LOG_DOMAIN "enr-http"

#include "config.h"

#include <gnutls/gnutls.h>
#include <libsoup/soup.h>
#include <string.h>

#include "enr-http.h"
#include "enr-service-error.h"

#define IO_TIMEOUT_S          20
#define DEFAULT_MAX_ATTEMPTS  6
#define DEFAULT_BASE_DELAY_MS 250
#define DEFAULT_MAX_DELAY_MS  8000
#define DEFAULT_DEADLINE_MS   90000

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

struct _EnrHttp
{
  GObject      parent_instance;

  SoupSession *session;
  guint        max_attempts;
  guint        base_delay_ms;
  guint        max_delay_ms;
  guint        deadline_ms;
};

G_DEFINE_FINAL_TYPE (EnrHttp, enr_http, G_TYPE_OBJECT)

/* --- Calls ------------------------------------------------------------- */

static void
wipe_and_free (gpointer data,
               gsize    len)
{
  gnutls_memset (data, 0, len);
  g_free (data);
}

static void
wipe_string (char **str)
{
  if (*str != NULL)
    wipe_and_free (*str, strlen (*str));
  *str = NULL;
}

static void
wipe_cstring (gpointer data)
{
  char *str = data;

  wipe_string (&str);
}

static void
free_wiped_body (gpointer data)
{
  GString *str = data;

  gnutls_memset (str->str, 0, str->allocated_len);
  g_string_free (str, TRUE);
}

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
  wipe_string (&call->bearer);
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
  call->body = g_bytes_new_with_free_func (text, len, wipe_cstring, text);
  call->content_type = "application/json";
}

void
enr_http_call_set_form (EnrHttpCall *call,
                        const char  *first_name,
                        ...)
{
  GString *form = g_string_new (NULL);
  va_list args;

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
  call->body = g_bytes_new_with_free_func (form->str, form->len, free_wiped_body, form);
  call->content_type = "application/x-www-form-urlencoded";
}

void
enr_http_call_set_bearer (EnrHttpCall *call,
                          const char  *token)
{
  g_return_if_fail (call != NULL);

  wipe_string (&call->bearer);
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

static void
enr_http_dispose (GObject *object)
{
  EnrHttp *self = ENR_HTTP (object);

  g_clear_object (&self->session);

  G_OBJECT_CLASS (enr_http_parent_class)->dispose (object);
}

static void
enr_http_class_init (EnrHttpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enr_http_dispose;
}

static void
enr_http_init (EnrHttp *self)
{
  self->max_attempts = DEFAULT_MAX_ATTEMPTS;
  self->base_delay_ms = DEFAULT_BASE_DELAY_MS;
  self->max_delay_ms = DEFAULT_MAX_DELAY_MS;
  self->deadline_ms = DEFAULT_DEADLINE_MS;
}

EnrHttp *
enr_http_new (const char  *trust_anchor,
              GError     **error)
{
  g_autoptr(EnrHttp) self = g_object_new (ENR_TYPE_HTTP, NULL);
  g_autofree char *user_agent = g_strdup_printf ("smartca-enroll/%s", PACKAGE_VERSION);

  /* The session keeps GIO's default proxy resolver, so the system proxy
   * settings apply unchanged, and it never accepts an untrusted
   * certificate: no accept-certificate handler exists anywhere. */
  self->session = soup_session_new_with_options ("timeout", IO_TIMEOUT_S,
                                                 "idle-timeout", 60,
                                                 "user-agent", user_agent,
                                                 NULL);

  if (trust_anchor != NULL && *trust_anchor != '\0')
    {
      g_autoptr(GTlsDatabase) database = NULL;

      if (!g_path_is_absolute (trust_anchor))
        {
          g_set_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NOT_CONFIGURED,
                       "%s", enr_service_error_message (ENR_SERVICE_ERROR_NOT_CONFIGURED));
          g_warning ("The trust anchor must be an absolute path");
          return NULL;
        }

      database = g_tls_file_database_new (trust_anchor, error);
      if (database == NULL)
        return NULL;
      soup_session_set_tls_database (self->session, database);
    }

  return g_steal_pointer (&self);
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
  SoupMessage *message;
  guint        attempt;
  gint64       started_us;
  GError      *last_error;
  GSource     *wait_source;
  GSource     *cancel_source;
} SendState;

static void clear_source (GSource **source);

static void
send_state_free (SendState *state)
{
  clear_source (&state->wait_source);
  clear_source (&state->cancel_source);
  g_clear_object (&state->message);
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
retry_after_ms (SoupMessage *message)
{
  const char *value;
  gint64 seconds;

  value = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                        "Retry-After");
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

/* The wait source owns the task; the cancel source borrows it. */
static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  g_autoptr(GTask) task = g_object_ref (user_data);
  SendState *state = g_task_get_task_data (task);

  clear_source (&state->cancel_source);
  clear_source (&state->wait_source);
  g_task_return_error_if_cancelled (task);
  return G_SOURCE_REMOVE;
}

static gboolean
wait_done_cb (gpointer user_data)
{
  GTask *task = user_data;
  SendState *state = g_task_get_task_data (task);

  g_clear_pointer (&state->wait_source, g_source_unref);
  clear_source (&state->cancel_source);
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
  GCancellable *cancellable = g_task_get_cancellable (task);
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
      g_task_return_error (task, g_steal_pointer (&state->last_error));
      g_object_unref (task);
      return;
    }

  g_debug ("%s %s: attempt %u failed, next in %" G_GINT64_FORMAT " ms", state->call->method,
           url_path_for_log (state->call->url), state->attempt, delay_ms);

  state->wait_source = g_timeout_source_new ((guint) delay_ms);
  g_source_set_callback (state->wait_source, wait_done_cb, task, g_object_unref);
  g_source_attach (state->wait_source, g_main_context_get_thread_default ());

  /* Cancel takes effect at once, not after the wait. */
  if (cancellable != NULL)
    {
      state->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (state->cancel_source, G_SOURCE_FUNC (cancelled_cb), task, NULL);
      g_source_attach (state->cancel_source, g_main_context_get_thread_default ());
    }
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SendState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;
  guint status;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (bytes == NULL)
    {
      gboolean may_retry = state->call->retry == ENR_HTTP_RETRY_SAFE ||
                           failed_before_sending (error);

      g_debug ("%s %s: %s", state->call->method, url_path_for_log (state->call->url),
               error->message);
      if (error->domain == G_TLS_ERROR || !may_retry)
        {
          g_task_return_error (task, service_error_for_transport (error));
          return;
        }
      retry_later (g_steal_pointer (&task), service_error_for_transport (error), 0);
      return;
    }

  status = soup_message_get_status (state->message);
  g_debug ("%s %s -> %u (attempt %u)", state->call->method,
           url_path_for_log (state->call->url), status, state->attempt);

  /* 503 says the request was not carried out; other 5xx leave it unknown,
   * which only a safe call may shrug off. A 429 is retried for a safe call
   * only: to one that is not (an OTP to send) it is the service's answer,
   * "too soon", which the citizen must hear, not a wait in the dark. */
  if (status == SOUP_STATUS_SERVICE_UNAVAILABLE ||
      (status >= 500 && state->call->retry == ENR_HTTP_RETRY_SAFE) ||
      (status == 429 && state->call->retry == ENR_HTTP_RETRY_SAFE))
    {
      retry_later (g_steal_pointer (&task),
                   g_error_new_literal (ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_UNAVAILABLE,
                                        enr_service_error_message (ENR_SERVICE_ERROR_UNAVAILABLE)),
                   retry_after_ms (state->message));
      return;
    }

  reply = g_new0 (EnrHttpReply, 1);
  reply->status = status;

  if (g_bytes_get_size (bytes) > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);

      if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
        {
          g_info ("%s %s: the reply is not JSON: %s", state->call->method,
                  url_path_for_log (state->call->url), error->message);
          g_task_return_new_error (task, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY,
                                   "%s", enr_service_error_message (ENR_SERVICE_ERROR_MALFORMED_REPLY));
          return;
        }
      reply->body = json_parser_steal_root (parser);
    }

  g_task_return_pointer (task, g_steal_pointer (&reply), (GDestroyNotify) enr_http_reply_free);
}

static void
send_attempt (GTask *task)
{
  EnrHttp *self = g_task_get_source_object (task);
  SendState *state = g_task_get_task_data (task);
  EnrHttpCall *call = state->call;
  SoupMessageHeaders *headers;

  g_clear_object (&state->message);
  state->message = soup_message_new (call->method, call->url);
  state->attempt++;

  headers = soup_message_get_request_headers (state->message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (call->bearer != NULL)
    soup_message_headers_replace (headers, "Authorization", call->bearer);
  if (call->idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", call->idempotency_key);
  if (call->body != NULL)
    soup_message_set_request_body_from_bytes (state->message, call->content_type, call->body);

  soup_session_send_and_read_async (self->session, state->message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), read_cb,
                                    g_object_ref (task));
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
      g_task_return_new_error (task, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NOT_CONFIGURED,
                               "%s", enr_service_error_message (ENR_SERVICE_ERROR_NOT_CONFIGURED));
      return;
    }

  state = g_new0 (SendState, 1);
  state->call = call;
  state->started_us = g_get_monotonic_time ();
  g_task_set_task_data (task, state, (GDestroyNotify) send_state_free);

  send_attempt (task);
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
