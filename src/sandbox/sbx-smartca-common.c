/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The common ground of the SmartCA modules (sbx-smartca-private.h): the
 * envelope's failures, the citizen, the enrollment and its state, OTPs.
 */
#define G_LOG_DOMAIN "sbx-smartca"

#include "config.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdarg.h>
#include <string.h>

#include "sbx-acceptance.h"
#include "sbx-clock.h"
#include "sbx-otp.h"
#include "sbx-secret.h"
#include "sbx-smartca-private.h"
#include "sbx-token.h"

#define OTP_TTL_S     300
#define OTP_RESEND_S  60

SbxDb *
sbx_smartca_db (SbxRequest *req)
{
  return sbx_server_get_db (sbx_request_get_server (req));
}

JsonNode *
sbx_smartca_object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

/* auth/token and auth/revoke answer in the RFC 6749 shape. */
static gboolean
is_oauth_request (SbxRequest *req)
{
  const char *path = sbx_request_get_path (req);

  return g_str_has_suffix (path, "auth/token") || g_str_has_suffix (path, "auth/revoke");
}

void
sbx_smartca_reply_internal (SbxRequest *req)
{
  sbx_db_rollback (sbx_smartca_db (req));
  if (is_oauth_request (req))
    sbx_reply_oauth_error (req, 500, "server_error", "The service failed; try again", NULL);
  else
    sbx_reply_envelope_error (req, SBX_VNPT_SERVER_INTERNAL_ERROR,
                              "The service failed; try again", NULL);
}

gboolean
sbx_smartca_commit (SbxRequest *req)
{
  if (sbx_db_commit (sbx_smartca_db (req)))
    return TRUE;
  sbx_smartca_reply_internal (req);
  return FALSE;
}

gboolean
sbx_smartca_begin (SbxRequest *req)
{
  if (sbx_db_begin (sbx_smartca_db (req)))
    return TRUE;
  sbx_smartca_reply_internal (req);
  return FALSE;
}

gboolean
sbx_smartca_resource_start (SbxRequest    *req,
                            SbxTokenInfo **token,
                            JsonObject   **body)
{
  *token = sbx_request_authenticate (req, "smartca");
  if (*token == NULL)
    return FALSE;
  if ((*token)->registration_id == NULL)
    {
      /* Only hand-off grants make SmartCA tokens, and they all name one. */
      g_clear_pointer (token, sbx_token_info_free);
      sbx_reply_unauthenticated (req);
      return FALSE;
    }
  *body = sbx_request_json_object (req);
  if (*body == NULL)
    {
      g_clear_pointer (token, sbx_token_info_free);
      return FALSE;
    }
  return TRUE;
}

char *
sbx_smartca_sha256_base64 (const guint8 *data,
                           gsize         len)
{
  guint8 digest[32];

  gnutls_hash_fast (GNUTLS_DIG_SHA256, data, len, digest);
  return g_base64_encode (digest, sizeof digest);
}

GBytes *
sbx_smartca_base64_decode (const char *text)
{
  gsize len = strlen (text), padding = 0, out_len = 0;
  guchar *data;

  /* g_base64_decode() skips what it does not know: check first. */
  if (len == 0 || len % 4 != 0)
    return NULL;
  while (padding < 2 && text[len - 1 - padding] == '=')
    padding++;
  for (gsize i = 0; i < len - padding; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
      return NULL;
  data = g_base64_decode (text, &out_len);
  return g_bytes_new_take (data, out_len);
}

#define FRESH_LOGIN_S (15 * 60)

gboolean
sbx_smartca_check_fresh_login (SbxRequest   *req,
                               SbxTokenInfo *token)
{
  if (token->from_login && sbx_clock_now_ms () - token->issued_at < FRESH_LOGIN_S * 1000)
    return TRUE;
  if (sbx_smartca_commit (req))
    sbx_reply_envelope_error (req, SBX_VNPT_FRESH_LOGIN_REQUIRED,
                              "A change of device needs a token from a VNeID hand-off made in "
                              "the last 15 minutes: log in to VNeID again", NULL);
  return FALSE;
}

/* OTPs */

gboolean
sbx_smartca_check_otp_syntax (SbxRequest *req,
                              const char *field,
                              const char *otp)
{
  gboolean ok = strlen (otp) == 6;

  for (const char *p = otp; ok && *p != '\0'; p++)
    ok = g_ascii_isdigit (*p);
  if (!ok)
    sbx_reply_bad_field (req, field, "must be six ASCII digits");
  return ok;
}

/* Whether the registration's last OTP of @purpose was locked by wrong tries. */
static gboolean
last_otp_locked (SbxDb      *db,
                 const char *purpose,
                 const char *registration_id)
{
  sqlite3_stmt *stmt;
  gboolean locked = FALSE;

  stmt = sbx_db_prepare (db,
                         "SELECT state FROM otps WHERE purpose = ? AND subject = ? "
                         "ORDER BY id DESC LIMIT 1");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, purpose, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, registration_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    locked = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "locked") == 0;
  sqlite3_reset (stmt);
  return locked;
}

