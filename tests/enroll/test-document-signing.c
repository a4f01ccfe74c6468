/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * Signing the citizen's own PDFs through the session (EnrDocumentSigning,
 * issue 14) against a real smartca-sandbox and its TSA, with the key handle
 * in gnome-keyring: two documents under one PIN in one transaction, each
 * written beside its original and checked (B-T, trusted time); a wrong PIN
 * writes nothing; a TSA not reached gives TIMESTAMP, then B-B without a PIN
 * or B-T once it is back; an encrypted or damaged PDF is refused by name; a
 * signed copy signed again keeps the first signature; a taken name gives
 * -signed-2.pdf.
 *
 * Run through tests/crypto/keyring-run.sh gnome-keyring.
 */
#define G_LOG_DOMAIN "test-document-signing"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "enr-account.h"
#include "enr-document-signing-private.h"
#include "enr-pdf-check.h"
#include "enr-session-private.h"
#include "enr-test-enroll.h"
#include "enr-test-pdf.h"
#include "enr-test-sandbox.h"

#define PIN       "274913"
#define WRONG_PIN "274914"

/* A TSA where nothing listens: the sandbox's faults would fail SmartCA too. */
#define DEAD_TSA "https://127.0.0.1:9/tsa"

typedef struct
{
  EnrTestSandbox      sandbox;
  EnrSession         *session;
  EnrAccount         *account;
  EnrDocumentSigning *signing;
  char               *dir;      /* the citizen's documents */
} Fixture;

#define WAIT(res) enr_test_wait_result (&(res))

#define SIGNING(fx, error, action, ...) \
  ({ g_autoptr(GAsyncResult) sig_res_ = NULL; \
     enr_document_signing_##action##_async ((fx)->signing, ##__VA_ARGS__, NULL, \
                                            enr_test_store_result, &sig_res_); \
     enr_document_signing_##action##_finish ((fx)->signing, WAIT (sig_res_), (error)); })

static const double BOX[4] = { 340, 36, 560, 96 };

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(EnrSession) first = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  enr_test_sandbox_set_up (&fx->sandbox, "document-signing", "200");
  fx->dir = g_build_filename (fx->sandbox.tmp, "documents", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fx->dir, 0700), ==, 0);

  /* Enrolled on this desktop, then the program started again. */
  first = enr_test_new_session (fx->sandbox.runner, FALSE, fx->sandbox.state_dir);
  g_assert_true (enr_test_enroll (first, fx->sandbox.control, &ENR_TEST_AN, PIN, &error));
  g_assert_no_error (error);
  g_clear_object (&first);
  fx->session = enr_test_new_session (fx->sandbox.runner, FALSE, fx->sandbox.state_dir);
  enr_session_set_tsa_url (fx->session, enr_sandbox_runner_get_tsa_url (fx->sandbox.runner));
  enr_session_resume_async (fx->session, NULL, enr_test_store_result, &res);
  g_assert_true (enr_session_resume_finish (fx->session, WAIT (res), &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  fx->account = enr_account_new (fx->session);
  fx->signing = enr_document_signing_new (fx->account);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->signing);
  g_clear_object (&fx->account);
  g_clear_object (&fx->session);
  g_free (fx->dir);
  enr_test_sandbox_tear_down (&fx->sandbox);
}

/* --- Documents ------------------------------------------------------------------ */

static char *
make_pdf (Fixture    *fx,
          const char *name,
          guint       pages)
{
  return enr_test_make_pdf (fx->dir, name, pages);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static EnrSigningDocument *
add (Fixture    *fx,
     const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  EnrSigningDocument *document;

  document = enr_document_signing_add (fx->signing, file, 0, BOX, &error);
  g_assert_no_error (error);
  g_assert_nonnull (document);
  return document;
}

static void
prepare (Fixture *fx)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (SIGNING (fx, &error, prepare));
  g_assert_no_error (error);
}

static char *
output_path (EnrSigningDocument *document)
{
  GFile *output = enr_signing_document_get_output (document);

  g_assert_nonnull (output);
  return g_file_get_path (output);
}

/* Every signature valid; the last one @trusted_time or not; @n in all. */
static void
assert_valid (Fixture    *fx,
              const char *path,
              guint       n,
              gboolean    trusted_time)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrPdfCheckReport) report = NULL;
  const EnrPdfCheckSignature *last;

  report = enr_pdf_check_file (file, enr_sandbox_runner_get_trust_anchor (fx->sandbox.runner),
                               &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->signatures->len, ==, n);
  g_assert_true (enr_pdf_check_report_is_valid (report));
  last = g_ptr_array_index (report->signatures, n - 1);
  g_assert_cmpstr (last->signer_name, ==, ENR_TEST_AN.full_name);
  g_assert_cmpint (last->time_source, ==,
                   trusted_time ? ENR_PDF_CHECK_TIME_TRUSTED : ENR_PDF_CHECK_TIME_CLAIMED);
  g_assert_cmpint (last->timestamp, ==,
                   trusted_time ? ENR_PDF_CHECK_TIMESTAMP_VALID : ENR_PDF_CHECK_TIMESTAMP_NONE);
}

