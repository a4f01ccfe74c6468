/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-cms"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "enr-asn1.h"
#include "enr-cms.h"

G_DEFINE_QUARK (enr-cms-error-quark, enr_cms_error)

/* DER's NULL: the parameters of rsaEncryption. */
static const guint8 der_null[] = { 0x05, 0x00 };

/* Sets @error from a libtasn1 or GnuTLS failure in @local. */
static gboolean
fail (GError     **error,
      EnrCmsError  code,
      GError      *local,
      const char  *what)
{
  g_set_error (error, ENR_CMS_ERROR, code, "%s: %s", what,
               local != NULL ? local->message : "failed");
  g_clear_error (&local);
  return FALSE;
}

static gboolean
check_gnutls (int          ret,
              const char  *what,
              GError     **error)
{
  if (ret >= 0)
    return TRUE;
  g_set_error (error, ENR_CMS_ERROR, ENR_CMS_ERROR_FAILED, "%s: %s", what, gnutls_strerror (ret));
  return FALSE;
}

static GBytes *
certificate_der (gnutls_x509_crt_t   cert,
                 GError            **error)
{
  gnutls_datum_t der = { NULL, 0 };
  GBytes *bytes;

  if (!check_gnutls (gnutls_x509_crt_export2 (cert, GNUTLS_X509_FMT_DER, &der),
                     "Exporting a certificate", error))
    return NULL;
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return bytes;
}

GBytes *
enr_cms_signing_certificate_v2 (gnutls_x509_crt_t   cert,
                                GError            **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new ("SigningCertificateV2");
  g_autoptr(GError) local = NULL;
  gnutls_datum_t issuer = { NULL, 0 };
  guint8 hash[32];
  size_t hash_len = sizeof hash;
  guint8 serial[64];
  size_t serial_len = sizeof serial;
  GBytes *der = NULL;

  if (!check_gnutls (gnutls_x509_crt_get_fingerprint (cert, GNUTLS_DIG_SHA256, hash, &hash_len),
                     "ESS certificate ID", error) ||
      !check_gnutls (gnutls_x509_crt_get_serial (cert, serial, &serial_len), "ESS certificate ID",
                     error) ||
      !check_gnutls (gnutls_x509_crt_get_raw_issuer_dn (cert, &issuer), "ESS certificate ID",
                     error))
    return NULL;

  /* ESSCertIDv2 { certHash, IssuerSerial { GeneralNames { [4] Name },
   * serialNumber } }; the hash algorithm is SHA-256, its default, so left
   * out as DER wants. */
  if (enr_asn1_write (node, "certs", "NEW", 1, &local) &&
      enr_asn1_write (node, "certs.?LAST.hashAlgorithm", NULL, 0, &local) &&
      enr_asn1_write (node, "certs.?LAST.certHash", hash, (int) hash_len, &local) &&
      enr_asn1_write (node, "certs.?LAST.issuerSerial.issuer", "NEW", 1, &local) &&
      enr_asn1_write (node, "certs.?LAST.issuerSerial.issuer.?LAST", "directoryName", 1,
                      &local) &&
      enr_asn1_write (node, "certs.?LAST.issuerSerial.issuer.?LAST.directoryName", issuer.data,
                      (int) issuer.size, &local) &&
      enr_asn1_write (node, "certs.?LAST.issuerSerial.serialNumber", serial, (int) serial_len,
                      &local) &&
      enr_asn1_write (node, "policies", NULL, 0, &local))
    der = enr_asn1_encode (node, "", &local);
  gnutls_free (issuer.data);
  if (der == NULL)
    fail (error, ENR_CMS_ERROR_FAILED, g_steal_pointer (&local), "ESS certificate ID");
  return der;
}

gboolean
enr_cms_parse_signing_certificate_v2 (const guint8 *der,
                                      gsize         der_len,
                                      guint8        cert_hash[32])
{
  g_autoptr(asn1_node_st) node = enr_asn1_decode ("SigningCertificateV2", der, der_len, NULL);
  g_autoptr(GBytes) hash = NULL;
  g_autofree char *algorithm = NULL;

  if (node == NULL)
    return FALSE;
  algorithm = enr_asn1_read_oid (node, "certs.?1.hashAlgorithm.algorithm");
  if (algorithm != NULL && strcmp (algorithm, ENR_ASN1_OID_SHA256) != 0)
    return FALSE;
  hash = enr_asn1_read (node, "certs.?1.certHash");
  if (hash == NULL || g_bytes_get_size (hash) != 32)
    return FALSE;
  memcpy (cert_hash, g_bytes_get_data (hash, NULL), 32);
  return TRUE;
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

  return enr_asn1_write (node, root, "NEW", 1, error) &&
         enr_asn1_write (node, type, oid, 0, error) &&
         enr_asn1_write (node, values, "NEW", 1, error) &&
         enr_asn1_write (node, last, g_bytes_get_data (value, NULL),
                         (int) g_bytes_get_size (value), error);
}

