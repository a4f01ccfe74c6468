/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One figure of a C benchmark program, as tests/bench/run.py reads it: a
 * JSON object on a line of its own. */

#include <glib.h>

/* @goal: NULL when the figure is only reported; @pass: -1 then. */
static inline void
enr_bench_row (const char *figure,
               double      value,
               const char *unit,
               const char *how,
               const char *goal,
               int         pass)
{
  g_autofree char *goal_json = goal != NULL ? g_strdup_printf ("\"%s\"", goal) : g_strdup ("null");
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  /* A dot whatever the locale: it is JSON. */
  g_ascii_formatd (number, sizeof number, "%.2f", value);
  g_print ("{\"figure\": \"%s\", \"value\": %s, \"unit\": \"%s\", \"how\": \"%s\", "
           "\"goal\": %s, \"pass\": %s}\n",
           figure, number, unit, how, goal_json,
           pass < 0 ? "null" : pass ? "true" : "false");
}
