/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ssa/sic/pin/verify and ssa/sic/pin/change (PROTOCOL.md rev 2, "PIN
 * guard"): the credential's pinShare for the right pinVerifier, counted
 * per credential; the fifth wrong one in a row locks the guard until a
 * change of device replaces it. Both use the current guard only.
 */
#define G_LOG_DOMAIN "sbx-pin"

#include "config.h"

#include <gnutls/gnutls.h>

#include "sbx-hsm.h"
#include "sbx-pin-guard.h"
#include "sbx-secret.h"
#include "sbx-smartca-private.h"

typedef struct
{
  GBytes *verifier_hash;    /* NULL: no guard (a credential from before rev 2) */
  GBytes *sealed_share;
  gint64  failures;
} Guard;

static void
guard_clear (Guard *guard)
{
  g_clear_pointer (&guard->verifier_hash, g_bytes_unref);
  g_clear_pointer (&guard->sealed_share, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Guard, guard_clear)

static gboolean
guard_load (SbxDb      *db,
            const char *credential_id,
            Guard      *out)
{
  sqlite3_stmt *stmt;
  int ret;

  stmt = sbx_db_prepare (db,
                         "SELECT pin_verifier_hash, pin_share, pin_failures FROM credentials "
                         "WHERE credential_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, credential_id, -1, SQLITE_TRANSIENT);
  ret = sqlite3_step (stmt);
  if (ret == SQLITE_ROW)
    {
      out->verifier_hash = sbx_db_column_bytes (stmt, 0);
      out->sealed_share = sbx_db_column_bytes (stmt, 1);
      out->failures = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_reset (stmt);
  return ret == SQLITE_ROW;
}

static gboolean
set_failures (SbxDb      *db,
              const char *credential_id,
              gint64      failures)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db, "UPDATE credentials SET pin_failures = ? WHERE credential_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, failures);
  sqlite3_bind_text (stmt, 2, credential_id, -1, SQLITE_TRANSIENT);
  return sbx_db_step_done (db, stmt);
}

static void
reply_locked (SbxRequest *req)
{
  sbx_reply_envelope_error (req, SBX_VNPT_PIN_LOCKED,
                            "Too many wrong PINs; link this computer again to unlock", NULL);
}

/*
 * The common part of both calls, after the body is read: the credential
 * (403 / 60001), its guard (409 without one, 46001 when locked), then the
 * comparison, in constant time; a wrong verifier is counted and answered
 * (46000 or, the fifth, 46001) with the transaction committed. On success
 * the transaction is still open, the counter reset, and @share holds the
 * share in clear.
 */
static gboolean
check_verifier (SbxRequest    *req,
                SbxTokenInfo  *token,
                const char    *credential_id,
                const guint8   verifier_hash[32],
                char         **share)
{
  SbxDb *db = sbx_smartca_db (req);
  SbxHsm *hsm = sbx_server_get_hsm (sbx_request_get_server (req));
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(SbxCredential) credential = NULL;
  g_autoptr(GBytes) candidate = g_bytes_new (verifier_hash, 32);
  g_auto(Guard) guard = { NULL, };
  g_autofree char *aad = NULL;
  JsonObject *content;

  enrollment = sbx_enrollment_begin (req, token);
  if (enrollment == NULL)
    return FALSE;
  credential = sbx_credential_lookup (req, token, credential_id);
  if (credential == NULL)
    return FALSE;
  if (!guard_load (db, credential->credential_id, &guard))
    {
      sbx_smartca_reply_internal (req);
      return FALSE;
    }
  if (guard.verifier_hash == NULL || guard.sealed_share == NULL)
    {
      /* Activated before the PIN guard: a change of device gives it one. */
      if (!sbx_smartca_commit (req))
        return FALSE;
      content = json_object_new ();
      json_object_set_string_member (content, "state", enrollment->state);
      sbx_reply_envelope_error (req, SBX_VNPT_WRONG_STATE,
                                "The credential has no PIN guard; link the computer again",
                                sbx_smartca_object_node (content));
      return FALSE;
    }
  if (guard.failures >= SBX_PIN_MAX_WRONG)
    {
      if (sbx_smartca_commit (req))
        reply_locked (req);
      return FALSE;
    }

  if (!sbx_secret_equal (candidate, guard.verifier_hash))
    {
      guard.failures++;
      if (!set_failures (db, credential->credential_id, guard.failures) ||
          !sbx_smartca_commit (req))
        {
          if (sbx_db_in_transaction (db))
            sbx_smartca_reply_internal (req);
          return FALSE;
        }
      if (guard.failures >= SBX_PIN_MAX_WRONG)
        {
          g_info ("Credential %s: PIN guard locked after %d wrong PINs",
                  credential->credential_id, SBX_PIN_MAX_WRONG);
          reply_locked (req);
          return FALSE;
        }
      content = json_object_new ();
      json_object_set_int_member (content, "attemptsLeft", SBX_PIN_MAX_WRONG - guard.failures);
      sbx_reply_envelope_error (req, SBX_VNPT_PIN_INVALID, "The PIN is wrong",
                                sbx_smartca_object_node (content));
      return FALSE;
    }

  aad = g_strconcat ("pin_share:", credential->credential_id, NULL);
  *share = sbx_hsm_unseal (hsm, aad, guard.sealed_share);
  if (*share == NULL || !set_failures (db, credential->credential_id, 0))
    {
      sbx_smartca_reply_internal (req);
      return FALSE;
    }
  return TRUE;
}

static void
reply_share (SbxRequest *req,
             const char *share)
{
  JsonObject *content = json_object_new ();

  json_object_set_string_member (content, "pinShare", share);
  sbx_reply_envelope (req, sbx_smartca_object_node (content), NULL);
}

static void
verify_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxSecretString) share = NULL;
  const char *credential_id;
  guint8 verifier_hash[32];

  if (!sbx_smartca_resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "credentialId", &credential_id) ||
      !sbx_pin_guard_read_verifier (req, body, "pinVerifier", verifier_hash))
    return;
  if (!check_verifier (req, token, credential_id, verifier_hash, &share) ||
      !sbx_smartca_commit (req))
    return;
  reply_share (req, share);
}

static void
change_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxSecretString) share = NULL;
  const char *credential_id;
  guint8 verifier_hash[32], new_hash[32];
  SbxDb *db = sbx_smartca_db (req);
  sqlite3_stmt *stmt;

  if (!sbx_smartca_resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "credentialId", &credential_id) ||
      !sbx_pin_guard_read_verifier (req, body, "pinVerifier", verifier_hash) ||
      !sbx_pin_guard_read_verifier (req, body, "newPinVerifier", new_hash))
    return;
  if (!check_verifier (req, token, credential_id, verifier_hash, &share))
    return;

  /* The share stays: only the PIN, and so the verifier, changes. */
  stmt = sbx_db_prepare (db, "UPDATE credentials SET pin_verifier_hash = ? "
                             "WHERE credential_id = ?");
  if (stmt != NULL)
    {
      sqlite3_bind_blob (stmt, 1, new_hash, sizeof new_hash, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, credential_id, -1, SQLITE_TRANSIENT);
    }
  if (!sbx_db_step_done (db, stmt))
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  if (!sbx_smartca_commit (req))
    return;
  g_info ("Credential %s: the PIN was changed", credential_id);
  reply_share (req, share);
}

void
sbx_pin_register (SbxServer *server)
{
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "ssa/sic/pin/verify", verify_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "ssa/sic/pin/change", change_cb);
}
