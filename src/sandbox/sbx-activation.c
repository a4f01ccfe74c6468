/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SmartCA step 5, activation (PROTOCOL.md, "Step 5, activation" and
 * "Change of device"): enrollment/activate registers the citizen's KAK and
 * device and issues a one-time challenge; enrollment/certificate, with a
 * SAD over it, has the HSM make the signing key and the issuing CA certify
 * it, and offers the acceptance record; enrollment/acceptance hands out the
 * signed record. enrollment/device/otp and device/confirm move the
 * credential to another KAK.
 *
 * The key, the certificate and the record are made by a worker
 * (sbx-job.h): the handler checks everything first, and the answer comes
 * from a second transaction that checks again what may have changed.
 */
#define G_LOG_DOMAIN "sbx-activation"

#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "sbx-acceptance.h"
#include "sbx-clock.h"
#include "sbx-hsm.h"
#include "sbx-job.h"
#include "sbx-pin-guard.h"
#include "sbx-sad.h"
#include "sbx-secret.h"
#include "sbx-smartca-private.h"

#define CHALLENGE_BYTES    32
#define CHALLENGE_TTL_S    300
/* Certificates start an hour in the past, like the CA's, for clients whose
 * clock is a little behind. */
#define BACKDATE_S         3600

static guint certificate_days = 365;

void
sbx_activation_set_certificate_days (guint days)
{
  certificate_days = MAX (days, 1);
}

/* Challenges of activation and of a change of device */

static char *
challenge_issue (SbxDb      *db,
                 const char *credential_id,
                 const char *purpose)
{
  g_autoptr(GBytes) random = sbx_secret_random_bytes (CHALLENGE_BYTES);
  g_autofree char *challenge = g_base64_encode (g_bytes_get_data (random, NULL),
                                                CHALLENGE_BYTES);
  gint64 now = sbx_clock_now_ms ();
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE challenges SET state = 'replaced' "
                         "WHERE credential_id = ? AND purpose = ? AND state = 'open'");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, credential_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, purpose, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return NULL;

  stmt = sbx_db_prepare (db,
                         "INSERT INTO challenges (credential_id, purpose, challenge, created_at, "
                         "  expires_at) VALUES (?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, credential_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, purpose, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, challenge, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now);
  sqlite3_bind_int64 (stmt, 5, now + CHALLENGE_TTL_S * 1000);
  if (!sbx_db_step_done (db, stmt))
    return NULL;
  return g_steal_pointer (&challenge);
}

typedef struct
{
  gint64  id;            /* 0: none open */
  char   *challenge;
  gint64  expires_at;
} Challenge;

static void
challenge_clear (Challenge *challenge)
{
  g_clear_pointer (&challenge->challenge, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Challenge, challenge_clear)

static void
challenge_load_open (SbxDb      *db,
                     const char *credential_id,
                     const char *purpose,
                     Challenge  *out)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "SELECT id, challenge, expires_at FROM challenges "
                         "WHERE credential_id = ? AND purpose = ? AND state = 'open' "
                         "ORDER BY id DESC LIMIT 1");
  sqlite3_bind_text (stmt, 1, credential_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, purpose, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      out->id = sqlite3_column_int64 (stmt, 0);
      out->challenge = sbx_db_column_dup (stmt, 1);
      out->expires_at = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
}

static gboolean
challenge_use (SbxDb  *db,
               gint64  id)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db, "UPDATE challenges SET state = 'used' WHERE id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  return sbx_db_step_done (db, stmt);
}

/*
 * Checks a SAD for (@credential, @purpose) against @kak and @device_id,
 * with the open challenge (loaded into @challenge). On refusal answers
 * 45000 or 45001, committing the lazy changes; changes nothing else.
 */
