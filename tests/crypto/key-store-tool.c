/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "key-store-tool"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libsecret/secret.h>

#include "enr-kak.h"
#include "enr-key-store.h"
#include "enr-keyring.h"
#include "enr-store-error.h"

/*
 * One key-store operation per run, for test-key-store-restart.py: every
 * run is a restart of the program, and change-pin can be killed (SIGKILL,
 * for real) at a chosen step. Prints one line of JSON.
 *
 *   key-store-tool create CITIZEN SERVICE PIN
 *   key-store-tool unlock CITIZEN SERVICE PIN
 *   key-store-tool change-pin CITIZEN SERVICE OLD NEW [counted|unwrapped|rewrapped|stored]
 *   key-store-tool count CITIZEN SERVICE
 *   key-store-tool dump CITIZEN SERVICE
 *
 * "create" prints the new key's secret parts, for the test to look for in
 * what the keyring writes; they go to the test's pipe, never to a file.
 */

static GAsyncResult *pending;

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  pending = g_object_ref (result);
}

static GAsyncResult *
wait_for_result (void)
{
  while (pending == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (&pending);
}

static guint
iterations (void)
{
  const char *value = g_getenv ("ENR_TEST_ITERATIONS");

  return value != NULL ? (guint) g_ascii_strtoull (value, NULL, 10) : 2000;
}

static char *
hex (const guint8 *data,
     gsize         len)
{
  GString *out = g_string_sized_new (len * 2);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

static void
print_error (const GError *error,
             guint         attempts_left)
{
  const char *result = "error";

  if (g_error_matches (error, ENR_STORE_ERROR, ENR_STORE_ERROR_WRONG_PIN))
    result = "wrong-pin";
  else if (g_error_matches (error, ENR_STORE_ERROR, ENR_STORE_ERROR_HANDLE_LOCKED))
    result = "locked";
  g_print ("{\"result\":\"%s\",\"attempts_left\":%u,\"domain\":\"%s\",\"code\":%d}\n", result,
           attempts_left, g_quark_to_string (error->domain), error->code);
}

static int
do_create (EnrKeyStore *store,
           char       **argv)
{
  EnrKeyHandleIds ids = { argv[0], argv[1], "cred-1", "device-1" };
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GBytes) spki = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pkcs8_hex = NULL;
  g_autofree char *spki_hex = NULL;
  gnutls_x509_privkey_t key;
  gnutls_datum_t der;
  gnutls_datum_t p = { NULL, 0 };
  gnutls_datum_t q = { NULL, 0 };
  gnutls_datum_t d = { NULL, 0 };
  g_autofree char *p_hex = NULL;
  g_autofree char *q_hex = NULL;
  g_autofree char *d_hex = NULL;

  kak = enr_kak_generate (&error);
  g_assert_no_error (error);
  enr_key_store_create_async (store, &ids, kak, argv[2], iterations (), NULL, result_cb, NULL);
  result = wait_for_result ();
  handle = enr_key_store_create_finish (store, result, &error);
  if (handle == NULL)
    {
      print_error (error, 0);
      return 0;
    }

  pkcs8 = enr_kak_export_pkcs8 (kak, &error);
  g_assert_no_error (error);
  spki = enr_kak_get_public_key (kak);
  der.data = (unsigned char *) g_bytes_get_data (pkcs8, NULL);
  der.size = g_bytes_get_size (pkcs8);
  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_import_pkcs8 (key, &der, GNUTLS_X509_FMT_DER, NULL,
                                                     GNUTLS_PKCS_PLAIN), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_export_rsa_raw2 (key, NULL, NULL, &d, &p, &q, NULL, NULL,
                                                        NULL), ==, 0);
  gnutls_x509_privkey_deinit (key);

  pkcs8_hex = hex (der.data, der.size);
  spki_hex = hex (g_bytes_get_data (spki, NULL), g_bytes_get_size (spki));
  p_hex = hex (p.data, p.size);
  q_hex = hex (q.data, q.size);
  d_hex = hex (d.data, d.size);
  g_print ("{\"result\":\"ok\",\"spki\":\"%s\",\"pkcs8\":\"%s\",\"p\":\"%s\",\"q\":\"%s\","
           "\"d\":\"%s\"}\n", spki_hex, pkcs8_hex, p_hex, q_hex, d_hex);
  gnutls_free (p.data);
  gnutls_free (q.data);
  gnutls_free (d.data);
  return 0;
}

