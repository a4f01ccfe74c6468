/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-account.h"

G_BEGIN_DECLS

/*
 * "Change Your PIN": the current PIN, then the new one twice, checked
 * against the PIN policy as they are typed. Closes once the key handle is
 * sealed under the new PIN.
 */
#define ENR_TYPE_CHANGE_PIN_DIALOG (enr_change_pin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (EnrChangePinDialog, enr_change_pin_dialog, ENR, CHANGE_PIN_DIALOG,
                      GtkWindow)

GtkWidget *enr_change_pin_dialog_new (GtkWindow  *parent,
                                      EnrAccount *account);

G_END_DECLS
