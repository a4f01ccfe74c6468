/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * VNeID's password + OTP login (PROTOCOL.md, "Step 1b"): the password
 * grant sends an OTP to the citizen's phone, the OTP grant ends in tokens.
 * Revision 2's limits are per citizen, not per session: one open OTP
 * session per citizen, handed out again to a second password grant within
 * 60 s; wrong passwords and OTPs counted across sessions
 * (sbx-vneid-limits.c); and an unknown citizen ID answered, with the same
 * work, as a wrong password.
 */
#define G_LOG_DOMAIN "sbx-vneid"

#include "config.h"

#include <string.h>

#include "sbx-clock.h"
#include "sbx-hsm.h"
#include "sbx-otp.h"
#include "sbx-secret.h"
#include "sbx-token.h"
#include "sbx-vneid-private.h"

#define LOGIN_OTP_TTL_S        300
/* A password grant within this of the open session's start gets it again. */
#define SESSION_REUSE_S        60
#define CITIZEN_ID_DIGITS      12

/* One description for an unknown citizen ID and a wrong password, so that a
 * refusal does not tell which of the two was wrong. */
#define WRONG_CREDENTIALS      "The citizen ID or the password is wrong."

/* --- The OTP session ------------------------------------------------------ */

/* Where an otp_session is sealed: its own OTP row, nowhere else. */
static char *
session_aad (const char *subject)
{
  return g_strconcat ("otp_session:", subject, NULL);
}

typedef struct
{
  char   *subject;
  char   *scope;
  gint64  created_at;
  gint64  expires_at;
  GBytes *sealed_session;
} OpenSession;

static void
open_session_free (OpenSession *session)
{
  g_free (session->subject);
  g_free (session->scope);
  g_clear_pointer (&session->sealed_session, g_bytes_unref);
  g_free (session);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OpenSession, open_session_free)

/* The citizen's open, unexpired OTP session, if any. */
static OpenSession *
open_session_load (SbxDb      *db,
                   const char *citizen_id,
                   gint64      now)
{
  sqlite3_stmt *stmt;
  OpenSession *session = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT subject, scope, created_at, expires_at, sealed_session FROM otps "
                         "WHERE purpose = 'vneid-login' AND citizen_id = ? AND state = 'open' "
                         "  AND expires_at > ? ORDER BY id DESC LIMIT 1");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, now);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      session = g_new0 (OpenSession, 1);
      session->subject = sbx_db_column_dup (stmt, 0);
      session->scope = sbx_db_column_dup (stmt, 1);
      session->created_at = sqlite3_column_int64 (stmt, 2);
      session->expires_at = sqlite3_column_int64 (stmt, 3);
      session->sealed_session = sbx_db_column_bytes (stmt, 4);
    }
  sqlite3_reset (stmt);
  return session;
}

/* A new session with a new code; any open one is void from now on. */
static char *
open_session_new (SbxRequest      *req,
                  SbxVneidCitizen *citizen,
                  const char      *scope)
{
  SbxDb *db = sbx_vneid_db (req);
  SbxHsm *hsm = sbx_server_get_hsm (sbx_request_get_server (req));
  g_autoptr(SbxSecretString) otp_session = sbx_secret_new_token ();
  g_autofree char *subject = sbx_secret_hash_hex (otp_session);
  g_autofree char *aad = session_aad (subject);
  g_autoptr(GBytes) sealed = NULL;
  sqlite3_stmt *stmt;

  if (!sbx_vneid_void_login_sessions (db, citizen->citizen_id))
    return NULL;
  sbx_otp_issue (db, "vneid-login", subject, citizen->citizen_id, citizen->phone, scope,
                 LOGIN_OTP_TTL_S * G_GINT64_CONSTANT (1000));
  sealed = sbx_hsm_seal (hsm, aad, otp_session);
  if (sealed == NULL)
    return NULL;
  stmt = sbx_db_prepare (db,
                         "UPDATE otps SET sealed_session = ? "
                         "WHERE purpose = 'vneid-login' AND subject = ? AND state = 'open'");
  if (stmt == NULL)
    return NULL;
  sbx_db_bind_bytes (stmt, 1, sealed);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return NULL;
  return g_steal_pointer (&otp_session);
}

