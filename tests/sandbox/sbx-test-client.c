/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-test-client"

#include "config.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "enr-jws.h"
#include "enr-pdf-signature.h"
#include "enr-sad.h"
#include "sbx-test-client.h"
#include "sbx-test-pin.h"
#include "enr-test-files.h"

#define CLIENT_ID    "smartca-enroll"
#define SERVICE_PACK "SMARTCA_PERSONAL_FREE"
#define GRANT_OTP    "urn:vneid:params:oauth:grant-type:otp"
#define GRANT_DEVICE "urn:ietf:params:oauth:grant-type:device_code"

/* --- The sandbox process ------------------------------------------------ */

/* A client that fails an assertion aborts: its sandbox must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

SbxTestSandbox *
sbx_test_sandbox_start (const char * const *extra_args)
{
  const char *binary = g_getenv ("SMARTCA_SANDBOX");
  const char *build_root = g_getenv ("MESON_BUILD_ROOT");
  g_autofree char *built = NULL;
  SbxTestSandbox *sandbox = g_new0 (SbxTestSandbox, 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *line = NULL;
  JsonObject *info;

  /* meson test names it; tests/bench/run.py names the build tree. */
  if (binary == NULL && build_root != NULL)
    binary = built = g_build_filename (build_root, "src", "sandbox", "smartca-sandbox", NULL);
  g_assert_nonnull (binary);
  sandbox->tmp_dir = g_dir_make_tmp ("sbxtests-client-XXXXXX", &error);
  g_assert_no_error (error);
  log_path = g_build_filename (sandbox->tmp_dir, "sandbox.log", NULL);

  g_ptr_array_add (argv, g_strdup (binary));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1:0"));
  g_ptr_array_add (argv, g_strdup ("--data-dir"));
  g_ptr_array_add (argv, g_build_filename (sandbox->tmp_dir, "data", NULL));
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra_args[i]));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* Kept for a look when a test fails; removed when it passes. */
  g_test_message ("sandbox data and log in %s", sandbox->tmp_dir);
  sandbox->proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                &error);
  g_assert_no_error (error);

  /* One line of JSON once it listens (the first start makes its CAs). */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sandbox->proc));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  info = json_node_get_object (json_parser_get_root (parser));
  sandbox->vneid_url = g_strdup (json_object_get_string_member (info, "vneid_url"));
  sandbox->smartca_url = g_strdup (json_object_get_string_member (info, "smartca_url"));
  sandbox->control_url = g_strdup (json_object_get_string_member (info, "control_url"));
  sandbox->trust_anchor = g_strdup (json_object_get_string_member (info, "trust_anchor"));
  g_assert_true (g_str_has_prefix (sandbox->vneid_url, "https://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (sandbox->vneid_url, "/vneid"));
  g_assert_true (g_str_has_suffix (sandbox->smartca_url, "/smartca"));
  g_assert_true (g_str_has_suffix (sandbox->control_url, "/sandbox"));
  g_assert_true (g_path_is_absolute (sandbox->trust_anchor));
  return sandbox;
}

void
sbx_test_sandbox_stop (SbxTestSandbox *sandbox)
{
  g_autoptr(GError) error = NULL;

  if (sandbox == NULL)
    return;
  if (sandbox->proc != NULL)
    {
      /* SIGTERM stops it cleanly (PROTOCOL.md, "The sandbox"). */
      g_subprocess_send_signal (sandbox->proc, SIGTERM);
      g_subprocess_wait (sandbox->proc, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (sandbox->proc));
      g_assert_cmpint (g_subprocess_get_exit_status (sandbox->proc), ==, 0);
      g_clear_object (&sandbox->proc);
    }
  enr_test_remove_tree (sandbox->tmp_dir);
  g_free (sandbox->tmp_dir);
  g_free (sandbox->vneid_url);
  g_free (sandbox->smartca_url);
  g_free (sandbox->control_url);
  g_free (sandbox->trust_anchor);
  g_free (sandbox);
}

SoupSession *
sbx_test_session_new (SbxTestSandbox *sandbox)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;

  /* Trust the sandbox's root and nothing else; no proxy on loopback. */
  database = g_tls_file_database_new (sandbox->trust_anchor, &error);
  g_assert_no_error (error);
  /* GIO's GnuTLS backend (glib-networking 2.74) makes every new client
   * connection load the system's trust store before the session's own
   * database replaces it: 15 ms of CPU a connection. This process talks
   * to the sandbox only, so its default database is the sandbox's root. */
  g_tls_backend_set_default_database (g_tls_backend_get_default (), database);
  return soup_session_new_with_options ("tls-database", database,
                                        "proxy-resolver", NULL,
                                        "timeout", 60,
                                        NULL);
}

