/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-server"

#include "config.h"

#include <string.h>

#include "sbx-citizens.h"
#include "sbx-clock.h"
#include "sbx-files.h"
#include "sbx-job.h"
#include "sbx-keepalive.h"
#include "sbx-linger.h"
#include "sbx-request-private.h"
#include "sbx-server-private.h"
#include "sbx-smartca-private.h"
#include "sbx-transactions.h"

typedef struct
{
  SbxApi      api;
  char       *method;
  char      **segments;   /* "{name}" matches any one segment */
  SbxHandler  handler;
} SbxRoute;

struct _SbxServer
{
  GObject       parent_instance;

  char         *data_dir;
  guint         sync_delay_ms;
  SbxDb        *db;
  SbxCa        *ca;
  SbxHsm       *hsm;
  SoupServer   *soup;
  SbxKeepalive *keepalive;
  GPtrArray    *routes;
  char         *vneid_url;
  char         *smartca_url;
  char         *control_url;
  char         *tsa_url;
  SbxFaults     faults;
  /* SbxPending: the API requests the faults' latency holds back. */
  GPtrArray    *held;
  GRand        *rand;
};

G_DEFINE_FINAL_TYPE (SbxServer, sbx_server, G_TYPE_OBJECT)

/* An API request held back by the faults' latency. */
typedef struct
{
  SbxServer  *server;
  SbxRequest *req;
  SbxHandler  handler;
  guint       fault_status;
  guint       timeout_id;
} SbxPending;

static void
pending_free (SbxPending *pending)
{
  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  sbx_request_unref (pending->req);
  g_free (pending);
}

static const struct
{
  const char *prefix;
  SbxApi      api;
} bases[] = {
  { "/vneid", SBX_API_VNEID },
  { "/smartca", SBX_API_SMARTCA },
  { "/sandbox", SBX_API_CONTROL },
  { "/tsa", SBX_API_TSA },
};

static void
route_free (SbxRoute *route)
{
  g_free (route->method);
  g_strfreev (route->segments);
  g_free (route);
}

static void
sbx_server_finalize (GObject *object)
{
  SbxServer *self = SBX_SERVER (object);

  g_clear_pointer (&self->keepalive, sbx_keepalive_free);
  g_clear_pointer (&self->held, g_ptr_array_unref);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_pointer (&self->db, sbx_db_close);
  g_clear_pointer (&self->ca, sbx_ca_free);
  g_clear_pointer (&self->hsm, sbx_hsm_free);
  g_clear_pointer (&self->rand, g_rand_free);
  g_free (self->data_dir);
  g_free (self->vneid_url);
  g_free (self->smartca_url);
  g_free (self->control_url);

  G_OBJECT_CLASS (sbx_server_parent_class)->finalize (object);
}

static void
sbx_server_class_init (SbxServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sbx_server_finalize;
}

static void
sbx_server_init (SbxServer *self)
{
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  self->rand = g_rand_new_with_seed (0);
  self->sync_delay_ms = 2000;
}

/* Which API a path belongs to, and the rest of it below the API's base. */
static gboolean
split_path (const char  *path,
            SbxApi      *api,
            const char **rest)
{
  for (guint i = 0; i < G_N_ELEMENTS (bases); i++)
    {
      gsize len = strlen (bases[i].prefix);

      if (strncmp (path, bases[i].prefix, len) != 0)
        continue;
      if (path[len] == '/')
        *rest = path + len + 1;
      else if (path[len] == '\0')
        *rest = path + len;
      else
        continue;
      *api = bases[i].api;
      return TRUE;
    }
  return FALSE;
}

/* RFC 6749's shape for VNeID and for SmartCA's OAuth endpoints. */
static gboolean
uses_oauth_shape (SbxApi      api,
                  const char *rest)
{
  if (api == SBX_API_VNEID)
    return TRUE;
  return api == SBX_API_SMARTCA && g_str_has_prefix (rest, "auth/");
}

