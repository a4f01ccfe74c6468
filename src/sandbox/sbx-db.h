/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/*
 * The sandbox's one SQLite database (WAL), opened once and used from the
 * main thread only. Every handler that writes wraps its writes, and the
 * answer it records for an Idempotency-Key, in one transaction, so a crash
 * or SIGKILL leaves either all of a request's effect or none of it.
 */
typedef struct _SbxDb SbxDb;

SbxDb        *sbx_db_open        (const char  *path,
                                  GError     **error);
void          sbx_db_close       (SbxDb       *db);
sqlite3      *sbx_db_handle      (SbxDb       *db);

gboolean      sbx_db_begin       (SbxDb       *db);   /* BEGIN IMMEDIATE */
gboolean      sbx_db_commit      (SbxDb       *db);
void          sbx_db_rollback    (SbxDb       *db);
/* Whether a transaction is open (the reply functions record an
 * Idempotency-Key's answer in it). */
gboolean      sbx_db_in_transaction (SbxDb      *db);
/* Runs one or more statements without results. */
gboolean      sbx_db_exec        (SbxDb       *db,
                                  const char  *sql,
                                  GError     **error);

/* A prepared statement, cached by its text; reset and cleared on each call. */
sqlite3_stmt *sbx_db_prepare     (SbxDb       *db,
                                  const char  *sql);

/* A key-value pair in the meta table (created on first use when @create is
 * given): the CA passphrase, the HSM wrapping key, the clock offset… */
GBytes       *sbx_db_get_meta    (SbxDb       *db,
                                  const char  *key);
void          sbx_db_set_meta    (SbxDb       *db,
                                  const char  *key,
                                  GBytes      *value);

/* A column as GBytes (NULL for SQL NULL), and a GBytes bound as a blob. */
GBytes       *sbx_db_column_bytes (sqlite3_stmt *stmt,
                                   int           column);
int           sbx_db_bind_bytes  (sqlite3_stmt *stmt,
                                  int           index,
                                  GBytes       *bytes);
/* A text column as a new string (NULL for SQL NULL). */
char         *sbx_db_column_dup  (sqlite3_stmt *stmt,
                                  int           column);
/* Steps a statement that returns no rows and resets it; FALSE (with a
 * warning) when it fails. */
gboolean      sbx_db_step_done   (SbxDb        *db,
                                  sqlite3_stmt *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxDb, sbx_db_close)

G_END_DECLS