static guint
count_files (Fixture *fx)
{
  g_autoptr(GDir) dir = g_dir_open (fx->dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* @document's output: its only signature, the citizen's, valid. */
static void
assert_signed (Fixture            *fx,
               EnrSigningDocument *document,
               gboolean            trusted_time)
{
  g_autofree char *out = output_path (document);

  g_assert_cmpint (enr_signing_document_get_state (document), ==, ENR_SIGNING_DOCUMENT_SIGNED);
  g_assert_true (enr_signing_document_get_timestamped (document) == trusted_time);
  assert_valid (fx, out, 1, trusted_time);
}

/* A sign call with @pin (NULL: finish with a time stamp) that SmartCA's
 * part passed and the TSA's failed: RETRY/TIMESTAMP, and nothing written. */
static void
assert_no_time_stamp (Fixture    *fx,
                      const char *pin)
{
  g_autoptr(GError) error = NULL;
  guint files = count_files (fx);

  if (pin != NULL)
    g_assert_false (SIGNING (fx, &error, sign, pin));
  else
    g_assert_false (SIGNING (fx, &error, finish, TRUE));
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_RETRY);
  g_assert_cmpint (enr_session_error_get_reason (error), ==, ENR_SESSION_REASON_TIMESTAMP);
  g_assert_cmpuint (count_files (fx), ==, files);
}

/* --- Tests ------------------------------------------------------------------------- */

/* Two documents, one PIN, one transaction with both hashes. */
static void
test_two_documents (Fixture       *fx,
                    gconstpointer  data)
{
  g_autofree char *a = make_pdf (fx, "to-khai.pdf", 2);
  g_autofree char *b = make_pdf (fx, "hop-dong.pdf", 1);
  g_autoptr(GBytes) a_before = read_file (a);
  g_autoptr(GBytes) b_before = read_file (b);
  g_autoptr(GBytes) a_after = NULL;
  g_autoptr(GBytes) b_after = NULL;
  g_autoptr(EnrSandboxPortalTransaction) transaction = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a_out = NULL;
  g_autofree char *b_out = NULL;
  EnrSigningDocument *first = add (fx, a);
  EnrSigningDocument *second = add (fx, b);

  enr_document_signing_set_reason (fx->signing, "Tôi đồng ý");
  enr_document_signing_set_place (fx->signing, "Hà Nội");
  g_assert_cmpint (enr_signing_document_get_state (first), ==, ENR_SIGNING_DOCUMENT_CHOSEN);
  prepare (fx);
  g_assert_cmpint (enr_signing_document_get_state (first), ==, ENR_SIGNING_DOCUMENT_PREPARED);
  /* 32 bytes as upper-case hex in groups of four: 64 digits, 15 spaces. */
  g_assert_cmpuint (strlen (enr_signing_document_get_hash (first)), ==, 79);
  g_assert_cmpstr (enr_signing_document_get_hash (first), !=,
                   enr_signing_document_get_hash (second));

  g_assert_true (SIGNING (fx, &error, sign, PIN));
  g_assert_no_error (error);

  a_out = output_path (first);
  b_out = output_path (second);
  g_assert_true (g_str_has_suffix (a_out, "/to-khai-signed.pdf"));
  g_assert_true (g_str_has_suffix (b_out, "/hop-dong-signed.pdf"));
  g_assert_cmpint (enr_signing_document_get_state (first), ==, ENR_SIGNING_DOCUMENT_SIGNED);
  g_assert_cmpint (enr_signing_document_get_state (second), ==, ENR_SIGNING_DOCUMENT_SIGNED);
  g_assert_true (enr_signing_document_get_timestamped (first));
  assert_valid (fx, a_out, 1, TRUE);
  assert_valid (fx, b_out, 1, TRUE);

  /* The originals are as they were. */
  a_after = read_file (a);
  b_after = read_file (b);
  g_assert_true (g_bytes_equal (a_before, a_after));
  g_assert_true (g_bytes_equal (b_before, b_after));

  /* SmartCA holds one transaction with both signatures. */
  enr_sandbox_control_portal_transaction_async (fx->sandbox.control, fx->signing->work->tran_id,
                                                NULL, enr_test_store_result, &res);
  transaction = enr_sandbox_control_portal_transaction_finish (fx->sandbox.control, WAIT (res),
                                                               &error);
  g_assert_no_error (error);
  g_assert_cmpint (transaction->status, ==, 1);
  g_assert_cmpuint (transaction->signatures->len, ==, 2);
}

/* A wrong PIN: the attempts left, and nothing written; then the right one. */
static void
test_wrong_pin (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *a = make_pdf (fx, "don.pdf", 1);
  g_autoptr(GError) error = NULL;
  EnrSigningDocument *document = add (fx, a);
  guint files;

  prepare (fx);
  files = count_files (fx);
  g_assert_false (SIGNING (fx, &error, sign, WRONG_PIN));
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_FIELD);
  g_assert_cmpint (enr_session_error_get_field (error), ==, ENR_SESSION_FIELD_PIN);
  g_assert_cmpint (enr_session_error_get_attempts_left (error), ==, 4);
  g_assert_cmpuint (count_files (fx), ==, files);
  g_assert_cmpint (enr_signing_document_get_state (document), ==, ENR_SIGNING_DOCUMENT_PREPARED);
  g_clear_error (&error);

  g_assert_true (SIGNING (fx, &error, sign, PIN));
  g_assert_no_error (error);
  assert_signed (fx, document, TRUE);
}

