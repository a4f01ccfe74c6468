/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Waiting transactions (PROTOCOL.md, "Waiting transactions"): the store,
 * and the app-side endpoints ssa/sic/waitingtrans, waitingtraninfo,
 * signconfirm and signreject. A confirmation is checked (the SAD) in the
 * handler; the signatures are made by a worker (sbx-job.h) with the
 * credential's key from the HSM, and stored back in the main thread.
 */
#define G_LOG_DOMAIN "sbx-transactions"

#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "enr-pades-sign.h"
#include "enr-pdf-signature.h"
#include "sbx-acceptance.h"
#include "sbx-clock.h"
#include "sbx-hsm.h"
#include "sbx-job.h"
#include "sbx-sad.h"
#include "sbx-secret.h"
#include "sbx-smartca-private.h"
#include "sbx-stats.h"
#include "sbx-transactions.h"

#define CHALLENGE_BYTES 32
#define TRAN_TYPE_SIGNHASH 3

static guint lifetime_s = 300;

void
sbx_transactions_set_lifetime (guint seconds)
{
  lifetime_s = MAX (seconds, 1);
}

const char *
sbx_tran_status_desc (int status)
{
  switch (status)
    {
    case SBX_TRAN_SUCCESS:
      return "SUCCESS";
    case SBX_TRAN_WAITING:
      return "WAITING_FOR_SIGNER_CONFIRM";
    case SBX_TRAN_EXPIRED:
      return "EXPIRED";
    case SBX_TRAN_REJECTED:
      return "SIGNER_REJECTED";
    case 4003:
      return "AUTHORIZE_KEY_FAILED";
    case 4004:
      return "SIGN_FAILED";
    default:
      return "UNKNOWN";
    }
}

/* The store */

void
sbx_transaction_free (SbxTransaction *tran)
{
  if (tran == NULL)
    return;
  g_free (tran->tran_id);
  g_free (tran->credential_id);
  g_free (tran->citizen_id);
  g_free (tran->kind);
  g_free (tran->ref_tran_id);
  g_free (tran->description);
  g_free (tran->challenge);
  g_free (tran);
}

char *
sbx_transaction_create (SbxDb                 *db,
                        const char            *tran_id,
                        const char            *credential_id,
                        const char            *citizen_id,
                        const char            *kind,
                        const char            *ref_tran_id,
                        const char            *description,
                        const SbxTranDocument *documents,
                        guint                  n_documents)
{
  g_autofree char *id = tran_id != NULL ? g_strdup (tran_id) : sbx_secret_new_uuid ();
  g_autoptr(GBytes) random = sbx_secret_random_bytes (CHALLENGE_BYTES);
  g_autofree char *challenge = g_base64_encode (g_bytes_get_data (random, NULL), CHALLENGE_BYTES);
  gint64 now = sbx_clock_now_ms ();
  sqlite3_stmt *stmt;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (n_documents > 0, NULL);

  stmt = sbx_db_prepare (db,
                         "INSERT INTO transactions (tran_id, credential_id, citizen_id, kind, "
                         "  ref_tran_id, description, challenge, status, req_time, expires_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, credential_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, ref_tran_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 6, description, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, challenge, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 8, SBX_TRAN_WAITING);
  sqlite3_bind_int64 (stmt, 9, now);
  sqlite3_bind_int64 (stmt, 10, now + (gint64) lifetime_s * 1000);
  if (!sbx_db_step_done (db, stmt))
    return NULL;

  for (guint i = 0; i < n_documents; i++)
    {
      stmt = sbx_db_prepare (db,
                             "INSERT INTO transaction_documents (tran_id, position, name, type, "
                             "  hash, data) VALUES (?, ?, ?, ?, ?, ?)");
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, (int) i);
      sqlite3_bind_text (stmt, 3, documents[i].name, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 4, documents[i].type, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 5, documents[i].hash, -1, SQLITE_TRANSIENT);
      sbx_db_bind_bytes (stmt, 6, documents[i].data);
      if (!sbx_db_step_done (db, stmt))
        return NULL;
    }
  return g_steal_pointer (&id);
}

