/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Rows that hold wrapping text are GtkGrids, not horizontal GtkBoxes, and a
 * check button with a long label lays it out with a GtkGridLayout, the
 * label in column 1. GTK 4.8's box layout asks each child, across its
 * orientation, how narrow it can be at the height it has; a wrapping
 * GtkLabel answers by laying its whole text out at one width after another
 * (a binary search) on every layout of the row, and any label inside the
 * row is asked the same through the containers between. A grid asks for
 * widths without a height. The confirm page's consent in a check button's
 * box took 16 ms a layout, against 0.6 ms in a grid layout
 * (tests/bench/bench-wrap-layout.c). /pages/wrapping-text and the other
 * windows' tests look for such labels (tests/ui/enr-test-ui.h).
 */

/* Registers the program's resources and the types its templates name,
 * and applies style.css to @display (NULL: the default display). Called
 * once by the application and by each UI test. */
void enr_ui_init (GdkDisplay *display);

G_END_DECLS
