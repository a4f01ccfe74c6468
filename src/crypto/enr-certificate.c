/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-certificate"

#include "config.h"

#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#include "enr-certificate.h"
#include "enr-crypto-error.h"

struct _EnrCertificate
{
  GObject            parent_instance;

  gnutls_x509_crt_t  crt;
  GBytes            *der;
  char              *country;
  char              *province;
  char              *locality;
  char              *common_name;
  char              *uid;
  char              *subject;
  char              *issuer;
  char              *issuer_common_name;
  char              *serial;
  char              *fingerprint;
  GDateTime         *not_before;
  GDateTime         *not_after;
};

G_DEFINE_FINAL_TYPE (EnrCertificate, enr_certificate, G_TYPE_OBJECT)

static void
enr_certificate_finalize (GObject *object)
{
  EnrCertificate *self = ENR_CERTIFICATE (object);

  g_clear_pointer (&self->crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_free (self->country);
  g_free (self->province);
  g_free (self->locality);
  g_free (self->common_name);
  g_free (self->uid);
  g_free (self->subject);
  g_free (self->issuer);
  g_free (self->issuer_common_name);
  g_free (self->serial);
  g_free (self->fingerprint);
  g_clear_pointer (&self->not_before, g_date_time_unref);
  g_clear_pointer (&self->not_after, g_date_time_unref);

  G_OBJECT_CLASS (enr_certificate_parent_class)->finalize (object);
}

static void
enr_certificate_class_init (EnrCertificateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enr_certificate_finalize;
}

static void
enr_certificate_init (EnrCertificate *self)
{
}

typedef int (*DnByOidFunc) (gnutls_x509_crt_t crt,
                            const char       *oid,
                            unsigned          indx,
                            unsigned int      raw_flag,
                            void             *buf,
                            size_t           *buf_size);

/* The first value of @oid in a DN, as UTF-8; NULL when absent. A second
 * value makes the name ambiguous and is refused through @ambiguous. */
static char *
dn_value (gnutls_x509_crt_t  crt,
          DnByOidFunc        func,
          const char        *oid,
          gboolean          *ambiguous)
{
  g_autofree char *value = NULL;
  size_t size = 0;
  int ret;

  ret = func (crt, oid, 0, 0, NULL, &size);
  if (ret != GNUTLS_E_SHORT_MEMORY_BUFFER)
    return NULL;
  value = g_malloc0 (size + 1);
  if (func (crt, oid, 0, 0, value, &size) < 0 || !g_utf8_validate (value, -1, NULL))
    {
      *ambiguous = TRUE;
      return NULL;
    }
  size = 0;
  if (func (crt, oid, 1, 0, NULL, &size) == GNUTLS_E_SHORT_MEMORY_BUFFER)
    *ambiguous = TRUE;
  return g_steal_pointer (&value);
}

static char *
dn_string (gnutls_x509_crt_t crt,
           gboolean          issuer)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *text;

  if ((issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0)
              : gnutls_x509_crt_get_dn3 (crt, &dn, 0)) < 0)
    return g_strdup ("");
  text = g_strndup ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return text;
}

static char *
hex_string (const guint8 *data,
            gsize         len,
            const char   *separator)
{
  GString *out = g_string_sized_new (len * 3);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && separator != NULL)
        g_string_append (out, separator);
      g_string_append_printf (out, "%02X", data[i]);
    }
  return g_string_free (out, FALSE);
}

