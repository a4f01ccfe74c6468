/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-cms"

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>

#include "enr-cms.h"

G_DEFINE_QUARK (enr-cms-error-quark, enr_cms_error)

/* id-sha256 as a DER OBJECT IDENTIFIER (2.16.840.1.101.3.4.2.1). */
static const guint8 sha256_oid[] = {
  0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01
};

static void
der_append_tlv (GByteArray   *out,
                guint8        tag,
                const guint8 *content,
                gsize         len)
{
  guint8 header[6];
  gsize header_len = 0;

  header[header_len++] = tag;
  if (len < 0x80)
    header[header_len++] = (guint8) len;
  else
    {
      guint n = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;

      header[header_len++] = 0x80 | n;
      for (guint i = n; i > 0; i--)
        header[header_len++] = (guint8) (len >> (8 * (i - 1)));
    }
  g_byte_array_append (out, header, header_len);
  g_byte_array_append (out, content, len);
}

GBytes *
enr_cms_signing_certificate_v2 (gnutls_x509_crt_t   cert,
                                GError            **error)
{
  g_autoptr(GByteArray) name = g_byte_array_new ();
  g_autoptr(GByteArray) issuer_serial = g_byte_array_new ();
  g_autoptr(GByteArray) cert_id = g_byte_array_new ();
  g_autoptr(GByteArray) certs = g_byte_array_new ();
  g_autoptr(GByteArray) value = g_byte_array_new ();
  gnutls_datum_t issuer = { NULL, 0 };
  guint8 hash[32];
  size_t hash_len = sizeof hash;
  guint8 serial[64];
  size_t serial_len = sizeof serial;
  int ret;

  if ((ret = gnutls_x509_crt_get_fingerprint (cert, GNUTLS_DIG_SHA256, hash, &hash_len)) < 0 ||
      (ret = gnutls_x509_crt_get_serial (cert, serial, &serial_len)) < 0 ||
      (ret = gnutls_x509_crt_get_raw_issuer_dn (cert, &issuer)) < 0)
    {
      g_set_error (error, ENR_CMS_ERROR, ENR_CMS_ERROR_FAILED, "ESS certificate ID: %s",
                   gnutls_strerror (ret));
      return NULL;
    }

  /* IssuerSerial ::= SEQUENCE { GeneralNames { [4] EXPLICIT Name }, INTEGER } */
  der_append_tlv (name, 0xa4, issuer.data, issuer.size);
  gnutls_free (issuer.data);
  {
    g_autoptr(GByteArray) general_names = g_byte_array_new ();
    g_autoptr(GByteArray) body = g_byte_array_new ();

    der_append_tlv (general_names, 0x30, name->data, name->len);
    g_byte_array_append (body, general_names->data, general_names->len);
    der_append_tlv (body, 0x02, serial, serial_len);
    der_append_tlv (issuer_serial, 0x30, body->data, body->len);
  }

  /* ESSCertIDv2: the hash algorithm is left out, as SHA-256 is its DEFAULT
   * and DER omits defaults. */
  {
    g_autoptr(GByteArray) body = g_byte_array_new ();

    der_append_tlv (body, 0x04, hash, hash_len);
    g_byte_array_append (body, issuer_serial->data, issuer_serial->len);
    der_append_tlv (cert_id, 0x30, body->data, body->len);
  }
  der_append_tlv (certs, 0x30, cert_id->data, cert_id->len);
  der_append_tlv (value, 0x30, certs->data, certs->len);
  return g_byte_array_free_to_bytes (g_steal_pointer (&value));
}

/* Reads one TLV at *pos (short or long definite length); FALSE past @end. */
static gboolean
der_read (const guint8  *data,
          gsize          end,
          gsize         *pos,
          guint8        *tag,
          gsize         *content,
          gsize         *content_len)
{
  gsize p = *pos;
  gsize len;

  if (p + 2 > end)
    return FALSE;
  *tag = data[p++];
  len = data[p++];
  if (len & 0x80)
    {
      guint n = len & 0x7f;

      if (n == 0 || n > 4 || p + n > end)
        return FALSE;
      len = 0;
      for (guint i = 0; i < n; i++)
        len = (len << 8) | data[p++];
    }
  if (len > end - p)
    return FALSE;
  *content = p;
  *content_len = len;
  *pos = p + len;
  return TRUE;
}

gboolean
enr_cms_parse_signing_certificate_v2 (const guint8 *der,
                                      gsize         der_len,
                                      guint8        cert_hash[32])
{
  gsize pos = 0;
  gsize content = 0;
  gsize len = 0;
  gsize end;
  guint8 tag;

  /* SigningCertificateV2 → certs → the first ESSCertIDv2 */
  for (int level = 0; level < 3; level++)
    {
      end = level == 0 ? der_len : content + len;
      if (!der_read (der, end, &pos, &tag, &content, &len) || tag != 0x30)
        return FALSE;
      pos = content;
    }
  end = content + len;
  if (!der_read (der, end, &pos, &tag, &content, &len))
    return FALSE;
  if (tag == 0x30)
    {
      /* An explicit AlgorithmIdentifier: only SHA-256. */
      gsize oid_pos = content;
      gsize oid_content;
      gsize oid_len;
      guint8 oid_tag;

      if (!der_read (der, content + len, &oid_pos, &oid_tag, &oid_content, &oid_len) ||
          oid_tag != 0x06 || oid_len != sizeof sha256_oid - 2 ||
          memcmp (der + oid_content, sha256_oid + 2, oid_len) != 0)
        return FALSE;
      if (!der_read (der, end, &pos, &tag, &content, &len))
        return FALSE;
    }
  if (tag != 0x04 || len != 32)
    return FALSE;
  memcpy (cert_hash, der + content, 32);
  return TRUE;
}

