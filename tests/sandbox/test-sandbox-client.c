/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * A C client of smartca-sandbox (sbx-test-client.h): it takes a built-in
 * citizen from the VNeID login to ACTIVE over HTTPS alone, once by
 * password + OTP and once by the QR device flow, with a KAK and SADs made
 * by the program's own crypto layer (so the sandbox is seen to accept
 * them). What comes back is checked by independent tools: the contract and
 * the acceptance record by pdftotext, the certificate field by field and
 * by certtool and openssl, the signed record by pdfsig with an NSS
 * database that trusts the sandbox root and by openssl cms; and by the
 * program's own PAdES check, which must refuse a tampered copy and a copy
 * signed by another key.
 */
#define G_LOG_DOMAIN "test-sandbox-client"

#include "config.h"

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "enr-certificate.h"
#include "enr-crypto-error.h"
#include "enr-pades-sign.h"
#include "enr-pades.h"
#include "enr-pdf-signature.h"
#include "sbx-test-client.h"
#include "test-pki.h"

#define SERVICE_PACK "SMARTCA_PERSONAL_FREE"
#define OID_UID "0.9.2342.19200300.100.1.1"
#define ASN1_UTF8STRING 12

typedef struct
{
  SbxTestCitizen  citizen;
  const char     *province;
  const char     *ward;
} Scenario;

typedef struct
{
  SbxTestSandbox    *sandbox;
  SoupSession       *session;
  SbxTestEnrollment  enrollment;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const Scenario *scenario = data;
  const char * const args[] = { "--sync-delay-ms", "300", NULL };

  fixture->sandbox = sbx_test_sandbox_start (args);
  fixture->session = sbx_test_session_new (fixture->sandbox);
  sbx_test_enrollment_init (&fixture->enrollment, fixture->sandbox, fixture->session,
                            &scenario->citizen);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  sbx_test_enrollment_clear (&fixture->enrollment);
  g_clear_object (&fixture->session);
  g_clear_pointer (&fixture->sandbox, sbx_test_sandbox_stop);
}

/* --- Tools -------------------------------------------------------------------- */

static char *
write_file (Fixture    *fixture,
            const char *name,
            GBytes     *bytes)
{
  char *path = g_build_filename (fixture->sandbox->tmp_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes),
                       &error);
  g_assert_no_error (error);
  return path;
}

/* Runs a tool; TRUE when it exits 0. Its output (stdout and stderr) in @out. */
static gboolean
run (const char * const *argv,
     char              **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &stdout_text,
                &stderr_text, &status, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_strconcat (stdout_text, stderr_text, NULL);
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("%s: %s%s", argv[0], stdout_text, stderr_text);
  return g_spawn_check_wait_status (status, NULL);
}

/* The PDF's text by pdftotext, in NFC with runs of white space made one. */
static char *
pdf_text (Fixture    *fixture,
          GBytes     *pdf,
          const char *name)
{
  g_autofree char *path = write_file (fixture, name, pdf);
  g_autofree char *out = NULL;
  g_autoptr(GRegex) spaces = NULL;
  g_autofree char *collapsed = NULL;

  g_assert_true (run ((const char *[]) { "pdftotext", "-enc", "UTF-8", path, "-", NULL }, &out));
  g_assert_true (g_utf8_validate (out, -1, NULL));
  spaces = g_regex_new ("[ \\t\\f]+", 0, 0, NULL);
  collapsed = g_regex_replace_literal (spaces, out, -1, 0, " ", 0, NULL);
  return g_utf8_normalize (collapsed, -1, G_NORMALIZE_NFC);
}

/* The full name on one line, the citizen ID, and @also. */
static void
check_document (Fixture    *fixture,
                GBytes     *pdf,
                const char *name,
                const char *also)
{
  const SbxTestCitizen *citizen = fixture->enrollment.citizen;
  g_autofree char *text = pdf_text (fixture, pdf, name);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean name_found = FALSE;

  g_assert_cmpmem (g_bytes_get_data (pdf, NULL), 5, "%PDF-", 5);
  for (guint i = 0; lines[i] != NULL && !name_found; i++)
    name_found = strstr (lines[i], citizen->full_name) != NULL;
  if (!name_found || strstr (text, also) == NULL)
    g_test_message ("pdftotext of %s:\n%s", name, text);
  g_assert_true (name_found);
  g_assert_nonnull (strstr (text, citizen->citizen_id));
  g_assert_nonnull (strstr (text, also));
}

/* --- The certificate ------------------------------------------------------------- */

