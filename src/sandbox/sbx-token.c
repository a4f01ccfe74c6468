/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-token"

#include "config.h"

#include "sbx-clock.h"
#include "sbx-secret.h"
#include "sbx-server.h"
#include "sbx-token.h"

void
sbx_token_info_free (SbxTokenInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->citizen_id);
  g_free (info->registration_id);
  g_free (info->scope);
  g_free (info);
}

char *
sbx_token_issue (SbxDb      *db,
                 const char *service,
                 const char *kind,
                 const char *citizen_id,
                 const char *registration_id,
                 const char *scope,
                 gint64      expires_in_s,
                 gboolean    from_login)
{
  g_autoptr(GBytes) hash = NULL;
  char *token;
  gint64 now = sbx_clock_now_ms ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (service != NULL && kind != NULL, NULL);
  g_return_val_if_fail (citizen_id != NULL, NULL);

  token = sbx_secret_new_token ();
  hash = sbx_secret_hash (token);

  stmt = sbx_db_prepare (db, "INSERT INTO tokens (token_hash, service, kind, citizen_id,"
                             " registration_id, scope, issued_at, expires_at, from_login)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  sbx_db_bind_bytes (stmt, 1, hash);
  sqlite3_bind_text (stmt, 2, service, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, citizen_id, -1, SQLITE_TRANSIENT);
  if (registration_id != NULL)
    sqlite3_bind_text (stmt, 5, registration_id, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 5);
  sqlite3_bind_text (stmt, 6, scope != NULL ? scope : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 7, now);
  sqlite3_bind_int64 (stmt, 8, now + expires_in_s * 1000);
  sqlite3_bind_int (stmt, 9, from_login ? 1 : 0);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      g_warning ("Cannot store a token: %s", sqlite3_errmsg (sbx_db_handle (db)));
      sqlite3_reset (stmt);
      g_free (token);
      return NULL;
    }
  sqlite3_reset (stmt);
  return token;
}

SbxTokenInfo *
sbx_token_lookup (SbxDb      *db,
                  const char *service,
                  const char *kind,
                  const char *token)
{
  g_autoptr(GBytes) hash = NULL;
  SbxTokenInfo *info = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (service != NULL && kind != NULL, NULL);

  if (token == NULL || *token == '\0')
    return NULL;

  hash = sbx_secret_hash (token);
  stmt = sbx_db_prepare (db, "SELECT citizen_id, registration_id, scope, expires_at, issued_at,"
                             " from_login FROM tokens"
                             " WHERE token_hash = ? AND service = ? AND kind = ?"
                             " AND revoked = 0 AND expires_at > ?");
  sbx_db_bind_bytes (stmt, 1, hash);
  sqlite3_bind_text (stmt, 2, service, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, sbx_clock_now_ms ());
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      info = g_new0 (SbxTokenInfo, 1);
      info->citizen_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      info->registration_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      info->scope = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      info->expires_at = sqlite3_column_int64 (stmt, 3);
      info->issued_at = sqlite3_column_int64 (stmt, 4);
      /* NULL: issued before schema version 3, which did not say. */
      info->from_login = sqlite3_column_int (stmt, 5) == 1;
    }
  sqlite3_reset (stmt);
  return info;
}

void
sbx_token_revoke (SbxDb      *db,
                  const char *token)
{
  g_autoptr(GBytes) hash = NULL;
  sqlite3_stmt *stmt;

  g_return_if_fail (db != NULL);

  if (token == NULL || *token == '\0')
    return;

  hash = sbx_secret_hash (token);
  stmt = sbx_db_prepare (db, "UPDATE tokens SET revoked = 1 WHERE token_hash = ?");
  sbx_db_bind_bytes (stmt, 1, hash);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_warning ("Cannot revoke a token: %s", sqlite3_errmsg (sbx_db_handle (db)));
  sqlite3_reset (stmt);
}

gboolean
sbx_token_revoke_citizen (SbxDb      *db,
                          const char *service,
                          const char *citizen_id)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (service != NULL && citizen_id != NULL, FALSE);

  stmt = sbx_db_prepare (db, "UPDATE tokens SET revoked = 1"
                             " WHERE service = ? AND citizen_id = ? AND revoked = 0");
  sqlite3_bind_text (stmt, 1, service, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, citizen_id, -1, SQLITE_TRANSIENT);
  return sbx_db_step_done (db, stmt);
}

SbxTokenInfo *
sbx_request_authenticate (SbxRequest *req,
                          const char *service)
{
  SbxTokenInfo *info;

  g_return_val_if_fail (req != NULL, NULL);
  g_return_val_if_fail (service != NULL, NULL);

  info = sbx_token_lookup (sbx_server_get_db (sbx_request_get_server (req)), service, "access",
                           sbx_request_get_bearer (req));
  if (info == NULL)
    sbx_reply_unauthenticated (req);
  return info;
}
