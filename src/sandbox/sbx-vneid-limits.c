/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The VNeID login's limits (PROTOCOL.md rev 2, "Step 1b"): wrong passwords
 * counted per username string, wrong OTPs per citizen across sessions, and
 * the lock that five of either bring. Kept in login_limits (schema-3.sql),
 * so that they outlive a restart, and for unknown citizen IDs as for
 * citizens, so that the answers tell nothing about which exist.
 */
#define G_LOG_DOMAIN "sbx-vneid"

#include "config.h"

#include "sbx-vneid-private.h"

#define ACCOUNT_LOCK_S 300

gboolean
sbx_vneid_limits_load (SbxDb          *db,
                       const char     *username,
                       gint64          now,
                       SbxLoginLimits *out)
{
  sqlite3_stmt *stmt;
  int ret;

  *out = (SbxLoginLimits) { 0, };
  stmt = sbx_db_prepare (db,
                         "SELECT wrong_passwords, wrong_otps, locked_until FROM login_limits "
                         "WHERE username = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  ret = sqlite3_step (stmt);
  if (ret == SQLITE_ROW)
    {
      out->wrong_passwords = sqlite3_column_int64 (stmt, 0);
      out->wrong_otps = sqlite3_column_int64 (stmt, 1);
      out->locked_until = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);

  /* A lock that has ended leaves nothing behind: both counts are 0. */
  if (out->locked_until != 0 && out->locked_until <= now)
    *out = (SbxLoginLimits) { 0, };
  return ret == SQLITE_ROW || ret == SQLITE_DONE;
}

gboolean
sbx_vneid_limits_store (SbxDb                *db,
                        const char           *username,
                        const SbxLoginLimits *limits)
{
  sqlite3_stmt *stmt;

  /* Nothing to remember is no row: the table holds only live counts. */
  if (limits->wrong_passwords == 0 && limits->wrong_otps == 0 && limits->locked_until == 0)
    {
      stmt = sbx_db_prepare (db, "DELETE FROM login_limits WHERE username = ?");
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
      return sbx_db_step_done (db, stmt);
    }

  stmt = sbx_db_prepare (db,
                         "INSERT INTO login_limits (username, wrong_passwords, wrong_otps, "
                         "  locked_until) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (username) DO UPDATE SET "
                         "  wrong_passwords = excluded.wrong_passwords, "
                         "  wrong_otps = excluded.wrong_otps, "
                         "  locked_until = excluded.locked_until");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, username, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, limits->wrong_passwords);
  sqlite3_bind_int64 (stmt, 3, limits->wrong_otps);
  sqlite3_bind_int64 (stmt, 4, limits->locked_until);
  return sbx_db_step_done (db, stmt);
}

gboolean
sbx_vneid_void_login_sessions (SbxDb      *db,
                               const char *citizen_id)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE otps SET state = 'replaced', sealed_session = NULL "
                         "WHERE purpose = 'vneid-login' AND citizen_id = ? AND state = 'open'");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  return sbx_db_step_done (db, stmt);
}

gboolean
sbx_vneid_limits_lock (SbxDb      *db,
                       const char *username,
                       gint64      now)
{
  SbxLoginLimits locked = {
    .locked_until = now + ACCOUNT_LOCK_S * G_GINT64_CONSTANT (1000),
  };

  /* For an unknown ID there is no session: the UPDATE finds nothing. */
  return sbx_vneid_limits_store (db, username, &locked) &&
         sbx_vneid_void_login_sessions (db, username);
}

void
sbx_vneid_reply_locked (SbxRequest *req,
                        gint64      locked_until,
                        gint64      now)
{
  sbx_vneid_reply_error_with_int (req, 403, "account_locked",
                                  "Too many wrong attempts; the account is locked for a while.",
                                  "retry_after", (locked_until - now + 999) / 1000);
}