static void
reply_otp_required (SbxRequest *req,
                    const char *otp_session,
                    const char *phone,
                    gint64      expires_in)
{
  g_autoptr(JsonObject) extra = json_object_new ();
  g_autofree char *sent_to = sbx_mask_phone (phone);

  json_object_set_string_member (extra, "otp_session", otp_session);
  json_object_set_string_member (extra, "otp_sent_to", sent_to);
  json_object_set_int_member (extra, "expires_in", expires_in);
  sbx_reply_oauth_error (req, 401, "otp_required",
                         "The password is right; enter the OTP sent to the citizen's phone.",
                         extra);
}

/* The right password: the citizen's open session if it is less than 60 s
 * old (no new SMS), else a new one. */
static gboolean
send_or_repeat_otp (SbxRequest      *req,
                    SbxVneidCitizen *citizen,
                    const char      *scope,
                    gint64           now)
{
  SbxDb *db = sbx_vneid_db (req);
  g_autoptr(OpenSession) open = open_session_load (db, citizen->citizen_id, now);
  g_autoptr(SbxSecretString) otp_session = NULL;

  if (open != NULL && now - open->created_at < SESSION_REUSE_S * 1000 &&
      open->sealed_session != NULL)
    {
      SbxHsm *hsm = sbx_server_get_hsm (sbx_request_get_server (req));
      g_autofree char *aad = session_aad (open->subject);

      otp_session = sbx_hsm_unseal (hsm, aad, open->sealed_session);
      if (otp_session == NULL)
        return sbx_vneid_server_error (req);
      reply_otp_required (req, otp_session, citizen->phone,
                          (open->expires_at - now + 999) / 1000);
      g_info ("A password grant within %d s of the last: the same OTP session", SESSION_REUSE_S);
      return TRUE;
    }

  otp_session = open_session_new (req, citizen, scope);
  if (otp_session == NULL)
    return sbx_vneid_server_error (req);
  reply_otp_required (req, otp_session, citizen->phone, LOGIN_OTP_TTL_S);
  return TRUE;
}

/* --- Wrong attempts ------------------------------------------------------ */

/*
 * One more wrong password or OTP in @count (a member of @limits), kept in
 * the transaction: the fifth in a row locks @username (either kind does,
 * PROTOCOL.md rev 2), any other is answered @error with attempts_left.
 */
static gboolean
count_wrong (SbxRequest     *req,
             const char     *username,
             SbxLoginLimits *limits,
             gint64         *count,
             const char     *error,
             const char     *description,
             gint64          now)
{
  SbxDb *db = sbx_vneid_db (req);

  (*count)++;
  if (*count >= SBX_VNEID_MAX_WRONG)
    {
      if (!sbx_vneid_limits_lock (db, username, now) ||
          !sbx_vneid_limits_load (db, username, now, limits))
        return sbx_vneid_server_error (req);
      sbx_vneid_reply_locked (req, limits->locked_until, now);
      g_info ("A login was locked after %d wrong attempts (%s)", SBX_VNEID_MAX_WRONG, error);
      return TRUE;
    }
  if (!sbx_vneid_limits_store (db, username, limits))
    return sbx_vneid_server_error (req);
  sbx_vneid_reply_error_with_int (req, 400, error, description, "attempts_left",
                                  SBX_VNEID_MAX_WRONG - *count);
  return TRUE;
}

/* --- POST oauth/token: password ------------------------------------------- */

