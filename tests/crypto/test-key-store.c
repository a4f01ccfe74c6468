/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-key-store"

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libsecret/secret.h>

#include "enr-crypto-error.h"
#include "enr-kak.h"
#include "enr-key-handle-private.h"
#include "enr-key-store.h"
#include "enr-key-wrap.h"
#include "enr-keyring.h"
#include "enr-sad-verify.h"
#include "enr-sad.h"
#include "enr-store-error.h"

/*
 * Run through keyring-run.sh, which gives each run its own bus and
 * keyring: ENR_TEST_KEYRING says which (gnome-keyring, file, no-keyring,
 * locked-keyring). Without it, only the kiosk's memory store is tested.
 */

#define CITIZEN_ID "001093000001"
#define PIN "246810"
#define NEW_PIN "482913"
#define WRONG_PIN "135792"
/* Tests wrap with a low count: the count is kept with each blob. */
#define TEST_ITERATIONS 2000

typedef struct
{
  EnrKeyStore *store;
  EnrKak      *kak;
  char        *service_url;
} Fixture;

typedef void (*TestFunc) (Fixture      *fixture,
                          gconstpointer user_data);

static EnrKak *shared_kak;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *path = g_strdelimit (g_strdup (g_test_get_path ()), "/", '-');
  g_autoptr(GError) error = NULL;

  fixture->store = enr_key_store_new (GPOINTER_TO_INT (user_data));
  if (shared_kak == NULL)
    {
      shared_kak = enr_kak_generate (&error);
      g_assert_no_error (error);
    }
  fixture->kak = g_object_ref (shared_kak);
  /* One service per test: the tests share a keyring. */
  fixture->service_url = g_strconcat ("https://127.0.0.1:8443/smartca", path, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->kak);
  g_free (fixture->service_url);
}

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (slot);
}

