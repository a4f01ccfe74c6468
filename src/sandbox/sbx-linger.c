/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-linger"

#include "config.h"

#include "sbx-linger.h"

/* Until the client has been quiet this long, or for this long in all. */
#define LINGER_QUIET_MS 1000
#define LINGER_MAX_US (30 * G_USEC_PER_SEC)
#define LINGER_MAX_BYTES (64 * 1024 * 1024)

typedef struct
{
  GIOStream    *stream;
  GBytes       *answer;
  GCancellable *cancellable;
  guint         timeout_id;
  gint64        started_us;
  gsize         drained;
  guint8        sink[16384];
} SbxLinger;

static void
linger_free (SbxLinger *linger)
{
  g_clear_handle_id (&linger->timeout_id, g_source_remove);
  g_clear_object (&linger->stream);
  g_clear_object (&linger->cancellable);
  g_clear_pointer (&linger->answer, g_bytes_unref);
  g_free (linger);
}

static void
closed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SbxLinger *linger = user_data;

  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  linger_free (linger);
}

static void
finish (SbxLinger *linger)
{
  g_clear_handle_id (&linger->timeout_id, g_source_remove);
  /* Not cancellable: the close itself must not be cut short. */
  g_io_stream_close_async (linger->stream, G_PRIORITY_DEFAULT, NULL, closed_cb, linger);
}

static gboolean
timeout_cb (gpointer user_data)
{
  SbxLinger *linger = user_data;

  linger->timeout_id = 0;
  g_cancellable_cancel (linger->cancellable);
  return G_SOURCE_REMOVE;
}

static void drain (SbxLinger *linger);

static void
drained_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SbxLinger *linger = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n <= 0 || linger->drained + (gsize) n > LINGER_MAX_BYTES ||
      g_cancellable_is_cancelled (linger->cancellable) ||
      g_get_monotonic_time () - linger->started_us > LINGER_MAX_US)
    {
      finish (linger);
      return;
    }
  linger->drained += (gsize) n;
  /* Still sending: wait for quiet again. */
  g_clear_handle_id (&linger->timeout_id, g_source_remove);
  linger->timeout_id = g_timeout_add (LINGER_QUIET_MS, timeout_cb, linger);
  drain (linger);
}

static void
drain (SbxLinger *linger)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (linger->stream),
                             linger->sink, sizeof linger->sink, G_PRIORITY_DEFAULT,
                             linger->cancellable, drained_cb, linger);
}

static void
written_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  SbxLinger *linger = user_data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL))
    {
      finish (linger);
      return;
    }
  drain (linger);
}

void
sbx_linger_answer_and_close (GIOStream *stream,
                             GBytes    *answer)
{
  SbxLinger *linger;
  gsize len;
  const void *data;

  g_return_if_fail (G_IS_IO_STREAM (stream));
  g_return_if_fail (answer != NULL);

  linger = g_new0 (SbxLinger, 1);
  linger->stream = g_object_ref (stream);
  linger->answer = g_bytes_ref (answer);
  linger->cancellable = g_cancellable_new ();
  linger->started_us = g_get_monotonic_time ();
  linger->timeout_id = g_timeout_add (LINGER_QUIET_MS, timeout_cb, linger);

  data = g_bytes_get_data (linger->answer, &len);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), data, len,
                                   G_PRIORITY_DEFAULT, linger->cancellable, written_cb, linger);
}