/* What is signed: a PDF's byte ranges (detached, id-data) or a time
 * stamp's TSTInfo (encapsulated). */
typedef struct
{
  const char   *type;      /* eContentType */
  GBytes       *content;   /* eContent; NULL: detached */
  const guint8 *digest;    /* the content's SHA-256 */
} Content;

/* The signed attributes, written at @root of @node. */
static gboolean
write_signed_attributes (asn1_node          node,
                         const char        *root,
                         const Content     *content,
                         gnutls_x509_crt_t  signer,
                         GError           **error)
{
  g_autoptr(GBytes) content_type = NULL;
  g_autoptr(GBytes) message_digest = NULL;
  g_autoptr(GBytes) signing_cert = NULL;
  g_autoptr(GError) local = NULL;

  signing_cert = enr_cms_signing_certificate_v2 (signer, error);
  if (signing_cert == NULL)
    return FALSE;
  if ((content_type = enr_asn1_oid_der (content->type, &local)) == NULL ||
      (message_digest = enr_asn1_octets_der (content->digest, ENR_CMS_DIGEST_LENGTH,
                                             &local)) == NULL ||
      !add_attribute (node, root, ENR_ASN1_OID_CONTENT_TYPE, content_type, &local) ||
      !add_attribute (node, root, ENR_ASN1_OID_MESSAGE_DIGEST, message_digest, &local) ||
      !add_attribute (node, root, ENR_ASN1_OID_SIGNING_CERT_V2, signing_cert, &local))
    return fail (error, ENR_CMS_ERROR_FAILED, g_steal_pointer (&local), "Signed attributes");
  return TRUE;
}

/*
 * What is signed is the DER of the signed attributes with the tag of a SET
 * OF, not the [0] IMPLICIT they stand under in a SignerInfo (RFC 5652
 * §5.4): libtasn1 encodes them as they stand, and the one tag octet is set
 * by hand.
 */
static GBytes *
encode_signed_attributes (asn1_node    node,
                          const char  *name,
                          GError     **error)
{
  g_autoptr(GError) local = NULL;
  GBytes *attributes = enr_asn1_encode (node, name, &local);
  guint8 *bytes;
  gsize len;

  if (attributes == NULL)
    {
      fail (error, ENR_CMS_ERROR_FAILED, g_steal_pointer (&local), "Signed attributes");
      return NULL;
    }
  bytes = g_bytes_unref_to_data (attributes, &len);
  g_assert (len > 0 && bytes[0] == 0xa0);
  bytes[0] = 0x31;
  return g_bytes_new_take (bytes, len);
}

static GBytes *
signed_attributes_for (const Content      *content,
                       gnutls_x509_crt_t   signer,
                       GError            **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new ("SignerInfo");

  if (!write_signed_attributes (node, "signedAttrs", content, signer, error))
    return NULL;
  return encode_signed_attributes (node, "signedAttrs", error);
}

GBytes *
enr_cms_signed_attributes (const guint8        digest[ENR_CMS_DIGEST_LENGTH],
                           gnutls_x509_crt_t   signer,
                           GError            **error)
{
  Content content = { ENR_ASN1_OID_DATA, NULL, digest };

  g_return_val_if_fail (digest != NULL && signer != NULL, NULL);

  return signed_attributes_for (&content, signer, error);
}

