/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-otp"

#include "config.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "sbx-clock.h"
#include "sbx-otp.h"
#include "sbx-secret.h"

#define OTP_SALT_BYTES 16
#define OTP_ATTEMPTS 5

/* SHA-256 (salt || otp), as schema.sql says. */
static GBytes *
otp_hash (GBytes     *salt,
          const char *otp)
{
  gnutls_hash_hd_t hd;
  guint8 digest[32];
  gsize salt_len;
  const void *salt_data = g_bytes_get_data (salt, &salt_len);

  if (gnutls_hash_init (&hd, GNUTLS_DIG_SHA256) < 0)
    g_error ("SHA-256 is not available");
  gnutls_hash (hd, salt_data, salt_len);
  gnutls_hash (hd, otp, strlen (otp));
  gnutls_hash_deinit (hd, digest);
  return g_bytes_new (digest, sizeof digest);
}

static void
step_or_warn (SbxDb        *db,
              sqlite3_stmt *stmt,
              const char   *what)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_warning ("%s: %s", what, sqlite3_errmsg (sbx_db_handle (db)));
  sqlite3_reset (stmt);
}

void
sbx_otp_issue (SbxDb      *db,
               const char *purpose,
               const char *subject,
               const char *citizen_id,
               const char *phone,
               const char *scope,
               gint64      ttl_ms)
{
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) hash = NULL;
  char *otp;
  gint64 now = sbx_clock_now_ms ();
  sqlite3_stmt *stmt;

  g_return_if_fail (db != NULL);
  g_return_if_fail (purpose != NULL && subject != NULL);
  g_return_if_fail (citizen_id != NULL && phone != NULL);

  stmt = sbx_db_prepare (db, "UPDATE otps SET state = 'replaced' "
                             "WHERE purpose = ? AND subject = ? AND state = 'open'");
  sqlite3_bind_text (stmt, 1, purpose, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_TRANSIENT);
  step_or_warn (db, stmt, "Cannot replace an OTP");

  otp = sbx_secret_new_otp ();
  salt = sbx_secret_random_bytes (OTP_SALT_BYTES);
  hash = otp_hash (salt, otp);

  stmt = sbx_db_prepare (db, "INSERT INTO otps (purpose, subject, citizen_id, scope, otp_salt,"
                             " otp_hash, created_at, expires_at, attempts_left)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_bind_text (stmt, 1, purpose, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, citizen_id, -1, SQLITE_TRANSIENT);
  if (scope != NULL)
    sqlite3_bind_text (stmt, 4, scope, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 4);
  sbx_db_bind_bytes (stmt, 5, salt);
  sbx_db_bind_bytes (stmt, 6, hash);
  sqlite3_bind_int64 (stmt, 7, now);
  sqlite3_bind_int64 (stmt, 8, now + ttl_ms);
  sqlite3_bind_int (stmt, 9, OTP_ATTEMPTS);
  step_or_warn (db, stmt, "Cannot store an OTP");

  /* The simulated SMS: the one place the OTP is kept readable. */
  stmt = sbx_db_prepare (db, "INSERT INTO outbox (phone, code, purpose, sent_at)"
                             " VALUES (?, ?, ?, ?)");
  sqlite3_bind_text (stmt, 1, phone, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, otp, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, purpose, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now);
  step_or_warn (db, stmt, "Cannot write to the outbox");

  gnutls_memset (otp, 0, strlen (otp));
  g_free (otp);
}

/*
 * A wrong OTP always costs an attempt, @consume or not: the attempt
 * counter is the one thing a refused call changes (PROTOCOL.md). The caller
 * commits its transaction after answering a refusal, so that the count
 * stays. After the 5th wrong OTP the OTP is locked, and later checks find
 * no open OTP (SBX_OTP_NONE).
 */
SbxOtpResult
sbx_otp_check (SbxDb      *db,
               const char *purpose,
               const char *subject,
               const char *otp,
               gboolean    consume,
               guint      *attempts_left)
{
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) candidate = NULL;
  sqlite3_stmt *stmt;
  gint64 id, expires_at;
  guint left;
  gboolean right;

  g_return_val_if_fail (db != NULL, SBX_OTP_NONE);
  g_return_val_if_fail (purpose != NULL && subject != NULL, SBX_OTP_NONE);

  if (attempts_left != NULL)
    *attempts_left = 0;

  stmt = sbx_db_prepare (db, "SELECT id, otp_salt, otp_hash, expires_at, attempts_left FROM otps"
                             " WHERE purpose = ? AND subject = ? AND state = 'open'"
                             " ORDER BY id DESC LIMIT 1");
  sqlite3_bind_text (stmt, 1, purpose, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return SBX_OTP_NONE;
    }
  id = sqlite3_column_int64 (stmt, 0);
  salt = sbx_db_column_bytes (stmt, 1);
  stored = sbx_db_column_bytes (stmt, 2);
  expires_at = sqlite3_column_int64 (stmt, 3);
  left = (guint) MAX (sqlite3_column_int (stmt, 4), 0);
  sqlite3_reset (stmt);

  if (attempts_left != NULL)
    *attempts_left = left;

  if (sbx_clock_now_ms () >= expires_at)
    return SBX_OTP_EXPIRED;

  right = otp != NULL && salt != NULL && stored != NULL;
  if (right)
    {
      candidate = otp_hash (salt, otp);
      right = sbx_secret_equal (candidate, stored);
    }

  if (right)
    {
      if (consume)
        {
          stmt = sbx_db_prepare (db, "UPDATE otps SET state = 'used' WHERE id = ?");
          sqlite3_bind_int64 (stmt, 1, id);
          step_or_warn (db, stmt, "Cannot consume an OTP");
        }
      return SBX_OTP_OK;
    }

  left = left > 0 ? left - 1 : 0;
  stmt = sbx_db_prepare (db, "UPDATE otps SET attempts_left = ?,"
                             " state = CASE WHEN ? = 0 THEN 'locked' ELSE state END WHERE id = ?");
  sqlite3_bind_int (stmt, 1, (int) left);
  sqlite3_bind_int (stmt, 2, (int) left);
  sqlite3_bind_int64 (stmt, 3, id);
  step_or_warn (db, stmt, "Cannot count a wrong OTP");

  if (attempts_left != NULL)
    *attempts_left = left;
  return left == 0 ? SBX_OTP_LOCKED : SBX_OTP_WRONG;
}

gint64
sbx_otp_last_sent (SbxDb      *db,
                   const char *purpose,
                   const char *subject)
{
  sqlite3_stmt *stmt;
  gint64 sent = 0;

  g_return_val_if_fail (db != NULL, 0);
  g_return_val_if_fail (purpose != NULL && subject != NULL, 0);

  stmt = sbx_db_prepare (db, "SELECT MAX(created_at) FROM otps WHERE purpose = ? AND subject = ?");
  sqlite3_bind_text (stmt, 1, purpose, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, subject, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    sent = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return sent;
}
