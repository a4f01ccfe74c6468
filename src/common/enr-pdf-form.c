/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-form"

#include "config.h"

#include <string.h>

#include "enr-pdf-lexer.h"
#include "enr-pdf-page.h"
#include "enr-pdf-update.h"

/* A signature's appearance is a few lines of text and their fonts: a file
 * that needs more objects than this is not one. */
#define MAX_IMPORTED_OBJECTS 256

/* The tokens of data[start] up to data[end]. */
static GArray *
tokens_of (const guint8 *data,
           gsize         start,
           gsize         end)
{
  EnrPdfLexer lx = { data, end, start };
  GArray *tokens = g_array_new (FALSE, FALSE, sizeof (EnrPdfToken));

  for (;;)
    {
      EnrPdfToken tok = enr_pdf_next_token (&lx);

      if (tok.type == ENR_PDF_TOKEN_EOF)
        return tokens;
      if (tok.type == ENR_PDF_TOKEN_ERROR)
        {
          g_array_unref (tokens);
          return NULL;
        }
      g_array_append_val (tokens, tok);
    }
}

/* Whether tokens i, i+1, i+2 are "N G R"; sets N. */
static gboolean
is_reference (const guint8 *data,
              gsize         len,
              GArray       *tokens,
              guint         i,
              gsize        *number)
{
  EnrPdfLexer lx = { data, len, 0 };
  gsize generation;

  return i + 2 < tokens->len &&
         enr_pdf_token_to_size (&lx, g_array_index (tokens, EnrPdfToken, i), number) &&
         enr_pdf_token_to_size (&lx, g_array_index (tokens, EnrPdfToken, i + 1), &generation) &&
         enr_pdf_token_is (&lx, g_array_index (tokens, EnrPdfToken, i + 2),
                           ENR_PDF_TOKEN_KEYWORD, "R");
}

typedef struct
{
  const EnrPdfDocument *doc;
  GHashTable           *numbers;   /* old → new */
  GQueue                pending;   /* old numbers still to copy */
} Import;

/* The new number of object @old, given one when first seen. */
static gsize
renumber (Import       *import,
          EnrPdfUpdate *update,
          gsize         old)
{
  gpointer found;

  if (g_hash_table_lookup_extended (import->numbers, GSIZE_TO_POINTER (old), NULL, &found))
    return GPOINTER_TO_SIZE (found);
  g_hash_table_insert (import->numbers, GSIZE_TO_POINTER (old),
                       GSIZE_TO_POINTER (update->next_number));
  g_queue_push_tail (&import->pending, GSIZE_TO_POINTER (old));
  return update->next_number++;
}

/* Appends data[start] up to data[end] with every reference renumbered. */
static gboolean
append_renumbered (Import       *import,
                   EnrPdfUpdate *update,
                   const guint8 *data,
                   gsize         start,
                   gsize         end)
{
  g_autoptr(GArray) tokens = tokens_of (data, start, end);
  gsize copied = start;

  if (tokens == NULL)
    return FALSE;
  for (guint i = 0; i < tokens->len;)
    {
      gsize old;
      g_autofree char *reference = NULL;

      if (!is_reference (data, end, tokens, i, &old))
        {
          i++;
          continue;
        }
      if (g_hash_table_size (import->numbers) >= MAX_IMPORTED_OBJECTS)
        return FALSE;
      enr_pdf_update_append_len (update, data + copied,
                                 g_array_index (tokens, EnrPdfToken, i).start - copied);
      reference = g_strdup_printf ("%" G_GSIZE_FORMAT " 0 R", renumber (import, update, old));
      enr_pdf_update_append (update, reference);
      copied = g_array_index (tokens, EnrPdfToken, i + 2).end;
      i += 3;
    }
  enr_pdf_update_append_len (update, data + copied, end - copied);
  return TRUE;
}

/* The end of @object's one value. */
static gboolean
value_end (const EnrPdfObject *object,
           gsize              *end)
{
  EnrPdfLexer lx = { object->data, object->len, object->body };
  EnrPdfToken first = enr_pdf_next_token (&lx);

  return enr_pdf_skip_object (&lx, first, 0, end);
}

/* Copies object @old as @new_number: a value, or a stream whose data are
 * copied as they are. */
static gboolean
copy_object (Import       *import,
             EnrPdfUpdate *update,
             gsize         old,
             gsize         new_number)
{
  const EnrPdfDocument *doc = import->doc;
  EnrPdfObject object;
  gsize end;

  if (!enr_pdf_document_find_object (doc, old, &object) || !value_end (&object, &end))
    return FALSE;
  enr_pdf_update_begin_object (update, new_number, 0);
  if (!append_renumbered (import, update, object.data, object.body, end))
    return FALSE;
  {
    g_auto(EnrPdfDict) dict = { 0 };
    EnrPdfLexer lx = { object.data, object.len, object.body };
    EnrPdfToken first = enr_pdf_next_token (&lx);
    gsize start;
    gsize length;

    if (object.in_file && first.type == ENR_PDF_TOKEN_DICT_OPEN &&
        enr_pdf_dict_parse (object.data, object.len, first.start, &dict) &&
        enr_pdf_document_stream (doc, &dict, &start, &length))
      {
        enr_pdf_update_append (update, "\nstream\n");
        enr_pdf_update_append_len (update, doc->pdf + start, length);
        enr_pdf_update_append (update, "\nendstream");
      }
  }
  enr_pdf_update_append (update, "\nendobj\n");
  return TRUE;
}

