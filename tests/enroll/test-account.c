/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * The enrolled desktop (EnrAccount) and the change of device
 * (EnrDeviceLink) against a real smartca-sandbox, with no GTK: a portal's
 * signing request approved with the PIN (its signatures checked with
 * GnuTLS against the citizen's certificate), rejected, expired; the PIN
 * changed; SmartCA removed from this computer; a citizen enrolled at a
 * kiosk linking a desktop; a forgotten PIN replaced; the PIN guard (a
 * copy of the keyring item opens nothing without SmartCA, the fifth wrong
 * PIN locks the key, a dropped PIN call is never sent again); a change of
 * device that needs a fresh VNeID login; an enrollment kept by a version
 * before the PIN guard brought up to date.
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
#include "enr-checkpoint.h"
#include "enr-crypto-error.h"
#include "enr-device-link.h"
#include "enr-http.h"
#include "enr-kak.h"
#include "enr-key-handle-private.h"
#include "enr-key-wrap.h"
#include "enr-keyring.h"
#include "enr-pin-guard.h"
#include "enr-service-error.h"
#include "enr-session-private.h"
#include "enr-smartca-client.h"
#include "enr-state-file.h"
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


/* --- The PIN guard ---------------------------------------------------------------------- */

/* What a thief who copied the keyring file holds: the key handle's record,
 * read straight from the item. */
static EnrKeyHandle *
copy_of_keyring_item (Fixture *fx)
{
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GError) error = NULL;
  EnrKeyHandle *handle;
  const char *data;
  gsize len = 0;

  value = secret_password_lookup_binary_sync (enr_keyring_get_schema (), NULL, &error,
                                              "handle-id", _enr_session_get_handle_id (fx->session),
                                              "service-url",
                                              enr_sandbox_runner_get_smartca_url (fx->sandbox.runner),
                                              NULL);
  g_assert_no_error (error);
  g_assert_nonnull (value);
  data = secret_value_get (value, &len);
  handle = enr_key_handle_parse ((const guint8 *) data, len, &error);
  g_assert_no_error (error);
  return handle;
}

static EnrKak *
unlock (Fixture     *fx,
        const char  *pin,
        GError     **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  _enr_session_unlock_async (fx->session, pin, NULL, enr_test_store_result, &res);
  return _enr_session_unlock_finish (fx->session, WAIT (res), error);
}

/*
 * The point of the PIN guard. From a copy of the keyring item alone, a
 * program that knows the right PIN computes everything this computer can
 * (stretched's verifier and pinKey, with the item's salt and count) and
 * still opens nothing: the wrapping needs SmartCA's share. With SmartCA,
 * the share comes for the right verifier only, and after five wrong PINs in
 * a row not even for the right one.
 */
