/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * "Save a copy…": asks where (the desktop's file chooser, through the
 * portal where there is one) and writes @data there. G_IO_ERROR_CANCELLED
 * when the citizen closed the chooser. GtkFileChooserNative is deprecated
 * from GTK 4.10: this file alone uses it, for saving and for opening.
 */
void     enr_file_save_async  (GtkWindow           *parent,
                               const char          *title,
                               const char          *suggested_name,
                               GBytes              *data,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
/* The file written. */
GFile   *enr_file_save_finish (GAsyncResult        *result,
                               GError             **error);

/*
 * "Choose Documents…" and "Check a Signed Document…": asks for a PDF, or
 * with @multiple one or more, the same way (the chooser shows PDFs only).
 * G_IO_ERROR_CANCELLED when the citizen closed it.
 */
void        enr_file_open_pdfs_async  (GtkWindow           *parent,
                                       const char          *title,
                                       gboolean             multiple,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
/* The files chosen, a GListModel of GFile. */
GListModel *enr_file_open_pdfs_finish (GAsyncResult        *result,
                                       GError             **error);

G_END_DECLS