/* --- HTTP ------------------------------------------------------------------ */

void
sbx_test_reply_clear (SbxTestReply *reply)
{
  g_clear_pointer (&reply->body, json_node_unref);
}

/* --- Latencies ----------------------------------------------------------- */

static GMutex latency_lock;
static GHashTable *latencies;   /* endpoint -> GArray of double (ms) */

void
sbx_test_record_latencies (void)
{
  g_mutex_lock (&latency_lock);
  if (latencies == NULL)
    latencies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_array_unref);
  g_mutex_unlock (&latency_lock);
}

GHashTable *
sbx_test_steal_latencies (void)
{
  GHashTable *recorded;

  g_mutex_lock (&latency_lock);
  recorded = g_steal_pointer (&latencies);
  g_mutex_unlock (&latency_lock);
  return recorded;
}

/* "POST SMARTCA/enrollment/contract": the API the base names, and the path
 * with its identifiers (a segment of eight or more characters with a digit
 * in it) as {id} and without its query, so that every citizen's calls of
 * one endpoint count together. */
static char *
endpoint_name (const char *method,
               const char *base,
               const char *path)
{
  g_autofree char *api = g_ascii_strup (strrchr (base, '/') + 1, -1);
  g_autofree char *bare = g_strndup (path, strcspn (path, "?"));
  g_auto(GStrv) segments = g_strsplit (bare, "/", -1);
  GString *name = g_string_new (NULL);

  g_string_printf (name, "%s %s", method,
                   g_str_equal (api, "SANDBOX") ? "CONTROL" : api);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      const char *segment = segments[i];

      g_string_append_c (name, '/');
      if (strlen (segment) >= 8 && strpbrk (segment, "0123456789") != NULL)
        g_string_append (name, "{id}");
      else
        g_string_append (name, segment);
    }
  return g_string_free (name, FALSE);
}

static void
record_latency (const char *method,
                const char *base,
                const char *path,
                double      ms)
{
  g_autofree char *name = NULL;
  GArray *values;

  g_mutex_lock (&latency_lock);
  if (latencies != NULL)
    {
      name = endpoint_name (method, base, path);
      values = g_hash_table_lookup (latencies, name);
      if (values == NULL)
        {
          values = g_array_new (FALSE, FALSE, sizeof (double));
          g_hash_table_insert (latencies, g_steal_pointer (&name), values);
        }
      g_array_append_val (values, ms);
    }
  g_mutex_unlock (&latency_lock);
}

