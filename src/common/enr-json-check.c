/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-json-check"

#include "config.h"

#include <string.h>

#include "enr-json-check.h"

typedef struct
{
  const char *data;
  gsize       len;
  gsize       pos;
  guint       max_depth;
  const char *problem;
} Scanner;

static gboolean value (Scanner *s, guint depth);

static gboolean
fail (Scanner    *s,
      const char *problem)
{
  if (s->problem == NULL)
    s->problem = problem;
  return FALSE;
}

static int
peek (Scanner *s)
{
  return s->pos < s->len ? (guchar) s->data[s->pos] : -1;
}

static void
skip_space (Scanner *s)
{
  while (s->pos < s->len && strchr (" \t\n\r", s->data[s->pos]) != NULL && s->data[s->pos] != '\0')
    s->pos++;
}

static gboolean
literal (Scanner    *s,
         const char *word)
{
  gsize n = strlen (word);

  if (s->len - s->pos < n || memcmp (s->data + s->pos, word, n) != 0)
    return fail (s, "an unexpected character");
  s->pos += n;
  return TRUE;
}

static gboolean
hex4 (Scanner *s,
      guint   *out)
{
  guint v = 0;

  if (s->len - s->pos < 4)
    return fail (s, "a \\u escape without four hexadecimal digits");
  for (guint i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (s->data[s->pos + i]);

      if (d < 0)
        return fail (s, "a \\u escape without four hexadecimal digits");
      v = v * 16 + (guint) d;
    }
  s->pos += 4;
  *out = v;
  return TRUE;
}

static gboolean
string (Scanner *s)
{
  s->pos++;   /* the opening quote */
  for (;;)
    {
      int c = peek (s);

      if (c < 0)
        return fail (s, "an unterminated string");
      if (c == '"')
        {
          s->pos++;
          return TRUE;
        }
      if (c < 0x20)
        return fail (s, "a control character in a string");
      if (c != '\\')
        {
          s->pos++;
          continue;
        }

      s->pos++;
      c = peek (s);
      if (c < 0 || strchr ("\"\\/bfnrtu", c) == NULL || c == '\0')
        return fail (s, "an unknown escape in a string");
      s->pos++;
      if (c == 'u')
        {
          guint unit;

          if (!hex4 (s, &unit))
            return FALSE;
          if (unit == 0)
            return fail (s, "\\u0000 in a string");
          if (unit >= 0xdc00 && unit <= 0xdfff)
            return fail (s, "half a surrogate pair in a string");
          if (unit >= 0xd800 && unit <= 0xdbff)
            {
              guint low;

              if (s->len - s->pos < 2 || s->data[s->pos] != '\\' || s->data[s->pos + 1] != 'u')
                return fail (s, "half a surrogate pair in a string");
              s->pos += 2;
              if (!hex4 (s, &low))
                return FALSE;
              if (low < 0xdc00 || low > 0xdfff)
                return fail (s, "half a surrogate pair in a string");
            }
        }
    }
}

static gboolean
digits (Scanner *s)
{
  gsize start = s->pos;

  while (s->pos < s->len && g_ascii_isdigit (s->data[s->pos]))
    s->pos++;
  return s->pos > start;
}

static gboolean
number (Scanner *s)
{
  if (peek (s) == '-')
    s->pos++;
  if (peek (s) == '0')
    s->pos++;
  else if (!digits (s))
    return fail (s, "a malformed number");

  if (peek (s) == '.')
    {
      s->pos++;
      if (!digits (s))
        return fail (s, "a malformed number");
    }
  if (peek (s) == 'e' || peek (s) == 'E')
    {
      s->pos++;
      if (peek (s) == '+' || peek (s) == '-')
        s->pos++;
      if (!digits (s))
        return fail (s, "a malformed number");
    }
  return TRUE;
}

static gboolean
container (Scanner *s,
           guint    depth,
           gboolean object)
{
  char close = object ? '}' : ']';

  if (depth >= s->max_depth)
    return fail (s, "JSON nested too deeply");
  s->pos++;   /* the opening bracket */
  skip_space (s);
  if (peek (s) == close)
    {
      s->pos++;
      return TRUE;
    }

  for (;;)
    {
      skip_space (s);
      if (object)
        {
          if (peek (s) != '"')
            return fail (s, "a member name that is not a string");
          if (!string (s))
            return FALSE;
          skip_space (s);
          if (peek (s) != ':')
            return fail (s, "a missing ':' after a member name");
          s->pos++;
        }
      if (!value (s, depth + 1))
        return FALSE;
      skip_space (s);
      if (peek (s) == ',')
        {
          s->pos++;
          continue;
        }
      if (peek (s) == close)
        {
          s->pos++;
          return TRUE;
        }
      return fail (s, object ? "a missing ',' or '}'" : "a missing ',' or ']'");
    }
}

static gboolean
value (Scanner *s,
       guint    depth)
{
  skip_space (s);
  switch (peek (s))
    {
    case '{':
      return container (s, depth, TRUE);
    case '[':
      return container (s, depth, FALSE);
    case '"':
      return string (s);
    case 't':
      return literal (s, "true");
    case 'f':
      return literal (s, "false");
    case 'n':
      return literal (s, "null");
    case -1:
      return fail (s, "a missing value");
    default:
      if (peek (s) == '-' || g_ascii_isdigit (peek (s)))
        return number (s);
      return fail (s, "an unexpected character");
    }
}

gboolean
enr_json_check (const char  *data,
                gsize        len,
                guint        max_depth,
                const char **problem,
                gsize       *offset)
{
  Scanner s = { data, len, 0, max_depth, NULL };
  gboolean ok;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  ok = value (&s, 0);
  if (ok)
    {
      skip_space (&s);
      if (s.pos != s.len)
        ok = fail (&s, "something after the JSON value");
    }

  if (problem != NULL)
    *problem = ok ? NULL : s.problem;
  if (offset != NULL)
    *offset = s.pos;
  return ok;
}