gboolean
sbx_transaction_finish (SbxDb      *db,
                        const char *tran_id,
                        int         status)
{
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE transactions SET status = ?, finished_at = ? "
                         "WHERE tran_id = ? AND status = 4000");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, status);
  sqlite3_bind_int64 (stmt, 2, sbx_clock_now_ms ());
  sqlite3_bind_text (stmt, 3, tran_id, -1, SQLITE_TRANSIENT);
  return sbx_db_step_done (db, stmt);
}

/* Nothing runs when a transaction's time is up: it expires when next
 * looked at. */
SbxTransaction *
sbx_transaction_load (SbxDb      *db,
                      const char *tran_id)
{
  g_autoptr(SbxTransaction) tran = NULL;
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "SELECT credential_id, citizen_id, kind, ref_tran_id, description, "
                         "       challenge, status, req_time, expires_at "
                         "FROM transactions WHERE tran_id = ?");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, tran_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      tran = g_new0 (SbxTransaction, 1);
      tran->tran_id = g_strdup (tran_id);
      tran->credential_id = sbx_db_column_dup (stmt, 0);
      tran->citizen_id = sbx_db_column_dup (stmt, 1);
      tran->kind = sbx_db_column_dup (stmt, 2);
      tran->ref_tran_id = sbx_db_column_dup (stmt, 3);
      tran->description = sbx_db_column_dup (stmt, 4);
      tran->challenge = sbx_db_column_dup (stmt, 5);
      tran->status = sqlite3_column_int (stmt, 6);
      tran->req_time = sqlite3_column_int64 (stmt, 7);
      tran->expires_at = sqlite3_column_int64 (stmt, 8);
    }
  sqlite3_reset (stmt);

  if (tran != NULL && tran->status == SBX_TRAN_WAITING &&
      sbx_clock_now_ms () >= tran->expires_at)
    {
      if (!sbx_transaction_finish (db, tran_id, SBX_TRAN_EXPIRED))
        return NULL;
      tran->status = SBX_TRAN_EXPIRED;
      g_info ("Transaction %s expired", tran_id);
    }
  return g_steal_pointer (&tran);
}

GBytes *
sbx_transaction_get_signature (SbxDb       *db,
                               const char  *tran_id,
                               guint        position,
                               char       **name)
{
  sqlite3_stmt *stmt;
  GBytes *signature = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT signature, name FROM transaction_documents "
                         "WHERE tran_id = ? AND position = ?");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, tran_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, (int) position);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      signature = sbx_db_column_bytes (stmt, 0);
      if (name != NULL)
        *name = sbx_db_column_dup (stmt, 1);
    }
  sqlite3_reset (stmt);
  return signature;
}