static void
test_pin_guard (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr(EnrKeyHandle) stolen = NULL;
  g_autoptr(EnrPinGuardKeys) keys = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) wrapping = NULL;
  g_autoptr(GBytes) pin_key = NULL;
  g_autoptr(GBytes) verifier = NULL;
  g_autoptr(GBytes) share = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tran_id = NULL;
  EnrSmartcaClient *smartca;

  enroll_and_reopen (fx, &ENR_TEST_AN);
  stolen = copy_of_keyring_item (fx);
  g_assert_true (enr_key_handle_has_key (stolen));
  salt = enr_key_handle_get_salt (stolen);
  wrapping = enr_key_handle_get_wrapping (stolen);
  keys = enr_pin_guard_derive (PIN, salt, enr_key_handle_get_iterations (stolen), &error);
  g_assert_no_error (error);
  pin_key = enr_pin_guard_keys_get_pin_key (keys);
  verifier = enr_pin_guard_keys_get_verifier (keys);

  /* Everything the PIN and the item give, tried as the missing share. */
  {
    GBytes *candidates[] = { pin_key, verifier, salt, g_bytes_new_static (
                               "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0",
                               32) };

    for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
      {
        g_autoptr(GError) refused = NULL;
        g_autoptr(GBytes) none = NULL;

        none = enr_pin_guard_open (wrapping, pin_key, candidates[i],
                                   enr_key_handle_get_credential_id (stolen),
                                   enr_key_handle_get_device_id (stolen), &refused);
        g_assert_null (none);
        g_assert_true (refused != NULL);
      }
    g_bytes_unref (candidates[3]);
  }
  /* And as the old handles were, under a key from the PIN alone. */
  {
    g_autoptr(GError) refused = NULL;
    g_autoptr(GBytes) none = enr_key_wrap_open (wrapping, pin_key, NULL, &refused);

    g_assert_null (none);
    g_assert_error (refused, ENR_CRYPTO_ERROR, ENR_CRYPTO_ERROR_WRONG_PIN);
  }

  /* With SmartCA, the right PIN's verifier brings the share, which opens it. */
  smartca = _enr_session_get_smartca (fx->session);
  enr_smartca_client_verify_pin_async (smartca, _enr_session_get_credential_id (fx->session),
                                       verifier, NULL, enr_test_store_result, &res);
  share = enr_smartca_client_verify_pin_finish (smartca, WAIT (res), &error);
  g_assert_no_error (error);
  opened = enr_pin_guard_open (wrapping, pin_key, share, enr_key_handle_get_credential_id (stolen),
                               enr_key_handle_get_device_id (stolen), &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);

  /* Online, five wrong PINs in a row lock the key: the sixth try is
   * refused, even with the right PIN, and nothing is signed. */
  tran_id = portal_request (fx, &ENR_TEST_AN, "Sau năm lần sai", 1, NULL);
  refresh (fx);
  for (gint left = 4; left >= 1; left--)
    {
      g_autoptr(EnrKak) none = unlock (fx, "000000", &error);

      g_assert_null (none);
      g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_WRONG);
      g_assert_cmpint (enr_service_error_get_details (error)->attempts_left, ==, left);
      g_assert_cmpint (enr_session_get_pin_attempts_left (fx->session), ==, left);
      g_clear_error (&error);
    }
  g_assert_false (ACCOUNT (fx, &error, approve, listed_request (fx, tran_id), "000000"));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_LOCKED);
  g_assert_cmpint (enr_session_error_get_unlock (error), ==, ENR_SESSION_UNLOCK_LINK_AGAIN);
  g_assert_cmpint (enr_session_error_get_attempts_left (error), ==, 0);
  g_clear_error (&error);
  g_assert_false (ACCOUNT (fx, &error, approve, listed_request (fx, tran_id), PIN));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_LOCKED);
  g_clear_error (&error);
  g_assert_cmpint (enr_session_get_pin_attempts_left (fx->session), ==, 0);
  {
    g_autoptr(EnrSandboxPortalTransaction) transaction = portal_transaction (fx, tran_id);

    g_assert_cmpint (transaction->status, ==, 4000);
  }

  /* The way out is a change of device: a new key, a new PIN guard. */
  link_this_computer (fx, &ENR_TEST_AN, NEW_PIN);
  g_assert_true (ACCOUNT (fx, &error, approve, listed_request (fx, tran_id), NEW_PIN));
  g_assert_no_error (error);
}

/* A PIN call whose connection broke once the request went out is never
 * sent again on its own: the service counted one wrong PIN, not six. */
static void
test_pin_call_not_retried (Fixture       *fx,
                           gconstpointer  data)
{
  EnrSandboxFaults drop = { .fail_rate = 1.0, .drop_connection = TRUE };
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  EnrHttp *http;
  guint before = 0, after = 0;

  enroll_and_reopen (fx, &ENR_TEST_NGOC);
  http = _enr_session_get_http (fx->session);
  refresh (fx);   /* the SmartCA login is renewed: the calls below need no renewal */

  enr_sandbox_control_set_faults_async (fx->sandbox.control, &drop, NULL, enr_test_store_result,
                                        &res);
  g_assert_true (enr_sandbox_control_set_faults_finish (fx->sandbox.control, WAIT (res), &error));
  g_clear_object (&res);
  enr_http_get_stats (http, &before, NULL);
  {
    g_autoptr(EnrKak) none = unlock (fx, "000000", &error);

    g_assert_null (none);
    g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_UNAVAILABLE);
    g_clear_error (&error);
  }
  enr_http_get_stats (http, &after, NULL);
  g_assert_cmpuint (after - before, ==, 1);

  enr_sandbox_control_set_faults_async (fx->sandbox.control, NULL, NULL, enr_test_store_result,
                                        &res);
  g_assert_true (enr_sandbox_control_set_faults_finish (fx->sandbox.control, WAIT (res), &error));
  {
    g_autoptr(EnrKak) none = unlock (fx, "000000", &error);

    g_assert_null (none);
    g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_WRONG);
    /* The dropped try counted once, this one once. */
    g_assert_cmpint (enr_service_error_get_details (error)->attempts_left, ==, 3);
    g_clear_error (&error);
  }
  {
    g_autoptr(EnrKak) kak = unlock (fx, PIN, &error);

    g_assert_no_error (error);
    g_assert_nonnull (kak);
  }
}

