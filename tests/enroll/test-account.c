/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The enrolled desktop (EnrAccount) and the change of device
 * (EnrDeviceLink) against a real smartca-sandbox, with no GTK: a portal's
 * signing request approved with the PIN (its signatures checked with
 * GnuTLS against the citizen's certificate), rejected, expired; the PIN
 * changed; SmartCA removed from this computer; a citizen enrolled at a
 * kiosk linking a desktop; a forgotten PIN replaced.
 *
 * Run through tests/crypto/keyring-run.sh gnome-keyring: the desktop
 * sessions keep their key handle in a keyring of their own.
 */
#define G_LOG_DOMAIN "test-account"

#include "config.h"

#include <glib/gstdio.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <libsecret/secret.h>
#include <string.h>

#include "enr-account.h"
#include "enr-crypto-error.h"
#include "enr-device-link.h"
#include "enr-service-error.h"
#include "enr-store-error.h"
#include "enr-test-enroll.h"
#include "enr-test-sandbox.h"

#define PIN     "274913"
#define NEW_PIN "583061"

typedef struct
{
  EnrTestSandbox  sandbox;
  EnrSession     *session;
  EnrAccount     *account;
} Fixture;

#define WAIT(res) enr_test_wait_result (&(res))

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  enr_test_sandbox_set_up (&fx->sandbox, "account", "200");
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->account);
  g_clear_object (&fx->session);
  enr_test_sandbox_tear_down (&fx->sandbox);
}

/* --- Helpers ------------------------------------------------------------------------ */

#define ACCOUNT(fx, error, action, ...) \
  ({ g_autoptr(GAsyncResult) acc_res_ = NULL; \
     enr_account_##action##_async ((fx)->account, ##__VA_ARGS__, NULL, enr_test_store_result, \
                                   &acc_res_); \
     enr_account_##action##_finish ((fx)->account, WAIT (acc_res_), (error)); })

#define LINK(link, error, action, ...) \
  ({ g_autoptr(GAsyncResult) link_res_ = NULL; \
     enr_device_link_##action##_async ((link), ##__VA_ARGS__, NULL, enr_test_store_result, \
                                       &link_res_); \
     enr_device_link_##action##_finish ((link), WAIT (link_res_), (error)); })

/* The citizen enrolled on this desktop, then the program started again:
 * a fresh session resumed from what this computer keeps. */
static void
enroll_and_reopen (Fixture              *fx,
                   const EnrTestCitizen *citizen)
{
  g_autoptr(EnrSession) first = enr_test_new_session (fx->sandbox.runner, FALSE, fx->sandbox.state_dir);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  g_assert_true (enr_test_enroll (first, fx->sandbox.control, citizen, PIN, &error));
  g_assert_no_error (error);
  g_clear_object (&first);

  fx->session = enr_test_new_session (fx->sandbox.runner, FALSE, fx->sandbox.state_dir);
  enr_session_resume_async (fx->session, NULL, enr_test_store_result, &res);
  g_assert_true (enr_session_resume_finish (fx->session, WAIT (res), &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_true (enr_account_session_is_enrolled (fx->session));
  fx->account = enr_account_new (fx->session);
}

static void
refresh (Fixture *fx)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ACCOUNT (fx, &error, refresh));
  g_assert_no_error (error);
}

/* A public-service portal asks the citizen to sign @n documents. */
static char *
portal_request (Fixture              *fx,
                const EnrTestCitizen *citizen,
                const char           *description,
                guint                 n,
                GPtrArray            *digests)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  char *tran_id;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *content = g_strdup_printf ("Tờ khai %u của %s", i + 1, description);
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize len = sizeof digest;

      g_checksum_update (checksum, (const guchar *) content, -1);
      g_checksum_get_digest (checksum, digest, &len);
      g_ptr_array_add (names, g_strdup_printf ("to-khai-%u.pdf", i + 1));
      g_ptr_array_add (hashes, g_base64_encode (digest, len));
      if (digests != NULL)
        g_ptr_array_add (digests, g_bytes_new (digest, len));
    }
  g_ptr_array_add (names, NULL);
  g_ptr_array_add (hashes, NULL);

  enr_sandbox_control_portal_sign_async (fx->sandbox.control, citizen->id, description,
                                         (const char * const *) names->pdata,
                                         (const char * const *) hashes->pdata, NULL,
                                         enr_test_store_result, &res);
  tran_id = enr_sandbox_control_portal_sign_finish (fx->sandbox.control, WAIT (res), &error);
  g_assert_no_error (error);
  g_assert_nonnull (tran_id);
  return tran_id;
}