static gnutls_x509_crt_t
import_der (GBytes *der)
{
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum = { (unsigned char *) g_bytes_get_data (der, NULL),
                           (unsigned int) g_bytes_get_size (der) };

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER), ==, 0);
  return crt;
}

static char *
serial_hex (gnutls_x509_crt_t crt)
{
  guint8 serial[32];
  size_t len = sizeof serial;
  GString *hex = g_string_new (NULL);

  g_assert_cmpint (gnutls_x509_crt_get_serial (crt, serial, &len), ==, 0);
  for (size_t i = 0; i < len; i++)
    g_string_append_printf (hex, "%02X", serial[i]);
  return g_string_free (hex, FALSE);
}

/* The profile of PROTOCOL.md ("Certificates and signed documents"). */
static void
check_profile (const Scenario    *scenario,
               gnutls_x509_crt_t  crt,
               gnutls_x509_crt_t  issuing)
{
  static const char * const oids[] = {
    GNUTLS_OID_X520_COUNTRY_NAME, GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME,
    GNUTLS_OID_X520_LOCALITY_NAME, GNUTLS_OID_X520_COMMON_NAME, OID_UID,
  };
  g_autofree char *uid = g_strconcat ("CCCD:", scenario->citizen.citizen_id, NULL);
  const char *values[] = { "VN", scenario->province, scenario->ward, scenario->citizen.full_name,
                           uid };
  gnutls_x509_dn_t dn;
  gnutls_x509_ava_st ava;
  guint8 serial[32], ski[64], aki[64], issuer_ski[64];
  size_t serial_len = sizeof serial, ski_len = sizeof ski, aki_len = sizeof aki;
  size_t issuer_ski_len = sizeof issuer_ski;
  unsigned int critical = 0, usage = 0, bits = 0;
  unsigned int ca = 1;
  int pathlen;
  time_t from, to;

  g_assert_cmpint (gnutls_x509_crt_get_version (crt), ==, 3);
  g_assert_cmpint (gnutls_x509_crt_get_serial (crt, serial, &serial_len), ==, 0);
  g_assert_cmpuint (serial_len, ==, 16);
  g_assert_cmpuint (serial[0], >, 0);
  g_assert_cmpuint (serial[0], <, 0x80);

  /* C, ST, L, CN, UID, one attribute to an RDN, in this order. */
  g_assert_cmpint (gnutls_x509_crt_get_subject (crt, &dn), ==, 0);
  for (int i = 0; i < (int) G_N_ELEMENTS (oids); i++)
    {
      g_assert_cmpint (gnutls_x509_dn_get_rdn_ava (dn, i, 0, &ava), ==, 0);
      g_assert_cmpstr ((const char *) ava.oid.data, ==, oids[i]);
      g_assert_cmpmem (ava.value.data, ava.value.size, values[i], strlen (values[i]));
      if (i >= 1 && i <= 3)
        g_assert_cmpint (ava.value_tag, ==, ASN1_UTF8STRING);
      g_assert_cmpint (gnutls_x509_dn_get_rdn_ava (dn, i, 1, &ava), <, 0);
    }
  g_assert_cmpint (gnutls_x509_dn_get_rdn_ava (dn, G_N_ELEMENTS (oids), 0, &ava), <, 0);

  g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (crt, &critical, &ca, &pathlen), ==, 0);
  g_assert_cmpuint (ca, ==, 0);
  g_assert_cmpuint (critical, ==, 1);
  g_assert_cmpint (gnutls_x509_crt_get_key_usage (crt, &usage, &critical), ==, 0);
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION);
  g_assert_cmpuint (critical, ==, 1);
  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (crt, ski, &ski_len, &critical), ==, 0);
  g_assert_cmpuint (critical, ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_authority_key_id (crt, aki, &aki_len, &critical), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (issuing, issuer_ski, &issuer_ski_len,
                                                       NULL), ==, 0);
  g_assert_cmpmem (aki, aki_len, issuer_ski, issuer_ski_len);

  g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (crt), ==, GNUTLS_SIGN_RSA_SHA256);
  g_assert_cmpint (gnutls_x509_crt_get_pk_algorithm (crt, &bits), ==, GNUTLS_PK_RSA);
  g_assert_cmpuint (bits, ==, 2048);
  from = gnutls_x509_crt_get_activation_time (crt);
  to = gnutls_x509_crt_get_expiration_time (crt);
  g_assert_cmpint (to - from, ==, 365 * 24 * 3600);
  g_assert_cmpint (from, <=, time (NULL));
  g_assert_cmpint (to, >, time (NULL));
}

