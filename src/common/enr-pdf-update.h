/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-pdf-xref.h"

G_BEGIN_DECLS

/*
 * An incremental update (ISO 32000-1 §7.5.6) being written after a file
 * of @base bytes: its objects, where each starts in the whole file, and
 * the next free object number. For the PDF writers of src/common
 * (enr-pdf-signature-writer.c, enr-pdf-form.c).
 */
typedef struct
{
  GByteArray *out;           /* the update's bytes only */
  gsize       base;          /* the length of what it follows */
  GArray     *offsets;       /* pairs of gsize: number, offset in the whole file */
  GHashTable *generations;   /* number → generation, for the xref section */
  gsize       next_number;
} EnrPdfUpdate;

void   enr_pdf_update_init          (EnrPdfUpdate *update,
                                     gsize         base,
                                     gsize         next_number);
void   enr_pdf_update_clear         (EnrPdfUpdate *update);
/* "N G obj\n", with N's offset recorded. */
void   enr_pdf_update_begin_object  (EnrPdfUpdate *update,
                                     gsize         number,
                                     gsize         generation);
void   enr_pdf_update_append        (EnrPdfUpdate *update,
                                     const char   *text);
void   enr_pdf_update_append_len    (EnrPdfUpdate *update,
                                     const guint8 *data,
                                     gsize         len);
/* Where the update's next byte stands in the whole file. */
gsize  enr_pdf_update_position      (const EnrPdfUpdate *update);

/*
 * Imports the first page of @appearance, a PDF with classic cross-reference
 * tables (as cairo writes it), as a Form XObject whose /BBox is that page's
 * /MediaBox: its content stream and every object its resources reach are
 * copied into @update under new numbers, references renumbered. Sets the
 * XObject's number and box.
 */
EnrPdfSignatureStatus enr_pdf_form_import (EnrPdfUpdate *update,
                                           const guint8 *appearance,
                                           gsize         len,
                                           gsize        *form_number,
                                           double        bbox[4]);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EnrPdfUpdate, enr_pdf_update_clear)

G_END_DECLS
