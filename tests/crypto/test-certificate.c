/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-certificate"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>

#include "enr-certificate.h"
#include "enr-crypto-error.h"
#include "test-pki.h"
#include "enr-test-files.h"

#define CITIZEN_ID "001093000001"
#define FULL_NAME "Nguyễn Văn An"

typedef struct
{
  char           *dir;
  TestPki        *pki;
  EnrCertificate *cert;
  GPtrArray      *chain;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  TestSubject subject = { CITIZEN_ID, FULL_NAME, "Thành phố Hà Nội", "Phường Ba Đình", 0, 0 };
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-certificate-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->pki = test_pki_new (fixture->dir, &subject);
  der = test_pki_der (fixture->pki->leaf);
  fixture->cert = enr_certificate_new_from_der (der, &error);
  g_assert_no_error (error);
  fixture->chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (fixture->chain, test_pki_der (fixture->pki->issuing));
  g_ptr_array_add (fixture->chain, test_pki_der (fixture->pki->root));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  enr_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  test_pki_free (fixture->pki);
  g_clear_object (&fixture->cert);
  g_ptr_array_unref (fixture->chain);
}

static char *
openssl_x509 (Fixture    *fixture,
              const char *option)
{
  g_autofree char *pem = enr_certificate_to_pem (fixture->cert);
  g_autofree char *path = g_build_filename (fixture->dir, "leaf.pem", NULL);
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status;

  g_file_set_contents (path, pem, -1, &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char *[]) { (char *) "openssl", (char *) "x509", (char *) "-noout",
                                   (char *) option, (char *) "-in", path, NULL },
                NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_strstrip (out);
  return out;
}

/* What the certificate page shows, read in UTF-8 and checked against openssl. */
static void
test_fields (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *serial = openssl_x509 (fixture, "-serial");
  g_autofree char *fingerprint = openssl_x509 (fixture, "-fingerprint");
  GDateTime *not_before = enr_certificate_get_not_before (fixture->cert);
  GDateTime *not_after = enr_certificate_get_not_after (fixture->cert);

  g_assert_cmpstr (enr_certificate_get_country (fixture->cert), ==, "VN");
  g_assert_cmpstr (enr_certificate_get_province (fixture->cert), ==, "Thành phố Hà Nội");
  g_assert_cmpstr (enr_certificate_get_locality (fixture->cert), ==, "Phường Ba Đình");
  g_assert_cmpstr (enr_certificate_get_common_name (fixture->cert), ==, FULL_NAME);
  g_assert_cmpstr (enr_certificate_get_uid (fixture->cert), ==, "CCCD:" CITIZEN_ID);
  g_assert_nonnull (strstr (enr_certificate_get_subject (fixture->cert), "CN=" FULL_NAME));
  g_assert_cmpstr (enr_certificate_get_issuer_common_name (fixture->cert), ==, "SmartCA Test RS");
  g_assert_nonnull (strstr (enr_certificate_get_issuer (fixture->cert), "CN=SmartCA Test RS"));

  /* openssl: "serial=37AD…", "SHA1 Fingerprint=…" (sha256 asked below). */
  g_assert_cmpstr (enr_certificate_get_serial (fixture->cert), ==, serial + strlen ("serial="));
  g_assert_cmpuint (strlen (enr_certificate_get_serial (fixture->cert)), ==, 32);
  g_assert_nonnull (fingerprint);
  g_assert_cmpuint (strlen (enr_certificate_get_fingerprint (fixture->cert)), ==, 32 * 3 - 1);

  g_assert_cmpint (g_date_time_compare (not_before, not_after), <, 0);
  g_assert_cmpint (g_date_time_to_unix (not_after) - g_date_time_to_unix (not_before), >,
                   364 * 86400);
}