static SbxRequest *
request_for (SbxServer         *self,
             SoupServerMessage *msg,
             const char        *path)
{
  SbxApi api = SBX_API_CONTROL;
  const char *rest = "";

  /* An unknown base gets the bare {"error"} shape, which RFC 6749's extends. */
  if (!split_path (path, &api, &rest))
    return sbx_request_new (self, msg, SBX_API_CONTROL, FALSE);
  return sbx_request_new (self, msg, api, uses_oauth_shape (api, rest));
}

static GPtrArray *
match_route (SbxRoute  *route,
             char     **segments)
{
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  guint n = g_strv_length (segments);

  if (n != g_strv_length (route->segments))
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      const char *want = route->segments[i];

      if (want[0] == '{')
        {
          if (segments[i][0] == '\0')
            return NULL;
          g_ptr_array_add (params, g_strdup (segments[i]));
        }
      else if (strcmp (want, segments[i]) != 0)
        return NULL;
    }
  return g_steal_pointer (&params);
}

static gboolean
is_loopback (SoupServerMessage *msg)
{
  GSocketAddress *address = soup_server_message_get_remote_address (msg);

  if (!G_IS_INET_SOCKET_ADDRESS (address))
    return FALSE;
  return g_inet_address_get_is_loopback (
    g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
}

static void
start (SbxRequest *req,
       SbxHandler  handler,
       guint       fault_status)
{
  if (req->gone)
    return;
  if (fault_status != 0)
    sbx_reply_fault (req, fault_status);
  else
    sbx_request_run (req, handler);
}

static gboolean
latency_done_cb (gpointer user_data)
{
  SbxPending *pending = user_data;

  pending->timeout_id = 0;
  start (pending->req, pending->handler, pending->fault_status);
  g_ptr_array_remove_fast (pending->server->held, pending);
  return G_SOURCE_REMOVE;
}

static void
server_cb (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SbxServer *self = user_data;
  g_autoptr(SbxRequest) req = NULL;
  g_autoptr(GString) allow = NULL;
  g_auto(GStrv) segments = NULL;
  g_autoptr(GPtrArray) params = NULL;
  SbxRoute *found = NULL;
  const char *rest = "";
  SbxApi api;
  guint fault_status = 0;

  req = request_for (self, msg, path);
  if (!split_path (path, &api, &rest))
    {
      sbx_reply_not_found (req);
      return;
    }

  segments = g_strsplit (rest, "/", -1);
  for (guint i = 0; i < self->routes->len && found == NULL; i++)
    {
      SbxRoute *route = g_ptr_array_index (self->routes, i);
      g_autoptr(GPtrArray) matched = NULL;

      if (route->api != api)
        continue;
      matched = match_route (route, segments);
      if (matched == NULL)
        continue;
      if (strcmp (route->method, req->method) == 0)
        {
          found = route;
          params = g_steal_pointer (&matched);
        }
      else
        {
          if (allow == NULL)
            allow = g_string_new (route->method);
          else
            g_string_append_printf (allow, ", %s", route->method);
        }
    }

  if (found == NULL)
    {
      if (allow != NULL)
        sbx_reply_method_not_allowed (req, allow->str);
      else
        sbx_reply_not_found (req);
      return;
    }

  if (api == SBX_API_CONTROL && !is_loopback (msg))
    {
      sbx_reply_forbidden (req);
      return;
    }

  sbx_request_set_params (req, params);

  if (api != SBX_API_CONTROL)
    {
      /* Drawn in arrival order, so a seed replays the same failures. */
      if (self->faults.fail_rate > 0 && g_rand_double (self->rand) < self->faults.fail_rate)
        {
          if (self->faults.drop_connection)
            req->drop = TRUE;
          else
            fault_status = self->faults.status;
        }

      if (self->faults.latency_ms > 0)
        {
          SbxPending *pending = g_new0 (SbxPending, 1);

          pending->server = self;
          pending->req = sbx_request_ref (req);
          pending->handler = found->handler;
          pending->fault_status = fault_status;
          sbx_request_pause (req);
          pending->timeout_id = g_timeout_add (self->faults.latency_ms, latency_done_cb, pending);
          g_ptr_array_add (self->held, pending);
          return;
        }
    }

  start (req, found->handler, fault_status);
}

/* A body that is too large, once its first chunks are in: the rest is read
 * and thrown away (never kept), then the 413 is answered. */
static void
refuse_too_large (SbxServer         *self,
                  SoupServerMessage *msg)
{
  g_autoptr(SbxRequest) req = NULL;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  GUri *uri = soup_server_message_get_uri (msg);

  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  req = request_for (self, msg, uri != NULL ? g_uri_get_path (uri) : "/");
  req->in_handler = TRUE;
  sbx_reply_too_large (req);
  req->in_handler = FALSE;
}

typedef struct
{
  SoupServerMessage *msg;
  GBytes            *answer;
  gboolean           gone;
  gulong             disconnected_id;
} SbxEarlyAnswer;

static void
early_gone_cb (SoupServerMessage *msg,
               gpointer           user_data)
{
  SbxEarlyAnswer *early = user_data;

  early->gone = TRUE;
}

static gboolean
early_answer_cb (gpointer user_data)
{
  SbxEarlyAnswer *early = user_data;

  g_clear_signal_handler (&early->disconnected_id, early->msg);
  if (!early->gone)
    {
      g_autoptr(GIOStream) stream = soup_server_message_steal_connection (early->msg);

      if (stream != NULL)
        sbx_linger_answer_and_close (stream, early->answer);
    }
  g_object_unref (early->msg);
  g_bytes_unref (early->answer);
  g_free (early);
  return G_SOURCE_REMOVE;
}

/* The whole HTTP answer libsoup would have written, as bytes. */
static GBytes *
serialize_answer (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  GString *text = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  guint status = soup_server_message_get_status (msg);

  g_string_append_printf (text, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (g_ascii_strcasecmp (name, "Content-Length") != 0)
      g_string_append_printf (text, "%s: %s\r\n", name, value);
  g_string_append_printf (text, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          g_bytes_get_size (body));
  g_string_append_len (text, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return g_string_free_to_bytes (text);
}

/* A declared length over the limit: answered at once, without waiting for
 * a body that may never come (or be gigabytes long). libsoup would read the
 * whole body before writing any answer, so the connection is taken from it
 * (after this callback, out of libsoup's own reading code) and answered by
 * hand. */
static void
refuse_declared_too_large (SbxServer         *self,
                           SoupServerMessage *msg)
{
  g_autoptr(SbxRequest) req = NULL;
  SbxEarlyAnswer *early;
  GUri *uri = soup_server_message_get_uri (msg);

  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  req = request_for (self, msg, uri != NULL ? g_uri_get_path (uri) : "/");
  req->in_handler = TRUE;
  sbx_reply_too_large (req);
  req->in_handler = FALSE;

  early = g_new0 (SbxEarlyAnswer, 1);
  early->msg = g_object_ref (msg);
  early->answer = serialize_answer (msg);
  early->disconnected_id = g_signal_connect (msg, "disconnected",
                                             G_CALLBACK (early_gone_cb), early);
  soup_server_message_pause (msg);
  g_idle_add_full (G_PRIORITY_HIGH, early_answer_cb, early, NULL);
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  SbxServer *self = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (soup_server_message_get_status (msg) == 0 && body->length > SBX_MAX_BODY)
    refuse_too_large (self, msg);
}

static void
early_cb (SoupServer        *soup,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SbxServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response_headers = soup_server_message_get_response_headers (msg);

  /* The headers parsed: from here on every answer is the sandbox's own, and
   * a "100 Continue" must not carry the stand-in's headers. */
  soup_message_headers_remove (response_headers, "Content-Type");
  soup_message_headers_remove (response_headers, "Cache-Control");
  soup_message_headers_remove (response_headers, "Connection");
  soup_message_body_truncate (soup_server_message_get_response_body (msg));

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      if (soup_message_headers_get_content_length (headers) > SBX_MAX_BODY)
        refuse_declared_too_large (self, msg);
    }
  else
    g_signal_connect_object (msg, "got-chunk", G_CALLBACK (got_chunk_cb), self, 0);
}

/* libsoup refuses a path it cannot decode (a %00 in it, say) with a bare
 * 400 before any handler runs: no such path can name an endpoint, so it
 * gets the API's own 404 instead. */
static void
request_read_cb (SoupServer        *soup,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  SbxServer *self = user_data;
  g_autoptr(SbxRequest) req = NULL;
  guint status = soup_server_message_get_status (msg);
  GUri *uri = soup_server_message_get_uri (msg);

  /* Zero, or a 413 this server made while the body came in. */
  if (status == 0 || status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    return;

  req = request_for (self, msg, uri != NULL ? g_uri_get_path (uri) : "/");
  req->in_handler = TRUE;
  if (status == SOUP_STATUS_BAD_REQUEST)
    sbx_reply_not_found (req);
  else
    sbx_reply_fault (req, SOUP_STATUS_INTERNAL_SERVER_ERROR);
  req->in_handler = FALSE;
}

/* libsoup answers a request it cannot parse at all (a garbled request
 * line, an unknown Transfer-Encoding) itself, with no body and before any
 * signal that would let the sandbox write one. So every message starts
 * with a JSON answer already in place; a handler's answer replaces it. */
static void
request_started_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  static const char body[] =
    "{\"error\":\"invalid_request\",\"error_description\":\"The request is not valid HTTP\"}";
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "Connection", "close");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    body, sizeof body - 1);
}

