/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "enr-smartca-types.h"

G_BEGIN_DECLS

/*
 * One signing request waiting for the citizen's approval (SmartCA's
 * ssa/sic/waitingtrans): what a public-service portal asks the citizen to
 * sign, shown as it came, and approved with the PIN or rejected through
 * EnrAccount. Immutable.
 */
#define ENR_TYPE_SIGNING_REQUEST (enr_signing_request_get_type ())
G_DECLARE_FINAL_TYPE (EnrSigningRequest, enr_signing_request, ENR, SIGNING_REQUEST, GObject)

/* NULL if @transaction lacks what a citizen must see (an id, a document). */
EnrSigningRequest *enr_signing_request_new_from_transaction (const EnrTransaction *transaction);

/* SmartCA's tranId. */
const char *enr_signing_request_get_id             (EnrSigningRequest *self);
/* The portal's own reference (refTranId); NULL if it gave none. */
const char *enr_signing_request_get_reference      (EnrSigningRequest *self);
const char *enr_signing_request_get_description    (EnrSigningRequest *self);
const char *enr_signing_request_get_credential_id  (EnrSigningRequest *self);
/* g_get_real_time() µs; 0 when the service did not say. */
gint64      enr_signing_request_get_requested_at   (EnrSigningRequest *self);
gint64      enr_signing_request_get_expires_at     (EnrSigningRequest *self);

/* The documents to sign, at least one. */
guint       enr_signing_request_get_n_documents    (EnrSigningRequest *self);
const char *enr_signing_request_get_document_name  (EnrSigningRequest *self,
                                                    guint              index);
/* The Base64 SHA-256 the signature will be made over. */
const char *enr_signing_request_get_document_hash  (EnrSigningRequest *self,
                                                    guint              index);

/* The hashes shown, in order, NULL-terminated: what a SAD approving @self
 * names. */
GStrv       enr_signing_request_dup_hashes         (EnrSigningRequest *self);

/* TRUE when @transaction asks for exactly what @self showed: the same
 * request, the same documents with the same hashes, in the same order. */
gboolean    enr_signing_request_matches            (EnrSigningRequest    *self,
                                                    const EnrTransaction *transaction);

G_END_DECLS
