/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-xref"

#include "config.h"

#include <string.h>

#include "enr-pdf-xref.h"

#define MAX_XREF_SECTIONS 64

typedef struct
{
  gsize    offset;
  gsize    generation;
  gboolean in_use;
} XrefEntry;

void
enr_pdf_document_clear (EnrPdfDocument *doc)
{
  g_clear_pointer (&doc->objects, g_hash_table_unref);
  if (doc->info != NULL)
    g_string_free (g_steal_pointer (&doc->info), TRUE);
}

static EnrPdfSignatureStatus
read_xref_section (EnrPdfDocument *doc,
                   gsize           offset,
                   gsize          *prev,
                   gboolean        newest)
{
  EnrPdfLexer lx = { doc->pdf, doc->len, offset };
  g_auto(EnrPdfDict) trailer = { 0 };
  EnrPdfToken tok;

  tok = enr_pdf_next_token (&lx);
  if (tok.type == ENR_PDF_TOKEN_NUMBER)
    {
      g_auto(EnrPdfDict) stream = { 0 };
      EnrPdfToken dict;

      /* "N G obj" at startxref: a cross-reference stream, which is not
       * read; but an encrypted file is told as such. */
      enr_pdf_next_token (&lx);
      enr_pdf_next_token (&lx);
      dict = enr_pdf_next_token (&lx);
      if (dict.type == ENR_PDF_TOKEN_DICT_OPEN &&
          enr_pdf_dict_parse (doc->pdf, doc->len, dict.start, &stream) &&
          enr_pdf_dict_lookup (&stream, "Encrypt") != NULL)
        return ENR_PDF_SIGNATURE_ENCRYPTED;
      return ENR_PDF_SIGNATURE_UNSUPPORTED;
    }
  if (!enr_pdf_token_is (&lx, tok, ENR_PDF_TOKEN_KEYWORD, "xref"))
    return ENR_PDF_SIGNATURE_MALFORMED;

  for (;;)
    {
      gsize first;
      gsize count;

      tok = enr_pdf_next_token (&lx);
      if (enr_pdf_token_is (&lx, tok, ENR_PDF_TOKEN_KEYWORD, "trailer"))
        break;
      if (!enr_pdf_token_to_size (&lx, tok, &first) ||
          !enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &count) ||
          count > doc->len / 18 || first > G_MAXUINT32 - count)
        return ENR_PDF_SIGNATURE_MALFORMED;

      for (gsize i = 0; i < count; i++)
        {
          XrefEntry entry;
          EnrPdfToken kind;
          gsize number = first + i;

          if (!enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &entry.offset) ||
              !enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &entry.generation))
            return ENR_PDF_SIGNATURE_MALFORMED;
          kind = enr_pdf_next_token (&lx);
          if (enr_pdf_token_is (&lx, kind, ENR_PDF_TOKEN_KEYWORD, "n"))
            entry.in_use = TRUE;
          else if (enr_pdf_token_is (&lx, kind, ENR_PDF_TOKEN_KEYWORD, "f"))
            entry.in_use = FALSE;
          else
            return ENR_PDF_SIGNATURE_MALFORMED;
          if (entry.in_use && entry.offset >= doc->len)
            return ENR_PDF_SIGNATURE_MALFORMED;
          if (!g_hash_table_contains (doc->objects, GSIZE_TO_POINTER (number)))
            g_hash_table_insert (doc->objects, GSIZE_TO_POINTER (number),
                                 g_memdup2 (&entry, sizeof entry));
        }
    }

  if (!enr_pdf_dict_parse (doc->pdf, doc->len, lx.pos, &trailer))
    return ENR_PDF_SIGNATURE_MALFORMED;
  if (enr_pdf_dict_lookup (&trailer, "Encrypt") != NULL)
    return ENR_PDF_SIGNATURE_ENCRYPTED;
  if (enr_pdf_dict_lookup (&trailer, "XRefStm") != NULL)
    return ENR_PDF_SIGNATURE_UNSUPPORTED;

  if (newest)
    {
      const char *carried[] = { "Info", "ID" };

      if (!enr_pdf_dict_get_size (&trailer, doc->len, "Size", &doc->size) ||
          !enr_pdf_dict_get_reference (&trailer, "Root", &doc->root_number,
                                       &doc->root_generation))
        return ENR_PDF_SIGNATURE_MALFORMED;
      doc->info = g_string_new (NULL);
      for (guint i = 0; i < G_N_ELEMENTS (carried); i++)
        {
          const EnrPdfDictEntry *entry = enr_pdf_dict_lookup (&trailer, carried[i]);

          if (entry != NULL)
            g_string_append_printf (doc->info, " /%s %.*s", carried[i],
                                    (int) (entry->value_end - entry->value_start),
                                    (const char *) doc->pdf + entry->value_start);
        }
    }

  if (enr_pdf_dict_lookup (&trailer, "Prev") == NULL)
    *prev = G_MAXSIZE;
  else if (!enr_pdf_dict_get_size (&trailer, doc->len, "Prev", prev) || *prev >= doc->len)
    return ENR_PDF_SIGNATURE_MALFORMED;
  return ENR_PDF_SIGNATURE_OK;
}

