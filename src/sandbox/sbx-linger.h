/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Writes @answer (a whole HTTP response) on a connection taken from
 * libsoup, then reads and throws away what the client still sends until it
 * has been quiet for a second (half a minute at most), before closing:
 * closing a socket with unread data makes the kernel send a reset, which
 * can destroy the answer before the client has read it. For refusing a
 * body without reading it (413).
 */
void  sbx_linger_answer_and_close  (GIOStream *stream,
                                    GBytes    *answer);

G_END_DECLS
