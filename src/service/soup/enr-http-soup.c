/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The HTTP module: libsoup 3 behind enr-http-transport.h's table. Nothing
 * here decides anything; EnrHttp and the connection check do.
 */
#include "config.h"

#include <gmodule.h>
#include <libsoup/soup.h>

#include "enr-http-transport.h"

static GObject *
http_session_new (guint         timeout_s,
                  guint         idle_timeout_s,
                  const char   *user_agent,
                  GTlsDatabase *database)
{
  /* GIO's default proxy resolver stays, so the system proxy settings apply
   * unchanged; no accept-certificate handler exists anywhere, so an
   * untrusted certificate is never accepted. */
  SoupSession *session = soup_session_new_with_options ("timeout", timeout_s,
                                                        "idle-timeout", idle_timeout_s,
                                                        "user-agent", user_agent,
                                                        NULL);

  if (database != NULL)
    soup_session_set_tls_database (session, database);
  return G_OBJECT (session);
}

static void
http_session_abort (GObject *session)
{
  soup_session_abort (SOUP_SESSION (session));
}

static GObject *
http_message_new (const char         *method,
                  const char         *url,
                  gboolean            idempotent,
                  const char * const *headers,
                  const char         *content_type,
                  GBytes             *body)
{
  SoupMessage *message = soup_message_new (method, url);
  SoupMessageHeaders *request_headers;

  if (message == NULL)
    return NULL;
  /* PROTOCOL.md rev 2: no endpoint redirects, and a client never follows
   * one, so that a call cannot leave HTTPS or the configured host. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  /* libsoup sends a POST on a new connection unless told it may be
   * repeated: a kept-alive one may turn out closed after the request went
   * out, and libsoup then sends it again by itself. */
  if (idempotent)
    soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);

  request_headers = soup_message_get_request_headers (message);
  for (guint i = 0; headers != NULL && headers[i] != NULL; i += 2)
    if (headers[i + 1] != NULL)
      soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, content_type, body);
  return G_OBJECT (message);
}

static guint
http_message_get_status (GObject *message)
{
  return soup_message_get_status (SOUP_MESSAGE (message));
}

static const char *
http_message_get_header (GObject    *message,
                         const char *name)
{
  return soup_message_headers_get_one (soup_message_get_response_headers (SOUP_MESSAGE (message)),
                                       name);
}

static goffset
http_message_get_length (GObject *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (SOUP_MESSAGE (message));

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    return -1;
  return soup_message_headers_get_content_length (headers);
}

static void
http_send_async (GObject             *session,
                 GObject             *message,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  soup_session_send_async (SOUP_SESSION (session), SOUP_MESSAGE (message), G_PRIORITY_DEFAULT,
                           cancellable, callback, user_data);
}

static GInputStream *
http_send_finish (GObject       *session,
                  GAsyncResult  *result,
                  GError       **error)
{
  return soup_session_send_finish (SOUP_SESSION (session), result, error);
}

static void
http_send_and_read_async (GObject             *session,
                          GObject             *message,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  soup_session_send_and_read_async (SOUP_SESSION (session), SOUP_MESSAGE (message),
                                    G_PRIORITY_DEFAULT, cancellable, callback, user_data);
}

static GBytes *
http_send_and_read_finish (GObject       *session,
                           GAsyncResult  *result,
                           GError       **error)
{
  return soup_session_send_and_read_finish (SOUP_SESSION (session), result, error);
}

static GDateTime *
http_parse_date (const char *http_date)
{
  return soup_date_time_new_from_http_string (http_date);
}

static char *
http_describe (void)
{
  return g_strdup_printf ("libsoup %u.%u.%u", soup_get_major_version (),
                          soup_get_minor_version (), soup_get_micro_version ());
}

static const EnrHttpTransport transport = {
  .version = ENR_HTTP_TRANSPORT_VERSION,
  .session_new = http_session_new,
  .session_abort = http_session_abort,
  .message_new = http_message_new,
  .message_get_status = http_message_get_status,
  .message_get_header = http_message_get_header,
  .message_get_length = http_message_get_length,
  .send_async = http_send_async,
  .send_finish = http_send_finish,
  .send_and_read_async = http_send_and_read_async,
  .send_and_read_finish = http_send_and_read_finish,
  .parse_date = http_parse_date,
  .describe = http_describe,
};

G_MODULE_EXPORT const EnrHttpTransport *enr_http_transport_get (void);

const EnrHttpTransport *
enr_http_transport_get (void)
{
  return &transport;
}
