/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-pdf-signature.h"

G_BEGIN_DECLS

/*
 * The writing side of a PAdES signature, without any cryptography: append
 * to a PDF the incremental update (ISO 32000-1 §7.5.6) that holds a
 * signature dictionary with a final /ByteRange and a zero-filled /Contents
 * placeholder, then fill the placeholder with a CMS. The original bytes
 * stay as they are.
 *
 * Only files with classic cross-reference tables can be prepared (cairo
 * writes those).
 */

/* What the signature dictionary of a new signature says. */
typedef struct
{
  GDateTime  *signing_time;        /* /M; required */
  const char *signer_name;         /* /Name, UTF-8, nullable */
  const char *reason;              /* /Reason, UTF-8, nullable */
  const char *location;            /* /Location, UTF-8, nullable */
  gsize       contents_capacity;   /* bytes of DER the placeholder holds; 0: 16 KiB */
} EnrPdfSignatureParams;

/* An invisible signature field on the first page, its signature
 * dictionary and the updated catalog and page, after @pdf. The caller
 * hashes what @signature's /ByteRange covers and fills the placeholder. */
EnrPdfSignatureStatus enr_pdf_signature_prepare (const guint8                *pdf,
                                                 gsize                        pdf_len,
                                                 const EnrPdfSignatureParams *params,
                                                 GBytes                     **prepared,
                                                 EnrPdfSignature            **signature);
/* Writes @cms, hex-encoded and zero-padded, into @signature's /Contents in
 * @pdf: the length and every other byte stay the same. */
EnrPdfSignatureStatus enr_pdf_signature_fill    (guint8                      *pdf,
                                                 gsize                        pdf_len,
                                                 const EnrPdfSignature       *signature,
                                                 const guint8                *cms,
                                                 gsize                        cms_len);

G_END_DECLS
