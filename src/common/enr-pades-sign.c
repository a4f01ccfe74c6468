/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pades-sign"

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>

#include "enr-cms.h"
#include "enr-pades-sign.h"
#include "enr-pdf-signature-writer.h"

G_DEFINE_QUARK (enr-pades-sign-error-quark, enr_pades_sign_error)

/* Room for the CMS: the signer's certificate and chain (a few KiB), the
 * signature, and a time-stamp token with the TSA's certificate. */
#define B_T_CAPACITY 24576

gboolean
enr_pades_sign_set_status_error (GError                **error,
                                 EnrPdfSignatureStatus   status)
{
  EnrPadesSignError code;

  switch (status)
    {
    case ENR_PDF_SIGNATURE_NOT_PDF:
      code = ENR_PADES_SIGN_ERROR_NOT_PDF;
      break;
    case ENR_PDF_SIGNATURE_ENCRYPTED:
      code = ENR_PADES_SIGN_ERROR_ENCRYPTED;
      break;
    case ENR_PDF_SIGNATURE_UNSUPPORTED:
      code = ENR_PADES_SIGN_ERROR_UNSUPPORTED;
      break;
    case ENR_PDF_SIGNATURE_BAD_PLACEMENT:
      code = ENR_PADES_SIGN_ERROR_BAD_PLACEMENT;
      break;
    case ENR_PDF_SIGNATURE_OK:
    case ENR_PDF_SIGNATURE_MALFORMED:
    case ENR_PDF_SIGNATURE_NO_SIGNATURE:
    case ENR_PDF_SIGNATURE_NOT_WHOLE_FILE:
    case ENR_PDF_SIGNATURE_TOO_LARGE:
    default:
      code = ENR_PADES_SIGN_ERROR_DAMAGED;
      break;
    }
  g_set_error (error, ENR_PADES_SIGN_ERROR, code, "The PDF cannot be signed: %s",
               enr_pdf_signature_status_to_string (status));
  return FALSE;
}

/* Hashes whole[start] up to whole[start + len], whole being @head then @tail. */
static void
hash_span (gnutls_hash_hd_t  hash,
           const guint8     *head,
           gsize             head_len,
           const guint8     *tail,
           gsize             start,
           gsize             len)
{
  if (start < head_len)
    {
      gsize n = MIN (len, head_len - start);

      gnutls_hash (hash, head + start, n);
      start += n;
      len -= n;
    }
  if (len > 0)
    gnutls_hash (hash, tail + (start - head_len), len);
}

gboolean
enr_pades_digest_ranges (const guint8 *head,
                         gsize         head_len,
                         const guint8 *tail,
                         gsize         tail_len,
                         const gsize   range[4],
                         guint8        digest[ENR_CMS_DIGEST_LENGTH])
{
  gnutls_hash_hd_t hash;
  gsize total = head_len + tail_len;

  if (range[0] > total || range[1] > total - range[0] || range[2] > total ||
      range[3] > total - range[2] || gnutls_hash_init (&hash, GNUTLS_DIG_SHA256) < 0)
    return FALSE;
  hash_span (hash, head, head_len, tail, range[0], range[1]);
  hash_span (hash, head, head_len, tail, range[2], range[3]);
  gnutls_hash_deinit (hash, digest);
  return TRUE;
}