SbxServer *
sbx_server_new (const SbxServerOptions  *options,
                GError                 **error)
{
  g_autoptr(SbxServer) self = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *db_path = NULL;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->data_dir != NULL, NULL);

  self = g_object_new (SBX_TYPE_SERVER, NULL);
  self->data_dir = g_canonicalize_filename (options->data_dir, NULL);
  self->sync_delay_ms = options->sync_delay_ms;

  /* Before anything secret is written there. */
  if (!sbx_files_secure_data_dir (self->data_dir, error))
    return NULL;

  self->ca = sbx_ca_load_or_create (self->data_dir, error);
  if (self->ca == NULL)
    return NULL;

  db_path = g_build_filename (self->data_dir, "sandbox.db", NULL);
  self->db = sbx_db_open (db_path, error);
  if (self->db == NULL)
    return NULL;
  sbx_clock_init (self->db);
  self->hsm = sbx_hsm_new (self->db, error);
  if (self->hsm == NULL)
    return NULL;
  sbx_transactions_set_lifetime (options->transaction_expiry_s > 0
                                 ? options->transaction_expiry_s : 300);
  sbx_activation_set_certificate_days (options->certificate_days > 0
                                       ? options->certificate_days : 365);

  if (!sbx_citizens_load (self->db, options->citizens_file, error))
    return NULL;

  sbx_vneid_register (self);
  sbx_smartca_register (self);
  sbx_control_register (self);
  sbx_tsa_register (self);

  certificate = g_tls_certificate_new_from_files (sbx_ca_get_tls_cert_path (self->ca),
                                                  sbx_ca_get_tls_key_path (self->ca), error);
  if (certificate == NULL)
    return NULL;

  self->soup = soup_server_new ("tls-certificate", certificate,
                                "server-header", "smartca-sandbox",
                                NULL);
  self->keepalive = sbx_keepalive_new (self->soup);
  soup_server_add_early_handler (self->soup, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, server_cb, self, NULL);
  g_signal_connect_object (self->soup, "request-started", G_CALLBACK (request_started_cb),
                           self, 0);
  g_signal_connect_object (self->soup, "request-read", G_CALLBACK (request_read_cb), self, 0);

  return g_steal_pointer (&self);
}

