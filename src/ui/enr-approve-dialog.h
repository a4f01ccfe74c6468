/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-account.h"

G_BEGIN_DECLS

/*
 * "Approve This Signing Request?": the request again, in full, and the PIN
 * that approves it, with the attempts left. A wrong PIN stays in the
 * dialog with its reason; it closes once SmartCA has the signature.
 */
#define ENR_TYPE_APPROVE_DIALOG (enr_approve_dialog_get_type ())
G_DECLARE_FINAL_TYPE (EnrApproveDialog, enr_approve_dialog, ENR, APPROVE_DIALOG, GtkWindow)

GtkWidget *enr_approve_dialog_new (GtkWindow         *parent,
                                   EnrAccount        *account,
                                   EnrSigningRequest *request);

G_END_DECLS
