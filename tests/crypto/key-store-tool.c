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
#include "enr-pin-guard.h"
#include "enr-store-error.h"

/*
 * One key-store operation per run, for test-key-store-restart.py: every
 * run is a restart of the program, and a change of PIN can be killed
 * (SIGKILL, for real) at a chosen step. Prints one line of JSON. SHARE is
 * the PIN guard's share as 64 hex digits (the test plays SmartCA); the
 * PIN's keys are derived with the handle's salt and a low count.
 *
 *   key-store-tool create HANDLE SERVICE PIN SHARE
 *   key-store-tool open HANDLE SERVICE PIN SHARE [opened|settled]
 *   key-store-tool add-pending HANDLE SERVICE OLD NEW SHARE [unwrapped|rewrapped|pending-stored]
 *   key-store-tool count SERVICE
 *   key-store-tool dump HANDLE SERVICE
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

static GBytes *
share_from_hex (const char *text)
{
  guint8 share[32];

  g_assert_cmpuint (strlen (text), ==, 64);
  for (guint i = 0; i < 32; i++)
    share[i] = (guint8) (g_ascii_xdigit_value (text[2 * i]) << 4 |
                         g_ascii_xdigit_value (text[2 * i + 1]));
  return g_bytes_new (share, sizeof share);
}

static void
print_error (const GError *error)
{
  const char *result = "error";

  if (g_error_matches (error, ENR_STORE_ERROR, ENR_STORE_ERROR_CORRUPT))
    result = "not-opened";
  g_print ("{\"result\":\"%s\",\"domain\":\"%s\",\"code\":%d}\n", result,
           g_quark_to_string (error->domain), error->code);
}

static const char *kill_at;

static void
step_cb (EnrKeyStoreStep step,
         gpointer        user_data)
{
  const char *names[] = { "unwrapped", "rewrapped", "pending-stored", "opened", "settled" };

  if (kill_at != NULL && g_strcmp0 (names[step], kill_at) == 0)
    raise (SIGKILL);
}

static EnrKeyHandle *
lookup (EnrKeyStore *store,
        const char  *handle_id,
        const char  *service)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  EnrKeyHandle *handle;

  enr_key_store_lookup_async (store, handle_id, service, NULL, result_cb, NULL);
  result = wait_for_result ();
  handle = enr_key_store_lookup_finish (store, result, &error);
  g_assert_no_error (error);
  return handle;
}

/* The keys of @pin with the handle's salt and count. */
static GBytes *
pin_key_for (EnrKeyHandle *handle,
             const char   *pin)
{
  g_autoptr(GBytes) salt = enr_key_handle_get_salt (handle);
  g_autoptr(EnrPinGuardKeys) keys = NULL;
  g_autoptr(GError) error = NULL;

  keys = enr_pin_guard_derive (pin, salt, enr_key_handle_get_iterations (handle), &error);
  g_assert_no_error (error);
  return enr_pin_guard_keys_get_pin_key (keys);
}

static int
do_create (EnrKeyStore *store,
           char       **argv)
{
  EnrKeyHandleIds ids = { argv[0], argv[1], "001093000001", "cred-1", "device-1" };
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GBytes) spki = NULL;
  g_autoptr(GBytes) salt = enr_pin_guard_new_salt ();
  g_autoptr(GBytes) share = share_from_hex (argv[3]);
  g_autoptr(EnrPinGuardKeys) keys = NULL;
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
  keys = enr_pin_guard_derive (argv[2], salt, iterations (), &error);
  g_assert_no_error (error);
  enr_key_store_create_async (store, &ids, kak, keys, share, NULL, result_cb, NULL);
  result = wait_for_result ();
  handle = enr_key_store_create_finish (store, result, &error);
  if (handle == NULL)
    {
      print_error (error);
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
do_open (EnrKeyStore *store,
         char       **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(EnrKeyHandle) handle = lookup (store, argv[0], argv[1]);
  g_autoptr(EnrKeyHandle) after = NULL;
  g_autoptr(GBytes) pin_key = pin_key_for (handle, argv[2]);
  g_autoptr(GBytes) share = share_from_hex (argv[3]);
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GBytes) spki = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *spki_hex = NULL;

  kill_at = argv[4];
  enr_key_store_set_step_func (store, step_cb, NULL);
  enr_key_store_open_async (store, argv[0], argv[1], pin_key, share, NULL, result_cb, NULL);
  result = wait_for_result ();
  kak = enr_key_store_open_finish (store, result, &error);
  if (kak == NULL)
    {
      print_error (error);
      return 0;
    }
  after = lookup (store, argv[0], argv[1]);
  spki = enr_kak_get_public_key (kak);
  spki_hex = hex (g_bytes_get_data (spki, NULL), g_bytes_get_size (spki));
  g_print ("{\"result\":\"ok\",\"spki\":\"%s\",\"pending\":%s}\n", spki_hex,
           enr_key_handle_has_pending (after) ? "true" : "false");
  return 0;
}

static int
do_add_pending (EnrKeyStore *store,
                char       **argv)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(EnrKeyHandle) handle = lookup (store, argv[0], argv[1]);
  g_autoptr(GBytes) old_key = pin_key_for (handle, argv[2]);
  g_autoptr(GBytes) new_key = pin_key_for (handle, argv[3]);
  g_autoptr(GBytes) share = share_from_hex (argv[4]);
  g_autoptr(GError) error = NULL;

  kill_at = argv[5];
  enr_key_store_set_step_func (store, step_cb, NULL);
  enr_key_store_add_pending_async (store, argv[0], argv[1], old_key, new_key, share, NULL,
                                   result_cb, NULL);
  result = wait_for_result ();
  if (!enr_key_store_add_pending_finish (store, result, &error))
    print_error (error);
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
                                       &error, "service-url", argv[0], NULL);
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
                                              "handle-id", argv[0], "service-url", argv[1],
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
  enr_key_store_set_min_iterations (store, iterations ());
  if (argc >= 6 && strcmp (argv[1], "create") == 0)
    return do_create (store, argv + 2);
  if (argc >= 6 && strcmp (argv[1], "open") == 0)
    return do_open (store, argv + 2);
  if (argc >= 7 && strcmp (argv[1], "add-pending") == 0)
    return do_add_pending (store, argv + 2);
  if (argc >= 3 && strcmp (argv[1], "count") == 0)
    return do_count (argv + 2);
  if (argc >= 4 && strcmp (argv[1], "dump") == 0)
    return do_dump (argv + 2);
  g_printerr ("usage: %s create|open|add-pending|count|dump HANDLE SERVICE …\n", argv[0]);
  return 2;
}
