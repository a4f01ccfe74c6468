/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-main"

#include "config.h"

#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "sbx-server.h"

/* stdout carries exactly one line, the URLs; everything else, GLib's
 * info and debug messages included, goes to stderr. */
static GLogWriterOutput
log_to_stderr (GLogLevelFlags   log_level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         user_data)
{
  const char *domain = NULL;
  g_autofree char *line = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
      domain = fields[i].value;

  if (g_log_writer_default_would_drop (log_level, domain))
    return G_LOG_WRITER_HANDLED;

  line = g_log_writer_format_fields (log_level, fields, n_fields,
                                     g_log_writer_supports_color (fileno (stderr)));
  fprintf (stderr, "%s\n", line);
  fflush (stderr);
  return G_LOG_WRITER_HANDLED;
}

static gboolean
quit_cb (gpointer user_data)
{
  GMainLoop *loop = user_data;

  g_message ("Stopping");
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *listen = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *citizens = NULL;
  gint sync_delay_ms = 2000;
  gint transaction_expiry_s = 300;
  gint certificate_days = 365;
  const GOptionEntry entries[] = {
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen,
      "The address and port to listen on (default 127.0.0.1:0, a free port)", "ADDRESS:PORT" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Where the CAs and the database live (made if missing)", "DIR" },
    { "citizens", 0, 0, G_OPTION_ARG_FILENAME, &citizens,
      "A JSON file of citizens to add, instead of the built-in ones", "FILE" },
    { "sync-delay-ms", 0, 0, G_OPTION_ARG_INT, &sync_delay_ms,
      "How long an enrollment stays SYNCING after the first hand-off (default 2000)", "N" },
    { "transaction-expiry-s", 0, 0, G_OPTION_ARG_INT, &transaction_expiry_s,
      "How long a waiting transaction waits for the citizen (default 300)", "N" },
    { "certificate-days", 0, 0, G_OPTION_ARG_INT, &certificate_days,
      "How long a new subscriber certificate is valid (default 365)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SbxServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *description = NULL;
  SbxServerOptions options = { 0 };

  g_log_set_writer_func (log_to_stderr, NULL, NULL);
  /* TLS 1.2 or later (PROTOCOL.md): GIO has no API for a minimum version,
   * but its GnuTLS backend reads its priority string from here, before
   * the first TLS connection. An explicit setting wins. */
  g_setenv ("G_TLS_GNUTLS_PRIORITY", "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", FALSE);
  /* A client that hangs up must not kill the service. */
  signal (SIGPIPE, SIG_IGN);

  context = g_option_context_new ("— a local VNeID and SmartCA service");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "smartca-sandbox: %s\n", error->message);
      return 2;
    }
  if (data_dir == NULL)
    {
      fprintf (stderr, "smartca-sandbox: --data-dir DIR is required\n");
      return 2;
    }
  if (sync_delay_ms < 0)
    {
      fprintf (stderr, "smartca-sandbox: --sync-delay-ms must be 0 or more\n");
      return 2;
    }
  if (transaction_expiry_s < 1 || transaction_expiry_s > 7 * 24 * 3600)
    {
      fprintf (stderr, "smartca-sandbox: --transaction-expiry-s must be 1 to 604800\n");
      return 2;
    }
  if (certificate_days < 1 || certificate_days > 3650)
    {
      fprintf (stderr, "smartca-sandbox: --certificate-days must be 1 to 3650\n");
      return 2;
    }

  /* Before anything slow, and long before the JSON line: a SIGTERM that
   * comes at any moment from here on is a clean stop, not a kill. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);

  options.data_dir = data_dir;
  options.citizens_file = citizens;
  options.sync_delay_ms = (guint) sync_delay_ms;
  options.transaction_expiry_s = (guint) transaction_expiry_s;
  options.certificate_days = (guint) certificate_days;

  server = sbx_server_new (&options, &error);
  if (server == NULL)
    {
      fprintf (stderr, "smartca-sandbox: %s\n", error->message);
      return 1;
    }
  if (!sbx_server_listen (server, listen != NULL ? listen : "127.0.0.1:0", &error))
    {
      fprintf (stderr, "smartca-sandbox: cannot listen: %s\n", error->message);
      return 1;
    }

  description = sbx_server_describe (server);
  fprintf (stdout, "%s\n", description);
  fflush (stdout);

  g_main_loop_run (loop);

  /* Keys and signatures being made finish, and every answer goes out. */
  if (!sbx_server_drain (server, 10000))
    g_message ("Stopping with work unfinished after 10 s");

  /* Closes the listener and the database. */
  g_clear_object (&server);
  return 0;
}
