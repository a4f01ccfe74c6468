/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The twelve-digit citizen identity number (Decree 137/2015/ND-CP,
 * Circular 07/2016/TT-BCA). It has no check digit, so this is the whole
 * of what can be known without asking the population register.
 */
#define G_LOG_DOMAIN "enr-citizen-id"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "enr-citizen-id.h"

/* The 63 province codes of Circular 07/2016, Appendix I. Codes are kept for
 * the provinces merged in 2025: numbers issued before then stay valid. */
static const guint16 province_codes[] = {
  1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31,
  33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60,
  62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91,
  92, 93, 94, 95, 96,
};

gboolean
enr_citizen_id_is_province (guint code)
{
  for (guint i = 0; i < G_N_ELEMENTS (province_codes); i++)
    if (province_codes[i] == code)
      return TRUE;
  return FALSE;
}

/*
 * @date_of_birth: (nullable): checked against digits 4-6 when known
 * @today: (nullable): the date "the future" starts after; now when NULL
 * @info: (out) (optional): filled when the result is ENR_CITIZEN_ID_OK
 */
EnrCitizenIdStatus
enr_citizen_id_check (const char       *text,
                      GDate            *date_of_birth,
                      GDate            *today,
                      EnrCitizenIdInfo *info)
{
  EnrCitizenIdInfo parsed = { 0 };
  guint digits[12];
  gsize len;
  guint century_digit;
  guint this_year;

  if (text == NULL || *text == '\0')
    return ENR_CITIZEN_ID_EMPTY;

  len = strlen (text);
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return ENR_CITIZEN_ID_NOT_DIGITS;
  if (len < 12)
    return ENR_CITIZEN_ID_TOO_SHORT;
  if (len > 12)
    return ENR_CITIZEN_ID_TOO_LONG;

  for (guint i = 0; i < 12; i++)
    digits[i] = (guint) (text[i] - '0');

  parsed.place_code = digits[0] * 100 + digits[1] * 10 + digits[2];
  /* A first digit of 0 is a Vietnamese province; anything else names the
   * foreign country where the birth was registered. */
  parsed.in_vietnam = digits[0] == 0;
  if (parsed.in_vietnam && !enr_citizen_id_is_province (parsed.place_code))
    return ENR_CITIZEN_ID_UNKNOWN_PROVINCE;

  /* Digit 4: even for men, odd for women; each pair of values a century,
   * 0-1 the 1900s, 2-3 the 2000s, and so on up to 8-9 for the 2300s, so
   * every digit is a valid one. */
  century_digit = digits[3];
  parsed.female = (century_digit % 2) == 1;
  parsed.birth_year = 1900 + (century_digit / 2) * 100 + digits[4] * 10 + digits[5];

  if (today != NULL && g_date_valid (today))
    this_year = g_date_get_year (today);
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      this_year = (guint) g_date_time_get_year (now);
    }

  if (parsed.birth_year > this_year)
    return ENR_CITIZEN_ID_FUTURE_YEAR;

  if (date_of_birth != NULL && g_date_valid (date_of_birth) &&
      g_date_get_year (date_of_birth) != parsed.birth_year)
    return ENR_CITIZEN_ID_BIRTH_YEAR_MISMATCH;

  if (info != NULL)
    *info = parsed;
  return ENR_CITIZEN_ID_OK;
}

const char *
enr_citizen_id_status_message (EnrCitizenIdStatus status)
{
  switch (status)
    {
    case ENR_CITIZEN_ID_OK:
      return "";
    case ENR_CITIZEN_ID_EMPTY:
      return _("Enter the 12 digits of your citizen ID.");
    case ENR_CITIZEN_ID_NOT_DIGITS:
      return _("A citizen ID has digits only.");
    case ENR_CITIZEN_ID_TOO_SHORT:
      return _("A citizen ID has 12 digits: some are missing.");
    case ENR_CITIZEN_ID_TOO_LONG:
      return _("A citizen ID has 12 digits: there are too many.");
    case ENR_CITIZEN_ID_UNKNOWN_PROVINCE:
      return _("The first three digits are not a province code. Check them against your card.");
    case ENR_CITIZEN_ID_FUTURE_YEAR:
      return _("Digits 4 to 6 give a birth year in the future. Check them against your card.");
    case ENR_CITIZEN_ID_BIRTH_YEAR_MISMATCH:
      return _("Digits 4 to 6 do not match the year of birth. Check them against your card.");
    default:
      g_return_val_if_reached ("");
    }
}

/* 001093000001 -> 001******001: enough for a citizen to recognise their
 * own number on a screen or a receipt, not enough to use it. Counted in
 * characters, not bytes: what reaches here may be anything a citizen typed
 * or a client sent, and a mask that cut a character in two would put
 * invalid UTF-8 in the log. Text that is not UTF-8 is masked whole. */
char *
enr_citizen_id_mask (const char *text)
{
  GString *masked;
  glong len;
  const char *head_end;

  if (text == NULL)
    return g_strdup ("");
  if (!g_utf8_validate (text, -1, NULL))
    return g_strnfill (strlen (text), '*');

  len = g_utf8_strlen (text, -1);
  if (len <= 6)
    return g_strnfill ((gsize) len, '*');

  head_end = g_utf8_offset_to_pointer (text, 3);
  masked = g_string_new_len (text, head_end - text);
  for (glong i = 3; i < len - 3; i++)
    g_string_append_c (masked, '*');
  g_string_append (masked, g_utf8_offset_to_pointer (text, len - 3));
  return g_string_free (masked, FALSE);
}
