/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * "Are You Still There?": a kiosk's countdown before it starts over, a
 * modal dialog that takes the focus (a screen reader reads it out at once;
 * GTK 4.8 has no announcements), with the seconds left in large type and
 * "I Am Still Here". ::still-here when the citizen answers, ::expired when
 * the countdown ends.
 */
#define ENR_TYPE_IDLE_DIALOG (enr_idle_dialog_get_type ())
G_DECLARE_FINAL_TYPE (EnrIdleDialog, enr_idle_dialog, ENR, IDLE_DIALOG, GtkWindow)

GtkWidget *enr_idle_dialog_new          (GtkWindow     *parent,
                                         guint          seconds);
guint      enr_idle_dialog_get_seconds_left (EnrIdleDialog *self);

G_END_DECLS
