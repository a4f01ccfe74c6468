/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-pdf-xref.h"

G_BEGIN_DECLS

/*
 * An incremental update (ISO 32000-1 §7.5.6) being written after a file
 * of @base bytes: its objects, where each starts in the whole file, and
 * the next free object number, and at its end the cross-reference section
 * of the kind the file's newest one is. For the PDF writers of src/common
 * (enr-pdf-signature-writer.c, enr-pdf-form.c; enr-pdf-update.c).
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
/* Ends the update that follows @doc: its cross-reference section, of the
 * kind @doc's newest one is (a table after a table; after a cross-reference
 * stream another one, uncompressed, since a table may not follow a
 * stream-only file, §7.5.8.4), with /Size, /Root, /Prev and @doc's /Info
 * and /ID (§7.5.6, §7.5.8.2), then startxref and %%EOF. */
void   enr_pdf_update_finish        (EnrPdfUpdate         *update,
                                     const EnrPdfDocument *doc);

/*
 * Imports the first page of @appearance (a PDF, as cairo writes it) as a
 * Form XObject whose /BBox is that page's /MediaBox: its content stream and
 * every object its resources reach are copied into @update under new
 * numbers, references renumbered. Its /Matrix turns it by @rotation
 * degrees counter-clockwise (0, 90, 180 or 270), so that on a page shown
 * turned that much clockwise (/Rotate) it reads upright. Sets the
 * XObject's number and box.
 */
EnrPdfSignatureStatus enr_pdf_form_import (EnrPdfUpdate *update,
                                           const guint8 *appearance,
                                           gsize         len,
                                           guint         rotation,
                                           gsize        *form_number,
                                           double        bbox[4]);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EnrPdfUpdate, enr_pdf_update_clear)

G_END_DECLS
