/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-startup-marks"

#include "enr-startup-marks.h"

#define MAX_MARKS 8

typedef struct
{
  const char *name;  /* a literal of the caller's */
  gint64      at;    /* µs, CLOCK_MONOTONIC (g_get_monotonic_time) */
} Mark;

static struct
{
  gboolean  checked;
  gboolean  closed;  /* the last mark is set: no more are taken */
  char     *path;    /* NULL: not asked for, or written already */
  Mark      marks[MAX_MARKS];
  guint     n_marks;
} marks;

static gboolean
write_cb (gpointer user_data)
{
  g_autoptr(GString) json = g_string_new ("{");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_steal_pointer (&marks.path);

  for (guint i = 0; i < marks.n_marks; i++)
    g_string_append_printf (json, "%s\"%s\": %.3f", i > 0 ? ", " : "",
                            marks.marks[i].name, marks.marks[i].at / 1000.0);
  g_string_append (json, "}\n");
  if (!g_file_set_contents (path, json->str, json->len, &error))
    g_warning ("cannot write the start-up marks: %s", error->message);
  return G_SOURCE_REMOVE;
}

void
enr_startup_mark (const char *name)
{
  gint64 now = g_get_monotonic_time ();

  if (!marks.checked)
    {
      const char *path = g_getenv (ENR_STARTUP_MARKS_ENV);

      marks.checked = TRUE;
      if (path != NULL && *path != '\0')
        marks.path = g_strdup (path);
    }
  if (marks.path == NULL || marks.closed || marks.n_marks == MAX_MARKS)
    return;
  marks.marks[marks.n_marks++] = (Mark) { name, now };
}

void
enr_startup_mark_last (const char *name)
{
  enr_startup_mark (name);
  if (marks.path == NULL || marks.closed)
    return;
  /* Written once the start is over, out of the time it measures. */
  marks.closed = TRUE;
  g_timeout_add_seconds (1, write_cb, NULL);
}
