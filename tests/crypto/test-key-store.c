/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-key-store"

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <libsecret/secret.h>

#include "enr-crypto-error.h"
#include "enr-kak.h"
#include "enr-key-handle-private.h"
#include "enr-key-store.h"
#include "enr-key-wrap.h"
#include "enr-keyring.h"
#include "enr-pin-guard.h"
#include "enr-sad-verify.h"
#include "enr-sad.h"
#include "enr-store-error.h"
#include "enr-test-keyring.h"

/*
 * Run through keyring-run.sh, which gives each run its own bus and
 * keyring: ENR_TEST_KEYRING says which (gnome-keyring, file, no-keyring,
 * locked-keyring). Without it, only the kiosk's memory store is tested.
 */

#define CITIZEN_ID "001093000001"
#define HANDLE_ID "4f1c8f4e-3b7e-4a0d-9a52-8c7f5e0d1a2b"
#define PIN "246810"
#define NEW_PIN "482913"
/* Tests wrap with a low count: the store's floor is lowered to it. */
#define TEST_ITERATIONS 2000

typedef struct
{
  EnrKeyStore     *store;
  EnrKak          *kak;
  char            *service_url;
  char            *handle_id;
  EnrPinGuardKeys *keys;        /* PIN's, with the fixture's salt */
  EnrPinGuardKeys *new_keys;    /* NEW_PIN's, the same salt */
  GBytes          *share;       /* what SmartCA would hand out */
} Fixture;

typedef void (*TestFunc) (Fixture      *fixture,
                          gconstpointer user_data);

static EnrKak *shared_kak;

