/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one strict JSON check the sandbox applies to request bodies and the
 * program to replies (PROTOCOL.md rev 2: at most 64 levels deep).
 */
#include "config.h"

#include <string.h>

#include "enr-json-check.h"

static gboolean
check (const char *text)
{
  return enr_json_check (text, strlen (text), ENR_JSON_MAX_DEPTH, NULL, NULL);
}

static char *
nested (guint depth)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, i % 2 ? "{\"a\":" : "[");
  g_string_append (text, "1");
  for (guint i = depth; i > 0; i--)
    g_string_append (text, (i - 1) % 2 ? "}" : "]");
  return g_string_free (text, FALSE);
}

static void
test_syntax (void)
{
  const char *good[] = { "{}", "[]", " {\"a\": [1, -2.5e3, true, false, null, \"\\u00e9\"]} ",
                         "\"\\ud83d\\ude00\"", "0" };
  const char *bad[] = { "", "{", "{'a':1}", "{\"a\":1}{}", "[1,]", "\"\\x\"", "\"\\u0000\"",
                        "\"\\ud83d\"", "01x", "{\"a\" 1}", "[\"\t\"]" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (check (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (check (bad[i]));
}

static void
test_depth (void)
{
  g_autofree char *deepest = nested (ENR_JSON_MAX_DEPTH);
  g_autofree char *too_deep = nested (ENR_JSON_MAX_DEPTH + 1);
  g_autofree char *far_too_deep = nested (100000);
  const char *problem = NULL;
  gsize offset = 0;

  g_assert_true (check (deepest));
  g_assert_false (enr_json_check (too_deep, strlen (too_deep), ENR_JSON_MAX_DEPTH, &problem,
                                  &offset));
  g_assert_cmpstr (problem, ==, "JSON nested too deeply");
  /* At the 65th opener: 32 "[" and 32 "{\"a\":" before it. */
  g_assert_cmpuint (offset, ==, 32 * 1 + 32 * 5);
  /* The check itself stops at the limit: it never recurses further. */
  g_assert_false (check (far_too_deep));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-check/syntax", test_syntax);
  g_test_add_func ("/json-check/depth", test_depth);
  return g_test_run ();
}
