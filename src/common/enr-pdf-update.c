/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-update"

#include "config.h"

#include <string.h>

#include "enr-pdf-update.h"

void
enr_pdf_update_init (EnrPdfUpdate *update,
                     gsize         base,
                     gsize         next_number)
{
  update->out = g_byte_array_new ();
  update->base = base;
  update->offsets = g_array_new (FALSE, FALSE, 2 * sizeof (gsize));
  update->generations = g_hash_table_new (NULL, NULL);
  update->next_number = next_number;
}

void
enr_pdf_update_clear (EnrPdfUpdate *update)
{
  g_clear_pointer (&update->out, g_byte_array_unref);
  g_clear_pointer (&update->offsets, g_array_unref);
  g_clear_pointer (&update->generations, g_hash_table_unref);
}

gsize
enr_pdf_update_position (const EnrPdfUpdate *update)
{
  return update->base + update->out->len;
}

void
enr_pdf_update_append_len (EnrPdfUpdate *update,
                           const guint8 *data,
                           gsize         len)
{
  g_byte_array_append (update->out, data, len);
}

void
enr_pdf_update_append (EnrPdfUpdate *update,
                       const char   *text)
{
  g_byte_array_append (update->out, (const guint8 *) text, strlen (text));
}

void
enr_pdf_update_begin_object (EnrPdfUpdate *update,
                             gsize         number,
                             gsize         generation)
{
  gsize entry[2] = { number, enr_pdf_update_position (update) };
  g_autofree char *header = NULL;

  g_array_append_vals (update->offsets, entry, 1);
  g_hash_table_insert (update->generations, GSIZE_TO_POINTER (number),
                       GSIZE_TO_POINTER (generation));
  header = g_strdup_printf ("%" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " obj\n", number, generation);
  enr_pdf_update_append (update, header);
}

static int
compare_offsets (gconstpointer a,
                 gconstpointer b)
{
  const gsize *x = a;
  const gsize *y = b;

  return x[0] < y[0] ? -1 : x[0] > y[0];
}

static gsize
generation_of (const EnrPdfUpdate *update,
               gsize               number)
{
  return GPOINTER_TO_SIZE (g_hash_table_lookup (update->generations, GSIZE_TO_POINTER (number)));
}

/* How many objects from the @i-th of the sorted offsets on have numbers
 * that follow one another: one subsection. */
static guint
run_length (const EnrPdfUpdate *update,
            guint               i)
{
  const gsize *pairs = (const gsize *) update->offsets->data;
  guint run = 1;

  while (i + run < update->offsets->len && pairs[2 * (i + run)] == pairs[2 * i] + run)
    run++;
  return run;
}

/* A classic section (§7.5.4): one subsection per run of numbers. */
static void
append_xref_table (EnrPdfUpdate *update)
{
  const gsize *pairs = (const gsize *) update->offsets->data;

  enr_pdf_update_append (update, "xref\n");
  for (guint i = 0; i < update->offsets->len;)
    {
      guint run = run_length (update, i);
      g_autofree char *header = g_strdup_printf ("%" G_GSIZE_FORMAT " %u\n", pairs[2 * i], run);

      enr_pdf_update_append (update, header);
      for (guint k = i; k < i + run; k++)
        {
          g_autofree char *line = g_strdup_printf ("%010" G_GSIZE_FORMAT " %05" G_GSIZE_FORMAT
                                                   " n\r\n", pairs[2 * k + 1],
                                                   generation_of (update, pairs[2 * k]));

          enr_pdf_update_append (update, line);
        }
      i += run;
    }
}

/* The bytes a big-endian field needs for @value; one at least. */
static guint
width_of (gsize value)
{
  guint width = 1;

  while (width < sizeof (gsize) && value >> (8 * width) != 0)
    width++;
  return width;
}

static void
append_field (GByteArray *data,
              gsize       value,
              guint       width)
{
  for (guint i = width; i > 0; i--)
    {
      guint8 byte = (guint8) (value >> (8 * (i - 1)));

      g_byte_array_append (data, &byte, 1);
    }
}

/* A cross-reference stream (§7.5.8) that lists itself too, uncompressed:
 * type 1, the offset and the generation, each field as wide as it needs;
 * its dictionary is the trailer. Ends with what follows "trailer" in a
 * table: the dictionary's entries but /Type, /W, /Index and /Length. */
static void
append_xref_stream (EnrPdfUpdate *update,
                    const char   *trailer)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GString) index = g_string_new (NULL);
  g_autofree char *dict = NULL;
  const gsize *pairs;
  gsize max_offset = 0;
  gsize max_generation = 0;
  guint offset_width;
  guint generation_width;

  enr_pdf_update_begin_object (update, update->next_number++, 0);
  g_array_sort (update->offsets, compare_offsets);
  pairs = (const gsize *) update->offsets->data;
  for (guint i = 0; i < update->offsets->len; i++)
    {
      max_offset = MAX (max_offset, pairs[2 * i + 1]);
      max_generation = MAX (max_generation, generation_of (update, pairs[2 * i]));
    }
  offset_width = width_of (max_offset);
  generation_width = width_of (max_generation);
  for (guint i = 0; i < update->offsets->len;)
    {
      guint run = run_length (update, i);

      g_string_append_printf (index, "%s%" G_GSIZE_FORMAT " %u", index->len > 0 ? " " : "",
                              pairs[2 * i], run);
      i += run;
    }
  for (guint i = 0; i < update->offsets->len; i++)
    {
      append_field (data, 1, 1);
      append_field (data, pairs[2 * i + 1], offset_width);
      append_field (data, generation_of (update, pairs[2 * i]), generation_width);
    }
  dict = g_strdup_printf ("<< /Type /XRef /W [1 %u %u] /Index [%s]%s /Length %u >>\nstream\n",
                          offset_width, generation_width, index->str, trailer, data->len);
  enr_pdf_update_append (update, dict);
  enr_pdf_update_append_len (update, data->data, data->len);
  enr_pdf_update_append (update, "\nendstream\nendobj\n");
}

void
enr_pdf_update_finish (EnrPdfUpdate         *update,
                       const EnrPdfDocument *doc)
{
  gsize xref_offset = enr_pdf_update_position (update);
  g_autofree char *trailer = NULL;
  g_autofree char *end = NULL;

  g_return_if_fail (update != NULL && doc != NULL && doc->info != NULL);

  if (doc->last_xref_stream)
    {
      /* Its own number counts in /Size: taken before the trailer is said. */
      trailer = g_strdup_printf (" /Size %" G_GSIZE_FORMAT " /Root %" G_GSIZE_FORMAT " %"
                                 G_GSIZE_FORMAT " R /Prev %" G_GSIZE_FORMAT "%s",
                                 update->next_number + 1, doc->root_number,
                                 doc->root_generation, doc->last_xref, doc->info->str);
      append_xref_stream (update, trailer);
    }
  else
    {
      g_array_sort (update->offsets, compare_offsets);
      append_xref_table (update);
      trailer = g_strdup_printf ("trailer\n<< /Size %" G_GSIZE_FORMAT " /Root %" G_GSIZE_FORMAT
                                 " %" G_GSIZE_FORMAT " R /Prev %" G_GSIZE_FORMAT "%s >>\n",
                                 update->next_number, doc->root_number, doc->root_generation,
                                 doc->last_xref, doc->info->str);
      enr_pdf_update_append (update, trailer);
    }
  end = g_strdup_printf ("startxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n", xref_offset);
  enr_pdf_update_append (update, end);
}