static GBytes *
random_share (void)
{
  guint8 share[32];

  g_assert_cmpint (gnutls_rnd (GNUTLS_RND_NONCE, share, sizeof share), ==, 0);
  return g_bytes_new (share, sizeof share);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autofree char *path = g_strdelimit (g_strdup (g_test_get_path ()), "/", '-');
  g_autoptr(GBytes) salt = enr_pin_guard_new_salt ();
  g_autoptr(GError) error = NULL;

  fixture->store = enr_key_store_new (GPOINTER_TO_INT (user_data));
  enr_key_store_set_min_iterations (fixture->store, TEST_ITERATIONS);
  if (shared_kak == NULL)
    {
      shared_kak = enr_kak_generate (&error);
      g_assert_no_error (error);
    }
  fixture->kak = g_object_ref (shared_kak);
  /* One service per test: the tests share a keyring. */
  fixture->service_url = g_strconcat ("https://127.0.0.1:8443/smartca", path, NULL);
  fixture->handle_id = g_strdup (HANDLE_ID);
  fixture->keys = enr_pin_guard_derive (PIN, salt, TEST_ITERATIONS, &error);
  g_assert_no_error (error);
  fixture->new_keys = enr_pin_guard_derive (NEW_PIN, salt, TEST_ITERATIONS, &error);
  g_assert_no_error (error);
  fixture->share = random_share ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->kak);
  g_free (fixture->service_url);
  g_free (fixture->handle_id);
  enr_pin_guard_keys_free (fixture->keys);
  enr_pin_guard_keys_free (fixture->new_keys);
  g_bytes_unref (fixture->share);
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
create_with (Fixture          *fixture,
             const char       *device_id,
             EnrPinGuardKeys  *keys,
             GError          **error)
{
  EnrKeyHandleIds ids = { fixture->handle_id, fixture->service_url, CITIZEN_ID, "cred-1",
                          device_id };
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enr_key_store_create_async (fixture->store, &ids, fixture->kak, keys, fixture->share, NULL,
                              result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_create_finish (fixture->store, result, error);
}

static EnrKeyHandle *
create (Fixture     *fixture,
        const char  *device_id,
        GError     **error)
{
  return create_with (fixture, device_id, fixture->keys, error);
}

static EnrKeyHandle *
lookup (Fixture  *fixture,
        GError  **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enr_key_store_lookup_async (fixture->store, fixture->handle_id, fixture->service_url, NULL,
                              result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_lookup_finish (fixture->store, result, error);
}

/* The KAK, with the keys of a PIN and a share. */
static EnrKak *
open_with (Fixture          *fixture,
           EnrPinGuardKeys  *keys,
           GBytes           *share,
           GError          **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) pin_key = enr_pin_guard_keys_get_pin_key (keys);

  enr_key_store_open_async (fixture->store, fixture->handle_id, fixture->service_url, pin_key,
                            share, NULL, result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_open_finish (fixture->store, result, error);
}

static gboolean
add_pending (Fixture     *fixture,
             GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) old_key = enr_pin_guard_keys_get_pin_key (fixture->keys);
  g_autoptr(GBytes) new_key = enr_pin_guard_keys_get_pin_key (fixture->new_keys);

  enr_key_store_add_pending_async (fixture->store, fixture->handle_id, fixture->service_url,
                                   old_key, new_key, fixture->share, NULL, result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_add_pending_finish (fixture->store, result, error);
}

static gboolean
set_refresh_token (Fixture     *fixture,
                   const char  *token,
                   GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enr_key_store_set_refresh_token_async (fixture->store, fixture->handle_id,
                                         fixture->service_url, token, NULL, result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_set_refresh_token_finish (fixture->store, result, error);
}

static gboolean
set_profile (Fixture     *fixture,
             GBytes      *profile,
             GError     **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enr_key_store_set_profile_async (fixture->store, fixture->handle_id, fixture->service_url,
                                   CITIZEN_ID, profile, NULL, result_cb, &slot);
  result = wait_for (&slot);
  return enr_key_store_set_profile_finish (fixture->store, result, error);
}

static gboolean
remove_all (Fixture  *fixture,
            GError  **error)
{
  GAsyncResult *slot = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  enr_key_store_remove_async (fixture->store, fixture->handle_id, fixture->service_url, NULL,
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
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) fixture_salt = enr_pin_guard_keys_get_salt (fixture->keys);
  g_autoptr(GBytes) public_key = enr_kak_get_public_key (fixture->kak);
  g_autoptr(GBytes) expected = enr_key_handle_compute_key_id (public_key);
  g_autoptr(GError) error = NULL;

  found = lookup (fixture, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  created = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  found = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enr_key_handle_get_handle_id (found), ==, HANDLE_ID);
  g_assert_cmpstr (enr_key_handle_get_service_url (found), ==, fixture->service_url);
  g_assert_cmpstr (enr_key_handle_get_owner (found), ==, CITIZEN_ID);
  g_assert_cmpstr (enr_key_handle_get_credential_id (found), ==, "cred-1");
  g_assert_cmpstr (enr_key_handle_get_device_id (found), ==, "device-1");
  g_assert_true (enr_key_handle_has_key (found));
  g_assert_false (enr_key_handle_is_outdated (found));
  g_assert_false (enr_key_handle_has_pending (found));
  g_assert_cmpuint (enr_key_handle_get_iterations (found), ==, TEST_ITERATIONS);
  salt = enr_key_handle_get_salt (found);
  g_assert_true (g_bytes_equal (salt, fixture_salt));
  g_assert_null (enr_key_handle_get_refresh_token (found));
  key_id = enr_key_handle_get_key_id (found);
  g_assert_cmpuint (g_bytes_get_size (key_id), ==, 32);
  g_assert_true (g_bytes_equal (key_id, expected));
}

static void
test_open (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sad = NULL;
  g_autofree char *claims = NULL;
  EnrSadClaims sad_claims = { "device-1", "cred-1", "activation", "Y2hhbGxlbmdl", NULL, 0, 0 };

  handle = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  kak = open_with (fixture, fixture->keys, fixture->share, &error);
  g_assert_no_error (error);
  assert_same_key (kak, fixture->kak);

  /* The opened key signs a SAD its public half verifies. */
  sad = enr_sad_create (kak, &sad_claims, &error);
  g_assert_no_error (error);
  public_key = enr_kak_get_public_key (fixture->kak);
  claims = enr_sad_verify (sad, public_key, &error);
  g_assert_no_error (error);
}

/* The PIN alone does not open the key, nor the share alone: a share for a
 * PIN SmartCA accepted that opens nothing means the handle is not the one
 * the guard protects, never a wrong PIN (only SmartCA counts those). */
static void
test_open_needs_both (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GBytes) other_share = random_share ();
  g_autoptr(GError) error = NULL;

  handle = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  {
    g_autoptr(EnrKak) kak = open_with (fixture, fixture->keys, other_share, &error);

    g_assert_null (kak);
    g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_CORRUPT);
    g_clear_error (&error);
  }
  {
    g_autoptr(EnrKak) kak = open_with (fixture, fixture->new_keys, fixture->share, &error);

    g_assert_null (kak);
    g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_CORRUPT);
    g_clear_error (&error);
  }
  /* Nothing was counted or changed: the right pair still opens it. */
  {
    g_autoptr(EnrKak) kak = open_with (fixture, fixture->keys, fixture->share, &error);

    g_assert_no_error (error);
    g_assert_nonnull (kak);
  }
}

