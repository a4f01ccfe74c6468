/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-pdf-lexer.h"
#include "enr-pdf-signature.h"

G_BEGIN_DECLS

/*
 * A stream's data decoded (ISO 32000-1 §7.4): no filter, or FlateDecode
 * (zlib), with the PNG predictors of §7.4.4.4 (None, Sub, Up, Average,
 * Paeth): what the cross-reference and object streams of a PDF 1.5 file
 * are written with. Other filters and the TIFF predictor are
 * ENR_PDF_SIGNATURE_UNSUPPORTED. For the PDF code of src/common, which
 * reads such streams to find a file's objects; it trusts nothing it reads.
 */

/* What one document may decode in all: ENR_PDF_STREAM_FACTOR times its
 * size, at least ENR_PDF_STREAM_MIN_LIMIT, never more than
 * ENR_PDF_STREAM_MAX_LIMIT. Object streams hold a file's small objects
 * (never its pages' content or pictures), a few times their compressed
 * size: a stream that inflates past this is a decompression bomb. */
#define ENR_PDF_STREAM_FACTOR    32
#define ENR_PDF_STREAM_MIN_LIMIT (4 * 1024 * 1024)
#define ENR_PDF_STREAM_MAX_LIMIT (256 * 1024 * 1024)

/* The limit above for a file of @file_len bytes. */
gsize                 enr_pdf_stream_limit  (gsize              file_len);

/*
 * Decodes @data (the @len bytes between "stream" and "endstream") as the
 * stream dictionary @dict says. The result never exceeds @limit bytes: a
 * stream that would is ENR_PDF_SIGNATURE_STREAM_TOO_LARGE, and nothing past
 * the limit is ever held. Damaged data are ENR_PDF_SIGNATURE_MALFORMED.
 */
EnrPdfSignatureStatus enr_pdf_stream_decode (const EnrPdfDict  *dict,
                                             const guint8      *data,
                                             gsize              len,
                                             gsize              limit,
                                             GBytes           **decoded);

G_END_DECLS