static int
do_unlock (EnrKeyStore *store,
           char       **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GBytes) spki = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *spki_hex = NULL;
  guint attempts_left = 0;

  enr_key_store_unlock_async (store, argv[0], argv[1], argv[2], NULL, result_cb, NULL);
  result = wait_for_result ();
  kak = enr_key_store_unlock_finish (store, result, &attempts_left, &error);
  if (kak == NULL)
    {
      print_error (error, attempts_left);
      return 0;
    }
  spki = enr_kak_get_public_key (kak);
  spki_hex = hex (g_bytes_get_data (spki, NULL), g_bytes_get_size (spki));
  g_print ("{\"result\":\"ok\",\"attempts_left\":%u,\"spki\":\"%s\"}\n", attempts_left, spki_hex);
  return 0;
}

static const char *kill_at;

static void
step_cb (EnrKeyStoreStep step,
         gpointer        user_data)
{
  const char *names[] = { "counted", "unwrapped", "rewrapped", "stored" };

  if (kill_at != NULL && g_strcmp0 (names[step], kill_at) == 0)
    raise (SIGKILL);
}

static int
do_change_pin (EnrKeyStore *store,
               char       **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint attempts_left = 0;

  kill_at = argv[4];
  enr_key_store_set_step_func (store, step_cb, NULL);
  enr_key_store_change_pin_async (store, argv[0], argv[1], argv[2], argv[3], iterations (), NULL,
                                  result_cb, NULL);
  result = wait_for_result ();
  if (!enr_key_store_change_pin_finish (store, result, &attempts_left, &error))
    print_error (error, attempts_left);
  else
    g_print ("{\"result\":\"ok\"}\n");
  return 0;
}

static int
do_count (char **argv)
{
  g_autolist(GObject) items = NULL;
  g_autoptr(GError) error = NULL;

  items = secret_password_search_sync (enr_keyring_get_schema (), SECRET_SEARCH_ALL, NULL,
                                       &error, "citizen-id", argv[0], "service-url", argv[1],
                                       NULL);
  g_assert_no_error (error);
  g_print ("{\"result\":\"ok\",\"count\":%u}\n", g_list_length (items));
  return 0;
}

static int
do_dump (char **argv)
{
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret_hex = NULL;
  const char *data;
  gsize len = 0;

  value = secret_password_lookup_binary_sync (enr_keyring_get_schema (), NULL, &error,
                                              "citizen-id", argv[0], "service-url", argv[1],
                                              NULL);
  g_assert_no_error (error);
  g_assert_nonnull (value);
  data = secret_value_get (value, &len);
  secret_hex = hex ((const guint8 *) data, len);
  g_print ("{\"result\":\"ok\",\"secret\":\"%s\"}\n", secret_hex);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(EnrKeyStore) store = enr_key_store_new (ENR_KEY_STORE_KEYRING);

  gnutls_global_init ();
  if (argc >= 5 && strcmp (argv[1], "create") == 0)
    return do_create (store, argv + 2);
  if (argc >= 5 && strcmp (argv[1], "unlock") == 0)
    return do_unlock (store, argv + 2);
  if (argc >= 6 && strcmp (argv[1], "change-pin") == 0)
    return do_change_pin (store, argv + 2);
  if (argc >= 4 && strcmp (argv[1], "count") == 0)
    return do_count (argv + 2);
  if (argc >= 4 && strcmp (argv[1], "dump") == 0)
    return do_dump (argv + 2);
  g_printerr ("usage: %s create|unlock|change-pin|count|dump CITIZEN SERVICE …\n", argv[0]);
  return 2;
}
