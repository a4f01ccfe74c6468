/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * A C client of smartca-sandbox, written from PROTOCOL.md alone: it starts
 * a sandbox, trusts only the root CA the sandbox names, and takes a
 * built-in citizen from the VNeID login to a signed contract, once by
 * password + OTP and once by the QR device flow. The contract and the
 * signed contract are read back with pdftotext.
 */
#define G_LOG_DOMAIN "test-sandbox-client"

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#define CLIENT_ID    "smartca-enroll"
#define SERVICE_PACK "SMARTCA_PERSONAL_FREE"
#define GRANT_OTP    "urn:vneid:params:oauth:grant-type:otp"
#define GRANT_DEVICE "urn:ietf:params:oauth:grant-type:device_code"

typedef struct
{
  const char *citizen_id;
  const char *password;
  const char *full_name;
  const char *phone;
  gboolean    qr;
} Scenario;

typedef struct
{
  char        *tmp_dir;
  GSubprocess *proc;
  char        *vneid_url;
  char        *smartca_url;
  char        *control_url;
  char        *trust_anchor;
  SoupSession *session;
} Fixture;

/* --- The sandbox process ----------------------------------------------- */

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = NULL;

  children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  if (children != NULL)
    {
      GFileInfo *info;
      GFile *child;

      while (g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
        {
          if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
            remove_tree (child);
          else
            g_file_delete (child, NULL, NULL);
        }
    }
  g_file_delete (file, NULL, NULL);
}

/* A client that fails an assertion aborts: its sandbox must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char *binary = g_getenv ("SMARTCA_SANDBOX");
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *log_path = NULL;
  g_autofree char *line = NULL;
  JsonObject *info;

  g_assert_nonnull (binary);
  fixture->tmp_dir = g_dir_make_tmp ("sbxtests-client-XXXXXX", &error);
  g_assert_no_error (error);
  data_dir = g_build_filename (fixture->tmp_dir, "data", NULL);
  log_path = g_build_filename (fixture->tmp_dir, "sandbox.log", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* Kept for a look when a test fails; removed when it passes. */
  g_test_message ("sandbox data and log in %s", fixture->tmp_dir);
  fixture->proc = g_subprocess_launcher_spawn (launcher, &error, binary,
                                               "--listen", "127.0.0.1:0",
                                               "--data-dir", data_dir,
                                               "--sync-delay-ms", "300",
                                               NULL);
  g_assert_no_error (error);

  /* One line of JSON once it listens (the first start makes its CAs). */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->proc));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  info = json_node_get_object (json_parser_get_root (parser));
  fixture->vneid_url = g_strdup (json_object_get_string_member (info, "vneid_url"));
  fixture->smartca_url = g_strdup (json_object_get_string_member (info, "smartca_url"));
  fixture->control_url = g_strdup (json_object_get_string_member (info, "control_url"));
  fixture->trust_anchor = g_strdup (json_object_get_string_member (info, "trust_anchor"));
  g_assert_true (g_str_has_prefix (fixture->vneid_url, "https://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (fixture->vneid_url, "/vneid"));
  g_assert_true (g_str_has_suffix (fixture->smartca_url, "/smartca"));
  g_assert_true (g_str_has_suffix (fixture->control_url, "/sandbox"));
  g_assert_true (g_path_is_absolute (fixture->trust_anchor));

  /* Trust the sandbox's root and nothing else; no proxy on loopback. */
  database = g_tls_file_database_new (fixture->trust_anchor, &error);
  g_assert_no_error (error);
  fixture->session = soup_session_new_with_options ("tls-database", database,
                                                    "proxy-resolver", NULL,
                                                    "timeout", 30,
                                                    NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) tmp = NULL;

  g_clear_object (&fixture->session);
  if (fixture->proc != NULL)
    {
      /* SIGTERM stops it cleanly (PROTOCOL.md, "The sandbox"). */
      g_subprocess_send_signal (fixture->proc, SIGTERM);
      g_subprocess_wait (fixture->proc, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (fixture->proc));
      g_assert_cmpint (g_subprocess_get_exit_status (fixture->proc), ==, 0);
      g_clear_object (&fixture->proc);
    }
  tmp = g_file_new_for_path (fixture->tmp_dir);
  remove_tree (tmp);
  g_free (fixture->tmp_dir);
  g_free (fixture->vneid_url);
  g_free (fixture->smartca_url);
  g_free (fixture->control_url);
  g_free (fixture->trust_anchor);
}

/* --- HTTP ---------------------------------------------------------------- */

typedef struct
{
  guint     status;
  JsonNode *body;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static void
call (Fixture    *fixture,
      const char *method,
      const char *base,
      const char *path,
      const char *token,
      const char *content_type,
      const char *body,
      const char *idempotency_key,
      Reply      *reply)
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

  g_assert_nonnull (msg);
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

  answer = soup_session_send_and_read (fixture->session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);

  type = soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL);
  g_assert_cmpstr (type, ==, "application/json");
  data = g_bytes_get_data (answer, &len);
  json_parser_load_from_data (parser, data, (gssize) len, &error);
  g_assert_no_error (error);
  reply->body = json_node_ref (json_parser_get_root (parser));
}