static EnrSandboxPortalTransaction *
portal_transaction (Fixture    *fx,
                    const char *tran_id)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  EnrSandboxPortalTransaction *transaction;

  enr_sandbox_control_portal_transaction_async (fx->sandbox.control, tran_id, NULL,
                                                enr_test_store_result, &res);
  transaction = enr_sandbox_control_portal_transaction_finish (fx->sandbox.control, WAIT (res), &error);
  g_assert_no_error (error);
  return transaction;
}

static EnrSigningRequest *
listed_request (Fixture    *fx,
                const char *tran_id)
{
  GListModel *requests = enr_account_get_requests (fx->account);

  for (guint i = 0; i < g_list_model_get_n_items (requests); i++)
    {
      g_autoptr(EnrSigningRequest) request = g_list_model_get_item (requests, i);

      if (g_str_equal (enr_signing_request_get_id (request), tran_id))
        return request;   /* the list holds it */
    }
  return NULL;
}

/* An RSA PKCS#1 v1.5 signature over @digest's DigestInfo, by @certificate's key. */
static void
assert_signed_by (EnrSession *session,
                  GBytes     *digest,
                  GBytes     *signature)
{
  g_autoptr(EnrCertificate) certificate = enr_test_session_certificate (session);
  gnutls_pubkey_t key = NULL;
  gnutls_datum_t hash = { (guchar *) g_bytes_get_data (digest, NULL),
                          (guint) g_bytes_get_size (digest) };
  gnutls_datum_t sig = { (guchar *) g_bytes_get_data (signature, NULL),
                         (guint) g_bytes_get_size (signature) };

  g_assert_cmpint (gnutls_pubkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_pubkey_import_x509 (key, enr_certificate_get_x509 (certificate), 0),
                   ==, 0);
  g_assert_cmpint (gnutls_pubkey_verify_hash2 (key, GNUTLS_SIGN_RSA_SHA256, 0, &hash, &sig), >=,
                   0);
  gnutls_pubkey_deinit (key);
}

/* What the keyring keeps at this test's SmartCA (earlier tests' sandboxes
 * had other addresses; an item names no citizen in its attributes, and
 * one test enrolls one citizen). */
static gboolean
keyring_holds (Fixture              *fx,
               const EnrTestCitizen *citizen)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;
  gboolean found;

  g_hash_table_insert (attributes, "xdg:schema", "vn.smartca.Enroll.KeyHandle");
  g_hash_table_insert (attributes, "service-url",
                       (gpointer) enr_sandbox_runner_get_smartca_url (fx->sandbox.runner));
  items = secret_service_search_sync (NULL, NULL, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK, NULL, &error);
  g_assert_no_error (error);
  found = items != NULL;
  g_list_free_full (items, g_object_unref);
  return found;
}

/* --- The enrolled desktop ------------------------------------------------------------ */

static void
test_status (Fixture       *fx,
             gconstpointer  data)
{
  const EnrAccountStatus *status;

  enroll_and_reopen (fx, &ENR_TEST_AN);
  refresh (fx);
  status = enr_account_get_status (fx->account);
  g_assert_nonnull (status);
  g_assert_cmpstr (status->certificate_status, ==, "VALID");
  g_assert_cmpstr (status->key_status, ==, "ENABLED");
  g_assert_cmpstr (status->serial, ==,
                   enr_session_get_certificate (fx->session)->serial);
  g_assert_cmpint (status->valid_to, >, g_get_real_time () + 300 * G_TIME_SPAN_DAY);
  g_assert_cmpuint (g_list_model_get_n_items (enr_account_get_requests (fx->account)), ==, 0);
  g_assert_cmpint (enr_session_get_pin_attempts_left (fx->session), ==, 5);
}

