/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pin-fields"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-field.h"
#include "enr-pin-fields.h"

EnrSessionPinVerdict
enr_pin_fields_check (EnrSession    *session,
                      EnrDigitEntry *pin,
                      GtkLabel      *pin_help,
                      EnrDigitEntry *confirmation,
                      GtkLabel      *confirmation_help)
{
  const char *digits = enr_digit_entry_get_digits (pin);
  const char *again = enr_digit_entry_get_digits (confirmation);
  const char *own_reason = NULL;
  const char *both_reason = NULL;
  EnrSessionPinVerdict own = enr_session_check_new_pin (session, digits, NULL, &own_reason);
  EnrSessionPinVerdict both = enr_session_check_new_pin (session, digits, again, &both_reason);
  const char *pin_hint = _("Six digits that are hard to guess: not your date of birth, not "
                           "the same digit, not digits in a row.");

  if (own == ENR_SESSION_PIN_REFUSED)
    enr_field_set_error (GTK_WIDGET (pin), pin_help, own_reason);
  else
    enr_field_clear_error (GTK_WIDGET (pin), pin_help,
                           own == ENR_SESSION_PIN_OK ? _("This PIN can be used.") : pin_hint);

  if (both == ENR_SESSION_PIN_MISMATCH && enr_digit_entry_get_complete (confirmation))
    enr_field_set_error (GTK_WIDGET (confirmation), confirmation_help, both_reason);
  else
    enr_field_clear_error (GTK_WIDGET (confirmation), confirmation_help,
                           both == ENR_SESSION_PIN_OK ? _("The two PINs are the same.")
                                                      : _("Type the same PIN again."));
  return both;
}

void
enr_pin_fields_show_hint (EnrSession    *session,
                          EnrDigitEntry *pin,
                          GtkLabel      *pin_help)
{
  gint left = enr_session_get_pin_attempts_left (session);
  g_autofree char *text = NULL;

  if (enr_field_has_error (GTK_WIDGET (pin)))
    return;
  if (left >= 0 && left < ENR_SESSION_PIN_TRIES)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The PIN you chose for VNPT SmartCA. %d attempt left.",
                                         "The PIN you chose for VNPT SmartCA. %d attempts left.",
                                         left),
                            left);
  enr_field_clear_error (GTK_WIDGET (pin), pin_help,
                         text != NULL ? text : _("The PIN you chose for VNPT SmartCA."));
}