static void
call_form (Fixture    *fixture,
           const char *base,
           const char *path,
           char       *form,
           Reply      *reply)
{
  call (fixture, "POST", base, path, NULL, "application/x-www-form-urlencoded", form, NULL,
        reply);
  g_free (form);
}

static void
call_json (Fixture    *fixture,
           const char *method,
           const char *base,
           const char *path,
           const char *token,
           const char *json,
           const char *idempotency_key,
           Reply      *reply)
{
  call (fixture, method, base, path, token, json != NULL ? "application/json" : NULL, json,
        idempotency_key, reply);
}

static JsonObject *
object_of (Reply *reply)
{
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->body));
  return json_node_get_object (reply->body);
}

/* The content of a SmartCA envelope that says success. */
static JsonObject *
envelope_content (Reply *reply)
{
  JsonObject *envelope = object_of (reply);
  JsonNode *content;

  g_assert_cmpuint (reply->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (envelope, "code"), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (envelope, "codeDesc"), ==, "SUCCESS");
  g_assert_cmpstr (json_object_get_string_member (envelope, "message"), ==, "Success");
  content = json_object_get_member (envelope, "content");
  g_assert_nonnull (content);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (content));
  return json_node_get_object (content);
}

/* The newest OTP of @purpose the sandbox "sent" to @phone. */
static char *
latest_otp (Fixture    *fixture,
            const char *phone,
            const char *purpose)
{
  g_autofree char *path = g_strconcat ("outbox?phone=", phone, NULL);
  g_auto(Reply) reply = { 0 };
  JsonArray *items;

  call_json (fixture, "GET", fixture->control_url, path, NULL, NULL, NULL, &reply);
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

/* --- Checks on documents ----------------------------------------------------- */

static char *
base64_sha256 (GBytes *bytes)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (checksum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_checksum_get_digest (checksum, digest, &len);
  return g_base64_encode (digest, len);
}

/* The PDF's text by pdftotext, in NFC with runs of white space made one. */
static char *
pdf_text (Fixture    *fixture,
          GBytes     *pdf,
          const char *name)
{
  g_autofree char *path = g_build_filename (fixture->tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GRegex) spaces = NULL;
  g_autofree char *collapsed = NULL;
  int status = 0;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", path, "-", NULL };

  g_file_set_contents (path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf),
                       &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_utf8_validate (out, -1, NULL));

  spaces = g_regex_new ("[ \\t\\f]+", 0, 0, NULL);
  collapsed = g_regex_replace_literal (spaces, out, -1, 0, " ", 0, NULL);
  return g_utf8_normalize (collapsed, -1, G_NORMALIZE_NFC);
}

/* The full name on one line, the citizen ID and the service pack. */
static void
check_document (Fixture        *fixture,
                const Scenario *scenario,
                GBytes         *pdf,
                const char     *name)
{
  g_autofree char *text = pdf_text (fixture, pdf, name);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean name_found = FALSE;

  g_assert_cmpmem (g_bytes_get_data (pdf, NULL), 5, "%PDF-", 5);
  for (guint i = 0; lines[i] != NULL && !name_found; i++)
    name_found = strstr (lines[i], scenario->full_name) != NULL;
  if (!name_found)
    g_test_message ("pdftotext of %s:\n%s", name, text);
  g_assert_true (name_found);
  g_assert_nonnull (strstr (text, scenario->citizen_id));
  g_assert_nonnull (strstr (text, SERVICE_PACK));
}