void
sbx_test_call (SoupSession  *session,
               const char   *method,
               const char   *base,
               const char   *path,
               const char   *token,
               const char   *content_type,
               const char   *body,
               const char   *idempotency_key,
               SbxTestReply *reply)
{
  g_autofree char *url = g_strconcat (base, "/", path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;
  const char *type;
  gsize len;
  const char *data;
  gint64 started;

  g_assert_nonnull (msg);
  /* libsoup opens a new connection for every POST unless told it may be
   * sent again: each would cost a TLS handshake, and GIO's GnuTLS backend
   * loads the system's trust store for every new connection. Every call
   * here may be sent again (an Idempotency-Key, a read, or a check the
   * sandbox makes of the state), and the sandbox keeps connections open. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, content_type, bytes);
    }

  started = g_get_monotonic_time ();
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  record_latency (method, base, path, (g_get_monotonic_time () - started) / 1000.0);
  reply->status = soup_message_get_status (msg);

  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  g_assert_cmpstr (type, ==, "application/json");
  data = g_bytes_get_data (answer, &len);
  json_parser_load_from_data (parser, data, (gssize) len, &error);
  g_assert_no_error (error);
  reply->body = json_node_ref (json_parser_get_root (parser));
}

void
sbx_test_call_form (SoupSession  *session,
                    const char   *base,
                    const char   *path,
                    char         *form,
                    SbxTestReply *reply)
{
  sbx_test_call (session, "POST", base, path, NULL, "application/x-www-form-urlencoded", form,
                 NULL, reply);
  g_free (form);
}

void
sbx_test_call_json (SoupSession  *session,
                    const char   *method,
                    const char   *base,
                    const char   *path,
                    const char   *token,
                    const char   *json,
                    const char   *idempotency_key,
                    SbxTestReply *reply)
{
  sbx_test_call (session, method, base, path, token, json != NULL ? "application/json" : NULL,
                 json, idempotency_key, reply);
}

JsonObject *
sbx_test_object (SbxTestReply *reply)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->body));
  return json_node_get_object (reply->body);
}

JsonObject *
sbx_test_envelope (SbxTestReply *reply)
{
  JsonObject *envelope = sbx_test_object (reply);
  JsonNode *content;

  if (reply->status != 200)
    g_test_message ("%s", json_to_string (reply->body, FALSE));
  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (envelope, "code"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (envelope, "codeDesc"), ==, "SUCCESS");
  content = json_object_get_member (envelope, "content");
  g_assert_nonnull (content);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (content));
  return json_node_get_object (content);
}

GBytes *
sbx_test_base64_decode (const char *text)
{
  gsize len = 0;
  guchar *data;

  g_assert_nonnull (text);
  data = g_base64_decode (text, &len);
  return g_bytes_new_take (data, len);
}

char *
sbx_test_sha256_base64 (const guint8 *data,
                        gsize         len)
{
  guint8 digest[32];

  g_assert_cmpint (gnutls_hash_fast (GNUTLS_DIG_SHA256, data, len, digest), ==, 0);
  return g_base64_encode (digest, sizeof digest);
}

gint64
sbx_test_thread_cpu_us (void)
{
  struct timespec now;

  g_assert_cmpint (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now), ==, 0);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

/* --- The flow ----------------------------------------------------------------- */

void
sbx_test_enrollment_init (SbxTestEnrollment    *enrollment,
                          SbxTestSandbox       *sandbox,
                          SoupSession          *session,
                          const SbxTestCitizen *citizen)
{
  *enrollment = (SbxTestEnrollment) {
    .sandbox = sandbox,
    .session = session,
    .citizen = citizen,
  };
}

void
sbx_test_enrollment_clear (SbxTestEnrollment *enrollment)
{
  g_clear_pointer (&enrollment->vneid_token, g_free);
  g_clear_pointer (&enrollment->registration_id, g_free);
  g_clear_pointer (&enrollment->smartca_token, g_free);
  g_clear_pointer (&enrollment->contract, g_bytes_unref);
  g_clear_pointer (&enrollment->signed_contract, g_bytes_unref);
  g_clear_object (&enrollment->kak);
  g_clear_pointer (&enrollment->device_id, g_free);
  g_clear_pointer (&enrollment->credential_id, g_free);
  g_clear_pointer (&enrollment->certificate, g_bytes_unref);
  g_clear_pointer (&enrollment->chain, g_ptr_array_unref);
  g_clear_pointer (&enrollment->pin_share, g_free);
  g_clear_pointer (&enrollment->tran_id, g_free);
  g_clear_pointer (&enrollment->prepared_record, g_bytes_unref);
  g_clear_pointer (&enrollment->signed_record, g_bytes_unref);
}

char *
sbx_test_latest_otp (SbxTestEnrollment *enrollment,
                     const char        *phone,
                     const char        *purpose)
{
  g_autofree char *path = g_strconcat ("outbox?phone=", phone, NULL);
  g_auto(SbxTestReply) reply = { 0 };
  JsonArray *items;

  sbx_test_call_json (enrollment->session, "GET", enrollment->sandbox->control_url, path, NULL,
                      NULL, NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (reply.body));
  items = json_node_get_array (reply.body);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      g_assert_cmpstr (json_object_get_string_member (item, "to"), ==, phone);
      if (g_strcmp0 (json_object_get_string_member (item, "purpose"), purpose) == 0)
        {
          const char *code = json_object_get_string_member (item, "code");

          g_assert_cmpuint (strlen (code), ==, 6);
          return g_strdup (code);
        }
    }
  g_assert_not_reached ();
  return NULL;
}

static char *
login_password (SbxTestEnrollment *enrollment)
{
  const SbxTestCitizen *citizen = enrollment->citizen;
  g_auto(SbxTestReply) first = { 0 };
  g_auto(SbxTestReply) tokens = { 0 };
  g_autofree char *otp = NULL;
  JsonObject *object;
  g_autofree char *masked = g_strdup_printf ("%.2s******%s", citizen->phone,
                                             citizen->phone + strlen (citizen->phone) - 2);

  sbx_test_call_form (enrollment->session, enrollment->sandbox->vneid_url, "oauth/token",
                      soup_form_encode ("grant_type", "password",
                                        "username", citizen->citizen_id,
                                        "password", citizen->password,
                                        "client_id", CLIENT_ID,
                                        NULL),
                      &first);
  g_assert_cmpuint (first.status, ==, 401);
  object = sbx_test_object (&first);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, "otp_required");
  g_assert_cmpstr (json_object_get_string_member (object, "otp_sent_to"), ==, masked);
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 300);

  otp = sbx_test_latest_otp (enrollment, citizen->phone, "vneid-login");
  sbx_test_call_form (enrollment->session, enrollment->sandbox->vneid_url, "oauth/token",
                      soup_form_encode ("grant_type", GRANT_OTP,
                                        "otp_session",
                                        json_object_get_string_member (object, "otp_session"),
                                        "otp", otp,
                                        "client_id", CLIENT_ID,
                                        NULL),
                      &tokens);
  g_assert_cmpuint (tokens.status, ==, 200);
  object = sbx_test_object (&tokens);
  g_assert_cmpstr (json_object_get_string_member (object, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 900);
  g_assert_false (json_object_has_member (object, "refresh_token"));
  return g_strdup (json_object_get_string_member (object, "access_token"));
}

