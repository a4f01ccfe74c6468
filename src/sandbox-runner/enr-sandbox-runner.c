/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs smartca-sandbox as a child process: spawned with a pipe on its
 * stdout, from which the one line of JSON it prints once it listens is read
 * asynchronously; stopped with SIGTERM. The child is told to die with this
 * process (PR_SET_PDEATHSIG), so a crash never leaves a sandbox behind.
 */
#define G_LOG_DOMAIN "enr-sandbox-runner"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>

#include "enr-sandbox-runner.h"

struct _EnrSandboxRunner
{
  GObject      parent_instance;

  char        *program;
  char        *data_dir;
  gboolean     owns_data_dir;
  GPtrArray   *arguments;
  char        *log_file;

  GSubprocess *process;
  guint16      port;
  char        *vneid_url;
  char        *smartca_url;
  char        *control_url;
  char        *tsa_url;
  char        *trust_anchor;
};

G_DEFINE_FINAL_TYPE (EnrSandboxRunner, enr_sandbox_runner, G_TYPE_OBJECT)

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
enr_sandbox_runner_dispose (GObject *object)
{
  EnrSandboxRunner *self = ENR_SANDBOX_RUNNER (object);

  if (self->process != NULL)
    {
      /* The sandbox stops cleanly and fast on SIGTERM; waiting here is the
       * end of the run, not a stall of a live main loop. */
      g_subprocess_send_signal (self->process, SIGTERM);
      g_subprocess_wait (self->process, NULL, NULL);
      g_clear_object (&self->process);
    }
  if (self->owns_data_dir && self->data_dir != NULL)
    {
      remove_tree (self->data_dir);
      self->owns_data_dir = FALSE;
    }

  G_OBJECT_CLASS (enr_sandbox_runner_parent_class)->dispose (object);
}

static void
enr_sandbox_runner_finalize (GObject *object)
{
  EnrSandboxRunner *self = ENR_SANDBOX_RUNNER (object);

  g_free (self->program);
  g_free (self->data_dir);
  g_ptr_array_unref (self->arguments);
  g_free (self->log_file);
  g_free (self->vneid_url);
  g_free (self->smartca_url);
  g_free (self->control_url);
  g_free (self->tsa_url);
  g_free (self->trust_anchor);

  G_OBJECT_CLASS (enr_sandbox_runner_parent_class)->finalize (object);
}

static void
enr_sandbox_runner_class_init (EnrSandboxRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enr_sandbox_runner_dispose;
  object_class->finalize = enr_sandbox_runner_finalize;
}

static void
enr_sandbox_runner_init (EnrSandboxRunner *self)
{
  self->arguments = g_ptr_array_new_with_free_func (g_free);
}

static char *
find_program (void)
{
  const char *env = g_getenv ("SMARTCA_SANDBOX");
  g_autofree char *installed = g_build_filename (BINDIR, "smartca-sandbox", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&installed);
  return g_find_program_in_path ("smartca-sandbox");
}

EnrSandboxRunner *
enr_sandbox_runner_new (const char *program,
                        const char *data_dir)
{
  EnrSandboxRunner *self = g_object_new (ENR_TYPE_SANDBOX_RUNNER, NULL);

  self->program = program != NULL ? g_strdup (program) : find_program ();
  self->data_dir = g_strdup (data_dir);
  return self;
}

void
enr_sandbox_runner_add_arguments (EnrSandboxRunner *self,
                                  const char       *first_argument,
                                  ...)
{
  va_list args;

  g_return_if_fail (ENR_IS_SANDBOX_RUNNER (self));

  va_start (args, first_argument);
  for (const char *arg = first_argument; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (self->arguments, g_strdup (arg));
  va_end (args);
}

void
enr_sandbox_runner_set_log_file (EnrSandboxRunner *self,
                                 const char       *path)
{
  g_return_if_fail (ENR_IS_SANDBOX_RUNNER (self));

  g_free (self->log_file);
  self->log_file = g_strdup (path);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gboolean
read_announcement (EnrSandboxRunner  *self,
                   const char        *line,
                   GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *names[] = { "vneid_url", "smartca_url", "control_url", "tsa_url",
                          "trust_anchor" };
  char **fields[] = { &self->vneid_url, &self->smartca_url, &self->control_url,
                      &self->tsa_url, &self->trust_anchor };
  g_autoptr(GUri) uri = NULL;
  JsonObject *object;

  if (!json_parser_load_from_data (parser, line, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto malformed;
  object = json_node_get_object (json_parser_get_root (parser));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonNode *node = json_object_get_member (object, names[i]);

      if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
        goto malformed;
      g_free (*fields[i]);
      *fields[i] = json_node_dup_string (node);
    }

  uri = g_uri_parse (self->vneid_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_port (uri) <= 0 || !g_path_is_absolute (self->trust_anchor))
    goto malformed;
  self->port = (guint16) g_uri_get_port (uri);
  return TRUE;

malformed:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "smartca-sandbox did not announce its URLs as PROTOCOL.md says");
  return FALSE;
}

static void
line_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSandboxRunner *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                    NULL, &error);
  if (line == NULL && error == NULL)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 "smartca-sandbox exited before it listened");
  if (line == NULL || !read_announcement (self, line, &error))
    {
      if (self->process != NULL)
        g_subprocess_force_exit (self->process);
      g_clear_object (&self->process);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_info ("sandbox listening on port %u", self->port);
  g_task_return_boolean (task, TRUE);
}