/* The registration's citizen, whose wrong OTPs count together. */
static char *
registration_citizen (SbxDb      *db,
                      const char *registration_id)
{
  sqlite3_stmt *stmt;
  char *citizen_id = NULL;

  stmt = sbx_db_prepare (db, "SELECT citizen_id FROM registrations WHERE registration_id = ?");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    citizen_id = sbx_db_column_dup (stmt, 0);
  sqlite3_reset (stmt);
  return citizen_id;
}

static gint64
wrong_otps_of (SbxDb      *db,
               const char *citizen_id)
{
  sqlite3_stmt *stmt;
  gint64 wrong = 0;

  stmt = sbx_db_prepare (db, "SELECT wrong_otps FROM smartca_otp_limits WHERE citizen_id = ?");
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    wrong = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return wrong;
}

static gboolean
set_wrong_otps (SbxDb      *db,
                const char *citizen_id,
                gint64      wrong)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db, wrong == 0
                         ? "DELETE FROM smartca_otp_limits WHERE citizen_id = ?1"
                         : "INSERT INTO smartca_otp_limits (citizen_id, wrong_otps) "
                           "VALUES (?1, ?2) ON CONFLICT (citizen_id) DO UPDATE SET "
                           "wrong_otps = excluded.wrong_otps");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  if (wrong != 0)
    sqlite3_bind_int64 (stmt, 2, wrong);
  return sbx_db_step_done (db, stmt);
}

/*
 * The fifth wrong SmartCA OTP in a row, whatever code it was for: the OTP
 * is void, and so is every SmartCA token of the citizen, so that whoever
 * holds one needs a new VNeID login and hand-off (PROTOCOL.md rev 2). The
 * count starts again for the next login.
 */
static gboolean
lock_out (SbxDb      *db,
          const char *purpose,
          const char *registration_id,
          const char *citizen_id)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db, "UPDATE otps SET state = 'locked' "
                             "WHERE purpose = ? AND subject = ? AND state = 'open'");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, purpose, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, registration_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt) || !set_wrong_otps (db, citizen_id, 0) ||
      !sbx_token_revoke_citizen (db, "smartca", citizen_id))
    return FALSE;
  g_info ("Registration %s: %d wrong OTPs in a row; the citizen's SmartCA tokens are revoked",
          registration_id, SBX_SMARTCA_MAX_WRONG_OTPS);
  return TRUE;
}

/*
 * With no OTP to check: 44002 when the last one was locked, so the client
 * asks for a new one; else 44001, as for an expired one, since the way on
 * is the same.
 */
