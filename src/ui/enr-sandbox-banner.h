/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-sandbox-control.h"
#include "enr-session.h"

G_BEGIN_DECLS

/*
 * The strip `smartca-enroll --sandbox` shows above every page: this is a
 * test service; the built-in citizens (ID, name, password); the latest
 * codes the sandbox "sent" to the chosen one; and a button that approves
 * the QR login as that citizen, as their VNeID app would. Enough for a
 * person to complete the whole flow by hand.
 */
#define ENR_TYPE_SANDBOX_BANNER (enr_sandbox_banner_get_type ())
G_DECLARE_FINAL_TYPE (EnrSandboxBanner, enr_sandbox_banner, ENR, SANDBOX_BANNER, GtkWidget)

/* @control: (nullable): NULL while the sandbox starts (set it then). */
GtkWidget *enr_sandbox_banner_new         (EnrSession        *session,
                                           EnrSandboxControl *control);
void       enr_sandbox_banner_set_control (EnrSandboxBanner  *self,
                                           EnrSandboxControl *control);

G_END_DECLS
