/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "enr-pdf-signature.h"

G_BEGIN_DECLS

/*
 * The one PAdES signer (baseline B-B): the sandbox signs documents with it
 * by its HSM's keys, and the tests by their own. The client checks
 * signatures with src/crypto/enr-pades.h. Errors are ENR_CMS_ERROR.
 */

/*
 * Signs a PDF prepared by enr_pdf_signature_prepare() (or its placeholder
 * found again by enr_pdf_signature_locate()): a CMS (enr-cms.h) over the
 * bytes @signature's /ByteRange covers, by @key with @signer and @chain,
 * put into the placeholder. The result has the same length and the same
 * bytes elsewhere.
 */
GBytes *enr_pades_sign (GBytes                   *prepared,
                        const EnrPdfSignature    *signature,
                        gnutls_x509_crt_t         signer,
                        const gnutls_x509_crt_t  *chain,
                        guint                     chain_len,
                        gnutls_privkey_t          key,
                        GError                  **error);

G_END_DECLS
