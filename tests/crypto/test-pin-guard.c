/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pin-guard"

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "enr-crypto-error.h"
#include "enr-key-wrap.h"
#include "enr-pin-guard.h"

/*
 * The PIN guard's derivations exactly as PROTOCOL.md writes them. The
 * expected values were computed apart from this program, with Python's
 * hashlib and hmac:
 *
 *   st = pbkdf2_hmac('sha256', b'246810', bytes(range(16)), 1000, 32)
 *   hmac(st, b'SmartCA PIN verifier v1'), hmac(st, b'SmartCA PIN key v1'),
 *   hmac(b'\xa5' * 32, b'SmartCA KAK wrap v1' + pinKey)
 */
#define PIN "246810"
#define ITERATIONS 1000
#define VERIFIER "f6c37b28332d417dd67dabd3066e4223780e6da690abf7679382009cf8d311dc"
#define PIN_KEY  "1c31cdd1cd0f74be3104473db039b76ed1720cf7d1f42bd4020aec030ad3bf10"
#define WRAP_KEY "51a6a5d2d0536e49f82ddab6e37da419f2333ef1019827f393f5aad4b60e4fb1"

static char *
hex (GBytes *bytes)
{
  GString *out = g_string_new (NULL);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (out, "%02x", data[i]);
  return g_string_free (out, FALSE);
}

static GBytes *
test_salt (void)
{
  guint8 salt[16];

  for (guint i = 0; i < sizeof salt; i++)
    salt[i] = i;
  return g_bytes_new (salt, sizeof salt);
}

static GBytes *
filled (guint8 value)
{
  guint8 data[32];

  memset (data, value, sizeof data);
  return g_bytes_new (data, sizeof data);
}

static void
test_known_answers (void)
{
  g_autoptr(GBytes) salt = test_salt ();
  g_autoptr(GBytes) share = filled (0xa5);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrPinGuardKeys) keys = NULL;
  g_autoptr(GBytes) verifier = NULL;
  g_autoptr(GBytes) pin_key = NULL;
  g_autoptr(GBytes) wrap_key = NULL;
  g_autofree char *verifier_hex = NULL;
  g_autofree char *pin_key_hex = NULL;
  g_autofree char *wrap_key_hex = NULL;

  keys = enr_pin_guard_derive (PIN, salt, ITERATIONS, &error);
  g_assert_no_error (error);
  verifier = enr_pin_guard_keys_get_verifier (keys);
  pin_key = enr_pin_guard_keys_get_pin_key (keys);
  wrap_key = enr_pin_guard_wrap_key (share, pin_key);
  verifier_hex = hex (verifier);
  pin_key_hex = hex (pin_key);
  wrap_key_hex = hex (wrap_key);
  g_assert_cmpstr (verifier_hex, ==, VERIFIER);
  g_assert_cmpstr (pin_key_hex, ==, PIN_KEY);
  g_assert_cmpstr (wrap_key_hex, ==, WRAP_KEY);
  g_assert_cmpuint (enr_pin_guard_keys_get_iterations (keys), ==, ITERATIONS);
}

static void
test_bad_parameters (void)
{
  g_autoptr(GBytes) short_salt = g_bytes_new_static ("0123456789", 10);
  g_autoptr(GBytes) salt = test_salt ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) zero_error = NULL;
  EnrPinGuardKeys *keys;

  keys = enr_pin_guard_derive (PIN, short_salt, ITERATIONS, &error);
  g_assert_null (keys);
  g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_CORRUPT_HANDLE);
  keys = enr_pin_guard_derive (PIN, salt, 0, &zero_error);
  g_assert_null (keys);
  g_assert_error (zero_error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_CORRUPT_HANDLE);
}

/* The KAK opens only with both the PIN's key and SmartCA's share, and only
 * for the credential and device it was sealed for. */
static void
test_seal_needs_share_and_pin (void)
{
  g_autoptr(GBytes) salt = enr_pin_guard_new_salt ();
  g_autoptr(GBytes) share = filled (0x5a);
  g_autoptr(GBytes) other_share = filled (0x5b);
  g_autoptr(GBytes) secret = g_bytes_new_static ("the KAK's PKCS#8 stands here", 28);
  g_autoptr(EnrPinGuardKeys) keys = NULL;
  g_autoptr(EnrPinGuardKeys) wrong = NULL;
  g_autoptr(GBytes) pin_key = NULL;
  g_autoptr(GBytes) wrong_key = NULL;
  g_autoptr(GBytes) wrapping = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GError) error = NULL;
  struct { GBytes **key; GBytes **share; const char *credential; const char *device; } refused[] = {
    { &wrong_key, &share, "credential-1", "device-1" },
    { &pin_key, &other_share, "credential-1", "device-1" },
    { &pin_key, &share, "credential-2", "device-1" },
    { &pin_key, &share, "credential-1", "device-2" },
    /* The NUL between them: "credential-1" + "device-1" is not "credential-1d" + "evice-1". */
    { &pin_key, &share, "credential-1d", "evice-1" },
  };

  keys = enr_pin_guard_derive (PIN, salt, ITERATIONS, &error);
  g_assert_no_error (error);
  wrong = enr_pin_guard_derive ("246811", salt, ITERATIONS, &error);
  g_assert_no_error (error);
  pin_key = enr_pin_guard_keys_get_pin_key (keys);
  wrong_key = enr_pin_guard_keys_get_pin_key (wrong);

  wrapping = enr_pin_guard_seal (secret, pin_key, share, "credential-1", "device-1", &error);
  g_assert_no_error (error);
  opened = enr_pin_guard_open (wrapping, pin_key, share, "credential-1", "device-1", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, secret));

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) refusal = NULL;
      g_autoptr(GBytes) none = NULL;

      none = enr_pin_guard_open (wrapping, *refused[i].key, *refused[i].share,
                                 refused[i].credential, refused[i].device, &refusal);
      g_assert_null (none);
      g_assert_error (refusal, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_WRONG_PIN);
    }
}

static void
derived_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The async form runs in a thread and gives the same keys. */
static void
test_async (void)
{
  g_autoptr(GBytes) salt = test_salt ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(EnrPinGuardKeys) keys = NULL;
  g_autoptr(GBytes) verifier = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *verifier_hex = NULL;

  enr_pin_guard_derive_async (PIN, salt, ITERATIONS, NULL, derived_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  keys = enr_pin_guard_derive_finish (result, &error);
  g_assert_no_error (error);
  verifier = enr_pin_guard_keys_get_verifier (keys);
  verifier_hex = hex (verifier);
  g_assert_cmpstr (verifier_hex, ==, VERIFIER);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pin-guard/known-answers", test_known_answers);
  g_test_add_func ("/pin-guard/bad-parameters", test_bad_parameters);
  g_test_add_func ("/pin-guard/seal-needs-share-and-pin", test_seal_needs_share_and_pin);
  g_test_add_func ("/pin-guard/async", test_async);

  return g_test_run ();
}
