/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-pdf-signature.h"

G_BEGIN_DECLS

/*
 * An object stream (ISO 32000-1 §7.5.7), decoded: the objects of a PDF 1.5
 * file that are not streams, compressed together. Its data begin with @n
 * pairs "number offset"; object k's value starts at @first plus its
 * offset. For enr-pdf-xref.c, which finds a compressed object through it.
 */
typedef struct _EnrPdfObjectStream EnrPdfObjectStream;

/* Reads the pairs of @decoded (the stream's /N and /First given); keeps a
 * reference to @decoded. */
EnrPdfSignatureStatus enr_pdf_object_stream_new  (GBytes                    *decoded,
                                                  gsize                      n,
                                                  gsize                      first,
                                                  EnrPdfObjectStream       **stream);
void                  enr_pdf_object_stream_free (EnrPdfObjectStream        *stream);

/* Where object @number's value is: the @index-th of the stream, as the
 * cross-reference entry says (or, if that one is another object's, the one
 * the pairs give @number). @data and @len are the decoded stream's. */
gboolean              enr_pdf_object_stream_find (const EnrPdfObjectStream  *stream,
                                                  gsize                      number,
                                                  gsize                      index,
                                                  const guint8             **data,
                                                  gsize                     *len,
                                                  gsize                     *body);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrPdfObjectStream, enr_pdf_object_stream_free)

G_END_DECLS
