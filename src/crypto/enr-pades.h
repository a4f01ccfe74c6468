/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "enr-certificate.h"
#include "enr-pdf-signature.h"

G_BEGIN_DECLS

#define ENR_PADES_DIGEST_LENGTH 32

/* What a valid PAdES signature says. */
typedef struct
{
  EnrCertificate *signer;
  char           *signer_name;     /* the signer's CN, UTF-8 */
  GDateTime      *signing_time;    /* /M of the signature dictionary; NULL if absent */
  guint8          digest[ENR_PADES_DIGEST_LENGTH];   /* SHA-256 of the signed bytes */
} EnrPadesReport;

void enr_pades_report_free (EnrPadesReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrPadesReport, enr_pades_report_free)

/*
 * Checks a signed PDF: the last signature dictionary's /ByteRange covers
 * the whole file except /Contents; /Contents is a CMS (ETSI.CAdES.detached)
 * whose signature verifies over those bytes, by a certificate that chains
 * to @trust_anchor_file (NULL: the system's store) through the certificates
 * in the CMS; its message-digest is the SHA-256 of those bytes and equals
 * @approved_hash (the hash the citizen approved; NULL: not checked); its
 * signing-certificate-v2 names the signer; and, if @expected_signer is
 * given, the signer is that certificate.
 *
 * Blocking (it hashes the whole file): use the async form on the main thread.
 */
EnrPadesReport *enr_pades_verify         (GBytes              *pdf,
                                          const guint8        *approved_hash,
                                          EnrCertificate      *expected_signer,
                                          const char          *trust_anchor_file,
                                          GError             **error);
void            enr_pades_verify_async   (GBytes              *pdf,
                                          const guint8        *approved_hash,
                                          EnrCertificate      *expected_signer,
                                          const char          *trust_anchor_file,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
EnrPadesReport *enr_pades_verify_finish  (GAsyncResult        *result,
                                          GError             **error);

/* The bytes a signature's /ByteRange covers, joined. */
GBytes         *enr_pades_covered_bytes  (GBytes                *pdf,
                                          const EnrPdfSignature *signature,
                                          GError               **error);
/* Their SHA-256: the "hash" of a prepared PDF in a SmartCA transaction. */
gboolean        enr_pades_digest         (GBytes                *pdf,
                                          const EnrPdfSignature *signature,
                                          guint8                 digest[ENR_PADES_DIGEST_LENGTH],
                                          GError               **error);

G_END_DECLS