gboolean
sbx_smartca_check_otp (SbxRequest *req,
                       const char *purpose,
                       const char *registration_id,
                       const char *otp,
                       gboolean    consume)
{
  SbxDb *db = sbx_smartca_db (req);
  g_autofree char *citizen_id = registration_citizen (db, registration_id);
  SbxOtpResult result;
  JsonObject *content;
  gint64 wrong = 0;

  if (citizen_id == NULL)
    {
      sbx_smartca_reply_internal (req);
      return FALSE;
    }

  result = sbx_otp_check (db, purpose, registration_id, otp, consume, NULL);
  if (result == SBX_OTP_OK)
    {
      /* A right OTP ends the run. */
      if (set_wrong_otps (db, citizen_id, 0))
        return TRUE;
      sbx_smartca_reply_internal (req);
      return FALSE;
    }

  if (result == SBX_OTP_NONE && last_otp_locked (db, purpose, registration_id))
    result = SBX_OTP_LOCKED;
  else if (result == SBX_OTP_WRONG || result == SBX_OTP_LOCKED)
    {
      /* Counted per citizen, across codes: a new code does not start again. */
      wrong = wrong_otps_of (db, citizen_id) + 1;
      if (wrong >= SBX_SMARTCA_MAX_WRONG_OTPS || result == SBX_OTP_LOCKED)
        {
          if (!lock_out (db, purpose, registration_id, citizen_id))
            {
              sbx_smartca_reply_internal (req);
              return FALSE;
            }
          result = SBX_OTP_LOCKED;
        }
      else if (!set_wrong_otps (db, citizen_id, wrong))
        {
          sbx_smartca_reply_internal (req);
          return FALSE;
        }
    }

  /* The answer first: an Idempotency-Key records it in this transaction,
   * which keeps the attempt counter. */
  switch (result)
    {
    case SBX_OTP_WRONG:
      content = json_object_new ();
      json_object_set_int_member (content, "attemptsLeft", SBX_SMARTCA_MAX_WRONG_OTPS - wrong);
      sbx_reply_envelope_error (req, SBX_VNPT_OTP_INVALID, "The OTP is wrong",
                                sbx_smartca_object_node (content));
      break;
    case SBX_OTP_LOCKED:
      sbx_reply_envelope_error (req, SBX_VNPT_OTP_LOCKED,
                                "Too many wrong OTPs; log in again and ask for a new one", NULL);
      break;
    case SBX_OTP_EXPIRED:
    case SBX_OTP_NONE:
      sbx_reply_envelope_error (req, SBX_VNPT_OTP_EXPIRED,
                                "The OTP has expired or none was sent; ask for a new one", NULL);
      break;
    case SBX_OTP_OK:
    default:
      g_assert_not_reached ();
    }
  if (!sbx_db_commit (db))
    g_warning ("Could not keep an OTP's attempt counter");
  return FALSE;
}

void
sbx_smartca_send_otp (SbxRequest   *req,
                      SbxTokenInfo *token,
                      const char   *purpose)
{
  g_autoptr(SbxCitizen) citizen = NULL;
  g_autofree char *masked = NULL;
  SbxDb *db = sbx_smartca_db (req);
  JsonObject *content;
  gint64 now, last_sent;

  now = sbx_clock_now_ms ();
  last_sent = sbx_otp_last_sent (db, purpose, token->registration_id);
  if (last_sent > 0 && now - last_sent < OTP_RESEND_S * 1000)
    {
      gint64 wait_ms = OTP_RESEND_S * 1000 - (now - last_sent);

      sbx_db_rollback (db);
      content = json_object_new ();
      json_object_set_int_member (content, "retryAfter", (wait_ms + 999) / 1000);
      sbx_reply_envelope_error (req, SBX_VNPT_TOO_SOON, "An OTP was sent moments ago",
                                sbx_smartca_object_node (content));
      return;
    }

  citizen = sbx_citizen_load (db, token->citizen_id);
  if (citizen == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  sbx_otp_issue (db, purpose, token->registration_id, token->citizen_id, citizen->phone, NULL,
                 OTP_TTL_S * 1000);
  if (!sbx_smartca_commit (req))
    return;

  masked = sbx_mask_phone (citizen->phone);
  content = json_object_new ();
  json_object_set_string_member (content, "otpSentTo", masked);
  json_object_set_int_member (content, "expiresIn", OTP_TTL_S);
  json_object_set_int_member (content, "resendAfter", OTP_RESEND_S);
  sbx_reply_envelope (req, sbx_smartca_object_node (content), NULL);
}

/* The citizen */

void
sbx_citizen_free (SbxCitizen *citizen)
{
  if (citizen == NULL)
    return;
  g_free (citizen->citizen_id);
  g_free (citizen->full_name);
  g_free (citizen->date_of_birth);
  g_free (citizen->phone);
  g_free (citizen->email);
  g_free (citizen->province);
  g_free (citizen->ward);
  g_free (citizen->address);
  g_free (citizen);
}

SbxCitizen *
sbx_citizen_load (SbxDb      *db,
                  const char *citizen_id)
{
  sqlite3_stmt *stmt;
  SbxCitizen *citizen = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT full_name, date_of_birth, phone, email, street, ward, province "
                         "FROM citizens WHERE citizen_id = ?");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      citizen = g_new0 (SbxCitizen, 1);
      citizen->citizen_id = g_strdup (citizen_id);
      citizen->full_name = sbx_db_column_dup (stmt, 0);
      citizen->date_of_birth = sbx_db_column_dup (stmt, 1);
      citizen->phone = sbx_db_column_dup (stmt, 2);
      citizen->email = sbx_db_column_dup (stmt, 3);
      citizen->ward = sbx_db_column_dup (stmt, 5);
      citizen->province = sbx_db_column_dup (stmt, 6);
      /* The two-level address in force since 1 July 2025: no district. */
      citizen->address = g_strjoin (", ", (const char *) sqlite3_column_text (stmt, 4),
                                    citizen->ward, citizen->province, NULL);
    }
  sqlite3_reset (stmt);
  return citizen;
}