EnrPdfSignatureStatus
enr_pdf_document_read (EnrPdfDocument *doc,
                       const guint8   *pdf,
                       gsize           len)
{
  const guint8 *startxref;
  EnrPdfLexer lx = { pdf, len, 0 };
  gsize offset;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  doc->pdf = pdf;
  doc->len = len;
  doc->objects = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  if (!enr_pdf_has_header (pdf, len))
    return ENR_PDF_SIGNATURE_NOT_PDF;
  startxref = enr_pdf_find_last (pdf, len, "startxref");
  if (startxref == NULL)
    return ENR_PDF_SIGNATURE_MALFORMED;
  lx.pos = startxref - pdf + strlen ("startxref");
  if (!enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &offset) || offset >= len)
    return ENR_PDF_SIGNATURE_MALFORMED;
  doc->last_xref = offset;

  for (guint n = 0; offset != G_MAXSIZE; n++)
    {
      EnrPdfSignatureStatus status;
      gsize prev;

      if (n >= MAX_XREF_SECTIONS || g_hash_table_contains (seen, GSIZE_TO_POINTER (offset)))
        return ENR_PDF_SIGNATURE_MALFORMED;
      g_hash_table_add (seen, GSIZE_TO_POINTER (offset));
      status = read_xref_section (doc, offset, &prev, n == 0);
      if (status != ENR_PDF_SIGNATURE_OK)
        return status;
      offset = prev;
    }
  return ENR_PDF_SIGNATURE_OK;
}

gboolean
enr_pdf_document_object_body (const EnrPdfDocument *doc,
                              gsize                 number,
                              gsize                *generation,
                              gsize                *body)
{
  const XrefEntry *entry = g_hash_table_lookup (doc->objects, GSIZE_TO_POINTER (number));
  EnrPdfLexer lx = { doc->pdf, doc->len, 0 };
  gsize read_number;
  gsize read_generation;

  if (entry == NULL || !entry->in_use)
    return FALSE;
  lx.pos = entry->offset;
  if (!enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &read_number) ||
      read_number != number ||
      !enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &read_generation) ||
      read_generation != entry->generation ||
      !enr_pdf_token_is (&lx, enr_pdf_next_token (&lx), ENR_PDF_TOKEN_KEYWORD, "obj"))
    return FALSE;
  *generation = entry->generation;
  *body = lx.pos;
  return TRUE;
}

gboolean
enr_pdf_document_read_dict (const EnrPdfDocument *doc,
                            gsize                 number,
                            gsize                *generation,
                            EnrPdfDict           *dict)
{
  gsize body;

  return enr_pdf_document_object_body (doc, number, generation, &body) &&
         enr_pdf_dict_parse (doc->pdf, doc->len, body, dict);
}

GString *
enr_pdf_document_array_text (const EnrPdfDocument  *doc,
                             const EnrPdfDictEntry *entry)
{
  gsize number;
  gsize generation;
  gsize start = entry->value_start;
  EnrPdfLexer lx = { doc->pdf, doc->len, 0 };
  EnrPdfToken open;
  gsize end;

  if (enr_pdf_parse_reference (doc->pdf, entry->value_start, entry->value_end, &number,
                               &generation))
    {
      gsize read_generation;

      if (!enr_pdf_document_object_body (doc, number, &read_generation, &start))
        return NULL;
    }

  lx.pos = start;
  open = enr_pdf_next_token (&lx);
  if (open.type != ENR_PDF_TOKEN_ARRAY_OPEN || !enr_pdf_skip_object (&lx, open, 1, &end))
    return NULL;
  return g_string_new_len ((const char *) doc->pdf + open.start, end - open.start);
}

