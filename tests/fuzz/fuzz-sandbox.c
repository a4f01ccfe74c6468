/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the sandbox's router and request handlers, in process.
 * The input is what a client writes on one connection: one or more HTTP/1.1
 * requests, any bytes at all. It goes through libsoup's parser, the
 * router, and whichever handler the path names, against one sandbox (its
 * own CA, SQLite database and built-in citizens) made for the whole run,
 * with no TLS and no socket of its own (sbx_server_accept_stream). Every
 * connection must be answered and closed: a request the sandbox never
 * answers is a hang, which libFuzzer reports.
 *
 * The run starts by taking a built-in citizen through the VNeID login, the
 * registration and the hand-off to SmartCA, so that it holds a VNeID and a
 * SmartCA access token: the handlers behind each service's authentication
 * are reached too. "@VNEID@" and "@SMARTCA@" in an input become those
 * tokens, and a request to /vneid/ or /smartca/ without an Authorization
 * header gets one, "Bearer" and the service's token, after its request
 * line (one with a header of its own keeps it: bad tokens are inputs too).
 *
 * CONTROL/faults is left out: it makes the sandbox wait up to a minute
 * before each answer, on purpose. So is CONTROL/clock, which would let the
 * run's tokens expire, and a revocation gets no token of the run's.
 */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sbx-server.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define REGISTRATION_BODY \
  "{\"service_pack\":\"SMARTCA_PERSONAL_FREE\"," \
  "\"consent\":{\"share_identity\":true,\"terms_version\":\"2025.1\"}}"

static SbxServer *server;
static char *vneid_token;
static char *smartca_token;
static char *data_dir;

typedef struct
{
  const guint8 *out;
  gsize         out_len;
  gsize         written;
  GByteArray   *answer;
  guint         watch;
  gboolean      done;
} Exchange;