static void
set_nullable_string (JsonObject *object,
                     const char *member,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

JsonNode *
sbx_transaction_info_json (SbxDb          *db,
                           SbxTransaction *tran)
{
  JsonObject *object = json_object_new ();
  JsonArray *documents = json_array_new ();
  sqlite3_stmt *stmt;

  json_object_set_string_member (object, "tranId", tran->tran_id);
  set_nullable_string (object, "refTranId", tran->ref_tran_id);
  json_object_set_int_member (object, "tranStatus", tran->status);
  json_object_set_string_member (object, "tranStatusDesc", sbx_tran_status_desc (tran->status));

  stmt = sbx_db_prepare (db,
                         "SELECT name, hash, signature, type FROM transaction_documents "
                         "WHERE tran_id = ? ORDER BY position");
  sqlite3_bind_text (stmt, 1, tran->tran_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *document = json_object_new ();
      g_autoptr(GBytes) signature = NULL;
      g_autofree char *sig = NULL;

      json_object_set_string_member (document, "name",
                                     (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (document, "hash",
                                     (const char *) sqlite3_column_text (stmt, 1));
      /* A hash's PKCS#1 signature; a PDF's is its CMS, which the signed
       * PDF holds (enrollment/acceptance hands out the whole file). */
      signature = tran->status == SBX_TRAN_SUCCESS ? sbx_db_column_bytes (stmt, 2) : NULL;
      if (signature != NULL &&
          g_strcmp0 ((const char *) sqlite3_column_text (stmt, 3), "pdf") == 0)
        {
          g_autoptr(EnrPdfSignature) located = NULL;
          g_autoptr(GBytes) signed_pdf = g_steal_pointer (&signature);
          gsize len;
          const guint8 *data = g_bytes_get_data (signed_pdf, &len);

          if (enr_pdf_signature_locate (data, len, &located) == ENR_PDF_SIGNATURE_OK)
            signature = g_bytes_ref (located->contents);
        }
      if (signature != NULL)
        sig = g_base64_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
      set_nullable_string (document, "sig", sig);
      json_array_add_object_element (documents, document);
    }
  sqlite3_reset (stmt);
  json_object_set_array_member (object, "documents", documents);
  return sbx_smartca_object_node (object);
}

/* As waitingtrans lists a transaction, and waitingtraninfo shows it (with
 * each document's data). */
static JsonObject *
transaction_json (SbxDb          *db,
                  SbxTransaction *tran,
                  gboolean        with_data)
{
  JsonObject *object = json_object_new ();
  JsonArray *documents = json_array_new ();
  g_autofree char *expires_at = sbx_clock_format_rfc3339 (tran->expires_at);
  g_autofree char *req_time = sbx_clock_format_rfc3339 (tran->req_time);
  sqlite3_stmt *stmt;

  json_object_set_string_member (object, "tranId", tran->tran_id);
  set_nullable_string (object, "refTranId", tran->ref_tran_id);
  json_object_set_int_member (object, "tranType", TRAN_TYPE_SIGNHASH);
  json_object_set_string_member (object, "tranTypeDesc", "SIGNHASH");
  json_object_set_string_member (object, "description", tran->description);
  json_object_set_string_member (object, "credentialId", tran->credential_id);

  stmt = sbx_db_prepare (db,
                         "SELECT name, type, hash, data FROM transaction_documents "
                         "WHERE tran_id = ? ORDER BY position");
  sqlite3_bind_text (stmt, 1, tran->tran_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      JsonObject *document = json_object_new ();
      gboolean is_pdf = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), "pdf") == 0;

      json_object_set_string_member (document, "name",
                                     (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (document, "type", is_pdf ? "pdf" : "hash");
      /* A hash document's size is the hash's. */
      json_object_set_int_member (document, "size",
                                  is_pdf ? sqlite3_column_bytes (stmt, 3) : 32);
      json_object_set_string_member (document, "hash",
                                     (const char *) sqlite3_column_text (stmt, 2));
      if (with_data)
        {
          g_autofree char *data = NULL;

          if (is_pdf)
            data = g_base64_encode (sqlite3_column_blob (stmt, 3),
                                    (gsize) sqlite3_column_bytes (stmt, 3));
          set_nullable_string (document, "dataBase64", data);
        }
      json_array_add_object_element (documents, document);
    }
  sqlite3_reset (stmt);

  json_object_set_array_member (object, "documents", documents);
  json_object_set_string_member (object, "challenge", tran->challenge);
  json_object_set_string_member (object, "expiresAt", expires_at);
  json_object_set_string_member (object, "reqTime", req_time);
  return object;
}

static JsonNode *
status_json (SbxTransaction *tran)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "tranId", tran->tran_id);
  json_object_set_int_member (object, "tranStatus", tran->status);
  json_object_set_string_member (object, "tranStatusDesc", sbx_tran_status_desc (tran->status));
  return sbx_smartca_object_node (object);
}

/* The citizen's transaction @tran_id names: else 404 / 62000 or 403 /
 * 62001, and the transaction ends (keeping the lazy changes). */
static SbxTransaction *
transaction_lookup (SbxRequest   *req,
                    SbxTokenInfo *token,
                    const char   *tran_id)
{
  g_autoptr(SbxTransaction) tran = sbx_transaction_load (sbx_smartca_db (req), tran_id);

  if (tran == NULL)
    {
      if (sbx_smartca_commit (req))
        sbx_reply_envelope_error (req, SBX_VNPT_SIGNATURE_TRANSACTION_NOT_FOUND,
                                  "There is no such transaction", NULL);
      return NULL;
    }
  if (!g_str_equal (tran->citizen_id, token->citizen_id))
    {
      if (sbx_smartca_commit (req))
        sbx_reply_envelope_error (req, SBX_VNPT_SIGNATURE_TRANSACTION_NOT_MATCH_IDENTITY,
                                  "The transaction is not this citizen's", NULL);
      return NULL;
    }
  return g_steal_pointer (&tran);
}

/* After the call's syntax: the token's enrollment (and its lazy
 * changes), then the citizen's transaction @tran_id names. */
static SbxTransaction *
transaction_call_start (SbxRequest     *req,
                        SbxTokenInfo   *token,
                        const char     *tran_id,
                        SbxEnrollment **enrollment)
{
  *enrollment = sbx_enrollment_begin (req, token);
  if (*enrollment == NULL)
    return NULL;
  return transaction_lookup (req, token, tran_id);
}

/* ssa/sic/waitingtrans and waitingtraninfo */

static void
waitingtrans_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *list;
  JsonNode *node;
  SbxDb *db = sbx_smartca_db (req);
  sqlite3_stmt *stmt;

  if (!sbx_smartca_resource_start (req, &token, &body))
    return;
  enrollment = sbx_enrollment_begin (req, token);
  if (enrollment == NULL)
    return;

  stmt = sbx_db_prepare (db,
                         "SELECT tran_id FROM transactions WHERE citizen_id = ? AND status = 4000 "
                         "ORDER BY req_time, rowid");
  sqlite3_bind_text (stmt, 1, token->citizen_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, sbx_db_column_dup (stmt, 0));
  sqlite3_reset (stmt);

  list = json_array_new ();
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(SbxTransaction) tran = sbx_transaction_load (db, g_ptr_array_index (ids, i));

      if (tran == NULL)
        {
          json_array_unref (list);
          sbx_smartca_reply_internal (req);
          return;
        }
      if (tran->status == SBX_TRAN_WAITING)
        json_array_add_object_element (list, transaction_json (db, tran, FALSE));
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, list);
  if (!sbx_smartca_commit (req))
    {
      json_node_unref (node);
      return;
    }
  sbx_reply_envelope (req, node, NULL);
}

