/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pades"

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>

#include "enr-cms.h"
#include "enr-crypto-error.h"
#include "enr-pades.h"

void
enr_pades_report_free (EnrPadesReport *report)
{
  if (report == NULL)
    return;
  g_clear_object (&report->signer);
  g_free (report->signer_name);
  g_clear_pointer (&report->signing_time, g_date_time_unref);
  g_free (report);
}

GBytes *
enr_pades_covered_bytes (GBytes                *pdf,
                         const EnrPdfSignature *signature,
                         GError               **error)
{
  const guint8 *data;
  gsize len;
  GBytes *covered;

  g_return_val_if_fail (pdf != NULL && signature != NULL, NULL);

  data = g_bytes_get_data (pdf, &len);
  covered = enr_pdf_signature_covered_bytes (data, len, signature);
  if (covered == NULL)
    enr_crypto_error_set (error, ENR_CRYPTO_ERROR_PDF_MODIFIED, "ByteRange outside the file");
  return covered;
}

gboolean
enr_pades_digest (GBytes                *pdf,
                  const EnrPdfSignature *signature,
                  guint8                 digest[ENR_PADES_DIGEST_LENGTH],
                  GError               **error)
{
  g_autoptr(GBytes) covered = enr_pades_covered_bytes (pdf, signature, error);
  int ret;

  if (covered == NULL)
    return FALSE;
  ret = gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (covered, NULL),
                          g_bytes_get_size (covered), digest);
  if (ret < 0)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_FAILED, "SHA-256: %s", gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

/* The value of the signed attribute @oid, decoded from its OCTET STRING
 * when @octet_string; NULL when absent. */
static GBytes *
signed_attribute (gnutls_pkcs7_attrs_t  attrs,
                  const char           *wanted,
                  gboolean              octet_string)
{
  for (unsigned i = 0;; i++)
    {
      char *oid = NULL;
      gnutls_datum_t value = { NULL, 0 };
      GBytes *bytes = NULL;
      int ret;

      ret = gnutls_pkcs7_get_attr (attrs, i, &oid, &value,
                                   octet_string ? GNUTLS_PKCS7_ATTR_ENCODE_OCTET_STRING : 0);
      if (ret < 0)
        return NULL;
      if (g_strcmp0 (oid, wanted) == 0)
        bytes = g_bytes_new (value.data, value.size);
      gnutls_free (value.data);
      if (bytes != NULL)
        return bytes;
    }
}

/* Every certificate in the CMS but the signer's, as DER, for the chain. */
static GPtrArray *
embedded_chain (gnutls_pkcs7_t  pkcs7,
                EnrCertificate *signer)
{
  g_autoptr(GBytes) signer_der = enr_certificate_get_der (signer);
  GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  int count = gnutls_pkcs7_get_crt_count (pkcs7);

  for (int i = 0; i < count; i++)
    {
      gnutls_datum_t der = { NULL, 0 };
      GBytes *bytes;

      if (gnutls_pkcs7_get_crt_raw2 (pkcs7, i, &der) < 0)
        continue;
      bytes = g_bytes_new (der.data, der.size);
      gnutls_free (der.data);
      if (g_bytes_equal (bytes, signer_der))
        g_bytes_unref (bytes);
      else
        g_ptr_array_add (chain, bytes);
    }
  return chain;
}

/* The certificate in the CMS that the signer info names. */
static EnrCertificate *
find_signer (gnutls_pkcs7_t                        pkcs7,
             const gnutls_pkcs7_signature_info_st *info)
{
  int count = gnutls_pkcs7_get_crt_count (pkcs7);

  for (int i = 0; i < count; i++)
    {
      g_autoptr(EnrCertificate) cert = NULL;
      g_autoptr(GBytes) der_bytes = NULL;
      gnutls_datum_t der = { NULL, 0 };
      gnutls_datum_t issuer = { NULL, 0 };
      guint8 serial[64];
      size_t serial_len = sizeof serial;
      gboolean match;

      if (gnutls_pkcs7_get_crt_raw2 (pkcs7, i, &der) < 0)
        continue;
      der_bytes = g_bytes_new (der.data, der.size);
      gnutls_free (der.data);
      cert = enr_certificate_new_from_der (der_bytes, NULL);
      if (cert == NULL ||
          gnutls_x509_crt_get_serial (enr_certificate_get_x509 (cert), serial, &serial_len) < 0 ||
          gnutls_x509_crt_get_raw_issuer_dn (enr_certificate_get_x509 (cert), &issuer) < 0)
        continue;
      match = serial_len == info->signer_serial.size &&
              memcmp (serial, info->signer_serial.data, serial_len) == 0 &&
              issuer.size == info->issuer_dn.size &&
              memcmp (issuer.data, info->issuer_dn.data, issuer.size) == 0;
      gnutls_free (issuer.data);
      if (match)
        return g_steal_pointer (&cert);
    }
  return NULL;
}