gboolean
enr_pdf_document_first_page (const EnrPdfDocument *doc,
                             const EnrPdfDict     *catalog,
                             gsize                *number)
{
  gsize current;
  gsize generation;

  if (!enr_pdf_dict_get_reference (catalog, "Pages", &current, &generation))
    return FALSE;

  for (guint depth = 0; depth < ENR_PDF_MAX_DEPTH; depth++)
    {
      g_auto(EnrPdfDict) node = { 0 };
      g_autofree char *type = NULL;
      const EnrPdfDictEntry *kids;
      EnrPdfLexer lx = { doc->pdf, doc->len, 0 };
      EnrPdfToken tok;
      gsize kid_generation;

      if (!enr_pdf_document_read_dict (doc, current, &generation, &node))
        return FALSE;
      type = enr_pdf_dict_get_name (&node, "Type");
      if (g_strcmp0 (type, "Page") == 0)
        {
          *number = current;
          return TRUE;
        }
      kids = enr_pdf_dict_lookup (&node, "Kids");
      if (kids == NULL || doc->pdf[kids->value_start] != '[')
        return FALSE;
      lx.pos = kids->value_start + 1;
      lx.len = kids->value_end;
      tok = enr_pdf_next_token (&lx);
      if (!enr_pdf_token_to_size (&lx, tok, &current) ||
          !enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &kid_generation) ||
          !enr_pdf_token_is (&lx, enr_pdf_next_token (&lx), ENR_PDF_TOKEN_KEYWORD, "R"))
        return FALSE;
    }
  return FALSE;
}

static gboolean
collect_pages (const EnrPdfDocument *doc,
               gsize                 node_number,
               guint                 depth,
               guint                 max,
               GHashTable           *seen,
               GArray               *pages)
{
  g_auto(EnrPdfDict) node = { 0 };
  g_autofree char *type = NULL;
  const EnrPdfDictEntry *kids;
  EnrPdfLexer lx = { doc->pdf, doc->len, 0 };
  gsize generation;

  if (depth >= ENR_PDF_MAX_DEPTH || g_hash_table_contains (seen, GSIZE_TO_POINTER (node_number)))
    return FALSE;
  g_hash_table_add (seen, GSIZE_TO_POINTER (node_number));
  if (!enr_pdf_document_read_dict (doc, node_number, &generation, &node))
    return FALSE;
  type = enr_pdf_dict_get_name (&node, "Type");
  if (g_strcmp0 (type, "Page") == 0)
    {
      if (pages->len >= max)
        return FALSE;
      g_array_append_val (pages, node_number);
      return TRUE;
    }
  kids = enr_pdf_dict_lookup (&node, "Kids");
  if (kids == NULL || doc->pdf[kids->value_start] != '[')
    return FALSE;
  lx.pos = kids->value_start + 1;
  lx.len = kids->value_end;
  for (;;)
    {
      EnrPdfToken tok = enr_pdf_next_token (&lx);
      gsize kid;
      gsize kid_generation;

      if (tok.type == ENR_PDF_TOKEN_ARRAY_CLOSE)
        return TRUE;
      if (!enr_pdf_token_to_size (&lx, tok, &kid) ||
          !enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &kid_generation) ||
          !enr_pdf_token_is (&lx, enr_pdf_next_token (&lx), ENR_PDF_TOKEN_KEYWORD, "R") ||
          !collect_pages (doc, kid, depth + 1, max, seen, pages))
        return FALSE;
    }
}

GArray *
enr_pdf_document_pages (const EnrPdfDocument *doc,
                        const EnrPdfDict     *catalog,
                        guint                 max)
{
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  gsize root;
  gsize generation;

  if (!enr_pdf_dict_get_reference (catalog, "Pages", &root, &generation) ||
      !collect_pages (doc, root, 0, max, seen, pages) || pages->len == 0)
    return NULL;
  return g_steal_pointer (&pages);
}

