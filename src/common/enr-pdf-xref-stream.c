/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-xref"

#include "config.h"

#include "enr-pdf-xref-private.h"

/* §7.5.8.2: /W's fields; wider than a gsize is no offset in a file. */
#define MAX_FIELD_WIDTH 8
/* /Index pairs: more than this is no file a writer makes. */
#define MAX_SUBSECTIONS 65536

/* The integers of an array value, at most @max of them. */
static GArray *
read_sizes (const EnrPdfDict *dict,
            const char       *key,
            guint             max)
{
  const EnrPdfDictEntry *entry = enr_pdf_dict_lookup (dict, key);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gsize));
  EnrPdfLexer lx = { dict->data, 0, 0 };

  if (entry == NULL)
    return NULL;
  lx.len = entry->value_end;
  lx.pos = entry->value_start;
  if (enr_pdf_next_token (&lx).type != ENR_PDF_TOKEN_ARRAY_OPEN)
    return NULL;
  for (;;)
    {
      EnrPdfToken tok = enr_pdf_next_token (&lx);
      gsize value;

      if (tok.type == ENR_PDF_TOKEN_ARRAY_CLOSE)
        return g_steal_pointer (&values);
      if (values->len >= max || !enr_pdf_token_to_size (&lx, tok, &value))
        return NULL;
      g_array_append_val (values, value);
    }
}

/* A big-endian field of @width bytes; @fallback when the width is 0. */
static gsize
field (const guint8 *data,
       gsize         width,
       gsize         fallback)
{
  gsize value = 0;

  if (width == 0)
    return fallback;
  for (gsize i = 0; i < width; i++)
    value = (value << 8) | data[i];
  return value;
}

/* The entries of the decoded stream, for the subsections @index names. */
static EnrPdfSignatureStatus
read_entries (const EnrPdfDocument *doc,
              GBytes               *decoded,
              const gsize           w[3],
              GArray               *index,
              GHashTable           *section,
              gboolean              over_free)
{
  gsize width = w[0] + w[1] + w[2];
  gsize len;
  const guint8 *data = g_bytes_get_data (decoded, &len);
  gsize rows = len / width;
  gsize row = 0;

  for (guint i = 0; i < index->len; i += 2)
    {
      gsize first = g_array_index (index, gsize, i);
      gsize count = g_array_index (index, gsize, i + 1);

      if (count > rows - row || first > G_MAXUINT32 - count)
        return ENR_PDF_SIGNATURE_MALFORMED;
      for (gsize k = 0; k < count; k++, row++)
        {
          const guint8 *at = data + row * width;
          /* Without a type field, every entry is in the file (Table 17). */
          gsize type = field (at, w[0], 1);
          EnrPdfXrefEntry entry;

          entry.offset = field (at + w[0], w[1], 0);
          entry.generation = field (at + w[0] + w[1], w[2], 0);
          switch (type)
            {
            case 0:
              entry.kind = ENR_PDF_XREF_FREE;
              break;
            case 1:
              entry.kind = ENR_PDF_XREF_IN_FILE;
              if (entry.offset >= doc->len)
                return ENR_PDF_SIGNATURE_MALFORMED;
              break;
            case 2:
              entry.kind = ENR_PDF_XREF_COMPRESSED;
              break;
            default:
              /* §7.5.8.3: any other type is a reference to the null object. */
              continue;
            }
          _enr_pdf_xref_section_add (section, first + k, &entry, over_free);
        }
    }
  return ENR_PDF_SIGNATURE_OK;
}

EnrPdfSignatureStatus
_enr_pdf_xref_stream_read (EnrPdfDocument *doc,
                           gsize           offset,
                           GHashTable     *section,
                           gboolean        over_free,
                           EnrPdfDict     *dict)
{
  EnrPdfLexer lx = { doc->pdf, doc->len, offset };
  g_autofree char *type = NULL;
  g_autoptr(GArray) w = NULL;
  g_autoptr(GArray) index = NULL;
  g_autoptr(GBytes) decoded = NULL;
  EnrPdfSignatureStatus status;
  gsize number;
  gsize generation;
  gsize size;

  if (!enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &number) ||
      !enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &generation) ||
      !enr_pdf_token_is (&lx, enr_pdf_next_token (&lx), ENR_PDF_TOKEN_KEYWORD, "obj") ||
      !enr_pdf_dict_parse (doc->pdf, doc->len, lx.pos, dict))
    return ENR_PDF_SIGNATURE_MALFORMED;
  /* Told before anything is decoded: its streams would be ciphertext. */
  if (enr_pdf_dict_lookup (dict, "Encrypt") != NULL)
    return ENR_PDF_SIGNATURE_ENCRYPTED;
  type = enr_pdf_dict_get_name (dict, "Type");
  w = read_sizes (dict, "W", 3);
  if (g_strcmp0 (type, "XRef") != 0 || !enr_pdf_dict_get_size (dict, doc->len, "Size", &size) ||
      size > G_MAXUINT32 || w == NULL || w->len != 3)
    return ENR_PDF_SIGNATURE_MALFORMED;
  for (guint i = 0; i < 3; i++)
    {
      if (g_array_index (w, gsize, i) > MAX_FIELD_WIDTH)
        return ENR_PDF_SIGNATURE_MALFORMED;
    }
  if (g_array_index (w, gsize, 0) + g_array_index (w, gsize, 1) + g_array_index (w, gsize, 2) == 0)
    return ENR_PDF_SIGNATURE_MALFORMED;

  if (enr_pdf_dict_lookup (dict, "Index") != NULL)
    {
      index = read_sizes (dict, "Index", 2 * MAX_SUBSECTIONS);
      if (index == NULL || index->len % 2 != 0)
        return ENR_PDF_SIGNATURE_MALFORMED;
    }
  else
    {
      gsize whole[2] = { 0, size };

      index = g_array_new (FALSE, FALSE, sizeof (gsize));
      g_array_append_vals (index, whole, 2);
    }

  status = _enr_pdf_document_decode (doc, dict, &decoded);
  if (status != ENR_PDF_SIGNATURE_OK)
    {
      g_debug ("cross-reference stream at %" G_GSIZE_FORMAT ": %s", offset,
               enr_pdf_signature_status_to_string (status));
      return status;
    }
  return read_entries (doc, decoded, (const gsize *) w->data, index, section, over_free);
}
