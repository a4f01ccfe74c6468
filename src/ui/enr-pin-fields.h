/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-digit-entry.h"
#include "enr-session.h"

G_BEGIN_DECLS

/*
 * A new PIN and its confirmation, checked against the PIN rules as they
 * are typed, wherever a PIN is chosen (activation, change of PIN, linking
 * this computer): the PIN's own faults on the PIN, a mismatch on the
 * confirmation once it is complete (enr_field_set_error()). The rules are
 * the session's (enr_session_check_new_pin()).
 */

/* Shows the verdict in the fields and their help labels; returns it. */
EnrSessionPinVerdict enr_pin_fields_check (EnrSession    *session,
                                           EnrDigitEntry *pin,
                                           GtkLabel      *pin_help,
                                           EnrDigitEntry *confirmation,
                                           GtkLabel      *confirmation_help);

/*
 * The hint under the field where the PIN that opens the key is typed (to
 * approve a request, to sign documents): what it is, and the attempts left
 * once one was wrong. Leaves a field in error as it is.
 */
void enr_pin_fields_show_hint (EnrSession    *session,
                               EnrDigitEntry *pin,
                               GtkLabel      *pin_help);

G_END_DECLS
