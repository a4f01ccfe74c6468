/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Check a Signed Document…" below the window: real signed PDFs
 * (tests/sign/check_fixtures.py makes them into $ENR_CHECK_FIXTURES)
 * checked through the session, and what a citizen reads about each: B-T
 * with its trusted time, B-B with a claimed one, a byte tampered after
 * signing, two signatures (the first changed only by the second), a root
 * not trusted, a PDF signed by pdfsig (NSS), an unsigned PDF, a file that
 * is not a PDF and one that is not there.
 */
#define G_LOG_DOMAIN "test-document-check"

#include "config.h"

#include <string.h>

#include "enr-document-check.h"
#include "enr-session-error.h"
#include "enr-test-enroll.h"

static char *
fixture (const char *name)
{
  const char *dir = g_getenv ("ENR_CHECK_FIXTURES");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

/* Checks the fixture @pdf with a session trusting the fixture @anchor. */
static EnrDocumentCheck *
check_full (const char  *pdf,
            const char  *anchor,
            GError     **error)
{
  g_autofree char *anchor_path = fixture (anchor);
  g_autofree char *pdf_path = fixture (pdf);
  g_autoptr(GFile) file = g_file_new_for_path (pdf_path);
  /* No service: a check needs none, and a kiosk's session writes nothing. */
  g_autoptr(EnrSession) session = enr_session_new (NULL, NULL, NULL, anchor_path, TRUE, NULL);
  g_autoptr(GAsyncResult) result = NULL;

  enr_document_check_file_async (session, file, NULL, enr_test_store_result, &result);
  return enr_document_check_file_finish (enr_test_wait_result (&result), error);
}

static EnrDocumentCheck *
check (const char *pdf,
       const char *anchor)
{
  g_autoptr(GError) error = NULL;
  EnrDocumentCheck *result = check_full (pdf, anchor, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static EnrCheckedSignature *
signature_at (EnrDocumentCheck *result,
              guint             index)
{
  GPtrArray *signatures = enr_document_check_get_signatures (result);

  g_assert_cmpuint (index, <, signatures->len);
  return g_ptr_array_index (signatures, index);
}

/* The verdict of @signature whose sentence holds @words, which must be
 * said at @level with its icon. */
static void
assert_verdict (const EnrCheckedSignature *signature,
                EnrCheckLevel              level,
                const char                *words)
{
  static const char *const icons[] = { "emblem-ok-symbolic", "dialog-warning-symbolic",
                                       "dialog-error-symbolic" };

  for (guint i = 0; i < signature->verdicts->len; i++)
    {
      const EnrCheckVerdict *verdict = g_ptr_array_index (signature->verdicts, i);

      if (strstr (verdict->sentence, words) == NULL)
        continue;
      g_assert_cmpint (verdict->level, ==, level);
      g_assert_cmpstr (verdict->icon_name, ==, icons[level]);
      return;
    }
  g_error ("no verdict says “%s”", words);
}

static JsonObject *
json_signature (JsonNode *root,
                guint     index)
{
  JsonArray *signatures = json_object_get_array_member (json_node_get_object (root),
                                                        "signatures");

  return json_array_get_object_element (signatures, index);
}

static void
test_timestamped (void)
{
  g_autoptr(EnrDocumentCheck) result = check ("bt.pdf", "trust.pem");
  EnrCheckedSignature *signature;
  g_autoptr(JsonNode) json = NULL;
  g_autofree char *when = NULL;
  JsonObject *object;

  g_assert_true (enr_document_check_is_valid (result));
  g_assert_cmpuint (enr_document_check_get_signatures (result)->len, ==, 1);
  g_assert_cmpint (enr_document_check_get_summary (result)->level, ==, ENR_CHECK_GOOD);
  g_assert_cmpstr (enr_document_check_get_summary (result)->sentence, ==,
                   "This document carries 1 valid signature and has not been changed since.");
  g_assert_cmpstr (enr_document_check_get_summary (result)->icon_name, ==, "emblem-ok-symbolic");

  signature = signature_at (result, 0);
  g_assert_true (signature->valid);
  g_assert_true (signature->time_trusted);
  g_assert_cmpstr (signature->signer_name, ==, "Nguyễn Văn An");
  /* The citizen ID masked as everywhere in the program. */
  g_assert_cmpstr (signature->masked_citizen_id, ==, "001******001");
  g_assert_cmpstr (signature->issuer_name, ==, "SmartCA Test RS");
  g_assert_cmpint (g_date_time_get_utc_offset (signature->time) / G_TIME_SPAN_SECOND, ==,
                   7 * 3600);
  g_assert_cmpstr (signature->summary.sentence, ==,
                   "Signed by Nguyễn Văn An (citizen ID 001******001). This signature is valid.");
  g_assert_cmpint (signature->summary.level, ==, ENR_CHECK_GOOD);
  assert_verdict (signature, ENR_CHECK_GOOD, "The signature matches the content it signed.");
  assert_verdict (signature, ENR_CHECK_GOOD, "has not been changed since this signature");
  assert_verdict (signature, ENR_CHECK_GOOD, "issued by SmartCA Test RS, a trusted signing "
                                             "authority, and was valid at the time of signing");
  assert_verdict (signature, ENR_CHECK_GOOD, "a trusted time from the time-stamp authority "
                                             "SmartCA Sandbox TSA");
  /* The time said is Vietnam's, whatever the computer's zone (the tests
   * run in UTC): the same as the signature's time, which is Vietnam's. */
  when = g_date_time_format (signature->time, "Signed on %d/%m/%Y %H:%M:%S");
  assert_verdict (signature, ENR_CHECK_GOOD, when);
  g_assert_cmpuint (signature->verdicts->len, ==, 4);
  g_assert_nonnull (strstr (signature->details, "Sub-filter: ETSI.CAdES.detached\n"));
  g_assert_nonnull (strstr (signature->details, "Time stamp: valid\n"));
  g_assert_nonnull (strstr (signature->details, "Serial number: "));

  json = enr_document_check_to_json (result);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (json), "valid"));
  object = json_signature (json, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "signer"), ==, "Nguyễn Văn An");
  g_assert_cmpstr (json_object_get_string_member (object, "citizenId"), ==, "001******001");
  g_assert_cmpstr (json_object_get_string_member (object, "issuer"), ==, "SmartCA Test RS");
  g_assert_cmpstr (json_object_get_string_member (object, "timeSource"), ==, "trusted");
  g_assert_cmpstr (json_object_get_string_member (object, "integrity"), ==, "intact");
  g_assert_cmpstr (json_object_get_string_member (object, "change"), ==, "unchanged");
  g_assert_cmpstr (json_object_get_string_member (object, "trust"), ==, "trusted");
  g_assert_cmpstr (json_object_get_string_member (object, "timestamp"), ==, "valid");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "time"), "+07:00"));
  g_assert_true (json_object_get_boolean_member (object, "valid"));
}

