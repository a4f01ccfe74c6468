/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The words of a document check (enr-document-check-words.c), for
 * enr-document-check.c and the tests: what the verdict engine found,
 * said in the citizen's language. Never for src/ui.
 */

#include "enr-document-check.h"
#include "enr-pdf-check.h"

G_BEGIN_DECLS

/* One signature in words, with its details (@file_size: the whole file's,
 * to say how much of it the signature covers). */
EnrCheckedSignature *_enr_checked_signature_new  (const EnrPdfCheckSignature *signature,
                                                  gsize                       file_size);
void                 _enr_checked_signature_free (EnrCheckedSignature        *signature);

/* The whole document in one verdict, from its checked signatures. */
void                 _enr_check_summarize        (GPtrArray                  *signatures,
                                                  EnrCheckVerdict            *summary);
void                 _enr_check_verdict_clear    (EnrCheckVerdict            *verdict);

G_END_DECLS