static char *
login_qr (SbxTestEnrollment *enrollment)
{
  const SbxTestCitizen *citizen = enrollment->citizen;
  SbxTestSandbox *sandbox = enrollment->sandbox;
  g_auto(SbxTestReply) device = { 0 };
  g_auto(SbxTestReply) pending = { 0 };
  g_auto(SbxTestReply) approved = { 0 };
  g_auto(SbxTestReply) tokens = { 0 };
  g_autofree char *approval = NULL;
  JsonObject *object;
  const char *device_code;
  const char *user_code;

  sbx_test_call_form (enrollment->session, sandbox->vneid_url, "oauth/device_authorization",
                      soup_form_encode ("client_id", CLIENT_ID,
                                        "scope", "openid profile smartca", NULL),
                      &device);
  g_assert_cmpuint (device.status, ==, 200);
  object = sbx_test_object (&device);
  device_code = json_object_get_string_member (object, "device_code");
  user_code = json_object_get_string_member (object, "user_code");
  g_assert_nonnull (strstr (json_object_get_string_member (object, "verification_uri_complete"),
                            user_code));
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 600);
  g_assert_cmpint (json_object_get_int_member (object, "interval"), ==, 5);

  sbx_test_call_form (enrollment->session, sandbox->vneid_url, "oauth/token",
                      soup_form_encode ("grant_type", GRANT_DEVICE, "device_code", device_code,
                                        "client_id", CLIENT_ID, NULL),
                      &pending);
  g_assert_cmpuint (pending.status, ==, 400);
  g_assert_cmpstr (json_object_get_string_member (sbx_test_object (&pending), "error"), ==,
                   "authorization_pending");

  /* The citizen scans the QR code and approves on their phone. */
  approval = g_strdup_printf ("{\"user_code\":\"%s\",\"citizen_id\":\"%s\"}", user_code,
                              citizen->citizen_id);
  sbx_test_call_json (enrollment->session, "POST", sandbox->control_url, "vneid/approve", NULL,
                      approval, NULL, &approved);
  g_assert_cmpuint (approved.status, ==, 200);

  /* The next poll gets the tokens whatever its timing. */
  sbx_test_call_form (enrollment->session, sandbox->vneid_url, "oauth/token",
                      soup_form_encode ("grant_type", GRANT_DEVICE, "device_code", device_code,
                                        "client_id", CLIENT_ID, NULL),
                      &tokens);
  g_assert_cmpuint (tokens.status, ==, 200);
  object = sbx_test_object (&tokens);
  g_assert_cmpstr (json_object_get_string_member (object, "token_type"), ==, "Bearer");
  g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==,
                   "openid profile smartca");
  return g_strdup (json_object_get_string_member (object, "access_token"));
}

void
sbx_test_login (SbxTestEnrollment *enrollment)
{
  g_auto(SbxTestReply) userinfo = { 0 };
  JsonObject *object;

  enrollment->vneid_token = enrollment->citizen->qr ? login_qr (enrollment)
                                                    : login_password (enrollment);
  sbx_test_call_json (enrollment->session, "GET", enrollment->sandbox->vneid_url,
                      "api/v1/userinfo", enrollment->vneid_token, NULL, NULL, &userinfo);
  g_assert_cmpuint (userinfo.status, ==, 200);
  object = sbx_test_object (&userinfo);
  g_assert_cmpstr (json_object_get_string_member (object, "citizen_id"), ==,
                   enrollment->citizen->citizen_id);
  g_assert_cmpstr (json_object_get_string_member (object, "full_name"), ==,
                   enrollment->citizen->full_name);
  g_assert_cmpint (json_object_get_int_member (object, "identity_level"), ==, 2);
}

static JsonObject *
status_poll (SbxTestEnrollment *enrollment,
             SbxTestReply      *reply)
{
  JsonObject *object;

  sbx_test_call_json (enrollment->session, "POST", enrollment->sandbox->smartca_url,
                      "enrollment/status", enrollment->smartca_token, "{}", NULL, reply);
  object = sbx_test_envelope (reply);
  g_assert_cmpstr (json_object_get_string_member (object, "registrationId"), ==,
                   enrollment->registration_id);
  return object;
}

