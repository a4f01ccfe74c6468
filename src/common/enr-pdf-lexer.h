/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A small PDF lexer: just enough of ISO 32000-1 §7.2–7.3 to read the
 * objects around a signature. Tokens, objects and dictionary entries are
 * spans of the original bytes (offsets from the start of the file):
 * nothing is copied until a value is asked for. For the PDF code of
 * src/common (enr-pdf-xref.h, enr-pdf-signature*.h); it trusts nothing it
 * reads.
 */

/* Nesting deeper than this is not a document anyone signs: refuse it
 * rather than recurse without bound on hostile input. */
#define ENR_PDF_MAX_DEPTH 32

typedef enum
{
  ENR_PDF_TOKEN_EOF,
  ENR_PDF_TOKEN_ERROR,
  ENR_PDF_TOKEN_DICT_OPEN,
  ENR_PDF_TOKEN_DICT_CLOSE,
  ENR_PDF_TOKEN_ARRAY_OPEN,
  ENR_PDF_TOKEN_ARRAY_CLOSE,
  ENR_PDF_TOKEN_NAME,
  ENR_PDF_TOKEN_STRING,
  ENR_PDF_TOKEN_HEX,
  ENR_PDF_TOKEN_NUMBER,
  ENR_PDF_TOKEN_KEYWORD,
} EnrPdfTokenType;

typedef struct
{
  EnrPdfTokenType type;
  gsize           start;
  gsize           end;
} EnrPdfToken;

/* Reads data[pos] up to data[len]: a caller narrows @len to read one
 * value only, and moves @pos to read from elsewhere. */
typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
} EnrPdfLexer;

gboolean      enr_pdf_is_white        (guint8             c);
gboolean      enr_pdf_is_delimiter    (guint8             c);

/* A %PDF- header at the very start of the file. */
gboolean      enr_pdf_has_header      (const guint8      *pdf,
                                       gsize              len);
/* The last occurrence of @needle in @data, or NULL. */
const guint8 *enr_pdf_find_last       (const guint8      *data,
                                       gsize              len,
                                       const char        *needle);

EnrPdfToken   enr_pdf_next_token      (EnrPdfLexer       *lx);
gboolean      enr_pdf_token_is        (const EnrPdfLexer *lx,
                                       EnrPdfToken        tok,
                                       EnrPdfTokenType    type,
                                       const char        *text);
/* A non-negative integer token; anything else (a sign, a fraction, an
 * overflow) is refused, as no offset or object number is written so. */
gboolean      enr_pdf_token_to_size   (const EnrPdfLexer *lx,
                                       EnrPdfToken        tok,
                                       gsize             *value);
/* Reads one object (after its first token, @first) and returns where it
 * ends; an indirect reference "N G R" is one object. */
gboolean      enr_pdf_skip_object     (EnrPdfLexer       *lx,
                                       EnrPdfToken        first,
                                       guint              depth,
                                       gsize             *end);
/* Whether data[start] up to data[end] is exactly "N G R". */
gboolean      enr_pdf_parse_reference (const guint8      *data,
                                       gsize              start,
                                       gsize              end,
                                       gsize             *number,
                                       gsize             *generation);

/* A dictionary, as spans of the original text. */
typedef struct
{
  gsize key_start;     /* the '/' */
  gsize key_end;
  gsize value_start;
  gsize value_end;
} EnrPdfDictEntry;

typedef struct
{
  const guint8 *data;
  gsize         start;   /* "<<" */
  gsize         end;     /* after ">>" */
  GArray       *entries; /* of EnrPdfDictEntry, in the order written */
} EnrPdfDict;

/* Reads the dictionary that starts at @pos; clear @dict whatever it returns. */
gboolean               enr_pdf_dict_parse         (const guint8          *data,
                                                   gsize                  len,
                                                   gsize                  pos,
                                                   EnrPdfDict            *dict);
void                   enr_pdf_dict_clear         (EnrPdfDict            *dict);
/* Whether @entry's key is @key (without its slash). */
gboolean               enr_pdf_dict_entry_is      (const EnrPdfDict      *dict,
                                                   const EnrPdfDictEntry *entry,
                                                   const char            *key);
/* The entry of @key; the last of duplicate keys wins, as in most readers. */
const EnrPdfDictEntry *enr_pdf_dict_lookup        (const EnrPdfDict      *dict,
                                                   const char            *key);
/* The value of @key if it is a name, without its slash. */
char                  *enr_pdf_dict_get_name      (const EnrPdfDict      *dict,
                                                   const char            *key);
gboolean               enr_pdf_dict_get_size      (const EnrPdfDict      *dict,
                                                   gsize                  len,
                                                   const char            *key,
                                                   gsize                 *value);
gboolean               enr_pdf_dict_get_reference (const EnrPdfDict      *dict,
                                                   const char            *key,
                                                   gsize                 *number,
                                                   gsize                 *generation);
/* The bytes of @key's literal string (§7.3.4.2), for the ASCII values we read. */
char                  *enr_pdf_dict_get_string    (const EnrPdfDict      *dict,
                                                   const char            *key);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EnrPdfDict, enr_pdf_dict_clear)

G_END_DECLS
