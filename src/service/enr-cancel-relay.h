/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Carries a cancel from the thread that cancels into another thread's main
 * context: when @cancellable is cancelled (or already is), @func runs there
 * with @object, of which the relay keeps a reference until it is
 * disconnected. Returns the handler for enr_cancel_relay_disconnect(), or 0
 * (nothing to disconnect) when @cancellable is NULL or already cancelled.
 */
gulong enr_cancel_relay_connect    (GCancellable *cancellable,
                                    GMainContext *context,
                                    GSourceFunc   func,
                                    GObject      *object);
void   enr_cancel_relay_disconnect (GCancellable *cancellable,
                                    gulong       *handler);

G_END_DECLS