/* Whether @signature is @signer's over @attributes. */
static gboolean
check_signature (gnutls_x509_crt_t   signer,
                 GBytes             *attributes,
                 GBytes             *signature,
                 GError            **error)
{
  gnutls_pubkey_t key = NULL;
  gnutls_datum_t data = { (unsigned char *) g_bytes_get_data (attributes, NULL),
                          (unsigned int) g_bytes_get_size (attributes) };
  gnutls_datum_t sig = { (unsigned char *) g_bytes_get_data (signature, NULL),
                         (unsigned int) g_bytes_get_size (signature) };
  int ret;

  if (!check_gnutls (gnutls_pubkey_init (&key), "The signer's key", error))
    return FALSE;
  ret = gnutls_pubkey_import_x509 (key, signer, 0);
  if (ret >= 0)
    ret = gnutls_pubkey_verify_data2 (key, GNUTLS_SIGN_RSA_SHA256, 0, &data, &sig);
  gnutls_pubkey_deinit (key);
  if (ret < 0)
    {
      g_set_error (error, ENR_CMS_ERROR, ENR_CMS_ERROR_BAD_SIGNATURE,
                   "The signature is not the signer's over these attributes: %s",
                   gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_signer_info (asn1_node          node,
                   const Content     *content,
                   gnutls_x509_crt_t  signer,
                   GBytes            *signature,
                   GBytes            *timestamp_token,
                   GError           **error)
{
  const char *root = "signerInfos.?LAST";
  g_autofree char *attrs = g_strconcat (root, ".signedAttrs", NULL);
  g_autofree char *unsigned_attrs = g_strconcat (root, ".unsignedAttrs", NULL);
  g_autoptr(GError) local = NULL;
  gnutls_datum_t issuer = { NULL, 0 };
  guint8 serial[64];
  size_t serial_len = sizeof serial;
  gboolean ok;

  if (!check_gnutls (gnutls_x509_crt_get_raw_issuer_dn (signer, &issuer), "The signer's issuer",
                     error))
    return FALSE;
  if (!check_gnutls (gnutls_x509_crt_get_serial (signer, serial, &serial_len),
                     "The signer's serial number", error))
    {
      gnutls_free (issuer.data);
      return FALSE;
    }
  ok = enr_asn1_write (node, "signerInfos", "NEW", 1, &local) &&
       enr_asn1_write (node, "signerInfos.?LAST.version", "1", 0, &local) &&
       enr_asn1_write (node, "signerInfos.?LAST.sid", "issuerAndSerialNumber", 1, &local) &&
       enr_asn1_write (node, "signerInfos.?LAST.sid.issuerAndSerialNumber.issuer", issuer.data,
                       (int) issuer.size, &local) &&
       enr_asn1_write (node, "signerInfos.?LAST.sid.issuerAndSerialNumber.serialNumber", serial,
                       (int) serial_len, &local) &&
       enr_asn1_write (node, "signerInfos.?LAST.digestAlgorithm.algorithm", ENR_ASN1_OID_SHA256,
                       0, &local) &&
       enr_asn1_write (node, "signerInfos.?LAST.digestAlgorithm.parameters", NULL, 0, &local) &&
       enr_asn1_write (node, "signerInfos.?LAST.signatureAlgorithm.algorithm",
                       ENR_ASN1_OID_RSA, 0, &local) &&
       enr_asn1_write (node, "signerInfos.?LAST.signatureAlgorithm.parameters", der_null,
                       sizeof der_null, &local) &&
       enr_asn1_write (node, "signerInfos.?LAST.signature", g_bytes_get_data (signature, NULL),
                       (int) g_bytes_get_size (signature), &local);
  gnutls_free (issuer.data);
  if (!ok)
    return fail (error, ENR_CMS_ERROR_FAILED, g_steal_pointer (&local), "SignerInfo");
  if (!write_signed_attributes (node, attrs, content, signer, error))
    return FALSE;
  if (timestamp_token != NULL)
    ok = add_attribute (node, unsigned_attrs, ENR_ASN1_OID_SIGNATURE_TIME_STAMP, timestamp_token,
                        &local);
  else
    ok = enr_asn1_write (node, unsigned_attrs, NULL, 0, &local);
  if (!ok)
    return fail (error, ENR_CMS_ERROR_FAILED, g_steal_pointer (&local), "The time stamp");
  return TRUE;
}

/* The ContentInfo of a SignedData around @signature, already checked. */
static GBytes *
assemble (const Content            *content,
          gnutls_x509_crt_t         signer,
          const gnutls_x509_crt_t  *chain,
          guint                     chain_len,
          gboolean                  with_certificates,
          GBytes                   *signature,
          GBytes                   *timestamp_token,
          GError                  **error)
{
  g_autoptr(asn1_node_st) signed_data = enr_asn1_new ("SignedData");
  g_autoptr(asn1_node_st) content_info = enr_asn1_new ("ContentInfo");
  g_autoptr(GBytes) signed_der = NULL;
  g_autoptr(GError) local = NULL;
  gboolean detached = content->content == NULL;
  GBytes *result;

  /* Version 3 when the content is not id-data (RFC 5652 §5.1). */
  if (!enr_asn1_write (signed_data, "version",
                       strcmp (content->type, ENR_ASN1_OID_DATA) == 0 ? "1" : "3", 0, &local) ||
      !enr_asn1_write (signed_data, "digestAlgorithms", "NEW", 1, &local) ||
      !enr_asn1_write (signed_data, "digestAlgorithms.?LAST.algorithm", ENR_ASN1_OID_SHA256, 0,
                       &local) ||
      !enr_asn1_write (signed_data, "digestAlgorithms.?LAST.parameters", NULL, 0, &local) ||
      !enr_asn1_write (signed_data, "encapContentInfo.eContentType", content->type, 0,
                       &local) ||
      !enr_asn1_write (signed_data, "encapContentInfo.eContent",
                       detached ? NULL : g_bytes_get_data (content->content, NULL),
                       detached ? 0 : (int) g_bytes_get_size (content->content), &local) ||
      !enr_asn1_write (signed_data, "crls", NULL, 0, &local) ||
      (!with_certificates && !enr_asn1_write (signed_data, "certificates", NULL, 0, &local)))
    {
      fail (error, ENR_CMS_ERROR_FAILED, g_steal_pointer (&local), "SignedData");
      return NULL;
    }
  for (guint i = 0; with_certificates && i <= chain_len; i++)
    {
      g_autoptr(GBytes) der = certificate_der (i == 0 ? signer : chain[i - 1], error);

      if (der == NULL)
        return NULL;
      if (!enr_asn1_write (signed_data, "certificates", "NEW", 1, &local) ||
          !enr_asn1_write (signed_data, "certificates.?LAST", g_bytes_get_data (der, NULL),
                           (int) g_bytes_get_size (der), &local))
        {
          fail (error, ENR_CMS_ERROR_FAILED, g_steal_pointer (&local), "Certificates");
          return NULL;
        }
    }
  if (!write_signer_info (signed_data, content, signer, signature, timestamp_token, error))
    return NULL;

  signed_der = enr_asn1_encode (signed_data, "", &local);
  if (signed_der == NULL ||
      !enr_asn1_write (content_info, "contentType", ENR_ASN1_OID_SIGNED_DATA, 0, &local) ||
      !enr_asn1_write (content_info, "content", g_bytes_get_data (signed_der, NULL),
                       (int) g_bytes_get_size (signed_der), &local) ||
      (result = enr_asn1_encode (content_info, "", &local)) == NULL)
    {
      fail (error, ENR_CMS_ERROR_FAILED, g_steal_pointer (&local), "ContentInfo");
      return NULL;
    }
  return result;
}

GBytes *
enr_cms_assemble (const guint8              digest[ENR_CMS_DIGEST_LENGTH],
                  gnutls_x509_crt_t         signer,
                  const gnutls_x509_crt_t  *chain,
                  guint                     chain_len,
                  GBytes                   *signature,
                  GBytes                   *timestamp_token,
                  GError                  **error)
{
  Content content = { ENR_ASN1_OID_DATA, NULL, digest };
  g_autoptr(GBytes) attributes = NULL;

  g_return_val_if_fail (digest != NULL && signer != NULL && signature != NULL, NULL);
  g_return_val_if_fail (chain != NULL || chain_len == 0, NULL);

  /* A signature that is not over these attributes would make a CMS that
   * no one can verify: refuse it here, where it can still be told. */
  attributes = signed_attributes_for (&content, signer, error);
  if (attributes == NULL || !check_signature (signer, attributes, signature, error))
    return NULL;
  return assemble (&content, signer, chain, chain_len, TRUE, signature, timestamp_token, error);
}

/* Signs @attributes with @key: RSA PKCS #1 v1.5, SHA-256. */
static GBytes *
sign_attributes (gnutls_privkey_t   key,
                 GBytes            *attributes,
                 GError           **error)
{
  gnutls_datum_t data = { (unsigned char *) g_bytes_get_data (attributes, NULL),
                          (unsigned int) g_bytes_get_size (attributes) };
  gnutls_datum_t sig = { NULL, 0 };
  GBytes *signature;

  if (!check_gnutls (gnutls_privkey_sign_data (key, GNUTLS_DIG_SHA256, 0, &data, &sig),
                     "Signing", error))
    return NULL;
  signature = g_bytes_new (sig.data, sig.size);
  gnutls_free (sig.data);
  return signature;
}

GBytes *
enr_cms_sign_encapsulated (const char         *content_type,
                           GBytes             *content,
                           gnutls_x509_crt_t   signer,
                           gboolean            with_certificate,
                           gnutls_privkey_t    key,
                           GError            **error)
{
  guint8 digest[ENR_CMS_DIGEST_LENGTH];
  Content what = { content_type, content, digest };
  g_autoptr(GBytes) attributes = NULL;
  g_autoptr(GBytes) signature = NULL;

  g_return_val_if_fail (content_type != NULL && content != NULL, NULL);
  g_return_val_if_fail (signer != NULL && key != NULL, NULL);

  gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (content, NULL),
                    g_bytes_get_size (content), digest);
  attributes = signed_attributes_for (&what, signer, error);
  if (attributes == NULL || (signature = sign_attributes (key, attributes, error)) == NULL)
    return NULL;
  return assemble (&what, signer, NULL, 0, with_certificate, signature, NULL, error);
}

GBytes *
enr_cms_sign_digest (const guint8              digest[ENR_CMS_DIGEST_LENGTH],
                     gnutls_x509_crt_t         signer,
                     const gnutls_x509_crt_t  *chain,
                     guint                     chain_len,
                     gnutls_privkey_t          key,
                     GBytes                   *timestamp_token,
                     GError                  **error)
{
  Content content = { ENR_ASN1_OID_DATA, NULL, digest };
  g_autoptr(GBytes) attributes = NULL;
  g_autoptr(GBytes) signature = NULL;

  g_return_val_if_fail (digest != NULL && signer != NULL && key != NULL, NULL);
  g_return_val_if_fail (chain != NULL || chain_len == 0, NULL);

  attributes = signed_attributes_for (&content, signer, error);
  if (attributes == NULL || (signature = sign_attributes (key, attributes, error)) == NULL)
    return NULL;
  return assemble (&content, signer, chain, chain_len, TRUE, signature, timestamp_token, error);
}

GBytes *
enr_cms_sign_detached (const guint8             *data,
                       gsize                     data_len,
                       gnutls_x509_crt_t         signer,
                       const gnutls_x509_crt_t  *chain,
                       guint                     chain_len,
                       gnutls_privkey_t          key,
                       GError                  **error)
{
  guint8 digest[ENR_CMS_DIGEST_LENGTH];

  g_return_val_if_fail (data != NULL || data_len == 0, NULL);
  g_return_val_if_fail (signer != NULL && key != NULL, NULL);

  if (!check_gnutls (gnutls_hash_fast (GNUTLS_DIG_SHA256, data, data_len, digest), "SHA-256",
                     error))
    return NULL;
  return enr_cms_sign_digest (digest, signer, chain, chain_len, key, NULL, error);
}

/* Reading. */

void
enr_cms_info_free (EnrCmsInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->content_type);
  g_clear_pointer (&info->content, g_bytes_unref);
  g_clear_pointer (&info->certificates, g_ptr_array_unref);
  g_clear_pointer (&info->issuer, g_bytes_unref);
  g_clear_pointer (&info->serial, g_bytes_unref);
  g_clear_pointer (&info->subject_key_id, g_bytes_unref);
  g_clear_pointer (&info->signed_attrs, g_bytes_unref);
  g_clear_pointer (&info->message_digest, g_bytes_unref);
  g_free (info->attr_content_type);
  g_clear_pointer (&info->signing_certificate, g_bytes_unref);
  g_clear_pointer (&info->signing_time, g_date_time_unref);
  g_clear_pointer (&info->signature, g_bytes_unref);
  g_clear_pointer (&info->timestamp_token, g_bytes_unref);
  g_free (info);
}

/* UTCTime "YYMMDDhhmmssZ" or GeneralizedTime "YYYYMMDDhhmmss[.f]Z". */
GDateTime *
enr_cms_parse_time_text (const char *text,
                         gboolean    utc_time)
{
  int year, month, day, hour, minute, second;
  const char *p = text;
  gsize len = strlen (text);

  if (len < (utc_time ? 13u : 15u))
    return NULL;
  for (gsize i = 0; i < (utc_time ? 12u : 14u); i++)
    if (!g_ascii_isdigit (text[i]))
      return NULL;
  if (utc_time)
    {
      year = (p[0] - '0') * 10 + (p[1] - '0');
      year += year < 50 ? 2000 : 1900;
      p += 2;
    }
  else
    {
      year = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
      p += 4;
    }
  month = (p[0] - '0') * 10 + (p[1] - '0');
  day = (p[2] - '0') * 10 + (p[3] - '0');
  hour = (p[4] - '0') * 10 + (p[5] - '0');
  minute = (p[6] - '0') * 10 + (p[7] - '0');
  second = (p[8] - '0') * 10 + (p[9] - '0');
  p += 10;
  if (*p == '.')
    {
      p++;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (strcmp (p, "Z") != 0)
    return NULL;
  return g_date_time_new_utc (year, month, day, hour, minute, second);
}



/* A Time (UTCTime or GeneralizedTime) as DER. */
GDateTime *
enr_cms_parse_time_der (const guint8 *der,
                        gsize         len)
{
  g_autoptr(asn1_node_st) node = enr_asn1_decode ("Time", der, len, NULL);
  char choice[32];
  char value[64];
  int choice_len = sizeof choice;
  int value_len = sizeof value - 1;

  if (node == NULL || asn1_read_value (node, "", choice, &choice_len) != ASN1_SUCCESS)
    return NULL;
  if (asn1_read_value (node, strcmp (choice, "utcTime") == 0 ? "utcTime" : "generalTime", value,
                       &value_len) != ASN1_SUCCESS ||
      value_len <= 0 || value_len >= (int) sizeof value)
    return NULL;
  value[value_len] = '\0';
  return enr_cms_parse_time_text (value, strcmp (choice, "utcTime") == 0);
}

static gboolean
read_attribute_value (asn1_node    node,
                      const char  *attr,
                      GBytes     **value)
{
  g_autofree char *name = g_strconcat (attr, ".attrValues.?1", NULL);

  *value = enr_asn1_read (node, name);
  return *value != NULL;
}

static void
read_signed_attributes (EnrCmsInfo *info,
                        asn1_node   node)
{
  int count = 0;

  if (asn1_number_of_elements (node, "signerInfos.?1.signedAttrs", &count) != ASN1_SUCCESS)
    return;
  for (int i = 1; i <= count; i++)
    {
      g_autofree char *attr = g_strdup_printf ("signerInfos.?1.signedAttrs.?%d", i);
      g_autofree char *type_name = g_strconcat (attr, ".attrType", NULL);
      g_autofree char *type = enr_asn1_read_oid (node, type_name);
      g_autoptr(GBytes) value = NULL;

      if (type == NULL || !read_attribute_value (node, attr, &value))
        continue;
      if (strcmp (type, ENR_ASN1_OID_MESSAGE_DIGEST) == 0 && info->message_digest == NULL)
        {
          g_autoptr(asn1_node_st) octets = enr_asn1_decode ("OctetString",
                                                            g_bytes_get_data (value, NULL),
                                                            g_bytes_get_size (value), NULL);

          if (octets != NULL)
            info->message_digest = enr_asn1_read (octets, "");
        }
      else if (strcmp (type, ENR_ASN1_OID_CONTENT_TYPE) == 0 && info->attr_content_type == NULL)
        {
          g_autoptr(asn1_node_st) oid = enr_asn1_decode ("ObjectId",
                                                         g_bytes_get_data (value, NULL),
                                                         g_bytes_get_size (value), NULL);

          if (oid != NULL)
            info->attr_content_type = enr_asn1_read_oid (oid, "");
        }
      else if (strcmp (type, ENR_ASN1_OID_SIGNING_CERT_V2) == 0 &&
               info->signing_certificate == NULL)
        info->signing_certificate = g_steal_pointer (&value);
      else if (strcmp (type, ENR_ASN1_OID_SIGNING_TIME) == 0 && info->signing_time == NULL)
        info->signing_time = enr_cms_parse_time_der (g_bytes_get_data (value, NULL),
                                                     g_bytes_get_size (value));
    }
}

static void
read_unsigned_attributes (EnrCmsInfo *info,
                          asn1_node   node)
{
  int count = 0;

  if (asn1_number_of_elements (node, "signerInfos.?1.unsignedAttrs", &count) != ASN1_SUCCESS)
    return;
  for (int i = 1; i <= count && info->timestamp_token == NULL; i++)
    {
      g_autofree char *attr = g_strdup_printf ("signerInfos.?1.unsignedAttrs.?%d", i);
      g_autofree char *type_name = g_strconcat (attr, ".attrType", NULL);
      g_autofree char *type = enr_asn1_read_oid (node, type_name);

      if (g_strcmp0 (type, ENR_ASN1_OID_SIGNATURE_TIME_STAMP) == 0)
        read_attribute_value (node, attr, &info->timestamp_token);
    }
}

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, ENR_CMS_ERROR, ENR_CMS_ERROR_MALFORMED, "Not a CMS SignedData: %s", what);
  return FALSE;
}