static void
waitingtraninfo_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(SbxTransaction) tran = NULL;
  JsonObject *content;
  const char *tran_id;

  if (!sbx_smartca_resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "tranId", &tran_id))
    return;
  tran = transaction_call_start (req, token, tran_id, &enrollment);
  if (tran == NULL)
    return;

  content = transaction_json (sbx_smartca_db (req), tran, TRUE);
  if (!sbx_smartca_commit (req))
    {
      json_object_unref (content);
      return;
    }
  sbx_reply_envelope (req, sbx_smartca_object_node (content), NULL);
}

/* ssa/sic/signconfirm */

typedef struct
{
  char   *type;
  char   *hash;
  GBytes *data;
  GBytes *signature;       /* the worker's */
} Document;

static void
document_free (Document *document)
{
  g_free (document->type);
  g_free (document->hash);
  g_clear_pointer (&document->data, g_bytes_unref);
  g_clear_pointer (&document->signature, g_bytes_unref);
  g_free (document);
}

typedef struct
{
  SbxHsm    *hsm;              /* the server's, which outlives the job */
  char      *tran_id;
  char      *credential_id;
  char      *challenge;
  GBytes    *signing_key;
  GBytes    *certificate;
  GBytes    *chain[2];
  GPtrArray *documents;
  GError    *error;
} Confirm;

static void
confirm_free (gpointer data)
{
  Confirm *confirm = data;

  g_free (confirm->tran_id);
  g_free (confirm->credential_id);
  g_free (confirm->challenge);
  g_clear_pointer (&confirm->signing_key, g_bytes_unref);
  g_clear_pointer (&confirm->certificate, g_bytes_unref);
  g_clear_pointer (&confirm->chain[0], g_bytes_unref);
  g_clear_pointer (&confirm->chain[1], g_bytes_unref);
  g_clear_pointer (&confirm->documents, g_ptr_array_unref);
  g_clear_error (&confirm->error);
  g_free (confirm);
}

static gnutls_x509_crt_t
import_certificate (GBytes  *der,
                    GError **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gsize len;
  int ret;

  datum.data = (unsigned char *) g_bytes_get_data (der, &len);
  datum.size = (unsigned int) len;
  if ((ret = gnutls_x509_crt_init (&crt)) < 0 ||
      (ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER)) < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Certificate: %s",
                   gnutls_strerror (ret));
      g_clear_pointer (&crt, gnutls_x509_crt_deinit);
    }
  return crt;
}

