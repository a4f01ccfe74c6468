/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-pdf-lexer.h"
#include "enr-pdf-signature.h"

G_BEGIN_DECLS

/*
 * A PDF's cross-reference sections, followed from startxref through every
 * /Prev: classic tables and their trailers (ISO 32000-1 §7.5.4, §7.5.5),
 * cross-reference streams (§7.5.8), hybrid files whose trailer names an
 * /XRefStm (§7.5.8.4), in any mix of incremental updates. Says where each
 * object is, in the file or compressed in an object stream (§7.5.7,
 * decoded when first asked for), and what an incremental update must carry
 * over. Encrypted files are refused (ENR_PDF_SIGNATURE_ENCRYPTED).
 * For the PDF code of src/common, which writes updates to such files, and
 * the check of signed files.
 */

typedef struct _EnrPdfObjectCache EnrPdfObjectCache;

typedef struct
{
  const guint8      *pdf;
  gsize              len;
  GHashTable        *objects;          /* object number → its newest xref entry */
  gsize              size;             /* the newest section's /Size */
  gsize              last_xref;        /* offset of the newest xref section */
  gboolean           last_xref_stream; /* that section is a cross-reference stream */
  gsize              root_number;
  gsize              root_generation;
  GString           *info;             /* " /Info …" and " /ID …" to carry over */
  EnrPdfObjectCache *cache;            /* the object streams decoded so far */
} EnrPdfDocument;

/* Reads @pdf's cross-reference sections; clear @doc whatever it returns.
 * @pdf must outlive @doc. */
EnrPdfSignatureStatus enr_pdf_document_read       (EnrPdfDocument        *doc,
                                                   const guint8          *pdf,
                                                   gsize                  len);
void                  enr_pdf_document_clear      (EnrPdfDocument        *doc);

/* Where an object's value is: in the file, after its "N G obj", or in the
 * decoded data of an object stream (which @doc keeps). */
typedef struct
{
  const guint8 *data;         /* the file, or a decoded object stream */
  gsize         len;          /* of @data, or up to the next object of the stream */
  gsize         body;         /* where the value starts in @data */
  gsize         generation;   /* 0 for a compressed object */
  gboolean      in_file;
} EnrPdfObject;

/* Object @number, wherever it is. FALSE when it is free, absent, or cannot
 * be read: enr_pdf_document_failure() then says why. */
gboolean              enr_pdf_document_find_object (const EnrPdfDocument *doc,
                                                    gsize                 number,
                                                    EnrPdfObject         *object);
/* Whether @doc's sections name object @number in use (readable or not). */
gboolean              enr_pdf_document_has_object (const EnrPdfDocument  *doc,
                                                   gsize                  number);
/* Whether @a and @b (two revisions of one file) name the same definition
 * of object @number: the same offset, or the same place in the same object
 * stream, itself the same. */
gboolean              enr_pdf_document_same_object (const EnrPdfDocument *a,
                                                    const EnrPdfDocument *b,
                                                    gsize                 number);
/* Why an object could not be read: what decoding an object stream met (a
 * decompression bomb, a filter that is not read), or else MALFORMED. */
EnrPdfSignatureStatus enr_pdf_document_failure    (const EnrPdfDocument  *doc);
/* The dictionary that is object @number; its spans are in @dict->data. */
gboolean              enr_pdf_document_read_dict  (const EnrPdfDocument  *doc,
                                                   gsize                  number,
                                                   gsize                 *generation,
                                                   EnrPdfDict            *dict);
/* The text of the array that is object @number. */
GString              *enr_pdf_document_read_array (const EnrPdfDocument  *doc,
                                                   gsize                  number);
/* The text of @dict's array @entry, either written in place or as a
 * reference to an array object; NULL when it is neither. */
GString              *enr_pdf_document_array_text (const EnrPdfDocument  *doc,
                                                   const EnrPdfDict      *dict,
                                                   const EnrPdfDictEntry *entry);
/* A non-negative integer written in place, or as a reference to an
 * integer object (a stream's /Length). */
gboolean              enr_pdf_document_get_size   (const EnrPdfDocument  *doc,
                                                   const EnrPdfDict      *dict,
                                                   const char            *key,
                                                   gsize                 *value);
/* Where the data of the stream whose dictionary is @dict (in the file:
 * streams are never compressed in object streams) lie: after "stream" and
 * its end of line, /Length bytes. */
gboolean              enr_pdf_document_stream     (const EnrPdfDocument  *doc,
                                                   const EnrPdfDict      *dict,
                                                   gsize                 *start,
                                                   gsize                 *length);

typedef struct
{
  gsize number;
  gsize offset;     /* its own, or its object stream's; G_MAXSIZE for a free entry */
} EnrPdfObjectEntry;

/* Every object number the cross-reference sections name, in no order, as
 * EnrPdfObjectEntry: where its newest definition starts (for a compressed
 * object, where the object stream that holds it does). */
GArray               *enr_pdf_document_objects    (const EnrPdfDocument  *doc);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EnrPdfDocument, enr_pdf_document_clear)

G_END_DECLS