static EnrKeyHandle *
create (Fixture     *fixture,
        const char  *device_id,
        const char  *pin,
        GError     **error)
{
  EnrKeyHandleIds ids = { CITIZEN_ID, fixture->service_url, "cred-1", device_id };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enr_key_store_create_async (fixture->store, &ids, fixture->kak, pin, TEST_ITERATIONS, NULL,
                              result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_create_finish (fixture->store, result, error);
}

static EnrKeyHandle *
lookup (Fixture  *fixture,
        GError  **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enr_key_store_lookup_async (fixture->store, CITIZEN_ID, fixture->service_url, NULL,
                              result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_lookup_finish (fixture->store, result, error);
}

static EnrKak *
unlock (Fixture     *fixture,
        const char  *pin,
        guint       *attempts_left,
        GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enr_key_store_unlock_async (fixture->store, CITIZEN_ID, fixture->service_url, pin, NULL,
                              result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_unlock_finish (fixture->store, result, attempts_left, error);
}

static gboolean
change_pin (Fixture     *fixture,
            const char  *old_pin,
            const char  *new_pin,
            GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enr_key_store_change_pin_async (fixture->store, CITIZEN_ID, fixture->service_url, old_pin,
                                  new_pin, TEST_ITERATIONS, NULL, result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_change_pin_finish (fixture->store, result, NULL, error);
}

static gboolean
set_refresh_token (Fixture     *fixture,
                   const char  *token,
                   GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enr_key_store_set_refresh_token_async (fixture->store, CITIZEN_ID, fixture->service_url, token,
                                         NULL, result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_set_refresh_token_finish (fixture->store, result, error);
}

static gboolean
remove_all (Fixture  *fixture,
            GError  **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enr_key_store_remove_async (fixture->store, CITIZEN_ID, fixture->service_url, NULL,
                              result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_remove_finish (fixture->store, result, error);
}

static void
assert_same_key (EnrKak *a,
                 EnrKak *b)
{
  g_autoptr(GBytes) pa = enr_kak_get_public_key (a);
  g_autoptr(GBytes) pb = enr_kak_get_public_key (b);

  g_assert_true (g_bytes_equal (pa, pb));
}

static void
test_create_lookup (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) created = NULL;
  g_autoptr(EnrKeyHandle) found = NULL;
  g_autoptr(GBytes) key_id = NULL;
  g_autoptr(GBytes) public_key = enr_kak_get_public_key (fixture->kak);
  g_autoptr(GBytes) expected = enr_key_handle_compute_key_id (public_key);
  g_autoptr(GError) error = NULL;

  found = lookup (fixture, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  created = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);
  found = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enr_key_handle_get_citizen_id (found), ==, CITIZEN_ID);
  g_assert_cmpstr (enr_key_handle_get_service_url (found), ==, fixture->service_url);
  g_assert_cmpstr (enr_key_handle_get_credential_id (found), ==, "cred-1");
  g_assert_cmpstr (enr_key_handle_get_device_id (found), ==, "device-1");
  g_assert_true (enr_key_handle_has_key (found));
  g_assert_false (enr_key_handle_is_locked (found));
  g_assert_cmpuint (enr_key_handle_get_attempts_left (found), ==, ENR_KEY_HANDLE_MAX_ATTEMPTS);
  g_assert_cmpuint (enr_key_handle_get_iterations (found), ==, TEST_ITERATIONS);
  g_assert_null (enr_key_handle_get_refresh_token (found));
  key_id = enr_key_handle_get_key_id (found);
  g_assert_cmpuint (g_bytes_get_size (key_id), ==, 32);
  g_assert_true (g_bytes_equal (key_id, expected));
}

static void
test_unlock (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sad = NULL;
  g_autofree char *claims = NULL;
  EnrSadClaims sad_claims = { "device-1", "cred-1", "activation", "Y2hhbGxlbmdl", 0, 0 };
  guint attempts_left = 0;

  handle = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);
  kak = unlock (fixture, PIN, &attempts_left, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attempts_left, ==, ENR_KEY_HANDLE_MAX_ATTEMPTS);
  assert_same_key (kak, fixture->kak);

  /* The unlocked key signs a SAD its public half verifies. */
  sad = enr_sad_create (kak, &sad_claims, &error);
  g_assert_no_error (error);
  public_key = enr_kak_get_public_key (fixture->kak);
  claims = enr_sad_verify (sad, public_key, &error);
  g_assert_no_error (error);
}

static void
test_lockout (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(EnrKeyHandle) locked = NULL;
  g_autoptr(GError) error = NULL;

  handle = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);

  for (guint i = 1; i <= ENR_KEY_HANDLE_MAX_ATTEMPTS; i++)
    {
      g_autoptr(EnrKak) kak = NULL;
      g_autoptr(EnrKeyHandle) now = NULL;
      guint attempts_left = 99;

      kak = unlock (fixture, WRONG_PIN, &attempts_left, &error);
      g_assert_null (kak);
      g_assert_cmpuint (attempts_left, ==, ENR_KEY_HANDLE_MAX_ATTEMPTS - i);
      if (i < ENR_KEY_HANDLE_MAX_ATTEMPTS)
        {
          g_autofree char *left = g_strdup_printf ("%u tr", ENR_KEY_HANDLE_MAX_ATTEMPTS - i);

          g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_WRONG_PIN);
          g_assert_nonnull (strstr (error->message, left));
        }
      else
        g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_HANDLE_LOCKED);
      g_clear_error (&error);

      now = lookup (fixture, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (enr_key_handle_get_attempts_left (now), ==,
                        ENR_KEY_HANDLE_MAX_ATTEMPTS - i);
    }

  /* Locked for good: the right PIN does not open it. */
  {
    g_autoptr(EnrKak) kak = unlock (fixture, PIN, NULL, &error);

    g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_HANDLE_LOCKED);
    g_assert_null (kak);
    g_clear_error (&error);
  }
  locked = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_true (enr_key_handle_is_locked (locked));

  /* All that is left is to remove it (and link the computer again). */
  g_assert_true (remove_all (fixture, &error));
  g_assert_no_error (error);
  g_clear_object (&locked);
  locked = lookup (fixture, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND);
}

