/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-vneid"

#include "config.h"

#include <gnutls/gnutls.h>
#include <string.h>

#include "sbx-clock.h"
#include "sbx-otp.h"
#include "sbx-secret.h"
#include "sbx-server.h"
#include "sbx-token.h"

/*
 * The VNeID side of the sandbox (PROTOCOL.md, "VNeID"): OAuth 2.0 with the
 * device grant, password + OTP, revocation, the citizen's identity and the
 * SmartCA registration that ends in the hand-off to SmartCA.
 */

#define CLIENT_ID              "smartca-enroll"
#define DEFAULT_SCOPE          "openid profile smartca"
#define SERVICE_PACK           "SMARTCA_PERSONAL_FREE"

#define DEVICE_CODE_TTL_S      600
#define DEVICE_POLL_INTERVAL_S 5
#define LOGIN_OTP_TTL_S        300
#define ACCESS_TOKEN_TTL_S     900
#define MAX_WRONG_PASSWORDS    5
#define ACCOUNT_LOCK_S         300
#define HANDOFF_CODE_TTL_S     60

#define GRANT_DEVICE_CODE      "urn:ietf:params:oauth:grant-type:device_code"
#define GRANT_PASSWORD         "password"
#define GRANT_OTP              "urn:vneid:params:oauth:grant-type:otp"

/* One description for an unknown citizen ID and a wrong password, so that a
 * refusal does not tell which of the two was wrong. */
#define WRONG_CREDENTIALS      "The citizen ID or the password is wrong."

/* --- Database helpers --------------------------------------------------- */

static SbxDb *
request_db (SbxRequest *req)
{
  return sbx_server_get_db (sbx_request_get_server (req));
}

/* The 500 for a database that failed us; always FALSE, so handlers can
 * `return server_error (req);` and roll back. */
static gboolean
server_error (SbxRequest *req)
{
  sbx_reply_oauth_error (req, 500, "server_error", "The service could not store the request.",
                         NULL);
  return FALSE;
}

static gboolean
begin (SbxRequest *req)
{
  if (sbx_db_begin (request_db (req)))
    return TRUE;
  server_error (req);
  return FALSE;
}

/* Ends the handler's transaction: kept when @keep, else rolled back. The
 * reply may already be made (an Idempotency-Key records it in this very
 * transaction), so a failed commit can only be logged. */
static gboolean
finish (SbxRequest *req,
        gboolean    keep)
{
  SbxDb *db = request_db (req);

  if (!keep)
    {
      sbx_db_rollback (db);
      return FALSE;
    }
  if (!sbx_db_commit (db))
    {
      g_warning ("Could not commit a VNeID %s %s: %s", sbx_request_get_method (req),
                 sbx_request_get_path (req), sqlite3_errmsg (sbx_db_handle (db)));
      sbx_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

/* --- Replies ------------------------------------------------------------ */

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

static void
set_nullable_string (JsonObject *object,
                     const char *name,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

/* An RFC 6749 error with one extra integer member (attempts_left, retry_after). */
static void
reply_error_with_int (SbxRequest *req,
                      guint       status,
                      const char *error,
                      const char *description,
                      const char *member,
                      gint64      value)
{
  g_autoptr(JsonObject) extra = json_object_new ();

  json_object_set_int_member (extra, member, value);
  sbx_reply_oauth_error (req, status, error, description, extra);
}

static void
reply_tokens (SbxRequest *req,
              const char *access_token,
              const char *scope)
{
  JsonObject *body = json_object_new ();

  json_object_set_string_member (body, "access_token", access_token);
  json_object_set_string_member (body, "token_type", "Bearer");
  json_object_set_int_member (body, "expires_in", ACCESS_TOKEN_TTL_S);
  json_object_set_string_member (body, "scope", scope);
  sbx_reply_json (req, 200, object_node (body));
}

/* --- Citizens ----------------------------------------------------------- */

typedef struct
{
  char   *citizen_id;
  char   *sub;
  GBytes *password_salt;
  GBytes *password_hash;
  guint   password_iterations;
  char   *full_name;
  char   *date_of_birth;
  char   *gender;
  char   *nationality;
  char   *phone;
  char   *email;
  gint64  identity_level;
  char   *province;
  char   *ward;
  char   *street;
  char   *district;
  gint64  failed_passwords;
  gint64  locked_until;
} Citizen;

static void
citizen_free (Citizen *citizen)
{
  g_free (citizen->citizen_id);
  g_free (citizen->sub);
  g_bytes_unref (citizen->password_salt);
  g_bytes_unref (citizen->password_hash);
  g_free (citizen->full_name);
  g_free (citizen->date_of_birth);
  g_free (citizen->gender);
  g_free (citizen->nationality);
  g_free (citizen->phone);
  g_free (citizen->email);
  g_free (citizen->province);
  g_free (citizen->ward);
  g_free (citizen->street);
  g_free (citizen->district);
  g_free (citizen);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Citizen, citizen_free)

static Citizen *
citizen_load (SbxDb      *db,
              const char *citizen_id)
{
  sqlite3_stmt *stmt;
  Citizen *citizen = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT citizen_id, sub, password_salt, password_hash, "
                         "password_iterations, full_name, date_of_birth, gender, nationality, "
                         "phone, email, identity_level, province, ward, street, district, "
                         "failed_passwords, locked_until "
                         "FROM citizens WHERE citizen_id = ?");
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      citizen = g_new0 (Citizen, 1);
      citizen->citizen_id = sbx_db_column_dup (stmt, 0);
      citizen->sub = sbx_db_column_dup (stmt, 1);
      citizen->password_salt = sbx_db_column_bytes (stmt, 2);
      citizen->password_hash = sbx_db_column_bytes (stmt, 3);
      citizen->password_iterations = (guint) sqlite3_column_int64 (stmt, 4);
      citizen->full_name = sbx_db_column_dup (stmt, 5);
      citizen->date_of_birth = sbx_db_column_dup (stmt, 6);
      citizen->gender = sbx_db_column_dup (stmt, 7);
      citizen->nationality = sbx_db_column_dup (stmt, 8);
      citizen->phone = sbx_db_column_dup (stmt, 9);
      citizen->email = sbx_db_column_dup (stmt, 10);
      citizen->identity_level = sqlite3_column_int64 (stmt, 11);
      citizen->province = sbx_db_column_dup (stmt, 12);
      citizen->ward = sbx_db_column_dup (stmt, 13);
      citizen->street = sbx_db_column_dup (stmt, 14);
      citizen->district = sbx_db_column_dup (stmt, 15);
      citizen->failed_passwords = sqlite3_column_int64 (stmt, 16);
      citizen->locked_until = sqlite3_column_int64 (stmt, 17);
    }
  sqlite3_reset (stmt);
  return citizen;
}

static gboolean
citizen_set_password_failures (SbxDb      *db,
                               const char *citizen_id,
                               gint64      failed_passwords,
                               gint64      locked_until)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE citizens SET failed_passwords = ?, locked_until = ? "
                         "WHERE citizen_id = ?");
  sqlite3_bind_int64 (stmt, 1, failed_passwords);
  sqlite3_bind_int64 (stmt, 2, locked_until);
  sqlite3_bind_text (stmt, 3, citizen_id, -1, SQLITE_TRANSIENT);
  return sbx_db_step_done (db, stmt);
}

