/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSA's answers (RFC 3161 §2.4.2): a rejection, or a granted
 * TimeStampResp whose token is a CMS SignedData (RFC 5652) over a TSTInfo,
 * with the signed attributes content-type, message-digest and ESS
 * signing-certificate-v2 (RFC 5035).
 *
 * gnutls_pkcs7_sign() is not used for the token: GnuTLS 3.7 writes
 * eContentType id-data whatever the content, and copies it into the
 * content-type attribute, where RFC 3161 §2.4.2 needs id-ct-TSTInfo in
 * both. The SignedData is built with libtasn1 instead, and signed with
 * GnuTLS.
 */
#define G_LOG_DOMAIN "sbx-tsa"

#include "config.h"

#include <gio/gio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "sbx-error.h"
#include "enr-asn1.h"
#include "sbx-tsp.h"

/* The sandbox's time-stamp policy, under the arc ITU-T X.660 keeps for
 * examples: no real policy stands behind a sandbox's time. */
#define SANDBOX_POLICY "2.999.3161.1"

#define PKI_STATUS_GRANTED   "0"
#define PKI_STATUS_REJECTION "2"

/* DER's NULL, the parameters of sha256WithRSAEncryption. */
static const guint8 der_null[] = { 0x05, 0x00 };

GBytes *
sbx_tsp_rejection (SbxTspFailure  failure,
                   const char    *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(asn1_node_st) node = enr_asn1_new ("TimeStampResp");
  /* A named BIT STRING in DER ends at its last set bit. */
  guint8 bits[4] = { 0, };
  GBytes *der;

  bits[failure / 8] = 0x80 >> (failure % 8);
  if (!enr_asn1_write (node, "status.status", PKI_STATUS_REJECTION, 0, &error) ||
      !enr_asn1_write (node, "status.statusString", "NEW", 1, &error) ||
      !enr_asn1_write (node, "status.statusString.?LAST", text, (int) strlen (text), &error) ||
      !enr_asn1_write (node, "status.failInfo", bits, (int) failure + 1, &error) ||
      !enr_asn1_write (node, "timeStampToken", NULL, 0, &error) ||
      (der = enr_asn1_encode (node, "", &error)) == NULL)
    g_error ("A TimeStampResp rejection: %s", error->message);
  return der;
}

GBytes *
sbx_tsp_tst_info (const SbxTspRequest *request,
                  const guint8         serial[16],
                  gint64               gen_time_s,
                  GError             **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new ("TSTInfo");
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (gen_time_s);
  g_autofree char *gen_time = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  if (when == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No time to stamp");
      return NULL;
    }
  /* UTC, to the second: "YYYYMMDDhhmmssZ". */
  gen_time = g_date_time_format (when, "%Y%m%d%H%M%SZ");
  if (!enr_asn1_write (node, "version", "1", 0, error) ||
      !enr_asn1_write (node, "policy", SANDBOX_POLICY, 0, error) ||
      !enr_asn1_write (node, "messageImprint.hashAlgorithm.algorithm", ENR_ASN1_OID_SHA256, 0,
                      error) ||
      !enr_asn1_write (node, "messageImprint.hashAlgorithm.parameters", NULL, 0, error) ||
      !enr_asn1_write (node, "messageImprint.hashedMessage", request->imprint,
                      SBX_TSP_IMPRINT_SIZE, error) ||
      !enr_asn1_write (node, "serialNumber", serial, 16, error) ||
      !enr_asn1_write (node, "genTime", gen_time, (int) strlen (gen_time), error) ||
      !enr_asn1_write (node, "accuracy", NULL, 0, error) ||
      !enr_asn1_write (node, "tsa", NULL, 0, error) ||
      !enr_asn1_write (node, "extensions", NULL, 0, error))
    return NULL;
  if (request->nonce != NULL)
    {
      if (!enr_asn1_write (node, "nonce", g_bytes_get_data (request->nonce, NULL),
                          (int) g_bytes_get_size (request->nonce), error))
        return NULL;
    }
  else if (!enr_asn1_write (node, "nonce", NULL, 0, error))
    return NULL;
  return enr_asn1_encode (node, "", error);
}

/* ESS signing-certificate-v2 of @cert_der: its SHA-256, the default
 * algorithm, so not named. */
static GBytes *
signing_certificate (GBytes  *cert_der,
                     GError **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new ("SigningCertificateV2");
  guint8 digest[32];

  gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (cert_der, NULL),
                    g_bytes_get_size (cert_der), digest);
  if (!enr_asn1_write (node, "certs", "NEW", 1, error) ||
      !enr_asn1_write (node, "certs.?LAST.hashAlgorithm", NULL, 0, error) ||
      !enr_asn1_write (node, "certs.?LAST.certHash", digest, sizeof digest, error) ||
      !enr_asn1_write (node, "certs.?LAST.issuerSerial", NULL, 0, error) ||
      !enr_asn1_write (node, "policies", NULL, 0, error))
    return NULL;
  return enr_asn1_encode (node, "", error);
}

