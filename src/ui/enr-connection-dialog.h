/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-session.h"

G_BEGIN_DECLS

/*
 * "Check the Connection": runs the session's connection check as soon as
 * it opens and shows one line per check (the address is found, a
 * connection opens, the service proves who it is, VNeID answers, SmartCA
 * answers, the clock is right), each with an icon and words, never colour
 * alone. "Check Again" runs it again; "Copy Details" puts the report, with
 * the program's and its libraries' versions, on the clipboard for a
 * support call. Nothing a citizen typed is in it.
 */
#define ENR_TYPE_CONNECTION_DIALOG (enr_connection_dialog_get_type ())
G_DECLARE_FINAL_TYPE (EnrConnectionDialog, enr_connection_dialog, ENR, CONNECTION_DIALOG,
                      GtkWindow)

GtkWidget *enr_connection_dialog_new (GtkWindow  *parent,
                                      EnrSession *session);
/* The last report, or NULL while a check runs; for the tests. */
const EnrConnectionReport *enr_connection_dialog_get_report (EnrConnectionDialog *self);
/* The text "Copy Details" puts on the clipboard. */
char      *enr_connection_dialog_get_details (EnrConnectionDialog *self);

G_END_DECLS