static gboolean
client_cb (int          fd,
           GIOCondition condition,
           gpointer     user_data)
{
  Exchange *ex = user_data;
  guint8 buffer[16384];
  gssize n;

  if (ex->written < ex->out_len)
    {
      n = send (fd, ex->out + ex->written, ex->out_len - ex->written, MSG_NOSIGNAL);
      if (n > 0)
        ex->written += (gsize) n;
      else if (n < 0 && errno != EAGAIN && errno != EINTR)
        ex->written = ex->out_len;   /* the server hung up first: fine */
      if (ex->written == ex->out_len)
        shutdown (fd, SHUT_WR);
    }

  n = read (fd, buffer, sizeof buffer);
  if (n > 0)
    g_byte_array_append (ex->answer, buffer, (guint) n);
  else if (n == 0 || (errno != EAGAIN && errno != EINTR))
    {
      ex->done = TRUE;
      ex->watch = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Writes @request on a fresh connection to the sandbox, then reads until
 * the sandbox closes it; returns all it answered. */
static GByteArray *
exchange (const guint8 *request,
          gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketConnection) connection = NULL;
  Exchange ex = { request, len, 0, g_byte_array_new (), 0, FALSE };
  gboolean reading = FALSE;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  g_assert_true (g_unix_set_fd_nonblocking (fds[1], TRUE, NULL));
  socket = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  connection = g_socket_connection_factory_create_connection (socket);
  g_assert_true (sbx_server_accept_stream (server, G_IO_STREAM (connection), &error));
  g_assert_no_error (error);
  g_clear_object (&connection);
  g_clear_object (&socket);
  if (len == 0)
    shutdown (fds[1], SHUT_WR);

  ex.watch = g_unix_fd_add (fds[1], G_IO_IN | G_IO_OUT | G_IO_HUP | G_IO_ERR, client_cb, &ex);
  while (!ex.done)
    {
      /* All written: from now on wait for the answer, not for room to write. */
      if (!reading && ex.written == ex.out_len)
        {
          g_source_remove (ex.watch);
          ex.watch = g_unix_fd_add (fds[1], G_IO_IN | G_IO_HUP | G_IO_ERR, client_cb, &ex);
          reading = TRUE;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  close (fds[1]);
  /* What the sandbox still has to finish of this connection, finished. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return ex.answer;
}

/* The body of the last answer in @answer, as JSON. */
static JsonObject *
answer_object (GByteArray *answer)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = g_strndup ((const char *) answer->data, answer->len);
  const char *body = g_strrstr (text, "\r\n\r\n");
  JsonNode *root;

  g_assert_nonnull (body);
  g_assert_true (json_parser_load_from_data (parser, body + 4, -1, NULL));
  root = json_parser_get_root (parser);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

/* One request of the set-up, with @token as its bearer unless NULL. */
static JsonObject *
call (const char *method,
      const char *path,
      const char *token,
      const char *content_type,
      const char *body)
{
  g_autofree char *authorization = token != NULL ? g_strdup_printf (
    "Authorization: Bearer %s\r\nIdempotency-Key: 5e4f7a3c-8b1d-4c2e-9f60-1a2b3c4d5e6f\r\n", token) : g_strdup ("");
  g_autofree char *request = g_strdup_printf (
    "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: %s\r\nContent-Length: %zu\r\n"
    "Connection: close\r\n\r\n%s", method, path, authorization, content_type, strlen (body),
    body);
  g_autoptr(GByteArray) answer = exchange ((const guint8 *) request, strlen (request));

  return answer_object (answer);
}

static char *
string_of (JsonObject *object,
           const char *member)
{
  const char *value = json_object_has_member (object, member)
                      ? json_object_get_string_member (object, member) : NULL;

  if (value == NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
      g_autofree char *text = json_to_string (node, FALSE);

      g_error ("the set-up's answer has no %s: %s", member, text);
    }
  return g_strdup (value);
}

/* The QR login of a built-in citizen, approved on the sandbox's side. */
static void
log_in (void)
{
  g_autoptr(JsonObject) device = NULL;
  g_autoptr(JsonObject) approved = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autofree char *approve = NULL;
  g_autofree char *poll = NULL;

  device = call ("POST", "/vneid/oauth/device_authorization", NULL,
                 "application/x-www-form-urlencoded",
                 "client_id=smartca-enroll&scope=openid+profile+smartca");
  approve = g_strdup_printf ("{\"user_code\":\"%s\",\"citizen_id\":\"079301000123\"}",
                             json_object_get_string_member (device, "user_code"));
  approved = call ("POST", "/sandbox/vneid/approve", NULL, "application/json", approve);
  poll = g_strdup_printf ("grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Agrant-type%%3Adevice_code"
                          "&client_id=smartca-enroll&device_code=%s",
                          json_object_get_string_member (device, "device_code"));
  tokens = call ("POST", "/vneid/oauth/token", NULL, "application/x-www-form-urlencoded", poll);
  vneid_token = string_of (tokens, "access_token");
}

/* The registration, handed over to SmartCA, and SmartCA's own login. */
static void
hand_off (void)
{
  g_autoptr(JsonObject) registration = NULL;
  g_autoptr(JsonObject) handoff = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autofree char *registration_id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *code = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *form = NULL;

  registration = call ("POST", "/vneid/api/v1/smartca/registrations", vneid_token,
                       "application/json", REGISTRATION_BODY);
  registration_id = string_of (registration, "registration_id");
  path = g_strdup_printf ("/vneid/api/v1/smartca/registrations/%s/handoff", registration_id);
  handoff = call ("POST", path, vneid_token, "application/json", "{}");
  code = string_of (handoff, "code");
  escaped = g_uri_escape_string (code, NULL, FALSE);
  form = g_strdup_printf ("grant_type=authorization_code&code=%s&client_id=smartca-enroll",
                          escaped);
  tokens = call ("POST", "/smartca/auth/token", NULL, "application/x-www-form-urlencoded", form);
  smartca_token = string_of (tokens, "access_token");
}

/* The token a request to @path's service carries, or NULL. */
static const char *
token_for (const char *request)
{
  const char *space = strchr (request, ' ');

  if (space == NULL)
    return NULL;
  if (g_str_has_prefix (space + 1, "/smartca/"))
    return smartca_token;
  if (g_str_has_prefix (space + 1, "/vneid/"))
    return vneid_token;
  return NULL;
}

static gboolean
has_authorization (const char *request)
{
  const char *end = strstr (request, "\r\n\r\n");
  g_autofree char *head = g_ascii_strdown (request, end != NULL ? end - request : -1);

  return strstr (head, "\nauthorization:") != NULL;
}

/* @request with the placeholders filled in and, where it has none, the
 * service's bearer token after its request line. */
static char *
with_tokens (const char *request)
{
  g_auto(GStrv) vneid_parts = g_strsplit (request, "@VNEID@", -1);
  g_autofree char *vneid = g_strjoinv (vneid_token, vneid_parts);
  g_auto(GStrv) smartca_parts = g_strsplit (vneid, "@SMARTCA@", -1);
  g_autofree char *filled = g_strjoinv (smartca_token, smartca_parts);
  const char *token = token_for (filled);
  const char *line_end = strchr (filled, '\n');

  if (token == NULL || line_end == NULL || has_authorization (filled))
    return g_steal_pointer (&filled);
  return g_strdup_printf ("%.*sAuthorization: Bearer %s\r\n%s", (int) (line_end + 1 - filled),
                          filled, token, line_end + 1);
}

static void
remove_data_dir (void)
{
  const char *argv[] = { "rm", "-rf", data_dir, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL,
                NULL);
}

static void
ensure_server (void)
{
  g_autoptr(GError) error = NULL;
  SbxServerOptions options = { 0 };

  if (server != NULL)
    return;
  /* Quiet: a fuzzing run makes millions of requests. */
  g_unsetenv ("G_MESSAGES_DEBUG");
  /* In memory where there is some: every request commits to SQLite, and a
   * disk's sync would make the run twenty times slower. */
  if (g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR))
    g_setenv ("TMPDIR", "/dev/shm", TRUE);
  data_dir = g_dir_make_tmp ("fuzz-sandbox-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_data_dir);
  options.data_dir = data_dir;
  options.sync_delay_ms = 0;
  server = sbx_server_new (&options, &error);
  g_assert_no_error (error);
  log_in ();
  hand_off ();
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = NULL;
  g_autofree char *request = NULL;
  g_autoptr(GByteArray) answer = NULL;

  ensure_server ();
  text = g_strndup ((const char *) data, size);
  if (strstr (text, "faults") != NULL || strstr (text, "clock") != NULL)
    return 0;

  if (memchr (data, '\0', size) == NULL)
    {
      request = strstr (text, "revoke") != NULL ? g_strdup (text) : with_tokens (text);
      answer = exchange ((const guint8 *) request, strlen (request));
    }
  else
    answer = exchange (data, size);

  /* Whatever came in, something came back: an HTTP answer. */
  if (size > 0 && answer->len > 0)
    g_assert_true (answer->len >= 7 && memcmp (answer->data, "HTTP/1.", 7) == 0);
  return 0;
}
