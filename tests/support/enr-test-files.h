/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes @path and everything below it (a test's temporary directory);
 * what is not there is not an error. */
void     enr_test_remove_tree (const char *path);
/* Whether a file whose path holds @library ("libsoup-3.0") is mapped into
 * this process: a library loaded, or not yet. */
gboolean enr_test_is_mapped   (const char *library);

G_END_DECLS