/* --- OAuth form helpers --------------------------------------------------- */

/* The one client there is; a missing client_id is a bad request, another
 * one a failed client authentication (RFC 6749 §5.2). */
static gboolean
check_client (SbxRequest *req,
              GHashTable *form)
{
  const char *client_id;

  if (!sbx_require_form_field (req, form, "client_id", &client_id))
    return FALSE;
  if (g_strcmp0 (client_id, CLIENT_ID) != 0)
    {
      sbx_reply_oauth_error (req, 401, "invalid_client", "The client_id is not known.", NULL);
      return FALSE;
    }
  return TRUE;
}

/* The requested scope, normalised: known names, each once, in the order
 * given; absent or blank means the default. */
static char *
read_scope (SbxRequest *req,
            GHashTable *form)
{
  static const char * const known[] = { "openid", "profile", "smartca", NULL };
  const char *requested = g_hash_table_lookup (form, "scope");
  g_auto(GStrv) names = NULL;
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  if (requested == NULL)
    return g_strdup (DEFAULT_SCOPE);

  names = g_strsplit (requested, " ", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (*names[i] == '\0')
        continue;
      if (!g_strv_contains (known, names[i]))
        {
          sbx_reply_oauth_error (req, 400, "invalid_scope",
                                 "scope: only openid, profile and smartca are known.", NULL);
          return NULL;
        }
      if (!g_ptr_array_find_with_equal_func (kept, names[i], g_str_equal, NULL))
        g_ptr_array_add (kept, names[i]);
    }

  if (kept->len == 0)
    return g_strdup (DEFAULT_SCOPE);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (" ", (char **) kept->pdata);
}

/* --- POST oauth/device_authorization ------------------------------------ */

/* Where the citizen would approve, had the sandbox a web page: it is only
 * shown as a QR code, so the address the client used to reach us is the
 * best base. A Host header that is not a plain host[:port] is not trusted. */
