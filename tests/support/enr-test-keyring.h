/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Locks the login keyring of the test's gnome-keyring (the default
 * collection), as a screen lock or a new login would. */
void enr_test_lock_default_collection (void);

G_END_DECLS
