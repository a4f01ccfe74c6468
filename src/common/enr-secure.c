/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-secure"

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>

#include "enr-secure.h"

void
enr_secure_wipe (gpointer data,
                 gsize    len)
{
  if (data != NULL && len > 0)
    gnutls_memset (data, 0, len);
}

void
enr_secure_free (gpointer data,
                 gsize    len)
{
  enr_secure_wipe (data, len);
  g_free (data);
}

EnrSecureString *
enr_secure_strdup (const char *text)
{
  return g_strdup (text);
}

void
enr_secure_string_free (EnrSecureString *text)
{
  if (text != NULL)
    enr_secure_free (text, strlen (text));
}

void
enr_secure_clear_string (char **text)
{
  g_return_if_fail (text != NULL);

  enr_secure_string_free (g_steal_pointer (text));
}

typedef struct
{
  guint8 *data;
  gsize   len;
} Owned;

static void
owned_free (gpointer user_data)
{
  Owned *owned = user_data;

  enr_secure_free (owned->data, owned->len);
  g_free (owned);
}

GBytes *
enr_secure_bytes_new_take (guint8 *data,
                           gsize   len)
{
  Owned *owned = g_new (Owned, 1);

  owned->data = data;
  owned->len = len;
  return g_bytes_new_with_free_func (data, len, owned_free, owned);
}

GBytes *
enr_secure_bytes_new (const guint8 *data,
                      gsize         len)
{
  return enr_secure_bytes_new_take (g_memdup2 (data, len), len);
}

gboolean
enr_secure_equal (const guint8 *a,
                  const guint8 *b,
                  gsize         len)
{
  guint8 diff = 0;

  for (gsize i = 0; i < len; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}
