/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The program's own shared modules (the PDF module, the HTTP module): a
 * library it needs only for some of its work is kept out of the executable,
 * so that starting the program never loads it, and is opened the first time
 * that work comes. Each module exports one function that returns a table of
 * functions whose first member is the table's version (a guint).
 */

/*
 * Opens the module @name (found with enr_paths_get_module(), @build_dir
 * being where it is built in the build tree), keeps it for the program's
 * life and returns the table its function @symbol returns; NULL with
 * @error set when it is missing, or is not this program's module of
 * version @version. It may run a few milliseconds: call it from a worker
 * thread, never the main loop's.
 */
gconstpointer enr_module_load (const char  *build_dir,
                               const char  *name,
                               const char  *symbol,
                               guint        version,
                               GError     **error);

G_END_DECLS