static void
test_approve (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(EnrSandboxPortalTransaction) transaction = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tran_id = NULL;
  g_autofree char *first_hash = NULL;
  EnrSigningRequest *request;

  enroll_and_reopen (fx, &ENR_TEST_AN);
  tran_id = portal_request (fx, &ENR_TEST_AN, "Hồ sơ đăng ký hộ kinh doanh", 2, digests);
  refresh (fx);
  request = listed_request (fx, tran_id);
  g_assert_nonnull (request);
  g_assert_cmpstr (enr_signing_request_get_description (request), ==,
                   "Hồ sơ đăng ký hộ kinh doanh");
  g_assert_cmpuint (enr_signing_request_get_n_documents (request), ==, 2);
  g_assert_cmpstr (enr_signing_request_get_document_name (request, 1), ==, "to-khai-2.pdf");
  first_hash = g_base64_encode (g_bytes_get_data (g_ptr_array_index (digests, 0), NULL), 32);
  g_assert_cmpstr (enr_signing_request_get_document_hash (request, 0), ==, first_hash);
  g_assert_cmpint (enr_signing_request_get_expires_at (request), >, g_get_real_time ());

  /* A refresh keeps the same object in the same place. */
  refresh (fx);
  g_assert_true (listed_request (fx, tran_id) == request);

  /* A wrong PIN signs nothing and counts. */
  g_assert_false (ACCOUNT (fx, &error, approve, request, "000000"));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_WRONG);
  g_clear_error (&error);
  g_assert_cmpint (enr_session_get_pin_attempts_left (fx->session), ==, 4);
  g_assert_nonnull (listed_request (fx, tran_id));
  transaction = portal_transaction (fx, tran_id);
  g_assert_cmpint (transaction->status, ==, 4000);
  g_clear_pointer (&transaction, enr_sandbox_portal_transaction_free);

  g_object_ref (request);
  g_assert_true (ACCOUNT (fx, &error, approve, request, PIN));
  g_assert_no_error (error);
  g_object_unref (request);
  g_assert_null (listed_request (fx, tran_id));
  g_assert_cmpint (enr_session_get_pin_attempts_left (fx->session), ==, 5);

  transaction = portal_transaction (fx, tran_id);
  g_assert_cmpint (transaction->status, ==, 1);
  g_assert_cmpstr (transaction->status_desc, ==, "SUCCESS");
  g_assert_cmpuint (transaction->signatures->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    assert_signed_by (fx->session,
                      g_ptr_array_index (digests, i),
                      g_ptr_array_index (transaction->signatures, i));
}

static void
test_reject (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(EnrSandboxPortalTransaction) transaction = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tran_id = NULL;

  enroll_and_reopen (fx, &ENR_TEST_AN);
  tran_id = portal_request (fx, &ENR_TEST_AN, "Tờ khai thuế", 1, NULL);
  refresh (fx);
  g_assert_true (ACCOUNT (fx, &error, reject, listed_request (fx, tran_id)));
  g_assert_no_error (error);
  g_assert_null (listed_request (fx, tran_id));

  transaction = portal_transaction (fx, tran_id);
  g_assert_cmpint (transaction->status, ==, 4002);
  g_assert_cmpstr (transaction->status_desc, ==, "SIGNER_REJECTED");
  g_assert_cmpuint (transaction->signatures->len, ==, 0);
}

static void
test_request_gone (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tran_id = NULL;
  EnrSigningRequest *request;

  enroll_and_reopen (fx, &ENR_TEST_AN);
  tran_id = portal_request (fx, &ENR_TEST_AN, "Tờ khai hết hạn", 1, NULL);
  refresh (fx);
  request = g_object_ref (listed_request (fx, tran_id));

  /* The request waits 300 s; the citizen comes back later. */
  enr_sandbox_control_advance_clock_async (fx->sandbox.control, 301, NULL, enr_test_store_result, &res);
  enr_sandbox_control_advance_clock_finish (fx->sandbox.control, WAIT (res), &error);
  g_assert_no_error (error);

  g_assert_false (ACCOUNT (fx, &error, approve, request, PIN));
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_REFUSED);
  g_assert_cmpint (enr_session_error_get_reason (error), ==, ENR_SESSION_REASON_REQUEST_GONE);
  g_assert_null (listed_request (fx, tran_id));
  g_object_unref (request);
}

