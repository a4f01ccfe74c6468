/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-page"

#include "config.h"

#include "enr-pdf-page.h"

/* The reference of the first kid of @node's /Kids, or FALSE. */
static gboolean
first_kid (const EnrPdfDict *node,
           gsize            *kid)
{
  const EnrPdfDictEntry *kids = enr_pdf_dict_lookup (node, "Kids");
  EnrPdfLexer lx = { node->data, 0, 0 };
  gsize generation;

  if (kids == NULL || node->data[kids->value_start] != '[')
    return FALSE;
  lx.pos = kids->value_start + 1;
  lx.len = kids->value_end;
  return enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), kid) &&
         enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &generation) &&
         enr_pdf_token_is (&lx, enr_pdf_next_token (&lx), ENR_PDF_TOKEN_KEYWORD, "R");
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

      if (!enr_pdf_document_read_dict (doc, current, &generation, &node))
        return FALSE;
      type = enr_pdf_dict_get_name (&node, "Type");
      if (g_strcmp0 (type, "Page") == 0)
        {
          *number = current;
          return TRUE;
        }
      if (!first_kid (&node, &current))
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
  EnrPdfLexer lx = { NULL, 0, 0 };
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
  if (kids == NULL || node.data[kids->value_start] != '[')
    return FALSE;
  lx = (EnrPdfLexer) { node.data, kids->value_end, kids->value_start + 1 };
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

/* A number token's value. */
static gboolean
token_to_double (const EnrPdfLexer *lx,
                 EnrPdfToken        tok,
                 double            *value)
{
  g_autofree char *text = NULL;
  char *end = NULL;

  if (tok.type != ENR_PDF_TOKEN_NUMBER)
    return FALSE;
  text = g_strndup ((const char *) lx->data + tok.start, tok.end - tok.start);
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0';
}

/* A rectangle (§7.9.5), in place or a reference to one; any two opposite
 * corners may be written: normalised, lower left first. */
static gboolean
read_rectangle (const EnrPdfDocument  *doc,
                const EnrPdfDict      *dict,
                const EnrPdfDictEntry *entry,
                double                 box[4])
{
  g_autoptr(GString) text = enr_pdf_document_array_text (doc, dict, entry);
  EnrPdfLexer lx = { NULL, 0, 0 };
  double lower_x;
  double lower_y;

  if (text == NULL)
    return FALSE;
  lx = (EnrPdfLexer) { (const guint8 *) text->str, text->len, 0 };
  enr_pdf_next_token (&lx);   /* [ */
  for (int i = 0; i < 4; i++)
    {
      if (!token_to_double (&lx, enr_pdf_next_token (&lx), &box[i]))
        return FALSE;
    }
  if (enr_pdf_next_token (&lx).type != ENR_PDF_TOKEN_ARRAY_CLOSE)
    return FALSE;
  lower_x = MIN (box[0], box[2]);
  lower_y = MIN (box[1], box[3]);
  box[2] = MAX (box[0], box[2]);
  box[3] = MAX (box[1], box[3]);
  box[0] = lower_x;
  box[1] = lower_y;
  return TRUE;
}

typedef struct
{
  gboolean has_media;
  gboolean has_crop;
  gboolean has_rotate;
  double   media[4];
  double   crop[4];
  double   rotate;
} PageAttributes;

/* A page's inheritable attributes (§7.7.3.4): each from the page itself
 * or from its nearest parent that has it. */
static gboolean
read_attributes (const EnrPdfDocument *doc,
                 gsize                 page,
                 PageAttributes       *attributes)
{
  gsize current = page;

  *attributes = (PageAttributes) { 0 };
  for (guint depth = 0; depth < ENR_PDF_MAX_DEPTH; depth++)
    {
      g_auto(EnrPdfDict) node = { 0 };
      const EnrPdfDictEntry *entry;
      gsize generation;

      if (!enr_pdf_document_read_dict (doc, current, &generation, &node))
        return FALSE;
      if (!attributes->has_media && (entry = enr_pdf_dict_lookup (&node, "MediaBox")) != NULL)
        {
          if (!read_rectangle (doc, &node, entry, attributes->media))
            return FALSE;
          attributes->has_media = TRUE;
        }
      if (!attributes->has_crop && (entry = enr_pdf_dict_lookup (&node, "CropBox")) != NULL)
        attributes->has_crop = read_rectangle (doc, &node, entry, attributes->crop);
      if (!attributes->has_rotate && (entry = enr_pdf_dict_lookup (&node, "Rotate")) != NULL)
        {
          EnrPdfLexer lx = { node.data, entry->value_end, entry->value_start };

          attributes->has_rotate = token_to_double (&lx, enr_pdf_next_token (&lx),
                                                    &attributes->rotate);
        }
      if (enr_pdf_dict_lookup (&node, "Parent") == NULL)
        return attributes->has_media;
      if (!enr_pdf_dict_get_reference (&node, "Parent", &current, &generation))
        return FALSE;
    }
  return FALSE;
}

gboolean
enr_pdf_document_page_box (const EnrPdfDocument *doc,
                           gsize                 page,
                           double                box[4])
{
  PageAttributes attributes;

  if (!read_attributes (doc, page, &attributes))
    return FALSE;
  for (int i = 0; i < 4; i++)
    box[i] = attributes.media[i];
  return box[2] > box[0] && box[3] > box[1];
}

gboolean
enr_pdf_document_page_view (const EnrPdfDocument *doc,
                            gsize                 page,
                            double                visible[4],
                            guint                *rotation)
{
  PageAttributes attributes;
  const double *media = attributes.media;
  double turns;

  if (!read_attributes (doc, page, &attributes) || media[2] <= media[0] || media[3] <= media[1])
    return FALSE;
  for (int i = 0; i < 4; i++)
    visible[i] = attributes.has_crop ? attributes.crop[i] : media[i];
  /* Viewers show the crop box within the media box; one outside it
   * altogether leaves the media box shown. */
  visible[0] = MAX (visible[0], media[0]);
  visible[1] = MAX (visible[1], media[1]);
  visible[2] = MIN (visible[2], media[2]);
  visible[3] = MIN (visible[3], media[3]);
  if (visible[2] <= visible[0] || visible[3] <= visible[1])
    {
      for (int i = 0; i < 4; i++)
        visible[i] = media[i];
    }

  turns = attributes.has_rotate ? attributes.rotate / 90 : 0;
  if (ABS (turns) > 1e6 || turns != (double) (gint64) turns)
    turns = 0;
  *rotation = (guint) ((((gint64) turns % 4) + 4) % 4) * 90;
  return TRUE;
}
