/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pin-policy"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "enr-crypto-error.h"
#include "enr-pin-policy.h"
#include "enr-secure.h"

/* Each digit one more (or one less) than the one before, going round
 * from 9 to 0: 123456, 890123, 987654, 210987. */
static gboolean
is_run (const char *pin,
        int         step)
{
  for (int i = 1; i < ENR_PIN_LENGTH; i++)
    {
      if ((pin[i - 1] - '0' + step + 10) % 10 != pin[i] - '0')
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_date_of_birth (const char  *pin,
                  const GDate *date_of_birth)
{
  char ddmmyy[ENR_PIN_LENGTH + 1];
  char yymmdd[ENR_PIN_LENGTH + 1];
  guint day;
  guint month;
  guint year;

  if (date_of_birth == NULL || !g_date_valid (date_of_birth))
    return FALSE;
  day = g_date_get_day (date_of_birth);
  month = g_date_get_month (date_of_birth);
  year = g_date_get_year (date_of_birth) % 100;
  g_snprintf (ddmmyy, sizeof ddmmyy, "%02u%02u%02u", day, month, year);
  g_snprintf (yymmdd, sizeof yymmdd, "%02u%02u%02u", year, month, day);
  return strcmp (pin, ddmmyy) == 0 || strcmp (pin, yymmdd) == 0;
}

EnrPinPolicyStatus
enr_pin_policy_check (const char  *pin,
                      const char  *confirmation,
                      const GDate *date_of_birth)
{
  gsize len;
  gboolean all_same = TRUE;

  if (pin == NULL || pin[0] == '\0')
    return ENR_PIN_POLICY_EMPTY;

  len = strlen (pin);
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (pin[i]))
        return ENR_PIN_POLICY_NOT_DIGITS;
      if (pin[i] != pin[0])
        all_same = FALSE;
    }
  if (len < ENR_PIN_LENGTH)
    return ENR_PIN_POLICY_TOO_SHORT;
  if (len > ENR_PIN_LENGTH)
    return ENR_PIN_POLICY_TOO_LONG;
  if (all_same)
    return ENR_PIN_POLICY_ALL_SAME;
  if (is_run (pin, 1) || is_run (pin, -1))
    return ENR_PIN_POLICY_SEQUENCE;
  if (is_date_of_birth (pin, date_of_birth))
    return ENR_PIN_POLICY_DATE_OF_BIRTH;
  if (confirmation != NULL &&
      (strlen (confirmation) != len ||
       !enr_secure_equal ((const guint8 *) pin, (const guint8 *) confirmation, len)))
    return ENR_PIN_POLICY_MISMATCH;
  return ENR_PIN_POLICY_OK;
}

const char *
enr_pin_policy_message (EnrPinPolicyStatus status)
{
  switch (status)
    {
    case ENR_PIN_POLICY_OK:
      return "";
    case ENR_PIN_POLICY_EMPTY:
      return _("Enter a PIN of 6 digits.");
    case ENR_PIN_POLICY_NOT_DIGITS:
      return _("The PIN can only hold digits (0 to 9).");
    case ENR_PIN_POLICY_TOO_SHORT:
      return _("The PIN is too short: it must have exactly 6 digits.");
    case ENR_PIN_POLICY_TOO_LONG:
      return _("The PIN is too long: it must have exactly 6 digits.");
    case ENR_PIN_POLICY_ALL_SAME:
      return _("The PIN cannot be the same digit six times. "
               "Choose digits that are harder to guess.");
    case ENR_PIN_POLICY_SEQUENCE:
      return _("The PIN cannot be digits in a row, such as 123456 or 987654. "
               "Choose digits that are harder to guess.");
    case ENR_PIN_POLICY_DATE_OF_BIRTH:
      return _("The PIN cannot be your date of birth. Choose digits that are harder to guess.");
    case ENR_PIN_POLICY_MISMATCH:
      return _("The two PINs are not the same. Type the same PIN in both boxes.");
    default:
      return _("This PIN cannot be used. Choose another one.");
    }
}

gboolean
enr_pin_policy_validate (const char   *pin,
                         const char   *confirmation,
                         const GDate  *date_of_birth,
                         GError      **error)
{
  EnrPinPolicyStatus status = enr_pin_policy_check (pin, confirmation, date_of_birth);

  if (status == ENR_PIN_POLICY_OK)
    return TRUE;
  /* The reason, not the PIN, goes to the log. */
  g_debug ("PIN refused by policy rule %d", status);
  g_set_error_literal (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_PIN_POLICY,
                       enr_pin_policy_message (status));
  return FALSE;
}