/* PROTOCOL.md rev 2: a change of device needs a SmartCA login from a VNeID
 * hand-off less than 15 minutes old, not one renewed with the refresh
 * token. One renewed (its access token ran out) is told as "log in to
 * VNeID again"; the new login brings a new hand-off, and the link goes on. */
static void
test_link_fresh_login (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(EnrDeviceLink) link = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *otp = NULL;
  g_autofree char *refresh_token = NULL;
  EnrSmartcaClient *smartca;

  enroll_and_reopen (fx, &ENR_TEST_BAO);
  g_assert_true (enr_test_log_in (fx->session, fx->sandbox.control, &ENR_TEST_BAO, &error));
  g_assert_no_error (error);
  link = enr_device_link_new (fx->session);
  g_assert_true (LINK (link, &error, find, TRUE));
  g_assert_no_error (error);

  /* The access token from the hand-off runs out: the next call renews it
   * with the refresh token, and that one may not start a change of device. */
  smartca = _enr_session_get_smartca (fx->session);
  refresh_token = enr_smartca_client_dup_refresh_token (smartca);
  enr_smartca_client_set_tokens (smartca, "expired-access-token", refresh_token);
  g_assert_false (LINK (link, &error, send_code));
  enr_test_assert_told (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_FRESH_LOGIN_REQUIRED);
  g_assert_error (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_LOG_IN);
  g_assert_true (enr_session_get_needs_login (fx->session));
  g_clear_error (&error);

  g_assert_true (enr_test_log_in (fx->session, fx->sandbox.control, &ENR_TEST_BAO, &error));
  g_assert_no_error (error);
  g_assert_false (enr_session_get_needs_login (fx->session));
  g_assert_true (LINK (link, &error, send_code));
  g_assert_no_error (error);
  otp = enr_test_latest_otp (fx->sandbox.control, ENR_TEST_BAO.phone, "device");
  g_assert_true (LINK (link, &error, link, otp, NEW_PIN, NEW_PIN));
  g_assert_no_error (error);
  approve_one (fx, &ENR_TEST_BAO, NEW_PIN);
}

/* --- An enrollment kept before the PIN guard ------------------------------------------- */

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

/*
 * Turns what this computer keeps into what a version before the PIN guard
 * kept: enrollment.json (version 1) with the citizen's identity in clear,
 * and a keyring item named by the citizen ID, its record of version 1 with
 * a KAK wrapped under the PIN alone.
 */