/* A change of PIN keeps both wrappings until an open says which PIN
 * SmartCA accepts; that open keeps its wrapping alone. */
static void
test_change_pin (Fixture       *fixture,
                 gconstpointer  user_data)
{
  gboolean went_through = GPOINTER_TO_INT (user_data) != 0;
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(EnrKeyHandle) pending = NULL;
  g_autoptr(EnrKeyHandle) settled = NULL;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(EnrKak) other = NULL;
  g_autoptr(GError) error = NULL;
  EnrPinGuardKeys *accepted = went_through ? fixture->new_keys : fixture->keys;
  EnrPinGuardKeys *refused = went_through ? fixture->keys : fixture->new_keys;

  handle = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  g_assert_true (set_refresh_token (fixture, "refresh-token-1", &error));

  g_assert_true (add_pending (fixture, &error));
  g_assert_no_error (error);
  pending = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_true (enr_key_handle_has_pending (pending));
  g_assert_cmpstr (enr_key_handle_get_refresh_token (pending), ==, "refresh-token-1");

  kak = open_with (fixture, accepted, fixture->share, &error);
  g_assert_no_error (error);
  assert_same_key (kak, fixture->kak);
  settled = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_false (enr_key_handle_has_pending (settled));

  other = open_with (fixture, refused, fixture->share, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_CORRUPT);
  g_assert_null (other);
}

static void
test_change_pin_old (Fixture       *fixture,
                     gconstpointer  user_data)
{
  test_change_pin (fixture, GINT_TO_POINTER (FALSE));
}

static void
test_change_pin_new (Fixture       *fixture,
                     gconstpointer  user_data)
{
  test_change_pin (fixture, GINT_TO_POINTER (TRUE));
}

/* A count below the store's floor (or above the ceiling) is refused as
 * damage whenever the handle is read. */
static void
test_iterations_checked (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(EnrKeyHandle) found = NULL;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GError) error = NULL;

  handle = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  enr_key_store_set_min_iterations (fixture->store, ENR_KEY_WRAP_MIN_ITERATIONS);
  found = lookup (fixture, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_CORRUPT);
  g_assert_null (found);
  g_clear_error (&error);
  kak = open_with (fixture, fixture->keys, fixture->share, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_CORRUPT);
  g_assert_null (kak);
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
  none = open_with (fixture, fixture->keys, fixture->share, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NO_KEY);
  g_clear_error (&error);

  /* Making the key keeps it; a rotated token replaces it. */
  with_key = create (fixture, "device-1", &error);
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

  /* Removed, it is gone whole. */
  g_assert_true (remove_all (fixture, &error));
  g_assert_no_error (error);
  g_clear_object (&forgotten);
  forgotten = lookup (fixture, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND);
}

