/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-kak-sad"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <json-glib/json-glib.h>

#include "enr-base64url.h"
#include "enr-crypto-error.h"
#include "enr-jws.h"
#include "enr-kak.h"
#include "enr-sad-verify.h"
#include "enr-sad.h"
#include "enr-test-files.h"

typedef struct
{
  char   *dir;
  EnrKak *kak;
} Fixture;

static void
generated_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  EnrKak **kak = user_data;
  g_autoptr(GError) error = NULL;

  *kak = enr_kak_generate_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
tick_cb (gpointer user_data)
{
  guint *ticks = user_data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-kak-sad-XXXXXX", &error);
  g_assert_no_error (error);
  enr_kak_generate_async (NULL, generated_cb, &fixture->kak);
  while (fixture->kak == NULL)
    g_main_context_iteration (NULL, TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  enr_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_clear_object (&fixture->kak);
}

static char *
write_file (Fixture      *fixture,
            const char   *name,
            const void   *data,
            gsize         len)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

/* RSA-2048, e = 65537, as SubjectPublicKeyInfo DER; made off the main thread. */
static void
test_generate (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GBytes) spki = enr_kak_get_public_key (fixture->kak);
  g_autoptr(EnrKak) second = NULL;
  g_autoptr(GBytes) second_spki = NULL;
  gnutls_pubkey_t pubkey;
  gnutls_datum_t der = { (unsigned char *) g_bytes_get_data (spki, NULL),
                         (unsigned int) g_bytes_get_size (spki) };
  gnutls_datum_t m = { NULL, 0 };
  gnutls_datum_t e = { NULL, 0 };
  unsigned int bits = 0;
  guint ticks = 0;
  guint source;

  g_assert_cmpint (gnutls_pubkey_init (&pubkey), ==, 0);
  g_assert_cmpint (gnutls_pubkey_import (pubkey, &der, GNUTLS_X509_FMT_DER), ==, 0);
  g_assert_cmpint (gnutls_pubkey_get_pk_algorithm (pubkey, &bits), ==, GNUTLS_PK_RSA);
  g_assert_cmpuint (bits, ==, 2048);
  g_assert_cmpint (gnutls_pubkey_export_rsa_raw2 (pubkey, &m, &e, GNUTLS_EXPORT_FLAG_NO_LZ), ==, 0);
  g_assert_cmpmem (e.data, e.size, "\x01\x00\x01", 3);
  gnutls_free (m.data);
  gnutls_free (e.data);
  gnutls_pubkey_deinit (pubkey);

  source = g_timeout_add (5, tick_cb, &ticks);
  enr_kak_generate_async (NULL, generated_cb, &second);
  while (second == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (source);
  g_test_message ("the main loop ticked %u times while a key was made", ticks);
  second_spki = enr_kak_get_public_key (second);
  g_assert_false (g_bytes_equal (spki, second_spki));
}

static void
test_pkcs8_round_trip (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GBytes) spki = enr_kak_get_public_key (fixture->kak);
  g_autoptr(GBytes) spki_again = NULL;
  g_autoptr(EnrKak) again = NULL;
  g_autoptr(GError) error = NULL;

  pkcs8 = enr_kak_export_pkcs8 (fixture->kak, &error);
  g_assert_no_error (error);
  again = enr_kak_new_from_pkcs8 (g_bytes_get_data (pkcs8, NULL), g_bytes_get_size (pkcs8),
                                  &error);
  g_assert_no_error (error);
  spki_again = enr_kak_get_public_key (again);
  g_assert_true (g_bytes_equal (spki, spki_again));
}

static void
test_refuses_other_keys (Fixture       *fixture,
                         gconstpointer  user_data)
{
  struct { gnutls_pk_algorithm_t algorithm; unsigned int bits; } others[] = {
    { GNUTLS_PK_RSA, 1024 },
    { GNUTLS_PK_RSA, 3072 },
    { GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      gnutls_x509_privkey_t key;
      gnutls_datum_t der = { NULL, 0 };
      g_autoptr(EnrKak) kak = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
      g_assert_cmpint (gnutls_x509_privkey_generate2 (key, others[i].algorithm, others[i].bits, 0,
                                                      NULL, 0), ==, 0);
      g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_DER, NULL,
                                                          GNUTLS_PKCS_PLAIN, &der), ==, 0);
      kak = enr_kak_new_from_pkcs8 (der.data, der.size, &error);
      g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_BAD_KEY);
      g_assert_null (kak);
      gnutls_free (der.data);
      gnutls_x509_privkey_deinit (key);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(EnrKak) kak = enr_kak_new_from_pkcs8 ((const guint8 *) "\x30\x03\x02\x01\x00", 5,
                                                    &error);

    g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_CORRUPT_HANDLE);
    g_assert_null (kak);
  }
}

