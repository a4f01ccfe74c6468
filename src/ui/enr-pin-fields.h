/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-digit-entry.h"
#include "enr-pin-policy.h"
#include "enr-vneid-types.h"

G_BEGIN_DECLS

/*
 * A new PIN and its confirmation, checked against the PIN policy as they
 * are typed, wherever a PIN is chosen (activation, change of PIN, linking
 * this computer): the PIN's own faults on the PIN, a mismatch on the
 * confirmation once it is complete (enr_field_set_error()).
 */

/* The date of birth VNeID gave, for the policy; NULL when not known. */
GDate              *enr_pin_fields_birth_date (const EnrIdentity *identity);

/* Shows the verdict in the fields and their help labels; returns it. */
EnrPinPolicyStatus  enr_pin_fields_check      (EnrDigitEntry     *pin,
                                               GtkLabel          *pin_help,
                                               EnrDigitEntry     *confirmation,
                                               GtkLabel          *confirmation_help,
                                               const GDate       *date_of_birth);

G_END_DECLS