EnrCmsInfo *
enr_cms_parse (const guint8  *der,
               gsize          len,
               GError       **error)
{
  g_autoptr(EnrCmsInfo) info = g_new0 (EnrCmsInfo, 1);
  g_autoptr(asn1_node_st) content_info = NULL;
  g_autoptr(asn1_node_st) node = NULL;
  g_autoptr(GBytes) signed_der = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *outer_type = NULL;
  g_autofree char *digest_oid = NULL;
  g_autofree char *sign_oid = NULL;
  char choice[64];
  int choice_len = sizeof choice;
  int count = 0;
  gsize start;
  gsize end;
  gsize consumed = 0;

  g_return_val_if_fail (der != NULL || len == 0, NULL);

  /* Other signers write BER (NSS: indefinite lengths), and a PDF's
   * /Contents is padded with zeros after it. */
  content_info = enr_asn1_decode_ber ("ContentInfo", der, len, &consumed, &local);
  if (content_info == NULL)
    {
      malformed (error, local->message);
      return NULL;
    }
  for (gsize i = consumed; i < len; i++)
    {
      if (der[i] != 0)
        {
          malformed (error, "bytes after it");
          return NULL;
        }
    }
  outer_type = enr_asn1_read_oid (content_info, "contentType");
  signed_der = enr_asn1_read (content_info, "content");
  if (g_strcmp0 (outer_type, ENR_ASN1_OID_SIGNED_DATA) != 0 || signed_der == NULL)
    {
      malformed (error, "another content type");
      return NULL;
    }
  node = enr_asn1_decode_ber ("SignedData", g_bytes_get_data (signed_der, NULL),
                              g_bytes_get_size (signed_der), &consumed, &local);
  if (node == NULL)
    {
      malformed (error, local->message);
      return NULL;
    }

  info->content_type = enr_asn1_read_oid (node, "encapContentInfo.eContentType");
  info->content = enr_asn1_read (node, "encapContentInfo.eContent");
  info->certificates = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  if (asn1_number_of_elements (node, "certificates", &count) == ASN1_SUCCESS)
    {
      for (int i = 1; i <= count; i++)
        {
          g_autofree char *name = g_strdup_printf ("certificates.?%d", i);
          GBytes *cert = enr_asn1_read (node, name);

          if (cert != NULL)
            g_ptr_array_add (info->certificates, cert);
        }
    }

  count = 0;
  if (asn1_number_of_elements (node, "signerInfos", &count) != ASN1_SUCCESS || count < 1)
    {
      malformed (error, "no signer");
      return NULL;
    }
  info->signer_count = count;

  if (asn1_read_value (node, "signerInfos.?1.sid", choice, &choice_len) != ASN1_SUCCESS)
    {
      malformed (error, "no signer identifier");
      return NULL;
    }
  if (strcmp (choice, "issuerAndSerialNumber") == 0)
    {
      info->issuer = enr_asn1_read (node, "signerInfos.?1.sid.issuerAndSerialNumber.issuer");
      info->serial = enr_asn1_read (node,
                                    "signerInfos.?1.sid.issuerAndSerialNumber.serialNumber");
    }
  else
    info->subject_key_id = enr_asn1_read (node, "signerInfos.?1.sid.subjectKeyIdentifier");

  digest_oid = enr_asn1_read_oid (node, "signerInfos.?1.digestAlgorithm.algorithm");
  sign_oid = enr_asn1_read_oid (node, "signerInfos.?1.signatureAlgorithm.algorithm");
  info->digest = digest_oid != NULL ? gnutls_oid_to_digest (digest_oid) : GNUTLS_DIG_UNKNOWN;
  if (g_strcmp0 (sign_oid, ENR_ASN1_OID_RSA) == 0)
    info->sign = gnutls_pk_to_sign (GNUTLS_PK_RSA, info->digest);
  else
    info->sign = sign_oid != NULL ? gnutls_oid_to_sign (sign_oid) : GNUTLS_SIGN_UNKNOWN;

  info->signature = enr_asn1_read (node, "signerInfos.?1.signature");
  if (info->signature == NULL)
    {
      malformed (error, "no signature value");
      return NULL;
    }

  if (enr_asn1_span (node, g_bytes_get_data (signed_der, NULL), g_bytes_get_size (signed_der),
                     "signerInfos.?1.signedAttrs", &start, &end))
    {
      guint8 *attrs = g_memdup2 ((const guint8 *) g_bytes_get_data (signed_der, NULL) + start,
                                 end - start);

      /* Signed as a SET OF (RFC 5652 §5.4), not as the [0] it stands under. */
      attrs[0] = 0x31;
      info->signed_attrs = g_bytes_new_take (attrs, end - start);
      read_signed_attributes (info, node);
    }
  read_unsigned_attributes (info, node);
  return g_steal_pointer (&info);
}