static void
make_it_old (Fixture              *fx,
             const EnrTestCitizen *citizen)
{
  g_autoptr(EnrKeyHandle) current = copy_of_keyring_item (fx);
  g_autofree char *path = g_build_filename (fx->sandbox.state_dir, "enrollment.json", NULL);
  g_autofree char *json = NULL;
  g_autofree char *now = NULL;
  g_autoptr(GBytes) now_bytes = NULL;
  g_autoptr(EnrCheckpoint) checkpoint = NULL;
  static const guint8 header[16] = { 'E', 'N', 'R', 'H', 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  g_autoptr(GByteArray) record = g_byte_array_new ();
  g_autoptr(GBytes) key_id = enr_key_handle_get_key_id (current);
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GError) error = NULL;
  const char *token = enr_key_handle_get_refresh_token (current);
  const char *url = enr_sandbox_runner_get_smartca_url (fx->sandbox.runner);
  guint8 wrapped[200];
  gsize now_len = 0;

  {
    g_autoptr(GAsyncResult) flushed = NULL;

    enr_state_file_flush_async (NULL, enr_test_store_result, &flushed);
    g_assert_true (enr_state_file_flush_finish (WAIT (flushed), NULL));
  }
  g_assert_true (g_file_get_contents (path, &now, &now_len, NULL));
  now_bytes = g_bytes_new (now, now_len);
  checkpoint = enr_checkpoint_from_bytes (now_bytes, &error);
  g_assert_no_error (error);
  json = g_strdup_printf (
    "{\"version\":1,\"smartca_url\":\"%s\",\"step\":\"done\",\"citizen_id\":\"%s\","
    "\"device_id\":\"%s\",\"registration_id\":\"%s\",\"credential_id\":\"%s\","
    "\"identity\":{\"sub\":\"x\",\"citizen_id\":\"%s\",\"full_name\":\"%s\","
    "\"date_of_birth\":\"1993-04-02\",\"gender\":\"male\",\"nationality\":\"VN\","
    "\"place_of_residence\":{\"province\":\"Hà Nội\",\"ward\":\"Phường Hàng Bạc\","
    "\"street\":\"1 Hàng Bạc\",\"district\":null},\"phone\":\"%s\",\"email\":null,"
    "\"identity_level\":2},\"signed_contract_name\":\"hop-dong.pdf\","
    "\"signed_record_name\":\"bien-ban.pdf\",\"saved_at\":1}", url, citizen->id,
    enr_key_handle_get_device_id (current),
    checkpoint->registration_id, enr_key_handle_get_credential_id (current),
    citizen->id, citizen->full_name, citizen->phone);
  g_assert_true (g_file_set_contents (path, json, -1, &error));
  /* The signed copies, kept in clear as that version did. */
  {
    const EnrSessionDocument *signed_record = enr_session_get_signed_acceptance_record (fx->session);
    g_autofree char *contract_path = g_build_filename (fx->sandbox.state_dir,
                                                       "signed-contract.pdf", NULL);
    g_autofree char *record_path = g_build_filename (fx->sandbox.state_dir,
                                                     "signed-acceptance-record.pdf", NULL);

    GBytes *data;

    g_assert_nonnull (signed_record);
    data = signed_record->data;
    g_assert_true (g_file_set_contents (contract_path, g_bytes_get_data (data, NULL),
                                        (gssize) g_bytes_get_size (data), &error));
    g_assert_true (g_file_set_contents (record_path, g_bytes_get_data (data, NULL),
                                        (gssize) g_bytes_get_size (data), &error));
  }

  memset (wrapped, 0x42, sizeof wrapped);
  memcpy (wrapped, "ENRK\1", 5);
  g_byte_array_append (record, header, sizeof header);
  put_field (record, 1, citizen->id, strlen (citizen->id));
  put_field (record, 2, url, strlen (url));
  put_field (record, 3, enr_key_handle_get_credential_id (current),
             strlen (enr_key_handle_get_credential_id (current)));
  put_field (record, 4, enr_key_handle_get_device_id (current),
             strlen (enr_key_handle_get_device_id (current)));
  put_field (record, 5, g_bytes_get_data (key_id, NULL), g_bytes_get_size (key_id));
  put_field (record, 6, wrapped, sizeof wrapped);
  put_field (record, 7, token, strlen (token));
  value = secret_value_new ((const char *) record->data, record->len,
                            "application/octet-stream");
  secret_password_store_binary_sync (enr_keyring_get_legacy_schema (), SECRET_COLLECTION_DEFAULT,
                                     "SmartCA key", value, NULL, &error,
                                     "citizen-id", citizen->id,
                                     "service-url", url,
                                     "credential-id", enr_key_handle_get_credential_id (current),
                                     "device-id", enr_key_handle_get_device_id (current),
                                     NULL);
  g_assert_no_error (error);
  secret_password_clear_sync (enr_keyring_get_schema (), NULL, &error,
                              "handle-id", _enr_session_get_handle_id (fx->session),
                              "service-url", url, NULL);
  g_assert_no_error (error);
}

static gboolean
legacy_item_left (Fixture              *fx,
                  const EnrTestCitizen *citizen)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;
  gboolean found;

  g_hash_table_insert (attributes, "citizen-id", (gpointer) citizen->id);
  items = secret_service_search_sync (NULL, NULL, attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK, NULL, &error);
  g_assert_no_error (error);
  found = items != NULL;
  g_list_free_full (items, g_object_unref);
  return found;
}

