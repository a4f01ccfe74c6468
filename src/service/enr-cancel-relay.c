/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A caller's cancel, seen in the HTTP worker's thread.
 *
 * A GCancellableSource attached to the worker's context would do the same
 * in one call, but GLib 2.74 leaks one that is disposed while its
 * cancellable's ::cancelled emission runs in another thread: it takes a
 * reference for its handler to drop, then disconnects that handler. A call
 * that ends in the worker while the caller cancels does exactly that.
 *
 * Here the handler, which runs in the cancelling thread, only queues an
 * idle source in the worker's context; g_cancellable_disconnect() waits for
 * a running emission to end, so the relay is never freed under its handler.
 */
#include "config.h"

#include "enr-cancel-relay.h"

typedef struct
{
  GMainContext *context;
  GSourceFunc   func;
  GObject      *object;
} Relay;

static void
relay_free (gpointer data)
{
  Relay *relay = data;

  g_main_context_unref (relay->context);
  g_object_unref (relay->object);
  g_free (relay);
}

/* In the thread that cancels. */
static void
relay_cancelled (GCancellable *cancellable,
                 gpointer      user_data)
{
  Relay *relay = user_data;
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, relay->func, g_object_ref (relay->object), g_object_unref);
  g_source_attach (source, relay->context);
}

gulong
enr_cancel_relay_connect (GCancellable *cancellable,
                          GMainContext *context,
                          GSourceFunc   func,
                          GObject      *object)
{
  Relay *relay;

  g_return_val_if_fail (context != NULL && func != NULL && G_IS_OBJECT (object), 0);

  if (cancellable == NULL)
    return 0;

  relay = g_new0 (Relay, 1);
  relay->context = g_main_context_ref (context);
  relay->func = func;
  relay->object = g_object_ref (object);
  /* Already cancelled: relay_cancelled() runs now, and the relay is freed. */
  return g_cancellable_connect (cancellable, G_CALLBACK (relay_cancelled), relay, relay_free);
}

void
enr_cancel_relay_disconnect (GCancellable *cancellable,
                             gulong       *handler)
{
  g_return_if_fail (handler != NULL);

  if (*handler != 0)
    g_cancellable_disconnect (cancellable, *handler);
  *handler = 0;
}