static gboolean
check_sad (SbxRequest    *req,
           SbxCredential *credential,
           const char    *purpose,
           GBytes        *kak,
           const char    *device_id,
           const char    *sad,
           Challenge     *challenge)
{
  /* An activation or a change of device signs no document. */
  static const char * const no_hashes[] = { NULL };
  g_autofree char *reason = NULL;
  SbxSadExpected expected;
  SbxSadResult result = SBX_SAD_INVALID;

  challenge_load_open (sbx_smartca_db (req), credential->credential_id, purpose, challenge);
  expected = (SbxSadExpected) {
    .kak_public_key = kak,
    .device_id = device_id,
    .credential_id = credential->credential_id,
    .txn = purpose,
    .challenge = challenge->challenge,
    .expires_at_ms = challenge->expires_at,
    .hashes = no_hashes,
  };
  if (kak != NULL)
    result = sbx_sad_check (sad, &expected, sbx_clock_now_ms (), &reason);
  else
    reason = g_strdup ("no change of device is pending");
  if (result == SBX_SAD_OK)
    return TRUE;

  g_info ("A SAD for %s of credential %s was refused: %s", purpose, credential->credential_id,
          reason);
  if (sbx_smartca_commit (req))
    {
      if (result == SBX_SAD_CHALLENGE_EXPIRED)
        sbx_reply_envelope_error (req, SBX_VNPT_CHALLENGE_EXPIRED,
                                  "The challenge has expired; activate again for a new one",
                                  NULL);
      else
        sbx_reply_envelope_error (req, SBX_VNPT_SAD_INVALID, "The SAD is not valid", NULL);
    }
  return FALSE;
}

/* enrollment/activate */

static const char * const platforms[] = { "linux-desktop", "linux-kiosk" };

/* The KAK and the device of an activation's body, checked (400 naming the
 * field otherwise). */
typedef struct
{
  GBytes     *kak;
  const char *device_id;
  const char *name;
  const char *platform;
  const char *otp;          /* NULL when the body has none */
  guint8      verifier_hash[32];   /* SHA-256 of the pinVerifier */
} ActivateBody;