static void
test_wipe (Fixture       *fixture,
           gconstpointer  user_data)
{
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) export_error = NULL;

  g_assert_false (enr_kak_is_wiped (fixture->kak));
  enr_kak_wipe (fixture->kak);
  g_assert_true (enr_kak_is_wiped (fixture->kak));
  signature = enr_kak_sign (fixture->kak, (const guint8 *) "x", 1, &error);
  g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_KEY_WIPED);
  g_assert_null (signature);
  pkcs8 = enr_kak_export_pkcs8 (fixture->kak, &export_error);
  g_assert_error (export_error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_KEY_WIPED);
}

static char *
make_sad (Fixture    *fixture,
          const char *challenge)
{
  EnrSadClaims claims = {
    .device_id = "5f0c2a8e-6d55-4c4e-9d3b-0d2f3b7c1a10",
    .credential_id = "cred-\"quoted\"\\and\001control",
    .txn = "activation",
    .challenge = challenge,
  };
  g_autoptr(GError) error = NULL;
  char *sad = enr_sad_create (fixture->kak, &claims, &error);

  g_assert_no_error (error);
  return sad;
}

static void
test_sad_shape (Fixture       *fixture,
                gconstpointer  user_data)
{
  const char *challenge = "q2VX3Jr0l1wD8x4O2u5f0o9Yd1qk3Z6Qm7Pp0Jt3Aqs=";
  g_autofree char *sad = make_sad (fixture, challenge);
  g_autoptr(EnrJwsParts) parts = enr_jws_split (sad, -1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *claims;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_nonnull (parts);
  g_assert_cmpmem (g_bytes_get_data (parts->header, NULL), g_bytes_get_size (parts->header),
                   "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", 27);
  g_assert_cmpuint (g_bytes_get_size (parts->signature), ==, 256);

  json_parser_load_from_data (parser, g_bytes_get_data (parts->payload, NULL),
                              g_bytes_get_size (parts->payload), &error);
  g_assert_no_error (error);
  claims = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (claims, "iss"), ==,
                   "5f0c2a8e-6d55-4c4e-9d3b-0d2f3b7c1a10");
  g_assert_cmpstr (json_object_get_string_member (claims, "sub"), ==,
                   "cred-\"quoted\"\\and\001control");
  g_assert_cmpstr (json_object_get_string_member (claims, "aud"), ==, "smartca");
  g_assert_cmpstr (json_object_get_string_member (claims, "txn"), ==, "activation");
  g_assert_cmpstr (json_object_get_string_member (claims, "challenge"), ==, challenge);
  g_assert_cmpint (ABS (json_object_get_int_member (claims, "iat") - now), <=, 2);
  g_assert_cmpint (json_object_get_int_member (claims, "exp") -
                   json_object_get_int_member (claims, "iat"), ==, ENR_SAD_MAX_LIFETIME_S);
  /* PROTOCOL.md rev 2: "hashes" is always there, [] for an activation. */
  g_assert_true (json_object_has_member (claims, "hashes"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (claims, "hashes")), ==, 0);
}

/* A SAD names the hashes it approves, in the order given. */
static void
test_sad_hashes (Fixture       *fixture,
                 gconstpointer  user_data)
{
  const char *hashes[] = { "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
                           "LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=", NULL };
  EnrSadClaims claims = {
    .device_id = "device",
    .credential_id = "credential",
    .txn = "7d2c3f0a-0d1e-4c8a-9a5b-2f6e1b3c4d5e",
    .challenge = "Y2hhbGxlbmdl",
    .hashes = hashes,
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *sad = enr_sad_create (fixture->kak, &claims, &error);
  g_autoptr(EnrJwsParts) parts = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *listed;

  g_assert_no_error (error);
  parts = enr_jws_split (sad, -1);
  json_parser_load_from_data (parser, g_bytes_get_data (parts->payload, NULL),
                              g_bytes_get_size (parts->payload), &error);
  g_assert_no_error (error);
  listed = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "hashes");
  g_assert_cmpuint (json_array_get_length (listed), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (listed, 0), ==, hashes[0]);
  g_assert_cmpstr (json_array_get_string_element (listed, 1), ==, hashes[1]);
}

