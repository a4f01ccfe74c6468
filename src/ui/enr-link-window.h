/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-session.h"

G_BEGIN_DECLS

/*
 * "Use My SmartCA on This Computer": the change of device, in the steps a
 * citizen takes: the VNeID login (the wizard's own login page), the
 * consent that VNeID hands their identity to SmartCA again, then the SMS
 * code and a new PIN. Once linked it activates "app.your-smartca"; Back
 * from the login, or a registration that is not finished, "app.enroll"
 * (or "app.your-smartca" on a computer already linked).
 */
#define ENR_TYPE_LINK_WINDOW (enr_link_window_get_type ())
G_DECLARE_FINAL_TYPE (EnrLinkWindow, enr_link_window, ENR, LINK_WINDOW, GtkApplicationWindow)

GtkWidget *enr_link_window_new (GtkApplication *application,
                                EnrSession     *session);

G_END_DECLS
