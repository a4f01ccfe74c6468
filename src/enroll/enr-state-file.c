/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-state-file"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "enr-state-file.h"

/* Writes waiting, by path: the newest contents (a NULL value: remove). */
static GMutex      lock;
static GCond       written;
static GHashTable *pending;
static guint       writes_pending;

typedef struct
{
  GBytes *contents;
} Pending;

static void
pending_free (gpointer data)
{
  Pending *entry = data;

  g_clear_pointer (&entry->contents, g_bytes_unref);
  g_free (entry);
}

static void
write_now (const char *path,
           GBytes     *contents)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_path_get_dirname (path);

  if (contents == NULL)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("Could not remove %s: %s", path, g_strerror (errno));
      return;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_warning ("Could not make %s: %s", dir, g_strerror (errno));
      return;
    }
  if (!g_file_set_contents_full (path, g_bytes_get_data (contents, NULL),
                                 (gssize) g_bytes_get_size (contents),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("Could not save %s: %s", path, error->message);
}

/* Holds the lock while writing: writes to one path never cross. */
/* The file a read or a write is about. */
typedef struct
{
  char *path;
} FileJob;

static void
file_job_free (FileJob *job)
{
  g_free (job->path);
  g_free (job);
}

static FileJob *
file_job_new (const char *path)
{
  FileJob *job = g_new0 (FileJob, 1);

  job->path = g_strdup (path);
  return job;
}

static void
write_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  FileJob *job = task_data;
  const char *path = job->path;
  gpointer key = NULL;
  gpointer entry = NULL;

  g_mutex_lock (&lock);
  if (g_hash_table_steal_extended (pending, path, &key, &entry))
    {
      write_now (path, ((Pending *) entry)->contents);
      pending_free (entry);
      g_free (key);
    }
  writes_pending--;
  g_cond_broadcast (&written);
  g_mutex_unlock (&lock);

  g_task_return_boolean (task, TRUE);
}

void
enr_state_file_write (const char *path,
                      GBytes     *contents)
{
  g_autoptr(GTask) task = NULL;
  Pending *entry;

  g_return_if_fail (path != NULL && g_path_is_absolute (path));

  entry = g_new0 (Pending, 1);
  entry->contents = contents != NULL ? g_bytes_ref (contents) : NULL;

  g_mutex_lock (&lock);
  if (pending == NULL)
    pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, pending_free);
  g_hash_table_replace (pending, g_strdup (path), entry);
  writes_pending++;
  g_mutex_unlock (&lock);

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, enr_state_file_write);
  g_task_set_task_data (task, file_job_new (path), (GDestroyNotify) file_job_free);
  g_task_run_in_thread (task, write_thread);
}

static void
wait_for_writes (void)
{
  g_mutex_lock (&lock);
  while (writes_pending > 0)
    g_cond_wait (&written, &lock);
  g_mutex_unlock (&lock);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  FileJob *job = task_data;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  wait_for_writes ();

  if (!g_file_get_contents (job->path, &contents, &len, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_task_return_pointer (task, NULL, NULL);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_bytes_new_take (contents, len), (GDestroyNotify) g_bytes_unref);
}

void
enr_state_file_read_async (const char          *path,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_state_file_read_async);
  g_task_set_task_data (task, file_job_new (path), (GDestroyNotify) file_job_free);
  g_task_run_in_thread (task, read_thread);
}

GBytes *
enr_state_file_read_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
flush_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  wait_for_writes ();
  g_task_return_boolean (task, TRUE);
}

void
enr_state_file_flush_async (GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, enr_state_file_flush_async);
  g_task_run_in_thread (task, flush_thread);
}

gboolean
enr_state_file_flush_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
