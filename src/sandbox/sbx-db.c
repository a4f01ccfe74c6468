/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-db"

#include "config.h"

#include <gio/gio.h>

#include "sbx-db.h"

struct _SbxDb
{
  sqlite3    *handle;
  GHashTable *statements;   /* SQL text -> sqlite3_stmt */
};

/* Schema versions, in order: migration i brings `user_version` from i to
 * i + 1. A released version's script never changes; a new one is appended. */
static const char * const migrations[] = {
  "/vn/smartca/Sandbox/schema.sql",
  "/vn/smartca/Sandbox/schema-2.sql",
  "/vn/smartca/Sandbox/schema-3.sql",
};

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
set_sqlite_error (GError     **error,
                  sqlite3     *handle,
                  const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what,
               handle != NULL ? sqlite3_errmsg (handle) : "out of memory");
}

gboolean
sbx_db_exec (SbxDb       *db,
             const char  *sql,
             GError     **error)
{
  char *message = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  if (sqlite3_exec (db->handle, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "SQLite: %s",
                   message != NULL ? message : sqlite3_errmsg (db->handle));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

static gint64
user_version (SbxDb *db)
{
  sqlite3_stmt *stmt = sbx_db_prepare (db, "PRAGMA user_version");
  gint64 version = -1;

  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return version;
}

static gboolean
migrate (SbxDb   *db,
         GError **error)
{
  gint64 version = user_version (db);

  if (version < 0)
    {
      set_sqlite_error (error, db->handle, "Cannot read the schema version");
      return FALSE;
    }
  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The database has schema version %" G_GINT64_FORMAT
                   ", newer than this sandbox knows (%u)",
                   version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (gsize i = (gsize) version; i < G_N_ELEMENTS (migrations); i++)
    {
      g_autoptr(GBytes) script = NULL;
      g_autofree char *sql = NULL;
      g_autofree char *bump = NULL;
      const char *data;
      gsize len;

      script = g_resources_lookup_data (migrations[i], G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (script == NULL)
        return FALSE;
      data = g_bytes_get_data (script, &len);
      sql = g_strndup (data, len);
      bump = g_strdup_printf ("PRAGMA user_version = %" G_GSIZE_FORMAT, i + 1);

      if (!sbx_db_begin (db))
        {
          set_sqlite_error (error, db->handle, "Cannot start the schema migration");
          return FALSE;
        }
      if (!sbx_db_exec (db, sql, error) || !sbx_db_exec (db, bump, error))
        {
          sbx_db_rollback (db);
          g_prefix_error (error, "Schema version %" G_GSIZE_FORMAT ": ", i + 1);
          return FALSE;
        }
      if (!sbx_db_commit (db))
        {
          set_sqlite_error (error, db->handle, "Cannot commit the schema migration");
          return FALSE;
        }
      g_debug ("Database schema now at version %" G_GSIZE_FORMAT, i + 1);
    }
  return TRUE;
}

SbxDb *
sbx_db_open (const char  *path,
             GError     **error)
{
  g_autoptr(SbxDb) db = NULL;
  int ret;

  g_return_val_if_fail (path != NULL, NULL);

  db = g_new0 (SbxDb, 1);
  db->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          finalize_statement);

  ret = sqlite3_open_v2 (path, &db->handle,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (ret != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot open %s: %s", path,
                   db->handle != NULL ? sqlite3_errmsg (db->handle) : sqlite3_errstr (ret));
      return NULL;
    }

  /* WAL and NORMAL: a commit survives the process being killed at any
   * moment, which is all a restartable sandbox needs. */
  sqlite3_busy_timeout (db->handle, 5000);
  if (!sbx_db_exec (db, "PRAGMA journal_mode = WAL;"
                        "PRAGMA synchronous = NORMAL;"
                        "PRAGMA foreign_keys = ON;", error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  if (!migrate (db, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }

  return g_steal_pointer (&db);
}

void
sbx_db_close (SbxDb *db)
{
  if (db == NULL)
    return;

  g_clear_pointer (&db->statements, g_hash_table_unref);
  if (db->handle != NULL)
    {
      if (!sqlite3_get_autocommit (db->handle))
        {
          g_warning ("Closing the database inside a transaction; rolling it back");
          sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
        }
      sqlite3_close_v2 (db->handle);
    }
  g_free (db);
}

sqlite3 *
sbx_db_handle (SbxDb *db)
{
  g_return_val_if_fail (db != NULL, NULL);

  return db->handle;
}

/* A statement left mid-step keeps its read snapshot; ending a transaction
 * is the moment to let all of them go. */
static void
reset_all (SbxDb *db)
{
  GHashTableIter iter;
  gpointer stmt;

  g_hash_table_iter_init (&iter, db->statements);
  while (g_hash_table_iter_next (&iter, NULL, &stmt))
    sqlite3_reset (stmt);
}

gboolean
sbx_db_in_transaction (SbxDb *db)
{
  g_return_val_if_fail (db != NULL, FALSE);

  return !sqlite3_get_autocommit (db->handle);
}

gboolean
sbx_db_begin (SbxDb *db)
{
  g_return_val_if_fail (db != NULL, FALSE);

  if (sbx_db_in_transaction (db))
    {
      g_critical ("A transaction is already open");
      return FALSE;
    }
  reset_all (db);
  if (sqlite3_exec (db->handle, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_warning ("BEGIN IMMEDIATE failed: %s", sqlite3_errmsg (db->handle));
      return FALSE;
    }
  return TRUE;
}

gboolean
sbx_db_commit (SbxDb *db)
{
  g_return_val_if_fail (db != NULL, FALSE);

  if (!sbx_db_in_transaction (db))
    {
      g_critical ("COMMIT without a transaction");
      return FALSE;
    }
  reset_all (db);
  if (sqlite3_exec (db->handle, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_warning ("COMMIT failed: %s; rolling back", sqlite3_errmsg (db->handle));
      sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

void
sbx_db_rollback (SbxDb *db)
{
  g_return_if_fail (db != NULL);

  if (!sbx_db_in_transaction (db))
    return;
  reset_all (db);
  if (sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
    g_warning ("ROLLBACK failed: %s", sqlite3_errmsg (db->handle));
}

sqlite3_stmt *
sbx_db_prepare (SbxDb      *db,
                const char *sql)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  stmt = g_hash_table_lookup (db->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      g_critical ("Cannot prepare \"%s\": %s", sql, sqlite3_errmsg (db->handle));
      return NULL;
    }
  g_hash_table_insert (db->statements, g_strdup (sql), stmt);
  return stmt;
}

GBytes *
sbx_db_get_meta (SbxDb      *db,
                 const char *key)
{
  sqlite3_stmt *stmt;
  GBytes *value = NULL;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = sbx_db_prepare (db, "SELECT value FROM meta WHERE key = ?");
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      value = sbx_db_column_bytes (stmt, 0);
      if (value == NULL)
        value = g_bytes_new (NULL, 0);
    }
  sqlite3_reset (stmt);
  return value;
}

void
sbx_db_set_meta (SbxDb      *db,
                 const char *key,
                 GBytes     *value)
{
  sqlite3_stmt *stmt;

  g_return_if_fail (db != NULL);
  g_return_if_fail (key != NULL);

  stmt = sbx_db_prepare (db, "INSERT INTO meta (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sbx_db_bind_bytes (stmt, 2, value);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    g_warning ("Cannot store meta value %s: %s", key, sqlite3_errmsg (db->handle));
  sqlite3_reset (stmt);
}

GBytes *
sbx_db_column_bytes (sqlite3_stmt *stmt,
                     int           column)
{
  const void *data;
  int len;

  g_return_val_if_fail (stmt != NULL, NULL);

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  data = sqlite3_column_blob (stmt, column);
  len = sqlite3_column_bytes (stmt, column);
  return g_bytes_new (data, (gsize) len);
}

int
sbx_db_bind_bytes (sqlite3_stmt *stmt,
                   int           index,
                   GBytes       *bytes)
{
  gsize len;
  const void *data;

  if (bytes == NULL)
    return sqlite3_bind_null (stmt, index);
  data = g_bytes_get_data (bytes, &len);
  /* An empty blob is still a blob, not NULL. */
  return sqlite3_bind_blob64 (stmt, index, data != NULL ? data : "", len, SQLITE_TRANSIENT);
}

char *
sbx_db_column_dup (sqlite3_stmt *stmt,
                   int           column)
{
  g_return_val_if_fail (stmt != NULL, NULL);

  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

gboolean
sbx_db_step_done (SbxDb        *db,
                  sqlite3_stmt *stmt)
{
  int ret;

  g_return_val_if_fail (db != NULL, FALSE);

  if (stmt == NULL)
    return FALSE;
  ret = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (ret != SQLITE_DONE)
    {
      g_warning ("A write failed: %s", sqlite3_errmsg (db->handle));
      return FALSE;
    }
  return TRUE;
}
