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
 * streams and encrypted files are refused (ENR_PDF_SIGNATURE_UNSUPPORTED).
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

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EnrPdfDocument, enr_pdf_document_clear)

G_END_DECLS