/* The prepared PDF with its placeholder filled: a PAdES B-B signature by
 * @key over the bytes /ByteRange covers, whose digest is @hash. */
static GBytes *
sign_pdf (GBytes                   *prepared,
          const char               *hash,
          gnutls_x509_crt_t         signer,
          const gnutls_x509_crt_t  *chain,
          guint                     chain_len,
          gnutls_privkey_t          key,
          GError                  **error)
{
  g_autoptr(EnrPdfSignature) placeholder = NULL;
  g_autoptr(GBytes) covered = NULL;
  g_autofree char *digest = NULL;
  EnrPdfSignatureStatus status;
  GBytes *signed_pdf;
  const guint8 *data;
  gsize len;
  gint64 started;

  data = g_bytes_get_data (prepared, &len);
  status = enr_pdf_signature_locate (data, len, &placeholder);
  if (status == ENR_PDF_SIGNATURE_OK)
    covered = enr_pdf_signature_covered_bytes (data, len, placeholder);
  if (covered == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The prepared PDF has no usable placeholder: %s",
                   enr_pdf_signature_status_to_string (status));
      return NULL;
    }
  /* The digest the citizen approved is the one signed, or nothing is. */
  digest = sbx_smartca_sha256_base64 (g_bytes_get_data (covered, NULL),
                                      g_bytes_get_size (covered));
  if (!g_str_equal (digest, hash))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The prepared PDF is not the one whose hash was offered");
      return NULL;
    }

  started = sbx_stats_thread_cpu_us ();
  signed_pdf = enr_pades_sign (prepared, placeholder, signer, chain, chain_len, key, error);
  if (signed_pdf != NULL)
    sbx_stats_add_since (SBX_STAT_DOCUMENT_SIGNATURE, started);
  return signed_pdf;
}

static void
confirm_work (gpointer data)
{
  Confirm *confirm = data;
  gnutls_privkey_t key = NULL;
  gnutls_x509_crt_t signer = NULL;
  gnutls_x509_crt_t chain[2] = { NULL, NULL };

  key = sbx_hsm_open (confirm->hsm, confirm->credential_id, confirm->signing_key,
                      &confirm->error);
  if (key == NULL ||
      (signer = import_certificate (confirm->certificate, &confirm->error)) == NULL ||
      (chain[0] = import_certificate (confirm->chain[0], &confirm->error)) == NULL ||
      (chain[1] = import_certificate (confirm->chain[1], &confirm->error)) == NULL)
    goto out;

  for (guint i = 0; i < confirm->documents->len; i++)
    {
      Document *document = g_ptr_array_index (confirm->documents, i);

      if (g_str_equal (document->type, "pdf"))
        document->signature = sign_pdf (document->data, document->hash, signer, chain,
                                        G_N_ELEMENTS (chain), key, &confirm->error);
      else
        {
          gsize len = 0;
          g_autofree guint8 *digest = g_base64_decode (document->hash, &len);

          if (len == 32)
            document->signature = sbx_hsm_sign_digest (key, digest, &confirm->error);
          else
            g_set_error (&confirm->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "A stored hash is not a SHA-256");
        }
      if (document->signature == NULL)
        break;
    }

out:
  g_clear_pointer (&key, gnutls_privkey_deinit);
  g_clear_pointer (&signer, gnutls_x509_crt_deinit);
  g_clear_pointer (&chain[0], gnutls_x509_crt_deinit);
  g_clear_pointer (&chain[1], gnutls_x509_crt_deinit);
}