static void
test_fingerprint_openssl (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autofree char *out = NULL;
  g_autofree char *pem = enr_certificate_to_pem (fixture->cert);
  g_autofree char *path = g_build_filename (fixture->dir, "leaf.pem", NULL);
  g_autoptr(GError) error = NULL;
  int status;

  g_file_set_contents (path, pem, -1, &error);
  g_spawn_sync (NULL, (char *[]) { (char *) "openssl", (char *) "x509", (char *) "-noout",
                                   (char *) "-fingerprint", (char *) "-sha256", (char *) "-in",
                                   path, NULL },
                NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_strstrip (out);
  g_assert_cmpstr (strchr (out, '=') + 1, ==, enr_certificate_get_fingerprint (fixture->cert));
}

static void
test_export (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *pem = enr_certificate_to_pem (fixture->cert);
  g_autoptr(GBytes) der = enr_certificate_get_der (fixture->cert);
  g_autoptr(GBytes) original = test_pki_der (fixture->pki->leaf);
  g_autoptr(EnrCertificate) from_pem = NULL;
  g_autoptr(GBytes) der_again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----\n"));
  g_assert_true (g_bytes_equal (der, original));
  from_pem = enr_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  der_again = enr_certificate_get_der (from_pem);
  g_assert_true (g_bytes_equal (der, der_again));
}

static void
test_verify (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) issuing_only = g_ptr_array_new ();

  g_assert_true (enr_certificate_verify (fixture->cert, fixture->chain,
                                         fixture->pki->root_pem_path, CITIZEN_ID, NULL, &error));
  g_assert_no_error (error);

  /* SmartCA may send the issuing CA only. */
  g_ptr_array_add (issuing_only, g_ptr_array_index (fixture->chain, 0));
  g_assert_true (enr_certificate_verify (fixture->cert, issuing_only,
                                         fixture->pki->root_pem_path, CITIZEN_ID, NULL, &error));
  g_assert_no_error (error);
}

static void
assert_verify_fails (Fixture        *fixture,
                     EnrCertificate *cert,
                     GPtrArray      *chain,
                     const char     *anchor,
                     const char     *citizen_id,
                     GDateTime      *now,
                     EnrCryptoError  code)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (enr_certificate_verify (cert, chain, anchor, citizen_id, now, &error));
  g_assert_error (error, ENR_CRYPTO_ERROR, (gint) code);
}

