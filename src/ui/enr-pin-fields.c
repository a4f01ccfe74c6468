/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pin-fields"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n-lib.h>

#include "enr-field.h"
#include "enr-pin-fields.h"

GDate *
enr_pin_fields_birth_date (const EnrIdentity *identity)
{
  GDate *date;
  int year, month, day;

  if (identity == NULL || identity->date_of_birth == NULL)
    return NULL;
  date = g_date_new ();
  g_date_set_parse (date, identity->date_of_birth);
  if (g_date_valid (date))
    return date;
  g_date_free (date);
  if (sscanf (identity->date_of_birth, "%4d-%2d-%2d", &year, &month, &day) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return NULL;
  return g_date_new_dmy (day, month, year);
}

EnrPinPolicyStatus
enr_pin_fields_check (EnrDigitEntry *pin,
                      GtkLabel      *pin_help,
                      EnrDigitEntry *confirmation,
                      GtkLabel      *confirmation_help,
                      const GDate   *date_of_birth)
{
  const char *digits = enr_digit_entry_get_digits (pin);
  const char *again = enr_digit_entry_get_digits (confirmation);
  EnrPinPolicyStatus own = enr_pin_policy_check (digits, NULL, date_of_birth);
  EnrPinPolicyStatus both = enr_pin_policy_check (digits, again, date_of_birth);
  const char *pin_hint = _("Six digits that are hard to guess: not your date of birth, not "
                           "the same digit, not digits in a row.");

  if (own == ENR_PIN_POLICY_OK || own == ENR_PIN_POLICY_EMPTY ||
      (own == ENR_PIN_POLICY_TOO_SHORT && !enr_digit_entry_get_complete (pin)))
    enr_field_clear_error (GTK_WIDGET (pin), pin_help,
                           own == ENR_PIN_POLICY_OK ? _("This PIN can be used.") : pin_hint);
  else
    enr_field_set_error (GTK_WIDGET (pin), pin_help, enr_pin_policy_message (own));

  if (both == ENR_PIN_POLICY_MISMATCH && enr_digit_entry_get_complete (confirmation))
    enr_field_set_error (GTK_WIDGET (confirmation), confirmation_help,
                         enr_pin_policy_message (both));
  else
    enr_field_clear_error (GTK_WIDGET (confirmation), confirmation_help,
                           both == ENR_PIN_POLICY_OK ? _("The two PINs are the same.")
                                                     : _("Type the same PIN again."));
  return both;
}