static void
check_certificate (Fixture        *fixture,
                   const Scenario *scenario)
{
  SbxTestEnrollment *e = &fixture->enrollment;
  gnutls_x509_crt_t crt = import_der (e->certificate);
  gnutls_x509_crt_t issuing = import_der (g_ptr_array_index (e->chain, 0));
  g_autoptr(EnrCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *rs_path = NULL;
  g_autofree char *chain_path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *root_text = NULL;
  gnutls_datum_t pem = { NULL, 0 };
  GString *chain_pem = g_string_new (NULL);
  gnutls_x509_crt_t parts[3];

  check_profile (scenario, crt, issuing);

  /* The chain the sandbox sent ends in the root it named. */
  g_assert_true (g_file_get_contents (e->sandbox->trust_anchor, &root_text, NULL, NULL));
  parts[0] = crt;
  parts[1] = issuing;
  parts[2] = import_der (g_ptr_array_index (e->chain, 1));
  g_assert_cmpint (gnutls_x509_crt_export2 (parts[2], GNUTLS_X509_FMT_PEM, &pem), ==, 0);
  g_assert_cmpmem (pem.data, pem.size, root_text, strlen (root_text));
  gnutls_free (pem.data);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_assert_cmpint (gnutls_x509_crt_export2 (parts[i], GNUTLS_X509_FMT_PEM, &pem), ==, 0);
      g_string_append_len (chain_pem, (const char *) pem.data, pem.size);
      if (i < 2)
        {
          g_autoptr(GBytes) one = g_bytes_new (pem.data, pem.size);

          if (i == 0)
            cert_path = write_file (fixture, "cert.pem", one);
          else
            rs_path = write_file (fixture, "rs.pem", one);
        }
      gnutls_free (pem.data);
    }
  {
    g_autoptr(GBytes) bytes = g_string_free_to_bytes (chain_pem);

    chain_path = write_file (fixture, "chain.pem", bytes);
  }

  /* Two independent verifiers (certtool --verify checks the whole chain
   * against the trusted root), and the program's own. */
  g_assert_true (run ((const char *[]) { "certtool", "--verify", "--load-ca-certificate",
                                         e->sandbox->trust_anchor, "--infile", chain_path,
                                         NULL }, &out));
  g_assert_nonnull (strstr (out, "Chain verification output: Verified."));
  g_clear_pointer (&out, g_free);
  g_assert_true (run ((const char *[]) { "openssl", "verify", "-CAfile", e->sandbox->trust_anchor,
                                         "-untrusted", rs_path, cert_path, NULL }, &out));
  g_assert_nonnull (strstr (out, ": OK"));

  certificate = enr_certificate_new_from_der (e->certificate, &error);
  g_assert_no_error (error);
  g_assert_true (enr_certificate_verify (certificate, e->chain, e->sandbox->trust_anchor,
                                         scenario->citizen.citizen_id, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    gnutls_x509_crt_deinit (parts[i]);
}

/* --- The signed acceptance record ----------------------------------------------- */

static GBytes *
with_byte_changed (GBytes *bytes,
                   gsize   offset)
{
  gsize len = g_bytes_get_size (bytes);
  guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);

  g_assert_cmpuint (offset, <, len);
  copy[offset] ^= 0x01;
  return g_bytes_new_take (copy, len);
}

/* An NSS database (for pdfsig) that trusts the sandbox root. */
static char *
make_nss_db (Fixture *fixture)
{
  g_autofree char *db = g_build_filename (fixture->sandbox->tmp_dir, "nssdb", NULL);
  g_autofree char *sql = g_strconcat ("sql:", db, NULL);

  g_assert_cmpint (g_mkdir (db, 0700), ==, 0);
  g_assert_true (run ((const char *[]) { "certutil", "-N", "-d", sql, "--empty-password", NULL },
                      NULL));
  g_assert_true (run ((const char *[]) { "certutil", "-A", "-d", sql, "-n", "sandbox-root",
                                         "-t", "CT,C,C", "-i", fixture->sandbox->trust_anchor,
                                         NULL }, NULL));
  return g_steal_pointer (&sql);
}

static void
check_record_with_tools (Fixture *fixture)
{
  SbxTestEnrollment *e = &fixture->enrollment;
  g_autoptr(EnrPdfSignature) located = NULL;
  g_autoptr(GBytes) covered = NULL;
  g_autoptr(GBytes) tampered = NULL;
  g_autofree char *db = make_nss_db (fixture);
  g_autofree char *path = write_file (fixture, "signed-record.pdf", e->signed_record);
  g_autofree char *tampered_path = NULL;
  g_autofree char *cms_path = NULL;
  g_autofree char *covered_path = NULL;
  g_autofree char *out = NULL;
  const guint8 *data;
  gsize len;

  g_assert_true (run ((const char *[]) { "pdfsig", "-nssdir", db, path, NULL }, &out));
  g_test_message ("%s", out);
  g_assert_nonnull (strstr (out, "Signature Validation: Signature is Valid."));
  g_assert_nonnull (strstr (out, "Certificate Validation: Certificate is Trusted."));
  g_assert_nonnull (strstr (out, "Signature Type: ETSI.CAdES.detached"));
  g_assert_nonnull (strstr (out, "Total document signed"));
  g_assert_nonnull (strstr (out, e->citizen->full_name));
  g_clear_pointer (&out, g_free);

  /* One byte changed inside the signed range: pdfsig no longer agrees. */
  data = g_bytes_get_data (e->signed_record, &len);
  g_assert_cmpint (enr_pdf_signature_locate (data, len, &located), ==, ENR_PDF_SIGNATURE_OK);
  tampered = with_byte_changed (e->signed_record, located->byte_range[1] / 2);
  tampered_path = write_file (fixture, "tampered-record.pdf", tampered);
  run ((const char *[]) { "pdfsig", "-nssdir", db, tampered_path, NULL }, &out);
  g_assert_null (strstr (out, "Signature Validation: Signature is Valid."));
  g_clear_pointer (&out, g_free);

  /* OpenSSL verifies the CMS over the covered bytes and sees PAdES B-B's
   * attributes: signing-certificate-v2, and no signing time. */
  covered = enr_pdf_signature_covered_bytes (data, len, located);
  cms_path = write_file (fixture, "record.p7s", located->contents);
  covered_path = write_file (fixture, "record-covered.bin", covered);
  g_assert_true (run ((const char *[]) { "openssl", "cms", "-verify", "-binary", "-inform", "DER",
                                         "-in", cms_path, "-content", covered_path, "-CAfile",
                                         e->sandbox->trust_anchor, "-purpose", "any", "-out",
                                         "/dev/null", NULL }, NULL));
  g_assert_true (run ((const char *[]) { "openssl", "cms", "-cmsout", "-print", "-inform", "DER",
                                         "-in", cms_path, NULL }, &out));
  g_assert_nonnull (strstr (out, "id-smime-aa-signingCertificateV2"));
  g_assert_nonnull (strstr (out, "messageDigest"));
  g_assert_null (strstr (out, "signingTime"));
}

/* The program's own check (issue #4's interop test): the sandbox's
 * signature is accepted; a changed copy, and the same record signed by a
 * key the sandbox root does not vouch for, are not. */
static void
check_record_with_crypto_layer (Fixture *fixture)
{
  SbxTestEnrollment *e = &fixture->enrollment;
  g_autoptr(EnrCertificate) signer = enr_certificate_new_from_der (e->certificate, NULL);
  g_autoptr(EnrPadesReport) report = NULL;
  g_autoptr(EnrPdfSignature) placeholder = NULL;
  g_autoptr(EnrPdfSignature) located = NULL;
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(GBytes) by_other = NULL;
  g_autoptr(TestPki) pki = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *other_dir = g_build_filename (fixture->sandbox->tmp_dir, "other-pki", NULL);
  guint8 approved[ENR_PADES_DIGEST_LENGTH];
  const TestSubject subject = {
    .citizen_id = e->citizen->citizen_id,
    .full_name = e->citizen->full_name,
  };
  gnutls_x509_crt_t chain[2];
  const guint8 *data;
  gsize len;

  g_assert_nonnull (signer);
  data = g_bytes_get_data (e->prepared_record, &len);
  g_assert_cmpint (enr_pdf_signature_locate (data, len, &placeholder), ==, ENR_PDF_SIGNATURE_OK);
  g_assert_true (enr_pades_digest (e->prepared_record, placeholder, approved, &error));
  g_assert_no_error (error);

  report = enr_pades_verify (e->signed_record, approved, signer, e->sandbox->trust_anchor,
                             &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpstr (report->signer_name, ==, e->citizen->full_name);
  g_assert_nonnull (report->signing_time);
  g_assert_cmpmem (report->digest, sizeof report->digest, approved, sizeof approved);
  g_clear_pointer (&report, enr_pades_report_free);

  data = g_bytes_get_data (e->signed_record, &len);
  g_assert_cmpint (enr_pdf_signature_locate (data, len, &located), ==, ENR_PDF_SIGNATURE_OK);
  tampered = with_byte_changed (e->signed_record, located->byte_range[1] / 2);
  report = enr_pades_verify (tampered, approved, signer, e->sandbox->trust_anchor, &error);
  g_assert_null (report);
  g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_PDF_MODIFIED);
  g_clear_error (&error);

  /* The very record, signed by another CA's key for the same citizen. */
  g_assert_cmpint (g_mkdir (other_dir, 0700), ==, 0);
  pki = test_pki_new (other_dir, &subject);
  chain[0] = pki->issuing;
  chain[1] = pki->root;
  by_other = enr_pades_sign (e->prepared_record, placeholder, pki->leaf, chain, 2,
                             pki->leaf_privkey, &error);
  g_assert_no_error (error);
  report = enr_pades_verify (by_other, approved, NULL, e->sandbox->trust_anchor, &error);
  g_assert_null (report);
  g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_CERT_UNTRUSTED);
  g_clear_error (&error);
  report = enr_pades_verify (by_other, approved, signer, pki->root_pem_path, &error);
  g_assert_null (report);
  g_assert_error (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_PDF_WRONG_SIGNER);
}