static void
test_right_pin_resets (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(EnrKeyHandle) after = NULL;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GError) error = NULL;

  handle = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);
  for (int i = 0; i < ENR_KEY_HANDLE_MAX_ATTEMPTS - 1; i++)
    {
      g_autoptr(EnrKak) none = unlock (fixture, WRONG_PIN, NULL, &error);

      g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_WRONG_PIN);
      g_clear_error (&error);
    }
  kak = unlock (fixture, PIN, NULL, &error);
  g_assert_no_error (error);
  after = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (enr_key_handle_get_attempts_left (after), ==, ENR_KEY_HANDLE_MAX_ATTEMPTS);
}

static void
test_change_pin (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(EnrKak) with_new = NULL;
  g_autoptr(EnrKak) with_old = NULL;
  g_autoptr(GError) error = NULL;

  handle = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);
  g_assert_true (set_refresh_token (fixture, "refresh-token-1", &error));

  /* A wrong old PIN changes nothing but the count. */
  g_assert_false (change_pin (fixture, WRONG_PIN, NEW_PIN, &error));
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_WRONG_PIN);
  g_clear_error (&error);
  /* A new PIN the policy refuses is refused before anything is tried. */
  g_assert_false (change_pin (fixture, PIN, "123456", &error));
  g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_PIN_POLICY);
  g_clear_error (&error);

  g_assert_true (change_pin (fixture, PIN, NEW_PIN, &error));
  g_assert_no_error (error);
  with_old = unlock (fixture, PIN, NULL, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_WRONG_PIN);
  g_clear_error (&error);
  with_new = unlock (fixture, NEW_PIN, NULL, &error);
  g_assert_no_error (error);
  assert_same_key (with_new, fixture->kak);

  g_clear_object (&handle);
  handle = lookup (fixture, &error);
  g_assert_cmpstr (enr_key_handle_get_refresh_token (handle), ==, "refresh-token-1");
}

static void
test_refresh_token (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) before_key = NULL;
  g_autoptr(EnrKeyHandle) with_key = NULL;
  g_autoptr(EnrKeyHandle) forgotten = NULL;
  g_autoptr(EnrKak) none = NULL;
  g_autoptr(GError) error = NULL;

  /* Kept from step 3 on, before there is any key. */
  g_assert_true (set_refresh_token (fixture, "refresh-token-1", &error));
  g_assert_no_error (error);
  before_key = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enr_key_handle_get_refresh_token (before_key), ==, "refresh-token-1");
  g_assert_false (enr_key_handle_has_key (before_key));
  none = unlock (fixture, PIN, NULL, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NO_KEY);
  g_clear_error (&error);

  /* Making the key keeps it; a rotated token replaces it. */
  g_clear_object (&with_key);
  with_key = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enr_key_handle_get_refresh_token (with_key), ==, "refresh-token-1");
  g_assert_true (set_refresh_token (fixture, "refresh-token-2", &error));
  g_clear_object (&with_key);
  with_key = lookup (fixture, &error);
  g_assert_cmpstr (enr_key_handle_get_refresh_token (with_key), ==, "refresh-token-2");
  g_assert_true (enr_key_handle_has_key (with_key));

  g_assert_true (set_refresh_token (fixture, NULL, &error));
  forgotten = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_null (enr_key_handle_get_refresh_token (forgotten));
  g_assert_true (enr_key_handle_has_key (forgotten));
}

static guint
count_items (Fixture *fixture)
{
  g_autolist(GObject) items = NULL;
  g_autoptr(GError) error = NULL;

  items = secret_password_search_sync (enr_keyring_get_schema (), SECRET_SEARCH_ALL, NULL,
                                       &error, "citizen-id", CITIZEN_ID,
                                       "service-url", fixture->service_url, NULL);
  g_assert_no_error (error);
  return g_list_length (items);
}

