/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pades-sign"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

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
    case ENR_PDF_SIGNATURE_STREAM_TOO_LARGE:
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
  gsize              base;         /* the original's length */
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
  g_autoptr(GMappedFile) mapped = NULL;
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
  /* Mapped while it is read and hashed, then let go: the citizen may
   * take a while over the PIN, and the file is read again to be written. */
  mapped = g_mapped_file_new (path, FALSE, &local);
  if (mapped == NULL)
    {
      g_set_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_IO, "Reading the PDF: %s",
                   local->message);
      return NULL;
    }
  data = (const guint8 *) g_mapped_file_get_contents (mapped);
  len = g_mapped_file_get_length (mapped);
  self->base = len;
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
  return self->base + self->update->len;
}

#define COPY_CHUNK (256 * 1024)

/* Copies the original to @out, hashing what the /ByteRange covers of it
 * and of the update: the digest must be the one that was signed. */
static gboolean
write_all (int            fd,
           const guint8  *data,
           gsize          len,
           GError       **error)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s",
                       g_strerror (saved));
          return FALSE;
        }
      data += n;
      len -= n;
    }
  return TRUE;
}

static gboolean
copy_unchanged (EnrPadesSigning  *self,
                int               out,
                GCancellable     *cancellable,
                GError          **error)
{
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree guint8 *chunk = g_malloc (COPY_CHUNK);
  const gsize *range = self->signature->byte_range;
  gnutls_hash_hd_t hash;
  guint8 digest[ENR_CMS_DIGEST_LENGTH];
  gsize copied = 0;
  gboolean ok = TRUE;

  /* The /Contents lies in the update: the original is all in the first
   * range, and the update's share of it follows. */
  g_assert (range[0] == 0 && range[1] >= self->base);
  in = g_file_read (self->input, cancellable, error);
  if (in == NULL || gnutls_hash_init (&hash, GNUTLS_DIG_SHA256) < 0)
    return FALSE;
  while (ok && copied < self->base)
    {
      gsize n = 0;

      ok = g_input_stream_read_all (G_INPUT_STREAM (in), chunk,
                                    MIN (COPY_CHUNK, self->base - copied), &n, cancellable,
                                    error) &&
           n > 0 &&
           write_all (out, chunk, n, error);
      if (ok)
        gnutls_hash (hash, chunk, n);
      copied += n;
    }
  gnutls_hash (hash, self->update->data, range[1] - self->base);
  gnutls_hash (hash, self->update->data + (range[2] - self->base), range[3]);
  gnutls_hash_deinit (hash, digest);
  if (!ok)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_CHANGED,
                     "The PDF is shorter than when it was prepared");
      return FALSE;
    }
  if (memcmp (digest, self->document_digest, sizeof digest) != 0)
    {
      g_set_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_CHANGED,
                   "The PDF changed after it was prepared");
      return FALSE;
    }
  return TRUE;
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
  g_autoptr(GError) local = NULL;
  g_autofree char *path = NULL;
  g_autofree char *temporary = NULL;
  gboolean ok;
  int fd;
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
  base = self->base;
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

  /* Written beside the target under a temporary name, then renamed over
   * it: a reader never sees half a file, and a failure leaves nothing
   * (g_file_replace() writes a new file in place). The original is copied
   * a chunk at a time and hashed again on the way: a file that changed
   * since it was prepared is not signed. */
  path = g_file_get_path (output);
  if (path == NULL)
    {
      g_set_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_IO,
                   "Only a local file can be written");
      return FALSE;
    }
  temporary = g_strconcat (path, ".XXXXXX", NULL);
  fd = g_mkstemp_full (temporary, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_IO,
                   "Writing the signed PDF: %s", g_strerror (saved));
      return FALSE;
    }
  ok = copy_unchanged (self, fd, cancellable, &local) &&
       write_all (fd, self->update->data, self->update->len, &local);
  if (ok && fsync (fd) != 0)
    {
      int saved = errno;

      g_set_error (&local, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      ok = FALSE;
    }
  if (close (fd) != 0 && ok)
    {
      int saved = errno;

      g_set_error (&local, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      ok = FALSE;
    }
  if (ok && g_rename (temporary, path) != 0)
    {
      int saved = errno;

      g_set_error (&local, G_IO_ERROR, g_io_error_from_errno (saved), "%s", g_strerror (saved));
      ok = FALSE;
    }
  if (ok)
    return TRUE;
  g_unlink (temporary);

  if (g_error_matches (local, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_CHANGED))
    g_propagate_error (error, g_steal_pointer (&local));
  else
    g_set_error (error, ENR_PADES_SIGN_ERROR, ENR_PADES_SIGN_ERROR_IO,
                 "Writing the signed PDF: %s", local->message);
  return FALSE;
}