GBytes *
enr_pades_sign (GBytes                   *prepared,
                const EnrPdfSignature    *signature,
                gnutls_x509_crt_t         signer,
                const gnutls_x509_crt_t  *chain,
                guint                     chain_len,
                gnutls_privkey_t          key,
                GError                  **error)
{
  g_autoptr(GBytes) cms = NULL;
  EnrPdfSignatureStatus status;
  guint8 digest[ENR_CMS_DIGEST_LENGTH];
  guint8 *signed_pdf;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (prepared != NULL && signature != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (prepared, &len);
  if (!enr_pades_digest_ranges (data, len, NULL, 0, signature->byte_range, digest))
    {
      g_set_error_literal (error, ENR_CMS_ERROR, ENR_CMS_ERROR_PLACEHOLDER,
                           "The /ByteRange lies outside the file");
      return NULL;
    }
  cms = enr_cms_sign_digest (digest, signer, chain, chain_len, key, NULL, error);
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

struct _EnrPadesSigning
{
  GFile             *input;
  GMappedFile       *mapped;       /* the original, held once */
  GByteArray        *update;       /* the incremental update, placeholder and all */
  EnrPdfSignature   *signature;    /* offsets in the whole signed file */
  gnutls_x509_crt_t  signer;
  guint8             document_digest[ENR_CMS_DIGEST_LENGTH];
  guint8             hash[ENR_CMS_DIGEST_LENGTH];
};

void
enr_pades_signing_free (EnrPadesSigning *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->input);
  g_clear_pointer (&self->mapped, g_mapped_file_unref);
  g_clear_pointer (&self->update, g_byte_array_unref);
  g_clear_pointer (&self->signature, enr_pdf_signature_free);
  if (self->signer != NULL)
    gnutls_x509_crt_deinit (self->signer);
  g_free (self);
}

static gboolean
copy_certificate (gnutls_x509_crt_t   from,
                  gnutls_x509_crt_t  *to,
                  GError            **error)
{
  gnutls_datum_t der = { NULL, 0 };
  int ret;

  ret = gnutls_x509_crt_export2 (from, GNUTLS_X509_FMT_DER, &der);
  if (ret >= 0)
    ret = gnutls_x509_crt_init (to);
  if (ret >= 0)
    ret = gnutls_x509_crt_import (*to, &der, GNUTLS_X509_FMT_DER);
  gnutls_free (der.data);
  if (ret < 0)
    {
      g_set_error (error, ENR_CMS_ERROR, ENR_CMS_ERROR_FAILED, "The signer's certificate: %s",
                   gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

EnrPadesSigning *
enr_pades_signing_new (GFile                       *input,
                       const EnrPdfSignatureParams *params,
                       gnutls_x509_crt_t            signer,
                       GError                     **error)
{
  g_autoptr(EnrPadesSigning) self = g_new0 (EnrPadesSigning, 1);
  g_autoptr(GBytes) update = NULL;
  g_autoptr(GBytes) attributes = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local = NULL;
  EnrPdfSignatureParams with_room;
  EnrPdfSignatureStatus status;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (G_IS_FILE (input) && params != NULL && signer != NULL, NULL);

  self->input = g_object_ref (input);
  path = g_file_get_path (input);
  if (path == NULL)
    {
      g_set_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_IO,
                   "Only a local file can be signed");
      return NULL;
    }
  self->mapped = g_mapped_file_new (path, FALSE, &local);
  if (self->mapped == NULL)
    {
      g_set_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_IO, "Reading the PDF: %s",
                   local->message);
      return NULL;
    }
  data = (const guint8 *) g_mapped_file_get_contents (self->mapped);
  len = g_mapped_file_get_length (self->mapped);
  if (data == NULL)
    return enr_pades_sign_set_status_error (error, ENR_PDF_SIGNATURE_NOT_PDF), NULL;

  with_room = *params;
  if (with_room.contents_capacity == 0)
    with_room.contents_capacity = B_T_CAPACITY;
  status = enr_pdf_signature_prepare_update (data, len, &with_room, &update, &self->signature);
  if (status != ENR_PDF_SIGNATURE_OK)
    {
      enr_pades_sign_set_status_error (error, status);
      return NULL;
    }
  self->update = g_bytes_unref_to_array (g_steal_pointer (&update));
  if (!enr_pades_digest_ranges (data, len, self->update->data, self->update->len,
                                self->signature->byte_range, self->document_digest))
    {
      g_set_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_DAMAGED,
                   "The /ByteRange lies outside the file");
      return NULL;
    }
  if (!copy_certificate (signer, &self->signer, error))
    return NULL;
  attributes = enr_cms_signed_attributes (self->document_digest, self->signer, error);
  if (attributes == NULL)
    return NULL;
  gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (attributes, NULL),
                    g_bytes_get_size (attributes), self->hash);
  return g_steal_pointer (&self);
}

const guint8 *
enr_pades_signing_get_hash (EnrPadesSigning *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->hash;
}

const guint8 *
enr_pades_signing_get_document_digest (EnrPadesSigning *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->document_digest;
}

gsize
enr_pades_signing_get_size (EnrPadesSigning *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return g_mapped_file_get_length (self->mapped) + self->update->len;
}

gboolean
enr_pades_signing_write (EnrPadesSigning          *self,
                         GBytes                   *signature,
                         const gnutls_x509_crt_t  *chain,
                         guint                     chain_len,
                         GBytes                   *timestamp_token,
                         GFile                    *output,
                         GCancellable             *cancellable,
                         GError                  **error)
{
  g_autoptr(GBytes) cms = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) local = NULL;
  gsize base;
  EnrPdfSignature in_update;
  EnrPdfSignatureStatus status;

  g_return_val_if_fail (self != NULL && signature != NULL && G_IS_FILE (output), FALSE);

  if (g_file_equal (output, self->input))
    {
      g_set_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_IO,
                   "The signed file must not replace the original");
      return FALSE;
    }
  cms = enr_cms_assemble (self->document_digest, self->signer, chain, chain_len, signature,
                          timestamp_token, error);
  if (cms == NULL)
    return FALSE;

  /* The placeholder lies in the update: fill it there. */
  base = g_mapped_file_get_length (self->mapped);
  in_update = *self->signature;
  in_update.contents_offset -= base;
  status = enr_pdf_signature_fill (self->update->data, self->update->len, &in_update,
                                   g_bytes_get_data (cms, NULL), g_bytes_get_size (cms));
  if (status != ENR_PDF_SIGNATURE_OK)
    {
      g_set_error (error, ENR_CMS_ERROR, ENR_CMS_ERROR_PLACEHOLDER, "Filling the signature: %s",
                   enr_pdf_signature_status_to_string (status));
      return FALSE;
    }

  /* g_file_replace() writes beside the target and renames on close: a
   * reader never sees half a file. A failure closes it cancelled, which
   * removes what was written. */
  stream = g_file_replace (output, NULL, FALSE, G_FILE_CREATE_NONE, cancellable, &local);
  if (stream != NULL &&
      g_output_stream_write_all (G_OUTPUT_STREAM (stream),
                                 g_mapped_file_get_contents (self->mapped), base, NULL,
                                 cancellable, &local) &&
      g_output_stream_write_all (G_OUTPUT_STREAM (stream), self->update->data,
                                 self->update->len, NULL, cancellable, &local) &&
      g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, &local))
    return TRUE;

  if (stream != NULL && !g_output_stream_is_closed (G_OUTPUT_STREAM (stream)))
    {
      g_autoptr(GCancellable) abandon = g_cancellable_new ();

      g_cancellable_cancel (abandon);
      g_output_stream_close (G_OUTPUT_STREAM (stream), abandon, NULL);
    }
  g_set_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_IO, "Writing the signed PDF: %s",
               local->message);
  return FALSE;
}