/* The enrollment */

void
sbx_enrollment_free (SbxEnrollment *enrollment)
{
  if (enrollment == NULL)
    return;
  g_free (enrollment->registration_id);
  g_free (enrollment->citizen_id);
  g_free (enrollment->state);
  g_free (enrollment->credential_id);
  g_free (enrollment->acceptance_tran_id);
  g_free (enrollment);
}

gboolean
sbx_enrollment_set_state (SbxDb      *db,
                          const char *registration_id,
                          const char *state,
                          const char *registration_status)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db, "UPDATE enrollments SET state = ? WHERE registration_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, state, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, registration_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return FALSE;
  if (registration_status == NULL)
    return TRUE;

  stmt = sbx_db_prepare (db, "UPDATE registrations SET status = ? WHERE registration_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, registration_status, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, registration_id, -1, SQLITE_TRANSIENT);
  return sbx_db_step_done (db, stmt);
}

/* Nothing runs when SYNCING ends or a transaction expires; the change is
 * made the first time anyone looks. */
SbxEnrollment *
sbx_enrollment_load (SbxDb      *db,
                     const char *registration_id)
{
  g_autoptr(SbxEnrollment) enrollment = NULL;
  sqlite3_stmt *stmt;

  g_assert (sbx_db_in_transaction (db));

  stmt = sbx_db_prepare (db,
                         "SELECT state, synced_at, credential_id, acceptance_tran_id, citizen_id "
                         "FROM enrollments WHERE registration_id = ?");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      enrollment = g_new0 (SbxEnrollment, 1);
      enrollment->registration_id = g_strdup (registration_id);
      enrollment->state = sbx_db_column_dup (stmt, 0);
      enrollment->synced_at = sqlite3_column_int64 (stmt, 1);
      enrollment->credential_id = sbx_db_column_dup (stmt, 2);
      enrollment->acceptance_tran_id = sbx_db_column_dup (stmt, 3);
      enrollment->citizen_id = sbx_db_column_dup (stmt, 4);
    }
  sqlite3_reset (stmt);
  if (enrollment == NULL)
    {
      g_warning ("Registration %s has a SmartCA token but no enrollment", registration_id);
      return NULL;
    }

  if (g_str_equal (enrollment->state, "SYNCING") &&
      sbx_clock_now_ms () >= enrollment->synced_at)
    {
      if (!sbx_enrollment_set_state (db, registration_id, "CONTRACT_PENDING", NULL))
        return NULL;
      g_free (enrollment->state);
      enrollment->state = g_strdup ("CONTRACT_PENDING");
      g_info ("Registration %s synced: contract pending", registration_id);
    }

  if (g_str_equal (enrollment->state, "ACCEPTANCE_PENDING") &&
      !sbx_acceptance_refresh (db, enrollment))
    return NULL;

  return g_steal_pointer (&enrollment);
}

SbxEnrollment *
sbx_enrollment_begin (SbxRequest   *req,
                      SbxTokenInfo *token)
{
  SbxEnrollment *enrollment;

  if (!sbx_smartca_begin (req))
    return NULL;
  enrollment = sbx_enrollment_load (sbx_smartca_db (req), token->registration_id);
  if (enrollment == NULL)
    sbx_smartca_reply_internal (req);
  return enrollment;
}

SbxEnrollment *
sbx_enrollment_resume (SbxRequest *req,
                       const char *registration_id,
                       const char *state)
{
  g_autoptr(SbxEnrollment) enrollment = NULL;

  if (!sbx_smartca_begin (req))
    return NULL;
  enrollment = sbx_enrollment_load (sbx_smartca_db (req), registration_id);
  if (enrollment == NULL)
    {
      sbx_smartca_reply_internal (req);
      return NULL;
    }
  if (!sbx_enrollment_check_state (req, enrollment, state, NULL))
    return NULL;
  return g_steal_pointer (&enrollment);
}

