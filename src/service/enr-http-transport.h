/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * What the HTTP module (libenr-http-soup, libsoup 3) offers the service
 * layer: a table of functions, found by the one symbol the module exports.
 * The program loads the module when it first talks to a service (in
 * EnrHttp's worker thread, or in a worker for the connection check), so
 * that starting it never loads libsoup and the libraries libsoup brings
 * (Kerberos, SQLite, nghttp2, libpsl).
 *
 * Sessions and messages are libsoup's objects, seen here as GObjects; a
 * session and its messages are used in one thread, the one whose
 * thread-default main context was current when the session was made.
 */

#define ENR_HTTP_TRANSPORT_SYMBOL  "enr_http_transport_get"
#define ENR_HTTP_TRANSPORT_VERSION 1

typedef struct
{
  guint version;   /* ENR_HTTP_TRANSPORT_VERSION */

  /* A session with the system's proxy settings that trusts @database (or
   * the system store when NULL) and never accepts any other certificate. */
  GObject      *(*session_new)          (guint          timeout_s,
                                         guint          idle_timeout_s,
                                         const char    *user_agent,
                                         GTlsDatabase  *database);
  void          (*session_abort)        (GObject       *session);

  /* A request that never follows a redirect. @headers: name, value, …,
   * NULL (a NULL value skips its name). @idempotent: it may be sent again
   * on a kept-alive connection that turns out closed. @body: nullable. */
  GObject      *(*message_new)          (const char         *method,
                                         const char         *url,
                                         gboolean            idempotent,
                                         const char * const *headers,
                                         const char         *content_type,
                                         GBytes             *body);
  guint         (*message_get_status)   (GObject       *message);
  /* A header of the reply, or NULL. */
  const char   *(*message_get_header)   (GObject       *message,
                                         const char    *name);
  /* The reply's Content-Length, or -1 when it has none. */
  goffset       (*message_get_length)   (GObject       *message);

  void          (*send_async)           (GObject             *session,
                                         GObject             *message,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
  GInputStream *(*send_finish)          (GObject       *session,
                                         GAsyncResult  *result,
                                         GError       **error);
  void          (*send_and_read_async)  (GObject             *session,
                                         GObject             *message,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
  GBytes       *(*send_and_read_finish) (GObject       *session,
                                         GAsyncResult  *result,
                                         GError       **error);

  /* An HTTP date (a Date header), or NULL. */
  GDateTime    *(*parse_date)           (const char    *http_date);
  /* "libsoup 3.2.2": the library that does the work, for a report. */
  char         *(*describe)             (void);
} EnrHttpTransport;

/* The module, loaded the first time (which blocks for a few milliseconds:
 * call it in a worker thread) and kept; NULL with @error set when the
 * program's installation lacks it. Any thread. */
const EnrHttpTransport *enr_http_transport_load        (GError              **error);
/* The same, in a worker thread, for a caller in a main loop. */
void                    enr_http_transport_load_async  (GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
const EnrHttpTransport *enr_http_transport_load_finish (GAsyncResult         *result,
                                                        GError              **error);
/* The module if it is loaded already, else NULL; never loads it. */
const EnrHttpTransport *enr_http_transport_peek        (void);

G_END_DECLS