static EnrCertificate *
certificate_new_take (gnutls_x509_crt_t   crt,
                      GError            **error)
{
  g_autoptr(EnrCertificate) self = g_object_new (ENR_TYPE_CERTIFICATE, NULL);
  gnutls_datum_t der = { NULL, 0 };
  guint8 serial[64];
  size_t serial_len = sizeof serial;
  guint8 fingerprint[32];
  size_t fingerprint_len = sizeof fingerprint;
  gboolean ambiguous = FALSE;
  const guint8 *serial_start = serial;
  time_t not_before;
  time_t not_after;
  int ret;

  self->crt = crt;
  if ((ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der)) < 0 ||
      (ret = gnutls_x509_crt_get_serial (crt, serial, &serial_len)) < 0 ||
      (ret = gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA256, fingerprint,
                                              &fingerprint_len)) < 0)
    {
      gnutls_free (der.data);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_INVALID, "reading the certificate: %s",
                            gnutls_strerror (ret));
      return NULL;
    }
  self->der = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);

  self->country = dn_value (crt, gnutls_x509_crt_get_dn_by_oid, GNUTLS_OID_X520_COUNTRY_NAME,
                            &ambiguous);
  self->province = dn_value (crt, gnutls_x509_crt_get_dn_by_oid,
                             GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME, &ambiguous);
  self->locality = dn_value (crt, gnutls_x509_crt_get_dn_by_oid, GNUTLS_OID_X520_LOCALITY_NAME,
                             &ambiguous);
  self->common_name = dn_value (crt, gnutls_x509_crt_get_dn_by_oid,
                                GNUTLS_OID_X520_COMMON_NAME, &ambiguous);
  self->uid = dn_value (crt, gnutls_x509_crt_get_dn_by_oid, GNUTLS_OID_LDAP_UID, &ambiguous);
  self->issuer_common_name = dn_value (crt, gnutls_x509_crt_get_issuer_dn_by_oid,
                                       GNUTLS_OID_X520_COMMON_NAME, &ambiguous);
  if (ambiguous)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_INVALID,
                            "a name attribute that is repeated or not UTF-8");
      return NULL;
    }
  self->subject = dn_string (crt, FALSE);
  self->issuer = dn_string (crt, TRUE);

  /* An INTEGER's leading zero octet is encoding, not part of the number. */
  while (serial_len > 1 && serial_start[0] == 0)
    {
      serial_start++;
      serial_len--;
    }
  self->serial = hex_string (serial_start, serial_len, NULL);
  self->fingerprint = hex_string (fingerprint, fingerprint_len, ":");

  not_before = gnutls_x509_crt_get_activation_time (crt);
  not_after = gnutls_x509_crt_get_expiration_time (crt);
  self->not_before = g_date_time_new_from_unix_utc (not_before);
  self->not_after = g_date_time_new_from_unix_utc (not_after);
  if (not_before == (time_t) -1 || not_after == (time_t) -1 ||
      self->not_before == NULL || self->not_after == NULL)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_INVALID, "unreadable validity");
      return NULL;
    }
  return g_steal_pointer (&self);
}

static gnutls_x509_crt_t
import_crt (const guint8        *data,
            gsize                len,
            gnutls_x509_crt_fmt_t format,
            GError             **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, (unsigned int) len };
  int ret;

  if (len == 0 || len > 1024 * 1024)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_INVALID,
                            "certificate of %" G_GSIZE_FORMAT " bytes", len);
      return NULL;
    }
  if ((ret = gnutls_x509_crt_init (&crt)) < 0 ||
      (ret = gnutls_x509_crt_import (crt, &datum, format)) < 0)
    {
      if (crt != NULL)
        gnutls_x509_crt_deinit (crt);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_INVALID, "certificate import: %s",
                            gnutls_strerror (ret));
      return NULL;
    }
  return crt;
}

EnrCertificate *
enr_certificate_new_from_der (GBytes  *der,
                              GError **error)
{
  gnutls_x509_crt_t crt;
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (der != NULL, NULL);

  data = g_bytes_get_data (der, &len);
  crt = import_crt (data, len, GNUTLS_X509_FMT_DER, error);
  return crt != NULL ? certificate_new_take (crt, error) : NULL;
}

EnrCertificate *
enr_certificate_new_from_pem (const char  *pem,
                              gssize       length,
                              GError     **error)
{
  gnutls_x509_crt_t crt;

  g_return_val_if_fail (pem != NULL, NULL);

  crt = import_crt ((const guint8 *) pem, length < 0 ? strlen (pem) : (gsize) length,
                    GNUTLS_X509_FMT_PEM, error);
  return crt != NULL ? certificate_new_take (crt, error) : NULL;
}

