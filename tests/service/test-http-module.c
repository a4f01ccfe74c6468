/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup is the HTTP module's, loaded for the first call to a service and
 * not before: a program that links the service layer starts without it
 * (and without the Kerberos and SQLite libraries it brings), and without
 * GIO's TLS backend, which the trust anchor's GTlsDatabase loads. This
 * test links no libsoup of its own, so what its maps show is the client's
 * doing. A trust anchor that cannot be used is still told at once.
 */
#include "config.h"

#include <gio/gio.h>

#include "enr-http-transport.h"
#include "enr-http.h"
#include "enr-module.h"
#include "enr-service-error.h"
#include "enr-test-files.h"

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
  g_main_context_wakeup (NULL);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* A port where nothing listens: bound, then closed. */
static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

/* A directory of its own, with the CA certificate "anchor.pem". */
static char *
make_anchor_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("enr-http-module-XXXXXX", &error);
  g_autofree char *key_path = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *anchor_path = g_build_filename (dir, "anchor.pem", NULL);
  int status = 0;
  const char *argv[] = {
    "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
    "-subj", "/CN=Test Root", "-keyout", key_path, "-out", anchor_path, NULL
  };

  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&dir);
}

static void
test_loaded_on_first_call (void)
{
  g_autofree char *dir = make_anchor_dir ();
  g_autofree char *anchor = g_build_filename (dir, "anchor.pem", NULL);
  g_autoptr(EnrHttp) http = NULL;
  g_autoptr(EnrHttpReply) reply = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/enrollment/status",
                                          closed_port ());
  g_autofree char *described = NULL;
  EnrHttpCall *call;

  /* Made, but not yet used: no libsoup, no SQLite, no TLS backend. */
  http = enr_http_new (anchor, &error);
  g_assert_no_error (error);
  enr_http_set_retry_limits (http, 1, 0, 0, 10000);
  g_assert_false (enr_test_is_mapped ("libsoup-3.0"));
  g_assert_false (enr_test_is_mapped ("libsqlite3"));
  g_assert_false (enr_test_is_mapped ("libgiognutls"));
  g_assert_null (enr_http_transport_peek ());

  /* The first call loads it, in the client's worker, and goes through it:
   * nothing listens there, which the citizen hears as no connection. */
  call = enr_http_call_new ("POST", url);
  enr_http_send_async (http, call, NULL, store_result, &result);
  reply = enr_http_send_finish (http, wait_result (&result), &error);
  g_assert_null (reply);
  g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_UNAVAILABLE);

  g_assert_true (enr_test_is_mapped ("libsoup-3.0"));
  g_assert_true (enr_test_is_mapped ("libgiognutls"));
  g_assert_nonnull (enr_http_transport_peek ());
  described = enr_http_transport_peek ()->describe ();
  g_assert_true (g_str_has_prefix (described, "libsoup 3."));
  enr_test_remove_tree (dir);
}

/* An anchor that cannot be used trusts nothing, and says so when the
 * client is made: missing, or not a certificate. */
static void
test_bad_anchor (void)
{
  g_autofree char *dir = g_dir_make_tmp ("enr-http-module-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  g_autofree char *text = g_build_filename (dir, "text.pem", NULL);
  g_autoptr(GError) missing_error = NULL;
  g_autoptr(GError) text_error = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (enr_http_new (missing, &missing_error));
  g_assert_error (missing_error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

  g_file_set_contents (text, "-----BEGIN CERTIFICATE-----\nnot one\n-----END CERTIFICATE-----\n",
                       -1, &error);
  g_assert_no_error (error);
  g_assert_null (enr_http_new (text, &text_error));
  g_assert_error (text_error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  enr_test_remove_tree (dir);
}

static void
test_module_missing (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (enr_module_load ("src/service/soup", "libenr-no-such-module.so",
                                  ENR_HTTP_TRANSPORT_SYMBOL, ENR_HTTP_TRANSPORT_VERSION,
                                  &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* A module of another version (an installation half upgraded) is refused,
 * as is a library that is not one of this program's modules. */
static void
test_module_not_ours (void)
{
  g_autoptr(GError) version_error = NULL;
  g_autoptr(GError) symbol_error = NULL;

  g_assert_null (enr_module_load ("src/service/soup", HTTP_MODULE_NAME,
                                  ENR_HTTP_TRANSPORT_SYMBOL, ENR_HTTP_TRANSPORT_VERSION + 1,
                                  &version_error));
  g_assert_error (version_error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_null (enr_module_load ("src/service/soup", HTTP_MODULE_NAME,
                                  "enr_pdf_backend_get", 1, &symbol_error));
  g_assert_error (symbol_error, G_IO_ERROR, G_IO_ERROR_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* First: the maps must be seen before anything loads the module. */
  g_test_add_func ("/http-module/loaded-on-first-call", test_loaded_on_first_call);
  g_test_add_func ("/http-module/bad-anchor", test_bad_anchor);
  g_test_add_func ("/http-module/missing", test_module_missing);
  g_test_add_func ("/http-module/not-ours", test_module_not_ours);
  return g_test_run ();
}