static GBytes *
decode_base64 (const char *text)
{
  gsize len = 0;
  guchar *data = g_base64_decode (text, &len);

  return g_bytes_new_take (data, len);
}

/* --- The flow ---------------------------------------------------------------- */

static char *
login_password (Fixture        *fixture,
                const Scenario *scenario)
{
  g_auto(Reply) first = { 0 };
  g_auto(Reply) tokens = { 0 };
  g_autofree char *otp = NULL;
  JsonObject *object;
  g_autofree char *masked = g_strdup_printf ("%.2s******%s", scenario->phone,
                                             scenario->phone + strlen (scenario->phone) - 2);

  call_form (fixture, fixture->vneid_url, "oauth/token",
             soup_form_encode ("grant_type", "password",
                               "username", scenario->citizen_id,
                               "password", scenario->password,
                               "client_id", CLIENT_ID,
                               NULL),
             &first);
  g_assert_cmpuint (first.status, ==, 401);
  object = object_of (&first);
  g_assert_cmpstr (json_object_get_string_member (object, "error"), ==, "otp_required");
  g_assert_cmpstr (json_object_get_string_member (object, "otp_sent_to"), ==, masked);
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 300);

  otp = latest_otp (fixture, scenario->phone, "vneid-login");
  call_form (fixture, fixture->vneid_url, "oauth/token",
             soup_form_encode ("grant_type", GRANT_OTP,
                               "otp_session", json_object_get_string_member (object,
                                                                             "otp_session"),
                               "otp", otp,
                               "client_id", CLIENT_ID,
                               NULL),
             &tokens);
  g_assert_cmpuint (tokens.status, ==, 200);
  object = object_of (&tokens);
  g_assert_cmpstr (json_object_get_string_member (object, "token_type"), ==, "Bearer");
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 900);
  g_assert_false (json_object_has_member (object, "refresh_token"));
  return g_strdup (json_object_get_string_member (object, "access_token"));
}

static char *
login_qr (Fixture        *fixture,
          const Scenario *scenario)
{
  g_auto(Reply) device = { 0 };
  g_auto(Reply) pending = { 0 };
  g_auto(Reply) approved = { 0 };
  g_auto(Reply) tokens = { 0 };
  g_autofree char *approval = NULL;
  JsonObject *object;
  const char *device_code;
  const char *user_code;

  call_form (fixture, fixture->vneid_url, "oauth/device_authorization",
             soup_form_encode ("client_id", CLIENT_ID, "scope", "openid profile smartca", NULL),
             &device);
  g_assert_cmpuint (device.status, ==, 200);
  object = object_of (&device);
  device_code = json_object_get_string_member (object, "device_code");
  user_code = json_object_get_string_member (object, "user_code");
  g_assert_nonnull (strstr (json_object_get_string_member (object, "verification_uri_complete"),
                            user_code));
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 600);
  g_assert_cmpint (json_object_get_int_member (object, "interval"), ==, 5);

  call_form (fixture, fixture->vneid_url, "oauth/token",
             soup_form_encode ("grant_type", GRANT_DEVICE, "device_code", device_code,
                               "client_id", CLIENT_ID, NULL),
             &pending);
  g_assert_cmpuint (pending.status, ==, 400);
  g_assert_cmpstr (json_object_get_string_member (object_of (&pending), "error"), ==,
                   "authorization_pending");

  /* The citizen scans the QR code and approves on their phone. */
  approval = g_strdup_printf ("{\"user_code\":\"%s\",\"citizen_id\":\"%s\"}", user_code,
                              scenario->citizen_id);
  call_json (fixture, "POST", fixture->control_url, "vneid/approve", NULL, approval, NULL,
             &approved);
  g_assert_cmpuint (approved.status, ==, 200);

  /* The next poll gets the tokens whatever its timing. */
  call_form (fixture, fixture->vneid_url, "oauth/token",
             soup_form_encode ("grant_type", GRANT_DEVICE, "device_code", device_code,
                               "client_id", CLIENT_ID, NULL),
             &tokens);
  g_assert_cmpuint (tokens.status, ==, 200);
  object = object_of (&tokens);
  g_assert_cmpstr (json_object_get_string_member (object, "token_type"), ==, "Bearer");
  g_assert_cmpstr (json_object_get_string_member (object, "scope"), ==,
                   "openid profile smartca");
  return g_strdup (json_object_get_string_member (object, "access_token"));
}

