/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-pin"

#include "config.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "sbx-pin-guard.h"
#include "sbx-secret.h"
#include "sbx-smartca-private.h"

#define SHARE_BYTES 32

gboolean
sbx_pin_guard_read_verifier (SbxRequest *req,
                             JsonObject *object,
                             const char *field,
                             guint8      hash[32])
{
  g_autoptr(GBytes) verifier = NULL;
  const char *text;
  gsize len = 0;
  guint8 *data;

  if (!sbx_require_string (req, object, field, &text))
    return FALSE;
  verifier = sbx_smartca_base64_decode (text);
  if (verifier == NULL || g_bytes_get_size (verifier) != SBX_PIN_VERIFIER_SIZE)
    {
      sbx_reply_bad_field (req, field, "must be the Base64 of 32 bytes");
      return FALSE;
    }
  /* Only its hash is kept, and the copy in clear goes at once. */
  data = (guint8 *) g_bytes_get_data (verifier, &len);
  gnutls_hash_fast (GNUTLS_DIG_SHA256, data, len, hash);
  gnutls_memset (data, 0, len);
  return TRUE;
}

/* One AAD for both columns: device/confirm moves the pending sealed share
 * into the current one as it is. */
static char *
share_aad (const char *credential_id)
{
  return g_strconcat ("pin_share:", credential_id, NULL);
}

char *
sbx_pin_guard_new (SbxDb        *db,
                   SbxHsm       *hsm,
                   const char   *credential_id,
                   const guint8  verifier_hash[32],
                   gboolean      pending)
{
  g_autoptr(GBytes) raw = sbx_secret_random_bytes (SHARE_BYTES);
  g_autoptr(SbxSecretString) share = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autofree char *aad = share_aad (credential_id);
  sqlite3_stmt *stmt;

  share = g_base64_encode (g_bytes_get_data (raw, NULL), SHARE_BYTES);
  gnutls_memset ((guint8 *) g_bytes_get_data (raw, NULL), 0, SHARE_BYTES);
  sealed = sbx_hsm_seal (hsm, aad, share);
  if (sealed == NULL)
    return NULL;

  stmt = sbx_db_prepare (db, pending
                         ? "UPDATE credentials SET pending_pin_verifier_hash = ?, "
                           "  pending_pin_share = ? WHERE credential_id = ?"
                         : "UPDATE credentials SET pin_verifier_hash = ?, pin_share = ?, "
                           "  pin_failures = 0 WHERE credential_id = ?");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, verifier_hash, 32, SQLITE_TRANSIENT);
  sbx_db_bind_bytes (stmt, 2, sealed);
  sqlite3_bind_text (stmt, 3, credential_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return NULL;
  return g_steal_pointer (&share);
}

gboolean
sbx_pin_guard_confirm (SbxDb      *db,
                       const char *credential_id)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE credentials SET pin_verifier_hash = pending_pin_verifier_hash, "
                         "  pin_share = pending_pin_share, pin_failures = 0, "
                         "  pending_pin_verifier_hash = NULL, pending_pin_share = NULL "
                         "WHERE credential_id = ?");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, credential_id, -1, SQLITE_TRANSIENT);
  return sbx_db_step_done (db, stmt);
}
