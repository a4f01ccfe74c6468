/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pin-policy"

#include "config.h"

#include <string.h>

#include "enr-crypto-error.h"
#include "enr-pin-policy.h"

typedef struct
{
  GDate *date_of_birth;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->date_of_birth = g_date_new_dmy (2, G_DATE_APRIL, 1993);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_date_free (fixture->date_of_birth);
}

static void
test_valid (Fixture       *fixture,
            gconstpointer  user_data)
{
  const char *valid[] = {
    "246810", "135792", "000001", "100000", "482913", "112233", "121212",
    "123457",   /* a run broken at the end */
    "020494",   /* a day after the birthday */
    "930403",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", valid[i]);
      g_assert_cmpint (enr_pin_policy_check (valid[i], valid[i], fixture->date_of_birth), ==,
                       ENR_PIN_POLICY_OK);
      g_assert_true (enr_pin_policy_validate (valid[i], valid[i], fixture->date_of_birth, &error));
      g_assert_no_error (error);
    }
  /* Without a date of birth, only that rule is left out. */
  g_assert_cmpint (enr_pin_policy_check ("020493", NULL, NULL), ==, ENR_PIN_POLICY_OK);
}

static void
test_invalid (Fixture       *fixture,
              gconstpointer  user_data)
{
  struct { const char *pin; const char *confirmation; EnrPinPolicyStatus status; } cases[] = {
    { "", "", ENR_PIN_POLICY_EMPTY },
    { NULL, NULL, ENR_PIN_POLICY_EMPTY },
    { "12a456", "12a456", ENR_PIN_POLICY_NOT_DIGITS },
    { " 24681", " 24681", ENR_PIN_POLICY_NOT_DIGITS },
    { "٢٤٦٨١٠", "٢٤٦٨١٠", ENR_PIN_POLICY_NOT_DIGITS },   /* Arabic-Indic digits */
    { "24681", "24681", ENR_PIN_POLICY_TOO_SHORT },
    { "2468101", "2468101", ENR_PIN_POLICY_TOO_LONG },
    { "000000", "000000", ENR_PIN_POLICY_ALL_SAME },
    { "777777", "777777", ENR_PIN_POLICY_ALL_SAME },
    { "123456", "123456", ENR_PIN_POLICY_SEQUENCE },
    { "987654", "987654", ENR_PIN_POLICY_SEQUENCE },
    { "456789", "456789", ENR_PIN_POLICY_SEQUENCE },
    { "890123", "890123", ENR_PIN_POLICY_SEQUENCE },
    { "210987", "210987", ENR_PIN_POLICY_SEQUENCE },
    { "020493", "020493", ENR_PIN_POLICY_DATE_OF_BIRTH },   /* DDMMYY */
    { "930402", "930402", ENR_PIN_POLICY_DATE_OF_BIRTH },   /* YYMMDD */
    { "246810", "246811", ENR_PIN_POLICY_MISMATCH },
    { "246810", "", ENR_PIN_POLICY_MISMATCH },
    { "246810", "2468100", ENR_PIN_POLICY_MISMATCH },
    /* The PIN's own fault comes before a mismatch. */
    { "123456", "654321", ENR_PIN_POLICY_SEQUENCE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      g_assert_cmpint (enr_pin_policy_check (cases[i].pin, cases[i].confirmation,
                                             fixture->date_of_birth), ==, cases[i].status);
      g_assert_false (enr_pin_policy_validate (cases[i].pin, cases[i].confirmation,
                                               fixture->date_of_birth, &error));
      g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_PIN_POLICY);
      g_assert_cmpstr (error->message, ==, enr_pin_policy_message (cases[i].status));
    }
}

/* Each refusal has its own reason. */
static void
test_messages (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (EnrPinPolicyStatus s = ENR_PIN_POLICY_EMPTY; s <= ENR_PIN_POLICY_MISMATCH; s++)
    {
      const char *message = enr_pin_policy_message (s);

      g_assert_cmpuint (strlen (message), >, 10);
      g_assert_false (g_hash_table_contains (seen, message));
      g_hash_table_add (seen, (gpointer) message);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/pin-policy/valid", Fixture, NULL, fixture_set_up, test_valid, fixture_tear_down);
  g_test_add ("/pin-policy/invalid", Fixture, NULL, fixture_set_up, test_invalid,
              fixture_tear_down);
  g_test_add ("/pin-policy/messages", Fixture, NULL, fixture_set_up, test_messages,
              fixture_tear_down);
  return g_test_run ();
}
