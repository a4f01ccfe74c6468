/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sign"

/*
 * The signing of a file the citizen chose (EnrPadesSigning) and the check
 * of any signed PDF (enr-pdf-check.h), in process: a visible widget on
 * the chosen page, the remote signature checked before it is used, the
 * original never replaced, a time-stamp token over the signature value,
 * a changed document told, and the time-stamp messages' edge cases. The
 * same against pdfsig, openssl and a real TSA: tests/sign/test_sign.py.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "enr-asn1.h"
#include "enr-cms.h"
#include "enr-pades-sign.h"
#include "enr-pdf-appearance.h"
#include "enr-pdf-check.h"
#include "enr-tsp.h"
#include "test-pki.h"
#include "enr-test-files.h"
#include "enr-test-pdf.h"

typedef struct
{
  char    *dir;
  TestPki *pki;
  char    *input;
  char    *trust;
} Fixture;

/* Whether @needle is in @data, NUL bytes and all. */
static gboolean
contains (const char *data,
          gsize       len,
          const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/* The last @needle in @data, NUL bytes and all. */
static const char *
last_of (const char *data,
         gsize       len,
         const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = len - n + 1; i-- > 0;)
    if (memcmp (data + i, needle, n) == 0)
      return data + i;
  g_assert_not_reached ();
}

static GBytes *
draw_pages (int pages)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface = enr_test_pdf_surface_new (out, 595, 842);
  cairo_t *cr = cairo_create (surface);

  for (int i = 0; i < pages; i++)
    {
      cairo_move_to (cr, 72, 72);
      cairo_show_text (cr, "page");
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  TestSubject subject = { "001093000001", "Nguyễn Văn An", "Hà Nội", "Phường Ba Đình", 0, 0 };
  g_autoptr(GBytes) pdf = draw_pages (2);
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-sign-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->pki = test_pki_new (fixture->dir, &subject);
  fixture->trust = g_strdup (fixture->pki->root_pem_path);
  fixture->input = g_build_filename (fixture->dir, "in.pdf", NULL);
  g_file_set_contents (fixture->input, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                       &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  enr_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->input);
  g_free (fixture->trust);
  test_pki_free (fixture->pki);
}

/* What SmartCA's `sig` is: RSA PKCS #1 v1.5 over the hash's DigestInfo. */
static GBytes *
sign_hash (gnutls_privkey_t  key,
           const guint8     *hash)
{
  gnutls_datum_t digest = { (unsigned char *) hash, 32 };
  gnutls_datum_t sig = { NULL, 0 };
  GBytes *bytes;

  g_assert_cmpint (gnutls_privkey_sign_hash2 (key, GNUTLS_SIGN_RSA_SHA256, 0, &digest, &sig), ==,
                   0);
  bytes = g_bytes_new (sig.data, sig.size);
  gnutls_free (sig.data);
  return bytes;
}

static EnrPadesSigning *
prepare (Fixture    *fixture,
         const char *input,
         guint       page,
         GError    **error)
{
  const char *lines[] = { "Ký bởi: Nguyễn Văn An", "Ngày ký: 01/12/2026 16:00", NULL };
  g_autoptr(GBytes) appearance = enr_pdf_appearance_draw (200, 50, lines, NULL);
  g_autoptr(GDateTime) when = g_date_time_new_now_utc ();
  g_autoptr(GFile) file = g_file_new_for_path (input);
  EnrPdfSignatureWidget widget = { page, { 340, 40, 540, 90 }, NULL, 0 };
  EnrPdfSignatureParams params = { .signing_time = when, .signer_name = "Nguyễn Văn An",
                                   .widget = &widget };

  widget.appearance = g_bytes_get_data (appearance, &widget.appearance_len);
  return enr_pades_signing_new (file, &params, fixture->pki->leaf, error);
}

/* A time-stamp token over @imprint by the issuing CA as a stand-in TSA
 * (it has no timeStamping purpose: a sound token, not a trusted one). */
