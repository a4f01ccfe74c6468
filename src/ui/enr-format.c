/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-format"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n-lib.h>

#include "enr-format.h"
#include "enr-vietnam-time.h"

char *
enr_format_date (const char *iso_date)
{
  int year, month, day;

  if (iso_date == NULL)
    return g_strdup ("");
  if (sscanf (iso_date, "%4d-%2d-%2d", &year, &month, &day) != 3)
    return g_strdup (iso_date);
  return g_strdup_printf ("%02d/%02d/%04d", day, month, year);
}

char *
enr_format_date_time (GDateTime *date_time)
{
  g_autoptr(GDateTime) vietnam = NULL;
  g_autofree char *text = NULL;

  if (date_time == NULL)
    return g_strdup ("");
  /* The service's documents and the citizen's papers give Vietnam time: a
   * computer set to another zone must not show a different day. */
  vietnam = enr_vietnam_time_from (date_time);
  text = g_date_time_format (vietnam, "%d/%m/%Y %H:%M");
  if (enr_vietnam_time_is_local (date_time))
    return g_steal_pointer (&text);
  /* Translators: a date and time, "23/11/2026 17:00", said to be Vietnam's
   * on a computer whose clock is set to another time zone. */
  return g_strdup_printf (_("%s (Vietnam time)"), text);
}

const char *
enr_format_gender (const char *gender)
{
  if (g_strcmp0 (gender, "male") == 0)
    return _("Male");
  if (g_strcmp0 (gender, "female") == 0)
    return _("Female");
  return gender != NULL ? gender : "";
}

char *
enr_format_residence (const EnrSessionIdentity *identity)
{
  const char *parts[4];
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (identity != NULL, NULL);

  parts[0] = identity->street;
  parts[1] = identity->ward;
  parts[2] = identity->district;
  parts[3] = identity->province;
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    if (parts[i] != NULL && *parts[i] != '\0')
      g_string_append_printf (text, "%s%s", text->len > 0 ? ", " : "", parts[i]);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
enr_format_hash (const char *base64)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree guchar *digest = NULL;
  gsize len = 0;

  if (base64 == NULL)
    return g_strdup ("");
  digest = g_base64_decode (base64, &len);
  if (len == 0)
    return g_strdup (base64);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf (text, "%s%02X", i > 0 && i % 2 == 0 ? " " : "", digest[i]);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
enr_format_time_us (gint64 time_us)
{
  g_autoptr(GDateTime) time = NULL;

  if (time_us <= 0)
    return g_strdup ("");
  time = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  return enr_format_date_time (time);
}
