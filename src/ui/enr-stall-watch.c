/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-stall-watch"

#include "config.h"

#include <stdlib.h>

#include <json-glib/json-glib.h>

#include "enr-stall-watch.h"

#define TICK_US          1000
#define STALL_US         (10 * 1000)
#define MAX_STALLS_KEPT  100

typedef struct
{
  char   *path;
  gint64  started;
  gint64  due;           /* when the next tick should fire */
  gint64  worst;         /* µs */
  gint64  worst_at;      /* µs since started */
  guint64 ticks;
  guint   stalls;        /* ticks more than STALL_US late */
  gint64  stall_at[MAX_STALLS_KEPT];
  gint64  stall_us[MAX_STALLS_KEPT];
  gint64  stall_framed_us[MAX_STALLS_KEPT];
  char   *stall_window[MAX_STALLS_KEPT];  /* the active window's title then */

  GtkApplication *application;  /* NULL until enr_stall_watch_follow() */

  /* The windows' frames (enr_stall_watch_follow()): each from its frame
   * clock's before-paint to its after-paint, that is GTK's layout, snapshot
   * and drawing of the window, with what the widgets do in them. */
  gint64  frame_began;   /* 0: not in a frame */
  gint64  framed;        /* µs of frames since the last tick */
  guint64 frames;
  guint   frames_over;   /* frames longer than STALL_US */
  gint64  worst_frame;
  gint64  worst_frame_at;
  char   *worst_frame_window;
  gint64  worst_outside; /* the worst lateness less the frames in it */
  gint64  worst_outside_at;
} StallWatch;

/* One for the process: the report is written at exit, from atexit(). */
static StallWatch *watch;

/* The title of the window a citizen has in front of them: a wizard's is
 * its page's, so a stall can be told by page. */
static char *
active_window_title (StallWatch *self)
{
  GtkWindow *window = self->application != NULL
                      ? gtk_application_get_active_window (self->application) : NULL;
  const char *title = window != NULL ? gtk_window_get_title (window) : NULL;

  return g_strdup (title != NULL ? title : "");
}

/* A member of the report: @us microseconds, in seconds (@unit
 * G_USEC_PER_SEC) or in milliseconds (@unit 1000). */
static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       us,
          double       unit)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, us / unit);
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         guint64      value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, (gint64) value);
}

