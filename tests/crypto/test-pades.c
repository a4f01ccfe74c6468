/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pades"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "enr-certificate.h"
#include "enr-cms.h"
#include "enr-crypto-error.h"
#include "enr-pades-sign.h"
#include "enr-pades.h"
#include "enr-pdf-signature-writer.h"
#include "enr-pdf-signature.h"
#include "test-pki.h"
#include "enr-test-files.h"
#include "enr-test-pdf.h"

#define CITIZEN_ID "001093000001"
#define FULL_NAME "Nguyễn Văn An"

typedef struct
{
  char           *dir;
  TestPki        *pki;
  GBytes         *original;     /* a PDF drawn with cairo, unsigned */
  GBytes         *prepared;     /* with the signature placeholder */
  EnrPdfSignature *placeholder;
  GBytes         *signed_pdf;
  GDateTime      *signing_time;
} Fixture;

/* A small record, as the sandbox draws its PDFs: cairo, one A4 page. */
static GBytes *
draw_pdf (const char *title)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;

  surface = enr_test_pdf_surface_new (out, 595, 842);
  cr = cairo_create (surface);
  cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 14);
  cairo_move_to (cr, 72, 100);
  cairo_show_text (cr, title);
  cairo_move_to (cr, 72, 130);
  cairo_show_text (cr, "Biên bản nghiệm thu — " FULL_NAME);
  cairo_show_page (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}

static GBytes *
sign_prepared (GBytes                *prepared,
               const EnrPdfSignature *placeholder,
               gnutls_x509_crt_t      signer,
               gnutls_privkey_t       key,
               TestPki               *pki)
{
  gnutls_x509_crt_t chain[] = { pki->issuing, pki->root };
  g_autoptr(GError) error = NULL;
  GBytes *signed_pdf;

  signed_pdf = enr_pades_sign (prepared, placeholder, signer, chain, G_N_ELEMENTS (chain), key,
                               &error);
  g_assert_no_error (error);
  g_assert_nonnull (signed_pdf);
  return signed_pdf;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  TestSubject subject = { CITIZEN_ID, FULL_NAME, NULL, NULL, 0, 0 };
  EnrPdfSignatureParams params = { 0 };
  EnrPdfSignatureStatus status;
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-pades-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->pki = test_pki_new (fixture->dir, &subject);
  fixture->original = draw_pdf ("SmartCA test record");
  fixture->signing_time = g_date_time_new_utc (2026, 11, 23, 10, 0, 0);

  params.signing_time = fixture->signing_time;
  params.signer_name = FULL_NAME;
  params.reason = "Xác nhận biên bản nghiệm thu";
  params.location = "Hà Nội";
  status = enr_pdf_signature_prepare (g_bytes_get_data (fixture->original, NULL),
                                      g_bytes_get_size (fixture->original), &params,
                                      &fixture->prepared, &fixture->placeholder);
  g_assert_cmpint (status, ==, ENR_PDF_SIGNATURE_OK);
  fixture->signed_pdf = sign_prepared (fixture->prepared, fixture->placeholder, fixture->pki->leaf,
                                       fixture->pki->leaf_privkey, fixture->pki);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  enr_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  test_pki_free (fixture->pki);
  g_bytes_unref (fixture->original);
  g_bytes_unref (fixture->prepared);
  enr_pdf_signature_free (fixture->placeholder);
  g_bytes_unref (fixture->signed_pdf);
  g_date_time_unref (fixture->signing_time);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            GBytes     *bytes)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return path;
}

static GBytes *
bytes_with (GBytes *bytes,
            gsize   offset,
            guint8  value)
{
  gsize len = g_bytes_get_size (bytes);
  guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);

  g_assert_cmpuint (offset, <, len);
  copy[offset] = value;
  return g_bytes_new_take (copy, len);
}

static void
approved_hash (Fixture *fixture,
               guint8   digest[32])
{
  g_autoptr(GError) error = NULL;

  g_assert_true (enr_pades_digest (fixture->prepared, fixture->placeholder, digest, &error));
  g_assert_no_error (error);
}

static EnrCertificate *
leaf_certificate (Fixture *fixture)
{
  g_autoptr(GBytes) der = test_pki_der (fixture->pki->leaf);
  g_autoptr(GError) error = NULL;
  EnrCertificate *cert = enr_certificate_new_from_der (der, &error);

  g_assert_no_error (error);
  return cert;
}

