/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The connection check: each host of the services is resolved, connected
 * to (GSocketClient follows the system proxy) and asked to prove who it is
 * (a TLS handshake against the trust anchor), one at a time; then VNeID
 * and SmartCA are each asked one question they refuse without a login,
 * and the Date of the answer is set against this computer's clock.
 */
#define G_LOG_DOMAIN "enr-connection-check"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "enr-connection-check.h"
#include "enr-http-transport.h"

#define STEP_TIMEOUT_S 15
/* An answer to a refused call is small; anything bigger is not one. */
#define MAX_BODY_BYTES (64 * 1024)

typedef struct
{
  char *name;
  int   port;
} Host;

typedef struct
{
  EnrConnectionCheck *check;
  GUri               *vneid;
  GUri               *smartca;
  GPtrArray          *hosts;          /* Host, the distinct ones, VNeID's first */
  guint               host;           /* the one being checked */
  GTlsDatabase       *database;       /* NULL: the system's */
  GSocketClient      *client;
  GIOStream          *tls;
  const EnrHttpTransport *http;       /* the HTTP module, once loaded */
  GObject            *soup;           /* its session */
  GString            *details[ENR_CONNECTION_N_STEPS];
} Run;

static void
host_free (Host *host)
{
  g_free (host->name);
  g_free (host);
}

static void
run_free (Run *run)
{
  g_clear_pointer (&run->check, enr_connection_check_free);
  g_clear_pointer (&run->vneid, g_uri_unref);
  g_clear_pointer (&run->smartca, g_uri_unref);
  g_clear_pointer (&run->hosts, g_ptr_array_unref);
  g_clear_object (&run->database);
  g_clear_object (&run->client);
  g_clear_object (&run->tls);
  if (run->soup != NULL)
    run->http->session_abort (run->soup);
  g_clear_object (&run->soup);
  for (guint i = 0; i < ENR_CONNECTION_N_STEPS; i++)
    if (run->details[i] != NULL)
      g_string_free (run->details[i], TRUE);
  g_free (run);
}

void
enr_connection_check_free (EnrConnectionCheck *check)
{
  if (check == NULL)
    return;
  for (guint i = 0; i < ENR_CONNECTION_N_STEPS; i++)
    g_free (check->details[i]);
  g_free (check->proxy);
  g_free (check);
}

/* --- What each step found ------------------------------------------------------- */

static void note (Run               *run,
                  EnrConnectionStep  step,
                  const char        *format,
                  ...) G_GNUC_PRINTF (3, 4);

static void
note (Run               *run,
      EnrConnectionStep  step,
      const char        *format,
      ...)
{
  va_list args;

  if (run->details[step] == NULL)
    run->details[step] = g_string_new (NULL);
  else
    g_string_append (run->details[step], "; ");
  va_start (args, format);
  g_string_append_vprintf (run->details[step], format, args);
  va_end (args);
}

static void
set (Run                  *run,
     EnrConnectionStep     step,
     EnrConnectionOutcome  outcome)
{
  run->check->outcomes[step] = outcome;
}

/* The check as it stands: every detail in place. Ends @task, and lets
 * the reference the run held go. */
static void
finish (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  for (guint i = 0; i < ENR_CONNECTION_N_STEPS; i++)
    if (run->details[i] != NULL)
      run->check->details[i] = g_string_free (g_steal_pointer (&run->details[i]), FALSE);
  g_task_return_pointer (task, g_steal_pointer (&run->check),
                         (GDestroyNotify) enr_connection_check_free);
  g_object_unref (task);
}

static gboolean
cancelled (GTask        *task,
           const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  g_task_return_error (task, g_error_copy (error));
  g_object_unref (task);
  return TRUE;
}

/* --- The services' answers ------------------------------------------------------ */

static void ask_smartca (GTask *task);
static void check_host (GTask *task);