void
sbx_test_register (SbxTestEnrollment *enrollment)
{
  SbxTestSandbox *sandbox = enrollment->sandbox;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *handoff_path = NULL;
  g_auto(SbxTestReply) registration = { 0 };
  g_auto(SbxTestReply) handoff = { 0 };
  g_auto(SbxTestReply) tokens = { 0 };
  g_auto(SbxTestReply) identity = { 0 };
  JsonObject *object;
  gint64 deadline;

  /* Step 2: consent and register. */
  sbx_test_call_json (enrollment->session, "POST", sandbox->vneid_url,
                      "api/v1/smartca/registrations", enrollment->vneid_token,
                      "{\"service_pack\":\"" SERVICE_PACK "\","
                      "\"consent\":{\"share_identity\":true,\"terms_version\":\"2025.1\"}}",
                      key, &registration);
  g_assert_cmpuint (registration.status, ==, 201);
  object = sbx_test_object (&registration);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "SUBMITTED");
  enrollment->registration_id =
    g_strdup (json_object_get_string_member (object, "registration_id"));

  /* Step 3: hand over to SmartCA and wait for the sync. */
  handoff_path = g_strdup_printf ("api/v1/smartca/registrations/%s/handoff",
                                  enrollment->registration_id);
  sbx_test_call_json (enrollment->session, "POST", sandbox->vneid_url, handoff_path,
                      enrollment->vneid_token, NULL, NULL, &handoff);
  g_assert_cmpuint (handoff.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (sbx_test_object (&handoff), "expires_in"), ==, 60);

  sbx_test_call_form (enrollment->session, sandbox->smartca_url, "auth/token",
                      soup_form_encode ("grant_type", "authorization_code",
                                        "code",
                                        json_object_get_string_member (sbx_test_object (&handoff),
                                                                       "code"),
                                        "client_id", CLIENT_ID,
                                        NULL),
                      &tokens);
  g_assert_cmpuint (tokens.status, ==, 200);
  object = sbx_test_object (&tokens);
  g_assert_cmpstr (json_object_get_string_member (object, "token_type"), ==, "bearer");
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 3599);
  g_assert_nonnull (json_object_get_string_member (object, "refresh_token"));
  enrollment->smartca_token = g_strdup (json_object_get_string_member (object, "access_token"));

  sbx_test_call_json (enrollment->session, "POST", sandbox->smartca_url,
                      "identityapi/userinfo/info", enrollment->smartca_token, "{}", NULL,
                      &identity);
  object = sbx_test_envelope (&identity);
  g_assert_cmpstr (json_object_get_string_member (object, "uid"), ==,
                   enrollment->citizen->citizen_id);
  g_assert_cmpstr (json_object_get_string_member (object, "uidPre"), ==, "CCCD");
  g_assert_cmpstr (json_object_get_string_member (object, "fullName"), ==,
                   enrollment->citizen->full_name);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      g_auto(SbxTestReply) poll = { 0 };
      const char *state;

      object = status_poll (enrollment, &poll);
      state = json_object_get_string_member (object, "state");
      if (g_strcmp0 (state, "CONTRACT_PENDING") == 0)
        break;
      g_assert_cmpstr (state, ==, "SYNCING");
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (CLAMP (json_object_get_int_member (object, "pollAfterMs"), 50, 2000) * 1000);
    }
}

