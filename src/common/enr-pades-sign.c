/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pades-sign"

#include "config.h"

#include "enr-cms.h"
#include "enr-pades-sign.h"
#include "enr-pdf-signature-writer.h"

GBytes *
enr_pades_sign (GBytes                   *prepared,
                const EnrPdfSignature    *signature,
                gnutls_x509_crt_t         signer,
                const gnutls_x509_crt_t  *chain,
                guint                     chain_len,
                gnutls_privkey_t          key,
                GError                  **error)
{
  g_autoptr(GBytes) covered = NULL;
  g_autoptr(GBytes) cms = NULL;
  EnrPdfSignatureStatus status;
  guint8 *signed_pdf;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (prepared != NULL && signature != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (prepared, &len);
  covered = enr_pdf_signature_covered_bytes (data, len, signature);
  if (covered == NULL)
    {
      g_set_error_literal (error, ENR_CMS_ERROR, ENR_CMS_ERROR_PLACEHOLDER,
                           "The /ByteRange lies outside the file");
      return NULL;
    }
  cms = enr_cms_sign_detached (g_bytes_get_data (covered, NULL), g_bytes_get_size (covered),
                               signer, chain, chain_len, key, error);
  if (cms == NULL)
    return NULL;

  signed_pdf = g_memdup2 (data, len);
  status = enr_pdf_signature_fill (signed_pdf, len, signature, g_bytes_get_data (cms, NULL),
                                   g_bytes_get_size (cms));
  if (status != ENR_PDF_SIGNATURE_OK)
    {
      g_free (signed_pdf);
      g_set_error (error, ENR_CMS_ERROR, ENR_CMS_ERROR_PLACEHOLDER, "Filling the signature: %s",
                   enr_pdf_signature_status_to_string (status));
      return NULL;
    }
  return g_bytes_new_take (signed_pdf, len);
}