static void
test_prepare_structure (Fixture       *fixture,
                        gconstpointer  user_data)
{
  const guint8 *original;
  const guint8 *prepared;
  gsize original_len;
  gsize prepared_len;
  const EnrPdfSignature *p = fixture->placeholder;

  original = g_bytes_get_data (fixture->original, &original_len);
  prepared = g_bytes_get_data (fixture->prepared, &prepared_len);

  /* An incremental update: the original bytes stay as they are. */
  g_assert_cmpuint (prepared_len, >, original_len);
  g_assert_cmpmem (prepared, original_len, original, original_len);
  g_assert_cmpmem (prepared + prepared_len - 6, 6, "%%EOF\n", 6);

  /* /ByteRange: everything but /Contents, which is all zeros. */
  g_assert_cmpuint (p->byte_range[0], ==, 0);
  g_assert_cmpuint (p->byte_range[1], ==, p->contents_offset);
  g_assert_cmpuint (p->byte_range[2], ==, p->contents_offset + p->contents_length);
  g_assert_cmpuint (p->byte_range[2] + p->byte_range[3], ==, prepared_len);
  g_assert_cmpint (prepared[p->contents_offset], ==, '<');
  g_assert_cmpint (prepared[p->contents_offset + p->contents_length - 1], ==, '>');
  for (gsize i = 1; i + 1 < p->contents_length; i++)
    g_assert_cmpint (prepared[p->contents_offset + i], ==, '0');
  g_assert_cmpstr (p->sub_filter, ==, "ETSI.CAdES.detached");
}

static void
test_sign_same_length (Fixture       *fixture,
                       gconstpointer  user_data)
{
  const guint8 *prepared;
  const guint8 *signed_pdf;
  gsize len;
  gsize signed_len;
  const EnrPdfSignature *p = fixture->placeholder;

  prepared = g_bytes_get_data (fixture->prepared, &len);
  signed_pdf = g_bytes_get_data (fixture->signed_pdf, &signed_len);
  /* The placeholder filled in: same length, same bytes elsewhere. */
  g_assert_cmpuint (signed_len, ==, len);
  g_assert_cmpmem (signed_pdf, p->byte_range[1], prepared, p->byte_range[1]);
  g_assert_cmpmem (signed_pdf + p->byte_range[2], p->byte_range[3],
                   prepared + p->byte_range[2], p->byte_range[3]);
}