static void
test_profile (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(GBytes) profile = g_bytes_new_static ("{\"version\":1,\"citizen_id\":\"x\"}", 31);
  g_autoptr(EnrKeyHandle) found = NULL;
  g_autoptr(EnrKeyHandle) with_key = NULL;
  g_autoptr(GBytes) kept = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (set_profile (fixture, profile, &error));
  g_assert_no_error (error);
  found = lookup (fixture, &error);
  g_assert_no_error (error);
  kept = enr_key_handle_get_profile (found);
  g_assert_true (g_bytes_equal (kept, profile));
  g_assert_cmpstr (enr_key_handle_get_owner (found), ==, CITIZEN_ID);
  g_clear_pointer (&kept, g_bytes_unref);

  /* A key made later keeps it. */
  with_key = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  kept = enr_key_handle_get_profile (with_key);
  g_assert_true (g_bytes_equal (kept, profile));
}

/* Operations run in the order they were asked for: a lookup asked for
 * right after a write, without waiting for it, reads what it wrote (as a
 * session made right after another reads the profile that one kept). Each
 * round is a new race between the two, so a store that only ran them one
 * at a time would lose some. */
static void
test_in_order (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"version\":1,\"round\":%u}", i);
      g_autoptr(GBytes) profile = g_bytes_new (text, strlen (text));
      GAsyncResult *set_slot = NULL, *lookup_slot = NULL;
      g_autoptr(GAsyncResult) set_result = NULL;
      g_autoptr(GAsyncResult) lookup_result = NULL;
      g_autoptr(EnrKeyHandle) found = NULL;
      g_autoptr(GBytes) kept = NULL;

      enr_key_store_set_profile_async (fixture->store, fixture->handle_id,
                                       fixture->service_url, CITIZEN_ID, profile, NULL,
                                       result_cb, &set_slot);
      enr_key_store_lookup_async (fixture->store, fixture->handle_id, fixture->service_url,
                                  NULL, result_cb, &lookup_slot);
      set_result = wait_for (&set_slot);
      g_assert_true (enr_key_store_set_profile_finish (fixture->store, set_result, &error));
      g_assert_no_error (error);
      lookup_result = wait_for (&lookup_slot);
      found = enr_key_store_lookup_finish (fixture->store, lookup_result, &error);
      g_assert_no_error (error);
      kept = enr_key_handle_get_profile (found);
      g_assert_nonnull (kept);
      g_assert_cmpmem (g_bytes_get_data (kept, NULL), g_bytes_get_size (kept), text,
                       strlen (text));
    }
}

/* The items at the fixture's service, whatever their handle. */
static GList *
items_at_service (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_password_search_sync (enr_keyring_get_schema (), SECRET_SEARCH_ALL, NULL,
                                       &error, "service-url", fixture->service_url, NULL);
  g_assert_no_error (error);
  return items;
}

static guint
count_items (Fixture *fixture)
{
  g_autolist(GObject) items = items_at_service (fixture);

  return g_list_length (items);
}

/* A new key for the citizen replaces their other handles at the service
 * (found by the owner inside each secret), whatever their handle ID. */