static gboolean
map_locate_status (EnrPdfSignatureStatus   status,
                   GError                **error)
{
  switch (status)
    {
    case ENR_PDF_SIGNATURE_OK:
      return TRUE;
    case ENR_PDF_SIGNATURE_NO_SIGNATURE:
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_PDF_NOT_SIGNED, "no /ByteRange");
      return FALSE;
    case ENR_PDF_SIGNATURE_NOT_WHOLE_FILE:
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_PDF_MODIFIED, "%s",
                            enr_pdf_signature_status_to_string (status));
      return FALSE;
    case ENR_PDF_SIGNATURE_NOT_PDF:
    case ENR_PDF_SIGNATURE_MALFORMED:
    case ENR_PDF_SIGNATURE_UNSUPPORTED:
    case ENR_PDF_SIGNATURE_TOO_LARGE:
    default:
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_PDF_MALFORMED, "%s",
                            enr_pdf_signature_status_to_string (status));
      return FALSE;
    }
}

EnrPadesReport *
enr_pades_verify (GBytes          *pdf,
                  const guint8    *approved_hash,
                  EnrCertificate  *expected_signer,
                  const char      *trust_anchor_file,
                  GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(EnrPdfSignature) sig = NULL;
  g_autoptr(EnrPadesReport) report = NULL;
  g_autoptr(GBytes) covered = NULL;
  g_autoptr(GBytes) ess = NULL;
  g_autoptr(GBytes) signer_der = NULL;
  g_autoptr(GBytes) expected_der = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  gnutls_pkcs7_t pkcs7 = NULL;
  gnutls_pkcs7_signature_info_st info;
  gboolean have_info = FALSE;
  gnutls_datum_t cms;
  gnutls_datum_t covered_datum;
  guint8 message_digest[ENR_PADES_DIGEST_LENGTH];
  guint8 ess_hash[32];
  guint8 signer_hash[32];
  size_t signer_hash_len = sizeof signer_hash;
  gsize len;
  const guint8 *data;
  int ret;

  g_return_val_if_fail (pdf != NULL, NULL);
  g_return_val_if_fail (expected_signer == NULL || ENR_IS_CERTIFICATE (expected_signer), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (pdf, &len);
  if (!map_locate_status (enr_pdf_signature_locate (data, len, &sig), &local_error))
    goto out;
  if (g_strcmp0 (sig->sub_filter, "ETSI.CAdES.detached") != 0)
    {
      enr_crypto_error_set (&local_error, ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE, "SubFilter %s",
                            sig->sub_filter != NULL ? sig->sub_filter : "(none)");
      goto out;
    }

  report = g_new0 (EnrPadesReport, 1);
  covered = enr_pades_covered_bytes (pdf, sig, &local_error);
  if (covered == NULL)
    goto out;
  gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (covered, NULL),
                    g_bytes_get_size (covered), report->digest);

  cms.data = (unsigned char *) g_bytes_get_data (sig->contents, NULL);
  cms.size = g_bytes_get_size (sig->contents);
  if ((ret = gnutls_pkcs7_init (&pkcs7)) < 0 ||
      (ret = gnutls_pkcs7_import (pkcs7, &cms, GNUTLS_X509_FMT_DER)) < 0)
    {
      enr_crypto_error_set (&local_error, ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE, "CMS import: %s",
                            gnutls_strerror (ret));
      goto out;
    }
  if (gnutls_pkcs7_get_signature_count (pkcs7) != 1 ||
      gnutls_pkcs7_get_signature_info (pkcs7, 0, &info) < 0)
    {
      enr_crypto_error_set (&local_error, ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE,
                            "not exactly one signer");
      goto out;
    }
  have_info = TRUE;

  /* What the signer signed is what the file holds: a digest that differs
   * is a changed document, which the citizen must hear as such. */
  if (info.algo != GNUTLS_SIGN_RSA_SHA256 ||
      !enr_cms_get_message_digest (cms.data, cms.size, message_digest, sizeof message_digest))
    {
      enr_crypto_error_set (&local_error, ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE,
                            "no SHA-256 message-digest (algorithm %d)", info.algo);
      goto out;
    }
  if (memcmp (message_digest, report->digest, ENR_PADES_DIGEST_LENGTH) != 0)
    {
      enr_crypto_error_set (&local_error, ENR_CRYPTO_ERROR_PDF_MODIFIED,
                            "the covered bytes do not match the signed digest");
      goto out;
    }

  report->signer = find_signer (pkcs7, &info);
  if (report->signer == NULL)
    {
      enr_crypto_error_set (&local_error, ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE,
                            "the signer's certificate is not in the CMS");
      goto out;
    }

  /* First the signature, by the certificate it names; then whether that
   * certificate is trusted: a forgery and an unknown CA are told apart. */
  covered_datum.data = (unsigned char *) g_bytes_get_data (covered, NULL);
  covered_datum.size = g_bytes_get_size (covered);
  ret = gnutls_pkcs7_verify_direct (pkcs7, enr_certificate_get_x509 (report->signer), 0,
                                    &covered_datum, 0);
  if (ret < 0)
    {
      enr_crypto_error_set (&local_error, ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE,
                            "CMS signature: %s", gnutls_strerror (ret));
      goto out;
    }
  chain = embedded_chain (pkcs7, report->signer);
  if (!enr_certificate_verify (report->signer, chain, trust_anchor_file, NULL, NULL,
                               &local_error))
    goto out;

  /* PAdES binds the signer's certificate into what is signed. */
  ess = signed_attribute (info.signed_attrs, ENR_CMS_OID_SIGNING_CERTIFICATE_V2, FALSE);
  if (ess == NULL ||
      !enr_cms_parse_signing_certificate_v2 (g_bytes_get_data (ess, NULL),
                                             g_bytes_get_size (ess), ess_hash) ||
      gnutls_x509_crt_get_fingerprint (enr_certificate_get_x509 (report->signer),
                                       GNUTLS_DIG_SHA256, signer_hash, &signer_hash_len) < 0 ||
      memcmp (ess_hash, signer_hash, sizeof signer_hash) != 0)
    {
      enr_crypto_error_set (&local_error, ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE,
                            "no signing-certificate-v2 naming the signer");
      goto out;
    }

  if (expected_signer != NULL)
    {
      signer_der = enr_certificate_get_der (report->signer);
      expected_der = enr_certificate_get_der (expected_signer);
      if (!g_bytes_equal (signer_der, expected_der))
        {
          enr_crypto_error_set (&local_error, ENR_CRYPTO_ERROR_PDF_WRONG_SIGNER,
                                "signed by another certificate");
          goto out;
        }
    }

  if (approved_hash != NULL &&
      memcmp (approved_hash, report->digest, ENR_PADES_DIGEST_LENGTH) != 0)
    {
      enr_crypto_error_set (&local_error, ENR_CRYPTO_ERROR_PDF_WRONG_DOCUMENT,
                            "the signed digest is not the approved hash");
      goto out;
    }

  report->signer_name = g_strdup (enr_certificate_get_common_name (report->signer));
  report->signing_time = enr_pdf_signature_parse_date (sig->signing_time);

out:
  if (have_info)
    gnutls_pkcs7_signature_info_deinit (&info);
  if (pkcs7 != NULL)
    gnutls_pkcs7_deinit (pkcs7);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&report);
}