static void
activate_body_clear (ActivateBody *body)
{
  g_clear_pointer (&body->kak, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ActivateBody, activate_body_clear)

static gboolean
parse_activate_body (SbxRequest   *req,
                     JsonObject   *object,
                     ActivateBody *out)
{
  JsonObject *device;
  const char *kak_text;
  const char *problem = NULL;
  gboolean known_platform = FALSE;

  if (!sbx_require_string (req, object, "kakPublicKey", &kak_text) ||
      !sbx_require_object (req, object, "device", &device) ||
      !sbx_require_string (req, device, "deviceId", &out->device_id) ||
      !sbx_require_string (req, device, "name", &out->name) ||
      !sbx_require_string (req, device, "platform", &out->platform) ||
      !sbx_pin_guard_read_verifier (req, object, "pinVerifier", out->verifier_hash))
    return FALSE;

  out->kak = sbx_smartca_base64_decode (kak_text);
  if (out->kak == NULL)
    {
      sbx_reply_bad_field (req, "kakPublicKey", "must be standard Base64");
      return FALSE;
    }
  if (!sbx_sad_check_kak (out->kak, &problem))
    {
      sbx_reply_bad_field (req, "kakPublicKey", problem);
      return FALSE;
    }
  if (!g_uuid_string_is_valid (out->device_id))
    {
      sbx_reply_bad_field (req, "deviceId", "must be a UUID");
      return FALSE;
    }
  if (*out->name == '\0' || g_utf8_strlen (out->name, -1) > 200)
    {
      sbx_reply_bad_field (req, "name", "must hold 1 to 200 characters");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (platforms); i++)
    known_platform |= g_str_equal (out->platform, platforms[i]);
  if (!known_platform)
    {
      sbx_reply_bad_field (req, "platform", "must be linux-desktop or linux-kiosk");
      return FALSE;
    }

  if (json_object_has_member (object, "otp"))
    {
      if (!sbx_require_string (req, object, "otp", &out->otp) ||
          !sbx_smartca_check_otp_syntax (req, "otp", out->otp))
        return FALSE;
    }
  return TRUE;
}

static gboolean
credential_create (SbxDb         *db,
                   SbxEnrollment *enrollment,
                   ActivateBody  *body)
{
  g_autofree char *credential_id = sbx_secret_new_uuid ();
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "INSERT INTO credentials (credential_id, registration_id, citizen_id, "
                         "  created_at, kak_public_key, device_id, device_name, device_platform) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, credential_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, enrollment->registration_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, enrollment->citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, sbx_clock_now_ms ());
  sbx_db_bind_bytes (stmt, 5, body->kak);
  sqlite3_bind_text (stmt, 6, body->device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, body->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, body->platform, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return FALSE;

  stmt = sbx_db_prepare (db,
                         "UPDATE enrollments SET credential_id = ?, state = 'CERTIFICATE_PENDING' "
                         "WHERE registration_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, credential_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, enrollment->registration_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return FALSE;

  g_free (enrollment->credential_id);
  enrollment->credential_id = g_steal_pointer (&credential_id);
  g_free (enrollment->state);
  enrollment->state = g_strdup ("CERTIFICATE_PENDING");
  return TRUE;
}

/* Before the certificate the KAK is replaced outright; after it, a new
 * KAK only waits for its device/confirm. */
static gboolean
credential_set_kak (SbxDb        *db,
                    const char   *credential_id,
                    ActivateBody *body,
                    gboolean      pending)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db, pending
                         ? "UPDATE credentials SET pending_kak_public_key = ?, "
                           "  pending_device_id = ?, pending_device_name = ?, "
                           "  pending_device_platform = ? WHERE credential_id = ?"
                         : "UPDATE credentials SET kak_public_key = ?, device_id = ?, "
                           "  device_name = ?, device_platform = ? WHERE credential_id = ?");
  if (stmt == NULL)
    return FALSE;
  sbx_db_bind_bytes (stmt, 1, body->kak);
  sqlite3_bind_text (stmt, 2, body->device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, body->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, body->platform, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, credential_id, -1, SQLITE_TRANSIENT);
  return sbx_db_step_done (db, stmt);
}

static void
activate_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_auto(ActivateBody) body = { NULL, };
  g_autofree char *challenge = NULL;
  g_autoptr(SbxSecretString) share = NULL;
  SbxDb *db = sbx_smartca_db (req);
  SbxHsm *hsm = sbx_server_get_hsm (sbx_request_get_server (req));
  JsonObject *content;
  const char *purpose = "activation";
  gboolean change_of_device;

  if (!sbx_smartca_resource_start (req, &token, &object) ||
      !parse_activate_body (req, object, &body))
    return;
  enrollment = sbx_enrollment_begin (req, token);
  if (enrollment == NULL ||
      !sbx_enrollment_check_state (req, enrollment, "ACTIVATION_PENDING", "CERTIFICATE_PENDING",
                                   "ACCEPTANCE_PENDING", "ACTIVE", NULL))
    return;
  change_of_device = g_str_equal (enrollment->state, "ACCEPTANCE_PENDING") ||
                     g_str_equal (enrollment->state, "ACTIVE");
  if (change_of_device && body.otp == NULL)
    {
      sbx_db_rollback (db);
      sbx_reply_bad_field (req, "otp", "is missing: a change of device needs the device OTP");
      return;
    }
  if (change_of_device && !sbx_smartca_check_fresh_login (req, token))
    return;
  if (!sbx_request_idempotency (req, token->citizen_id))
    return;
  /* The answer holds the pinShare: its Idempotency-Key record is sealed. */
  sbx_request_seal_answer (req);

  if (g_str_equal (enrollment->state, "ACTIVATION_PENDING"))
    {
      if (!credential_create (db, enrollment, &body))
        {
          sbx_smartca_reply_internal (req);
          return;
        }
    }
  else if (change_of_device)
    {
      if (!sbx_smartca_check_otp (req, "device", enrollment->registration_id, body.otp, TRUE))
        return;
      if (!credential_set_kak (db, enrollment->credential_id, &body, TRUE))
        {
          sbx_smartca_reply_internal (req);
          return;
        }
      purpose = "device";
    }
  else if (!credential_set_kak (db, enrollment->credential_id, &body, FALSE))
    {
      sbx_smartca_reply_internal (req);
      return;
    }

  /* Before the certificate the guard is replaced outright, like the KAK;
   * after it, the new one waits with the new KAK for device/confirm. */
  share = sbx_pin_guard_new (db, hsm, enrollment->credential_id, body.verifier_hash,
                             change_of_device);
  challenge = challenge_issue (db, enrollment->credential_id, purpose);
  if (share == NULL || challenge == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  g_info ("Credential %s: a KAK and a PIN guard for %s registered", enrollment->credential_id,
          purpose);

  content = json_object_new ();
  json_object_set_string_member (content, "credentialId", enrollment->credential_id);
  json_object_set_string_member (content, "challenge", challenge);
  json_object_set_int_member (content, "challengeExpiresIn", CHALLENGE_TTL_S);
  json_object_set_string_member (content, "state", enrollment->state);
  json_object_set_string_member (content, "pinShare", share);
  /* Answered in the transaction, which records it under the key. */
  sbx_reply_envelope (req, sbx_smartca_object_node (content), NULL);
  if (!sbx_db_commit (db))
    g_warning ("Could not commit an activation of credential %s", enrollment->credential_id);
}

/* The credential a call names must be its enrollment's (a citizen's past
 * registration may have left another one). */
static SbxCredential *
enrollment_credential (SbxRequest    *req,
                       SbxTokenInfo  *token,
                       SbxEnrollment *enrollment,
                       const char    *credential_id)
{
  g_autoptr(SbxCredential) credential = sbx_credential_lookup (req, token, credential_id);

  if (credential == NULL)
    return NULL;
  if (g_strcmp0 (credential->credential_id, enrollment->credential_id) != 0)
    {
      if (sbx_smartca_commit (req))
        sbx_reply_bad_field (req, "credentialId", "is not this enrollment's credential");
      return NULL;
    }
  return g_steal_pointer (&credential);
}

/*
 * How enrollment/certificate and device/confirm begin: {"credentialId",
 * "sad"} (400); the enrollment in a state where the SAD's @purpose is
 * possible (409); its credential (404, 403, 400); a SAD by the
 * credential's KAK, or for a change of device by the KAK waiting for its
 * confirmation, over the open challenge, which ends up in @challenge
 * (45000, 45001). NULL once it has answered.
 */
static SbxCredential *
sad_call_start (SbxRequest     *req,
                SbxTokenInfo  **token,
                SbxEnrollment **enrollment,
                const char     *purpose,
                Challenge      *challenge)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxCredential) credential = NULL;
  const char *credential_id, *sad;
  gboolean device = g_str_equal (purpose, "device");
  gboolean in_state;

  if (!sbx_smartca_resource_start (req, token, &body) ||
      !sbx_require_string (req, body, "credentialId", &credential_id) ||
      !sbx_require_string (req, body, "sad", &sad))
    return NULL;
  *enrollment = sbx_enrollment_begin (req, *token);
  if (*enrollment == NULL)
    return NULL;
  in_state = device ? sbx_enrollment_check_state (req, *enrollment, "ACCEPTANCE_PENDING",
                                                  "ACTIVE", NULL)
                    : sbx_enrollment_check_state (req, *enrollment, "CERTIFICATE_PENDING", NULL);
  if (!in_state)
    return NULL;
  credential = enrollment_credential (req, *token, *enrollment, credential_id);
  if (credential == NULL ||
      !check_sad (req, credential, purpose,
                  device ? credential->pending_kak_public_key : credential->kak_public_key,
                  device ? credential->pending_device_id : credential->device_id,
                  sad, challenge))
    return NULL;
  return g_steal_pointer (&credential);
}

