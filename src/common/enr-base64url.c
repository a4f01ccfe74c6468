/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-base64url"

#include "config.h"

#include <string.h>

#include "enr-base64url.h"

char *
enr_base64url_encode (const guint8 *data,
                      gsize         len)
{
  char *text = g_base64_encode (data, len);
  gsize end = strlen (text);

  while (end > 0 && text[end - 1] == '=')
    text[--end] = '\0';
  for (char *c = text; *c != '\0'; c++)
    {
      if (*c == '+')
        *c = '-';
      else if (*c == '/')
        *c = '_';
    }
  return text;
}

/*
 * Strict: only the URL-safe alphabet, no padding, no white space, and no
 * length that no encoding could produce. Returns NULL on any of those, so
 * a JWS parser can trust what it gets.
 *
 * @text_len: the length of @text, or -1 when it is NUL-terminated
 */
guint8 *
enr_base64url_decode (const char *text,
                      gsize       text_len,
                      gsize      *out_len)
{
  g_autofree char *standard = NULL;
  gsize padded_len;
  guint8 *data;
  gint state = 0;
  guint save = 0;
  gsize written;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (out_len != NULL, NULL);

  if (text_len == (gsize) -1)
    text_len = strlen (text);
  if (text_len % 4 == 1)
    return NULL;

  padded_len = (text_len + 3) / 4 * 4;
  standard = g_malloc (padded_len + 1);
  for (gsize i = 0; i < text_len; i++)
    {
      char c = text[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
      standard[i] = c;
    }
  memset (standard + text_len, '=', padded_len - text_len);
  standard[padded_len] = '\0';

  data = g_malloc (padded_len / 4 * 3 + 3);
  written = g_base64_decode_step (standard, padded_len, data, &state, &save);
  *out_len = written;
  return data;
}