typedef struct
{
  GBytes         *pdf;
  guint8          approved_hash[ENR_PADES_DIGEST_LENGTH];
  gboolean        have_hash;
  EnrCertificate *expected_signer;
  char           *trust_anchor_file;
} VerifyData;

static void
verify_data_free (gpointer user_data)
{
  VerifyData *data = user_data;

  g_bytes_unref (data->pdf);
  g_clear_object (&data->expected_signer);
  g_free (data->trust_anchor_file);
  g_free (data);
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VerifyData *data = task_data;
  GError *error = NULL;
  EnrPadesReport *report;

  report = enr_pades_verify (data->pdf, data->have_hash ? data->approved_hash : NULL,
                             data->expected_signer, data->trust_anchor_file, &error);
  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) enr_pades_report_free);
}

void
enr_pades_verify_async (GBytes              *pdf,
                        const guint8        *approved_hash,
                        EnrCertificate      *expected_signer,
                        const char          *trust_anchor_file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  VerifyData *data;

  g_return_if_fail (pdf != NULL);
  g_return_if_fail (expected_signer == NULL || ENR_IS_CERTIFICATE (expected_signer));

  data = g_new0 (VerifyData, 1);
  data->pdf = g_bytes_ref (pdf);
  if (approved_hash != NULL)
    {
      memcpy (data->approved_hash, approved_hash, ENR_PADES_DIGEST_LENGTH);
      data->have_hash = TRUE;
    }
  data->expected_signer = expected_signer != NULL ? g_object_ref (expected_signer) : NULL;
  data->trust_anchor_file = g_strdup (trust_anchor_file);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_pades_verify_async);
  g_task_set_task_data (task, data, verify_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, verify_thread);
}

EnrPadesReport *
enr_pades_verify_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enr_pades_verify_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
