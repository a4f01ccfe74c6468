/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-keepalive"

#include "config.h"

#include "sbx-keepalive.h"

/* How often the watched sockets are looked at, and how many looks in a
 * row must find the peer gone before the socket is closed here: libsoup
 * reads a hang-up at once when it still can, so one that stays unread
 * for a whole interval is one it has forgotten. */
#define INTERVAL_MS 1000
#define LOOKS       2

struct _SbxKeepalive
{
  SoupServer *soup;
  GHashTable *watched;       /* GSocket → looks that found the peer gone */
  guint       timer;
  gulong      finished_id;
};

/* The peer has closed its side: the socket polls readable and a peek
 * finds the end of the stream, or it reports a hang-up or an error. */
static gboolean
peer_gone (GSocket *socket)
{
  GIOCondition condition = g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR);
  GInputVector vector;
  guint8 byte;
  gint flags = G_SOCKET_MSG_PEEK;
  gssize got;

  if (condition & (G_IO_HUP | G_IO_ERR))
    return TRUE;
  if (!(condition & G_IO_IN))
    return FALSE;
  vector.buffer = &byte;
  vector.size = 1;
  got = g_socket_receive_message (socket, NULL, &vector, 1, NULL, NULL, &flags, NULL, NULL);
  return got == 0;
}

static gboolean
look_cb (gpointer user_data)
{
  SbxKeepalive *self = user_data;
  GHashTableIter iter;
  gpointer socket, looks;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &socket, &looks))
    {
      guint n = GPOINTER_TO_UINT (looks);

      if (g_socket_is_closed (socket))
        {
          g_hash_table_iter_remove (&iter);
          continue;
        }
      n = peer_gone (socket) ? n + 1 : 0;
      if (n < LOOKS)
        {
          g_hash_table_iter_replace (&iter, GUINT_TO_POINTER (n));
          continue;
        }
      g_debug ("Closing a kept-alive connection its client left and libsoup forgot");
      g_socket_close (socket, NULL);
      g_hash_table_iter_remove (&iter);
    }

  if (g_hash_table_size (self->watched) > 0)
    return G_SOURCE_CONTINUE;
  self->timer = 0;
  return G_SOURCE_REMOVE;
}

static void
request_finished_cb (SoupServer        *soup,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  SbxKeepalive *self = user_data;
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket == NULL || g_socket_is_closed (socket) ||
      g_hash_table_contains (self->watched, socket))
    return;
  g_hash_table_insert (self->watched, g_object_ref (socket), GUINT_TO_POINTER (0));
  if (self->timer == 0)
    self->timer = g_timeout_add (INTERVAL_MS, look_cb, self);
}

SbxKeepalive *
sbx_keepalive_new (SoupServer *soup)
{
  SbxKeepalive *self;

  g_return_val_if_fail (SOUP_IS_SERVER (soup), NULL);

  self = g_new0 (SbxKeepalive, 1);
  self->soup = soup;
  self->watched = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  if (soup_get_major_version () == 3 && soup_get_minor_version () < 3)
    self->finished_id = g_signal_connect (soup, "request-finished",
                                          G_CALLBACK (request_finished_cb), self);
  return self;
}

void
sbx_keepalive_free (SbxKeepalive *self)
{
  if (self == NULL)
    return;
  g_clear_signal_handler (&self->finished_id, self->soup);
  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_free (self);
}

guint
sbx_keepalive_get_watched (SbxKeepalive *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_hash_table_size (self->watched);
}