static GBytes *
fake_token (Fixture      *fixture,
            const guint8 *imprint)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new ("TSTInfo");
  g_autoptr(GBytes) tst = NULL;
  gnutls_privkey_t key = NULL;
  GBytes *token;
  static const guint8 serial[] = { 0x01, 0x02 };
  static const guint8 nonce[] = { 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0x14 };

  g_assert_true (enr_asn1_write (node, "version", "1", 0, NULL) &&
                 enr_asn1_write (node, "policy", "2.999.1", 0, NULL) &&
                 enr_asn1_write (node, "messageImprint.hashAlgorithm.algorithm",
                                 ENR_ASN1_OID_SHA256, 0, NULL) &&
                 enr_asn1_write (node, "messageImprint.hashAlgorithm.parameters", NULL, 0, NULL) &&
                 enr_asn1_write (node, "messageImprint.hashedMessage", imprint, 32, NULL) &&
                 enr_asn1_write (node, "serialNumber", serial, sizeof serial, NULL) &&
                 enr_asn1_write (node, "genTime", "20261201090005Z", 15, NULL) &&
                 enr_asn1_write (node, "accuracy", NULL, 0, NULL) &&
                 enr_asn1_write (node, "nonce", nonce, sizeof nonce, NULL) &&
                 enr_asn1_write (node, "tsa", NULL, 0, NULL) &&
                 enr_asn1_write (node, "extensions", NULL, 0, NULL));
  tst = enr_asn1_encode (node, "", NULL);
  g_assert_nonnull (tst);
  gnutls_privkey_init (&key);
  gnutls_privkey_import_x509 (key, fixture->pki->issuing_key, 0);
  token = enr_cms_sign_encapsulated (ENR_ASN1_OID_TST_INFO, tst, fixture->pki->issuing, TRUE, key,
                                     NULL);
  gnutls_privkey_deinit (key);
  g_assert_nonnull (token);
  return token;
}

static EnrPdfCheckReport *
check (Fixture    *fixture,
       const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  EnrPdfCheckReport *report = enr_pdf_check_file (file, fixture->trust, &error);

  g_assert_no_error (error);
  return report;
}

static void
test_sign_and_check (Fixture       *fixture,
                     gconstpointer  user_data)
{
  gnutls_x509_crt_t chain[] = { fixture->pki->issuing, fixture->pki->root };
  g_autoptr(EnrPadesSigning) signing = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GBytes) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) output = NULL;
  g_autoptr(GFile) input = g_file_new_for_path (fixture->input);
  g_autoptr(EnrPdfCheckReport) report = NULL;
  g_autofree char *out_path = g_build_filename (fixture->dir, "in-signed.pdf", NULL);
  g_autofree char *contents = NULL;
  const EnrPdfCheckSignature *s;
  guint8 imprint[32];
  gsize len;

  signing = prepare (fixture, fixture->input, 1, &error);
  g_assert_no_error (error);
  sig = sign_hash (fixture->pki->leaf_privkey, enr_pades_signing_get_hash (signing));
  gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig),
                    imprint);
  token = fake_token (fixture, imprint);

  /* Never over the original. */
  g_assert_false (enr_pades_signing_write (signing, sig, chain, 2, token, input, NULL, &error));
  g_assert_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_IO);
  g_clear_error (&error);

  output = g_file_new_for_path (out_path);
  g_assert_true (enr_pades_signing_write (signing, sig, chain, 2, token, output, NULL, &error));
  g_assert_no_error (error);
  g_file_get_contents (out_path, &contents, &len, NULL);
  g_assert_cmpuint (len, ==, enr_pades_signing_get_size (signing));
  g_assert_true (contains (contents, len, "/Subtype /Form"));
  g_assert_true (contains (contents, len, "/FontFile2"));

  report = check (fixture, out_path);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  s = g_ptr_array_index (report->signatures, 0);
  g_assert_cmpstr (s->signer_name, ==, "Nguyễn Văn An");
  g_assert_cmpstr (s->citizen_id, ==, "001093000001");
  g_assert_cmpint (s->integrity, ==, ENR_PDF_CHECK_INTACT);
  g_assert_cmpint (s->change, ==, ENR_PDF_CHECK_UNCHANGED);
  g_assert_cmpint (s->trust, ==, ENR_PDF_CHECK_TRUSTED);
  /* A sound token by a CA without the timeStamping purpose: untrusted, so
   * the time stays the signer's claim. */
  g_assert_cmpint (s->timestamp, ==, ENR_PDF_CHECK_TIMESTAMP_UNTRUSTED);
  g_assert_cmpint (s->time_source, ==, ENR_PDF_CHECK_TIME_CLAIMED);
  g_assert_false (enr_pdf_check_report_is_valid (report));
}

