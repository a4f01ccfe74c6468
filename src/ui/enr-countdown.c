/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-countdown"

#include "config.h"

#include "enr-countdown.h"

gint64
enr_countdown_seconds_left (gint64 until_us)
{
  gint64 left = until_us - g_get_real_time ();

  /* Round up: "0:00" only once the time is really up. */
  return left > 0 ? (left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC : 0;
}

char *
enr_countdown_format (gint64 until_us)
{
  gint64 left = enr_countdown_seconds_left (until_us);

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%02d", left / 60, (int) (left % 60));
}