static void
test_claimed_time (void)
{
  g_autoptr(EnrDocumentCheck) result = check ("bb.pdf", "trust-bb.pem");
  EnrCheckedSignature *signature = signature_at (result, 0);

  /* Valid without a trusted time, but the citizen is told whose clock it is. */
  g_assert_true (enr_document_check_is_valid (result));
  g_assert_true (signature->valid);
  g_assert_false (signature->time_trusted);
  g_assert_cmpint (signature->summary.level, ==, ENR_CHECK_WARNING);
  assert_verdict (signature, ENR_CHECK_WARNING, "as the signer’s computer claims");
  g_assert_cmpint (enr_document_check_get_summary (result)->level, ==, ENR_CHECK_WARNING);
  g_assert_nonnull (strstr (enr_document_check_get_summary (result)->sentence,
                            "only what the signer’s computer claims"));
}

static void
test_twice_signed (void)
{
  g_autoptr(EnrDocumentCheck) result = check ("twice.pdf", "trust.pem");
  g_autoptr(JsonNode) json = enr_document_check_to_json (result);

  g_assert_true (enr_document_check_is_valid (result));
  g_assert_cmpuint (enr_document_check_get_signatures (result)->len, ==, 2);
  /* Oldest first. */
  g_assert_cmpstr (signature_at (result, 0)->signer_name, ==, "Nguyễn Văn An");
  g_assert_cmpstr (signature_at (result, 1)->signer_name, ==, "Trần Thị Bích Ngọc");
  assert_verdict (signature_at (result, 0), ENR_CHECK_GOOD,
                  "Since this signature, the document has only been signed again");
  assert_verdict (signature_at (result, 1), ENR_CHECK_GOOD,
                  "has not been changed since this signature");
  g_assert_cmpstr (enr_document_check_get_summary (result)->sentence, ==,
                   "This document carries 2 valid signatures and has not been changed since.");
  g_assert_cmpstr (json_object_get_string_member (json_signature (json, 0), "change"), ==,
                   "only-signatures");
  g_assert_cmpstr (json_object_get_string_member (json_signature (json, 1), "change"), ==,
                   "unchanged");
}

static void
test_tampered (void)
{
  g_autoptr(EnrDocumentCheck) result = check ("tampered.pdf", "trust.pem");
  const EnrCheckVerdict *summary = enr_document_check_get_summary (result);

  g_assert_false (enr_document_check_is_valid (result));
  for (guint i = 0; i < 2; i++)
    {
      EnrCheckedSignature *signature = signature_at (result, i);

      g_assert_false (signature->valid);
      g_assert_cmpint (signature->summary.level, ==, ENR_CHECK_BAD);
      g_assert_cmpstr (signature->summary.icon_name, ==, "dialog-error-symbolic");
      g_assert_nonnull (strstr (signature->summary.sentence, "cannot be relied on"));
      assert_verdict (signature, ENR_CHECK_BAD, "The signed content has been altered");
    }
  g_assert_cmpint (summary->level, ==, ENR_CHECK_BAD);
  g_assert_cmpstr (summary->sentence, ==,
                   "2 of this document’s 2 signatures cannot be relied on.");
}