/* §8.3.3: a turn by @rotation degrees counter-clockwise, then the move that
 * brings the turned box's lower left corner to the origin. The widget's
 * box (§12.5.5) then holds the box turned: it is drawn upright on a page
 * shown turned as much clockwise. */
static void
form_matrix (const double bbox[4],
             guint        rotation,
             double       matrix[6])
{
  switch (rotation)
    {
    case 90:
      matrix[0] = 0, matrix[1] = 1, matrix[2] = -1, matrix[3] = 0;
      matrix[4] = bbox[3], matrix[5] = -bbox[0];
      break;
    case 180:
      matrix[0] = -1, matrix[1] = 0, matrix[2] = 0, matrix[3] = -1;
      matrix[4] = bbox[2], matrix[5] = bbox[3];
      break;
    case 270:
      matrix[0] = 0, matrix[1] = -1, matrix[2] = 1, matrix[3] = 0;
      matrix[4] = -bbox[1], matrix[5] = bbox[2];
      break;
    default:
      matrix[0] = 1, matrix[1] = 0, matrix[2] = 0, matrix[3] = 1;
      matrix[4] = -bbox[0], matrix[5] = -bbox[1];
      break;
    }
}

EnrPdfSignatureStatus
enr_pdf_form_import (EnrPdfUpdate *update,
                     const guint8 *appearance,
                     gsize         len,
                     guint         rotation,
                     gsize        *form_number,
                     double        bbox[4])
{
  static const char *const form_keys[] = { "Type", "Subtype", "BBox", "Resources", "Matrix",
                                           NULL };
  g_auto(EnrPdfDocument) doc = { 0 };
  g_auto(EnrPdfDict) catalog = { 0 };
  g_auto(EnrPdfDict) page = { 0 };
  g_auto(EnrPdfDict) contents = { 0 };
  g_autoptr(GHashTable) numbers = g_hash_table_new (NULL, NULL);
  Import import = { &doc, numbers, G_QUEUE_INIT };
  const EnrPdfDictEntry *resources;
  EnrPdfSignatureStatus status;
  gsize page_number;
  gsize contents_number;
  gsize generation;
  gsize start;
  gsize length;
  g_autofree char *header = NULL;
  double matrix[6];

  g_return_val_if_fail (rotation % 90 == 0 && rotation < 360, ENR_PDF_SIGNATURE_MALFORMED);

  status = enr_pdf_document_read (&doc, appearance, len);
  if (status != ENR_PDF_SIGNATURE_OK)
    return status;
  if (!enr_pdf_document_read_dict (&doc, doc.root_number, &generation, &catalog) ||
      !enr_pdf_document_first_page (&doc, &catalog, &page_number) ||
      !enr_pdf_document_read_dict (&doc, page_number, &generation, &page) ||
      !enr_pdf_document_page_box (&doc, page_number, bbox) ||
      !enr_pdf_dict_get_reference (&page, "Contents", &contents_number, &generation) ||
      !enr_pdf_document_read_dict (&doc, contents_number, &generation, &contents) ||
      !enr_pdf_document_stream (&doc, &contents, &start, &length))
    return ENR_PDF_SIGNATURE_MALFORMED;
  form_matrix (bbox, rotation, matrix);

  /* The content stream, made a Form XObject: its own entries (/Filter,
   * /Length) and the page's resources. */
  *form_number = update->next_number++;
  enr_pdf_update_begin_object (update, *form_number, 0);
  header = g_strdup_printf ("<< /Type /XObject /Subtype /Form /BBox [%g %g %g %g]"
                            " /Matrix [%g %g %g %g %g %g] /Resources ",
                            bbox[0], bbox[1], bbox[2], bbox[3], matrix[0], matrix[1],
                            matrix[2], matrix[3], matrix[4], matrix[5]);
  enr_pdf_update_append (update, header);
  resources = enr_pdf_dict_lookup (&page, "Resources");
  if (resources == NULL)
    enr_pdf_update_append (update, "<< >>");
  else if (!append_renumbered (&import, update, page.data, resources->value_start,
                               resources->value_end))
    return ENR_PDF_SIGNATURE_MALFORMED;
  for (guint i = 0; i < contents.entries->len; i++)
    {
      const EnrPdfDictEntry *entry = &g_array_index (contents.entries, EnrPdfDictEntry, i);
      gboolean dropped = FALSE;

      for (guint k = 0; form_keys[k] != NULL; k++)
        dropped |= enr_pdf_dict_entry_is (&contents, entry, form_keys[k]);
      if (dropped)
        continue;
      enr_pdf_update_append (update, " ");
      if (!append_renumbered (&import, update, contents.data, entry->key_start,
                              entry->value_end))
        return ENR_PDF_SIGNATURE_MALFORMED;
    }
  enr_pdf_update_append (update, " >>\nstream\n");
  enr_pdf_update_append_len (update, appearance + start, length);
  enr_pdf_update_append (update, "\nendstream\nendobj\n");

  /* Everything the resources reach: fonts, their descriptors, files and
   * maps, each stream's /Length. */
  while (!g_queue_is_empty (&import.pending))
    {
      gsize old = GPOINTER_TO_SIZE (g_queue_pop_head (&import.pending));

      if (!copy_object (&import, update,
                        old, GPOINTER_TO_SIZE (g_hash_table_lookup (numbers,
                                                                    GSIZE_TO_POINTER (old)))))
        {
          g_queue_clear (&import.pending);
          return ENR_PDF_SIGNATURE_MALFORMED;
        }
    }
  return ENR_PDF_SIGNATURE_OK;
}
