/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Registers the program's resources and the types its templates name,
 * and applies style.css to @display (NULL: the default display). Called
 * once by the application and by each UI test. */
void enr_ui_init (GdkDisplay *display);

G_END_DECLS