static gboolean
is_citizen_id_shape (const char *username)
{
  if (strlen (username) != CITIZEN_ID_DIGITS)
    return FALSE;
  for (const char *p = username; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

gboolean
sbx_vneid_password_grant (SbxRequest *req,
                          GHashTable *form)
{
  SbxDb *db = sbx_vneid_db (req);
  const char *username;
  const char *password;
  g_autofree char *scope = NULL;
  g_autoptr(SbxSecretString) normalized = NULL;
  g_autoptr(SbxVneidCitizen) citizen = NULL;
  SbxLoginLimits limits;
  gint64 now = sbx_clock_now_ms ();
  gboolean right;

  if (!sbx_require_form_field (req, form, "username", &username) ||
      !sbx_require_form_field (req, form, "password", &password))
    return FALSE;
  scope = sbx_vneid_read_scope (req, form);
  if (scope == NULL)
    return FALSE;
  normalized = g_utf8_normalize (password, -1, G_NORMALIZE_NFC);
  if (normalized == NULL)
    {
      sbx_reply_bad_field (req, "password", "is not UTF-8");
      return FALSE;
    }
  /* Not even the shape of a citizen ID: nothing to count. */
  if (!is_citizen_id_shape (username))
    {
      sbx_reply_bad_field (req, "username", "must be a 12-digit citizen ID");
      return FALSE;
    }

  if (!sbx_vneid_limits_load (db, username, now, &limits))
    return sbx_vneid_server_error (req);
  if (limits.locked_until > now)
    {
      sbx_vneid_reply_locked (req, limits.locked_until, now);
      return FALSE;
    }

  /* The same work whether the ID is a citizen's or not: one PBKDF2. */
  citizen = sbx_vneid_citizen_load (db, username);
  if (citizen != NULL)
    right = sbx_password_check (normalized, citizen->password_salt, citizen->password_hash,
                                citizen->password_iterations);
  else
    right = sbx_password_check_unknown (normalized);

  /* Attempt counters are the one thing a refused call keeps. */
  if (!right)
    return count_wrong (req, username, &limits, &limits.wrong_passwords, "invalid_grant",
                        WRONG_CREDENTIALS, now);

  /* A right password ends the run of wrong passwords, not of wrong OTPs. */
  limits.wrong_passwords = 0;
  if (!sbx_vneid_limits_store (db, username, &limits))
    return sbx_vneid_server_error (req);
  return send_or_repeat_otp (req, citizen, scope, now);
}

/* --- POST oauth/token: OTP ------------------------------------------------ */

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

gboolean
sbx_vneid_otp_grant (SbxRequest *req,
                     GHashTable *form)
{
  SbxDb *db = sbx_vneid_db (req);
  const char *otp_session;
  const char *otp;
  const char *scope;
  g_autofree char *subject = NULL;
  g_autoptr(LoginOtp) login = NULL;
  g_autoptr(SbxSecretString) token = NULL;
  SbxLoginLimits limits;
  gint64 now = sbx_clock_now_ms ();

  if (!sbx_require_form_field (req, form, "otp_session", &otp_session) ||
      !sbx_require_form_field (req, form, "otp", &otp))
    return FALSE;

  subject = sbx_secret_hash_hex (otp_session);
  login = login_otp_load (db, subject);
  if (login == NULL)
    {
      sbx_reply_oauth_error (req, 400, "expired_token",
                             "The OTP session is void; log in with the password again.", NULL);
      return FALSE;
    }
  if (!sbx_vneid_limits_load (db, login->citizen_id, now, &limits))
    return sbx_vneid_server_error (req);
  if (limits.locked_until > now)
    {
      sbx_vneid_reply_locked (req, limits.locked_until, now);
      return FALSE;
    }
  if (!g_str_equal (login->state, "open"))
    {
      sbx_reply_oauth_error (req, 400, "expired_token",
                             "The OTP session is void; log in with the password again.", NULL);
      return FALSE;
    }

  switch (sbx_otp_check (db, "vneid-login", subject, otp, TRUE, NULL))
    {
    case SBX_OTP_OK:
      /* A right OTP ends both runs. */
      limits = (SbxLoginLimits) { 0, };
      scope = login->scope != NULL ? login->scope : SBX_VNEID_DEFAULT_SCOPE;
      token = sbx_token_issue (db, "vneid", "access", login->citizen_id, NULL, scope,
                               SBX_VNEID_ACCESS_TOKEN_TTL_S, TRUE);
      if (token == NULL || !sbx_vneid_limits_store (db, login->citizen_id, &limits))
        return sbx_vneid_server_error (req);
      sbx_vneid_reply_tokens (req, token, scope);
      g_info ("A password + OTP login ended with tokens");
      return TRUE;

    case SBX_OTP_WRONG:
    case SBX_OTP_LOCKED:
      /* Whichever session it was sent to: the citizen's run goes on. */
      return count_wrong (req, login->citizen_id, &limits, &limits.wrong_otps, "invalid_otp",
                          "The OTP is wrong.", now);

    case SBX_OTP_EXPIRED:
    case SBX_OTP_NONE:
    default:
      sbx_reply_oauth_error (req, 400, "expired_token",
                             "The OTP has expired; log in with the password again.", NULL);
      return TRUE;
    }
}