static void
test_refusals (Fixture       *fixture,
               gconstpointer  user_data)
{
  TestSubject same = { CITIZEN_ID, FULL_NAME, NULL, NULL, 0, 0 };
  g_autofree char *other_dir = g_build_filename (fixture->dir, "other", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.pem", NULL);
  g_autoptr(TestPki) other = NULL;
  GDateTime *not_after = enr_certificate_get_not_after (fixture->cert);
  GDateTime *not_before = enr_certificate_get_not_before (fixture->cert);
  g_autoptr(GDateTime) later = g_date_time_add_years (not_after, 1);
  g_autoptr(GDateTime) earlier = g_date_time_add_days (not_before, -1);

  assert_verify_fails (fixture, fixture->cert, fixture->chain, fixture->pki->root_pem_path,
                       "079200000002", NULL, ENR_CRYPTO_ERROR_CERT_WRONG_PERSON);
  assert_verify_fails (fixture, fixture->cert, fixture->chain, missing, CITIZEN_ID, NULL,
                       ENR_CRYPTO_ERROR_NO_TRUST_ANCHOR);
  /* Without the issuing CA, the chain does not reach the root. */
  assert_verify_fails (fixture, fixture->cert, NULL, fixture->pki->root_pem_path, CITIZEN_ID,
                       NULL, ENR_CRYPTO_ERROR_CERT_UNTRUSTED);
  assert_verify_fails (fixture, fixture->cert, fixture->chain, fixture->pki->root_pem_path,
                       CITIZEN_ID, later, ENR_CRYPTO_ERROR_CERT_EXPIRED);
  assert_verify_fails (fixture, fixture->cert, fixture->chain, fixture->pki->root_pem_path,
                       CITIZEN_ID, earlier, ENR_CRYPTO_ERROR_CERT_NOT_YET_VALID);

  /* The same name from a CA this computer does not trust. */
  g_assert_cmpint (g_mkdir (other_dir, 0700), ==, 0);
  other = test_pki_new (other_dir, &same);
  assert_verify_fails (fixture, fixture->cert, fixture->chain, other->root_pem_path, CITIZEN_ID,
                       NULL, ENR_CRYPTO_ERROR_CERT_UNTRUSTED);
  {
    g_autofree char *root = g_build_filename (other_dir, "root.pem", NULL);

    g_unlink (root);
    g_rmdir (other_dir);
  }
}

static void
test_expired_now (Fixture       *fixture,
                  gconstpointer  user_data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  TestSubject expired = { CITIZEN_ID, FULL_NAME, NULL, NULL, now - 400 * 86400, now - 35 * 86400 };
  TestSubject future = { CITIZEN_ID, FULL_NAME, NULL, NULL, now + 86400, now + 400 * 86400 };
  const TestSubject *subjects[] = { &expired, &future };
  EnrCryptoError codes[] = { ENR_CRYPTO_ERROR_CERT_EXPIRED, ENR_CRYPTO_ERROR_CERT_NOT_YET_VALID };

  for (guint i = 0; i < G_N_ELEMENTS (subjects); i++)
    {
      gnutls_x509_privkey_t key;
      gnutls_x509_crt_t crt;
      g_autoptr(GBytes) der = NULL;
      g_autoptr(EnrCertificate) cert = NULL;
      g_autoptr(GError) error = NULL;

      test_pki_issue (fixture->pki, subjects[i], &key, &crt);
      der = test_pki_der (crt);
      cert = enr_certificate_new_from_der (der, &error);
      g_assert_no_error (error);
      /* With the wall clock, as the certificate page checks it. */
      assert_verify_fails (fixture, cert, fixture->chain, fixture->pki->root_pem_path, CITIZEN_ID,
                           NULL, codes[i]);
      gnutls_x509_crt_deinit (crt);
      gnutls_x509_privkey_deinit (key);
    }
}

static void
test_not_for_signing (Fixture       *fixture,
                      gconstpointer  user_data)
{
  g_autoptr(GBytes) issuing = test_pki_der (fixture->pki->issuing);
  g_autoptr(EnrCertificate) ca = NULL;
  g_autoptr(GError) error = NULL;

  ca = enr_certificate_new_from_der (issuing, &error);
  g_assert_no_error (error);
  assert_verify_fails (fixture, ca, NULL, fixture->pki->root_pem_path, NULL, NULL,
                       ENR_CRYPTO_ERROR_CERT_INVALID);
}

/* The subscriber profile of PROTOCOL.md: keyUsage digitalSignature and
 * nonRepudiation, issued by an issuing CA under the root. A web server's
 * certificate from the same root (the sandbox's TLS one is signed by the
 * root itself, for serverAuth) is never taken for a citizen's, even one
 * that names the citizen. */
static void
test_subscriber_profile (Fixture       *fixture,
                         gconstpointer  user_data)
{
  TestSubject same = { CITIZEN_ID, FULL_NAME, NULL, NULL, 0, 0 };
  struct { unsigned int usage; const char *purpose; gboolean by_root; } refused[] = {
    /* A TLS server certificate under the root. */
    { GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT, GNUTLS_KP_TLS_WWW_SERVER, TRUE },
    /* The subscriber's key usage, but straight from the root. */
    { GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION, NULL, TRUE },
    /* From the issuing CA, but for a web server. */
    { GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION, GNUTLS_KP_TLS_WWW_SERVER,
      FALSE },
    /* From the issuing CA, without nonRepudiation. */
    { GNUTLS_KEY_DIGITAL_SIGNATURE, NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      gnutls_x509_privkey_t key;
      gnutls_x509_crt_t crt;
      g_autoptr(GBytes) der = NULL;
      g_autoptr(EnrCertificate) cert = NULL;
      g_autoptr(GError) error = NULL;

      test_pki_issue_other (fixture->pki, &same, refused[i].usage, refused[i].purpose,
                            refused[i].by_root, &key, &crt);
      der = test_pki_der (crt);
      cert = enr_certificate_new_from_der (der, &error);
      g_assert_no_error (error);
      assert_verify_fails (fixture, cert, fixture->chain, fixture->pki->root_pem_path, CITIZEN_ID,
                           NULL, ENR_CRYPTO_ERROR_CERT_INVALID);
      gnutls_x509_crt_deinit (crt);
      gnutls_x509_privkey_deinit (key);
    }
}

static void
test_malformed (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GBytes) der = test_pki_der (fixture->pki->leaf);
  const guint8 *data = g_bytes_get_data (der, NULL);
  gsize len = g_bytes_get_size (der);

  for (gsize cut = 0; cut < len; cut += 7)
    {
      g_autoptr(GBytes) truncated = g_bytes_new (data, cut);
      g_autoptr(EnrCertificate) cert = NULL;
      g_autoptr(GError) error = NULL;

      cert = enr_certificate_new_from_der (truncated, &error);
      g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_CERT_INVALID);
      g_assert_null (cert);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (enr_certificate_new_from_pem ("-----BEGIN CERTIFICATE-----\nAAAA\n", -1,
                                                 &error));
    g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_CERT_INVALID);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gnutls_global_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/certificate/fields", test_fields);
  ADD ("/certificate/fingerprint-openssl", test_fingerprint_openssl);
  ADD ("/certificate/export", test_export);
  ADD ("/certificate/verify", test_verify);
  ADD ("/certificate/refusals", test_refusals);
  ADD ("/certificate/expired-now", test_expired_now);
  ADD ("/certificate/not-for-signing", test_not_for_signing);
  ADD ("/certificate/subscriber-profile", test_subscriber_profile);
  ADD ("/certificate/malformed", test_malformed);

#undef ADD

  return g_test_run ();
}
