/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * EnrDocumentSigning's instance, shared by its two files: the object and
 * its list (enr-document-signing.c), the preparation in a thread
 * (enr-document-signing-prepare.c), the signing and time-stamping
 * (enr-document-signing-run.c) and the writing and checking
 * (enr-document-signing-write.c).
 */

#include <gnutls/x509.h>

#include "enr-document-signing.h"
#include "enr-pades-sign.h"

G_BEGIN_DECLS

/* What was prepared, kept from the preparation to the written files. */
typedef struct
{
  GPtrArray         *signings;     /* EnrPadesSigning, by document */
  gnutls_x509_crt_t  signer;       /* the citizen's certificate */
  gnutls_x509_crt_t *chain;        /* the issuing CA first */
  guint              chain_len;
  char              *tran_id;      /* the signhash transaction, once asked for */
  GPtrArray         *signatures;   /* GBytes, SmartCA's sig by document, once made */
} EnrSigningWork;

void _enr_signing_work_free (EnrSigningWork *work);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrSigningWork, _enr_signing_work_free)

/* Where a sign call's time goes, for the benchmark. */
typedef enum
{
  ENR_SIGNING_PART_SERVICE,   /* signhash, signconfirm, gettraninfo */
  ENR_SIGNING_PART_PIN,       /* the PIN guard and opening the key (with waitingtraninfo) */
  ENR_SIGNING_PART_TSA,
  ENR_SIGNING_PART_WRITE,
  ENR_SIGNING_PART_CHECK,
  ENR_SIGNING_N_PARTS
} EnrSigningPart;

struct _EnrDocumentSigning
{
  GObject         parent_instance;

  EnrAccount     *account;
  GListStore     *documents;   /* EnrSigningDocument */
  char           *reason;
  char           *place;
  EnrSigningWork *work;        /* NULL until prepared */
  gboolean        running;     /* a sign or finish call uses the work */
  gint64          timings[ENR_SIGNING_N_PARTS];  /* µs, of the last sign call and after */
};

/* For the benchmark: the last sign call's µs in @part (and those of the
 * finish calls after it). */
gint64              _enr_document_signing_get_timing      (EnrDocumentSigning *self,
                                                           EnrSigningPart      part);

guint               _enr_document_signing_get_n_documents (EnrDocumentSigning *self);
/* Borrowed: the list holds it. */
EnrSigningDocument *_enr_document_signing_get_document    (EnrDocumentSigning *self,
                                                           guint               position);
/* Forgets what was prepared and signed (the list is kept). */
void                _enr_document_signing_clear_work      (EnrDocumentSigning *self);
EnrSession         *_enr_document_signing_get_session     (EnrDocumentSigning *self);

/* Ends a sign or finish call's action with @error (NULL: success). */
void                _enr_document_signing_end             (GTask              *task,
                                                           GError             *error);
/* Writes and checks every document not signed yet, with @tokens (taken;
 * by document; NULL: B-B), then ends @task. (enr-document-signing-write.c) */
void                _enr_document_signing_write_all       (GTask              *task,
                                                           GPtrArray          *tokens);

/* Blocking: a name beside @input for its signed copy, <name>-signed.pdf or
 * <name>-signed-2.pdf, … that neither exists nor is in @taken (URIs; the
 * one picked is added). NULL when none is free. */
GFile              *_enr_signing_document_pick_output     (GFile              *input,
                                                           GHashTable         *taken);

G_END_DECLS