static gboolean
add_attribute (asn1_node    node,
               const char  *root,
               const char  *oid,
               GBytes      *value,
               GError     **error)
{
  g_autofree char *type = g_strconcat (root, ".?LAST.attrType", NULL);
  g_autofree char *values = g_strconcat (root, ".?LAST.attrValues", NULL);
  g_autofree char *last = g_strconcat (root, ".?LAST.attrValues.?LAST", NULL);

  return value != NULL &&
         enr_asn1_write (node, root, "NEW", 1, error) &&
         enr_asn1_write (node, type, oid, 0, error) &&
         enr_asn1_write (node, values, "NEW", 1, error) &&
         enr_asn1_write (node, last, g_bytes_get_data (value, NULL),
                        (int) g_bytes_get_size (value), error);
}

/* The three signed attributes of the signer at "signerInfos.?1". */
static gboolean
write_signed_attributes (asn1_node   signed_data,
                         GBytes     *tst_info,
                         GBytes     *cert_der,
                         GError    **error)
{
  const char *root = "signerInfos.?1.signedAttrs";
  g_autoptr(GBytes) content_type = NULL;
  g_autoptr(GBytes) message_digest = NULL;
  g_autoptr(GBytes) signing_cert = NULL;
  guint8 digest[32];

  gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (tst_info, NULL),
                    g_bytes_get_size (tst_info), digest);
  content_type = enr_asn1_oid_der (ENR_ASN1_OID_TST_INFO, error);
  if (content_type == NULL)
    return FALSE;
  message_digest = enr_asn1_octets_der (digest, sizeof digest, error);
  if (message_digest == NULL)
    return FALSE;
  signing_cert = signing_certificate (cert_der, error);
  if (signing_cert == NULL)
    return FALSE;
  return add_attribute (signed_data, root, ENR_ASN1_OID_CONTENT_TYPE, content_type, error) &&
         add_attribute (signed_data, root, ENR_ASN1_OID_MESSAGE_DIGEST, message_digest, error) &&
         add_attribute (signed_data, root, ENR_ASN1_OID_SIGNING_CERT_V2, signing_cert, error);
}

/*
 * The signature covers the DER of the signed attributes with the tag of a
 * SET OF, not the [0] IMPLICIT they stand under (RFC 5652 §5.4): libtasn1
 * encodes them as they stand, and the one tag octet is set by hand.
 */
static GBytes *
sign_attributes (asn1_node         signed_data,
                 gnutls_privkey_t  key,
                 GError          **error)
{
  g_autoptr(GBytes) attributes = NULL;
  gnutls_datum_t data, signature = { NULL, 0 };
  guint8 *bytes;
  gsize len;
  GBytes *result;

  attributes = enr_asn1_encode (signed_data, "signerInfos.?1.signedAttrs", error);
  if (attributes == NULL)
    return NULL;
  bytes = g_bytes_unref_to_data (g_steal_pointer (&attributes), &len);
  g_assert (len > 0 && bytes[0] == 0xa0);
  bytes[0] = 0x31;
  data.data = bytes;
  data.size = (unsigned int) len;
  if (!sbx_check_gnutls (gnutls_privkey_sign_data (key, GNUTLS_DIG_SHA256, 0, &data, &signature),
                         "Signing a time stamp", error))
    {
      g_free (bytes);
      return NULL;
    }
  g_free (bytes);
  result = g_bytes_new (signature.data, signature.size);
  gnutls_free (signature.data);
  return result;
}

static gboolean
write_signer (asn1_node          signed_data,
              gnutls_x509_crt_t  cert,
              GError           **error)
{
  gnutls_datum_t issuer = { NULL, 0 };
  guint8 serial[32];
  size_t serial_len = sizeof serial;
  gboolean ok;

  if (!sbx_check_gnutls (gnutls_x509_crt_get_raw_issuer_dn (cert, &issuer), "The TSA's issuer",
                         error) ||
      !sbx_check_gnutls (gnutls_x509_crt_get_serial (cert, serial, &serial_len),
                         "The TSA's serial", error))
    {
      gnutls_free (issuer.data);
      return FALSE;
    }
  ok = enr_asn1_write (signed_data, "signerInfos", "NEW", 1, error) &&
       enr_asn1_write (signed_data, "signerInfos.?1.version", "1", 0, error) &&
       enr_asn1_write (signed_data, "signerInfos.?1.sid", "issuerAndSerialNumber", 1, error) &&
       enr_asn1_write (signed_data, "signerInfos.?1.sid.issuerAndSerialNumber.issuer",
                       issuer.data, (int) issuer.size,
                      error) &&
       enr_asn1_write (signed_data, "signerInfos.?1.sid.issuerAndSerialNumber.serialNumber",
                       serial, (int) serial_len, error) &&
       enr_asn1_write (signed_data, "signerInfos.?1.unsignedAttrs", NULL, 0, error) &&
       enr_asn1_write (signed_data, "signerInfos.?1.digestAlgorithm.algorithm",
                      ENR_ASN1_OID_SHA256, 0, error) &&
       enr_asn1_write (signed_data, "signerInfos.?1.digestAlgorithm.parameters", NULL, 0,
                      error) &&
       enr_asn1_write (signed_data, "signerInfos.?1.signatureAlgorithm.algorithm",
                      ENR_ASN1_OID_SHA256_RSA, 0, error) &&
       enr_asn1_write (signed_data, "signerInfos.?1.signatureAlgorithm.parameters", der_null,
                      sizeof der_null, error);
  gnutls_free (issuer.data);
  return ok;
}

