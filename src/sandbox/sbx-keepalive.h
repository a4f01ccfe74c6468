/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * Persistent connections for a SoupServer. A client that keeps its
 * connection open saves a TLS handshake (and, with GIO's GnuTLS backend,
 * the loading of the system's trust store) on every request after the
 * first, which is most of what a short API call costs it. But libsoup 3.2
 * loses a kept-alive connection that the client closes while it is idle:
 * its socket, and the file descriptor with it, are never closed (fixed in
 * libsoup 3.3). So with a libsoup older than that, every socket that has
 * answered a request is watched, and one whose peer has hung up and that
 * libsoup has left open for a while is closed here.
 */
typedef struct _SbxKeepalive SbxKeepalive;

SbxKeepalive *sbx_keepalive_new  (SoupServer   *soup);
void          sbx_keepalive_free (SbxKeepalive *keepalive);
/* How many sockets are watched (for tests of the reaper itself). */
guint         sbx_keepalive_get_watched (SbxKeepalive *keepalive);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxKeepalive, sbx_keepalive_free)

G_END_DECLS