static gboolean
check_time (gnutls_x509_crt_t   crt,
            gint64              now,
            GError            **error)
{
  time_t not_before = gnutls_x509_crt_get_activation_time (crt);
  time_t not_after = gnutls_x509_crt_get_expiration_time (crt);

  if (now < (gint64) not_before)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_NOT_YET_VALID,
                            "valid from %" G_GINT64_FORMAT ", now %" G_GINT64_FORMAT,
                            (gint64) not_before, now);
      return FALSE;
    }
  if (now > (gint64) not_after)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_EXPIRED,
                            "valid to %" G_GINT64_FORMAT ", now %" G_GINT64_FORMAT,
                            (gint64) not_after, now);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_chain (gnutls_x509_crt_t  *list,
             guint               n,
             const char         *trust_anchor_file,
             GDateTime          *now,
             GError            **error)
{
  gnutls_x509_trust_list_t trust = NULL;
  unsigned int status = 0;
  unsigned int flags = 0;
  int ret;

  if ((ret = gnutls_x509_trust_list_init (&trust, 0)) < 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "trust list: %s",
                            gnutls_strerror (ret));
      return FALSE;
    }
  if (trust_anchor_file != NULL)
    ret = gnutls_x509_trust_list_add_trust_file (trust, trust_anchor_file, NULL,
                                                 GNUTLS_X509_FMT_PEM, 0, 0);
  else
    ret = gnutls_x509_trust_list_add_system_trust (trust, 0, 0);
  if (ret <= 0)
    {
      gnutls_x509_trust_list_deinit (trust, 1);
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_NO_TRUST_ANCHOR, "%s: %s",
                            trust_anchor_file != NULL ? trust_anchor_file : "system store",
                            ret < 0 ? gnutls_strerror (ret) : "no certificate");
      return FALSE;
    }

  /* With an explicit time, ours is the only clock that counts. */
  if (now != NULL)
    flags |= GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;
  ret = gnutls_x509_trust_list_verify_crt2 (trust, list, n, NULL, 0, flags, &status, NULL);
  gnutls_x509_trust_list_deinit (trust, 1);
  if (ret < 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "chain verification: %s",
                            gnutls_strerror (ret));
      return FALSE;
    }
  if (status != 0)
    {
      gnutls_datum_t text = { NULL, 0 };
      EnrCryptoError code = ENR_CRYPTO_ERROR_CERT_UNTRUSTED;

      if ((status & ~GNUTLS_CERT_INVALID) == GNUTLS_CERT_EXPIRED)
        code = ENR_CRYPTO_ERROR_CERT_EXPIRED;
      else if ((status & ~GNUTLS_CERT_INVALID) == GNUTLS_CERT_NOT_ACTIVATED)
        code = ENR_CRYPTO_ERROR_CERT_NOT_YET_VALID;
      gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &text, 0);
      enr_crypto_error_set (error, code, "chain: %s", text.data != NULL ? (char *) text.data : "");
      gnutls_free (text.data);
      return FALSE;
    }
  return TRUE;
}

/* Whether @crt names @purpose (an OID) in its extended key usage. */
static gboolean
has_purpose (gnutls_x509_crt_t  crt,
             const char        *purpose)
{
  for (unsigned int i = 0;; i++)
    {
      char oid[128];
      size_t len = sizeof oid;
      int ret = gnutls_x509_crt_get_key_purpose_oid (crt, i, oid, &len, NULL);

      if (ret < 0)
        return FALSE;
      if (g_str_equal (oid, purpose))
        return TRUE;
    }
}

/* Whether a CA of @trust_anchor_file (or the system's) issued @crt
 * itself, with no issuing CA between. */
static gboolean
chain_issuer_is_root (gnutls_x509_crt_t  crt,
                      const char        *trust_anchor_file)
{
  gnutls_x509_trust_list_t trust = NULL;
  gnutls_x509_crt_t issuer = NULL;
  gboolean found;
  int ret;

  if (gnutls_x509_trust_list_init (&trust, 0) < 0)
    return FALSE;
  if (trust_anchor_file != NULL)
    ret = gnutls_x509_trust_list_add_trust_file (trust, trust_anchor_file, NULL,
                                                 GNUTLS_X509_FMT_PEM, 0, 0);
  else
    ret = gnutls_x509_trust_list_add_system_trust (trust, 0, 0);
  found = ret > 0 && gnutls_x509_trust_list_get_issuer (trust, crt, &issuer, 0) >= 0;
  gnutls_x509_trust_list_deinit (trust, 1);
  return found;
}