static void
test_change_pin (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tran_id = NULL;

  enroll_and_reopen (fx, &ENR_TEST_AN);

  /* A PIN the policy refuses costs no try of the old one. */
  g_assert_false (ACCOUNT (fx, &error, change_pin, PIN, "123456", "123456"));
  enr_test_assert_told (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_PIN_POLICY);
  g_clear_error (&error);
  g_assert_false (ACCOUNT (fx, &error, change_pin, PIN, NEW_PIN, "583062"));
  enr_test_assert_told (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_PIN_POLICY);
  g_clear_error (&error);
  g_assert_cmpint (enr_session_get_pin_attempts_left (fx->session), ==, 5);

  g_assert_false (ACCOUNT (fx, &error, change_pin, "000000", NEW_PIN, NEW_PIN));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_WRONG);
  g_clear_error (&error);
  g_assert_cmpint (enr_session_get_pin_attempts_left (fx->session), ==, 4);

  g_assert_true (ACCOUNT (fx, &error, change_pin, PIN, NEW_PIN, NEW_PIN));
  g_assert_no_error (error);

  /* The old PIN opens nothing any more; the new one does. */
  tran_id = portal_request (fx, &ENR_TEST_AN, "Sau khi đổi PIN", 1, NULL);
  refresh (fx);
  g_assert_false (ACCOUNT (fx, &error, approve, listed_request (fx, tran_id), PIN));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_WRONG);
  g_clear_error (&error);
  g_assert_true (ACCOUNT (fx, &error, approve, listed_request (fx, tran_id), NEW_PIN));
  g_assert_no_error (error);
}

static void
test_remove (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(EnrSession) again = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *checkpoint = g_build_filename (fx->sandbox.state_dir, "enrollment.json", NULL);
  gboolean found = TRUE;

  enroll_and_reopen (fx, &ENR_TEST_AN);
  g_assert_true (keyring_holds (fx, &ENR_TEST_AN));
  g_assert_true (g_file_test (checkpoint, G_FILE_TEST_EXISTS));

  g_assert_true (ACCOUNT (fx, &error, remove));
  g_assert_no_error (error);
  g_assert_false (keyring_holds (fx, &ENR_TEST_AN));
  g_assert_false (g_file_test (checkpoint, G_FILE_TEST_EXISTS));
  g_assert_false (enr_account_session_is_enrolled (fx->session));
  g_assert_null (enr_account_get_status (fx->account));

  again = enr_test_new_session (fx->sandbox.runner, FALSE, fx->sandbox.state_dir);
  enr_session_resume_async (again, NULL, enr_test_store_result, &res);
  g_assert_true (enr_session_resume_finish (again, WAIT (res), &found, &error));
  g_assert_false (found);
}

/* --- The change of device -------------------------------------------------------------- */

static void
link_this_computer (Fixture              *fx,
                    const EnrTestCitizen *citizen,
                    const char           *pin)
{
  g_autoptr(EnrDeviceLink) link = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *otp = NULL;
  g_autofree char *wrong = NULL;
  const EnrOtpState *state;

  g_assert_true (enr_test_log_in (fx->session, fx->sandbox.control, citizen, &error));
  g_assert_no_error (error);
  link = enr_device_link_new (fx->session);

  g_assert_false (LINK (link, &error, find, FALSE));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_CONSENT_REQUIRED);
  g_clear_error (&error);
  g_assert_true (LINK (link, &error, find, TRUE));
  g_assert_no_error (error);
  g_assert_true (enr_device_link_get_found (link));
  g_assert_false (enr_device_link_get_linked (link));

  g_assert_true (LINK (link, &error, send_code));
  g_assert_no_error (error);
  state = enr_session_get_otp (fx->session);
  g_assert_cmpint (state->purpose, ==, ENR_OTP_PURPOSE_DEVICE);
  g_assert_cmpint (state->attempts_left, ==, 5);
  otp = enr_test_latest_otp (fx->sandbox.control, citizen->phone, "device");

  /* The PIN policy first: nothing is sent. */
  g_assert_false (LINK (link, &error, link, otp, "111111", "111111"));
  enr_test_assert_told (error, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_PIN_POLICY);
  g_clear_error (&error);

  wrong = g_strdup_printf ("%06d", (atoi (otp) + 1) % 1000000);
  g_assert_false (LINK (link, &error, link, wrong, pin, pin));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_OTP_WRONG);
  g_clear_error (&error);
  g_assert_cmpint (enr_session_get_otp (fx->session)->attempts_left, ==, 4);
  g_assert_false (enr_device_link_get_linked (link));

  g_assert_true (LINK (link, &error, link, otp, pin, pin));
  g_assert_no_error (error);
  g_assert_true (enr_device_link_get_linked (link));
  g_assert_null (enr_session_get_otp (fx->session));
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_DONE);
  g_assert_true (enr_account_session_is_enrolled (fx->session));
}