void
sbx_test_sign_contract (SbxTestEnrollment *enrollment)
{
  SbxTestSandbox *sandbox = enrollment->sandbox;
  const SbxTestCitizen *citizen = enrollment->citizen;
  g_auto(SbxTestReply) contract = { 0 };
  g_auto(SbxTestReply) contract_otp = { 0 };
  g_auto(SbxTestReply) signature = { 0 };
  g_autofree char *contract_id = NULL;
  g_autofree char *contract_hash = NULL;
  g_autofree char *pdf_name = NULL;
  g_autofree char *computed = NULL;
  g_autofree char *otp_body = NULL;
  g_autofree char *sign_body = NULL;
  g_autofree char *otp = NULL;
  JsonObject *object;

  sbx_test_call_json (enrollment->session, "POST", sandbox->smartca_url, "enrollment/contract",
                      enrollment->smartca_token, "{}", NULL, &contract);
  object = sbx_test_envelope (&contract);
  contract_id = g_strdup (json_object_get_string_member (object, "contractId"));
  contract_hash = g_strdup (json_object_get_string_member (object, "hash"));
  pdf_name = g_strdup_printf ("hop-dong-smartca-%s.pdf", citizen->citizen_id);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, pdf_name);
  enrollment->contract = sbx_test_base64_decode (json_object_get_string_member (object,
                                                                                "dataBase64"));
  computed = sbx_test_sha256_base64 (g_bytes_get_data (enrollment->contract, NULL),
                                     g_bytes_get_size (enrollment->contract));
  g_assert_cmpstr (computed, ==, contract_hash);

  otp_body = g_strdup_printf ("{\"contractId\":\"%s\"}", contract_id);
  sbx_test_call_json (enrollment->session, "POST", sandbox->smartca_url,
                      "enrollment/contract/otp", enrollment->smartca_token, otp_body, NULL,
                      &contract_otp);
  object = sbx_test_envelope (&contract_otp);
  g_assert_cmpint (json_object_get_int_member (object, "expiresIn"), ==, 300);
  g_assert_cmpint (json_object_get_int_member (object, "resendAfter"), ==, 60);
  otp = sbx_test_latest_otp (enrollment, citizen->phone, "contract");

  sign_body = g_strdup_printf ("{\"contractId\":\"%s\",\"otp\":\"%s\",\"hash\":\"%s\"}",
                               contract_id, otp, contract_hash);
  sbx_test_call_json (enrollment->session, "POST", sandbox->smartca_url,
                      "enrollment/contract/sign", enrollment->smartca_token, sign_body, NULL,
                      &signature);
  object = sbx_test_envelope (&signature);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "ACTIVATION_PENDING");
  g_assert_nonnull (json_object_get_string_member (object, "signedAt"));
  object = json_object_get_object_member (object, "signedDocument");
  g_assert_nonnull (object);
  enrollment->signed_contract =
    sbx_test_base64_decode (json_object_get_string_member (object, "dataBase64"));
}

/* The claims of PROTOCOL.md rev 2 with "hashes", which the program's
 * enr_sad_create() does not write yet: built and signed here. */
char *
sbx_test_sad (SbxTestEnrollment  *enrollment,
              EnrKak             *kak,
              const char         *device_id,
              const char         *txn,
              const char         *challenge,
              const char * const *hashes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *input = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 started = sbx_test_thread_cpu_us ();
  const guint8 *sig;
  gsize sig_len;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "iss");
  json_builder_add_string_value (builder, device_id);
  json_builder_set_member_name (builder, "sub");
  json_builder_add_string_value (builder, enrollment->credential_id);
  json_builder_set_member_name (builder, "aud");
  json_builder_add_string_value (builder, "smartca");
  json_builder_set_member_name (builder, "txn");
  json_builder_add_string_value (builder, txn);
  json_builder_set_member_name (builder, "challenge");
  json_builder_add_string_value (builder, challenge);
  json_builder_set_member_name (builder, "hashes");
  json_builder_begin_array (builder);
  for (guint i = 0; hashes != NULL && hashes[i] != NULL; i++)
    json_builder_add_string_value (builder, hashes[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "iat");
  json_builder_add_int_value (builder, now);
  json_builder_set_member_name (builder, "exp");
  json_builder_add_int_value (builder, now + ENR_SAD_MAX_LIFETIME_S);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  payload = json_generator_to_data (generator, NULL);

  input = enr_jws_signing_input ("{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
                                 (const guint8 *) payload, strlen (payload));
  signature = enr_kak_sign (kak, (const guint8 *) input, strlen (input), &error);
  g_assert_no_error (error);
  enrollment->rsa_cpu_us += sbx_test_thread_cpu_us () - started;
  sig = g_bytes_get_data (signature, &sig_len);
  return enr_jws_join (input, sig, sig_len);
}

/* The PIN guard's verifier of SBX_TEST_PIN under the enrollment's salt, as
 * Base64; with @pin_key, its pinKey too. */
static char *
pin_verifier_b64 (SbxTestEnrollment *enrollment,
                  guint8             pin_key[32])
{
  guint8 verifier[32], key[32];
  char *text;

  sbx_test_pin_derive (SBX_TEST_PIN, enrollment->pin_salt, SBX_TEST_PIN_ITERATIONS, verifier,
                       key);
  text = g_base64_encode (verifier, sizeof verifier);
  if (pin_key != NULL)
    memcpy (pin_key, key, sizeof key);
  gnutls_memset (verifier, 0, sizeof verifier);
  gnutls_memset (key, 0, sizeof key);
  return text;
}

/* What a client does before it signs: the PIN verified with the service,
 * whose share, with pinKey, makes the KAK's wrapping key. */