static void
confirm_done (SbxRequest *req,
              gpointer    data)
{
  Confirm *confirm = data;
  g_autoptr(SbxTransaction) tran = NULL;
  SbxDb *db = sbx_smartca_db (req);
  sqlite3_stmt *stmt;

  if (confirm->error != NULL)
    {
      g_warning ("Transaction %s could not be signed: %s", confirm->tran_id,
                 confirm->error->message);
      sbx_reply_envelope_error (req, SBX_VNPT_SERVER_INTERNAL_ERROR,
                                "The service could not sign; try again", NULL);
      return;
    }

  /* What was checked may have changed while the worker signed: another
   * confirmation, a rejection. The first to come back wins. */
  if (!sbx_smartca_begin (req))
    return;
  tran = sbx_transaction_load (db, confirm->tran_id);
  if (tran == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  /* (Expired in the moment it took to sign: expired, as it would have
   * been a moment later.) */
  if (tran->status != SBX_TRAN_WAITING)
    {
      if (!sbx_smartca_commit (req))
        return;
      if (tran->status == SBX_TRAN_SUCCESS)
        sbx_reply_envelope_error (req, SBX_VNPT_SAD_INVALID,
                                  "The challenge has already been used", NULL);
      else
        sbx_reply_envelope (req, status_json (tran), NULL);
      return;
    }

  for (guint i = 0; i < confirm->documents->len; i++)
    {
      Document *document = g_ptr_array_index (confirm->documents, i);

      stmt = sbx_db_prepare (db,
                             "UPDATE transaction_documents SET signature = ? "
                             "WHERE tran_id = ? AND position = ?");
      if (stmt == NULL)
        {
          sbx_smartca_reply_internal (req);
          return;
        }
      sbx_db_bind_bytes (stmt, 1, document->signature);
      sqlite3_bind_text (stmt, 2, confirm->tran_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 3, (int) i);
      if (!sbx_db_step_done (db, stmt))
        {
          sbx_smartca_reply_internal (req);
          return;
        }
    }

  if (!sbx_transaction_finish (db, confirm->tran_id, SBX_TRAN_SUCCESS) ||
      (g_str_equal (tran->kind, "acceptance") && !sbx_acceptance_signed (db, tran)))
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  tran->status = SBX_TRAN_SUCCESS;
  if (!sbx_smartca_commit (req))
    return;
  g_info ("Transaction %s signed", confirm->tran_id);
  sbx_reply_envelope (req, status_json (tran), NULL);
}

static gboolean
load_documents (SbxDb     *db,
                Confirm   *confirm)
{
  sqlite3_stmt *stmt;

  confirm->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) document_free);
  stmt = sbx_db_prepare (db,
                         "SELECT type, hash, data FROM transaction_documents "
                         "WHERE tran_id = ? ORDER BY position");
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, confirm->tran_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      Document *document = g_new0 (Document, 1);

      document->type = sbx_db_column_dup (stmt, 0);
      document->hash = sbx_db_column_dup (stmt, 1);
      document->data = sbx_db_column_bytes (stmt, 2);
      g_ptr_array_add (confirm->documents, document);
    }
  sqlite3_reset (stmt);
  return confirm->documents->len > 0;
}

/* The transaction's document hashes in their order: what its SAD names. */
static GStrv
document_hashes (SbxDb      *db,
                 const char *tran_id)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "SELECT hash FROM transaction_documents WHERE tran_id = ? "
                         "ORDER BY position");
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, tran_id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return g_strv_builder_end (builder);
}