gboolean
enr_cms_info_names_signer (const EnrCmsInfo  *info,
                           gnutls_x509_crt_t  cert)
{
  gboolean match = FALSE;

  g_return_val_if_fail (info != NULL && cert != NULL, FALSE);

  if (info->issuer != NULL && info->serial != NULL)
    {
      gnutls_datum_t issuer = { NULL, 0 };
      guint8 serial[64];
      size_t serial_len = sizeof serial;

      if (gnutls_x509_crt_get_serial (cert, serial, &serial_len) >= 0 &&
          gnutls_x509_crt_get_raw_issuer_dn (cert, &issuer) >= 0)
        match = g_bytes_get_size (info->serial) == serial_len &&
                memcmp (g_bytes_get_data (info->serial, NULL), serial, serial_len) == 0 &&
                g_bytes_get_size (info->issuer) == issuer.size &&
                memcmp (g_bytes_get_data (info->issuer, NULL), issuer.data, issuer.size) == 0;
      gnutls_free (issuer.data);
    }
  else if (info->subject_key_id != NULL)
    {
      guint8 id[64];
      size_t id_len = sizeof id;
      unsigned critical;

      if (gnutls_x509_crt_get_subject_key_id (cert, id, &id_len, &critical) >= 0)
        match = g_bytes_get_size (info->subject_key_id) == id_len &&
                memcmp (g_bytes_get_data (info->subject_key_id, NULL), id, id_len) == 0;
    }
  return match;
}

