/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Validation shown the same way to the eye and to a screen reader: the
 * field gets the "error" style class and GTK_ACCESSIBLE_STATE_INVALID, and
 * its help label (which the template links to it with "described-by") says
 * why, or gives back the hint when the field is right again.
 */
void     enr_field_set_error  (GtkWidget  *field,
                               GtkLabel   *help,
                               const char *message);
void     enr_field_clear_error (GtkWidget  *field,
                                GtkLabel   *help,
                                const char *hint);
gboolean enr_field_has_error  (GtkWidget  *field);

G_END_DECLS
