/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <libtasn1.h>

G_BEGIN_DECLS

/* What the sbx-tsp-*.c files share: libtasn1 and data/sbx-tsp.asn. */

#define SBX_TSP_OID_SHA256         "2.16.840.1.101.3.4.2.1"
#define SBX_TSP_OID_SHA256_RSA     "1.2.840.113549.1.1.11"
#define SBX_TSP_OID_SIGNED_DATA    "1.2.840.113549.1.7.2"
#define SBX_TSP_OID_TST_INFO       "1.2.840.113549.1.9.16.1.4"
#define SBX_TSP_OID_CONTENT_TYPE   "1.2.840.113549.1.9.3"
#define SBX_TSP_OID_MESSAGE_DIGEST "1.2.840.113549.1.9.4"
#define SBX_TSP_OID_SIGNING_CERT_V2 "1.2.840.113549.1.9.16.2.47"

/* A new, empty element of @type ("TSTInfo"...); never NULL. */
asn1_node  sbx_tsp_new    (const char  *type);
void       sbx_tsp_delete (asn1_node    node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (asn1_node_st, sbx_tsp_delete)

/* asn1_write_value(), a failure said in @error. @len 0 with a string
 * @value: the value as text (a number, an OID, "NEW"); NULL @value
 * removes an OPTIONAL element. */
gboolean   sbx_tsp_write  (asn1_node     node,
                           const char   *name,
                           const void   *value,
                           int           len,
                           GError      **error);
/* The DER of @node, or of its element @name ("" for all of it). */
GBytes    *sbx_tsp_encode (asn1_node     node,
                           const char   *name,
                           GError      **error);
/* The DER of one OBJECT IDENTIFIER, or of one OCTET STRING, written whole
 * where an ANY wants it (an attribute's value). */
GBytes    *sbx_tsp_oid_der    (const char    *oid,
                               GError       **error);
GBytes    *sbx_tsp_octets_der (const guint8  *data,
                               gsize          len,
                               GError       **error);

G_END_DECLS