static void
test_untrusted_root (void)
{
  g_autoptr(EnrDocumentCheck) result = check ("bt.pdf", "other.pem");
  g_autoptr(JsonNode) json = enr_document_check_to_json (result);
  EnrCheckedSignature *signature = signature_at (result, 0);

  g_assert_false (enr_document_check_is_valid (result));
  g_assert_false (signature->valid);
  assert_verdict (signature, ENR_CHECK_BAD,
                  "issued by SmartCA Test RS, which is not a trusted signing authority");
  /* Its bytes are as signed: only the trust fails. */
  assert_verdict (signature, ENR_CHECK_GOOD, "The signature matches the content it signed.");
  g_assert_cmpstr (enr_document_check_get_summary (result)->sentence, ==,
                   "The signature of this document cannot be relied on.");
  g_assert_cmpstr (json_object_get_string_member (json_signature (json, 0), "trust"), ==,
                   "untrusted");
}

static void
test_signed_by_nss (void)
{
  g_autoptr(EnrDocumentCheck) result = check ("nss.pdf", "other.pem");
  g_autoptr(EnrDocumentCheck) untrusted = check ("nss.pdf", "trust.pem");
  EnrCheckedSignature *signature = signature_at (result, 0);

  g_assert_true (enr_document_check_is_valid (result));
  g_assert_cmpstr (signature->signer_name, ==, "Lê Văn Khác");
  g_assert_cmpstr (signature->masked_citizen_id, ==, "001******003");
  g_assert_cmpstr (signature->issuer_name, ==, "Other Signing Root");
  g_assert_false (signature->time_trusted);
  assert_verdict (signature, ENR_CHECK_WARNING, "as the signer’s computer claims");
  g_assert_nonnull (strstr (signature->details, "Sub-filter: adbe.pkcs7.detached\n"));

  g_assert_false (enr_document_check_is_valid (untrusted));
  assert_verdict (signature_at (untrusted, 0), ENR_CHECK_BAD, "not a trusted signing authority");
}

static void
test_unsigned (void)
{
  g_autoptr(EnrDocumentCheck) result = check ("unsigned.pdf", "trust.pem");
  g_autoptr(JsonNode) json = enr_document_check_to_json (result);

  g_assert_false (enr_document_check_is_valid (result));
  g_assert_cmpuint (enr_document_check_get_signatures (result)->len, ==, 0);
  g_assert_cmpint (enr_document_check_get_summary (result)->level, ==, ENR_CHECK_BAD);
  g_assert_nonnull (strstr (enr_document_check_get_summary (result)->sentence,
                            "carries no signature"));
  g_assert_false (json_object_get_boolean_member (json_node_get_object (json), "valid"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                      json_node_get_object (json), "signatures")), ==, 0);
}

static void
test_not_a_pdf (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrDocumentCheck) result = check_full ("not-a-pdf.pdf", "trust.pem", &error);

  g_assert_null (result);
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_REFUSED);
  g_assert_cmpint (enr_session_error_get_reason (error), ==, ENR_SESSION_REASON_DOCUMENT);
  g_assert_nonnull (strstr (error->message, "“not-a-pdf.pdf” is not a PDF document"));
}

static void
test_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrDocumentCheck) result = check_full ("gone.pdf", "trust.pem", &error);

  g_assert_null (result);
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_REFUSED);
  g_assert_cmpint (enr_session_error_get_reason (error), ==, ENR_SESSION_REASON_DOCUMENT);
  g_assert_nonnull (strstr (error->message, "“gone.pdf” could not be read"));
}

int
main (int    argc,
      char **argv)
{
  /* The sentences are tested in the program's source language. */
  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/document-check/timestamped", test_timestamped);
  g_test_add_func ("/document-check/claimed-time", test_claimed_time);
  g_test_add_func ("/document-check/twice-signed", test_twice_signed);
  g_test_add_func ("/document-check/tampered", test_tampered);
  g_test_add_func ("/document-check/untrusted-root", test_untrusted_root);
  g_test_add_func ("/document-check/signed-by-nss", test_signed_by_nss);
  g_test_add_func ("/document-check/unsigned", test_unsigned);
  g_test_add_func ("/document-check/not-a-pdf", test_not_a_pdf);
  g_test_add_func ("/document-check/missing", test_missing);
  return g_test_run ();
}