static void
test_to_signed_contract (Fixture       *fixture,
                         gconstpointer  data)
{
  const Scenario *scenario = data;
  g_autofree char *vneid_token = NULL;
  g_autofree char *registration_id = NULL;
  g_autofree char *smartca_token = NULL;
  g_autofree char *contract_id = NULL;
  g_autofree char *contract_hash = NULL;
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *otp = NULL;
  g_autofree char *otp_body = NULL;
  g_autofree char *sign_body = NULL;
  g_autofree char *registration_path = NULL;
  g_autofree char *handoff_path = NULL;
  g_autofree char *pdf_name = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autofree char *computed = NULL;
  g_auto(Reply) userinfo = { 0 };
  g_auto(Reply) registration = { 0 };
  g_auto(Reply) handoff = { 0 };
  g_auto(Reply) tokens = { 0 };
  g_auto(Reply) identity = { 0 };
  g_auto(Reply) contract = { 0 };
  g_auto(Reply) contract_otp = { 0 };
  g_auto(Reply) signature = { 0 };
  g_auto(Reply) status = { 0 };
  JsonObject *object;
  gint64 deadline;

  /* Step 1: log in to VNeID. */
  vneid_token = scenario->qr ? login_qr (fixture, scenario)
                             : login_password (fixture, scenario);
  call_json (fixture, "GET", fixture->vneid_url, "api/v1/userinfo", vneid_token, NULL, NULL,
             &userinfo);
  g_assert_cmpuint (userinfo.status, ==, 200);
  object = object_of (&userinfo);
  g_assert_cmpstr (json_object_get_string_member (object, "citizen_id"), ==,
                   scenario->citizen_id);
  g_assert_cmpstr (json_object_get_string_member (object, "full_name"), ==,
                   scenario->full_name);
  g_assert_cmpint (json_object_get_int_member (object, "identity_level"), ==, 2);

  /* Step 2: consent and register. */
  call_json (fixture, "POST", fixture->vneid_url, "api/v1/smartca/registrations", vneid_token,
             "{\"service_pack\":\"" SERVICE_PACK "\","
             "\"consent\":{\"share_identity\":true,\"terms_version\":\"2025.1\"}}",
             key, &registration);
  g_assert_cmpuint (registration.status, ==, 201);
  object = object_of (&registration);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "SUBMITTED");
  registration_id = g_strdup (json_object_get_string_member (object, "registration_id"));

  /* Step 3: hand over to SmartCA and wait for the sync. */
  handoff_path = g_strdup_printf ("api/v1/smartca/registrations/%s/handoff", registration_id);
  call_json (fixture, "POST", fixture->vneid_url, handoff_path, vneid_token, NULL, NULL,
             &handoff);
  g_assert_cmpuint (handoff.status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (object_of (&handoff), "expires_in"), ==, 60);

  call_form (fixture, fixture->smartca_url, "auth/token",
             soup_form_encode ("grant_type", "authorization_code",
                               "code", json_object_get_string_member (object_of (&handoff),
                                                                      "code"),
                               "client_id", CLIENT_ID,
                               NULL),
             &tokens);
  g_assert_cmpuint (tokens.status, ==, 200);
  object = object_of (&tokens);
  g_assert_cmpstr (json_object_get_string_member (object, "token_type"), ==, "bearer");
  g_assert_cmpint (json_object_get_int_member (object, "expires_in"), ==, 3599);
  g_assert_nonnull (json_object_get_string_member (object, "refresh_token"));
  smartca_token = g_strdup (json_object_get_string_member (object, "access_token"));

  call_json (fixture, "POST", fixture->smartca_url, "identityapi/userinfo/info", smartca_token,
             "{}", NULL, &identity);
  object = envelope_content (&identity);
  g_assert_cmpstr (json_object_get_string_member (object, "uid"), ==, scenario->citizen_id);
  g_assert_cmpstr (json_object_get_string_member (object, "uidPre"), ==, "CCCD");
  g_assert_cmpstr (json_object_get_string_member (object, "fullName"), ==, scenario->full_name);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  for (;;)
    {
      g_auto(Reply) poll = { 0 };
      const char *state;

      call_json (fixture, "POST", fixture->smartca_url, "enrollment/status", smartca_token,
                 "{}", NULL, &poll);
      object = envelope_content (&poll);
      g_assert_cmpstr (json_object_get_string_member (object, "registrationId"), ==,
                       registration_id);
      state = json_object_get_string_member (object, "state");
      if (g_strcmp0 (state, "CONTRACT_PENDING") == 0)
        break;
      g_assert_cmpstr (state, ==, "SYNCING");
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (CLAMP (json_object_get_int_member (object, "pollAfterMs"), 50, 2000) * 1000);
    }

  /* Step 4: the contract, its OTP and its signature. */
  call_json (fixture, "POST", fixture->smartca_url, "enrollment/contract", smartca_token, "{}",
             NULL, &contract);
  object = envelope_content (&contract);
  contract_id = g_strdup (json_object_get_string_member (object, "contractId"));
  contract_hash = g_strdup (json_object_get_string_member (object, "hash"));
  pdf_name = g_strdup_printf ("hop-dong-smartca-%s.pdf", scenario->citizen_id);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, pdf_name);
  pdf = decode_base64 (json_object_get_string_member (object, "dataBase64"));
  computed = base64_sha256 (pdf);
  g_assert_cmpstr (computed, ==, contract_hash);
  check_document (fixture, scenario, pdf, "contract.pdf");

  otp_body = g_strdup_printf ("{\"contractId\":\"%s\"}", contract_id);
  call_json (fixture, "POST", fixture->smartca_url, "enrollment/contract/otp", smartca_token,
             otp_body, NULL, &contract_otp);
  object = envelope_content (&contract_otp);
  g_assert_cmpint (json_object_get_int_member (object, "expiresIn"), ==, 300);
  g_assert_cmpint (json_object_get_int_member (object, "resendAfter"), ==, 60);
  otp = latest_otp (fixture, scenario->phone, "contract");

  sign_body = g_strdup_printf ("{\"contractId\":\"%s\",\"otp\":\"%s\",\"hash\":\"%s\"}",
                               contract_id, otp, contract_hash);
  call_json (fixture, "POST", fixture->smartca_url, "enrollment/contract/sign", smartca_token,
             sign_body, NULL, &signature);
  object = envelope_content (&signature);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "ACTIVATION_PENDING");
  g_assert_nonnull (json_object_get_string_member (object, "signedAt"));
  object = json_object_get_object_member (object, "signedDocument");
  g_assert_nonnull (object);
  signed_pdf = decode_base64 (json_object_get_string_member (object, "dataBase64"));
  check_document (fixture, scenario, signed_pdf, "signed.pdf");

  /* VNeID sees the signed contract too. */
  registration_path = g_strdup_printf ("api/v1/smartca/registrations/%s", registration_id);
  call_json (fixture, "GET", fixture->vneid_url, registration_path, vneid_token, NULL, NULL,
             &status);
  g_assert_cmpuint (status.status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object_of (&status), "status"), ==,
                   "CONTRACT_SIGNED");
}

int
main (int    argc,
      char **argv)
{
  static const Scenario by_password = {
    "001093000001", "Matkhau@123", "Nguyễn Văn An", "0912345678", FALSE,
  };
  static const Scenario by_qr = {
    "079301000123", "Matkhau@123", "Trần Thị Bích Ngọc", "0987654321", TRUE,
  };

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sandbox-client/password-otp-to-signed-contract", Fixture, &by_password,
              fixture_setup, test_to_signed_contract, fixture_teardown);
  g_test_add ("/sandbox-client/qr-to-signed-contract", Fixture, &by_qr,
              fixture_setup, test_to_signed_contract, fixture_teardown);

  return g_test_run ();
}