/* A new device's handle replaces the old one: one per citizen per service. */
static void
test_one_per_citizen (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) first = NULL;
  g_autoptr(EnrKeyHandle) second = NULL;
  g_autoptr(EnrKeyHandle) found = NULL;
  g_autoptr(EnrKak) other = NULL;
  g_autoptr(EnrKak) unlocked = NULL;
  g_autoptr(GError) error = NULL;
  gboolean keyring = enr_key_store_get_mode (fixture->store) == ENR_KEY_STORE_KEYRING;

  g_assert_true (set_refresh_token (fixture, "refresh-token-1", &error));
  if (keyring)
    g_assert_cmpuint (count_items (fixture), ==, 1);
  first = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);
  if (keyring)
    g_assert_cmpuint (count_items (fixture), ==, 1);

  other = enr_kak_generate (&error);
  g_assert_no_error (error);
  g_set_object (&fixture->kak, other);
  second = create (fixture, "device-2", NEW_PIN, &error);
  g_assert_no_error (error);
  if (keyring)
    g_assert_cmpuint (count_items (fixture), ==, 1);

  found = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enr_key_handle_get_device_id (found), ==, "device-2");
  g_assert_cmpstr (enr_key_handle_get_refresh_token (found), ==, "refresh-token-1");
  unlocked = unlock (fixture, NEW_PIN, NULL, &error);
  g_assert_no_error (error);
  assert_same_key (unlocked, other);
}

static void
test_services_apart (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) first = NULL;
  g_autoptr(EnrKeyHandle) second = NULL;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_url = g_strdup (fixture->service_url);

  first = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);
  g_free (fixture->service_url);
  fixture->service_url = g_strconcat (first_url, "/other", NULL);
  second = create (fixture, "device-1", NEW_PIN, &error);
  g_assert_no_error (error);

  kak = unlock (fixture, NEW_PIN, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&kak);
  g_free (fixture->service_url);
  fixture->service_url = g_steal_pointer (&first_url);
  kak = unlock (fixture, PIN, NULL, &error);
  g_assert_no_error (error);
}

static void
store_raw (Fixture      *fixture,
           const guint8 *data,
           gsize         len)
{
  g_autoptr(SecretValue) value = secret_value_new ((const char *) data, len,
                                                   "application/octet-stream");
  g_autoptr(GError) error = NULL;

  secret_password_store_binary_sync (enr_keyring_get_schema (), SECRET_COLLECTION_DEFAULT, "test",
                                     value, NULL, &error,
                                     "citizen-id", CITIZEN_ID,
                                     "service-url", fixture->service_url,
                                     "credential-id", "cred-1",
                                     "device-id", "device-1",
                                     NULL);
  g_assert_no_error (error);
}

/* What the keyring holds is damaged: a clear error, and a new key can
 * still be made over it. */
static void
test_corrupt_record (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *garbage[] = { "", "ENRH", "ENRH\1\0\0\0\0\0\0\0\0\0\0\0\7\0\0\1\0", "not a record" };

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr(EnrKeyHandle) found = NULL;
      g_autoptr(EnrKak) kak = NULL;
      g_autoptr(GError) error = NULL;
      gsize len = i == 2 ? 21 : strlen (garbage[i]);

      store_raw (fixture, (const guint8 *) garbage[i], len);
      found = lookup (fixture, &error);
      g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_CORRUPT);
      g_clear_error (&error);
      kak = unlock (fixture, PIN, NULL, &error);
      g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_CORRUPT);
    }

  {
    g_autoptr(EnrKeyHandle) created = NULL;
    g_autoptr(EnrKak) kak = NULL;
    g_autoptr(GError) error = NULL;

    created = create (fixture, "device-2", PIN, &error);
    g_assert_no_error (error);
    kak = unlock (fixture, PIN, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (count_items (fixture), ==, 1);
  }
}

