/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Vietnam time (UTC+7, without daylight saving since 1975): the time every
 * date on a SmartCA document is written in and the one a citizen compares
 * with their papers, whatever time zone the computer is set to.
 */
#define ENR_VIETNAM_UTC_OFFSET_S (7 * 3600)

/* @seconds since 1970 on Vietnam's clock; NULL when out of range. */
GDateTime *enr_vietnam_time_new_from_unix (gint64     seconds);
/* The same instant as @time, on Vietnam's clock. */
GDateTime *enr_vietnam_time_from          (GDateTime *time);
/* Whether the computer's own clock reads Vietnam time at @time's instant,
 * so that a date shown in Vietnam time needs no "Vietnam time" beside it. */
gboolean   enr_vietnam_time_is_local      (GDateTime *time);

G_END_DECLS