static void
test_one_per_citizen (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) first = NULL;
  g_autoptr(EnrKeyHandle) second = NULL;
  g_autoptr(EnrKeyHandle) found = NULL;
  g_autoptr(EnrKak) other = NULL;
  g_autoptr(EnrKak) opened = NULL;
  g_autoptr(GError) error = NULL;
  gboolean keyring = enr_key_store_get_mode (fixture->store) == ENR_KEY_STORE_KEYRING;

  g_assert_true (set_refresh_token (fixture, "refresh-token-1", &error));
  if (keyring)
    g_assert_cmpuint (count_items (fixture), ==, 1);
  first = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  if (keyring)
    g_assert_cmpuint (count_items (fixture), ==, 1);

  /* The same handle, a new device: replaced in place. */
  other = enr_kak_generate (&error);
  g_assert_no_error (error);
  g_set_object (&fixture->kak, other);
  second = create_with (fixture, "device-2", fixture->new_keys, &error);
  g_assert_no_error (error);
  if (keyring)
    g_assert_cmpuint (count_items (fixture), ==, 1);
  found = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enr_key_handle_get_device_id (found), ==, "device-2");
  g_assert_cmpstr (enr_key_handle_get_refresh_token (found), ==, "refresh-token-1");
  opened = open_with (fixture, fixture->new_keys, fixture->share, &error);
  g_assert_no_error (error);
  assert_same_key (opened, other);

  /* Another handle of the same citizen: the older one goes. */
  if (keyring)
    {
      g_autoptr(EnrKeyHandle) third = NULL;
      g_autoptr(EnrKeyHandle) gone = NULL;
      g_autofree char *old_id = g_steal_pointer (&fixture->handle_id);

      fixture->handle_id = g_uuid_string_random ();
      third = create (fixture, "device-3", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (count_items (fixture), ==, 1);
      g_free (fixture->handle_id);
      fixture->handle_id = g_steal_pointer (&old_id);
      gone = lookup (fixture, &error);
      g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND);
    }
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

  first = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  g_free (fixture->service_url);
  fixture->service_url = g_strconcat (first_url, "/other", NULL);
  second = create_with (fixture, "device-1", fixture->new_keys, &error);
  g_assert_no_error (error);

  kak = open_with (fixture, fixture->new_keys, fixture->share, &error);
  g_assert_no_error (error);
  g_clear_object (&kak);
  g_free (fixture->service_url);
  fixture->service_url = g_steal_pointer (&first_url);
  kak = open_with (fixture, fixture->keys, fixture->share, &error);
  g_assert_no_error (error);
}

/* gnome-keyring keeps attributes in clear: the item's are opaque, and its
 * label names no one. */
static void
test_opaque_attributes (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) created = NULL;
  g_autolist(GObject) items = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) profile = g_bytes_new_static ("{\"version\":1}", 13);
  GHashTableIter iter;
  gpointer name, value;

  g_assert_true (set_profile (fixture, profile, &error));
  created = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  items = items_at_service (fixture);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  attributes = secret_retrievable_get_attributes (items->data);
  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &name, &value))
    {
      g_assert_true (g_str_equal (name, "handle-id") || g_str_equal (name, "service-url") ||
                     g_str_equal (name, "xdg:schema"));
      g_assert_null (strstr (value, CITIZEN_ID));
      g_assert_null (strstr (value, "cred-1"));
      g_assert_null (strstr (value, "device-1"));
    }
  g_assert_cmpstr (g_hash_table_lookup (attributes, "handle-id"), ==, HANDLE_ID);
  {
    g_autofree char *label = secret_retrievable_get_label (items->data);

    g_assert_null (strstr (label, CITIZEN_ID));
  }
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
                                     "handle-id", fixture->handle_id,
                                     "service-url", fixture->service_url,
                                     NULL);
  g_assert_no_error (error);
}

static void
put_field (GByteArray *record,
           guint8      tag,
           const void *data,
           gsize       len)
{
  guint8 header[5] = { tag, len >> 24, len >> 16, len >> 8, len };

  g_byte_array_append (record, header, sizeof header);
  g_byte_array_append (record, data, len);
}

/* What a version before the PIN guard kept: an item named by the citizen
 * ID in clear, its record of version 1 with a wrong-PIN count and a KAK
 * wrapped under the PIN alone. */
