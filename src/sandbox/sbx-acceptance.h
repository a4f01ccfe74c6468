/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sbx-acceptance-pdf.h"
#include "sbx-db.h"
#include "sbx-smartca-private.h"
#include "sbx-transactions.h"

G_BEGIN_DECLS

/*
 * The acceptance record (PROTOCOL.md, step 5): a PDF prepared for its
 * signature, offered to the citizen as a waiting transaction once the
 * certificate is issued. Confirmed, it is signed with the citizen's own
 * key and the enrollment is ACTIVE; expired or rejected, a new record
 * replaces it.
 */

#define SBX_ACCEPTANCE_DESCRIPTION "Ký biên bản nghiệm thu chứng thư số VNPT SmartCA"

/* A record drawn and prepared: the PDF with its /ByteRange and zero-filled
 * /Contents, and the Base64 SHA-256 of the bytes the range covers. */
typedef struct
{
  GBytes *prepared;
  char   *hash;
} SbxAcceptanceDraft;

void                sbx_acceptance_draft_free (SbxAcceptanceDraft *draft);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxAcceptanceDraft, sbx_acceptance_draft_free)

/* Draws and prepares the record; slow (a PDF): any thread. */
SbxAcceptanceDraft *sbx_acceptance_draft      (const SbxAcceptanceInfo *info,
                                               GError                 **error);
/* "bien-ban-nghiem-thu-<citizen id>.pdf" */
char               *sbx_acceptance_file_name  (const char              *citizen_id);

/* Offers @draft as the enrollment's acceptance record, transaction
 * @tran_id, in the caller's transaction; the enrollment then names it. */
gboolean            sbx_acceptance_offer      (SbxDb                   *db,
                                               SbxEnrollment           *enrollment,
                                               const char              *tran_id,
                                               SbxAcceptanceDraft      *draft);
/* In ACCEPTANCE_PENDING: replaces a record that expired or was rejected
 * (drawing the new one here: it happens once per expiry at most). */
gboolean            sbx_acceptance_refresh    (SbxDb                   *db,
                                               SbxEnrollment           *enrollment);
/* The record @tran was signed: the enrollment and the registration are
 * ACTIVE. */
gboolean            sbx_acceptance_signed     (SbxDb                   *db,
                                               SbxTransaction          *tran);

G_END_DECLS