static void
test_wrong_signature_refused (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(EnrPadesSigning) signing = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.pdf", NULL);
  g_autoptr(GFile) output = g_file_new_for_path (out_path);
  guint8 other[32] = { 1, };

  signing = prepare (fixture, fixture->input, 0, &error);
  g_assert_no_error (error);
  /* A signature over another hash: the CMS would never verify. */
  sig = sign_hash (fixture->pki->leaf_privkey, other);
  g_assert_false (enr_pades_signing_write (signing, sig, NULL, 0, NULL, output, NULL, &error));
  g_assert_error (error, ENR_CMS_ERROR, ENR_CMS_ERROR_BAD_SIGNATURE);
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));
}

static void
test_input_changed_meanwhile (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(EnrPadesSigning) signing = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_path = g_build_filename (fixture->dir, "out.pdf", NULL);
  g_autoptr(GFile) output = g_file_new_for_path (out_path);
  g_autofree char *contents = NULL;
  gsize len;

  signing = prepare (fixture, fixture->input, 0, &error);
  g_assert_no_error (error);
  sig = sign_hash (fixture->pki->leaf_privkey, enr_pades_signing_get_hash (signing));
  /* While the citizen typed the PIN, another program changed one byte. */
  g_file_get_contents (fixture->input, &contents, &len, NULL);
  contents[len / 2] ^= 1;
  g_file_set_contents (fixture->input, contents, len, NULL);
  g_assert_false (enr_pades_signing_write (signing, sig, NULL, 0, NULL, output, NULL, &error));
  g_assert_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_CHANGED);
  g_assert_false (g_file_test (out_path, G_FILE_TEST_EXISTS));
}

static void
test_bad_placement_and_files (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.pdf", NULL);
  g_autofree char *encrypted = g_build_filename (fixture->dir, "encrypted.pdf", NULL);
  g_autofree char *contents = NULL;
  EnrPadesSigning *signing;
  gsize len;

  signing = prepare (fixture, fixture->input, 7, &error);
  g_assert_null (signing);
  g_assert_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_BAD_PLACEMENT);
  g_clear_error (&error);

  signing = prepare (fixture, missing, 0, &error);
  g_assert_null (signing);
  g_assert_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_IO);
  g_clear_error (&error);

  /* The trailer names an /Encrypt dictionary. */
  g_file_get_contents (fixture->input, &contents, &len, NULL);
  for (gsize i = 0; i + 10 <= len; i++)
    {
      if (memcmp (contents + i, "trailer\n<<", 10) == 0)
        {
          g_autoptr(GString) with = g_string_new_len (contents, i + 10);

          g_string_append (with, " /Encrypt 9 0 R");
          g_string_append_len (with, contents + i + 10, len - i - 10);
          g_file_set_contents (encrypted, with->str, with->len, NULL);
          break;
        }
    }
  signing = prepare (fixture, encrypted, 0, &error);
  g_assert_null (signing);
  g_assert_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_ENCRYPTED);
}