static void
store_legacy (Fixture *fixture)
{
  static const guint8 header[16] = { 'E', 'N', 'R', 'H', 1, 2, 0, 0,
                                     0, 0, 0, 0, 0, 0, 0, 1 };
  g_autoptr(GByteArray) record = g_byte_array_new ();
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key_id[32] = { 0 };
  guint8 wrapped[120];

  memset (wrapped, 0x42, sizeof wrapped);
  memcpy (wrapped, "ENRK\1", 5);
  g_byte_array_append (record, header, sizeof header);
  put_field (record, 1, CITIZEN_ID, strlen (CITIZEN_ID));
  put_field (record, 2, fixture->service_url, strlen (fixture->service_url));
  put_field (record, 3, "cred-1", 6);
  put_field (record, 4, "device-1", 8);
  put_field (record, 5, key_id, sizeof key_id);
  put_field (record, 6, wrapped, sizeof wrapped);
  put_field (record, 7, "refresh-token-1", 15);
  value = secret_value_new ((const char *) record->data, record->len,
                            "application/octet-stream");
  secret_password_store_binary_sync (enr_keyring_get_legacy_schema (), SECRET_COLLECTION_DEFAULT,
                                     "old", value, NULL, &error,
                                     "citizen-id", CITIZEN_ID,
                                     "service-url", fixture->service_url,
                                     "credential-id", "cred-1",
                                     "device-id", "device-1",
                                     NULL);
  g_assert_no_error (error);
}

/* An item of a version before the PIN guard is brought up to date: the
 * same login under opaque attributes, its offline-searchable key dropped,
 * the old item gone. */
static void
test_migrate (Fixture       *fixture,
              gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) migrated = NULL;
  g_autoptr(EnrKeyHandle) found = NULL;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autolist(GObject) legacy = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *slot = NULL;

  store_legacy (fixture);
  enr_key_store_migrate_async (fixture->store, CITIZEN_ID, fixture->service_url,
                               fixture->handle_id, NULL, result_cb, &slot);
  result = wait_for (&slot);
  migrated = enr_key_store_migrate_finish (fixture->store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enr_key_handle_get_handle_id (migrated), ==, HANDLE_ID);
  g_assert_true (enr_key_handle_is_outdated (migrated));
  g_assert_false (enr_key_handle_has_key (migrated));

  found = lookup (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (enr_key_handle_get_refresh_token (found), ==, "refresh-token-1");
  g_assert_cmpstr (enr_key_handle_get_owner (found), ==, CITIZEN_ID);
  g_assert_cmpstr (enr_key_handle_get_credential_id (found), ==, "cred-1");
  g_assert_true (enr_key_handle_is_outdated (found));
  g_assert_cmpuint (enr_key_handle_get_record_version (found), ==, ENR_KEY_HANDLE_RECORD_VERSION);
  kak = open_with (fixture, fixture->keys, fixture->share, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_OUTDATED);
  g_clear_error (&error);

  legacy = secret_password_search_sync (enr_keyring_get_legacy_schema (), SECRET_SEARCH_ALL, NULL,
                                        &error, "citizen-id", CITIZEN_ID,
                                        "service-url", fixture->service_url, NULL);
  g_assert_no_error (error);
  g_assert_null (legacy);
  g_assert_cmpuint (count_items (fixture), ==, 1);

  /* A change of device gives it a key again. */
  {
    g_autoptr(EnrKeyHandle) linked = create (fixture, "device-2", &error);

    g_assert_no_error (error);
    g_assert_false (enr_key_handle_is_outdated (linked));
  }

  /* Nothing more to migrate. */
  {
    g_autoptr(EnrKeyHandle) none = NULL;
    g_autoptr(GAsyncResult) again = NULL;

    enr_key_store_migrate_async (fixture->store, CITIZEN_ID, fixture->service_url,
                                 fixture->handle_id, NULL, result_cb, &slot);
    again = wait_for (&slot);
    none = enr_key_store_migrate_finish (fixture->store, again, &error);
    g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NOT_FOUND);
  }
}

/* What the keyring holds is damaged: a clear error, and a new key can
 * still be made over it. */
static void
test_corrupt_record (Fixture       *fixture,
                     gconstpointer  user_data)
{
  const char *garbage[] = { "", "ENRH", "ENRH\2\0\0\0\0\0\0\0\0\0\0\0\7\0\0\1\0", "not a record" };

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
      kak = open_with (fixture, fixture->keys, fixture->share, &error);
      g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_CORRUPT);
    }

  {
    g_autoptr(EnrKeyHandle) created = NULL;
    g_autoptr(EnrKak) kak = NULL;
    g_autoptr(GError) error = NULL;

    created = create (fixture, "device-2", &error);
    g_assert_no_error (error);
    kak = open_with (fixture, fixture->keys, fixture->share, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (count_items (fixture), ==, 1);
  }
}