/* What a version before the PIN guard kept is brought up to date when the
 * program starts: the personal data move from the checkpoint into the
 * keyring's secret, the item gets opaque attributes, and the key kept under
 * the PIN alone is dropped; the citizen links this computer again to get a
 * key under the PIN guard. */
static void
test_migrate (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fx->sandbox.state_dir, "enrollment.json", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *tran_id = NULL;
  gboolean found = FALSE;

  enroll_and_reopen (fx, &ENR_TEST_NHUNG);
  make_it_old (fx, &ENR_TEST_NHUNG);
  g_clear_object (&fx->account);
  g_clear_object (&fx->session);

  fx->session = enr_test_new_session (fx->sandbox.runner, FALSE, fx->sandbox.state_dir);
  enr_session_resume_async (fx->session, NULL, enr_test_store_result, &res);
  g_assert_true (enr_session_resume_finish (fx->session, WAIT (res), &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_cmpint (enr_session_get_step (fx->session), ==, ENR_SESSION_STEP_DONE);
  g_assert_cmpstr (enr_session_get_identity (fx->session)->full_name, ==,
                   ENR_TEST_NHUNG.full_name);
  g_assert_false (enr_session_get_needs_login (fx->session));

  /* The file is written again with nothing personal in it; the old item is gone. */
  {
    g_autoptr(GAsyncResult) flushed = NULL;

    enr_state_file_flush_async (NULL, enr_test_store_result, &flushed);
    g_assert_true (enr_state_file_flush_finish (WAIT (flushed), NULL));
  }
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"version\" : 2"));
  g_assert_null (strstr (contents, ENR_TEST_NHUNG.id));
  g_assert_null (strstr (contents, ENR_TEST_NHUNG.full_name));
  g_assert_null (strstr (contents, ENR_TEST_NHUNG.phone));
  g_assert_false (legacy_item_left (fx, &ENR_TEST_NHUNG));
  g_assert_true (keyring_holds (fx, &ENR_TEST_NHUNG));

  /* The signed copies kept in clear are read, and sealed now. */
  g_assert_nonnull (enr_session_get_signed_contract (fx->session));
  g_assert_cmpstr (enr_session_get_signed_contract (fx->session)->name, ==, "hop-dong.pdf");
  g_assert_true (g_str_has_prefix (g_bytes_get_data (
    enr_session_get_signed_acceptance_record (fx->session)->data, NULL), "%PDF-"));
  {
    g_autofree char *record_path = g_build_filename (fx->sandbox.state_dir,
                                                     "signed-acceptance-record.pdf", NULL);
    g_autofree char *bytes = NULL;
    gsize len = 0;

    g_assert_true (g_file_get_contents (record_path, &bytes, &len, NULL));
    g_assert_null (g_strstr_len (bytes, (gssize) len, "%PDF"));
  }

  /* The key kept under the PIN alone is not used: link this computer again. */
  g_assert_true (enr_account_session_is_enrolled (fx->session));
  fx->account = enr_account_new (fx->session);
  tran_id = portal_request (fx, &ENR_TEST_NHUNG, "Sau khi nâng cấp", 1, NULL);
  refresh (fx);
  g_assert_false (ACCOUNT (fx, &error, approve, listed_request (fx, tran_id), PIN));
  enr_test_assert_told (error, ENR_STORE_ERROR, ENR_STORE_ERROR_OUTDATED);
  g_assert_cmpint (enr_session_error_get_unlock (error), ==, ENR_SESSION_UNLOCK_LINK_AGAIN);
  g_clear_error (&error);

  link_this_computer (fx, &ENR_TEST_NHUNG, NEW_PIN);
  g_assert_true (ACCOUNT (fx, &error, approve, listed_request (fx, tran_id), NEW_PIN));
  g_assert_no_error (error);
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
  ADD ("/link/fresh-login", test_link_fresh_login);
  ADD ("/pin-guard/offline-copy-and-lock", test_pin_guard);
  ADD ("/pin-guard/not-retried", test_pin_call_not_retried);
  ADD ("/pin-guard/kept-before-it", test_migrate);
#undef ADD

  return g_test_run ();
}
