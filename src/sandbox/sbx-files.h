/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The data directory's modes (PROTOCOL.md rev 2, "The sandbox"): the
 * directory and every directory in it 0700, every file 0600 (the database
 * and its -wal and -shm files, the CA's files), whatever the umask and
 * whatever made them before.
 *
 * Call first, before anything is written: it sets the process's umask to
 * 077, so that whatever is made from then on comes out so, makes @dir
 * (with its missing parents) and brings what is already in it to those
 * modes, which is how a data directory of an older sandbox is mended.
 * Symbolic links are left as they are, and never followed.
 */
gboolean  sbx_files_secure_data_dir (const char  *dir,
                                     GError     **error);

G_END_DECLS