/* enrollment/certificate */

typedef struct
{
  /* In: the server's HSM and CA, which outlive the job. */
  SbxHsm             *hsm;
  SbxCa              *ca;
  char               *registration_id;
  char               *credential_id;
  gint64              challenge_id;
  SbxCitizen         *citizen;
  gint64              now_ms;
  char               *tran_id;
  /* Out */
  GBytes             *signing_key;
  GBytes             *certificate;
  char               *serial_number;
  char               *subject_dn;
  char               *issuer_dn;
  gint64              valid_from;
  gint64              valid_to;
  SbxAcceptanceDraft *draft;
  GError             *error;
} Issue;

static void
issue_free (gpointer data)
{
  Issue *issue = data;

  g_free (issue->registration_id);
  g_free (issue->credential_id);
  g_clear_pointer (&issue->citizen, sbx_citizen_free);
  g_free (issue->tran_id);
  g_clear_pointer (&issue->signing_key, g_bytes_unref);
  g_clear_pointer (&issue->certificate, g_bytes_unref);
  g_free (issue->serial_number);
  g_free (issue->subject_dn);
  g_free (issue->issuer_dn);
  g_clear_pointer (&issue->draft, sbx_acceptance_draft_free);
  g_clear_error (&issue->error);
  g_free (issue);
}

