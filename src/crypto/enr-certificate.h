/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/*
 * The citizen's signing certificate as SmartCA issues it: parsed, checked
 * against the configured trust anchor, and described for the certificate
 * page. Immutable once made.
 */
#define ENR_TYPE_CERTIFICATE (enr_certificate_get_type ())
G_DECLARE_FINAL_TYPE (EnrCertificate, enr_certificate, ENR, CERTIFICATE, GObject)

EnrCertificate    *enr_certificate_new_from_der       (GBytes          *der,
                                                       GError         **error);
EnrCertificate    *enr_certificate_new_from_pem       (const char      *pem,
                                                       gssize           length,
                                                       GError         **error);

/*
 * Checks that the certificate chains, through @chain (nullable; GBytes of
 * DER, the issuing CA first, as SmartCA sends them), to a CA in
 * @trust_anchor_file (a PEM file; NULL for the system's store); that it is
 * a signing certificate, not a CA; that it names @citizen_id
 * (UID=CCCD:<id>; NULL: not checked); and that it and its chain are valid
 * at @now (NULL: the current time).
 */
gboolean           enr_certificate_verify             (EnrCertificate  *self,
                                                       GPtrArray       *chain,
                                                       const char      *trust_anchor_file,
                                                       const char      *citizen_id,
                                                       GDateTime       *now,
                                                       GError         **error);

/* Subject parts, UTF-8; NULL when the certificate has none. */
const char        *enr_certificate_get_country        (EnrCertificate  *self);
const char        *enr_certificate_get_province       (EnrCertificate  *self);
const char        *enr_certificate_get_locality       (EnrCertificate  *self);
const char        *enr_certificate_get_common_name    (EnrCertificate  *self);
/* The UID attribute, "CCCD:<citizen id>". */
const char        *enr_certificate_get_uid            (EnrCertificate  *self);
/* RFC 4514 strings. */
const char        *enr_certificate_get_subject        (EnrCertificate  *self);
const char        *enr_certificate_get_issuer         (EnrCertificate  *self);
const char        *enr_certificate_get_issuer_common_name (EnrCertificate *self);
/* The serial number in uppercase hex, as SmartCA reports it. */
const char        *enr_certificate_get_serial         (EnrCertificate  *self);
GDateTime         *enr_certificate_get_not_before     (EnrCertificate  *self);
GDateTime         *enr_certificate_get_not_after      (EnrCertificate  *self);
/* SHA-256 of the DER, uppercase hex pairs joined by ':'. */
const char        *enr_certificate_get_fingerprint    (EnrCertificate  *self);

GBytes            *enr_certificate_get_der            (EnrCertificate  *self);
char              *enr_certificate_to_pem             (EnrCertificate  *self);
/* The subject's key as SubjectPublicKeyInfo DER. */
GBytes            *enr_certificate_get_public_key     (EnrCertificate  *self);
/* Borrowed; for the CMS code. */
gnutls_x509_crt_t  enr_certificate_get_x509           (EnrCertificate  *self);

G_END_DECLS