static void
test_verify_valid (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(EnrCertificate) leaf = leaf_certificate (fixture);
  g_autoptr(EnrPadesReport) report = NULL;
  g_autoptr(GError) error = NULL;
  guint8 digest[32];

  approved_hash (fixture, digest);
  report = enr_pades_verify (fixture->signed_pdf, digest, leaf, fixture->pki->root_pem_path,
                             &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpstr (report->signer_name, ==, FULL_NAME);
  g_assert_cmpstr (enr_certificate_get_uid (report->signer), ==, "CCCD:" CITIZEN_ID);
  g_assert_nonnull (report->signing_time);
  g_assert_true (g_date_time_equal (report->signing_time, fixture->signing_time));
  g_assert_cmpmem (report->digest, 32, digest, 32);
}

static void
verify_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  EnrPadesReport **report = user_data;
  g_autoptr(GError) error = NULL;

  *report = enr_pades_verify_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_verify_async (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(EnrPadesReport) report = NULL;
  guint8 digest[32];

  approved_hash (fixture, digest);
  enr_pades_verify_async (fixture->signed_pdf, digest, NULL, fixture->pki->root_pem_path, NULL,
                          verify_done_cb, &report);
  while (report == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (report->signer_name, ==, FULL_NAME);
}

static void
assert_refused (Fixture        *fixture,
                GBytes         *pdf,
                EnrCertificate *expected,
                const guint8   *hash,
                EnrCryptoError  code)
{
  g_autoptr(EnrPadesReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = enr_pades_verify (pdf, hash, expected, fixture->pki->root_pem_path, &error);
  g_assert_error (error, ENR_CRYPTO_ERROR, (gint) code);
  g_assert_null (report);
}

static void
test_tampered (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(EnrCertificate) leaf = leaf_certificate (fixture);
  const EnrPdfSignature *p = fixture->placeholder;
  const guint8 *data = g_bytes_get_data (fixture->signed_pdf, NULL);
  guint8 digest[32];
  gsize offsets[] = { 200, g_bytes_get_size (fixture->original) - 100, p->byte_range[2] + 5 };

  approved_hash (fixture, digest);
  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      g_autoptr(GBytes) tampered = bytes_with (fixture->signed_pdf, offsets[i],
                                               data[offsets[i]] ^ 0x01);

      assert_refused (fixture, tampered, leaf, digest, ENR_CRYPTO_ERROR_PDF_MODIFIED);
    }

  /* A byte of the RSA signature at the end of the CMS: it no longer verifies. */
  {
    g_autoptr(EnrPdfSignature) located = NULL;
    g_autoptr(GBytes) tampered = NULL;
    gsize offset;

    g_assert_cmpint (enr_pdf_signature_locate (data, g_bytes_get_size (fixture->signed_pdf),
                                               &located), ==, ENR_PDF_SIGNATURE_OK);
    offset = p->contents_offset + 1 + 2 * (g_bytes_get_size (located->contents) - 10);

    tampered = bytes_with (fixture->signed_pdf, offset, data[offset] == '0' ? '1' : '0');
    assert_refused (fixture, tampered, leaf, digest, ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE);
  }
}

static void
test_appended (Fixture       *fixture,
               gconstpointer  user_data)
{
  g_autoptr(GByteArray) longer = g_byte_array_new ();
  g_autoptr(GBytes) appended = NULL;
  const char *extra = "1 0 obj\n<< /Evil true >>\nendobj\n";

  g_byte_array_append (longer, g_bytes_get_data (fixture->signed_pdf, NULL),
                       g_bytes_get_size (fixture->signed_pdf));
  g_byte_array_append (longer, (const guint8 *) extra, strlen (extra));
  appended = g_byte_array_free_to_bytes (g_steal_pointer (&longer));
  assert_refused (fixture, appended, NULL, NULL, ENR_CRYPTO_ERROR_PDF_MODIFIED);
}

static void
test_wrong_hash (Fixture       *fixture,
                 gconstpointer  user_data)
{
  guint8 digest[32];

  approved_hash (fixture, digest);
  digest[0] ^= 0xff;
  assert_refused (fixture, fixture->signed_pdf, NULL, digest,
                  ENR_CRYPTO_ERROR_PDF_WRONG_DOCUMENT);
}

static void
test_other_signer (Fixture       *fixture,
                   gconstpointer  user_data)
{
  TestSubject other = { "079200000002", "Trần Thị Bình", NULL, NULL, 0, 0 };
  g_autoptr(EnrCertificate) leaf = leaf_certificate (fixture);
  g_autoptr(GBytes) by_other = NULL;
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_privkey_t privkey;
  guint8 digest[32];

  /* Another citizen's key, under the same trusted CA. */
  test_pki_issue (fixture->pki, &other, &key, &crt);
  g_assert_cmpint (gnutls_privkey_init (&privkey), ==, 0);
  g_assert_cmpint (gnutls_privkey_import_x509 (privkey, key, 0), ==, 0);
  by_other = sign_prepared (fixture->prepared, fixture->placeholder, crt, privkey, fixture->pki);
  approved_hash (fixture, digest);
  assert_refused (fixture, by_other, leaf, digest, ENR_CRYPTO_ERROR_PDF_WRONG_SIGNER);

  gnutls_privkey_deinit (privkey);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
}

static void
test_untrusted_signer (Fixture       *fixture,
                       gconstpointer  user_data)
{
  TestSubject same = { CITIZEN_ID, FULL_NAME, NULL, NULL, 0, 0 };
  g_autofree char *other_dir = g_build_filename (fixture->dir, "other", NULL);
  g_autoptr(TestPki) other = NULL;
  g_autoptr(GBytes) forged = NULL;

  /* The same name, from a CA nobody trusts. */
  g_assert_cmpint (g_mkdir (other_dir, 0700), ==, 0);
  other = test_pki_new (other_dir, &same);
  forged = sign_prepared (fixture->prepared, fixture->placeholder, other->leaf,
                          other->leaf_privkey, other);
  assert_refused (fixture, forged, NULL, NULL, ENR_CRYPTO_ERROR_CERT_UNTRUSTED);
}

static void
test_not_signed (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(GBytes) junk = g_bytes_new_static ("not a pdf", 9);

  assert_refused (fixture, fixture->original, NULL, NULL, ENR_CRYPTO_ERROR_PDF_NOT_SIGNED);
  assert_refused (fixture, junk, NULL, NULL, ENR_CRYPTO_ERROR_PDF_MALFORMED);
  /* Prepared but never filled: no CMS to read. */
  assert_refused (fixture, fixture->prepared, NULL, NULL, ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE);
}

/* Two signatures: the second update keeps the first field in the form. */
static void
test_second_signature (Fixture       *fixture,
                       gconstpointer  user_data)
{
  EnrPdfSignatureParams params = { fixture->signing_time, NULL, NULL, NULL, 8192 };
  g_autoptr(GBytes) prepared = NULL;
  g_autoptr(EnrPdfSignature) placeholder = NULL;
  g_autoptr(GBytes) signed_twice = NULL;
  g_autoptr(EnrPadesReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  int status;

  g_assert_cmpint (enr_pdf_signature_prepare (g_bytes_get_data (fixture->signed_pdf, NULL),
                                              g_bytes_get_size (fixture->signed_pdf), &params,
                                              &prepared, &placeholder), ==, ENR_PDF_SIGNATURE_OK);
  signed_twice = sign_prepared (prepared, placeholder, fixture->pki->leaf,
                                fixture->pki->leaf_privkey, fixture->pki);
  report = enr_pades_verify (signed_twice, NULL, NULL, fixture->pki->root_pem_path, &error);
  g_assert_no_error (error);

  /* poppler reads both signature fields. */
  path = write_file (fixture, "twice.pdf", signed_twice);
  g_spawn_sync (NULL, (char *[]) { (char *) "pdfsig", (char *) "-nocert", path, NULL }, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, "Signature #1"));
  g_assert_nonnull (strstr (out, "Signature #2"));
}

static gboolean
run (const char *const *argv,
     char              **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("%s: %s", argv[0], err);
  return g_spawn_check_wait_status (status, NULL);
}

/* Builds an NSS database that trusts the test root, for pdfsig. */
static char *
make_nss_db (Fixture *fixture)
{
  g_autofree char *db = g_build_filename (fixture->dir, "nssdb", NULL);
  g_autofree char *sql = g_strconcat ("sql:", db, NULL);

  g_assert_cmpint (g_mkdir (db, 0700), ==, 0);
  g_assert_true (run ((const char *[]) { "certutil", "-N", "-d", sql, "--empty-password", NULL },
                      NULL));
  g_assert_true (run ((const char *[]) { "certutil", "-A", "-d", sql, "-n", "test-root",
                                         "-t", "CT,C,C", "-i", fixture->pki->root_pem_path, NULL },
                      NULL));
  return g_steal_pointer (&sql);
}

static void
test_pdfsig (Fixture       *fixture,
             gconstpointer  user_data)
{
  g_autofree char *db = NULL;
  g_autofree char *path = NULL;
  g_autofree char *tampered_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *tampered_out = NULL;
  g_autoptr(GBytes) tampered = NULL;

  g_autofree char *pdfsig = g_find_program_in_path ("pdfsig");
  g_autofree char *certutil = g_find_program_in_path ("certutil");

  if (pdfsig == NULL || certutil == NULL)
    {
      g_test_skip ("pdfsig or certutil is not installed");
      return;
    }
  db = make_nss_db (fixture);
  path = write_file (fixture, "signed.pdf", fixture->signed_pdf);
  g_assert_true (run ((const char *[]) { "pdfsig", "-nssdir", db, path, NULL }, &out));
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Signature Validation: Signature is Valid."));
  g_assert_nonnull (strstr (out, "Certificate Validation: Certificate is Trusted."));
  g_assert_nonnull (strstr (out, "Signature Type: ETSI.CAdES.detached"));
  g_assert_nonnull (strstr (out, "Total document signed"));

  tampered = bytes_with (fixture->signed_pdf, 300,
                         ((const guint8 *) g_bytes_get_data (fixture->signed_pdf, NULL))[300] ^ 1);
  tampered_path = write_file (fixture, "tampered.pdf", tampered);
  run ((const char *[]) { "pdfsig", "-nssdir", db, tampered_path, NULL },
       &tampered_out);
  g_assert_null (strstr (tampered_out, "Signature Validation: Signature is Valid."));
}

/* OpenSSL, an independent CMS implementation, accepts the CMS over the
 * covered bytes, and sees the attributes PAdES B-B asks for. */
static void
test_openssl_cms (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(EnrPdfSignature) located = NULL;
  g_autoptr(GBytes) covered = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cms_path = NULL;
  g_autofree char *content_path = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *verified = NULL;

  g_assert_cmpint (enr_pdf_signature_locate (g_bytes_get_data (fixture->signed_pdf, NULL),
                                             g_bytes_get_size (fixture->signed_pdf), &located),
                   ==, ENR_PDF_SIGNATURE_OK);
  covered = enr_pades_covered_bytes (fixture->signed_pdf, located, &error);
  g_assert_no_error (error);
  cms_path = write_file (fixture, "sig.der", located->contents);
  content_path = write_file (fixture, "covered.bin", covered);

  g_assert_true (run ((const char *[]) { "openssl", "cms", "-verify", "-binary", "-inform", "DER",
                                         "-in", cms_path, "-content", content_path,
                                         "-CAfile", fixture->pki->root_pem_path,
                                         "-purpose", "any", "-out", "/dev/null", NULL },
                      &verified));
  g_assert_true (run ((const char *[]) { "openssl", "cms", "-cmsout", "-print", "-inform", "DER",
                                         "-in", cms_path, NULL }, &printed));
  g_assert_nonnull (strstr (printed, "contentType"));
  g_assert_nonnull (strstr (printed, "messageDigest"));
  g_assert_nonnull (strstr (printed, "id-smime-aa-signingCertificateV2"));
  g_assert_null (strstr (printed, "signingTime"));
}

/* Damaged files: every answer is an error or a result, never a crash. */
static void
test_mutations (Fixture       *fixture,
                gconstpointer  user_data)
{
  GRand *rand = g_rand_new_with_seed (4);
  gsize len = g_bytes_get_size (fixture->signed_pdf);
  EnrPdfSignatureParams params = { fixture->signing_time, NULL, NULL, NULL, 0 };

  for (guint round = 0; round < 300; round++)
    {
      g_autoptr(GBytes) mutated = NULL;
      g_autoptr(GBytes) prepared = NULL;
      g_autoptr(EnrPdfSignature) located = NULL;
      g_autoptr(EnrPdfSignature) placeholder = NULL;
      g_autoptr(EnrPadesReport) report = NULL;
      g_autoptr(GError) error = NULL;
      const guint8 *data = g_bytes_get_data (fixture->signed_pdf, NULL);

      if (round % 3 == 0)
        mutated = g_bytes_new (data, g_rand_int_range (rand, 0, (gint32) len));   /* cut short */
      else
        {
          gsize at = g_rand_int_range (rand, 0, (gint32) len);

          mutated = bytes_with (fixture->signed_pdf, at, (guint8) g_rand_int_range (rand, 0, 256));
        }
      enr_pdf_signature_locate (g_bytes_get_data (mutated, NULL), g_bytes_get_size (mutated),
                                &located);
      enr_pdf_signature_prepare (g_bytes_get_data (mutated, NULL), g_bytes_get_size (mutated),
                                 &params, &prepared, &placeholder);
      report = enr_pades_verify (mutated, NULL, NULL, fixture->pki->root_pem_path, &error);
      /* A change outside the covered bytes can leave it valid; a cut never. */
      if (round % 3 == 0)
        g_assert_null (report);
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gnutls_global_init ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/pades/prepare-structure", test_prepare_structure);
  ADD ("/pades/sign-same-length", test_sign_same_length);
  ADD ("/pades/verify-valid", test_verify_valid);
  ADD ("/pades/verify-async", test_verify_async);
  ADD ("/pades/tampered", test_tampered);
  ADD ("/pades/appended", test_appended);
  ADD ("/pades/wrong-hash", test_wrong_hash);
  ADD ("/pades/other-signer", test_other_signer);
  ADD ("/pades/untrusted-signer", test_untrusted_signer);
  ADD ("/pades/not-signed", test_not_signed);
  ADD ("/pades/second-signature", test_second_signature);
  ADD ("/pades/pdfsig", test_pdfsig);
  ADD ("/pades/openssl-cms", test_openssl_cms);
  ADD ("/pades/mutations", test_mutations);

#undef ADD

  return g_test_run ();
}
