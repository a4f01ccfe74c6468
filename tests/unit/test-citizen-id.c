/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "enr-citizen-id.h"

typedef struct
{
  const char        *text;
  const char        *date_of_birth;   /* YYYY-MM-DD or NULL */
  EnrCitizenIdStatus expected;
} Case;

static const Case cases[] = {
  /* Valid: Hà Nội 1993 male, Hồ Chí Minh 2001 female, Đà Nẵng 1978 female */
  { "001093000001", "1993-04-02", ENR_CITIZEN_ID_OK },
  { "079301000123", "2001-09-30", ENR_CITIZEN_ID_OK },
  { "048178004321", NULL,         ENR_CITIZEN_ID_OK },
  /* The last province code, and the first digit non-zero (born abroad) */
  { "096085123456", NULL,         ENR_CITIZEN_ID_OK },
  { "840090111111", NULL,         ENR_CITIZEN_ID_OK },
  /* Wrong shapes */
  { "",              NULL, ENR_CITIZEN_ID_EMPTY },
  { "00109300000",   NULL, ENR_CITIZEN_ID_TOO_SHORT },
  { "0010930000011", NULL, ENR_CITIZEN_ID_TOO_LONG },
  { "00109300000a",  NULL, ENR_CITIZEN_ID_NOT_DIGITS },
  { "001 093000001", NULL, ENR_CITIZEN_ID_NOT_DIGITS },
  { "٠٠١٠٩٣٠٠٠٠٠١", NULL, ENR_CITIZEN_ID_NOT_DIGITS },
  /* 003, 005, 097 and 000 are not province codes */
  { "003093000001", NULL, ENR_CITIZEN_ID_UNKNOWN_PROVINCE },
  { "005093000001", NULL, ENR_CITIZEN_ID_UNKNOWN_PROVINCE },
  { "097093000001", NULL, ENR_CITIZEN_ID_UNKNOWN_PROVINCE },
  { "000093000001", NULL, ENR_CITIZEN_ID_UNKNOWN_PROVINCE },
  /* Born in 2099 (digit 4 = 2) or 2150 (digit 4 = 4): the future, seen from 2026 */
  { "001299000001", NULL, ENR_CITIZEN_ID_FUTURE_YEAR },
  { "001450000001", NULL, ENR_CITIZEN_ID_FUTURE_YEAR },
  /* The year does not match a known date of birth */
  { "001093000001", "1994-04-02", ENR_CITIZEN_ID_BIRTH_YEAR_MISMATCH },
  { "001293000001", "1993-04-02", ENR_CITIZEN_ID_FUTURE_YEAR },
  { "001224000001", "1924-01-01", ENR_CITIZEN_ID_BIRTH_YEAR_MISMATCH },
};

static void
test_cases (void)
{
  g_autoptr(GDate) today = g_date_new_dmy (24, G_DATE_NOVEMBER, 2026);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDate) dob = NULL;
      EnrCitizenIdStatus status;

      if (cases[i].date_of_birth != NULL)
        {
          dob = g_date_new ();
          g_date_set_parse (dob, cases[i].date_of_birth);
          g_assert_true (g_date_valid (dob));
        }

      status = enr_citizen_id_check (cases[i].text, dob, today, NULL);
      g_test_message ("%s → %d", cases[i].text, status);
      g_assert_cmpint (status, ==, cases[i].expected);
      if (status != ENR_CITIZEN_ID_OK)
        g_assert_cmpstr (enr_citizen_id_status_message (status), !=, "");
    }
}

static void
test_info (void)
{
  g_autoptr(GDate) today = g_date_new_dmy (24, G_DATE_NOVEMBER, 2026);
  EnrCitizenIdInfo info;

  g_assert_cmpint (enr_citizen_id_check ("079301000123", NULL, today, &info), ==,
                   ENR_CITIZEN_ID_OK);
  g_assert_cmpuint (info.place_code, ==, 79);
  g_assert_true (info.in_vietnam);
  g_assert_true (info.female);
  g_assert_cmpuint (info.birth_year, ==, 2001);

  g_assert_cmpint (enr_citizen_id_check ("840090111111", NULL, today, &info), ==,
                   ENR_CITIZEN_ID_OK);
  g_assert_false (info.in_vietnam);
  g_assert_false (info.female);
  g_assert_cmpuint (info.birth_year, ==, 1990);

  /* Born this year is not the future. */
  g_assert_cmpint (enr_citizen_id_check ("001226000001", NULL, today, NULL), ==,
                   ENR_CITIZEN_ID_OK);
}

static void
test_provinces (void)
{
  guint count = 0;

  for (guint code = 0; code < 100; code++)
    count += enr_citizen_id_is_province (code);
  g_assert_cmpuint (count, ==, 63);
  g_assert_false (enr_citizen_id_is_province (100));
}

static void
test_mask (void)
{
  g_autofree char *masked = enr_citizen_id_mask ("001093000001");
  g_autofree char *short_masked = enr_citizen_id_mask ("1234");

  g_assert_cmpstr (masked, ==, "001******001");
  g_assert_cmpstr (short_masked, ==, "****");
}

/* Found by tests/fuzz/fuzz-citizen-id.c: the mask kept the first three
 * bytes, and cut a character typed among the digits in two. */
static void
test_mask_characters (void)
{
  g_autofree char *typed = enr_citizen_id_mask ("02\u0200" "1020034");
  g_autofree char *vietnamese = enr_citizen_id_mask ("ạạạbbbbạạạ");
  g_autofree char *not_utf8 = enr_citizen_id_mask ("001\xff" "93000001");

  g_assert_true (g_utf8_validate (typed, -1, NULL));
  g_assert_cmpstr (typed, ==, "02\u0200****034");
  g_assert_cmpstr (vietnamese, ==, "ạạạ****ạạạ");
  g_assert_cmpstr (not_utf8, ==, "************");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/citizen-id/cases", test_cases);
  g_test_add_func ("/citizen-id/info", test_info);
  g_test_add_func ("/citizen-id/provinces", test_provinces);
  g_test_add_func ("/citizen-id/mask", test_mask);
  g_test_add_func ("/citizen-id/mask-characters", test_mask_characters);
  return g_test_run ();
}
