/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-clock"

#include "config.h"

#include <string.h>

#include "sbx-clock.h"

#define OFFSET_KEY "clock_offset_ms"

/* One clock for the whole process, as there is one database. */
static gint64 offset_ms;

static gint64
parse_offset (GBytes *value)
{
  g_autofree char *text = NULL;
  gsize len;
  const char *data;
  gint64 parsed;

  if (value == NULL)
    return 0;
  data = g_bytes_get_data (value, &len);
  text = g_strndup (data, len);
  if (!g_ascii_string_to_signed (text, 10, G_MININT64 / 2, G_MAXINT64 / 2, &parsed, NULL))
    {
      g_warning ("Ignoring an unreadable clock offset in the database");
      return 0;
    }
  return parsed;
}

void
sbx_clock_init (SbxDb *db)
{
  g_autoptr(GBytes) value = NULL;

  g_return_if_fail (db != NULL);

  value = sbx_db_get_meta (db, OFFSET_KEY);
  offset_ms = parse_offset (value);
  if (offset_ms != 0)
    g_debug ("The sandbox clock runs %" G_GINT64_FORMAT " s ahead", offset_ms / 1000);
}

gint64
sbx_clock_now_ms (void)
{
  return g_get_real_time () / 1000 + offset_ms;
}

void
sbx_clock_advance (SbxDb  *db,
                   gint64  ms)
{
  g_autofree char *text = NULL;
  g_autoptr(GBytes) value = NULL;

  g_return_if_fail (db != NULL);

  offset_ms += ms;
  text = g_strdup_printf ("%" G_GINT64_FORMAT, offset_ms);
  value = g_bytes_new (text, strlen (text));
  sbx_db_set_meta (db, OFFSET_KEY, value);
}

static char *
format_ms (gint64      ms,
           const char *format)
{
  g_autoptr(GDateTime) time = NULL;
  gint64 seconds = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);

  time = g_date_time_new_from_unix_utc (seconds);
  if (time == NULL)
    return g_strdup ("");
  return g_date_time_format (time, format);
}

char *
sbx_clock_format_rfc3339 (gint64 ms)
{
  return format_ms (ms, "%Y-%m-%dT%H:%M:%SZ");
}

char *
sbx_clock_format_generalized (gint64 ms)
{
  return format_ms (ms, "%Y%m%d%H%M%SZ");
}