/* The DER of id-messageDigest (1.2.840.113549.1.9.4), after tag and length. */
static const guint8 message_digest_oid[] = {
  0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04
};

gboolean
enr_cms_get_message_digest (const guint8 *cms,
                            gsize         cms_len,
                            guint8       *digest,
                            gsize         digest_len)
{
  gsize pos = 0;
  gsize content = 0;
  gsize len = 0;
  gsize end;
  guint8 tag;

  /* ContentInfo → [0] → SignedData */
  if (!der_read (cms, cms_len, &pos, &tag, &content, &len) || tag != 0x30)
    return FALSE;
  pos = content;
  end = content + len;
  if (!der_read (cms, end, &pos, &tag, &content, &len) || tag != 0x06 ||
      !der_read (cms, end, &pos, &tag, &content, &len) || tag != 0xa0)
    return FALSE;
  pos = content;
  end = content + len;
  if (!der_read (cms, end, &pos, &tag, &content, &len) || tag != 0x30)
    return FALSE;
  pos = content;
  end = content + len;

  /* version, digestAlgorithms, encapContentInfo, [0] certificates,
   * [1] crls: skip to signerInfos, the SET that comes last. */
  for (;;)
    {
      if (!der_read (cms, end, &pos, &tag, &content, &len))
        return FALSE;
      if (tag == 0x31 && pos == end)
        break;
    }

  /* The first SignerInfo: version, sid, digestAlgorithm, then [0] signedAttrs. */
  pos = content;
  end = content + len;
  if (!der_read (cms, end, &pos, &tag, &content, &len) || tag != 0x30)
    return FALSE;
  pos = content;
  end = content + len;
  for (int skip = 0; skip < 3; skip++)
    {
      if (!der_read (cms, end, &pos, &tag, &content, &len))
        return FALSE;
    }
  if (!der_read (cms, end, &pos, &tag, &content, &len) || tag != 0xa0)
    return FALSE;

  pos = content;
  end = content + len;
  while (pos < end)
    {
      gsize attr_pos;
      gsize attr_end;
      gsize oid;
      gsize oid_len;
      gsize values;
      gsize values_len;
      gsize value;
      gsize value_len;

      if (!der_read (cms, end, &pos, &tag, &content, &len) || tag != 0x30)
        return FALSE;
      attr_pos = content;
      attr_end = content + len;
      if (!der_read (cms, attr_end, &attr_pos, &tag, &oid, &oid_len) || tag != 0x06)
        return FALSE;
      if (oid_len != sizeof message_digest_oid ||
          memcmp (cms + oid, message_digest_oid, oid_len) != 0)
        continue;
      if (!der_read (cms, attr_end, &attr_pos, &tag, &values, &values_len) || tag != 0x31)
        return FALSE;
      attr_pos = values;
      if (!der_read (cms, values + values_len, &attr_pos, &tag, &value, &value_len) ||
          tag != 0x04 || value_len != digest_len)
        return FALSE;
      memcpy (digest, cms + value, digest_len);
      return TRUE;
    }
  return FALSE;
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
  g_autoptr(GBytes) ess = NULL;
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_pkcs7_attrs_t signed_attrs = NULL;
  gnutls_datum_t content = { (unsigned char *) data, (unsigned int) data_len };
  gnutls_datum_t ess_datum;
  gnutls_datum_t der = { NULL, 0 };
  GBytes *result = NULL;
  gsize ess_len;
  int ret;

  g_return_val_if_fail (data != NULL || data_len == 0, NULL);
  g_return_val_if_fail (data_len <= G_MAXUINT, NULL);
  g_return_val_if_fail (signer != NULL && key != NULL, NULL);
  g_return_val_if_fail (chain != NULL || chain_len == 0, NULL);

  ess = enr_cms_signing_certificate_v2 (signer, error);
  if (ess == NULL)
    return NULL;
  ess_datum.data = (unsigned char *) g_bytes_get_data (ess, &ess_len);
  ess_datum.size = ess_len;

  /* No GNUTLS_PKCS7_INCLUDE_TIME: PAdES forbids the CMS signing-time.
   * Content-type and message-digest are added by GnuTLS with any signed
   * attribute. */
  if ((ret = gnutls_pkcs7_init (&pkcs7)) < 0 ||
      (ret = gnutls_pkcs7_add_attr (&signed_attrs, ENR_CMS_OID_SIGNING_CERTIFICATE_V2,
                                    &ess_datum, 0)) < 0 ||
      (ret = gnutls_pkcs7_sign (pkcs7, signer, key, &content, signed_attrs, NULL,
                                GNUTLS_DIG_SHA256, GNUTLS_PKCS7_INCLUDE_CERT)) < 0)
    goto out;
  for (guint i = 0; i < chain_len; i++)
    {
      if ((ret = gnutls_pkcs7_set_crt (pkcs7, chain[i])) < 0)
        goto out;
    }
  if ((ret = gnutls_pkcs7_export2 (pkcs7, GNUTLS_X509_FMT_DER, &der)) < 0)
    goto out;
  result = g_bytes_new (der.data, der.size);

out:
  if (result == NULL)
    g_set_error (error, ENR_CMS_ERROR, ENR_CMS_ERROR_FAILED, "CMS signature: %s",
                 gnutls_strerror (ret));
  gnutls_free (der.data);
  gnutls_pkcs7_attrs_deinit (signed_attrs);
  if (pkcs7 != NULL)
    gnutls_pkcs7_deinit (pkcs7);
  return result;
}
