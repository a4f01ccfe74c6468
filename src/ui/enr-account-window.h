/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-account.h"
#include "enr-sandbox-control.h"

G_BEGIN_DECLS

/*
 * "Your SmartCA", the enrolled desktop's window: the certificate and its
 * status as SmartCA reports it, the signing requests waiting for the
 * citizen (checked again every few seconds while the window is shown),
 * each approved with the PIN or rejected; change the PIN; link this
 * computer again ("app.link"); sign the citizen's own PDFs
 * ("app.sign-documents"); remove SmartCA from this computer (then
 * "app.enroll"). An ordinary window, beside the wizard (DESIGN.md).
 *
 * On a session not resumed yet (the desktop's start, decided from the
 * checkpoint alone) it resumes it when shown, and hands over to the wizard
 * ("app.enroll") if the keyring does not keep the key after all.
 */
#define ENR_TYPE_ACCOUNT_WINDOW (enr_account_window_get_type ())
G_DECLARE_FINAL_TYPE (EnrAccountWindow, enr_account_window, ENR, ACCOUNT_WINDOW,
                      GtkApplicationWindow)

/* @control: (nullable): the sandbox's, for its "Send a Test Request". */
GtkWidget  *enr_account_window_new         (GtkApplication    *application,
                                            EnrSession        *session,
                                            EnrSandboxControl *control);
EnrAccount *enr_account_window_get_account (EnrAccountWindow  *self);

G_END_DECLS