/* A record whose wrapped key is cut short: a clear error that does not
 * cost the citizen a try. */
static void
test_truncated_blob (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) created = NULL;
  g_autoptr(EnrKeyHandle) damaged = NULL;
  g_autoptr(EnrKeyHandle) after = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) cut = NULL;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *record;
  gsize record_len;

  created = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);
  wrapped = enr_key_handle_get_wrapped (created);
  cut = g_bytes_new (g_bytes_get_data (wrapped, NULL), g_bytes_get_size (wrapped) - 40);
  damaged = enr_key_handle_copy (created);
  enr_key_handle_set_wrapped (damaged, cut);
  record = enr_key_handle_serialize (damaged, &record_len);
  store_raw (fixture, record, record_len);
  g_free (record);

  kak = unlock (fixture, PIN, NULL, &error);
  g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_CORRUPT_HANDLE);
  g_clear_error (&error);
  after = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (enr_key_handle_get_attempts_left (after), ==, ENR_KEY_HANDLE_MAX_ATTEMPTS);
}

/* The stored secret holds no 8 bytes in a row of the private key. */
static void
test_no_key_in_secret (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) created = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GError) error = NULL;
  gnutls_x509_privkey_t key;
  gnutls_datum_t der;
  gnutls_datum_t parts[3] = { { NULL, 0 } };
  const guint8 *secret;
  gsize secret_len = 0;

  g_assert_true (set_refresh_token (fixture, "refresh-token-1", &error));
  created = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);
  value = secret_password_lookup_binary_sync (enr_keyring_get_schema (), NULL, &error,
                                              "citizen-id", CITIZEN_ID,
                                              "service-url", fixture->service_url, NULL);
  g_assert_no_error (error);
  g_assert_nonnull (value);
  secret = (const guint8 *) secret_value_get (value, &secret_len);
  g_assert_cmpuint (secret_len, >, 1200);

  pkcs8 = enr_kak_export_pkcs8 (fixture->kak, &error);
  g_assert_no_error (error);
  der.data = (unsigned char *) g_bytes_get_data (pkcs8, NULL);
  der.size = g_bytes_get_size (pkcs8);
  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_import_pkcs8 (key, &der, GNUTLS_X509_FMT_DER, NULL,
                                                     GNUTLS_PKCS_PLAIN), ==, 0);
  /* p, q, d */
  g_assert_cmpint (gnutls_x509_privkey_export_rsa_raw2 (key, NULL, NULL, &parts[2], &parts[0],
                                                        &parts[1], NULL, NULL, NULL), ==, 0);
  gnutls_x509_privkey_deinit (key);

  for (guint k = 0; k < 4; k++)
    {
      const guint8 *needle = k == 3 ? der.data : parts[k].data;
      gsize needle_len = k == 3 ? der.size : parts[k].size;

      g_assert_cmpuint (needle_len, >=, 128);
      for (gsize i = 0; i + 8 <= needle_len; i++)
        for (gsize j = 0; j + 8 <= secret_len; j++)
          g_assert_false (memcmp (secret + j, needle + i, 8) == 0);
    }
  for (guint k = 0; k < 3; k++)
    {
      gnutls_memset (parts[k].data, 0, parts[k].size);
      gnutls_free (parts[k].data);
    }
}

static void
test_wipe (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) created = NULL;
  g_autoptr(EnrKeyHandle) found = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (set_refresh_token (fixture, "refresh-token-1", &error));
  created = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);
  enr_key_store_wipe (fixture->store);
  found = lookup (fixture, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND);
}

static void
test_no_keyring (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) created = NULL;
  g_autoptr(EnrKeyHandle) found = NULL;
  g_autoptr(GError) error = NULL;

  created = create (fixture, "device-1", PIN, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NO_KEYRING);
  g_clear_error (&error);
  found = lookup (fixture, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NO_KEYRING);
  g_clear_error (&error);
  g_assert_false (set_refresh_token (fixture, "token", &error));
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NO_KEYRING);
}