static void
write_report (StallWatch *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (builder);
  add_time (builder, "worst_ms", self->worst, 1000);
  add_time (builder, "worst_at_s", self->worst_at, G_USEC_PER_SEC);
  add_int (builder, "ticks", self->ticks);
  add_int (builder, "over_10ms", self->stalls);
  add_time (builder, "seconds", g_get_monotonic_time () - self->started, G_USEC_PER_SEC);
  add_int (builder, "frames", self->frames);
  add_int (builder, "frames_over_10ms", self->frames_over);
  add_time (builder, "worst_frame_ms", self->worst_frame, 1000);
  add_time (builder, "worst_frame_at_s", self->worst_frame_at, G_USEC_PER_SEC);
  add_time (builder, "worst_outside_frames_ms", self->worst_outside, 1000);
  add_time (builder, "worst_outside_frames_at_s", self->worst_outside_at, G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "worst_frame_window");
  json_builder_add_string_value (builder, self->worst_frame_window != NULL
                                          ? self->worst_frame_window : "");
  /* Each: when the tick was due (s), how late it came (ms), how much of
   * that was frames (ms), and the active window's title then. */
  json_builder_set_member_name (builder, "stalls");
  json_builder_begin_array (builder);
  for (guint i = 0; i < MIN (self->stalls, MAX_STALLS_KEPT); i++)
    {
      json_builder_begin_array (builder);
      json_builder_add_double_value (builder, self->stall_at[i] / (double) G_USEC_PER_SEC);
      json_builder_add_double_value (builder, self->stall_us[i] / 1000.0);
      json_builder_add_double_value (builder, self->stall_framed_us[i] / 1000.0);
      json_builder_add_string_value (builder, self->stall_window[i]);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  if (!g_file_set_contents (self->path, json, -1, &error))
    g_warning ("cannot write the stall report: %s", error->message);
}

static gboolean
tick_cb (gpointer user_data)
{
  StallWatch *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 late = now - self->due;
  gint64 framed = MIN (MAX (late, 0), self->framed);
  gboolean changed = FALSE;

  /* The first tick comes when the main loop first runs: what happened
   * before (the application's start-up) is the start-up's time, not a
   * stall. */
  if (self->ticks++ == 0)
    late = framed = 0;
  self->framed = 0;
  if (late > self->worst)
    {
      self->worst = late;
      self->worst_at = now - self->started;
      changed = TRUE;
    }
  if (late - framed > self->worst_outside)
    {
      self->worst_outside = late - framed;
      self->worst_outside_at = now - self->started;
      changed = TRUE;
    }
  if (late > STALL_US)
    {
      if (self->stalls < MAX_STALLS_KEPT)
        {
          self->stall_at[self->stalls] = self->due - self->started;
          self->stall_us[self->stalls] = late;
          self->stall_framed_us[self->stalls] = framed;
          self->stall_window[self->stalls] = active_window_title (self);
        }
      self->stalls++;
      changed = TRUE;
      g_debug ("the main context was held %.1f ms", late / 1000.0);
    }
  /* A program ended by a signal writes nothing at exit: the report on
   * disk is kept up to date with each new worst and each stall (rare
   * events; a write is a fraction of a millisecond, and not counted). */
  if (changed)
    write_report (self);

  /* Due one tick after now (measured after the write, which is ours). */
  self->due = g_get_monotonic_time () + TICK_US;
  g_source_set_ready_time (g_main_current_source (), self->due);
  return G_SOURCE_CONTINUE;
}

static void
before_paint_cb (GdkFrameClock *clock,
                 StallWatch    *self)
{
  self->frame_began = g_get_monotonic_time ();
}

static void
after_paint_cb (GdkFrameClock *clock,
                StallWatch    *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 took;

  if (self->frame_began == 0)
    return;
  took = now - self->frame_began;
  self->frame_began = 0;
  self->framed += took;
  self->frames++;
  if (took > STALL_US)
    self->frames_over++;
  if (took > self->worst_frame)
    {
      self->worst_frame = took;
      self->worst_frame_at = now - self->started;
      g_free (self->worst_frame_window);
      self->worst_frame_window = active_window_title (self);
      write_report (self);
    }
}

/* A window's frame clock is its surface's: a new one each time it is
 * realized. */
static void
window_realized_cb (GtkWidget  *window,
                    StallWatch *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), self);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window,
                 StallWatch     *self)
{
  g_signal_connect (window, "realize", G_CALLBACK (window_realized_cb), self);
  if (gtk_widget_get_realized (GTK_WIDGET (window)))
    window_realized_cb (GTK_WIDGET (window), self);
}

static gboolean
dispatch (GSource     *source,
          GSourceFunc  callback,
          gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs tick_funcs = { NULL, NULL, dispatch, NULL, NULL, NULL };

static void
write_at_exit (void)
{
  if (watch != NULL)
    write_report (watch);
}

void
enr_stall_watch_start (void)
{
  const char *path = g_getenv (ENR_STALL_WATCH_ENV);
  GSource *source;

  if (path == NULL || *path == '\0' || watch != NULL)
    return;

  watch = g_new0 (StallWatch, 1);
  watch->path = g_strdup (path);
  watch->started = g_get_monotonic_time ();
  watch->due = watch->started;
  write_report (watch);

  /* Above every source of GTK and GLib: each tick fires as soon as the
   * context is free, so its lateness is how long it was held. */
  source = g_source_new (&tick_funcs, sizeof (GSource));
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_name (source, "enr-stall-watch");
  g_source_set_callback (source, tick_cb, watch, NULL);
  g_source_set_ready_time (source, watch->due);
  g_source_attach (source, NULL);
  g_source_unref (source);
  atexit (write_at_exit);
}

void
enr_stall_watch_follow (GtkApplication *application)
{
  g_return_if_fail (GTK_IS_APPLICATION (application));

  if (watch == NULL)
    return;
  watch->application = application;
  g_signal_connect (application, "window-added", G_CALLBACK (window_added_cb), watch);
}