static void
set_urls (SbxServer  *self,
          const char *base)
{
  g_free (self->vneid_url);
  self->vneid_url = g_strconcat (base, "/vneid", NULL);
  g_free (self->smartca_url);
  self->smartca_url = g_strconcat (base, "/smartca", NULL);
  g_free (self->control_url);
  self->control_url = g_strconcat (base, "/sandbox", NULL);
  g_free (self->tsa_url);
  self->tsa_url = g_strconcat (base, "/tsa", NULL);
}

gboolean
sbx_server_listen (SbxServer   *self,
                   const char  *address,
                   GError     **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autofree char *host = NULL;
  g_autofree char *url_host = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  GSList *listeners;
  const char *colon;
  guint64 port = 0;
  guint16 bound_port;

  g_return_val_if_fail (SBX_IS_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  colon = strrchr (address, ':');
  if (colon == NULL ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an address and a port, like 127.0.0.1:0", address);
      return FALSE;
    }
  host = g_strndup (address, colon - address);
  if (host[0] == '[' && g_str_has_suffix (host, "]"))
    {
      char *bare = g_strndup (host + 1, strlen (host) - 2);

      g_free (host);
      host = bare;
    }

  inet = g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", host);
      return FALSE;
    }

  socket_address = g_inet_socket_address_new (inet, (guint16) port);
  if (!soup_server_listen (self->soup, socket_address, SOUP_SERVER_LISTEN_HTTPS, error))
    return FALSE;

  listeners = soup_server_get_listeners (self->soup);
  if (listeners != NULL)
    local = g_socket_get_local_address (listeners->data, NULL);
  g_slist_free (listeners);
  if (!G_IS_INET_SOCKET_ADDRESS (local))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot tell which port was bound");
      return FALSE;
    }
  bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));

  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6)
    url_host = g_strdup_printf ("[%s]", host);
  else
    url_host = g_strdup (host);
  base = g_strdup_printf ("https://%s:%u", url_host, bound_port);
  set_urls (self, base);

  g_message ("Listening on %s", base);
  return TRUE;
}

