/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * What EnrDocumentSigning changes in its documents; the window only
 * reads them (enr-document-signing.h).
 */

#include "enr-document-signing.h"

G_BEGIN_DECLS

EnrSigningDocument *_enr_signing_document_new               (GFile                   *file,
                                                             guint                    page,
                                                             const double             rect[4]);
/* Whether the citizen chose :output (else the default, found when signing). */
gboolean            _enr_signing_document_get_output_chosen (EnrSigningDocument      *self);
/* Takes @output as the default name found for it. */
void                _enr_signing_document_take_default_output (EnrSigningDocument    *self,
                                                               GFile                 *output);
/* :hash (NULL: back to CHOSEN) and the state PREPARED. */
void                _enr_signing_document_set_prepared      (EnrSigningDocument      *self,
                                                             const guint8            *hash,
                                                             gsize                    length);
void                _enr_signing_document_set_state         (EnrSigningDocument      *self,
                                                             EnrSigningDocumentState  state);
/* Written and checked: SIGNED, with or without a trusted time. */
void                _enr_signing_document_set_signed        (EnrSigningDocument      *self,
                                                             gboolean                 timestamped);

G_END_DECLS
