/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * EnrDocumentSigning's instance, shared by its two files: the object and
 * its list (enr-document-signing.c) and the work of signing
 * (enr-document-signing-run.c).
 */

#include "enr-document-signing.h"

G_BEGIN_DECLS

/* What the work keeps between the calls (enr-document-signing-run.c). */
typedef struct _EnrSigningWork EnrSigningWork;

struct _EnrDocumentSigning
{
  GObject         parent_instance;

  EnrAccount     *account;
  GListStore     *documents;   /* EnrSigningDocument */
  char           *reason;
  char           *place;
  EnrSigningWork *work;        /* NULL until prepared */
};

guint               _enr_document_signing_get_n_documents (EnrDocumentSigning *self);
/* Borrowed: the list holds it. */
EnrSigningDocument *_enr_document_signing_get_document    (EnrDocumentSigning *self,
                                                           guint               position);
/* Forgets what was prepared and signed (the list is kept). */
void                _enr_document_signing_clear_work      (EnrDocumentSigning *self);

G_END_DECLS
