/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "enr-base64url.h"

static void
test_vectors (void)
{
  /* RFC 4648 §10, in the URL-safe alphabet without padding. */
  static const struct { const char *plain; const char *encoded; } vectors[] = {
    { "", "" }, { "f", "Zg" }, { "fo", "Zm8" }, { "foo", "Zm9v" },
    { "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *encoded = enr_base64url_encode ((const guint8 *) vectors[i].plain,
                                                       strlen (vectors[i].plain));
      g_autofree guint8 *decoded = NULL;
      gsize len = 0;

      g_assert_cmpstr (encoded, ==, vectors[i].encoded);
      decoded = enr_base64url_decode (encoded, (gsize) -1, &len);
      g_assert_nonnull (decoded);
      g_assert_cmpmem (decoded, len, vectors[i].plain, strlen (vectors[i].plain));
    }
}

static void
test_url_alphabet (void)
{
  static const guint8 data[] = { 0xfb, 0xff, 0xbf };
  g_autofree char *encoded = enr_base64url_encode (data, sizeof data);
  g_autofree guint8 *decoded = NULL;
  gsize len;

  g_assert_cmpstr (encoded, ==, "-_-_");
  decoded = enr_base64url_decode ("-_-_", (gsize) -1, &len);
  g_assert_cmpmem (decoded, len, data, sizeof data);
}

static void
test_rejects (void)
{
  static const char *bad[] = { "Zm9v=", "Zm9v+", "Zm9v/", "Zm 9v", "Z", "Zm9vY", "Zg==" };
  gsize len;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_null (enr_base64url_decode (bad[i], (gsize) -1, &len));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/base64url/vectors", test_vectors);
  g_test_add_func ("/base64url/url-alphabet", test_url_alphabet);
  g_test_add_func ("/base64url/rejects", test_rejects);
  return g_test_run ();
}
