/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-jws"

#include "config.h"

#include <string.h>

#include "enr-jws.h"

typedef struct
{
  const char *header;
  const char *payload;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
  fixture->payload = "{\"iss\":\"device\",\"txn\":\"activation\"}";
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
}

/* The header of RFC 7515's examples, and ours, encode as expected. */
static void
test_signing_input (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autofree char *input = enr_jws_signing_input (fixture->header,
                                                  (const guint8 *) fixture->payload,
                                                  strlen (fixture->payload));

  g_assert_cmpstr (input, ==,
                   "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
                   "eyJpc3MiOiJkZXZpY2UiLCJ0eG4iOiJhY3RpdmF0aW9uIn0");
}

static void
test_join_and_split (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const guint8 signature[] = { 0xfb, 0xff, 0x00, 0x3e, 0x3f };
  g_autofree char *input = enr_jws_signing_input (fixture->header,
                                                  (const guint8 *) fixture->payload,
                                                  strlen (fixture->payload));
  g_autofree char *compact = enr_jws_join (input, signature, sizeof signature);
  g_autoptr(EnrJwsParts) parts = enr_jws_split (compact, -1);

  /* URL-safe alphabet, no padding. */
  g_assert_true (g_str_has_suffix (compact, ".-_8APj8"));
  g_assert_nonnull (parts);
  g_assert_cmpstr (parts->signing_input, ==, input);
  g_assert_cmpmem (g_bytes_get_data (parts->header, NULL), g_bytes_get_size (parts->header),
                   fixture->header, strlen (fixture->header));
  g_assert_cmpmem (g_bytes_get_data (parts->payload, NULL), g_bytes_get_size (parts->payload),
                   fixture->payload, strlen (fixture->payload));
  g_assert_cmpmem (g_bytes_get_data (parts->signature, NULL), g_bytes_get_size (parts->signature),
                   signature, sizeof signature);
}

static void
test_split_refuses (Fixture       *fixture,
                    gconstpointer  user_data)
{
  const char *bad[] = {
    "",
    "abc",
    "abc.def",
    "abc.def.ghi.jkl",
    ".ZGVm.c2ln",                /* empty header */
    "aGVhZA.ZGVm.",              /* empty signature */
    "aGVhZA.ZGVm.c2ln=",         /* padding */
    "aGVhZA.ZGVm.c2+n",          /* standard alphabet */
    "aGVhZA.ZG Vm.c2ln",         /* white space */
    "aGVhZA.ZGVmZ.c2ln",         /* a length no encoding makes */
    "aGVhZA..c2ln.",
  };
  g_autofree char *huge = g_strnfill (ENR_JWS_MAX_LENGTH + 10, 'A');
  g_autoptr(EnrJwsParts) empty_payload = enr_jws_split ("aGVhZA..c2ln", -1);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(EnrJwsParts) parts = enr_jws_split (bad[i], -1);

      g_test_message ("refusing \"%s\"", bad[i]);
      g_assert_null (parts);
    }
  huge[100] = '.';
  huge[200] = '.';
  g_assert_null (enr_jws_split (huge, -1));
  /* An embedded NUL within the given length. */
  g_assert_null (enr_jws_split ("aGVhZA.ZGVm\0.c2ln", 17));

  /* RFC 7515 allows an empty payload. */
  g_assert_nonnull (empty_payload);
  g_assert_cmpuint (g_bytes_get_size (empty_payload->payload), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/jws/signing-input", Fixture, NULL, fixture_set_up, test_signing_input,
              fixture_tear_down);
  g_test_add ("/jws/join-and-split", Fixture, NULL, fixture_set_up, test_join_and_split,
              fixture_tear_down);
  g_test_add ("/jws/split-refuses", Fixture, NULL, fixture_set_up, test_split_refuses,
              fixture_tear_down);
  return g_test_run ();
}