static char *
verification_uri (SbxRequest *req)
{
  const char *host = sbx_request_get_header (req, "Host");

  if (host != NULL && *host != '\0' &&
      strspn (host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
        == strlen (host))
    return g_strdup_printf ("https://%s/vneid/device", host);
  return g_strconcat (sbx_server_get_vneid_url (sbx_request_get_server (req)), "/device", NULL);
}

/* Inserts a new pending device code; FALSE only on a database error. A
 * user code is short, so a clash with a live one is possible: draw again. */
static gboolean
insert_device_code (SbxDb       *db,
                    GBytes      *device_code_hash,
                    const char  *scope,
                    gint64       now,
                    char       **user_code_out)
{
  for (guint attempt = 0; attempt < 8; attempt++)
    {
      g_autofree char *user_code = sbx_secret_new_user_code ();
      sqlite3_stmt *stmt;
      int rc;

      stmt = sbx_db_prepare (db,
                             "INSERT INTO device_codes (device_code_hash, user_code, scope, "
                             "created_at, expires_at, interval_s) VALUES (?, ?, ?, ?, ?, ?)");
      sbx_db_bind_bytes (stmt, 1, device_code_hash);
      sqlite3_bind_text (stmt, 2, user_code, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, scope, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 4, now);
      sqlite3_bind_int64 (stmt, 5, now + DEVICE_CODE_TTL_S * G_GINT64_CONSTANT (1000));
      sqlite3_bind_int (stmt, 6, DEVICE_POLL_INTERVAL_S);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        {
          *user_code_out = g_steal_pointer (&user_code);
          return TRUE;
        }
      if (rc != SQLITE_CONSTRAINT)
        break;
    }

  g_warning ("Could not store a device code: %s", sqlite3_errmsg (sbx_db_handle (db)));
  return FALSE;
}

static void
device_authorization_cb (SbxRequest *req)
{
  SbxDb *db = request_db (req);
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *scope = NULL;
  g_autoptr(SbxSecretString) device_code = NULL;
  g_autoptr(GBytes) device_code_hash = NULL;
  g_autofree char *user_code = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *uri_complete = NULL;
  JsonObject *body;

  form = sbx_request_form (req);
  if (form == NULL || !check_client (req, form))
    return;
  scope = read_scope (req, form);
  if (scope == NULL)
    return;

  device_code = sbx_secret_new_token ();
  device_code_hash = sbx_secret_hash (device_code);

  if (!begin (req))
    return;
  if (!insert_device_code (db, device_code_hash, scope, sbx_clock_now_ms (), &user_code))
    {
      finish (req, server_error (req));
      return;
    }
  if (!finish (req, TRUE))
    {
      server_error (req);
      return;
    }

  uri = verification_uri (req);
  uri_complete = g_strconcat (uri, "?user_code=", user_code, NULL);
  body = json_object_new ();
  json_object_set_string_member (body, "device_code", device_code);
  json_object_set_string_member (body, "user_code", user_code);
  json_object_set_string_member (body, "verification_uri", uri);
  json_object_set_string_member (body, "verification_uri_complete", uri_complete);
  json_object_set_int_member (body, "expires_in", DEVICE_CODE_TTL_S);
  json_object_set_int_member (body, "interval", DEVICE_POLL_INTERVAL_S);
  sbx_reply_json (req, 200, object_node (body));
  g_info ("A device login started");
}

/* --- POST oauth/token: the device code grant ------------------------------ */

typedef struct
{
  gint64  expires_at;
  gint64  interval_s;
  gint64  last_poll_at;   /* 0: never polled */
  char   *state;
  char   *citizen_id;
  char   *scope;
} DeviceCode;

static void
device_code_free (DeviceCode *code)
{
  g_free (code->state);
  g_free (code->citizen_id);
  g_free (code->scope);
  g_free (code);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DeviceCode, device_code_free)

static DeviceCode *
device_code_load (SbxDb  *db,
                  GBytes *device_code_hash)
{
  sqlite3_stmt *stmt;
  DeviceCode *code = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT expires_at, interval_s, last_poll_at, state, citizen_id, scope "
                         "FROM device_codes WHERE device_code_hash = ?");
  sbx_db_bind_bytes (stmt, 1, device_code_hash);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      code = g_new0 (DeviceCode, 1);
      code->expires_at = sqlite3_column_int64 (stmt, 0);
      code->interval_s = sqlite3_column_int64 (stmt, 1);
      code->last_poll_at = sqlite3_column_int64 (stmt, 2);
      code->state = sbx_db_column_dup (stmt, 3);
      code->citizen_id = sbx_db_column_dup (stmt, 4);
      code->scope = sbx_db_column_dup (stmt, 5);
    }
  sqlite3_reset (stmt);
  return code;
}

static gboolean
device_code_update (SbxDb      *db,
                    GBytes     *device_code_hash,
                    const char *state,
                    gint64      last_poll_at)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE device_codes SET state = ?, last_poll_at = ? "
                         "WHERE device_code_hash = ?");
  sqlite3_bind_text (stmt, 1, state, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, last_poll_at);
  sbx_db_bind_bytes (stmt, 3, device_code_hash);
  return sbx_db_step_done (db, stmt);
}