/* A record whose wrapped key is cut short: a clear error. */
static void
test_truncated_blob (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) created = NULL;
  g_autoptr(EnrKeyHandle) damaged = NULL;
  g_autoptr(GBytes) wrapped = NULL;
  g_autoptr(GBytes) cut = NULL;
  g_autoptr(EnrKak) kak = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *record;
  gsize record_len;

  created = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  wrapped = enr_key_handle_get_wrapping (created);
  cut = g_bytes_new (g_bytes_get_data (wrapped, NULL), g_bytes_get_size (wrapped) - 40);
  damaged = enr_key_handle_copy (created);
  enr_key_handle_set_wrapping (damaged, cut);
  record = enr_key_handle_serialize (damaged, &record_len);
  store_raw (fixture, record, record_len);
  g_free (record);

  kak = open_with (fixture, fixture->keys, fixture->share, &error);
  g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_CORRUPT_HANDLE);
}

static gboolean
has_window (const guint8 *haystack,
            gsize         haystack_len,
            const guint8 *needle,
            gsize         needle_len)
{
  for (gsize i = 0; i + 8 <= needle_len; i++)
    for (gsize j = 0; j + 8 <= haystack_len; j++)
      if (memcmp (haystack + j, needle + i, 8) == 0)
        return TRUE;
  return FALSE;
}

/* The stored secret holds no 8 bytes in a row of the private key, and
 * nothing a PIN could be tested against offline: not the verifier (which
 * the service compares), not pinKey, not the share. */
static void
test_no_key_in_secret (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(EnrKeyHandle) created = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GBytes) verifier = enr_pin_guard_keys_get_verifier (fixture->keys);
  g_autoptr(GBytes) pin_key = enr_pin_guard_keys_get_pin_key (fixture->keys);
  g_autoptr(GError) error = NULL;
  gnutls_x509_privkey_t key;
  gnutls_datum_t der;
  gnutls_datum_t parts[3] = { { NULL, 0 } };
  const guint8 *secret;
  gsize secret_len = 0;

  g_assert_true (set_refresh_token (fixture, "refresh-token-1", &error));
  created = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  value = secret_password_lookup_binary_sync (enr_keyring_get_schema (), NULL, &error,
                                              "handle-id", fixture->handle_id,
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
      g_assert_false (has_window (secret, secret_len, needle, needle_len));
    }
  g_assert_false (has_window (secret, secret_len, g_bytes_get_data (verifier, NULL), 32));
  g_assert_false (has_window (secret, secret_len, g_bytes_get_data (pin_key, NULL), 32));
  g_assert_false (has_window (secret, secret_len, g_bytes_get_data (fixture->share, NULL), 32));
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
  created = create (fixture, "device-1", &error);
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

  created = create (fixture, "device-1", &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NO_KEYRING);
  g_clear_error (&error);
  found = lookup (fixture, &error);
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NO_KEYRING);
  g_clear_error (&error);
  g_assert_false (set_refresh_token (fixture, "token", &error));
  g_assert_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_NO_KEYRING);
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

  created = create (fixture, "device-1", &error);
  g_assert_no_error (error);
  enr_test_lock_default_collection ();

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
    { "open", test_open, FALSE },
    { "open-needs-both", test_open_needs_both, FALSE },
    { "change-pin-refused", test_change_pin_old, FALSE },
    { "change-pin-accepted", test_change_pin_new, FALSE },
    { "iterations-checked", test_iterations_checked, FALSE },
    { "refresh-token", test_refresh_token, FALSE },
    { "profile", test_profile, FALSE },
    { "in-order", test_in_order, FALSE },
    { "one-per-citizen", test_one_per_citizen, FALSE },
    { "services-apart", test_services_apart, FALSE },
    { "opaque-attributes", test_opaque_attributes, TRUE },
    { "migrate", test_migrate, TRUE },
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