/* A transaction left waiting by a wrong PIN is declined when the signing
 * is given up, not left among the portals' requests. */
static void
test_abandoned (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *a = make_pdf (fx, "bo.pdf", 1);
  g_autofree char *tran_id = NULL;
  g_autoptr(GError) error = NULL;
  gint64 status = 4000;

  add (fx, a);
  prepare (fx);
  g_assert_false (SIGNING (fx, &error, sign, WRONG_PIN));
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_FIELD);
  g_clear_error (&error);
  tran_id = g_strdup (fx->signing->work->tran_id);
  g_assert_nonnull (tran_id);
  g_clear_object (&fx->signing);

  for (guint i = 0; i < 100 && status == 4000; i++)
    {
      g_autoptr(EnrSandboxPortalTransaction) transaction = NULL;
      g_autoptr(GAsyncResult) res = NULL;

      enr_sandbox_control_portal_transaction_async (fx->sandbox.control, tran_id, NULL,
                                                    enr_test_store_result, &res);
      transaction = enr_sandbox_control_portal_transaction_finish (fx->sandbox.control,
                                                                   WAIT (res), &error);
      g_assert_no_error (error);
      status = transaction->status;
      if (status == 4000)
        g_usleep (50000);
    }
  g_assert_cmpint (status, ==, 4002);
}

/* The TSA not reached: TIMESTAMP, and nothing written; without a time
 * (B-B) needs no PIN. */
static void
test_timestamp_unreached_plain (Fixture       *fx,
                                gconstpointer  data)
{
  g_autofree char *a = make_pdf (fx, "a.pdf", 1);
  g_autofree char *b = make_pdf (fx, "b.pdf", 1);
  g_autoptr(GError) error = NULL;
  EnrSigningDocument *first = add (fx, a);
  EnrSigningDocument *second = add (fx, b);

  enr_session_set_tsa_url (fx->session, DEAD_TSA);
  prepare (fx);
  assert_no_time_stamp (fx, PIN);

  g_assert_true (SIGNING (fx, &error, finish, FALSE));
  g_assert_no_error (error);
  assert_signed (fx, first, FALSE);
  assert_signed (fx, second, FALSE);
}

/* The TSA not reached, then reached again: B-T, still without a PIN. */
static void
test_timestamp_unreached_retry (Fixture       *fx,
                                gconstpointer  data)
{
  g_autofree char *a = make_pdf (fx, "a.pdf", 1);
  g_autoptr(GError) error = NULL;
  EnrSigningDocument *document = add (fx, a);

  enr_session_set_tsa_url (fx->session, DEAD_TSA);
  prepare (fx);
  assert_no_time_stamp (fx, PIN);
  assert_no_time_stamp (fx, NULL);

  enr_session_set_tsa_url (fx->session, enr_sandbox_runner_get_tsa_url (fx->sandbox.runner));
  g_assert_true (SIGNING (fx, &error, finish, TRUE));
  g_assert_no_error (error);
  assert_signed (fx, document, TRUE);
}

/* No TSA configured: TIMESTAMP at once after SmartCA signed; B-B works. */
static void
test_timestamp_none (Fixture       *fx,
                     gconstpointer  data)
{
  g_autofree char *a = make_pdf (fx, "a.pdf", 1);
  g_autoptr(GError) error = NULL;
  EnrSigningDocument *document = add (fx, a);

  enr_session_set_tsa_url (fx->session, NULL);
  prepare (fx);
  assert_no_time_stamp (fx, PIN);
  g_assert_true (SIGNING (fx, &error, finish, FALSE));
  g_assert_no_error (error);
  assert_signed (fx, document, FALSE);
}