static gboolean
describe_certificate (Issue              *issue,
                      gnutls_x509_crt_t   crt)
{
  gnutls_datum_t der = { NULL, 0 }, subject = { NULL, 0 }, issuer = { NULL, 0 };
  guint8 serial[32];
  size_t serial_len = sizeof serial;
  GString *hex;
  int ret;

  if ((ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der)) < 0 ||
      (ret = gnutls_x509_crt_get_dn3 (crt, &subject, 0)) < 0 ||
      (ret = gnutls_x509_crt_get_issuer_dn3 (crt, &issuer, 0)) < 0 ||
      (ret = gnutls_x509_crt_get_serial (crt, serial, &serial_len)) < 0)
    {
      g_set_error (&issue->error, G_IO_ERROR, G_IO_ERROR_FAILED, "The new certificate: %s",
                   gnutls_strerror (ret));
      gnutls_free (der.data);
      gnutls_free (subject.data);
      gnutls_free (issuer.data);
      return FALSE;
    }
  issue->certificate = g_bytes_new (der.data, der.size);
  issue->subject_dn = g_strndup ((const char *) subject.data, subject.size);
  issue->issuer_dn = g_strndup ((const char *) issuer.data, issuer.size);
  hex = g_string_new (NULL);
  for (size_t i = 0; i < serial_len; i++)
    g_string_append_printf (hex, "%02X", serial[i]);
  issue->serial_number = g_string_free (hex, FALSE);
  issue->valid_from = (gint64) gnutls_x509_crt_get_activation_time (crt) * 1000;
  issue->valid_to = (gint64) gnutls_x509_crt_get_expiration_time (crt) * 1000;
  gnutls_free (der.data);
  gnutls_free (subject.data);
  gnutls_free (issuer.data);
  return TRUE;
}

/* The HSM's key, the CA's certificate, the record that names them. */
static void
issue_work (gpointer data)
{
  Issue *issue = data;
  gnutls_pubkey_t public_key = NULL;
  gnutls_x509_crt_t crt = NULL;
  SbxSubscriber subscriber = {
    .citizen_id = issue->citizen->citizen_id,
    .full_name = issue->citizen->full_name,
    .province = issue->citizen->province,
    .locality = issue->citizen->ward,
  };
  SbxAcceptanceInfo info;

  issue->signing_key = sbx_hsm_generate (issue->hsm, issue->credential_id, &public_key,
                                         &issue->error);
  if (issue->signing_key == NULL)
    return;
  crt = sbx_ca_issue (issue->ca, public_key, &subscriber, issue->now_ms / 1000 - BACKDATE_S,
                      certificate_days, &issue->error);
  gnutls_pubkey_deinit (public_key);
  if (crt == NULL)
    return;
  if (!describe_certificate (issue, crt))
    {
      gnutls_x509_crt_deinit (crt);
      return;
    }
  gnutls_x509_crt_deinit (crt);

  info = (SbxAcceptanceInfo) {
    .record_id = issue->tran_id,
    .full_name = issue->citizen->full_name,
    .citizen_id = issue->citizen->citizen_id,
    .address = issue->citizen->address,
    .credential_id = issue->credential_id,
    .serial_number = issue->serial_number,
    .subject_dn = issue->subject_dn,
    .issuer_name = SBX_CA_ISSUING_NAME,
    .valid_from_ms = issue->valid_from,
    .valid_to_ms = issue->valid_to,
    .drawn_at_ms = issue->now_ms,
  };
  issue->draft = sbx_acceptance_draft (&info, &issue->error);
}

