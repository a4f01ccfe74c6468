/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-idle-dialog.h"

G_BEGIN_DECLS

/*
 * A kiosk's watch on its window: after :timeout seconds with no
 * interaction (a key, a touch, a click, a pointer move, a button pressed
 * or a field changed, also through the accessibility layer), it asks
 * "Are You Still There?" (EnrIdleDialog) for :countdown seconds, then
 * emits ::expired. Any interaction restarts the wait.
 */
#define ENR_TYPE_IDLE_WATCH (enr_idle_watch_get_type ())
G_DECLARE_FINAL_TYPE (EnrIdleWatch, enr_idle_watch, ENR, IDLE_WATCH, GObject)

#define ENR_IDLE_WATCH_COUNTDOWN 30

EnrIdleWatch  *enr_idle_watch_new         (guint         timeout_s,
                                           guint         countdown_s);
/* Watches @window (NULL: nothing, and no dialog). */
void           enr_idle_watch_set_window  (EnrIdleWatch *self,
                                           GtkWindow    *window);
/* The citizen did something. */
void           enr_idle_watch_poke        (EnrIdleWatch *self);
/* The countdown shown, or NULL. */
EnrIdleDialog *enr_idle_watch_get_dialog  (EnrIdleWatch *self);

G_END_DECLS
