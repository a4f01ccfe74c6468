/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/*
 * CMS SignedData for PAdES baseline B-B (ETSI EN 319 142-1): detached
 * content, SHA-256, the signer's certificate and chain, and the signed
 * attributes content-type, message-digest and ESS signing-certificate-v2,
 * with no signing-time (PAdES keeps the time in the signature dictionary).
 * enr-pades-sign.h puts it into a PDF; the client's checks are in
 * src/crypto/enr-pades.h.
 * Errors are technical (ENR_CMS_ERROR): callers that face a citizen say it
 * in their own words.
 */

#define ENR_CMS_ERROR (enr_cms_error_quark ())

typedef enum
{
  ENR_CMS_ERROR_FAILED,       /* GnuTLS could not make the CMS */
  ENR_CMS_ERROR_PLACEHOLDER,  /* a PDF's placeholder is outside it, or too small */
} EnrCmsError;

GQuark    enr_cms_error_quark              (void);

#define ENR_CMS_OID_MESSAGE_DIGEST          "1.2.840.113549.1.9.4"
#define ENR_CMS_OID_SIGNING_CERTIFICATE_V2  "1.2.840.113549.1.9.16.2.47"

/* DER SignedData (in a ContentInfo) over @data, signed by @key. */
GBytes   *enr_cms_sign_detached            (const guint8             *data,
                                            gsize                     data_len,
                                            gnutls_x509_crt_t         signer,
                                            const gnutls_x509_crt_t  *chain,
                                            guint                     chain_len,
                                            gnutls_privkey_t          key,
                                            GError                  **error);

/* The DER value of the signing-certificate-v2 attribute for @cert:
 * its SHA-256 and its issuer and serial number (RFC 5035). */
GBytes   *enr_cms_signing_certificate_v2   (gnutls_x509_crt_t         cert,
                                            GError                  **error);

/* The SHA-256 certificate hash of the first ESSCertIDv2 in an attribute
 * value; FALSE if it is not one, or names another hash. */
gboolean  enr_cms_parse_signing_certificate_v2 (const guint8         *der,
                                                gsize                 der_len,
                                                guint8                cert_hash[32]);

/*
 * The message-digest signed attribute of the first signer of a DER CMS
 * SignedData, read without checking anything (GnuTLS checks it against the
 * content, but does not show it): it tells a changed document from a bad
 * signature. FALSE if there is none of @digest_len bytes.
 */
gboolean  enr_cms_get_message_digest       (const guint8             *cms,
                                            gsize                     cms_len,
                                            guint8                   *digest,
                                            gsize                     digest_len);

G_END_DECLS