static gboolean
credential_store_certificate (SbxDb *db,
                              Issue *issue)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE credentials SET signing_key = ?, certificate = ?, "
                         "  serial_number = ?, subject_dn = ?, issuer_dn = ?, valid_from = ?, "
                         "  valid_to = ? WHERE credential_id = ?");
  if (stmt == NULL)
    return FALSE;
  sbx_db_bind_bytes (stmt, 1, issue->signing_key);
  sbx_db_bind_bytes (stmt, 2, issue->certificate);
  sqlite3_bind_text (stmt, 3, issue->serial_number, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, issue->subject_dn, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, issue->issuer_dn, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 6, issue->valid_from);
  sqlite3_bind_int64 (stmt, 7, issue->valid_to);
  sqlite3_bind_text (stmt, 8, issue->credential_id, -1, SQLITE_TRANSIENT);
  return sbx_db_step_done (db, stmt);
}

static JsonNode *
certificate_json (SbxServer *server,
                  Issue     *issue)
{
  JsonObject *content = json_object_new ();
  JsonArray *chain = json_array_new ();
  g_autoptr(GBytes) rs = sbx_ca_get_issuing_der (sbx_server_get_ca (server));
  g_autoptr(GBytes) root = sbx_ca_get_root_der (sbx_server_get_ca (server));
  GBytes *parts[] = { issue->certificate, rs, root };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *text = g_base64_encode (g_bytes_get_data (parts[i], NULL),
                                               g_bytes_get_size (parts[i]));

      if (i == 0)
        json_object_set_string_member (content, "certificate", text);
      else
        json_array_add_string_element (chain, text);
    }
  json_object_set_array_member (content, "chain", chain);
  json_object_set_string_member (content, "state", "ACCEPTANCE_PENDING");
  json_object_set_string_member (content, "tranId", issue->tran_id);
  return sbx_smartca_object_node (content);
}

static void
issue_done (SbxRequest *req,
            gpointer    data)
{
  Issue *issue = data;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_auto(Challenge) challenge = { 0, };
  SbxDb *db = sbx_smartca_db (req);

  if (issue->error != NULL)
    {
      g_warning ("No certificate for credential %s: %s", issue->credential_id,
                 issue->error->message);
      sbx_reply_envelope_error (req, SBX_VNPT_SERVER_INTERNAL_ERROR,
                                "The service could not issue the certificate; try again", NULL);
      return;
    }

  /* A second request may have won meanwhile (409), or a new activation
   * replaced the challenge (45000): the key made here is then dropped. */
  enrollment = sbx_enrollment_resume (req, issue->registration_id, "CERTIFICATE_PENDING");
  if (enrollment == NULL)
    return;
  challenge_load_open (db, issue->credential_id, "activation", &challenge);
  if (challenge.id != issue->challenge_id ||
      g_strcmp0 (enrollment->credential_id, issue->credential_id) != 0)
    {
      sbx_db_rollback (db);
      sbx_reply_envelope_error (req, SBX_VNPT_SAD_INVALID,
                                "The challenge was replaced by a new activation", NULL);
      return;
    }

  if (!challenge_use (db, challenge.id) ||
      !credential_store_certificate (db, issue) ||
      !sbx_acceptance_offer (db, enrollment, issue->tran_id, issue->draft) ||
      !sbx_enrollment_set_state (db, issue->registration_id, "ACCEPTANCE_PENDING", NULL))
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  if (!sbx_smartca_commit (req))
    return;
  g_info ("Credential %s certified, serial %s", issue->credential_id, issue->serial_number);
  sbx_reply_envelope (req, certificate_json (sbx_request_get_server (req), issue), NULL);
}

static void
certificate_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(SbxCredential) credential = NULL;
  g_auto(Challenge) challenge = { 0, };
  SbxServer *server = sbx_request_get_server (req);
  Issue *issue;

  credential = sad_call_start (req, &token, &enrollment, "activation", &challenge);
  if (credential == NULL)
    return;

  issue = g_new0 (Issue, 1);
  issue->hsm = sbx_server_get_hsm (server);
  issue->ca = sbx_server_get_ca (server);
  issue->registration_id = g_strdup (token->registration_id);
  issue->credential_id = g_strdup (credential->credential_id);
  issue->challenge_id = challenge.id;
  issue->citizen = sbx_citizen_load (sbx_smartca_db (req), token->citizen_id);
  issue->now_ms = sbx_clock_now_ms ();
  issue->tran_id = sbx_secret_new_uuid ();
  if (issue->citizen == NULL || !sbx_smartca_commit (req))
    {
      issue_free (issue);
      if (sbx_db_in_transaction (sbx_smartca_db (req)))
        sbx_smartca_reply_internal (req);
      return;
    }
  sbx_job_run (req, issue_work, issue_done, issue, issue_free);
}