static gboolean
parse_box (const guint8          *data,
           const EnrPdfDictEntry *entry,
           double                 box[4])
{
  EnrPdfLexer lx = { data, entry->value_end, entry->value_start };

  if (enr_pdf_next_token (&lx).type != ENR_PDF_TOKEN_ARRAY_OPEN)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      EnrPdfToken tok = enr_pdf_next_token (&lx);
      g_autofree char *text = NULL;
      char *end = NULL;

      if (tok.type != ENR_PDF_TOKEN_NUMBER)
        return FALSE;
      text = g_strndup ((const char *) data + tok.start, tok.end - tok.start);
      box[i] = g_ascii_strtod (text, &end);
      if (end == NULL || *end != '\0')
        return FALSE;
    }
  return enr_pdf_next_token (&lx).type == ENR_PDF_TOKEN_ARRAY_CLOSE;
}

gboolean
enr_pdf_document_page_box (const EnrPdfDocument *doc,
                           gsize                 page,
                           double                box[4])
{
  gsize current = page;

  for (guint depth = 0; depth < ENR_PDF_MAX_DEPTH; depth++)
    {
      g_auto(EnrPdfDict) node = { 0 };
      const EnrPdfDictEntry *entry;
      gsize generation;

      if (!enr_pdf_document_read_dict (doc, current, &generation, &node))
        return FALSE;
      entry = enr_pdf_dict_lookup (&node, "MediaBox");
      if (entry != NULL)
        {
          double lower_x, lower_y;

          if (!parse_box (doc->pdf, entry, box))
            return FALSE;
          /* Any two opposite corners may be written: normalise. */
          lower_x = MIN (box[0], box[2]);
          lower_y = MIN (box[1], box[3]);
          box[2] = MAX (box[0], box[2]);
          box[3] = MAX (box[1], box[3]);
          box[0] = lower_x;
          box[1] = lower_y;
          return box[2] > box[0] && box[3] > box[1];
        }
      if (!enr_pdf_dict_get_reference (&node, "Parent", &current, &generation))
        return FALSE;
    }
  return FALSE;
}

gboolean
enr_pdf_document_get_size (const EnrPdfDocument *doc,
                           const EnrPdfDict     *dict,
                           const char           *key,
                           gsize                *value)
{
  gsize number;
  gsize generation;
  gsize body;
  EnrPdfLexer lx = { doc->pdf, doc->len, 0 };

  if (enr_pdf_dict_get_size (dict, doc->len, key, value))
    return TRUE;
  if (!enr_pdf_dict_get_reference (dict, key, &number, &generation) ||
      !enr_pdf_document_object_body (doc, number, &generation, &body))
    return FALSE;
  lx.pos = body;
  return enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), value);
}

gboolean
enr_pdf_document_stream (const EnrPdfDocument *doc,
                         const EnrPdfDict     *dict,
                         gsize                *start,
                         gsize                *length)
{
  EnrPdfLexer lx = { doc->pdf, doc->len, dict->end };
  EnrPdfToken tok = enr_pdf_next_token (&lx);
  gsize pos;

  if (!enr_pdf_token_is (&lx, tok, ENR_PDF_TOKEN_KEYWORD, "stream") ||
      !enr_pdf_document_get_size (doc, dict, "Length", length))
    return FALSE;
  /* §7.3.8.1: "stream" ends with CR LF or LF. */
  pos = tok.end;
  if (pos < doc->len && doc->pdf[pos] == '\r')
    pos++;
  if (pos >= doc->len || doc->pdf[pos] != '\n')
    return FALSE;
  pos++;
  if (*length > doc->len - pos)
    return FALSE;
  *start = pos;
  return TRUE;
}

GArray *
enr_pdf_document_objects (const EnrPdfDocument *doc)
{
  GArray *objects = g_array_new (FALSE, FALSE, sizeof (EnrPdfObjectEntry));
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  g_hash_table_iter_init (&iter, doc->objects);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const XrefEntry *entry = value;
      EnrPdfObjectEntry object = { GPOINTER_TO_SIZE (key),
                                   entry->in_use ? entry->offset : G_MAXSIZE };

      g_array_append_val (objects, object);
    }
  return objects;
}