static GBytes *
export_der (gnutls_x509_crt_t   cert,
            GError            **error)
{
  gnutls_datum_t der = { NULL, 0 };
  GBytes *bytes;

  if (!sbx_check_gnutls (gnutls_x509_crt_export2 (cert, GNUTLS_X509_FMT_DER, &der),
                         "The TSA's certificate", error))
    return NULL;
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return bytes;
}

/* The token: a ContentInfo holding the SignedData. */
static GBytes *
token (const SbxTspRequest *request,
       GBytes              *tst_info,
       gnutls_x509_crt_t    cert,
       gnutls_privkey_t     key,
       GError             **error)
{
  g_autoptr(asn1_node_st) signed_data = enr_asn1_new ("SignedData");
  g_autoptr(asn1_node_st) content_info = enr_asn1_new ("ContentInfo");
  g_autoptr(GBytes) cert_der = export_der (cert, error);
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) signed_der = NULL;

  /* Version 3: the content is not id-data (RFC 5652 §5.1). */
  if (cert_der == NULL ||
      !enr_asn1_write (signed_data, "version", "3", 0, error) ||
      !enr_asn1_write (signed_data, "digestAlgorithms", "NEW", 1, error) ||
      !enr_asn1_write (signed_data, "digestAlgorithms.?LAST.algorithm", ENR_ASN1_OID_SHA256, 0,
                      error) ||
      !enr_asn1_write (signed_data, "digestAlgorithms.?LAST.parameters", NULL, 0, error) ||
      !enr_asn1_write (signed_data, "encapContentInfo.eContentType", ENR_ASN1_OID_TST_INFO, 0,
                      error) ||
      !enr_asn1_write (signed_data, "encapContentInfo.eContent",
                      g_bytes_get_data (tst_info, NULL), (int) g_bytes_get_size (tst_info),
                      error))
    return NULL;
  if (request->cert_req)
    {
      if (!enr_asn1_write (signed_data, "certificates", "NEW", 1, error) ||
          !enr_asn1_write (signed_data, "certificates.?LAST", g_bytes_get_data (cert_der, NULL),
                          (int) g_bytes_get_size (cert_der), error))
        return NULL;
    }
  else if (!enr_asn1_write (signed_data, "certificates", NULL, 0, error))
    return NULL;
  if (!enr_asn1_write (signed_data, "crls", NULL, 0, error))
    return NULL;

  if (!write_signer (signed_data, cert, error) ||
      !write_signed_attributes (signed_data, tst_info, cert_der, error))
    return NULL;
  signature = sign_attributes (signed_data, key, error);
  if (signature == NULL ||
      !enr_asn1_write (signed_data, "signerInfos.?1.signature", g_bytes_get_data (signature, NULL),
                      (int) g_bytes_get_size (signature), error))
    return NULL;

  signed_der = enr_asn1_encode (signed_data, "", error);
  if (signed_der == NULL ||
      !enr_asn1_write (content_info, "contentType", ENR_ASN1_OID_SIGNED_DATA, 0, error) ||
      !enr_asn1_write (content_info, "content", g_bytes_get_data (signed_der, NULL),
                      (int) g_bytes_get_size (signed_der), error))
    return NULL;
  return enr_asn1_encode (content_info, "", error);
}

GBytes *
sbx_tsp_grant (const SbxTspRequest *request,
               GBytes              *tst_info,
               gnutls_x509_crt_t    cert,
               gnutls_privkey_t     key,
               GError             **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new ("TimeStampResp");
  g_autoptr(GBytes) signed_token = NULL;

  g_return_val_if_fail (request != NULL && tst_info != NULL, NULL);

  signed_token = token (request, tst_info, cert, key, error);
  if (signed_token == NULL ||
      !enr_asn1_write (node, "status.status", PKI_STATUS_GRANTED, 0, error) ||
      !enr_asn1_write (node, "status.statusString", NULL, 0, error) ||
      !enr_asn1_write (node, "status.failInfo", NULL, 0, error) ||
      !enr_asn1_write (node, "timeStampToken", g_bytes_get_data (signed_token, NULL),
                      (int) g_bytes_get_size (signed_token), error))
    return NULL;
  return enr_asn1_encode (node, "", error);
}