/* enrollment/acceptance */

static void
acceptance_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(GBytes) signed_pdf = NULL;
  g_autofree char *name = NULL;
  g_autofree char *data = NULL;
  JsonObject *content, *document;

  if (!sbx_smartca_resource_start (req, &token, &body))
    return;
  enrollment = sbx_enrollment_begin (req, token);
  if (enrollment == NULL || !sbx_enrollment_check_state (req, enrollment, "ACTIVE", NULL))
    return;
  if (enrollment->acceptance_tran_id != NULL)
    signed_pdf = sbx_transaction_get_signature (sbx_smartca_db (req),
                                                enrollment->acceptance_tran_id, 0, &name);
  if (signed_pdf == NULL || !sbx_smartca_commit (req))
    {
      if (sbx_db_in_transaction (sbx_smartca_db (req)))
        sbx_smartca_reply_internal (req);
      return;
    }

  data = g_base64_encode (g_bytes_get_data (signed_pdf, NULL), g_bytes_get_size (signed_pdf));
  document = json_object_new ();
  json_object_set_string_member (document, "name", name);
  json_object_set_string_member (document, "dataBase64", data);
  content = json_object_new ();
  json_object_set_string_member (content, "state", "ACTIVE");
  json_object_set_object_member (content, "signedDocument", document);
  sbx_reply_envelope (req, sbx_smartca_object_node (content), NULL);
}

/* Change of device: enrollment/device/otp and device/confirm */

static void
device_otp_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;

  if (!sbx_smartca_resource_start (req, &token, &body))
    return;
  enrollment = sbx_enrollment_begin (req, token);
  if (enrollment == NULL ||
      !sbx_enrollment_check_state (req, enrollment, "ACCEPTANCE_PENDING", "ACTIVE", NULL) ||
      !sbx_smartca_check_fresh_login (req, token))
    return;
  sbx_smartca_send_otp (req, token, "device");
}

static void
device_confirm_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(SbxCredential) credential = NULL;
  g_auto(Challenge) challenge = { 0, };
  SbxDb *db = sbx_smartca_db (req);
  sqlite3_stmt *stmt;
  JsonObject *content;

  credential = sad_call_start (req, &token, &enrollment, "device", &challenge);
  if (credential == NULL)
    return;

  /* From now on the old KAK signs nothing: every SAD is checked against
   * the credential's one KAK. The old PIN guard unlocks nothing either. */
  stmt = sbx_db_prepare (db,
                         "UPDATE credentials SET kak_public_key = pending_kak_public_key, "
                         "  device_id = pending_device_id, device_name = pending_device_name, "
                         "  device_platform = pending_device_platform, "
                         "  pending_kak_public_key = NULL, pending_device_id = NULL, "
                         "  pending_device_name = NULL, pending_device_platform = NULL "
                         "WHERE credential_id = ?");
  if (stmt != NULL)
    sqlite3_bind_text (stmt, 1, credential->credential_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt) || !challenge_use (db, challenge.id) ||
      !sbx_pin_guard_confirm (db, credential->credential_id) || !sbx_smartca_commit (req))
    {
      if (sbx_db_in_transaction (db))
        sbx_smartca_reply_internal (req);
      return;
    }
  g_info ("Credential %s moved to another device", credential->credential_id);

  content = json_object_new ();
  json_object_set_string_member (content, "state", enrollment->state);
  sbx_reply_envelope (req, sbx_smartca_object_node (content), NULL);
}

void
sbx_activation_register (SbxServer *server)
{
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/activate", activate_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/certificate",
                        certificate_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/acceptance",
                        acceptance_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/device/otp",
                        device_otp_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "enrollment/device/confirm",
                        device_confirm_cb);
}