/* --- The tests ----------------------------------------------------------------------- */

static void
walk_to_active (Fixture        *fixture,
                const Scenario *scenario)
{
  SbxTestEnrollment *e = &fixture->enrollment;
  g_autoptr(GError) error = NULL;
  g_autofree char *registration_path = NULL;
  g_autofree char *serial = NULL;
  g_auto(SbxTestReply) registration = { 0 };
  gnutls_x509_crt_t crt;
  JsonObject *object, *certificate;
  EnrKak *kak;

  sbx_test_login (e);
  sbx_test_register (e);
  sbx_test_sign_contract (e);
  check_document (fixture, e->contract, "contract.pdf", SERVICE_PACK);
  check_document (fixture, e->signed_contract, "signed-contract.pdf", SERVICE_PACK);

  /* Step 5: the program's KAK, and SADs by the program's crypto layer. */
  kak = enr_kak_generate (&error);
  g_assert_no_error (error);
  sbx_test_activate (e, kak);
  sbx_test_accept (e);

  crt = import_der (e->certificate);
  serial = serial_hex (crt);
  gnutls_x509_crt_deinit (crt);
  check_document (fixture, e->prepared_record, "record.pdf", serial);

  /* Step 6: VNeID shows the certificate too. */
  registration_path = g_strdup_printf ("api/v1/smartca/registrations/%s", e->registration_id);
  sbx_test_call_json (e->session, "GET", e->sandbox->vneid_url, registration_path,
                      e->vneid_token, NULL, NULL, &registration);
  g_assert_cmpuint (registration.status, ==, 200);
  object = sbx_test_object (&registration);
  g_assert_cmpstr (json_object_get_string_member (object, "status"), ==, "ACTIVE");
  certificate = json_object_get_object_member (object, "certificate");
  g_assert_nonnull (certificate);
  g_assert_cmpstr (json_object_get_string_member (certificate, "serial_number"), ==, serial);
  g_assert_cmpstr (json_object_get_string_member (certificate, "status"), ==, "VALID");
}

static void
test_to_active (Fixture       *fixture,
                gconstpointer  data)
{
  const Scenario *scenario = data;

  walk_to_active (fixture, scenario);
  check_certificate (fixture, scenario);
  check_record_with_tools (fixture);
  check_record_with_crypto_layer (fixture);
}

int
main (int    argc,
      char **argv)
{
  static const Scenario by_password = {
    { "001093000001", "Matkhau@123", "Nguyễn Văn An", "0912345678", FALSE },
    "Thành phố Hà Nội", "Phường Ba Đình",
  };
  static const Scenario by_qr = {
    { "079301000123", "Matkhau@123", "Trần Thị Bích Ngọc", "0987654321", TRUE },
    "Thành phố Hồ Chí Minh", "Phường Bến Thành",
  };

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sandbox-client/password-otp-to-active", Fixture, &by_password,
              fixture_setup, test_to_active, fixture_teardown);
  g_test_add ("/sandbox-client/qr-to-active", Fixture, &by_qr,
              fixture_setup, test_to_active, fixture_teardown);

  return g_test_run ();
}