/* Runs in the handler's transaction; TRUE when it is to be kept. */
static gboolean
device_code_grant (SbxRequest *req,
                   GHashTable *form)
{
  SbxDb *db = request_db (req);
  const char *device_code;
  g_autoptr(GBytes) hash = NULL;
  g_autoptr(DeviceCode) code = NULL;
  g_autoptr(SbxSecretString) token = NULL;
  gint64 now = sbx_clock_now_ms ();
  gboolean too_soon;

  if (!sbx_require_form_field (req, form, "device_code", &device_code))
    return FALSE;
  hash = sbx_secret_hash (device_code);
  code = device_code_load (db, hash);

  if (code == NULL)
    {
      sbx_reply_oauth_error (req, 400, "invalid_grant", "The device_code is not known.", NULL);
      return FALSE;
    }
  if (g_str_equal (code->state, "used"))
    {
      sbx_reply_oauth_error (req, 400, "invalid_grant",
                             "The device_code has already been exchanged for tokens.", NULL);
      return FALSE;
    }
  if (now >= code->expires_at)
    {
      sbx_reply_oauth_error (req, 400, "expired_token",
                             "The device_code has expired; start a new login.", NULL);
      return FALSE;
    }
  if (g_str_equal (code->state, "denied"))
    {
      sbx_reply_oauth_error (req, 400, "access_denied", "The citizen denied the login.", NULL);
      return FALSE;
    }

  if (g_str_equal (code->state, "approved"))
    {
      if (code->citizen_id == NULL || !device_code_update (db, hash, "used", now))
        return server_error (req);
      token = sbx_token_issue (db, "vneid", "access", code->citizen_id, NULL, code->scope,
                               ACCESS_TOKEN_TTL_S);
      if (token == NULL)
        return server_error (req);
      reply_tokens (req, token, code->scope);
      g_info ("A device login ended with tokens");
      return TRUE;
    }

  /* Still pending. The poll is remembered whatever the answer, so a client
   * that polls too fast keeps getting slow_down until it slows down. */
  too_soon = code->last_poll_at > 0 && now - code->last_poll_at < code->interval_s * 1000;
  if (!device_code_update (db, hash, code->state, now))
    return server_error (req);
  if (too_soon)
    sbx_reply_oauth_error (req, 400, "slow_down",
                           "Polled sooner than the interval; wait 5 seconds longer.", NULL);
  else
    sbx_reply_oauth_error (req, 400, "authorization_pending",
                           "The citizen has not yet approved the login.", NULL);
  return TRUE;
}

/* --- POST oauth/token: password, then OTP --------------------------------- */

static gboolean
password_grant (SbxRequest *req,
                GHashTable *form)
{
  SbxDb *db = request_db (req);
  const char *username;
  const char *password;
  g_autofree char *scope = NULL;
  g_autoptr(SbxSecretString) normalized = NULL;
  g_autoptr(Citizen) citizen = NULL;
  g_autoptr(SbxSecretString) otp_session = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *sent_to = NULL;
  gint64 now = sbx_clock_now_ms ();
  JsonObject *extra;

  if (!sbx_require_form_field (req, form, "username", &username) ||
      !sbx_require_form_field (req, form, "password", &password))
    return FALSE;
  scope = read_scope (req, form);
  if (scope == NULL)
    return FALSE;
  normalized = g_utf8_normalize (password, -1, G_NORMALIZE_NFC);
  if (normalized == NULL)
    {
      sbx_reply_bad_field (req, "password", "is not UTF-8");
      return FALSE;
    }

  citizen = citizen_load (db, username);
  if (citizen == NULL)
    {
      sbx_reply_oauth_error (req, 400, "invalid_grant", WRONG_CREDENTIALS, NULL);
      return FALSE;
    }

  if (citizen->locked_until > now)
    {
      reply_error_with_int (req, 403, "account_locked",
                            "Too many wrong passwords; the account is locked for a while.",
                            "retry_after", (citizen->locked_until - now + 999) / 1000);
      return FALSE;
    }

  if (!sbx_password_check (normalized, citizen->password_salt, citizen->password_hash,
                           citizen->password_iterations))
    {
      gint64 failed = citizen->failed_passwords + 1;

      /* Attempt counters are the one thing a refused call keeps. Locking
       * starts the count again for when the lock ends. */
      if (failed >= MAX_WRONG_PASSWORDS)
        {
          if (!citizen_set_password_failures (db, citizen->citizen_id, 0,
                                              now + ACCOUNT_LOCK_S * G_GINT64_CONSTANT (1000)))
            return server_error (req);
          reply_error_with_int (req, 403, "account_locked",
                                "Too many wrong passwords; the account is locked for a while.",
                                "retry_after", ACCOUNT_LOCK_S);
          g_info ("A citizen's account was locked after %d wrong passwords",
                  MAX_WRONG_PASSWORDS);
          return TRUE;
        }
      if (!citizen_set_password_failures (db, citizen->citizen_id, failed, 0))
        return server_error (req);
      reply_error_with_int (req, 400, "invalid_grant", WRONG_CREDENTIALS,
                            "attempts_left", MAX_WRONG_PASSWORDS - failed);
      return TRUE;
    }

  if (!citizen_set_password_failures (db, citizen->citizen_id, 0, 0))
    return server_error (req);

  otp_session = sbx_secret_new_token ();
  subject = sbx_secret_hash_hex (otp_session);
  sbx_otp_issue (db, "vneid-login", subject, citizen->citizen_id, citizen->phone, scope,
                 LOGIN_OTP_TTL_S * G_GINT64_CONSTANT (1000));
  sent_to = sbx_mask_phone (citizen->phone);

  extra = json_object_new ();
  json_object_set_string_member (extra, "otp_session", otp_session);
  json_object_set_string_member (extra, "otp_sent_to", sent_to);
  json_object_set_int_member (extra, "expires_in", LOGIN_OTP_TTL_S);
  sbx_reply_oauth_error (req, 401, "otp_required",
                         "The password is right; enter the OTP sent to the citizen's phone.",
                         extra);
  json_object_unref (extra);
  return TRUE;
}

