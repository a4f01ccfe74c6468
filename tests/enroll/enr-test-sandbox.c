/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-test-sandbox"

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "enr-test-enroll.h"
#include "enr-test-sandbox.h"
#include "enr-test-files.h"

static void
copy_tree (const char *from,
           const char *to)
{
  g_autoptr(GDir) dir = g_dir_open (from, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir_with_parents (to, 0700), ==, 0);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *source = g_build_filename (from, name, NULL);
      g_autofree char *target = g_build_filename (to, name, NULL);
      g_autoptr(GFile) source_file = g_file_new_for_path (source);
      g_autoptr(GFile) target_file = g_file_new_for_path (target);
      g_autoptr(GError) error = NULL;

      if (g_file_test (source, G_FILE_TEST_IS_DIR))
        copy_tree (source, target);
      else
        {
          g_file_copy (source_file, target_file, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
        }
    }
}

static char *template_dir;

static void
remove_template (void)
{
  enr_test_remove_tree (template_dir);
  g_clear_pointer (&template_dir, g_free);
}

/* The data directory every sandbox of this process starts from. */
static const char *
template_data (void)
{
  static char *data;
  g_autoptr(EnrSandboxRunner) runner = NULL;
  g_autoptr(GAsyncResult) stopped = NULL;
  g_autoptr(GError) error = NULL;

  if (data != NULL)
    return data;
  template_dir = g_dir_make_tmp ("enr-sandbox-template-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_template);
  data = g_build_filename (template_dir, "data", NULL);
  runner = enr_sandbox_runner_new (NULL, data);
  enr_test_start_sandbox (runner);
  enr_sandbox_runner_stop_async (runner, NULL, enr_test_store_result, &stopped);
  enr_sandbox_runner_stop_finish (runner, enr_test_wait_result (&stopped), &error);
  g_assert_no_error (error);
  return data;
}

void
enr_test_sandbox_set_up (EnrTestSandbox *sandbox,
                         const char     *name,
                         const char     *sync_delay_ms)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern = g_strdup_printf ("enr-%s-XXXXXX", name);
  g_autofree char *data = NULL;
  g_autofree char *log = NULL;

  sandbox->tmp = g_dir_make_tmp (pattern, &error);
  g_assert_no_error (error);
  sandbox->state_dir = g_build_filename (sandbox->tmp, "state", NULL);
  data = g_build_filename (sandbox->tmp, "sandbox", NULL);
  log = g_build_filename (sandbox->tmp, "sandbox.log", NULL);
  g_test_message ("sandbox data and log in %s", sandbox->tmp);

  copy_tree (template_data (), data);
  sandbox->runner = enr_sandbox_runner_new (NULL, data);
  enr_sandbox_runner_set_log_file (sandbox->runner, log);
  enr_sandbox_runner_add_arguments (sandbox->runner, "--sync-delay-ms", sync_delay_ms, NULL);
  enr_test_start_sandbox (sandbox->runner);

  sandbox->control = enr_sandbox_control_new (enr_sandbox_runner_get_control_url (sandbox->runner),
                                              enr_sandbox_runner_get_trust_anchor (sandbox->runner),
                                              &error);
  g_assert_no_error (error);
}

void
enr_test_sandbox_tear_down (EnrTestSandbox *sandbox)
{
  g_autoptr(GAsyncResult) stopped = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_object (&sandbox->control);
  if (sandbox->runner != NULL)
    {
      enr_sandbox_runner_stop_async (sandbox->runner, NULL, enr_test_store_result, &stopped);
      enr_sandbox_runner_stop_finish (sandbox->runner, enr_test_wait_result (&stopped), &error);
      g_assert_no_error (error);
    }
  g_clear_object (&sandbox->runner);
  if (!g_test_failed ())
    enr_test_remove_tree (sandbox->tmp);
  g_clear_pointer (&sandbox->tmp, g_free);
  g_clear_pointer (&sandbox->state_dir, g_free);
}