static void
unlock (SbxTestEnrollment *enrollment)
{
  g_autofree char *verifier = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GBytes) share = NULL;
  g_auto(SbxTestReply) reply = { 0 };
  guint8 pin_key[32], wrapping_key[32];
  JsonObject *object;

  verifier = pin_verifier_b64 (enrollment, pin_key);
  body = g_strdup_printf ("{\"credentialId\":\"%s\",\"pinVerifier\":\"%s\"}",
                          enrollment->credential_id, verifier);
  sbx_test_call_json (enrollment->session, "POST", enrollment->sandbox->smartca_url,
                      "ssa/sic/pin/verify", enrollment->smartca_token, body, NULL, &reply);
  object = sbx_test_envelope (&reply);
  g_assert_cmpstr (json_object_get_string_member (object, "pinShare"), ==,
                   enrollment->pin_share);
  share = sbx_test_base64_decode (enrollment->pin_share);
  g_assert_cmpuint (g_bytes_get_size (share), ==, 32);
  sbx_test_pin_wrapping_key (g_bytes_get_data (share, NULL), pin_key, wrapping_key);
  gnutls_memset (pin_key, 0, sizeof pin_key);
  gnutls_memset (wrapping_key, 0, sizeof wrapping_key);
}

void
sbx_test_activate (SbxTestEnrollment *enrollment,
                   EnrKak            *kak)
{
  SbxTestSandbox *sandbox = enrollment->sandbox;
  g_autoptr(GBytes) public_key = NULL;
  g_autofree char *public_b64 = NULL;
  g_autofree char *activate_body = NULL;
  g_autofree char *certificate_body = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *sad = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *verifier = NULL;
  g_auto(SbxTestReply) activated = { 0 };
  g_auto(SbxTestReply) certified = { 0 };
  JsonObject *object;
  JsonArray *chain;

  enrollment->kak = kak;
  enrollment->device_id = g_uuid_string_random ();
  public_key = enr_kak_get_public_key (kak);
  public_b64 = g_base64_encode (g_bytes_get_data (public_key, NULL),
                                g_bytes_get_size (public_key));
  g_assert_cmpint (gnutls_rnd (GNUTLS_RND_NONCE, enrollment->pin_salt,
                               sizeof enrollment->pin_salt), ==, 0);
  verifier = pin_verifier_b64 (enrollment, NULL);
  activate_body = g_strdup_printf ("{\"kakPublicKey\":\"%s\",\"device\":{\"deviceId\":\"%s\","
                                   "\"name\":\"Máy tính của tôi\","
                                   "\"platform\":\"linux-desktop\"},\"pinVerifier\":\"%s\"}",
                                   public_b64, enrollment->device_id, verifier);
  sbx_test_call_json (enrollment->session, "POST", sandbox->smartca_url, "enrollment/activate",
                      enrollment->smartca_token, activate_body, key, &activated);
  object = sbx_test_envelope (&activated);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "CERTIFICATE_PENDING");
  g_assert_cmpint (json_object_get_int_member (object, "challengeExpiresIn"), ==, 300);
  enrollment->credential_id = g_strdup (json_object_get_string_member (object, "credentialId"));
  challenge = g_strdup (json_object_get_string_member (object, "challenge"));
  enrollment->pin_share = g_strdup (json_object_get_string_member (object, "pinShare"));
  g_assert_nonnull (enrollment->pin_share);

  sad = sbx_test_sad (enrollment, kak, enrollment->device_id, "activation", challenge, NULL);
  certificate_body = g_strdup_printf ("{\"credentialId\":\"%s\",\"sad\":\"%s\"}",
                                      enrollment->credential_id, sad);
  sbx_test_call_json (enrollment->session, "POST", sandbox->smartca_url,
                      "enrollment/certificate", enrollment->smartca_token, certificate_body, NULL,
                      &certified);
  object = sbx_test_envelope (&certified);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "ACCEPTANCE_PENDING");
  enrollment->certificate = sbx_test_base64_decode (json_object_get_string_member (object,
                                                                                   "certificate"));
  chain = json_object_get_array_member (object, "chain");
  g_assert_cmpuint (json_array_get_length (chain), ==, 2);
  enrollment->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < 2; i++)
    g_ptr_array_add (enrollment->chain,
                     sbx_test_base64_decode (json_array_get_string_element (chain, i)));
  enrollment->tran_id = g_strdup (json_object_get_string_member (object, "tranId"));
}