gboolean
sbx_enrollment_check_state (SbxRequest    *req,
                            SbxEnrollment *enrollment,
                            ...)
{
  JsonObject *content;
  const char *state;
  va_list args;
  gboolean found = FALSE;

  va_start (args, enrollment);
  while (!found && (state = va_arg (args, const char *)) != NULL)
    found = g_str_equal (enrollment->state, state);
  va_end (args);
  if (found)
    return TRUE;

  /* The lazy changes of the load are kept even when the call is refused. */
  if (!sbx_smartca_commit (req))
    return FALSE;
  content = json_object_new ();
  json_object_set_string_member (content, "state", enrollment->state);
  sbx_reply_envelope_error (req, SBX_VNPT_WRONG_STATE, "Not possible in this state",
                            sbx_smartca_object_node (content));
  return FALSE;
}

/* The credential */

void
sbx_credential_free (SbxCredential *credential)
{
  if (credential == NULL)
    return;
  g_free (credential->credential_id);
  g_free (credential->registration_id);
  g_free (credential->citizen_id);
  g_clear_pointer (&credential->kak_public_key, g_bytes_unref);
  g_free (credential->device_id);
  g_clear_pointer (&credential->pending_kak_public_key, g_bytes_unref);
  g_free (credential->pending_device_id);
  g_clear_pointer (&credential->signing_key, g_bytes_unref);
  g_clear_pointer (&credential->certificate, g_bytes_unref);
  g_free (credential->serial_number);
  g_free (credential->subject_dn);
  g_free (credential->issuer_dn);
  g_free (credential);
}

SbxCredential *
sbx_credential_load (SbxDb      *db,
                     const char *credential_id)
{
  SbxCredential *credential = NULL;
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "SELECT registration_id, citizen_id, kak_public_key, device_id, "
                         "       pending_kak_public_key, pending_device_id, signing_key, "
                         "       certificate, serial_number, subject_dn, issuer_dn, "
                         "       valid_from, valid_to "
                         "FROM credentials WHERE credential_id = ?");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, credential_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      credential = g_new0 (SbxCredential, 1);
      credential->credential_id = g_strdup (credential_id);
      credential->registration_id = sbx_db_column_dup (stmt, 0);
      credential->citizen_id = sbx_db_column_dup (stmt, 1);
      credential->kak_public_key = sbx_db_column_bytes (stmt, 2);
      credential->device_id = sbx_db_column_dup (stmt, 3);
      credential->pending_kak_public_key = sbx_db_column_bytes (stmt, 4);
      credential->pending_device_id = sbx_db_column_dup (stmt, 5);
      credential->signing_key = sbx_db_column_bytes (stmt, 6);
      credential->certificate = sbx_db_column_bytes (stmt, 7);
      credential->serial_number = sbx_db_column_dup (stmt, 8);
      credential->subject_dn = sbx_db_column_dup (stmt, 9);
      credential->issuer_dn = sbx_db_column_dup (stmt, 10);
      credential->valid_from = sqlite3_column_int64 (stmt, 11);
      credential->valid_to = sqlite3_column_int64 (stmt, 12);
    }
  sqlite3_reset (stmt);
  return credential;
}

SbxCredential *
sbx_credential_lookup (SbxRequest   *req,
                       SbxTokenInfo *token,
                       const char   *credential_id)
{
  g_autoptr(SbxCredential) credential = NULL;

  /* A refusal keeps the lazy changes of sbx_enrollment_load(), as a
   * refusal for the state does: nothing else is written before lookups. */
  credential = sbx_credential_load (sbx_smartca_db (req), credential_id);
  if (credential == NULL)
    {
      if (!sbx_smartca_commit (req))
        return NULL;
      sbx_reply_envelope_error (req, SBX_VNPT_CREDENTIAL_NOT_EXIST, "There is no such credential",
                                NULL);
      return NULL;
    }
  if (!g_str_equal (credential->citizen_id, token->citizen_id))
    {
      if (!sbx_smartca_commit (req))
        return NULL;
      sbx_reply_envelope_error (req, SBX_VNPT_CREDENTIAL_NOT_MATCH_IDENTITY,
                                "The credential is not this citizen's", NULL);
      return NULL;
    }
  return g_steal_pointer (&credential);
}