typedef struct
{
  char *citizen_id;
  char *scope;
  char *state;
} LoginOtp;

static void
login_otp_free (LoginOtp *otp)
{
  g_free (otp->citizen_id);
  g_free (otp->scope);
  g_free (otp->state);
  g_free (otp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoginOtp, login_otp_free)

/* The OTP of an otp_session: whose it is and for which scope, which
 * sbx_otp_check() does not say. */
static LoginOtp *
login_otp_load (SbxDb      *db,
                const char *subject)
{
  sqlite3_stmt *stmt;
  LoginOtp *otp = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT citizen_id, scope, state FROM otps "
                         "WHERE purpose = 'vneid-login' AND subject = ? "
                         "ORDER BY id DESC LIMIT 1");
  sqlite3_bind_text (stmt, 1, subject, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      otp = g_new0 (LoginOtp, 1);
      otp->citizen_id = sbx_db_column_dup (stmt, 0);
      otp->scope = sbx_db_column_dup (stmt, 1);
      otp->state = sbx_db_column_dup (stmt, 2);
    }
  sqlite3_reset (stmt);
  return otp;
}

static gboolean
otp_grant (SbxRequest *req,
           GHashTable *form)
{
  SbxDb *db = request_db (req);
  const char *otp_session;
  const char *otp;
  g_autofree char *subject = NULL;
  g_autoptr(LoginOtp) login = NULL;
  g_autoptr(SbxSecretString) token = NULL;
  SbxOtpResult result;
  guint attempts_left = 0;

  if (!sbx_require_form_field (req, form, "otp_session", &otp_session) ||
      !sbx_require_form_field (req, form, "otp", &otp))
    return FALSE;

  subject = sbx_secret_hash_hex (otp_session);
  login = login_otp_load (db, subject);
  if (login == NULL || !g_str_equal (login->state, "open"))
    {
      sbx_reply_oauth_error (req, 400, "expired_token",
                             "The OTP session is void; log in with the password again.", NULL);
      return FALSE;
    }

  result = sbx_otp_check (db, "vneid-login", subject, otp, TRUE, &attempts_left);
  switch (result)
    {
    case SBX_OTP_OK:
      token = sbx_token_issue (db, "vneid", "access", login->citizen_id, NULL,
                               login->scope ? login->scope : DEFAULT_SCOPE, ACCESS_TOKEN_TTL_S);
      if (token == NULL)
        return server_error (req);
      reply_tokens (req, token, login->scope ? login->scope : DEFAULT_SCOPE);
      g_info ("A password + OTP login ended with tokens");
      return TRUE;

    case SBX_OTP_WRONG:
      reply_error_with_int (req, 400, "invalid_otp", "The OTP is wrong.",
                            "attempts_left", attempts_left);
      return TRUE;

    case SBX_OTP_LOCKED:
      /* The 5th wrong OTP voids the session: the next step is a new login. */
      reply_error_with_int (req, 400, "expired_token",
                            "Too many wrong OTPs; log in with the password again.",
                            "attempts_left", 0);
      return TRUE;

    case SBX_OTP_EXPIRED:
    case SBX_OTP_NONE:
    default:
      sbx_reply_oauth_error (req, 400, "expired_token",
                             "The OTP has expired; log in with the password again.", NULL);
      return TRUE;
    }
}

static void
token_cb (SbxRequest *req)
{
  g_autoptr(GHashTable) form = NULL;
  const char *grant_type;
  gboolean (*grant) (SbxRequest *, GHashTable *);

  form = sbx_request_form (req);
  if (form == NULL || !check_client (req, form) ||
      !sbx_require_form_field (req, form, "grant_type", &grant_type))
    return;

  if (g_str_equal (grant_type, GRANT_DEVICE_CODE))
    grant = device_code_grant;
  else if (g_str_equal (grant_type, GRANT_PASSWORD))
    grant = password_grant;
  else if (g_str_equal (grant_type, GRANT_OTP))
    grant = otp_grant;
  else
    {
      sbx_reply_oauth_error (req, 400, "unsupported_grant_type",
                             "grant_type is none of device_code, password and the VNeID OTP grant.",
                             NULL);
      return;
    }

  if (!begin (req))
    return;
  finish (req, grant (req, form));
}