gboolean
sbx_server_accept_stream (SbxServer  *self,
                          GIOStream  *stream,
                          GError    **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) local = g_inet_socket_address_new (loopback, 443);
  g_autoptr(GSocketAddress) remote = g_inet_socket_address_new (loopback, 50000);

  g_return_val_if_fail (SBX_IS_SERVER (self), FALSE);
  g_return_val_if_fail (G_IS_IO_STREAM (stream), FALSE);

  /* The URLs the answers name (a verification URI, a hand-off): those of
   * a listening server, or, never listened, a loopback stand-in. */
  if (self->vneid_url == NULL)
    set_urls (self, "https://127.0.0.1");
  return soup_server_accept_iostream (self->soup, stream, local, remote, error);
}

static gboolean
deadline_cb (gpointer user_data)
{
  gboolean *passed = user_data;

  *passed = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
sbx_server_drain (SbxServer *self,
                  guint      timeout_ms)
{
  gboolean passed = FALSE;
  guint source;

  g_return_val_if_fail (SBX_IS_SERVER (self), FALSE);

  if (sbx_job_pending () == 0 && sbx_reply_answers_in_flight () == 0)
    return TRUE;
  source = g_timeout_add (timeout_ms, deadline_cb, &passed);
  while ((sbx_job_pending () > 0 || sbx_reply_answers_in_flight () > 0) && !passed)
    g_main_context_iteration (NULL, TRUE);
  if (!passed)
    g_source_remove (source);
  return !passed;
}

char *
sbx_server_describe (SbxServer *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (SBX_IS_SERVER (self), NULL);
  g_return_val_if_fail (self->vneid_url != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "vneid_url");
  json_builder_add_string_value (builder, self->vneid_url);
  json_builder_set_member_name (builder, "smartca_url");
  json_builder_add_string_value (builder, self->smartca_url);
  json_builder_set_member_name (builder, "control_url");
  json_builder_add_string_value (builder, self->control_url);
  json_builder_set_member_name (builder, "tsa_url");
  json_builder_add_string_value (builder, self->tsa_url);
  json_builder_set_member_name (builder, "trust_anchor");
  json_builder_add_string_value (builder, sbx_ca_get_root_pem_path (self->ca));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

SbxDb *
sbx_server_get_db (SbxServer *self)
{
  g_return_val_if_fail (SBX_IS_SERVER (self), NULL);
  return self->db;
}

const char *
sbx_server_get_data_dir (SbxServer *self)
{
  g_return_val_if_fail (SBX_IS_SERVER (self), NULL);
  return self->data_dir;
}

guint
sbx_server_get_sync_delay_ms (SbxServer *self)
{
  g_return_val_if_fail (SBX_IS_SERVER (self), 0);
  return self->sync_delay_ms;
}

SbxCa *
sbx_server_get_ca (SbxServer *self)
{
  g_return_val_if_fail (SBX_IS_SERVER (self), NULL);
  return self->ca;
}

const char *
sbx_server_get_vneid_url (SbxServer *self)
{
  g_return_val_if_fail (SBX_IS_SERVER (self), NULL);
  return self->vneid_url;
}

const char *
sbx_server_get_smartca_url (SbxServer *self)
{
  g_return_val_if_fail (SBX_IS_SERVER (self), NULL);
  return self->smartca_url;
}

const char *
sbx_server_get_control_url (SbxServer *self)
{
  g_return_val_if_fail (SBX_IS_SERVER (self), NULL);
  return self->control_url;
}

SbxHsm *
sbx_server_get_hsm (SbxServer *self)
{
  g_return_val_if_fail (SBX_IS_SERVER (self), NULL);
  return self->hsm;
}

void
sbx_server_add_route (SbxServer  *self,
                      SbxApi      api,
                      const char *method,
                      const char *pattern,
                      SbxHandler  handler)
{
  SbxRoute *route;

  g_return_if_fail (SBX_IS_SERVER (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (pattern != NULL);
  g_return_if_fail (handler != NULL);

  /* "/api/v1/…" and "api/v1/…" name the same route. */
  while (*pattern == '/')
    pattern++;

  route = g_new0 (SbxRoute, 1);
  route->api = api;
  route->method = g_ascii_strup (method, -1);
  route->segments = g_strsplit (pattern, "/", -1);
  route->handler = handler;
  g_ptr_array_add (self->routes, route);
}

void
sbx_server_set_faults (SbxServer       *self,
                       const SbxFaults *faults)
{
  g_return_if_fail (SBX_IS_SERVER (self));
  g_return_if_fail (faults != NULL);

  /* What the old latency holds is answered now, so that a test that has
   * seen what a slow answer shows need not wait out the rest of it. */
  if (self->held->len > 0)
    {
      g_autoptr(GPtrArray) held = g_steal_pointer (&self->held);

      self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
      for (guint i = 0; i < held->len; i++)
        {
          SbxPending *pending = g_ptr_array_index (held, i);

          start (pending->req, pending->handler, pending->fault_status);
        }
    }

  self->faults = *faults;
  g_rand_set_seed (self->rand, faults->seed);
  if (faults->fail_rate <= 0 && faults->latency_ms == 0)
    g_message ("Faults off");
  else if (faults->drop_connection)
    g_message ("Faults: failRate %.3f, latencyMs %u, dropConnection, seed %u",
               faults->fail_rate, faults->latency_ms, faults->seed);
  else
    g_message ("Faults: failRate %.3f, latencyMs %u, status %u, seed %u",
               faults->fail_rate, faults->latency_ms, faults->status, faults->seed);
}
