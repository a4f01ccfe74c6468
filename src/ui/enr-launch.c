/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-launch"

#include "config.h"

#include "enr-launch.h"
#include "enr-renderer.h"

static void
launched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
launch_uri (GtkWidget *widget,
            GFile     *file,
            GTask     *task)
{
  g_autoptr(GAppLaunchContext) context = NULL;
  g_autofree char *uri = g_file_get_uri (file);

  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (
                                    gtk_widget_get_display (widget)));
  enr_renderer_restore_for_launch (context);
  g_app_info_launch_default_for_uri_async (uri, context, g_task_get_cancellable (task),
                                           launched_cb, task);
}

void
enr_launch_open_async (GtkWidget           *widget,
                       GFile               *file,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (widget, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_launch_open_async);
  launch_uri (widget, file, task);
}

gboolean
enr_launch_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
shown_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) folder = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* No file manager answers (another desktop, a sandbox without the
   * name): the folder itself is the next best thing. */
  g_debug ("no FileManager1: %s", error->message);
  folder = g_file_get_parent (g_task_get_task_data (task));
  launch_uri (g_task_get_source_object (task), folder, g_steal_pointer (&task));
}

void
enr_launch_show_in_folder_async (GtkWidget           *widget,
                                 GFile               *file,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autofree char *uri = NULL;
  const char *uris[2] = { NULL, NULL };

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (widget, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_launch_show_in_folder_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);

  /* The application holds its session bus already: this does not wait. */
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, cancellable, NULL);
  if (bus == NULL)
    {
      g_autoptr(GFile) folder = g_file_get_parent (file);

      launch_uri (widget, folder, g_steal_pointer (&task));
      return;
    }
  uri = g_file_get_uri (file);
  uris[0] = uri;
  g_dbus_connection_call (bus, "org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                          "org.freedesktop.FileManager1", "ShowItems",
                          g_variant_new ("(^ass)", uris, ""), NULL,
                          G_DBUS_CALL_FLAGS_NONE, -1, cancellable, shown_cb,
                          g_steal_pointer (&task));
}

gboolean
enr_launch_show_in_folder_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