/* --- POST oauth/revoke ---------------------------------------------------- */

static void
revoke_cb (SbxRequest *req)
{
  SbxDb *db = request_db (req);
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(SbxTokenInfo) info = NULL;
  const char *token;

  form = sbx_request_form (req);
  if (form == NULL || !check_client (req, form) ||
      !sbx_require_form_field (req, form, "token", &token))
    return;

  if (!begin (req))
    return;
  /* Only VNeID's own tokens: a SmartCA token sent here stays valid. An
   * unknown token is answered as a revoked one (RFC 7009 §2.2). */
  info = sbx_token_lookup (db, "vneid", "access", token);
  if (info != NULL)
    sbx_token_revoke (db, token);
  if (!finish (req, TRUE))
    {
      server_error (req);
      return;
    }
  sbx_reply_json (req, 200, object_node (json_object_new ()));
}

/* --- GET api/v1/userinfo ------------------------------------------------ */

static void
userinfo_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) info = NULL;
  g_autoptr(Citizen) citizen = NULL;
  JsonObject *body;
  JsonObject *residence;

  info = sbx_request_authenticate (req, "vneid");
  if (info == NULL)
    return;
  citizen = citizen_load (request_db (req), info->citizen_id);
  if (citizen == NULL)
    {
      sbx_reply_unauthenticated (req);
      return;
    }

  residence = json_object_new ();
  json_object_set_string_member (residence, "province", citizen->province);
  json_object_set_string_member (residence, "ward", citizen->ward);
  json_object_set_string_member (residence, "street", citizen->street);
  set_nullable_string (residence, "district", citizen->district);

  body = json_object_new ();
  json_object_set_string_member (body, "sub", citizen->sub);
  json_object_set_string_member (body, "citizen_id", citizen->citizen_id);
  json_object_set_string_member (body, "full_name", citizen->full_name);
  json_object_set_string_member (body, "date_of_birth", citizen->date_of_birth);
  json_object_set_string_member (body, "gender", citizen->gender);
  json_object_set_string_member (body, "nationality", citizen->nationality);
  json_object_set_object_member (body, "place_of_residence", residence);
  json_object_set_string_member (body, "phone", citizen->phone);
  set_nullable_string (body, "email", citizen->email);
  json_object_set_int_member (body, "identity_level", citizen->identity_level);
  sbx_reply_json (req, 200, object_node (body));
}

/* --- Registrations -------------------------------------------------------- */

typedef struct
{
  char   *registration_id;
  char   *citizen_id;
  char   *status;
  gint64  created_at;
  gint64  first_handoff_at;   /* 0: never handed off */
} Registration;

static void
registration_free (Registration *registration)
{
  g_free (registration->registration_id);
  g_free (registration->citizen_id);
  g_free (registration->status);
  g_free (registration);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Registration, registration_free)

static Registration *
registration_from_row (sqlite3_stmt *stmt)
{
  Registration *registration = g_new0 (Registration, 1);

  registration->registration_id = sbx_db_column_dup (stmt, 0);
  registration->citizen_id = sbx_db_column_dup (stmt, 1);
  registration->status = sbx_db_column_dup (stmt, 2);
  registration->created_at = sqlite3_column_int64 (stmt, 3);
  registration->first_handoff_at = sqlite3_column_int64 (stmt, 4);
  return registration;
}

#define REGISTRATION_COLUMNS \
  "registration_id, citizen_id, status, created_at, first_handoff_at"

/* The citizen's registration of that id; another citizen's is not found. */
static Registration *
registration_load (SbxDb      *db,
                   const char *registration_id,
                   const char *citizen_id)
{
  sqlite3_stmt *stmt;
  Registration *registration = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT " REGISTRATION_COLUMNS " FROM registrations "
                         "WHERE registration_id = ? AND citizen_id = ?");
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, citizen_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    registration = registration_from_row (stmt);
  sqlite3_reset (stmt);
  return registration;
}

/* The one registration a citizen may have open (not REJECTED), if any. */
static Registration *
registration_load_open (SbxDb      *db,
                        const char *citizen_id)
{
  sqlite3_stmt *stmt;
  Registration *registration = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT " REGISTRATION_COLUMNS " FROM registrations "
                         "WHERE citizen_id = ? AND status != 'REJECTED'");
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    registration = registration_from_row (stmt);
  sqlite3_reset (stmt);
  return registration;
}

/* The certificate VNeID shows for a registration: SmartCA's, once the
 * acceptance record is signed (null before ACTIVE, as PROTOCOL.md says). */
