/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-file-save"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-file-save.h"

G_GNUC_BEGIN_IGNORE_DEPRECATIONS

typedef struct
{
  GtkFileChooserNative *chooser;
  GBytes               *data;
  GFile                *file;
} SaveData;

static void
save_data_free (SaveData *data)
{
  if (data->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (data->chooser));
  g_clear_object (&data->chooser);
  g_clear_pointer (&data->data, g_bytes_unref);
  g_clear_object (&data->file);
  g_free (data);
}

static void
replace_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (data->file), g_object_unref);
}

static void
response_cb (GtkNativeDialog *dialog,
             int              response,
             gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (response != GTK_RESPONSE_ACCEPT)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "not saved");
      return;
    }

  data->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_file_replace_contents_bytes_async (data->file, data->data, NULL, FALSE,
                                       G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                                       replace_cb, g_steal_pointer (&task));
}

void
enr_file_save_async (GtkWindow           *parent,
                     const char          *title,
                     const char          *suggested_name,
                     GBytes              *data,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *save;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (data != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_file_save_async);

  save = g_new0 (SaveData, 1);
  save->data = g_bytes_ref (data);
  save->chooser = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (save->chooser), TRUE);
  if (suggested_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (save->chooser), suggested_name);
  g_task_set_task_data (task, save, (GDestroyNotify) save_data_free);

  g_signal_connect (save->chooser, "response", G_CALLBACK (response_cb), g_object_ref (task));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (save->chooser));
}

GFile *
enr_file_save_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  g_autoptr(GTask) task = user_data;

  if (response != GTK_RESPONSE_ACCEPT)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "nothing chosen");
  else
    g_task_return_pointer (task, gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog)),
                           g_object_unref);
  gtk_native_dialog_destroy (dialog);
}

void
enr_file_open_pdfs_async (GtkWindow           *parent,
                          const char          *title,
                          gboolean             multiple,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_file_open_pdfs_async);

  chooser = gtk_file_chooser_native_new (title, parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), multiple);
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  /* Where the portal or a file system knows no MIME types. */
  gtk_file_filter_add_suffix (filter, "pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  /* The task owns the chooser: a dialog still open when it ends goes too. */
  g_task_set_task_data (task, chooser, g_object_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (open_response_cb), g_object_ref (task));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

GListModel *
enr_file_open_pdfs_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

G_GNUC_END_IGNORE_DEPRECATIONS
