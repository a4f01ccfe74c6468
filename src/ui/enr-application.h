/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-config.h"
#include "enr-session.h"

G_BEGIN_DECLS

/*
 * smartca-enroll: reads the settings and the command line, starts a
 * sandbox for --sandbox, makes the one EnrSession and opens its window,
 * the enrollment wizard (the enrolled desktop's "Your SmartCA" window is
 * the other one it can open). Switching language rebuilds the window from
 * the session. A kiosk (--kiosk or the kiosk-mode key) changes what the
 * session keeps and how the window behaves, nothing else here.
 */
#define ENR_TYPE_APPLICATION (enr_application_get_type ())
G_DECLARE_FINAL_TYPE (EnrApplication, enr_application, ENR, APPLICATION, GtkApplication)

EnrApplication  *enr_application_new          (void);
const EnrConfig *enr_application_get_config   (EnrApplication *self);
/* NULL until the first window opens. */
EnrSession      *enr_application_get_session  (EnrApplication *self);
GtkWindow       *enr_application_get_window   (EnrApplication *self);

G_END_DECLS