/* The service's clock, from an answer's Date header. */
static void
read_clock (Run     *run,
            GObject *message)
{
  const char *date = run->http->message_get_header (message, "Date");
  g_autoptr(GDateTime) theirs = date != NULL ? run->http->parse_date (date) : NULL;
  g_autoptr(GDateTime) ours = g_date_time_new_now_utc ();

  if (theirs == NULL || run->check->outcomes[ENR_CONNECTION_STEP_CLOCK] != ENR_CONNECTION_NOT_RUN)
    return;
  run->check->clock_offset_s = g_date_time_difference (theirs, ours) / G_TIME_SPAN_SECOND;
  set (run, ENR_CONNECTION_STEP_CLOCK,
       ABS (run->check->clock_offset_s) <= ENR_CONNECTION_CLOCK_SKEW_S
       ? ENR_CONNECTION_OK : ENR_CONNECTION_FAILED);
  note (run, ENR_CONNECTION_STEP_CLOCK, "the service's clock is %+" G_GINT64_FORMAT " s off ours",
        run->check->clock_offset_s);
}

/* Whether @body is the JSON object a refusal of the service is: RFC 6749's
 * {"error"} for VNeID, the envelope's {"code"} for SmartCA. */
static gboolean
is_refusal (GBytes     *body,
            const char *member)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  JsonNode *root;

  if (data == NULL || len == 0 || len > MAX_BODY_BYTES ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) &&
         json_object_has_member (json_node_get_object (root), member);
}

static void
answered (GTask             *task,
          GObject           *message,
          GAsyncResult      *result,
          EnrConnectionStep  step,
          const char        *member)
{
  Run *run = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  guint status;

  body = run->http->send_and_read_finish (run->soup, result, &error);
  if (body == NULL)
    {
      set (run, step, ENR_CONNECTION_FAILED);
      note (run, step, "no answer: %s", error->message);
      return;
    }
  status = run->http->message_get_status (message);
  read_clock (run, message);
  if (status >= 500)
    {
      set (run, step, ENR_CONNECTION_FAILED);
      note (run, step, "HTTP %u: the service is not well", status);
    }
  else if (!is_refusal (body, member))
    {
      set (run, step, ENR_CONNECTION_FAILED);
      note (run, step, "HTTP %u, but not the answer PROTOCOL.md gives", status);
    }
  else
    {
      set (run, step, ENR_CONNECTION_OK);
      note (run, step, "HTTP %u, as it answers a call without a login", status);
    }
}

/* One service's question: VNeID's, then SmartCA's. */
typedef struct
{
  GTask             *task;
  GObject           *message;
  EnrConnectionStep  step;     /* ENR_CONNECTION_STEP_VNEID or _SMARTCA */
  const char        *member;   /* what its refusal of a call without a login holds */
} Question;

static void
answered_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree Question *question = user_data;
  g_autoptr(GTask) task = question->task;
  g_autoptr(GObject) message = question->message;

  if (g_task_return_error_if_cancelled (task))
    return;
  answered (task, message, result, question->step, question->member);
  if (question->step == ENR_CONNECTION_STEP_VNEID)
    ask_smartca (g_steal_pointer (&task));
  else
    finish (g_steal_pointer (&task));
}

static void
ask (GTask             *task,
     EnrConnectionStep  step,
     GUri              *base,
     const char        *method,
     const char        *path,
     const char        *json)
{
  Run *run = g_task_get_task_data (task);
  g_autofree char *base_url = g_uri_to_string (base);
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(GBytes) body = json != NULL ? g_bytes_new_static (json, strlen (json)) : NULL;
  Question *question = g_new0 (Question, 1);

  question->task = task;
  question->step = step;
  question->member = step == ENR_CONNECTION_STEP_VNEID ? "error" : "code";
  /* A redirect is an answer like any other: never followed. */
  question->message = run->http->message_new (method, url, FALSE, NULL, "application/json",
                                              body);
  run->http->send_and_read_async (run->soup, question->message,
                                  g_task_get_cancellable (task), answered_cb, question);
}

static void
ask_smartca (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  ask (task, ENR_CONNECTION_STEP_SMARTCA, run->smartca, "POST", "/enrollment/status", "{}");
}

