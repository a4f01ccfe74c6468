/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/*
 * The sandbox's certificate authorities and its TLS certificate
 * (PROTOCOL.md, "Certificates and signed documents"), kept in
 * <data-dir>/ca/: root.pem/.key ("SmartCA Sandbox Root CA", RSA-3072,
 * 10 years), rs.pem/.key (the issuing CA "SmartCA Sandbox RS", RSA-2048,
 * 5 years), tls.pem/.key (the HTTPS server, signed directly by the root)
 * and tsa.pem/.key (the time-stamp authority "SmartCA Sandbox TSA",
 * RSA-2048, under the root). Made on first start, reused afterwards; a
 * pair that is missing (the TSA of an older data directory) is made then.
 */
typedef struct _SbxCa SbxCa;

/* The issuing CA's common name, as subscriber certificates name their issuer. */
#define SBX_CA_ISSUING_NAME "SmartCA Sandbox RS"

SbxCa                 *sbx_ca_load_or_create         (const char *data_dir,
                                                      GError    **error);
void                   sbx_ca_free                   (SbxCa      *ca);

/* Owned by @ca; valid as long as it is. */
gnutls_x509_crt_t      sbx_ca_get_root_certificate    (SbxCa      *ca);
gnutls_x509_privkey_t  sbx_ca_get_root_key            (SbxCa      *ca);
gnutls_x509_crt_t      sbx_ca_get_issuing_certificate (SbxCa      *ca);
gnutls_x509_privkey_t  sbx_ca_get_issuing_key         (SbxCa      *ca);
gnutls_x509_crt_t      sbx_ca_get_tsa_certificate     (SbxCa      *ca);
gnutls_x509_privkey_t  sbx_ca_get_tsa_key             (SbxCa      *ca);
/* The DER of the two CA certificates, for a "chain" array (new references). */
GBytes                *sbx_ca_get_root_der            (SbxCa      *ca);
GBytes                *sbx_ca_get_issuing_der         (SbxCa      *ca);

/* Absolute paths. */
const char            *sbx_ca_get_root_pem_path       (SbxCa      *ca);
const char            *sbx_ca_get_tls_cert_path       (SbxCa      *ca);
const char            *sbx_ca_get_tls_key_path        (SbxCa      *ca);

/* A certificate serial: 16 random octets, top bit clear (a positive
 * INTEGER), first octet non-zero (its full length in DER). */
void                   sbx_ca_new_serial              (guint8     serial[16]);

/* What a subscriber certificate names; UTF-8, put in NFC. */
typedef struct
{
  const char *citizen_id;
  const char *full_name;
  const char *province;
  const char *locality;      /* the ward or commune */
} SbxSubscriber;

/*
 * A subscriber certificate with the profile of PROTOCOL.md ("Certificates
 * and signed documents") for @public_key, signed by the issuing CA, valid
 * from @not_before (seconds since 1970) for @days days. May run in any
 * thread: signatures with the issuing key take turns.
 */
gnutls_x509_crt_t      sbx_ca_issue                   (SbxCa               *ca,
                                                       gnutls_pubkey_t      public_key,
                                                       const SbxSubscriber *subscriber,
                                                       gint64               not_before,
                                                       guint                days,
                                                       GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxCa, sbx_ca_free)

G_END_DECLS