void
enr_sandbox_runner_start_async (EnrSandboxRunner    *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDOUT_PIPE;

  g_return_if_fail (ENR_IS_SANDBOX_RUNNER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_sandbox_runner_start_async);

  if (self->process != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               "the sandbox is running already");
      return;
    }
  if (self->program == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "smartca-sandbox is not installed");
      return;
    }
  if (self->data_dir == NULL)
    {
      self->data_dir = g_dir_make_tmp ("smartca-sandbox-XXXXXX", &error);
      if (self->data_dir == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      self->owns_data_dir = TRUE;
    }

  g_ptr_array_add (argv, g_strdup (self->program));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup_printf ("127.0.0.1:%u", self->port));
  g_ptr_array_add (argv, g_strdup ("--data-dir"));
  g_ptr_array_add (argv, g_strdup (self->data_dir));
  for (guint i = 0; i < self->arguments->len; i++)
    g_ptr_array_add (argv, g_strdup (g_ptr_array_index (self->arguments, i)));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (flags);
  if (self->log_file != NULL)
    {
      /* Appended to: a restart's log follows the first one's. */
      int fd = g_open (self->log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

      if (fd < 0)
        {
          int saved = errno;

          g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                                   "Cannot open %s: %s", self->log_file, g_strerror (saved));
          return;
        }
      g_subprocess_launcher_take_stderr_fd (launcher, fd);
    }
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);

  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                &error);
  if (self->process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* One line of JSON once it listens; the first start makes its CAs first. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, cancellable, line_read_cb,
                                       g_steal_pointer (&task));
}

gboolean
enr_sandbox_runner_start_finish (EnrSandboxRunner  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (ENR_IS_SANDBOX_RUNNER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
exited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GSubprocess *process = G_SUBPROCESS (object);
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (process, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               "smartca-sandbox did not stop cleanly");
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
enr_sandbox_runner_stop_async (EnrSandboxRunner    *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocess) process = NULL;

  g_return_if_fail (ENR_IS_SANDBOX_RUNNER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_sandbox_runner_stop_async);

  process = g_steal_pointer (&self->process);
  if (process == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_subprocess_send_signal (process, SIGTERM);
  g_subprocess_wait_async (process, cancellable, exited_cb, g_steal_pointer (&task));
}

gboolean
enr_sandbox_runner_stop_finish (EnrSandboxRunner  *self,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (ENR_IS_SANDBOX_RUNNER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enr_sandbox_runner_kill (EnrSandboxRunner *self)
{
  g_autoptr(GSubprocess) process = NULL;

  g_return_if_fail (ENR_IS_SANDBOX_RUNNER (self));

  process = g_steal_pointer (&self->process);
  if (process == NULL)
    return;
  g_subprocess_force_exit (process);
  /* Reaped, so that the port is free for the next start. */
  g_subprocess_wait (process, NULL, NULL);
}

gboolean
enr_sandbox_runner_is_running (EnrSandboxRunner *self)
{
  g_return_val_if_fail (ENR_IS_SANDBOX_RUNNER (self), FALSE);
  return self->process != NULL;
}

const char *
enr_sandbox_runner_get_vneid_url (EnrSandboxRunner *self)
{
  g_return_val_if_fail (ENR_IS_SANDBOX_RUNNER (self), NULL);
  return self->vneid_url;
}

const char *
enr_sandbox_runner_get_smartca_url (EnrSandboxRunner *self)
{
  g_return_val_if_fail (ENR_IS_SANDBOX_RUNNER (self), NULL);
  return self->smartca_url;
}

const char *
enr_sandbox_runner_get_control_url (EnrSandboxRunner *self)
{
  g_return_val_if_fail (ENR_IS_SANDBOX_RUNNER (self), NULL);
  return self->control_url;
}

const char *
enr_sandbox_runner_get_tsa_url (EnrSandboxRunner *self)
{
  g_return_val_if_fail (ENR_IS_SANDBOX_RUNNER (self), NULL);
  return self->tsa_url;
}

const char *
enr_sandbox_runner_get_trust_anchor (EnrSandboxRunner *self)
{
  g_return_val_if_fail (ENR_IS_SANDBOX_RUNNER (self), NULL);
  return self->trust_anchor;
}

const char *
enr_sandbox_runner_get_data_dir (EnrSandboxRunner *self)
{
  g_return_val_if_fail (ENR_IS_SANDBOX_RUNNER (self), NULL);
  return self->data_dir;
}

guint16
enr_sandbox_runner_get_port (EnrSandboxRunner *self)
{
  g_return_val_if_fail (ENR_IS_SANDBOX_RUNNER (self), 0);
  return self->port;
}