static void
transport_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  run->http = enr_http_transport_load_finish (result, &error);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (run->http == NULL)
    {
      set (run, ENR_CONNECTION_STEP_VNEID, ENR_CONNECTION_FAILED);
      /* Why it cannot be loaded is in the log (enr-http-transport.c). */
      note (run, ENR_CONNECTION_STEP_VNEID, "%s", error->message);
      finish (task);
      return;
    }
  run->soup = run->http->session_new (STEP_TIMEOUT_S, 60, "smartca-enroll/" PACKAGE_VERSION,
                                      run->database);
  ask (task, ENR_CONNECTION_STEP_VNEID, run->vneid, "GET", "/api/v1/userinfo", NULL);
}

/* The services' questions go through the HTTP module, loaded (the first
 * time) in a worker thread. */
static void
ask_vneid (GTask *task)
{
  enr_http_transport_load_async (g_task_get_cancellable (task), transport_loaded_cb, task);
}

/* --- Each host: its name, a connection, its identity ----------------------------- */

static void
stop_at (GTask             *task,
         EnrConnectionStep  step,
         const char        *detail)
{
  Run *run = g_task_get_task_data (task);
  Host *host = g_ptr_array_index (run->hosts, run->host);

  /* The steps before it went through, for every host so far. */
  for (guint before = ENR_CONNECTION_STEP_RESOLVE; before < step; before++)
    set (run, before, ENR_CONNECTION_OK);
  set (run, step, ENR_CONNECTION_FAILED);
  note (run, step, "%s: %s", host->name, detail);
  finish (task);
}

static void
next_host (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  g_clear_object (&run->tls);
  if (++run->host < run->hosts->len)
    check_host (task);
  else
    {
      set (run, ENR_CONNECTION_STEP_RESOLVE, ENR_CONNECTION_OK);
      set (run, ENR_CONNECTION_STEP_CONNECT, ENR_CONNECTION_OK);
      set (run, ENR_CONNECTION_STEP_IDENTITY, ENR_CONNECTION_OK);
      ask_vneid (task);
    }
}

static void
handshake_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  Host *host = g_ptr_array_index (run->hosts, run->host);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) peer = NULL;
  g_autofree char *issuer = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, &error))
    {
      if (cancelled (task, error))
        return;
      run->check->untrusted = g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
      stop_at (task, ENR_CONNECTION_STEP_IDENTITY, error->message);
      return;
    }
  peer = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (object));
  if (peer != NULL)
    g_object_ref (peer);
  issuer = peer != NULL ? g_tls_certificate_get_issuer_name (peer) : NULL;
  note (run, ENR_CONNECTION_STEP_IDENTITY, "%s: %s, issued by %s", host->name,
        g_tls_connection_get_protocol_version (G_TLS_CONNECTION (object)) ==
          G_TLS_PROTOCOL_VERSION_TLS_1_3 ? "TLS 1.3" : "TLS 1.2",
        issuer != NULL ? issuer : "?");
  next_host (task);
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  Host *host = g_ptr_array_index (run->hosts, run->host);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (object), result, &error);
  if (connection == NULL)
    {
      if (!cancelled (task, error))
        stop_at (task, ENR_CONNECTION_STEP_CONNECT, error->message);
      return;
    }
  note (run, ENR_CONNECTION_STEP_CONNECT, "%s:%d (%s)", host->name, host->port,
        run->check->proxy);

  identity = g_network_address_new (host->name, (guint16) host->port);
  run->tls = g_tls_client_connection_new (G_IO_STREAM (connection), identity, &error);
  if (run->tls == NULL)
    {
      stop_at (task, ENR_CONNECTION_STEP_IDENTITY, error->message);
      return;
    }
  if (run->database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (run->tls), run->database);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (run->tls), G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), handshake_cb, task);
}

static void
connect_host (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Host *host = g_ptr_array_index (run->hosts, run->host);

  g_socket_client_connect_to_host_async (run->client, host->name, (guint16) host->port,
                                         g_task_get_cancellable (task), connected_cb, task);
}

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  Host *host = g_ptr_array_index (run->hosts, run->host);
  GList *addresses;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;

  addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (object), result, &error);
  if (addresses == NULL)
    {
      if (!cancelled (task, error))
        stop_at (task, ENR_CONNECTION_STEP_RESOLVE, error->message);
      return;
    }
  first = g_inet_address_to_string (addresses->data);
  note (run, ENR_CONNECTION_STEP_RESOLVE, "%s is %s", host->name, first);
  g_resolver_free_addresses (addresses);
  connect_host (task);
}

