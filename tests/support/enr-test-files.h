/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Removes @path and everything below it (a test's temporary directory);
 * what is not there is not an error. */
void enr_test_remove_tree (const char *path);

G_END_DECLS