static void
test_changed_after (Fixture       *fixture,
                    gconstpointer  user_data)
{
  gnutls_x509_crt_t chain[] = { fixture->pki->issuing, fixture->pki->root };
  g_autoptr(EnrPadesSigning) signing = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out_path = g_build_filename (fixture->dir, "signed.pdf", NULL);
  g_autofree char *more_path = g_build_filename (fixture->dir, "more.pdf", NULL);
  g_autoptr(GFile) output = g_file_new_for_path (out_path);
  g_autoptr(EnrPdfCheckReport) report = NULL;
  g_autoptr(GString) more = NULL;
  g_autofree char *contents = NULL;
  const EnrPdfCheckSignature *s;
  gsize len;
  const char *startxref;
  gsize prev;

  signing = prepare (fixture, fixture->input, 0, &error);
  sig = sign_hash (fixture->pki->leaf_privkey, enr_pades_signing_get_hash (signing));
  g_assert_true (enr_pades_signing_write (signing, sig, chain, 2, NULL, output, NULL, &error));

  /* An update that changes the first page's content: not a signature. */
  g_file_get_contents (out_path, &contents, &len, NULL);
  startxref = last_of (contents, len, "startxref");
  prev = g_ascii_strtoull (startxref + strlen ("startxref"), NULL, 10);
  more = g_string_new_len (contents, len);
  {
    gsize object = more->len;
    gsize xref_at;
    g_autofree char *tail = NULL;
    const char *root = last_of (contents, len, "/Root");
    gsize root_number = g_ascii_strtoull (root + strlen ("/Root"), NULL, 10);

    /* Object 4 of cairo's file is the first page's content stream. */
    g_string_append (more, "4 0 obj\n<< /Length 0 >>\nstream\n\nendstream\nendobj\n");
    xref_at = more->len;
    tail = g_strdup_printf ("xref\n4 1\n%010" G_GSIZE_FORMAT " 00000 n\r\ntrailer\n"
                            "<< /Size 100 /Root %" G_GSIZE_FORMAT " 0 R /Prev %" G_GSIZE_FORMAT
                            " >>\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                            object, root_number, prev, xref_at);
    g_string_append (more, tail);
  }
  g_file_set_contents (more_path, more->str, more->len, NULL);
  report = check (fixture, more_path);
  g_assert_cmpuint (report->signatures->len, ==, 1);
  s = g_ptr_array_index (report->signatures, 0);
  g_assert_cmpint (s->integrity, ==, ENR_PDF_CHECK_INTACT);
  g_assert_cmpint (s->change, ==, ENR_PDF_CHECK_CHANGED);
  g_assert_false (enr_pdf_check_signature_is_valid (s));
}

static void
test_tsp_messages (void)
{
  guint8 imprint[32];
  g_autoptr(GBytes) request = NULL;
  g_autoptr(asn1_node_st) node = NULL;
  g_autoptr(GBytes) nonce = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 rejection[] = {
    /* TimeStampResp { PKIStatusInfo { rejection, failInfo systemFailure } } */
    0x30, 0x0c, 0x30, 0x0a, 0x02, 0x01, 0x02, 0x03, 0x05, 0x06, 0x00, 0x00, 0x00, 0x40
  };
  static const guint8 refused[] = { 0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02 };

  memset (imprint, 0x42, sizeof imprint);
  /* A nonce with its top bit set takes a leading zero octet. */
  request = enr_tsp_request_new (imprint, G_GUINT64_CONSTANT (0x8000000000000001), &error);
  g_assert_no_error (error);
  node = enr_asn1_decode ("TimeStampReq", g_bytes_get_data (request, NULL),
                          g_bytes_get_size (request), &error);
  g_assert_no_error (error);
  nonce = enr_asn1_read (node, "nonce");
  g_assert_cmpuint (g_bytes_get_size (nonce), ==, 9);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (nonce, NULL))[0], ==, 0);

  g_assert_null (enr_tsp_response_parse (rejection, sizeof rejection, imprint, 1, &error));
  g_assert_error (error, ENR_TSP_ERROR, ENR_TSP_ERROR_WAITING);
  g_clear_error (&error);
  g_assert_null (enr_tsp_response_parse (refused, sizeof refused, imprint, 1, &error));
  g_assert_error (error, ENR_TSP_ERROR, ENR_TSP_ERROR_REJECTED);
  g_clear_error (&error);
  g_assert_null (enr_tsp_response_parse (refused, sizeof refused - 1, imprint, 1, &error));
  g_assert_error (error, ENR_TSP_ERROR, ENR_TSP_ERROR_MALFORMED);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ADD ("/sign/visible-b-t-and-check", test_sign_and_check);
  ADD ("/sign/wrong-signature-refused", test_wrong_signature_refused);
  ADD ("/sign/input-changed-meanwhile", test_input_changed_meanwhile);
  ADD ("/sign/bad-placement-and-files", test_bad_placement_and_files);
  ADD ("/sign/changed-after", test_changed_after);
  g_test_add_func ("/sign/tsp-messages", test_tsp_messages);
  return g_test_run ();
}
