/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-files"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "sbx-files.h"

#define DIR_MODE  0700
#define FILE_MODE 0600

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what,
                 const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "Cannot %s %s: %s",
               what, path, g_strerror (saved_errno));
  return FALSE;
}

/* @path's own mode, set unless it already is; @path is no symbolic link. */
static gboolean
set_mode (const char  *path,
          GStatBuf    *st,
          int          mode,
          GError     **error)
{
  if ((st->st_mode & 07777) == (mode_t) mode)
    return TRUE;
  if (g_chmod (path, mode) != 0)
    return set_errno_error (error, errno, "change the mode of", path);
  g_debug ("%s: mode %o (was %o)", path, (guint) mode, (guint) (st->st_mode & 07777));
  return TRUE;
}

static gboolean
secure_tree (const char  *dir,
             GError     **error)
{
  g_autoptr(GDir) listing = NULL;
  const char *name;

  listing = g_dir_open (dir, 0, error);
  if (listing == NULL)
    return FALSE;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      GStatBuf st;

      if (g_lstat (path, &st) != 0)
        {
          /* Gone meanwhile (a -shm removed by SQLite, say): nothing to mend. */
          if (errno == ENOENT)
            continue;
          return set_errno_error (error, errno, "read", path);
        }
      if (S_ISDIR (st.st_mode))
        {
          if (!set_mode (path, &st, DIR_MODE, error) || !secure_tree (path, error))
            return FALSE;
        }
      else if (S_ISREG (st.st_mode) && !set_mode (path, &st, FILE_MODE, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
sbx_files_secure_data_dir (const char  *dir,
                           GError     **error)
{
  GStatBuf st;

  g_return_val_if_fail (dir != NULL, FALSE);

  /* Whatever the caller's umask: no group or other bits on anything new. */
  umask (077);

  if (g_mkdir_with_parents (dir, DIR_MODE) != 0)
    return set_errno_error (error, errno, "create", dir);
  if (g_stat (dir, &st) != 0)
    return set_errno_error (error, errno, "read", dir);
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY, "%s is not a directory", dir);
      return FALSE;
    }
  /* It may have existed before, with another mode. */
  return set_mode (dir, &st, DIR_MODE, error) && secure_tree (dir, error);
}