static void
test_sad_verify (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autofree char *sad = make_sad (fixture, "Y2hhbGxlbmdl");
  g_autoptr(GBytes) spki = enr_kak_get_public_key (fixture->kak);
  g_autoptr(GError) error = NULL;
  g_autofree char *claims = enr_sad_verify (sad, spki, &error);
  g_autoptr(EnrKak) other = NULL;
  g_autoptr(GBytes) other_spki = NULL;
  g_autofree char *forged = NULL;
  char *dot;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (claims, "\"txn\":\"activation\""));

  /* Another key's SAD, and a changed claim, are refused. */
  other = enr_kak_generate (&error);
  g_assert_no_error (error);
  other_spki = enr_kak_get_public_key (other);
  g_assert_null (enr_sad_verify (sad, other_spki, &error));
  g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_SAD_INVALID);
  g_clear_error (&error);

  forged = g_strdup (sad);
  dot = strchr (forged, '.');
  dot[5] = dot[5] == 'A' ? 'B' : 'A';
  g_assert_null (enr_sad_verify (forged, spki, &error));
  g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_SAD_INVALID);
}

/* Found by tests/fuzz/fuzz-sad.c: a SAD signed by the KAK with no claims
 * at all came back as NULL with no error to say why. */
static void
test_sad_verify_empty_claims (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GBytes) spki = enr_kak_get_public_key (fixture->kak);
  g_autoptr(GError) error = NULL;
  g_autofree char *input = enr_jws_signing_input ("{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
                                                  (const guint8 *) "", 0);
  g_autoptr(GBytes) signature = enr_kak_sign (fixture->kak, (const guint8 *) input,
                                              strlen (input), &error);
  g_autofree char *sad = NULL;

  g_assert_no_error (error);
  sad = enr_jws_join (input, g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  g_assert_null (enr_sad_verify (sad, spki, &error));
  g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_SAD_INVALID);
}

static gboolean
openssl_verifies (Fixture    *fixture,
                  const char *sad)
{
  g_autoptr(EnrJwsParts) parts = enr_jws_split (sad, -1);
  g_autoptr(GBytes) spki = enr_kak_get_public_key (fixture->kak);
  g_autofree char *spki_path = NULL;
  g_autofree char *pem_path = g_build_filename (fixture->dir, "kak.pem", NULL);
  g_autofree char *input_path = NULL;
  g_autofree char *sig_path = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (parts);
  spki_path = write_file (fixture, "kak.der", g_bytes_get_data (spki, NULL),
                          g_bytes_get_size (spki));
  input_path = write_file (fixture, "input.txt", parts->signing_input,
                           strlen (parts->signing_input));
  sig_path = write_file (fixture, "sig.bin", g_bytes_get_data (parts->signature, NULL),
                         g_bytes_get_size (parts->signature));

  g_spawn_sync (NULL, (char *[]) { (char *) "openssl", (char *) "pkey", (char *) "-pubin",
                                   (char *) "-inform", (char *) "DER", (char *) "-in", spki_path,
                                   (char *) "-out", pem_path, NULL },
                NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  g_spawn_sync (NULL, (char *[]) { (char *) "openssl", (char *) "dgst", (char *) "-sha256",
                                   (char *) "-verify", pem_path, (char *) "-signature", sig_path,
                                   input_path, NULL },
                NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_test_message ("openssl: %s", out);
  return g_spawn_check_wait_status (status, NULL) && g_str_has_prefix (out, "Verified OK");
}

/* An independent verifier, the openssl command line, accepts the SAD over
 * "header.claims", and refuses a changed one. */
static void
test_sad_openssl (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autofree char *sad = make_sad (fixture, "Y2hhbGxlbmdl");
  g_autofree char *forged = g_strdup (sad);
  char *dot = strrchr (forged, '.');

  g_assert_true (openssl_verifies (fixture, sad));
  /* A different claim in front of the same signature. */
  dot[-2] = dot[-2] == 'A' ? 'B' : 'A';
  g_assert_false (openssl_verifies (fixture, forged));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/kak/generate", test_generate);
  ADD ("/kak/pkcs8-round-trip", test_pkcs8_round_trip);
  ADD ("/kak/refuses-other-keys", test_refuses_other_keys);
  ADD ("/kak/wipe", test_wipe);
  ADD ("/sad/shape", test_sad_shape);
  ADD ("/sad/hashes", test_sad_hashes);
  ADD ("/sad/verify", test_sad_verify);
  ADD ("/sad/verify-empty-claims", test_sad_verify_empty_claims);
  ADD ("/sad/openssl", test_sad_openssl);

#undef ADD

  return g_test_run ();
}
