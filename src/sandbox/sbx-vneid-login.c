/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * VNeID's password + OTP login (PROTOCOL.md, "Step 1b"): the password
 * grant sends an OTP to the citizen's phone, the OTP grant ends in tokens.
 */
#define G_LOG_DOMAIN "sbx-vneid"

#include "config.h"

#include "sbx-clock.h"
#include "sbx-otp.h"
#include "sbx-secret.h"
#include "sbx-token.h"
#include "sbx-vneid-private.h"

#define LOGIN_OTP_TTL_S        300
#define MAX_WRONG_PASSWORDS    5
#define ACCOUNT_LOCK_S         300

/* One description for an unknown citizen ID and a wrong password, so that a
 * refusal does not tell which of the two was wrong. */
#define WRONG_CREDENTIALS      "The citizen ID or the password is wrong."

/* --- POST oauth/token: password, then OTP --------------------------------- */

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
  g_autoptr(SbxSecretString) otp_session = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *sent_to = NULL;
  gint64 now = sbx_clock_now_ms ();
  JsonObject *extra;

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

  citizen = sbx_vneid_citizen_load (db, username);
  if (citizen == NULL)
    {
      sbx_reply_oauth_error (req, 400, "invalid_grant", WRONG_CREDENTIALS, NULL);
      return FALSE;
    }

  if (citizen->locked_until > now)
    {
      sbx_vneid_reply_error_with_int (req, 403, "account_locked",
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
            return sbx_vneid_server_error (req);
          sbx_vneid_reply_error_with_int (req, 403, "account_locked",
                                "Too many wrong passwords; the account is locked for a while.",
                                "retry_after", ACCOUNT_LOCK_S);
          g_info ("A citizen's account was locked after %d wrong passwords",
                  MAX_WRONG_PASSWORDS);
          return TRUE;
        }
      if (!citizen_set_password_failures (db, citizen->citizen_id, failed, 0))
        return sbx_vneid_server_error (req);
      sbx_vneid_reply_error_with_int (req, 400, "invalid_grant", WRONG_CREDENTIALS,
                            "attempts_left", MAX_WRONG_PASSWORDS - failed);
      return TRUE;
    }

  if (!citizen_set_password_failures (db, citizen->citizen_id, 0, 0))
    return sbx_vneid_server_error (req);

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

gboolean
sbx_vneid_otp_grant (SbxRequest *req,
                     GHashTable *form)
{
  SbxDb *db = sbx_vneid_db (req);
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
                               login->scope ? login->scope : SBX_VNEID_DEFAULT_SCOPE,
                               SBX_VNEID_ACCESS_TOKEN_TTL_S);
      if (token == NULL)
        return sbx_vneid_server_error (req);
      sbx_vneid_reply_tokens (req, token, login->scope ? login->scope : SBX_VNEID_DEFAULT_SCOPE);
      g_info ("A password + OTP login ended with tokens");
      return TRUE;

    case SBX_OTP_WRONG:
      sbx_vneid_reply_error_with_int (req, 400, "invalid_otp", "The OTP is wrong.",
                            "attempts_left", attempts_left);
      return TRUE;

    case SBX_OTP_LOCKED:
      /* The 5th wrong OTP voids the session: the next step is a new login. */
      sbx_vneid_reply_error_with_int (req, 400, "expired_token",
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
