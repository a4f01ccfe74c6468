/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-vietnam-time"

#include "config.h"

#include "enr-vietnam-time.h"

static GTimeZone *
vietnam_zone (void)
{
  return g_time_zone_new_offset (ENR_VIETNAM_UTC_OFFSET_S);
}

GDateTime *
enr_vietnam_time_new_from_unix (gint64 seconds)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (seconds);

  return utc != NULL ? enr_vietnam_time_from (utc) : NULL;
}

GDateTime *
enr_vietnam_time_from (GDateTime *time)
{
  g_autoptr(GTimeZone) zone = vietnam_zone ();

  g_return_val_if_fail (time != NULL, NULL);

  return g_date_time_to_timezone (time, zone);
}

gboolean
enr_vietnam_time_is_local (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  g_return_val_if_fail (time != NULL, FALSE);

  local = g_date_time_to_local (time);
  return local != NULL && g_date_time_get_utc_offset (local) ==
                          (GTimeSpan) ENR_VIETNAM_UTC_OFFSET_S * G_TIME_SPAN_SECOND;
}
