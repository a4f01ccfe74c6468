/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "enr-cms.h"
#include "enr-pdf-signature-writer.h"
#include "enr-pdf-signature.h"

G_BEGIN_DECLS

/*
 * The one PAdES signer. enr_pades_sign() signs a PDF in memory with a local
 * key (baseline B-B): the sandbox signs its documents with it, by its
 * HSM's keys, and the tests by their own. EnrPadesSigning signs a file the
 * citizen chose around a signature made elsewhere (SmartCA's `sig`), with
 * a time stamp for baseline B-T:
 *
 *   1. enr_pades_signing_new(): the file is mapped (never copied), the
 *      incremental update with the signature field and its appearance is
 *      made, the /ByteRange it will cover is hashed in place, and the
 *      mapping is let go;
 *   2. enr_pades_signing_get_hash() is what SmartCA signs (the SHA-256 of
 *      the DER signed attributes, PROTOCOL.md "The citizen's own
 *      documents");
 *   3. the TSA time-stamps the SHA-256 of that signature (enr-tsp.h);
 *   4. enr_pades_signing_write() assembles the CMS and writes the signed
 *      file atomically under another name, copying the original a chunk at
 *      a time and refusing it if it changed since step 1.
 *
 * The client checks signatures with src/crypto (enr-pades.h,
 * enr-pdf-check.h). Errors are ENR_PADES_SIGN_ERROR (the document) or
 * ENR_CMS_ERROR (the signature), technical: the session says them in the
 * citizen's words.
 */

#define ENR_PADES_SIGN_ERROR (enr_pades_sign_error_quark ())

typedef enum
{
  ENR_PADES_SIGN_ERROR_NOT_PDF,        /* not a PDF file */
  ENR_PADES_SIGN_ERROR_DAMAGED,        /* a PDF whose structure cannot be read (or a
                                        * compressed stream that inflates past the limit) */
  ENR_PADES_SIGN_ERROR_ENCRYPTED,      /* an encrypted PDF */
  ENR_PADES_SIGN_ERROR_UNSUPPORTED,    /* a PDF this signer cannot read (a stream filter
                                        * other than FlateDecode, the TIFF predictor) */
  ENR_PADES_SIGN_ERROR_BAD_PLACEMENT,  /* no such page, or the box is not on it */
  ENR_PADES_SIGN_ERROR_IO,             /* the file could not be read or written */
  ENR_PADES_SIGN_ERROR_CHANGED,        /* the file changed between prepare and write */
} EnrPadesSignError;

GQuark  enr_pades_sign_error_quark (void);

/* Sets @error for a status of the PDF code; FALSE. */
gboolean enr_pades_sign_set_status_error (GError                **error,
                                          EnrPdfSignatureStatus   status);

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

/* The SHA-256 of what @range covers in @head followed by @tail (either
 * may be empty), hashed where it lies. FALSE when the range is outside. */
gboolean enr_pades_digest_ranges (const guint8  *head,
                                  gsize          head_len,
                                  const guint8  *tail,
                                  gsize          tail_len,
                                  const gsize    range[4],
                                  guint8         digest[ENR_CMS_DIGEST_LENGTH]);

typedef struct _EnrPadesSigning EnrPadesSigning;

/* Blocking (run it in a thread): maps @input and hashes it. @signer is the certificate the
 * signature will be made with (its ESS signing-certificate-v2 is signed). */
EnrPadesSigning *enr_pades_signing_new        (GFile                       *input,
                                               const EnrPdfSignatureParams *params,
                                               gnutls_x509_crt_t            signer,
                                               GError                     **error);
void             enr_pades_signing_free       (EnrPadesSigning             *self);
/* The SHA-256 of the DER signed attributes: the hash SmartCA signs. */
const guint8    *enr_pades_signing_get_hash   (EnrPadesSigning             *self);
/* The SHA-256 of the bytes the /ByteRange covers (the message digest). */
const guint8    *enr_pades_signing_get_document_digest (EnrPadesSigning    *self);
/* The signed file's length. */
gsize            enr_pades_signing_get_size   (EnrPadesSigning             *self);
/*
 * Blocking. Writes the signed file to @output (never the input; replaced
 * atomically, nothing left behind on failure; ENR_PADES_SIGN_ERROR_CHANGED
 * if the input is no longer what was hashed): the CMS around @signature (RSA PKCS #1
 * v1.5 over enr_pades_signing_get_hash(), by the signer's key; checked),
 * with @chain (the issuing CA first) and @timestamp_token (NULL: B-B).
 */
gboolean         enr_pades_signing_write      (EnrPadesSigning             *self,
                                               GBytes                      *signature,
                                               const gnutls_x509_crt_t     *chain,
                                               guint                        chain_len,
                                               GBytes                      *timestamp_token,
                                               GFile                       *output,
                                               GCancellable                *cancellable,
                                               GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrPadesSigning, enr_pades_signing_free)

G_END_DECLS