gboolean
enr_cms_info_verify (const EnrCmsInfo  *info,
                     gnutls_x509_crt_t  cert,
                     const guint8      *digest,
                     gsize              digest_len,
                     GError           **error)
{
  gnutls_pubkey_t key = NULL;
  gnutls_datum_t sig;
  int ret;

  g_return_val_if_fail (info != NULL && cert != NULL && digest != NULL, FALSE);

  if (info->digest == GNUTLS_DIG_UNKNOWN || info->sign == GNUTLS_SIGN_UNKNOWN ||
      gnutls_hash_get_len (info->digest) != digest_len)
    return malformed (error, "an unknown digest or signature algorithm");

  sig.data = (unsigned char *) g_bytes_get_data (info->signature, NULL);
  sig.size = (unsigned int) g_bytes_get_size (info->signature);
  if (!check_gnutls (gnutls_pubkey_init (&key), "The signer's key", error))
    return FALSE;
  ret = gnutls_pubkey_import_x509 (key, cert, 0);
  if (ret >= 0 && info->signed_attrs != NULL)
    {
      gnutls_datum_t data = { (unsigned char *) g_bytes_get_data (info->signed_attrs, NULL),
                              (unsigned int) g_bytes_get_size (info->signed_attrs) };

      /* What was signed is what the document holds: else it changed. */
      if (info->message_digest == NULL ||
          g_bytes_get_size (info->message_digest) != digest_len ||
          memcmp (g_bytes_get_data (info->message_digest, NULL), digest, digest_len) != 0)
        {
          gnutls_pubkey_deinit (key);
          g_set_error (error, ENR_CMS_ERROR, ENR_CMS_ERROR_BAD_SIGNATURE,
                       "The message digest is not the content's");
          return FALSE;
        }
      ret = gnutls_pubkey_verify_data2 (key, info->sign, 0, &data, &sig);
    }
  else if (ret >= 0)
    {
      gnutls_datum_t hash = { (unsigned char *) digest, (unsigned int) digest_len };

      ret = gnutls_pubkey_verify_hash2 (key, info->sign, 0, &hash, &sig);
    }
  gnutls_pubkey_deinit (key);
  if (ret < 0)
    {
      g_set_error (error, ENR_CMS_ERROR, ENR_CMS_ERROR_BAD_SIGNATURE, "Signature: %s",
                   gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

gboolean
enr_cms_get_message_digest (const guint8 *cms,
                            gsize         cms_len,
                            guint8       *digest,
                            gsize         digest_len)
{
  g_autoptr(EnrCmsInfo) info = enr_cms_parse (cms, cms_len, NULL);

  if (info == NULL || info->message_digest == NULL ||
      g_bytes_get_size (info->message_digest) != digest_len)
    return FALSE;
  memcpy (digest, g_bytes_get_data (info->message_digest, NULL), digest_len);
  return TRUE;
}
