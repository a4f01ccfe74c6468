/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whole seconds from now (g_get_real_time()) until @until_us, 0 if past. */
gint64  enr_countdown_seconds_left (gint64 until_us);
/* The same as "m:ss". */
char   *enr_countdown_format       (gint64 until_us);

G_END_DECLS
