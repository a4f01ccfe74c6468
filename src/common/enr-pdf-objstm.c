/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-objstm"

#include "config.h"

#include "enr-pdf-lexer.h"
#include "enr-pdf-objstm.h"

struct _EnrPdfObjectStream
{
  GBytes *decoded;
  GArray *pairs;     /* of gsize pairs: number, where its value starts */
};

void
enr_pdf_object_stream_free (EnrPdfObjectStream *stream)
{
  if (stream == NULL)
    return;
  g_bytes_unref (stream->decoded);
  g_array_unref (stream->pairs);
  g_free (stream);
}

EnrPdfSignatureStatus
enr_pdf_object_stream_new (GBytes              *decoded,
                           gsize                n,
                           gsize                first,
                           EnrPdfObjectStream **stream)
{
  g_autoptr(EnrPdfObjectStream) self = g_new0 (EnrPdfObjectStream, 1);
  gsize len;
  const guint8 *data = g_bytes_get_data (decoded, &len);
  EnrPdfLexer lx = { data, MIN (first, len), 0 };

  g_return_val_if_fail (stream != NULL && *stream == NULL, ENR_PDF_SIGNATURE_MALFORMED);

  self->decoded = g_bytes_ref (decoded);
  self->pairs = g_array_new (FALSE, FALSE, 2 * sizeof (gsize));
  /* Each pair takes four bytes at least ("1 0 "). */
  if (first > len || n > first / 4 + 1)
    return ENR_PDF_SIGNATURE_MALFORMED;
  for (gsize i = 0; i < n; i++)
    {
      gsize pair[2];

      if (!enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &pair[0]) ||
          !enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &pair[1]) ||
          pair[1] >= len - first)
        return ENR_PDF_SIGNATURE_MALFORMED;
      pair[1] += first;
      g_array_append_vals (self->pairs, pair, 1);
    }
  *stream = g_steal_pointer (&self);
  return ENR_PDF_SIGNATURE_OK;
}

gboolean
enr_pdf_object_stream_find (const EnrPdfObjectStream  *stream,
                            gsize                      number,
                            gsize                      index,
                            const guint8             **data,
                            gsize                     *len,
                            gsize                     *body)
{
  const gsize *pairs = (const gsize *) stream->pairs->data;
  gsize found = G_MAXSIZE;

  if (index < stream->pairs->len && pairs[2 * index] == number)
    found = index;
  for (guint i = 0; found == G_MAXSIZE && i < stream->pairs->len; i++)
    {
      if (pairs[2 * i] == number)
        found = i;
    }
  if (found == G_MAXSIZE)
    return FALSE;
  *data = g_bytes_get_data (stream->decoded, len);
  *body = pairs[2 * found + 1];
  /* The objects are not closed by "endobj": one ends where the next
   * begins, so that a number is never read with its neighbours as "N G R". */
  for (guint i = 0; i < stream->pairs->len; i++)
    {
      if (pairs[2 * i + 1] > *body && pairs[2 * i + 1] < *len)
        *len = pairs[2 * i + 1];
    }
  return TRUE;
}
