/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ten citizens enroll at once against one sandbox, each with a client of
 * their own (the load benchmark, bench-enroll --load 50, at a size a test
 * can afford): every one reaches ACTIVE, and the sandbox's database then
 * holds exactly one registration and one credential for each, and
 * nothing for anyone else. Timing is the benchmark's business, not this
 * test's.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sbx-test-load.h"

#define CITIZENS 10

/* How many rows of @table belong to @citizen_id, read from the sandbox's
 * own database (it runs in WAL mode: a reader beside it is fine). */
static gint64
count_rows (sqlite3    *db,
            const char *table,
            const char *citizen_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE citizen_id = ?", table);
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

static gint64
count_all (sqlite3    *db,
           const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

static void
test_concurrent (void)
{
  g_autoptr(GPtrArray) citizens = sbx_test_citizens_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("sbxtests-load-XXXXXX", &error);
  g_autofree char *citizens_path = NULL;
  g_autofree char *db_path = NULL;
  g_auto(SbxTestLoad) load = { 0 };
  const char *args[5];
  SbxTestSandbox *sandbox;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  citizens_path = sbx_test_write_citizens (tmp, CITIZENS, "Matkhau@load1", citizens);
  args[0] = "--sync-delay-ms";
  args[1] = "0";
  args[2] = "--citizens";
  args[3] = citizens_path;
  args[4] = NULL;
  sandbox = sbx_test_sandbox_start (args);

  /* Every call of every client is checked as it comes: one that fails
   * stops the test here. */
  sbx_test_load_run (sandbox, citizens, 0, CITIZENS, CITIZENS, &load);
  g_assert_cmpuint (load.enrollment_ms->len, ==, CITIZENS);
  /* Each of the ten made the calls of a whole enrollment. */
  g_assert_cmpuint (((GArray *) g_hash_table_lookup (load.endpoint_ms,
                                                     "POST SMARTCA/enrollment/acceptance"))->len,
                    >=, CITIZENS);

  db_path = g_build_filename (sandbox->tmp_dir, "data", "sandbox.db", NULL);
  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < citizens->len; i++)
    {
      SbxTestCitizen *citizen = g_ptr_array_index (citizens, i);

      g_assert_cmpint (count_rows (db, "registrations", citizen->citizen_id), ==, 1);
      g_assert_cmpint (count_rows (db, "credentials", citizen->citizen_id), ==, 1);
    }
  g_assert_cmpint (count_all (db, "registrations"), ==, CITIZENS);
  g_assert_cmpint (count_all (db, "credentials"), ==, CITIZENS);
  sqlite3_close (db);

  sbx_test_sandbox_stop (sandbox);
  g_unlink (citizens_path);
  g_rmdir (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sandbox/load/concurrent", test_concurrent);
  return g_test_run ();
}