static JsonNode *
registration_certificate_json (SbxDb        *db,
                               Registration *registration)
{
  JsonObject *certificate = NULL;
  sqlite3_stmt *stmt;

  if (g_strcmp0 (registration->status, "ACTIVE") != 0)
    return json_node_new (JSON_NODE_NULL);

  stmt = sbx_db_prepare (db,
                         "SELECT serial_number, subject_dn, valid_from, valid_to FROM credentials "
                         "WHERE registration_id = ? AND certificate IS NOT NULL");
  sqlite3_bind_text (stmt, 1, registration->registration_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *valid_from = sbx_clock_format_rfc3339 (sqlite3_column_int64 (stmt, 2));
      g_autofree char *valid_to = sbx_clock_format_rfc3339 (sqlite3_column_int64 (stmt, 3));

      certificate = json_object_new ();
      json_object_set_string_member (certificate, "serial_number",
                                     (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (certificate, "subject_dn",
                                     (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (certificate, "valid_from", valid_from);
      json_object_set_string_member (certificate, "valid_to", valid_to);
      json_object_set_string_member (certificate, "status", "VALID");
    }
  sqlite3_reset (stmt);
  if (certificate == NULL)
    {
      g_warning ("Registration %s is ACTIVE without a certificate",
                 registration->registration_id);
      return json_node_new (JSON_NODE_NULL);
    }
  return object_node (certificate);
}

/* The registration as GET returns it (and POST, for the one a citizen has). */
static JsonNode *
registration_json (SbxDb        *db,
                   Registration *registration)
{
  JsonObject *body = json_object_new ();
  g_autofree char *created_at = sbx_clock_format_rfc3339 (registration->created_at);

  json_object_set_string_member (body, "registration_id", registration->registration_id);
  json_object_set_string_member (body, "status", registration->status);
  json_object_set_string_member (body, "created_at", created_at);
  json_object_set_member (body, "certificate", registration_certificate_json (db, registration));
  return object_node (body);
}

/* Runs in the handler's transaction, after the Idempotency-Key. */
static gboolean
create_registration (SbxRequest *req,
                     const char *citizen_id)
{
  SbxDb *db = request_db (req);
  g_autoptr(JsonObject) object = NULL;
  JsonObject *consent;
  const char *service_pack;
  const char *terms_version;
  gboolean share_identity;
  g_autoptr(Citizen) citizen = NULL;
  g_autoptr(Registration) existing = NULL;
  g_autofree char *registration_id = NULL;
  g_autofree char *created_at = NULL;
  gint64 now = sbx_clock_now_ms ();
  sqlite3_stmt *stmt;
  JsonObject *body;

  object = sbx_request_json_object (req);
  if (object == NULL ||
      !sbx_require_string (req, object, "service_pack", &service_pack) ||
      !sbx_require_object (req, object, "consent", &consent) ||
      !sbx_require_boolean (req, consent, "share_identity", &share_identity) ||
      !sbx_require_string (req, consent, "terms_version", &terms_version))
    return FALSE;

  if (!g_str_equal (service_pack, SERVICE_PACK))
    {
      sbx_reply_bad_field (req, "service_pack", "is not SMARTCA_PERSONAL_FREE");
      return FALSE;
    }
  if (*terms_version == '\0')
    {
      sbx_reply_bad_field (req, "consent.terms_version", "is empty");
      return FALSE;
    }
  if (!share_identity)
    {
      sbx_reply_oauth_error (req, 400, "consent_required",
                             "The citizen must consent to share their identity with SmartCA.",
                             NULL);
      return FALSE;
    }

  citizen = citizen_load (db, citizen_id);
  if (citizen == NULL)
    {
      sbx_reply_unauthenticated (req);
      return FALSE;
    }
  if (citizen->identity_level < 2)
    {
      sbx_reply_oauth_error (req, 403, "identity_level_insufficient",
                             "A SmartCA certificate needs an identity of level 2.", NULL);
      return FALSE;
    }

  /* Never a second registration: the open one is the answer. Kept, so that
   * the Idempotency-Key records it. */
  existing = registration_load_open (db, citizen_id);
  if (existing != NULL)
    {
      sbx_reply_json (req, 200, registration_json (db, existing));
      return TRUE;
    }

  registration_id = sbx_secret_new_uuid ();
  stmt = sbx_db_prepare (db,
                         "INSERT INTO registrations (registration_id, citizen_id, service_pack, "
                         "terms_version, status, created_at) VALUES (?, ?, ?, ?, 'SUBMITTED', ?)");
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, service_pack, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, terms_version, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!sbx_db_step_done (db, stmt))
    return server_error (req);

  created_at = sbx_clock_format_rfc3339 (now);
  body = json_object_new ();
  json_object_set_string_member (body, "registration_id", registration_id);
  json_object_set_string_member (body, "status", "SUBMITTED");
  json_object_set_string_member (body, "created_at", created_at);
  sbx_reply_json (req, 201, object_node (body));
  g_info ("Registration %s submitted", registration_id);
  return TRUE;
}

static void
registrations_create_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) info = NULL;

  info = sbx_request_authenticate (req, "vneid");
  if (info == NULL || !begin (req))
    return;
  if (!sbx_request_idempotency (req, info->citizen_id))
    {
      finish (req, FALSE);
      return;
    }
  finish (req, create_registration (req, info->citizen_id));
}

static void
registration_get_cb (SbxRequest *req)
{
  SbxDb *db = request_db (req);
  g_autoptr(SbxTokenInfo) info = NULL;
  g_autoptr(Registration) registration = NULL;

  info = sbx_request_authenticate (req, "vneid");
  if (info == NULL)
    return;
  registration = registration_load (db, sbx_request_get_param (req, 0), info->citizen_id);
  if (registration == NULL)
    {
      sbx_reply_oauth_error (req, 404, "not_found", "There is no such registration.", NULL);
      return;
    }
  sbx_reply_json (req, 200, registration_json (db, registration));
}

/* --- POST api/v1/smartca/registrations/{id}/handoff ----------------------- */

/* The first hand-off starts SmartCA's sync of the registration: the
 * enrollment is born SYNCING and stays so for the configured delay. */
static gboolean
start_sync (SbxRequest   *req,
            Registration *registration,
            gint64        now)
{
  SbxDb *db = request_db (req);
  guint delay_ms = sbx_server_get_sync_delay_ms (sbx_request_get_server (req));
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE registrations SET status = 'SYNCED', first_handoff_at = ? "
                         "WHERE registration_id = ?");
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_text (stmt, 2, registration->registration_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return FALSE;

  stmt = sbx_db_prepare (db,
                         "INSERT INTO enrollments (registration_id, citizen_id, state, synced_at) "
                         "VALUES (?, ?, 'SYNCING', ?)");
  sqlite3_bind_text (stmt, 1, registration->registration_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, registration->citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now + delay_ms);
  return sbx_db_step_done (db, stmt);
}

static gboolean
handoff (SbxRequest *req,
         const char *citizen_id)
{
  SbxDb *db = request_db (req);
  g_autoptr(Registration) registration = NULL;
  g_autoptr(SbxSecretString) code = NULL;
  g_autoptr(GBytes) code_hash = NULL;
  gint64 now = sbx_clock_now_ms ();
  sqlite3_stmt *stmt;
  JsonObject *body;

  registration = registration_load (db, sbx_request_get_param (req, 0), citizen_id);
  if (registration == NULL)
    {
      sbx_reply_oauth_error (req, 404, "not_found", "There is no such registration.", NULL);
      return FALSE;
    }
  if (g_str_equal (registration->status, "REJECTED"))
    {
      sbx_reply_oauth_error (req, 409, "registration_rejected",
                             "The registration was rejected; it cannot be handed over.", NULL);
      return FALSE;
    }

  if (registration->first_handoff_at == 0 && !start_sync (req, registration, now))
    return server_error (req);

  code = sbx_secret_new_token ();
  code_hash = sbx_secret_hash (code);
  stmt = sbx_db_prepare (db,
                         "INSERT INTO handoff_codes (code_hash, registration_id, expires_at) "
                         "VALUES (?, ?, ?)");
  sbx_db_bind_bytes (stmt, 1, code_hash);
  sqlite3_bind_text (stmt, 2, registration->registration_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now + HANDOFF_CODE_TTL_S * G_GINT64_CONSTANT (1000));
  if (!sbx_db_step_done (db, stmt))
    return server_error (req);

  body = json_object_new ();
  json_object_set_string_member (body, "code", code);
  json_object_set_int_member (body, "expires_in", HANDOFF_CODE_TTL_S);
  sbx_reply_json (req, 200, object_node (body));
  g_info ("Registration %s handed over to SmartCA%s", registration->registration_id,
          registration->first_handoff_at == 0 ? " for the first time" : "");
  return TRUE;
}

static void
handoff_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) info = NULL;

  info = sbx_request_authenticate (req, "vneid");
  if (info == NULL || !begin (req))
    return;
  finish (req, handoff (req, info->citizen_id));
}

/* --- Routes --------------------------------------------------------------- */

void
sbx_vneid_register (SbxServer *server)
{
  g_return_if_fail (SBX_IS_SERVER (server));

  sbx_server_add_route (server, SBX_API_VNEID, "POST", "oauth/device_authorization",
                        device_authorization_cb);
  sbx_server_add_route (server, SBX_API_VNEID, "POST", "oauth/token", token_cb);
  sbx_server_add_route (server, SBX_API_VNEID, "POST", "oauth/revoke", revoke_cb);
  sbx_server_add_route (server, SBX_API_VNEID, "GET", "api/v1/userinfo", userinfo_cb);
  sbx_server_add_route (server, SBX_API_VNEID, "POST", "api/v1/smartca/registrations",
                        registrations_create_cb);
  sbx_server_add_route (server, SBX_API_VNEID, "GET", "api/v1/smartca/registrations/{id}",
                        registration_get_cb);
  sbx_server_add_route (server, SBX_API_VNEID, "POST",
                        "api/v1/smartca/registrations/{id}/handoff", handoff_cb);
}
