/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-pdf-xref.h"

G_BEGIN_DECLS

/* Between enr-pdf-xref.c (the sections, the objects) and
 * enr-pdf-xref-stream.c (a cross-reference stream's entries). */

typedef enum
{
  ENR_PDF_XREF_FREE,
  ENR_PDF_XREF_IN_FILE,
  ENR_PDF_XREF_COMPRESSED,
} EnrPdfXrefKind;

typedef struct
{
  EnrPdfXrefKind kind;
  gsize          offset;       /* in the file: where "N G obj" is; compressed: the
                                * object stream's number */
  gsize          generation;   /* in the file: its generation; compressed: its index
                                * in the object stream */
} EnrPdfXrefEntry;

/* Puts @entry in @section (number → EnrPdfXrefEntry) unless the section
 * names @number already; with @over_free, an entry the section names free
 * gives way (a hybrid file's table lists its compressed objects free). */
void                  _enr_pdf_xref_section_add  (GHashTable            *section,
                                                  gsize                  number,
                                                  const EnrPdfXrefEntry *entry,
                                                  gboolean               over_free);

/* Decodes the stream of @dict (in the file) within what @doc may still
 * decode (enr-pdf-stream.h's limit for the whole document). */
EnrPdfSignatureStatus _enr_pdf_document_decode   (const EnrPdfDocument  *doc,
                                                  const EnrPdfDict      *dict,
                                                  GBytes               **decoded);

/* Reads the cross-reference stream at @offset into @section; @dict is its
 * dictionary, which serves as the section's trailer. */
EnrPdfSignatureStatus _enr_pdf_xref_stream_read  (EnrPdfDocument        *doc,
                                                  gsize                  offset,
                                                  GHashTable            *section,
                                                  gboolean               over_free,
                                                  EnrPdfDict            *dict);

G_END_DECLS