gboolean
enr_certificate_verify (EnrCertificate  *self,
                        GPtrArray       *chain,
                        const char      *trust_anchor_file,
                        const char      *citizen_id,
                        GDateTime       *now,
                        GError         **error)
{
  g_autofree gnutls_x509_crt_t *list = NULL;
  g_autofree char *expected_uid = NULL;
  unsigned int key_usage = 0;
  unsigned int critical = 0;
  guint n = 1;
  gboolean ok = FALSE;
  int ret;

  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A signing certificate, not a CA that could issue more of them. */
  ret = gnutls_x509_crt_get_basic_constraints (self->crt, &critical, NULL, NULL);
  if (ret > 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_INVALID, "a CA certificate");
      return FALSE;
    }
  /* The subscriber profile (PROTOCOL.md): for signatures that commit the
   * citizen, so nonRepudiation as well as digitalSignature, and for
   * nothing else: a web server's certificate from the same root is never
   * taken for a citizen's. */
  if (gnutls_x509_crt_get_key_usage (self->crt, &key_usage, &critical) < 0 ||
      (key_usage & GNUTLS_KEY_NON_REPUDIATION) == 0 ||
      (key_usage & GNUTLS_KEY_DIGITAL_SIGNATURE) == 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_INVALID, "key usage 0x%x", key_usage);
      return FALSE;
    }
  if (has_purpose (self->crt, GNUTLS_KP_TLS_WWW_SERVER) ||
      has_purpose (self->crt, GNUTLS_KP_TLS_WWW_CLIENT))
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_INVALID, "a TLS certificate");
      return FALSE;
    }

  list = g_new0 (gnutls_x509_crt_t, 1 + (chain != NULL ? chain->len : 0));
  list[0] = self->crt;
  for (guint i = 0; chain != NULL && i < chain->len; i++)
    {
      GBytes *der = g_ptr_array_index (chain, i);
      const guint8 *data;
      gsize len;

      data = g_bytes_get_data (der, &len);
      list[n] = import_crt (data, len, GNUTLS_X509_FMT_DER, error);
      if (list[n] == NULL)
        goto out;
      n++;
    }

  /* Issued by an issuing CA that SmartCA sends with it, which the root
   * certifies: never by a root itself (the sandbox's TLS certificate is). */
  if (n < 2 || !gnutls_x509_crt_check_issuer (list[0], list[1]) ||
      gnutls_x509_crt_check_issuer (list[1], list[1]) ||
      gnutls_x509_crt_get_basic_constraints (list[1], NULL, NULL, NULL) <= 0)
    {
      if (n >= 2 || chain_issuer_is_root (list[0], trust_anchor_file))
        {
          enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_INVALID,
                                "not issued by an issuing CA");
          goto out;
        }
    }
  if (!check_chain (list, n, trust_anchor_file, now, error))
    goto out;
  if (now != NULL)
    {
      for (guint i = 0; i < n; i++)
        {
          if (!check_time (list[i], g_date_time_to_unix (now), error))
            goto out;
        }
    }

  if (citizen_id != NULL)
    {
      expected_uid = g_strconcat ("CCCD:", citizen_id, NULL);
      if (g_strcmp0 (self->uid, expected_uid) != 0)
        {
          /* The UID names a person: log that it differs, not what it is. */
          enr_crypto_error_set (error, ENR_CRYPTO_ERROR_CERT_WRONG_PERSON,
                                "subject UID does not match the citizen ID");
          goto out;
        }
    }
  ok = TRUE;

out:
  for (guint i = 1; i < n; i++)
    gnutls_x509_crt_deinit (list[i]);
  return ok;
}

const char *
enr_certificate_get_country (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->country;
}

const char *
enr_certificate_get_province (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->province;
}

const char *
enr_certificate_get_locality (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->locality;
}

const char *
enr_certificate_get_common_name (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->common_name;
}

const char *
enr_certificate_get_uid (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->uid;
}

const char *
enr_certificate_get_subject (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->subject;
}

const char *
enr_certificate_get_issuer (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->issuer;
}

const char *
enr_certificate_get_issuer_common_name (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->issuer_common_name;
}

const char *
enr_certificate_get_serial (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->serial;
}

GDateTime *
enr_certificate_get_not_before (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->not_before;
}

GDateTime *
enr_certificate_get_not_after (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->not_after;
}

const char *
enr_certificate_get_fingerprint (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->fingerprint;
}

GBytes *
enr_certificate_get_der (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return g_bytes_ref (self->der);
}

char *
enr_certificate_to_pem (EnrCertificate *self)
{
  gnutls_datum_t pem = { NULL, 0 };
  char *text;

  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);

  if (gnutls_x509_crt_export2 (self->crt, GNUTLS_X509_FMT_PEM, &pem) < 0)
    return NULL;
  text = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  return text;
}

GBytes *
enr_certificate_get_public_key (EnrCertificate *self)
{
  gnutls_pubkey_t pubkey = NULL;
  gnutls_datum_t spki = { NULL, 0 };
  GBytes *bytes = NULL;

  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);

  if (gnutls_pubkey_init (&pubkey) >= 0 &&
      gnutls_pubkey_import_x509 (pubkey, self->crt, 0) >= 0 &&
      gnutls_pubkey_export2 (pubkey, GNUTLS_X509_FMT_DER, &spki) >= 0)
    bytes = g_bytes_new (spki.data, spki.size);
  gnutls_free (spki.data);
  if (pubkey != NULL)
    gnutls_pubkey_deinit (pubkey);
  return bytes;
}

gnutls_x509_crt_t
enr_certificate_get_x509 (EnrCertificate *self)
{
  g_return_val_if_fail (ENR_IS_CERTIFICATE (self), NULL);
  return self->crt;
}
