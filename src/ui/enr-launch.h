/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Opening a file the program wrote, for the citizen to look at: with the
 * desktop's application for it, or in the file manager with the file
 * selected. GtkFileLauncher is GTK 4.10: GIO's default-application launch
 * goes through the OpenURI portal inside a sandbox by itself.
 */
void     enr_launch_open_async            (GtkWidget           *widget,
                                           GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean enr_launch_open_finish           (GAsyncResult        *result,
                                           GError             **error);
/* The file manager's org.freedesktop.FileManager1.ShowItems, else the
 * folder opened with the default application. */
void     enr_launch_show_in_folder_async  (GtkWidget           *widget,
                                           GFile               *file,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean enr_launch_show_in_folder_finish (GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
