/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The main context's worst stall while a benchmark's work runs: a 1 ms
 * timer whose lateness is how long something else held the context. What
 * the program's own watch (src/ui/enr-stall-watch.c) measures in a whole
 * process, for the C benchmark programs that drive the session in-process.
 */

#include <glib.h>

typedef struct
{
  guint  source;
  gint64 last_us;
  gint64 worst_us;
} EnrBenchStall;

static inline gboolean
enr_bench_stall_tick (gpointer user_data)
{
  EnrBenchStall *stall = user_data;
  gint64 now = g_get_monotonic_time ();

  if (stall->last_us != 0)
    stall->worst_us = MAX (stall->worst_us, now - stall->last_us - 1000);
  if (stall->last_us != 0 && now - stall->last_us > 4000 && g_getenv ("BENCH_TRACE"))
    g_message ("stall of %" G_GINT64_FORMAT " us", now - stall->last_us);
  stall->last_us = now;
  return G_SOURCE_CONTINUE;
}

static inline void
enr_bench_stall_start (EnrBenchStall *stall)
{
  stall->last_us = 0;
  stall->source = g_timeout_add (1, enr_bench_stall_tick, stall);
}

/* Between two timed parts: the time spent outside them is no stall. */
static inline void
enr_bench_stall_pause (EnrBenchStall *stall)
{
  stall->last_us = 0;
}

static inline void
enr_bench_stall_stop (EnrBenchStall *stall)
{
  g_clear_handle_id (&stall->source, g_source_remove);
}