static void
check_host (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  Host *host = g_ptr_array_index (run->hosts, run->host);
  g_autoptr(GResolver) resolver = NULL;

  if (g_hostname_is_ip_address (host->name))
    {
      note (run, ENR_CONNECTION_STEP_RESOLVE, "%s is an address", host->name);
      connect_host (task);
      return;
    }
  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, host->name, g_task_get_cancellable (task),
                                   resolved_cb, task);
}

/* --- The start ---------------------------------------------------------------------- */

static void
proxy_found_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Run *run = g_task_get_task_data (task);
  g_auto(GStrv) proxies = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) proxy = NULL;

  proxies = g_proxy_resolver_lookup_finish (G_PROXY_RESOLVER (object), result, &error);
  if (proxies == NULL && cancelled (task, error))
    return;
  /* Shown without any user name or password the proxy's URI may hold. */
  proxy = proxies != NULL && proxies[0] != NULL ? g_uri_parse (proxies[0], G_URI_FLAGS_NONE,
                                                               NULL)
                                                : NULL;
  if (proxy == NULL || g_str_equal (g_uri_get_scheme (proxy), "direct"))
    run->check->proxy = g_strdup ("direct");
  else
    run->check->proxy = g_strdup_printf ("through the proxy %s://%s:%d",
                                         g_uri_get_scheme (proxy), g_uri_get_host (proxy),
                                         g_uri_get_port (proxy));
  check_host (task);
}

static void
add_host (Run  *run,
          GUri *uri)
{
  int port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 443;

  for (guint i = 0; i < run->hosts->len; i++)
    {
      Host *known = g_ptr_array_index (run->hosts, i);

      if (g_str_equal (known->name, g_uri_get_host (uri)) && known->port == port)
        return;
    }
  {
    Host *host = g_new0 (Host, 1);

    host->name = g_strdup (g_uri_get_host (uri));
    host->port = port;
    g_ptr_array_add (run->hosts, host);
  }
}

void
enr_connection_check_async (const char          *vneid_url,
                            const char          *smartca_url,
                            const char          *trust_anchor,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Run *run = g_new0 (Run, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *proxy_target = NULL;

  g_task_set_source_tag (task, enr_connection_check_async);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  run->check = g_new0 (EnrConnectionCheck, 1);
  run->hosts = g_ptr_array_new_with_free_func ((GDestroyNotify) host_free);

  run->vneid = vneid_url ? g_uri_parse (vneid_url, G_URI_FLAGS_NONE, NULL) : NULL;
  run->smartca = smartca_url ? g_uri_parse (smartca_url, G_URI_FLAGS_NONE, NULL) : NULL;
  if (run->vneid == NULL || run->smartca == NULL || g_uri_get_host (run->vneid) == NULL ||
      g_uri_get_host (run->smartca) == NULL)
    {
      set (run, ENR_CONNECTION_STEP_RESOLVE, ENR_CONNECTION_FAILED);
      note (run, ENR_CONNECTION_STEP_RESOLVE, "no service address is configured");
      finish (task);
      return;
    }
  if (trust_anchor != NULL && *trust_anchor != '\0')
    {
      run->database = g_tls_file_database_new (trust_anchor, &error);
      if (run->database == NULL)
        {
          set (run, ENR_CONNECTION_STEP_IDENTITY, ENR_CONNECTION_FAILED);
          note (run, ENR_CONNECTION_STEP_IDENTITY, "the trust anchor cannot be read: %s",
                error->message);
          finish (task);
          return;
        }
    }
  add_host (run, run->vneid);
  add_host (run, run->smartca);

  run->client = g_socket_client_new ();
  g_socket_client_set_timeout (run->client, STEP_TIMEOUT_S);
  proxy_target = g_uri_to_string (run->vneid);
  g_proxy_resolver_lookup_async (g_proxy_resolver_get_default (), proxy_target, cancellable,
                                 proxy_found_cb, task);
}

EnrConnectionCheck *
enr_connection_check_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
