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
 * Any PDF that is not encrypted can be prepared: classic cross-reference
 * tables, cross-reference streams and object streams (PDF 1.5), hybrid
 * files, and incremental updates of any mix. The update ends with a
 * section of the kind the file's newest one is: a cross-reference stream
 * after a stream, a table after a table.
 */

/*
 * The placement of a visible signature is said in the page AS SHOWN, as a
 * viewer shows it and as poppler_page_get_size() gives its size: in points,
 * the origin at the bottom-left corner of the visible page (its crop box,
 * turned by its /Rotate), x to the right, y upwards, the page
 * EnrPdfPageInfo.width wide and .height high. The signer turns it into the
 * page's default user space for the widget's /Rect (adding the crop box's
 * corner and undoing /Rotate: enr_pdf_signature_rect_to_user_space()) and
 * turns the appearance with the page, so that it reads upright. On a page
 * with neither /Rotate nor a /CropBox and a /MediaBox at 0 0, both spaces
 * are the same.
 */

/* Where a visible signature stands, and what it shows. */
typedef struct
{
  guint         page;             /* 0 for the first */
  double        rect[4];          /* x1 y1 x2 y2 in the page as shown (above) */
  const guint8 *appearance;       /* a PDF whose first page is drawn in the box, upright */
  gsize         appearance_len;   /* (enr-pdf-appearance.h draws one, rect's size) */
} EnrPdfSignatureWidget;

/* A page as a viewer shows it. */
typedef struct
{
  double width;        /* of the page as shown, in points: the crop box's, */
  double height;       /* swapped when it is turned by 90 or 270 */
  guint  rotation;     /* /Rotate, inherited: 0, 90, 180 or 270, clockwise */
  double visible[4];   /* the crop box (inherited, clipped by the media box; the
                        * media box without one), x1 y1 x2 y2 in default user space */
} EnrPdfPageInfo;

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

/* How many pages @pdf has and how page @page is shown, for placing a
 * signature. */
EnrPdfSignatureStatus enr_pdf_signature_page_info (const guint8   *pdf,
                                                   gsize           pdf_len,
                                                   guint           page,
                                                   guint          *n_pages,
                                                   EnrPdfPageInfo *info);
/* @rect (x1 y1 x2 y2 in the page as shown) in the page's default user
 * space, lower left first: what the widget's /Rect says. */
void                  enr_pdf_signature_rect_to_user_space (const EnrPdfPageInfo *info,
                                                            const double          rect[4],
                                                            double                user[4]);
/* Writes @cms, hex-encoded and zero-padded, into @signature's /Contents in
 * @pdf: the length and every other byte stay the same. */
EnrPdfSignatureStatus enr_pdf_signature_fill    (guint8                      *pdf,
                                                 gsize                        pdf_len,
                                                 const EnrPdfSignature       *signature,
                                                 const guint8                *cms,
                                                 gsize                        cms_len);

G_END_DECLS
