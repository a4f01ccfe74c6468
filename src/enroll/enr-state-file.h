/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The session's files in its state directory (the checkpoint, the signed
 * documents): written atomically (g_file_set_contents, so a crash leaves
 * the old version or the new one) and readable by the user only, in a
 * worker thread, so the main loop never waits for the disk. Writes happen
 * in the order they were asked for, the latest for a path winning; a read
 * waits for every write asked for before it, so a session made right after
 * another one was destroyed reads what that one wrote.
 */

/* @contents: NULL removes the file. The directory is made if needed. */
void     enr_state_file_write       (const char          *path,
                                     GBytes              *contents);
/* The contents, or NULL without an error when there is no such file. */
void     enr_state_file_read_async  (const char          *path,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
GBytes  *enr_state_file_read_finish (GAsyncResult        *result,
                                     GError             **error);
/* Completes once every write asked for so far is on disk (tests, exit). */
void     enr_state_file_flush_async  (GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean enr_state_file_flush_finish (GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
