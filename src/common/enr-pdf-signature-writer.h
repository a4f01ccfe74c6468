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

/* Where a visible signature stands, and what it shows. */
typedef struct
{
  guint         page;             /* 0 for the first */
  double        rect[4];          /* x1 y1 x2 y2, in the page's default user space */
  const guint8 *appearance;       /* a PDF whose first page is drawn in the box */
  gsize         appearance_len;   /* (enr-pdf-appearance.h draws one) */
} EnrPdfSignatureWidget;

/* What the signature dictionary of a new signature says. */
typedef struct
{
  GDateTime  *signing_time;        /* /M; required */
  const char *signer_name;         /* /Name, UTF-8, nullable */
  const char *reason;              /* /Reason, UTF-8, nullable */
  const char *location;            /* /Location, UTF-8, nullable */
  gsize       contents_capacity;   /* bytes of DER the placeholder holds; 0: 16 KiB */
  const EnrPdfSignatureWidget *widget;  /* NULL: invisible, on the first page */
} EnrPdfSignatureParams;

/* The most pages a document to sign may have. */
#define ENR_PDF_MAX_PAGES 100000

/* A signature field (invisible, or @params->widget), its signature
 * dictionary and the updated catalog and page, after @pdf. The caller
 * hashes what @signature's /ByteRange covers and fills the placeholder. */
EnrPdfSignatureStatus enr_pdf_signature_prepare (const guint8                *pdf,
                                                 gsize                        pdf_len,
                                                 const EnrPdfSignatureParams *params,
                                                 GBytes                     **prepared,
                                                 EnrPdfSignature            **signature);
/* The same, but only the update is returned: the prepared file is @pdf
 * followed by @update, and @signature's offsets are in that whole. For a
 * large file, which is never copied. */
EnrPdfSignatureStatus enr_pdf_signature_prepare_update (const guint8                *pdf,
                                                        gsize                        pdf_len,
                                                        const EnrPdfSignatureParams *params,
                                                        GBytes                     **update,
                                                        EnrPdfSignature            **signature);

/* How many pages @pdf has and the size of page @page (its /MediaBox), for
 * placing a signature. */
EnrPdfSignatureStatus enr_pdf_signature_page_info (const guint8 *pdf,
                                                   gsize         pdf_len,
                                                   guint         page,
                                                   guint        *n_pages,
                                                   double        box[4]);
/* Writes @cms, hex-encoded and zero-padded, into @signature's /Contents in
 * @pdf: the length and every other byte stay the same. */
EnrPdfSignatureStatus enr_pdf_signature_fill    (guint8                      *pdf,
                                                 gsize                        pdf_len,
                                                 const EnrPdfSignature       *signature,
                                                 const guint8                *cms,
                                                 gsize                        cms_len);

G_END_DECLS
