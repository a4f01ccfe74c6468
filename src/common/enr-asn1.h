/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libtasn1.h>

G_BEGIN_DECLS

/*
 * libtasn1 and the definitions of enr-asn1.asn (RFC 3161, RFC 5652,
 * RFC 5035), shared by the program's CMS and time-stamp code (enr-cms.h,
 * enr-tsp.h) and the sandbox's time-stamp authority. Errors are
 * G_IO_ERROR_FAILED or G_IO_ERROR_INVALID_DATA: technical, for the log.
 */

#define ENR_ASN1_OID_SHA256          "2.16.840.1.101.3.4.2.1"
#define ENR_ASN1_OID_RSA             "1.2.840.113549.1.1.1"
#define ENR_ASN1_OID_SHA256_RSA      "1.2.840.113549.1.1.11"
#define ENR_ASN1_OID_DATA            "1.2.840.113549.1.7.1"
#define ENR_ASN1_OID_SIGNED_DATA     "1.2.840.113549.1.7.2"
#define ENR_ASN1_OID_TST_INFO        "1.2.840.113549.1.9.16.1.4"
#define ENR_ASN1_OID_CONTENT_TYPE    "1.2.840.113549.1.9.3"
#define ENR_ASN1_OID_MESSAGE_DIGEST  "1.2.840.113549.1.9.4"
#define ENR_ASN1_OID_SIGNING_TIME    "1.2.840.113549.1.9.5"
#define ENR_ASN1_OID_SIGNING_CERT_V2 "1.2.840.113549.1.9.16.2.47"
#define ENR_ASN1_OID_SIGNATURE_TIME_STAMP "1.2.840.113549.1.9.16.2.14"

/* A new, empty element of @type ("TSTInfo"...); never NULL. */
asn1_node  enr_asn1_new    (const char  *type);
void       enr_asn1_delete (asn1_node    node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (asn1_node_st, enr_asn1_delete)

/* asn1_write_value(), a failure said in @error. @len 0 with a string
 * @value: the value as text (a number, an OID, "NEW"); NULL @value
 * removes an OPTIONAL element. */
gboolean   enr_asn1_write  (asn1_node     node,
                            const char   *name,
                            const void   *value,
                            int           len,
                            GError      **error);
/* The DER of @node, or of its element @name ("" for all of it). */
GBytes    *enr_asn1_encode (asn1_node     node,
                            const char   *name,
                            GError      **error);
/* The DER of one OBJECT IDENTIFIER, or of one OCTET STRING, written whole
 * where an ANY wants it (an attribute's value). */
GBytes    *enr_asn1_oid_der    (const char    *oid,
                                GError       **error);
GBytes    *enr_asn1_octets_der (const guint8  *data,
                                gsize          len,
                                GError       **error);

/* Decodes exactly @len bytes of DER (strict: no indefinite lengths, no
 * trailing bytes) as @type; NULL when they are not one. */
asn1_node  enr_asn1_decode     (const char    *type,
                                const guint8  *der,
                                gsize          len,
                                GError       **error);
/* Decodes BER as well (indefinite lengths, as NSS writes a CMS) from the
 * start of @der; sets how many bytes it took. */
asn1_node  enr_asn1_decode_ber (const char    *type,
                                const guint8  *der,
                                gsize          len,
                                gsize         *consumed,
                                GError       **error);
/* An element's content octets, in a new GBytes; NULL when it is absent or
 * not a primitive value. */
GBytes    *enr_asn1_read       (asn1_node      node,
                                const char    *name);
/* An OBJECT IDENTIFIER element as dotted text; NULL when absent. */
char      *enr_asn1_read_oid   (asn1_node      node,
                                const char    *name);
/* Where element @name lies in @der, which @node was decoded from: its
 * whole TLV. FALSE when it is absent. */
gboolean   enr_asn1_span       (asn1_node      node,
                                const guint8  *der,
                                gsize          len,
                                const char    *name,
                                gsize         *start,
                                gsize         *end);

G_END_DECLS