static void
assert_refused (Fixture    *fx,
                const char *name)
{
  g_autoptr(GError) error = NULL;
  guint files = count_files (fx);

  g_assert_false (SIGNING (fx, &error, prepare));
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_REFUSED);
  g_assert_cmpint (enr_session_error_get_reason (error), ==, ENR_SESSION_REASON_DOCUMENT);
  g_assert_nonnull (strstr (error->message, name));
  g_assert_cmpuint (count_files (fx), ==, files);
}

static void
test_encrypted (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *path = make_pdf (fx, "mat.pdf", 1);
  g_autoptr(GBytes) plain = read_file (path);
  g_autoptr(GError) error = NULL;
  GString *pdf = g_string_new_len (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  g_autofree char *tail = g_strndup (pdf->str + pdf->len - MIN (pdf->len, 64), MIN (pdf->len, 64));
  const char *startxref = g_strrstr (tail, "startxref");
  guint64 offset;
  const char *dict;

  /* The last cross-reference section's trailer (or stream dictionary)
   * names an /Encrypt dictionary: nothing before it moves. */
  g_assert_nonnull (startxref);
  offset = g_ascii_strtoull (startxref + strlen ("startxref"), NULL, 10);
  g_assert_cmpuint (offset, <, pdf->len);
  dict = g_strstr_len (pdf->str + offset, pdf->len - offset, "<<");
  g_assert_nonnull (dict);
  g_string_insert (pdf, dict - pdf->str + 2, " /Encrypt 1 0 R ");
  g_assert_true (g_file_set_contents (path, pdf->str, pdf->len, &error));
  g_assert_no_error (error);
  g_string_free (pdf, TRUE);

  add (fx, path);
  assert_refused (fx, "mat.pdf");
}

static void
test_damaged (Fixture       *fx,
              gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fx->dir, "hong.pdf", NULL);
  g_autoptr(GError) error = NULL;
  const char *text = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nstartxref\n999999\n%%EOF\n";

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  add (fx, path);
  assert_refused (fx, "hong.pdf");
}

/* A signed copy signed again: both signatures valid, and the name after
 * -signed.pdf is -signed-2.pdf. */
static void
test_sign_again (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *a = make_pdf (fx, "bien-ban.pdf", 1);
  g_autofree char *once = NULL;
  g_autofree char *twice = NULL;
  g_autoptr(GError) error = NULL;
  EnrSigningDocument *document = add (fx, a);

  prepare (fx);
  g_assert_true (SIGNING (fx, &error, sign, PIN));
  g_assert_no_error (error);
  once = output_path (document);

  g_clear_object (&fx->signing);
  fx->signing = enr_document_signing_new (fx->account);
  document = add (fx, once);
  prepare (fx);
  g_assert_true (SIGNING (fx, &error, sign, PIN));
  g_assert_no_error (error);
  twice = output_path (document);
  g_assert_true (g_str_has_suffix (twice, "/bien-ban-signed-2.pdf"));
  assert_valid (fx, twice, 2, TRUE);
}

/* <name>-signed.pdf is there already: -signed-2.pdf, and the other stays. */
static void
test_name_taken (Fixture       *fx,
                 gconstpointer  data)
{
  g_autofree char *a = make_pdf (fx, "giay.pdf", 1);
  g_autofree char *taken = g_build_filename (fx->dir, "giay-signed.pdf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *kept = NULL;
  g_autoptr(GError) error = NULL;
  EnrSigningDocument *document;

  g_assert_true (g_file_set_contents (taken, "not mine", -1, &error));
  document = add (fx, a);
  prepare (fx);
  g_assert_true (SIGNING (fx, &error, sign, PIN));
  g_assert_no_error (error);
  out = output_path (document);
  g_assert_true (g_str_has_suffix (out, "/giay-signed-2.pdf"));
  g_assert_true (g_file_get_contents (taken, &kept, NULL, NULL));
  g_assert_cmpstr (kept, ==, "not mine");
  assert_valid (fx, out, 1, TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/document-signing/two-documents", test_two_documents);
  ADD ("/document-signing/wrong-pin", test_wrong_pin);
  ADD ("/document-signing/abandoned", test_abandoned);
  ADD ("/document-signing/timestamp-unreached-plain", test_timestamp_unreached_plain);
  ADD ("/document-signing/timestamp-unreached-retry", test_timestamp_unreached_retry);
  ADD ("/document-signing/timestamp-none", test_timestamp_none);
  ADD ("/document-signing/encrypted", test_encrypted);
  ADD ("/document-signing/damaged", test_damaged);
  ADD ("/document-signing/sign-again", test_sign_again);
  ADD ("/document-signing/name-taken", test_name_taken);
#undef ADD

  return g_test_run ();
}
