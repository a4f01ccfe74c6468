/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Children side by side in columns of one width, or, when the width given
 * is too narrow for every column's minimum, one under the other: the step
 * 1 page's two ways to log in at a large text size, in a window that fits
 * the screen. Children are added in a .ui file (<child>) or with
 * enr_columns_append(); the order is both the reading and the focus order.
 */
#define ENR_TYPE_COLUMNS (enr_columns_get_type ())
G_DECLARE_FINAL_TYPE (EnrColumns, enr_columns, ENR, COLUMNS, GtkWidget)

GtkWidget *enr_columns_new         (void);
void       enr_columns_append      (EnrColumns *self,
                                    GtkWidget  *child);
/* Whether the last allocation laid the children one under the other. */
gboolean   enr_columns_get_stacked (EnrColumns *self);

G_END_DECLS
