/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-paths"

#include "config.h"

#include <string.h>

#include "enr-paths.h"

static char *
executable_path (void)
{
  return g_file_read_link ("/proc/self/exe", NULL);
}

const char *
enr_paths_get_build_root (void)
{
  static gsize checked = 0;
  static const char *build_root;

  if (g_once_init_enter (&checked))
    {
      g_autofree char *exe = executable_path ();
      g_autofree char *prefix = g_strconcat (ENR_BUILD_ROOT, G_DIR_SEPARATOR_S, NULL);

      if (exe != NULL && g_str_has_prefix (exe, prefix))
        build_root = ENR_BUILD_ROOT;
      g_once_init_leave (&checked, 1);
    }
  return build_root;
}

/* The prefix this executable was installed into: the directory above its
 * own when that is <prefix>/<bindir>; NULL otherwise. */
static char *
installed_prefix (void)
{
  g_autofree char *exe = executable_path ();
  g_autofree char *dir = NULL;
  g_autofree char *suffix = NULL;

  if (exe == NULL || g_path_is_absolute (BINDIR_IN_PREFIX))
    return NULL;
  dir = g_path_get_dirname (exe);
  suffix = g_strconcat (G_DIR_SEPARATOR_S, BINDIR_IN_PREFIX, NULL);
  if (!g_str_has_suffix (dir, suffix))
    return NULL;
  return g_strndup (dir, strlen (dir) - strlen (suffix));
}

/* @relative (a directory meson installs into, relative to the prefix)
 * under the prefix this executable runs from, if it is there. */
static char *
installed_dir (const char *relative)
{
  g_autofree char *prefix = installed_prefix ();
  g_autofree char *dir = NULL;

  if (prefix == NULL || g_path_is_absolute (relative))
    return NULL;
  dir = g_build_filename (prefix, relative, NULL);
  return g_file_test (dir, G_FILE_TEST_IS_DIR) ? g_steal_pointer (&dir) : NULL;
}

char *
enr_paths_get_locale_dir (void)
{
  char *dir;

  if (enr_paths_get_build_root () != NULL)
    return g_build_filename (enr_paths_get_build_root (), "po", NULL);
  dir = installed_dir (LOCALEDIR_IN_PREFIX);
  return dir != NULL ? dir : g_strdup (LOCALEDIR);
}

char *
enr_paths_get_schema_dir (void)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *compiled = NULL;

  if (enr_paths_get_build_root () != NULL)
    return g_build_filename (enr_paths_get_build_root (), "data", NULL);
  data_dir = installed_dir (DATADIR_IN_PREFIX);
  if (data_dir == NULL)
    return NULL;
  compiled = g_build_filename (data_dir, "glib-2.0", "schemas", "gschemas.compiled", NULL);
  return g_file_test (compiled, G_FILE_TEST_IS_REGULAR) ? g_path_get_dirname (compiled) : NULL;
}

char *
enr_paths_get_sandbox_program (void)
{
  g_autofree char *bin_dir = NULL;
  g_autofree char *program = NULL;

  if (enr_paths_get_build_root () != NULL)
    return g_build_filename (enr_paths_get_build_root (), "src", "sandbox", "smartca-sandbox",
                             NULL);
  bin_dir = installed_dir (BINDIR_IN_PREFIX);
  if (bin_dir == NULL)
    return NULL;
  program = g_build_filename (bin_dir, "smartca-sandbox", NULL);
  return g_file_test (program, G_FILE_TEST_IS_EXECUTABLE) ? g_steal_pointer (&program) : NULL;
}

char *
enr_paths_get_module (const char *build_dir,
                      const char *name)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (build_dir != NULL && name != NULL, NULL);

  if (enr_paths_get_build_root () != NULL)
    return g_build_filename (enr_paths_get_build_root (), build_dir, name, NULL);
  dir = installed_dir (PKGLIBDIR_IN_PREFIX);
  return g_build_filename (dir != NULL ? dir : PKGLIBDIR, name, NULL);
}
