/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * An A4 document of the sandbox, in Vietnamese: blocks of text added in
 * order, paginated and drawn as a PDF with cairo and pango when rendered.
 * The bytes depend only on what was added (and the fonts installed), never
 * on the wall clock, so the same document can be drawn again. One
 * document belongs to one thread at a time.
 */
typedef struct _SbxPdfDocument SbxPdfDocument;

typedef enum
{
  SBX_PDF_NATIONAL,    /* the national heading, centred, bold */
  SBX_PDF_MOTTO,       /* its motto, centred */
  SBX_PDF_TITLE,       /* the contract's title */
  SBX_PDF_CENTRED,     /* number, version, date: centred */
  SBX_PDF_HEADING,     /* "Điều 1. …" */
  SBX_PDF_BODY,        /* justified paragraph */
  SBX_PDF_ITEM,        /* numbered clause, indented */
  SBX_PDF_NOTE,        /* small print */
} SbxPdfStyle;

SbxPdfDocument *sbx_pdf_document_new        (void);
void            sbx_pdf_document_free       (SbxPdfDocument *doc);
/* The small print at the foot of every page, beside "Trang i/n". */
void            sbx_pdf_document_set_footer (SbxPdfDocument *doc,
                                             const char     *footer);

/* @markup is Pango markup: callers escape what they did not write. */
void            sbx_pdf_add_text            (SbxPdfDocument *doc,
                                             SbxPdfStyle     style,
                                             const char     *markup);
/* Plain text, escaped here. */
void            sbx_pdf_add_body            (SbxPdfDocument *doc,
                                             SbxPdfStyle     style,
                                             const char     *text);
void            sbx_pdf_add_heading         (SbxPdfDocument *doc,
                                             const char     *text);
/*
 * A "label: value" line. A @one_line value is never wrapped: the citizen's
 * name must come out of the PDF as one line of text, so a long one is drawn
 * smaller instead.
 */
void            sbx_pdf_add_row             (SbxPdfDocument *doc,
                                             const char     *label,
                                             const char     *value,
                                             gboolean        bold,
                                             gboolean        one_line);
void            sbx_pdf_add_rule            (SbxPdfDocument *doc);
void            sbx_pdf_add_page_break      (SbxPdfDocument *doc);

/* The PDF, with its metadata; @created and @modified are RFC 3339 (cairo
 * would otherwise stamp the wall clock). */
GBytes         *sbx_pdf_document_render     (SbxPdfDocument *doc,
                                             const char     *title,
                                             const char     *subject,
                                             const char     *created,
                                             const char     *modified,
                                             GError        **error);

/* @text in NFC (NULL for NULL or invalid UTF-8). */
char           *sbx_pdf_nfc                 (const char     *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxPdfDocument, sbx_pdf_document_free)

G_END_DECLS
