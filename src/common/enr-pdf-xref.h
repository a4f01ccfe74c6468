/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-pdf-lexer.h"
#include "enr-pdf-signature.h"

G_BEGIN_DECLS

/*
 * A PDF's classic cross-reference tables and trailers (ISO 32000-1 §7.5.4,
 * §7.5.5), followed from startxref through every /Prev: where each object
 * is, and what an incremental update must carry over. Cross-reference
 * streams are refused (ENR_PDF_SIGNATURE_UNSUPPORTED), encrypted files
 * too (ENR_PDF_SIGNATURE_ENCRYPTED).
 * For the PDF code of src/common, which writes updates to such files.
 */

typedef struct
{
  const guint8 *pdf;
  gsize         len;
  GHashTable   *objects;        /* object number → its newest xref entry */
  gsize         size;           /* the newest trailer's /Size */
  gsize         last_xref;      /* offset of the newest xref section */
  gsize         root_number;
  gsize         root_generation;
  GString      *info;           /* " /Info …" and " /ID …" to carry over */
} EnrPdfDocument;

/* Reads @pdf's cross-reference sections; clear @doc whatever it returns.
 * @pdf must outlive @doc. */
EnrPdfSignatureStatus enr_pdf_document_read       (EnrPdfDocument        *doc,
                                                   const guint8          *pdf,
                                                   gsize                  len);
void                  enr_pdf_document_clear      (EnrPdfDocument        *doc);

/* Where the body of object @number starts, after its "N G obj". */
gboolean              enr_pdf_document_object_body (const EnrPdfDocument *doc,
                                                    gsize                 number,
                                                    gsize                *generation,
                                                    gsize                *body);
/* The dictionary that is object @number. */
gboolean              enr_pdf_document_read_dict  (const EnrPdfDocument  *doc,
                                                   gsize                  number,
                                                   gsize                 *generation,
                                                   EnrPdfDict            *dict);
/* The text of an array, either written in place or as a reference to an
 * array object; NULL when @entry is neither. */
GString              *enr_pdf_document_array_text (const EnrPdfDocument  *doc,
                                                   const EnrPdfDictEntry *entry);
/* The object number of the first page of the page tree under @catalog. */
gboolean              enr_pdf_document_first_page (const EnrPdfDocument  *doc,
                                                   const EnrPdfDict      *catalog,
                                                   gsize                 *number);

/* The object numbers of every page under @catalog, in order; NULL when
 * the page tree cannot be read (or holds more than @max pages). */
GArray               *enr_pdf_document_pages      (const EnrPdfDocument  *doc,
                                                   const EnrPdfDict      *catalog,
                                                   guint                  max);
/* A page's /MediaBox (inherited from its parents if need be), as
 * x1 y1 x2 y2 in PDF units. */
gboolean              enr_pdf_document_page_box   (const EnrPdfDocument  *doc,
                                                   gsize                  page,
                                                   double                 box[4]);
/* A non-negative integer written in place, or as a reference to an
 * integer object (a stream's /Length). */
gboolean              enr_pdf_document_get_size   (const EnrPdfDocument  *doc,
                                                   const EnrPdfDict      *dict,
                                                   const char            *key,
                                                   gsize                 *value);
/* Where the data of the stream whose dictionary is @dict lie: after
 * "stream" and its end of line, /Length bytes. */
gboolean              enr_pdf_document_stream     (const EnrPdfDocument  *doc,
                                                   const EnrPdfDict      *dict,
                                                   gsize                 *start,
                                                   gsize                 *length);

typedef struct
{
  gsize number;
  gsize offset;     /* G_MAXSIZE for a free entry */
} EnrPdfObjectEntry;

/* Every object number the cross-reference sections name, in no order, as
 * EnrPdfObjectEntry: where its newest definition starts. */
GArray               *enr_pdf_document_objects    (const EnrPdfDocument  *doc);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EnrPdfDocument, enr_pdf_document_clear)

G_END_DECLS
