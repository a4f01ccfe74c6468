/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the citizen-ID rule on whatever a citizen (or a
 * sandbox fixture) may type. The first four bytes choose the date of birth
 * and today's date, so the birth-year and century checks are reached; the
 * rest is the text, not necessarily UTF-8 nor NUL-free.
 */
#include "config.h"

#include <string.h>

#include "enr-citizen-id.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* A valid date from two bytes: any year 1900-2155, any day of it. */
static GDate *
date_from (const guint8 *bytes)
{
  GDate *date = g_date_new_dmy (1, G_DATE_JANUARY, (GDateYear) (1900 + bytes[0]));

  g_date_add_days (date, bytes[1] + (bytes[0] & 1) * 110);
  return date;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = NULL;
  g_autofree char *masked = NULL;
  GDate *birth = NULL, *today = NULL;
  EnrCitizenIdInfo info;
  EnrCitizenIdStatus status;

  if (size < 4)
    return 0;
  birth = (data[0] & 0x80) ? NULL : date_from (data);
  today = date_from (data + 2);
  text = g_strndup ((const char *) data + 4, size - 4);

  memset (&info, 0xa5, sizeof info);
  status = enr_citizen_id_check (text, birth, today, &info);
  g_assert_nonnull (enr_citizen_id_status_message (status));
  if (status == ENR_CITIZEN_ID_OK)
    {
      /* What the rule accepts is twelve digits, and what it tells is theirs. */
      g_assert_cmpuint (strlen (text), ==, 12);
      for (guint i = 0; i < 12; i++)
        g_assert_true (g_ascii_isdigit (text[i]));
      g_assert_cmpuint (info.place_code, ==, g_ascii_strtoull (text, NULL, 10) / 1000000000u);
      g_assert_cmpuint (info.birth_year, <=, g_date_get_year (today));
    }
  /* The mask, for the log, on anything at all: what a citizen typed is
   * UTF-8, and so is what the log gets of it. */
  masked = enr_citizen_id_mask (text);
  g_assert_nonnull (masked);
  if (g_utf8_validate (text, -1, NULL))
    g_assert_true (g_utf8_validate (masked, -1, NULL));

  g_clear_pointer (&birth, g_date_free);
  g_clear_pointer (&today, g_date_free);
  return 0;
}
