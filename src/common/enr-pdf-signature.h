/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The PDF side of a PAdES signature, without any cryptography: in a signed
 * file (or one prepared for its signature), find the last signature
 * dictionary, check that its /ByteRange covers the whole file except
 * /Contents, and read what it says. Any file can be checked; writing the
 * placeholder and filling it are enr-pdf-signature-writer.h's.
 */

typedef enum
{
  ENR_PDF_SIGNATURE_OK = 0,
  ENR_PDF_SIGNATURE_NOT_PDF,          /* no %PDF- header */
  ENR_PDF_SIGNATURE_MALFORMED,        /* a structure that cannot be read */
  ENR_PDF_SIGNATURE_UNSUPPORTED,      /* a stream filter or predictor that is not read */
  ENR_PDF_SIGNATURE_NO_SIGNATURE,     /* no signature dictionary */
  ENR_PDF_SIGNATURE_NOT_WHOLE_FILE,   /* /ByteRange leaves bytes other than /Contents out */
  ENR_PDF_SIGNATURE_TOO_LARGE,        /* the CMS does not fit the placeholder */
  ENR_PDF_SIGNATURE_ENCRYPTED,        /* an encrypted document */
  ENR_PDF_SIGNATURE_BAD_PLACEMENT,    /* no such page, or a box not on it */
  ENR_PDF_SIGNATURE_STREAM_TOO_LARGE, /* a compressed stream inflates past the limit */
} EnrPdfSignatureStatus;

/* Where a signature dictionary is and what it says. Offsets are in bytes
 * from the start of the file. */
typedef struct
{
  gsize   byte_range[4];       /* start 1, length 1, start 2, length 2 */
  gsize   contents_offset;     /* the '<' of /Contents */
  gsize   contents_length;     /* from '<' to '>', both included */
  gsize   dictionary_offset;   /* the "<<" of the signature dictionary */
  char   *filter;              /* /Filter without the slash, or NULL */
  char   *sub_filter;          /* /SubFilter without the slash, or NULL */
  char   *signing_time;        /* /M as written, or NULL */
  GBytes *contents;            /* locate: the decoded /Contents, padding removed */
  gboolean whole_revision;     /* locate_all: the range is all of a revision but /Contents */
} EnrPdfSignature;

/* The last signature dictionary of @pdf, in @signature when it returns OK
 * or NOT_WHOLE_FILE (what the range leaves out is then for the caller to
 * tell). */
EnrPdfSignatureStatus enr_pdf_signature_locate    (const guint8                *pdf,
                                                   gsize                        pdf_len,
                                                   EnrPdfSignature            **signature);

/* Every signature dictionary of @pdf (at most @max), oldest first: by
 * where the revision each signs ends. A dictionary whose /ByteRange is
 * [0 a b c] around its own /Contents, within the file, is kept with
 * whole_revision FALSE, for the caller to tell. */
GPtrArray            *enr_pdf_signature_locate_all (const guint8           *pdf,
                                                    gsize                   pdf_len,
                                                    guint                   max);

/* The bytes @signature's /ByteRange covers, joined: what a PAdES
 * signature signs. NULL when the range lies outside @pdf. */
GBytes               *enr_pdf_signature_covered_bytes (const guint8          *pdf,
                                                       gsize                  pdf_len,
                                                       const EnrPdfSignature *signature);

/* The PDF date /M holds (D:YYYYMMDDHHmmSSOHH'mm), or NULL. */
GDateTime            *enr_pdf_signature_parse_date (const char                 *text);

/* For the log: what a status means, in English. */
const char           *enr_pdf_signature_status_to_string (EnrPdfSignatureStatus status);

void                  enr_pdf_signature_free      (EnrPdfSignature             *signature);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrPdfSignature, enr_pdf_signature_free)

G_END_DECLS