static void
approve_one (Fixture              *fx,
             const EnrTestCitizen *citizen,
             const char           *pin)
{
  g_autoptr(GPtrArray) digests = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(EnrSandboxPortalTransaction) transaction = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tran_id = NULL;

  tran_id = portal_request (fx, citizen, "Đơn xin cấp giấy phép", 1, digests);
  refresh (fx);
  g_assert_true (ACCOUNT (fx, &error, approve, listed_request (fx, tran_id), pin));
  g_assert_no_error (error);
  transaction = portal_transaction (fx, tran_id);
  g_assert_cmpint (transaction->status, ==, 1);
  assert_signed_by (fx->session, g_ptr_array_index (digests, 0),
                    g_ptr_array_index (transaction->signatures, 0));
}

static void
test_link_after_kiosk (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(EnrSession) kiosk = enr_test_new_session (fx->sandbox.runner, TRUE, NULL);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  /* Enrolled at a counter: nothing of it on this computer. */
  g_assert_true (enr_test_enroll (kiosk, fx->sandbox.control, &ENR_TEST_NGOC, PIN, &error));
  g_assert_no_error (error);
  enr_session_wipe (kiosk);
  g_clear_object (&kiosk);
  g_assert_false (keyring_holds (fx, &ENR_TEST_NGOC));

  fx->session = enr_test_new_session (fx->sandbox.runner, FALSE, fx->sandbox.state_dir);
  link_this_computer (fx, &ENR_TEST_NGOC, NEW_PIN);
  g_assert_true (keyring_holds (fx, &ENR_TEST_NGOC));
  g_assert_cmpstr (enr_session_get_certificate (fx->session)->holder,
                   ==, ENR_TEST_NGOC.full_name);
  fx->account = enr_account_new (fx->session);
  approve_one (fx, &ENR_TEST_NGOC, NEW_PIN);

  /* And after the program starts again. */
  g_clear_object (&fx->account);
  g_clear_object (&fx->session);
  fx->session = enr_test_new_session (fx->sandbox.runner, FALSE, fx->sandbox.state_dir);
  enr_session_resume_async (fx->session, NULL, enr_test_store_result, &res);
  g_assert_true (enr_session_resume_finish (fx->session, WAIT (res), &found, &error));
  g_assert_no_error (error);
  g_assert_true (enr_account_session_is_enrolled (fx->session));
  fx->account = enr_account_new (fx->session);
  approve_one (fx, &ENR_TEST_NGOC, NEW_PIN);
}

static void
test_link_forgotten_pin (Fixture       *fx,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tran_id = NULL;

  enroll_and_reopen (fx, &ENR_TEST_AN);
  link_this_computer (fx, &ENR_TEST_AN, NEW_PIN);

  tran_id = portal_request (fx, &ENR_TEST_AN, "Sau khi liên kết lại", 1, NULL);
  refresh (fx);
  g_assert_false (ACCOUNT (fx, &error, approve, listed_request (fx, tran_id), PIN));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_WRONG);
  g_clear_error (&error);
  g_assert_true (ACCOUNT (fx, &error, approve, listed_request (fx, tran_id), NEW_PIN));
  g_assert_no_error (error);
}

static void
test_link_not_enrolled (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(EnrDeviceLink) link = NULL;
  g_autoptr(GError) error = NULL;

  fx->session = enr_test_new_session (fx->sandbox.runner, FALSE, fx->sandbox.state_dir);
  g_assert_true (enr_test_log_in (fx->session, fx->sandbox.control, &ENR_TEST_NHUNG, &error));
  g_assert_no_error (error);
  link = enr_device_link_new (fx->session);
  g_assert_false (LINK (link, &error, find, TRUE));
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_REFUSED);
  g_assert_cmpint (enr_session_error_get_reason (error), ==, ENR_SESSION_REASON_NOT_ENROLLED);
  g_clear_error (&error);
  g_assert_false (enr_device_link_get_found (link));
  /* The registration goes on where the wizard takes it up. */
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_INITIALIZE);
  g_assert_false (LINK (link, &error, send_code));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_WRONG_STATE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/account/status", test_status);
  ADD ("/account/approve", test_approve);
  ADD ("/account/reject", test_reject);
  ADD ("/account/request-gone", test_request_gone);
  ADD ("/account/change-pin", test_change_pin);
  ADD ("/account/remove", test_remove);
  ADD ("/link/after-kiosk", test_link_after_kiosk);
  ADD ("/link/forgotten-pin", test_link_forgotten_pin);
  ADD ("/link/not-enrolled", test_link_not_enrolled);
#undef ADD

  return g_test_run ();
}