static void
lock_default_collection (void)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) error = NULL;
  GList *objects;

  service = secret_service_get_sync (SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  objects = g_list_prepend (NULL, collection);
  secret_service_lock_sync (service, objects, NULL, NULL, &error);
  g_list_free (objects);
  g_assert_no_error (error);
  g_assert_true (secret_collection_get_locked (collection));
}

/* A keyring that is locked and cannot be unlocked here (no prompt can
 * show): a clear error, not a hang or a crash. */
static void
test_locked_keyring (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) created = NULL;
  g_autoptr(EnrKeyHandle) found = NULL;
  g_autoptr(GError) error = NULL;

  created = create (fixture, "device-1", PIN, &error);
  g_assert_no_error (error);
  lock_default_collection ();

  found = lookup (fixture, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_KEYRING_LOCKED);
  g_clear_error (&error);
  g_assert_false (set_refresh_token (fixture, "token", &error));
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_KEYRING_LOCKED);
}

int
main (int   argc,
      char *argv[])
{
  const char *keyring = g_getenv ("ENR_TEST_KEYRING");
  struct { const char *name; EnrKeyStoreMode mode; gboolean wanted; } scenarios[] = {
    { "keyring", ENR_KEY_STORE_KEYRING,
      g_strcmp0 (keyring, "gnome-keyring") == 0 || g_strcmp0 (keyring, "file") == 0 },
    { "ephemeral", ENR_KEY_STORE_EPHEMERAL,
      keyring == NULL || g_strcmp0 (keyring, "gnome-keyring") == 0 },
  };
  struct { const char *name; TestFunc func; gboolean keyring_only; } tests[] = {
    { "create-lookup", test_create_lookup, FALSE },
    { "unlock", test_unlock, FALSE },
    { "lockout", test_lockout, FALSE },
    { "right-pin-resets", test_right_pin_resets, FALSE },
    { "change-pin", test_change_pin, FALSE },
    { "refresh-token", test_refresh_token, FALSE },
    { "one-per-citizen", test_one_per_citizen, FALSE },
    { "services-apart", test_services_apart, FALSE },
    { "corrupt-record", test_corrupt_record, TRUE },
    { "truncated-blob", test_truncated_blob, TRUE },
    { "no-key-in-secret", test_no_key_in_secret, TRUE },
  };

  g_test_init (&argc, &argv, NULL);
  gnutls_global_init ();

  for (guint s = 0; s < G_N_ELEMENTS (scenarios); s++)
    {
      if (!scenarios[s].wanted)
        continue;
      for (guint t = 0; t < G_N_ELEMENTS (tests); t++)
        {
          g_autofree char *path = NULL;

          if (tests[t].keyring_only && scenarios[s].mode != ENR_KEY_STORE_KEYRING)
            continue;
          path = g_strdup_printf ("/key-store/%s/%s", scenarios[s].name, tests[t].name);
          g_test_add (path, Fixture, GINT_TO_POINTER (scenarios[s].mode), fixture_set_up,
                      tests[t].func, fixture_tear_down);
        }
    }
  if (scenarios[1].wanted)
    g_test_add ("/key-store/ephemeral/wipe", Fixture, GINT_TO_POINTER (ENR_KEY_STORE_EPHEMERAL),
                fixture_set_up, test_wipe, fixture_tear_down);
  if (g_strcmp0 (keyring, "no-keyring") == 0)
    g_test_add ("/key-store/no-keyring", Fixture, GINT_TO_POINTER (ENR_KEY_STORE_KEYRING),
                fixture_set_up, test_no_keyring, fixture_tear_down);
  if (g_strcmp0 (keyring, "locked-keyring") == 0)
    g_test_add ("/key-store/locked-keyring", Fixture, GINT_TO_POINTER (ENR_KEY_STORE_KEYRING),
                fixture_set_up, test_locked_keyring, fixture_tear_down);

  return g_test_run ();
}