void
sbx_test_accept (SbxTestEnrollment *enrollment)
{
  SbxTestSandbox *sandbox = enrollment->sandbox;
  g_auto(SbxTestReply) waiting = { 0 };
  g_auto(SbxTestReply) info = { 0 };
  g_auto(SbxTestReply) confirmed = { 0 };
  g_auto(SbxTestReply) accepted = { 0 };
  g_auto(SbxTestReply) status = { 0 };
  g_autoptr(EnrPdfSignature) placeholder = NULL;
  g_autoptr(GBytes) covered = NULL;
  g_autofree char *info_body = NULL;
  g_autofree char *confirm_body = NULL;
  g_autofree char *sad = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *name = NULL;
  const char *hashes[2] = { NULL, NULL };
  JsonObject *object, *document;
  JsonArray *documents;
  JsonNode *content;
  const guint8 *data;
  gsize len;

  /* The record waits among the citizen's transactions... */
  sbx_test_call_json (enrollment->session, "POST", sandbox->smartca_url, "ssa/sic/waitingtrans",
                      enrollment->smartca_token, "{}", NULL, &waiting);
  g_assert_cmpuint (waiting.status, ==, 200);
  content = json_object_get_member (sbx_test_object (&waiting), "content");
  g_assert_true (JSON_NODE_HOLDS_ARRAY (content));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (content)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (json_node_get_array (content), 0), "tranId"),
                   ==, enrollment->tran_id);

  /* ...as a PDF prepared for its signature, whose hash is the digest of
   * what /ByteRange covers: the client checks that before it signs. */
  info_body = g_strdup_printf ("{\"tranId\":\"%s\"}", enrollment->tran_id);
  sbx_test_call_json (enrollment->session, "POST", sandbox->smartca_url,
                      "ssa/sic/waitingtraninfo", enrollment->smartca_token, info_body, NULL,
                      &info);
  object = sbx_test_envelope (&info);
  g_assert_cmpstr (json_object_get_string_member (object, "credentialId"), ==,
                   enrollment->credential_id);
  documents = json_object_get_array_member (object, "documents");
  g_assert_cmpuint (json_array_get_length (documents), ==, 1);
  document = json_array_get_object_element (documents, 0);
  g_assert_cmpstr (json_object_get_string_member (document, "type"), ==, "pdf");
  name = g_strdup_printf ("bien-ban-nghiem-thu-%s.pdf", enrollment->citizen->citizen_id);
  g_assert_cmpstr (json_object_get_string_member (document, "name"), ==, name);
  enrollment->prepared_record =
    sbx_test_base64_decode (json_object_get_string_member (document, "dataBase64"));
  data = g_bytes_get_data (enrollment->prepared_record, &len);
  g_assert_cmpint (enr_pdf_signature_locate (data, len, &placeholder), ==, ENR_PDF_SIGNATURE_OK);
  g_assert_cmpstr (placeholder->sub_filter, ==, "ETSI.CAdES.detached");
  covered = enr_pdf_signature_covered_bytes (data, len, placeholder);
  g_assert_nonnull (covered);
  digest = sbx_test_sha256_base64 (g_bytes_get_data (covered, NULL), g_bytes_get_size (covered));
  g_assert_cmpstr (json_object_get_string_member (document, "hash"), ==, digest);

  /* The citizen enters the PIN, the service hands out its share for it,
   * and the KAK signs the SAD over the hash shown. */
  unlock (enrollment);
  hashes[0] = digest;
  sad = sbx_test_sad (enrollment, enrollment->kak, enrollment->device_id, enrollment->tran_id,
                      json_object_get_string_member (object, "challenge"), hashes);
  confirm_body = g_strdup_printf ("{\"tranId\":\"%s\",\"credentialId\":\"%s\",\"sad\":\"%s\"}",
                                  enrollment->tran_id, enrollment->credential_id, sad);
  sbx_test_call_json (enrollment->session, "POST", sandbox->smartca_url, "ssa/sic/signconfirm",
                      enrollment->smartca_token, confirm_body, NULL, &confirmed);
  object = sbx_test_envelope (&confirmed);
  g_assert_cmpint (json_object_get_int_member (object, "tranStatus"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (object, "tranStatusDesc"), ==, "SUCCESS");

  sbx_test_call_json (enrollment->session, "POST", sandbox->smartca_url, "enrollment/acceptance",
                      enrollment->smartca_token, "{}", NULL, &accepted);
  object = sbx_test_envelope (&accepted);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "ACTIVE");
  document = json_object_get_object_member (object, "signedDocument");
  g_assert_cmpstr (json_object_get_string_member (document, "name"), ==, name);
  enrollment->signed_record =
    sbx_test_base64_decode (json_object_get_string_member (document, "dataBase64"));
  /* Same length, same bytes but the placeholder. */
  g_assert_cmpuint (g_bytes_get_size (enrollment->signed_record), ==, len);

  object = status_poll (enrollment, &status);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "ACTIVE");
  g_assert_cmpstr (json_object_get_string_member (object, "credentialId"), ==,
                   enrollment->credential_id);
}