static void
signconfirm_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(SbxTransaction) tran = NULL;
  g_autoptr(SbxCredential) credential = NULL;
  g_autofree char *reason = NULL;
  g_auto(GStrv) hashes = NULL;
  const char *tran_id, *credential_id, *sad;
  SbxServer *server = sbx_request_get_server (req);
  SbxDb *db = sbx_smartca_db (req);
  SbxSadExpected expected;
  SbxSadResult result;
  Confirm *confirm;

  if (!sbx_smartca_resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "tranId", &tran_id) ||
      !sbx_require_string (req, body, "credentialId", &credential_id) ||
      !sbx_require_string (req, body, "sad", &sad))
    return;
  tran = transaction_call_start (req, token, tran_id, &enrollment);
  if (tran == NULL)
    return;
  credential = sbx_credential_lookup (req, token, credential_id);
  if (credential == NULL)
    return;
  if (!g_str_equal (credential->credential_id, tran->credential_id))
    {
      if (sbx_smartca_commit (req))
        sbx_reply_bad_field (req, "credentialId", "is not the transaction's credential");
      return;
    }

  /* Over: its status, whatever the SAD. An acceptance record that is over
   * gives way to a new one at once. */
  if (tran->status == SBX_TRAN_EXPIRED || tran->status == SBX_TRAN_REJECTED)
    {
      if (g_str_equal (tran->kind, "acceptance") && !sbx_acceptance_refresh (db, enrollment))
        {
          sbx_smartca_reply_internal (req);
          return;
        }
      if (sbx_smartca_commit (req))
        sbx_reply_envelope (req, status_json (tran), NULL);
      return;
    }

  hashes = document_hashes (db, tran->tran_id);
  if (hashes == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  expected = (SbxSadExpected) {
    .kak_public_key = credential->kak_public_key,
    .device_id = credential->device_id,
    .credential_id = credential->credential_id,
    .txn = tran->tran_id,
    /* A transaction that succeeded has used its challenge. */
    .challenge = tran->status == SBX_TRAN_WAITING ? tran->challenge : NULL,
    .expires_at_ms = tran->expires_at,
    .hashes = (const char * const *) hashes,
  };
  result = sbx_sad_check (sad, &expected, sbx_clock_now_ms (), &reason);
  if (result != SBX_SAD_OK)
    {
      g_info ("A SAD for transaction %s was refused: %s", tran->tran_id, reason);
      if (sbx_smartca_commit (req))
        sbx_reply_envelope_error (req, result == SBX_SAD_CHALLENGE_EXPIRED
                                         ? SBX_VNPT_CHALLENGE_EXPIRED : SBX_VNPT_SAD_INVALID,
                                  result == SBX_SAD_CHALLENGE_EXPIRED
                                    ? "The challenge has expired" : "The SAD is not valid",
                                  NULL);
      return;
    }
  if (credential->signing_key == NULL || credential->certificate == NULL)
    {
      sbx_smartca_reply_internal (req);
      return;
    }

  confirm = g_new0 (Confirm, 1);
  confirm->hsm = sbx_server_get_hsm (server);
  confirm->tran_id = g_strdup (tran->tran_id);
  confirm->credential_id = g_strdup (credential->credential_id);
  confirm->challenge = g_strdup (tran->challenge);
  confirm->signing_key = g_bytes_ref (credential->signing_key);
  confirm->certificate = g_bytes_ref (credential->certificate);
  confirm->chain[0] = sbx_ca_get_issuing_der (sbx_server_get_ca (server));
  confirm->chain[1] = sbx_ca_get_root_der (sbx_server_get_ca (server));
  if (!load_documents (db, confirm) || !sbx_smartca_commit (req))
    {
      confirm_free (confirm);
      if (sbx_db_in_transaction (db))
        sbx_smartca_reply_internal (req);
      return;
    }
  sbx_job_run (req, confirm_work, confirm_done, confirm, confirm_free);
}

/* ssa/sic/signreject */

static void
signreject_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) token = NULL;
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(SbxEnrollment) enrollment = NULL;
  g_autoptr(SbxTransaction) tran = NULL;
  SbxDb *db = sbx_smartca_db (req);
  const char *tran_id;

  if (!sbx_smartca_resource_start (req, &token, &body) ||
      !sbx_require_string (req, body, "tranId", &tran_id))
    return;
  tran = transaction_call_start (req, token, tran_id, &enrollment);
  if (tran == NULL)
    return;

  /* A transaction that is over stays as it is: its status is the answer. */
  if (tran->status == SBX_TRAN_WAITING)
    {
      if (!sbx_transaction_finish (db, tran->tran_id, SBX_TRAN_REJECTED))
        {
          sbx_smartca_reply_internal (req);
          return;
        }
      tran->status = SBX_TRAN_REJECTED;
      g_info ("Transaction %s rejected", tran->tran_id);
    }
  if (g_str_equal (tran->kind, "acceptance") && !sbx_acceptance_refresh (db, enrollment))
    {
      sbx_smartca_reply_internal (req);
      return;
    }
  if (sbx_smartca_commit (req))
    sbx_reply_envelope (req, status_json (tran), NULL);
}

void
sbx_transactions_register (SbxServer *server)
{
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "ssa/sic/waitingtrans",
                        waitingtrans_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "ssa/sic/waitingtraninfo",
                        waitingtraninfo_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "ssa/sic/signconfirm", signconfirm_cb);
  sbx_server_add_route (server, SBX_API_SMARTCA, "POST", "ssa/sic/signreject", signreject_cb);
}
