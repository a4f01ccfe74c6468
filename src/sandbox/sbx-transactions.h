/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "sbx-db.h"

G_BEGIN_DECLS

/*
 * Waiting transactions (PROTOCOL.md): a signature the citizen confirms
 * with a SAD over the transaction's one challenge, or rejects, before its
 * expiresAt. The acceptance record is one (sbx-acceptance.h), and so is
 * every portal signing request (sbx-credentials.c).
 */

/* VNPT's tranStatus. */
#define SBX_TRAN_SUCCESS   1
#define SBX_TRAN_WAITING   4000
#define SBX_TRAN_EXPIRED   4001
#define SBX_TRAN_REJECTED  4002

const char *sbx_tran_status_desc (int status);

/* How long a new transaction waits; 300 s unless configured. */
void        sbx_transactions_set_lifetime (guint seconds);

typedef struct
{
  char   *tran_id;
  char   *credential_id;
  char   *citizen_id;
  char   *kind;               /* "acceptance" | "portal" */
  char   *ref_tran_id;
  char   *description;
  char   *challenge;
  int     status;
  gint64  req_time;
  gint64  expires_at;
} SbxTransaction;

void            sbx_transaction_free   (SbxTransaction *tran);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxTransaction, sbx_transaction_free)

/* One document to sign: a PDF prepared for its signature, or a hash. */
typedef struct
{
  const char *name;
  const char *type;           /* "pdf" | "hash" */
  const char *hash;           /* Base64 SHA-256 */
  GBytes     *data;           /* "pdf": the prepared PDF */
} SbxTranDocument;

/* A new waiting transaction with a fresh challenge, in the caller's
 * transaction. @tran_id may be NULL for a new one. Returns its id. */
char           *sbx_transaction_create (SbxDb                 *db,
                                        const char            *tran_id,
                                        const char            *credential_id,
                                        const char            *citizen_id,
                                        const char            *kind,
                                        const char            *ref_tran_id,
                                        const char            *description,
                                        const SbxTranDocument *documents,
                                        guint                  n_documents);
/* The transaction, its waiting time over: EXPIRED from then on. */
SbxTransaction *sbx_transaction_load   (SbxDb                 *db,
                                        const char            *tran_id);
/* Sets a waiting transaction's final status. */
gboolean        sbx_transaction_finish (SbxDb                 *db,
                                        const char            *tran_id,
                                        int                    status);
/* The signed document @position of a transaction that succeeded: the
 * signed PDF or the signature. */
GBytes         *sbx_transaction_get_signature (SbxDb          *db,
                                               const char     *tran_id,
                                               guint           position,
                                               char          **name);

/* csc/credentials/gettraninfo's content (and CONTROL/portal/transactions/
 * {tranId}'s answer): {"tranId","refTranId","tranStatus","tranStatusDesc",
 * "documents":[{"name","hash","sig"}]}. */
JsonNode       *sbx_transaction_info_json (SbxDb          *db,
                                           SbxTransaction *tran);

G_END_DECLS
