/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One figure of a C benchmark program, as tests/bench/run.py reads it: a
 * JSON object on a line of its own. */

#include <stdio.h>

#include <json-glib/json-glib.h>

/* @goal: NULL when the figure is only reported; @pass: -1 then. */
static inline void
enr_bench_row (const char *figure,
               double      value,
               const char *unit,
               const char *how,
               const char *goal,
               int         pass)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "figure");
  json_builder_add_string_value (builder, figure);
  json_builder_set_member_name (builder, "value");
  json_builder_add_double_value (builder, value);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_string_value (builder, unit);
  json_builder_set_member_name (builder, "how");
  json_builder_add_string_value (builder, how);
  json_builder_set_member_name (builder, "goal");
  if (goal != NULL)
    json_builder_add_string_value (builder, goal);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "pass");
  if (pass < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_boolean_value (builder, pass);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  /* Line by line, as run.py reads them, even when stdout is a pipe. */
  printf ("%s\n", line);
  fflush (stdout);
}
