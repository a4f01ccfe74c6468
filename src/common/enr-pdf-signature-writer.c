/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-signature-writer"

#include "config.h"

#include <string.h>

#include "enr-pdf-lexer.h"
#include "enr-pdf-signature-writer.h"
#include "enr-pdf-update.h"
#include "enr-pdf-xref.h"
#include "enr-vietnam-time.h"

#define DEFAULT_CAPACITY 16384
/* "[0 " + three 10-digit numbers with their spaces + "]" */
#define BYTE_RANGE_WIDTH 36

static void
array_append_reference (GString *array,
                        gsize    number)
{
  g_assert (array->len > 0 && array->str[array->len - 1] == ']');
  g_string_truncate (array, array->len - 1);
  g_string_append_printf (array, " %" G_GSIZE_FORMAT " 0 R]", number);
}

/* The dictionary's text with every key in @drop left out, still open
 * (without ">>") so that new entries can follow. */
static GString *
dict_copy_without (const EnrPdfDict  *dict,
                   const char *const *drop)
{
  GString *out = g_string_new ("<<");

  for (guint i = 0; i < dict->entries->len; i++)
    {
      const EnrPdfDictEntry *entry = &g_array_index (dict->entries, EnrPdfDictEntry, i);
      gboolean dropped = FALSE;

      for (guint k = 0; drop[k] != NULL; k++)
        {
          if (enr_pdf_dict_entry_is (dict, entry, drop[k]))
            dropped = TRUE;
        }
      if (dropped)
        continue;
      g_string_append_c (out, ' ');
      g_string_append_len (out, (const char *) dict->data + entry->key_start,
                           entry->value_end - entry->key_start);
    }
  return out;
}

/* A PDF text string: a literal for printable ASCII, else UTF-16BE with a
 * byte-order mark (§7.9.2.2). */
static void
append_text_string (GString    *out,
                    const char *utf8)
{
  gboolean ascii = TRUE;

  for (const char *c = utf8; *c != '\0'; c++)
    {
      if ((guchar) *c < 0x20 || (guchar) *c > 0x7e)
        ascii = FALSE;
    }

  if (ascii)
    {
      g_string_append_c (out, '(');
      for (const char *c = utf8; *c != '\0'; c++)
        {
          if (*c == '(' || *c == ')' || *c == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *c);
        }
      g_string_append_c (out, ')');
    }
  else
    {
      g_autofree gunichar2 *utf16 = NULL;
      glong units = 0;

      utf16 = g_utf8_to_utf16 (utf8, -1, NULL, &units, NULL);
      g_string_append (out, "<FEFF");
      for (glong i = 0; utf16 != NULL && i < units; i++)
        g_string_append_printf (out, "%04X", utf16[i]);
      g_string_append_c (out, '>');
    }
}

static int
compare_offsets (gconstpointer a,
                 gconstpointer b)
{
  const gsize *x = a;
  const gsize *y = b;

  return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* The xref section of the update: one subsection per run of numbers. */
static void
append_xref (EnrPdfUpdate *update)
{
  GArray *offsets = update->offsets;

  g_array_sort (offsets, compare_offsets);
  enr_pdf_update_append (update, "xref\n");
  for (guint i = 0; i < offsets->len;)
    {
      guint run = 1;
      g_autofree char *header = NULL;

      while (i + run < offsets->len &&
             ((gsize *) offsets->data)[2 * (i + run)] == ((gsize *) offsets->data)[2 * i] + run)
        run++;
      header = g_strdup_printf ("%" G_GSIZE_FORMAT " %u\n", ((gsize *) offsets->data)[2 * i], run);
      enr_pdf_update_append (update, header);
      for (guint k = i; k < i + run; k++)
        {
          gsize number = ((gsize *) offsets->data)[2 * k];
          gsize generation = GPOINTER_TO_SIZE (g_hash_table_lookup (update->generations,
                                                                    GSIZE_TO_POINTER (number)));
          g_autofree char *line = g_strdup_printf ("%010" G_GSIZE_FORMAT " %05" G_GSIZE_FORMAT
                                                   " n\r\n",
                                                   ((gsize *) offsets->data)[2 * k + 1],
                                                   generation);

          enr_pdf_update_append (update, line);
        }
      i += run;
    }
}

/* Where object @number begins in the whole file. */
static gsize
object_offset (const EnrPdfUpdate *update,
               gsize               number)
{
  for (guint i = 0; i < update->offsets->len; i++)
    {
      if (((gsize *) update->offsets->data)[2 * i] == number)
        return ((gsize *) update->offsets->data)[2 * i + 1];
    }
  g_assert_not_reached ();
}

static gboolean
widget_fits (const EnrPdfSignatureWidget *widget,
             const double                 box[4])
{
  const double *r = widget->rect;

  return r[0] < r[2] && r[1] < r[3] &&
         r[0] >= box[0] - 0.5 && r[2] <= box[2] + 0.5 &&
         r[1] >= box[1] - 0.5 && r[3] <= box[3] + 0.5;
}

EnrPdfSignatureStatus
enr_pdf_signature_page_info (const guint8 *pdf,
                             gsize         pdf_len,
                             guint         page,
                             guint        *n_pages,
                             double        box[4])
{
  g_auto(EnrPdfDocument) doc = { 0 };
  g_auto(EnrPdfDict) catalog = { 0 };
  g_autoptr(GArray) pages = NULL;
  EnrPdfSignatureStatus status;
  gsize generation;

  g_return_val_if_fail (pdf != NULL && n_pages != NULL && box != NULL,
                        ENR_PDF_SIGNATURE_MALFORMED);

  status = enr_pdf_document_read (&doc, pdf, pdf_len);
  if (status != ENR_PDF_SIGNATURE_OK)
    return status;
  if (!enr_pdf_document_read_dict (&doc, doc.root_number, &generation, &catalog) ||
      (pages = enr_pdf_document_pages (&doc, &catalog, ENR_PDF_MAX_PAGES)) == NULL)
    return ENR_PDF_SIGNATURE_MALFORMED;
  *n_pages = pages->len;
  if (page >= pages->len)
    return ENR_PDF_SIGNATURE_BAD_PLACEMENT;
  if (!enr_pdf_document_page_box (&doc, g_array_index (pages, gsize, page), box))
    return ENR_PDF_SIGNATURE_MALFORMED;
  return ENR_PDF_SIGNATURE_OK;
}

/*
 * Writes, after @pdf, an incremental update (ISO 32000-1 §7.5.6) that adds
 * a signature field (its widget on the chosen page, with its appearance,
 * or invisible on the first), its signature dictionary with a zero-filled
 * /Contents, and an updated catalog and page; the original bytes stay as
 * they are, so every earlier signature stays valid. The /ByteRange is
 * final: the caller hashes what it covers and fills the placeholder.
 */
EnrPdfSignatureStatus
enr_pdf_signature_prepare_update (const guint8                *pdf,
                                  gsize                        pdf_len,
                                  const EnrPdfSignatureParams *params,
                                  GBytes                     **update_bytes,
                                  EnrPdfSignature            **signature)
{
  static const char *const catalog_drop[] = { "AcroForm", NULL };
  static const char *const acroform_drop[] = { "Fields", "SigFlags", NULL };
  static const char *const page_drop[] = { "Annots", NULL };
  const EnrPdfSignatureWidget *widget = params != NULL ? params->widget : NULL;
  g_auto(EnrPdfDocument) doc = { 0 };
  g_auto(EnrPdfDict) catalog = { 0 };
  g_auto(EnrPdfDict) page = { 0 };
  g_auto(EnrPdfUpdate) update = { 0 };
  g_autoptr(GArray) pages = NULL;
  g_autoptr(GString) text = NULL;
  g_autoptr(GString) fields = NULL;
  g_autoptr(GString) annots = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(EnrPdfSignature) sig = NULL;
  g_autofree char *date = NULL;
  g_autofree char *range = NULL;
  EnrPdfSignatureStatus status;
  gsize catalog_generation;
  gsize page_number;
  gsize page_generation;
  gsize field_number;
  gsize sig_number;
  gsize form_number = 0;
  gsize capacity;
  gsize range_offset;
  gsize xref_offset;
  gsize total;
  double box[4];
  const EnrPdfDictEntry *acroform_entry;
  const EnrPdfDictEntry *annots_entry;

  g_return_val_if_fail (pdf != NULL, ENR_PDF_SIGNATURE_NOT_PDF);
  g_return_val_if_fail (params != NULL && params->signing_time != NULL,
                        ENR_PDF_SIGNATURE_MALFORMED);
  g_return_val_if_fail (update_bytes != NULL && *update_bytes == NULL,
                        ENR_PDF_SIGNATURE_MALFORMED);
  g_return_val_if_fail (signature != NULL && *signature == NULL, ENR_PDF_SIGNATURE_MALFORMED);

  status = enr_pdf_document_read (&doc, pdf, pdf_len);
  if (status != ENR_PDF_SIGNATURE_OK)
    return status;
  if (!enr_pdf_document_read_dict (&doc, doc.root_number, &catalog_generation, &catalog) ||
      (pages = enr_pdf_document_pages (&doc, &catalog, ENR_PDF_MAX_PAGES)) == NULL)
    return ENR_PDF_SIGNATURE_MALFORMED;
  if (widget != NULL && widget->page >= pages->len)
    return ENR_PDF_SIGNATURE_BAD_PLACEMENT;
  page_number = g_array_index (pages, gsize, widget != NULL ? widget->page : 0);
  if (!enr_pdf_document_read_dict (&doc, page_number, &page_generation, &page))
    return ENR_PDF_SIGNATURE_MALFORMED;
  if (widget != NULL)
    {
      if (!enr_pdf_document_page_box (&doc, page_number, box))
        return ENR_PDF_SIGNATURE_MALFORMED;
      if (!widget_fits (widget, box) || widget->appearance == NULL)
        return ENR_PDF_SIGNATURE_BAD_PLACEMENT;
    }

  field_number = doc.size;
  sig_number = doc.size + 1;
  capacity = params->contents_capacity > 0 ? params->contents_capacity : DEFAULT_CAPACITY;

  /* The form's fields: the old ones, wherever they were, and ours. */
  acroform_entry = enr_pdf_dict_lookup (&catalog, "AcroForm");
  text = dict_copy_without (&catalog, catalog_drop);
  g_string_append (text, " /AcroForm ");
  if (acroform_entry == NULL)
    g_string_append_printf (text, "<< /Fields [%" G_GSIZE_FORMAT " 0 R] /SigFlags 3 >>",
                            field_number);
  else
    {
      g_auto(EnrPdfDict) acroform = { 0 };
      gsize number;
      gsize generation;
      gsize start = acroform_entry->value_start;
      const EnrPdfDictEntry *fields_entry;
      g_autoptr(GString) form = NULL;

      if (enr_pdf_parse_reference (pdf, acroform_entry->value_start, acroform_entry->value_end,
                                   &number, &generation) &&
          !enr_pdf_document_object_body (&doc, number, &generation, &start))
        return ENR_PDF_SIGNATURE_MALFORMED;
      if (!enr_pdf_dict_parse (pdf, pdf_len, start, &acroform))
        return ENR_PDF_SIGNATURE_MALFORMED;
      fields_entry = enr_pdf_dict_lookup (&acroform, "Fields");
      fields = fields_entry != NULL ? enr_pdf_document_array_text (&doc, fields_entry)
                                    : g_string_new ("[]");
      if (fields == NULL)
        return ENR_PDF_SIGNATURE_MALFORMED;
      array_append_reference (fields, field_number);
      form = dict_copy_without (&acroform, acroform_drop);
      g_string_append_printf (form, " /Fields %s /SigFlags 3 >>", fields->str);
      g_string_append (text, form->str);
    }
  g_string_append (text, " >>");

  /* A file that does not end its last line gets one end of line first. */
  enr_pdf_update_init (&update, pdf_len, doc.size + 2);
  if (pdf_len == 0 || (pdf[pdf_len - 1] != '\n' && pdf[pdf_len - 1] != '\r'))
    enr_pdf_update_append (&update, "\n");

  enr_pdf_update_begin_object (&update, doc.root_number, catalog_generation);
  enr_pdf_update_append (&update, text->str);
  enr_pdf_update_append (&update, "\nendobj\n");

  /* The page lists the widget among its annotations. */
  annots_entry = enr_pdf_dict_lookup (&page, "Annots");
  annots = annots_entry != NULL ? enr_pdf_document_array_text (&doc, annots_entry)
                                : g_string_new ("[]");
  if (annots == NULL)
    return ENR_PDF_SIGNATURE_MALFORMED;
  array_append_reference (annots, field_number);
  g_string_free (g_steal_pointer (&text), TRUE);
  text = dict_copy_without (&page, page_drop);
  g_string_append_printf (text, " /Annots %s >>", annots->str);
  enr_pdf_update_begin_object (&update, page_number, page_generation);
  enr_pdf_update_append (&update, text->str);
  enr_pdf_update_append (&update, "\nendobj\n");

  /* The appearance: the caller's drawing, its fonts embedded. */
  if (widget != NULL)
    {
      double form_box[4];

      status = enr_pdf_form_import (&update, widget->appearance, widget->appearance_len,
                                    &form_number, form_box);
      if (status != ENR_PDF_SIGNATURE_OK)
        return status == ENR_PDF_SIGNATURE_ENCRYPTED ? ENR_PDF_SIGNATURE_MALFORMED : status;
    }

  /* The signature field, merged with its widget annotation: printed and
   * locked (/F 132), invisible (an empty /Rect) or in its box. */
  if (widget == NULL)
    g_string_printf (text, "<< /Type /Annot /Subtype /Widget /FT /Sig /F 132 /Rect [0 0 0 0]");
  else
    g_string_printf (text, "<< /Type /Annot /Subtype /Widget /FT /Sig /F 132"
                     " /Rect [%.2f %.2f %.2f %.2f] /AP << /N %" G_GSIZE_FORMAT " 0 R >>",
                     widget->rect[0], widget->rect[1], widget->rect[2], widget->rect[3],
                     form_number);
  g_string_append_printf (text,
                          " /P %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " R"
                          " /T (Signature%" G_GSIZE_FORMAT ") /V %" G_GSIZE_FORMAT " 0 R >>",
                          page_number, page_generation, field_number, sig_number);
  enr_pdf_update_begin_object (&update, field_number, 0);
  enr_pdf_update_append (&update, text->str);
  enr_pdf_update_append (&update, "\nendobj\n");

  /* Vietnam time, as every date the service's documents carry. */
  local = enr_vietnam_time_from (params->signing_time);
  date = g_date_time_format (local, "D:%Y%m%d%H%M%S+07'00'");
  enr_pdf_update_begin_object (&update, sig_number, 0);
  enr_pdf_update_append (&update, "<< /Type /Sig /Filter /Adobe.PPKLite"
                                  " /SubFilter /ETSI.CAdES.detached /ByteRange ");
  range_offset = update.out->len;
  for (int i = 0; i < BYTE_RANGE_WIDTH; i++)
    enr_pdf_update_append (&update, " ");

  sig = g_new0 (EnrPdfSignature, 1);
  enr_pdf_update_append (&update, " /Contents ");
  sig->contents_offset = enr_pdf_update_position (&update);
  enr_pdf_update_append (&update, "<");
  for (gsize i = 0; i < capacity; i++)
    enr_pdf_update_append (&update, "00");
  enr_pdf_update_append (&update, ">");
  sig->contents_length = enr_pdf_update_position (&update) - sig->contents_offset;

  g_string_printf (text, " /M (%s)", date);
  if (params->signer_name != NULL)
    {
      g_string_append (text, " /Name ");
      append_text_string (text, params->signer_name);
    }
  if (params->reason != NULL)
    {
      g_string_append (text, " /Reason ");
      append_text_string (text, params->reason);
    }
  if (params->location != NULL)
    {
      g_string_append (text, " /Location ");
      append_text_string (text, params->location);
    }
  g_string_append (text, " >>\nendobj\n");
  enr_pdf_update_append (&update, text->str);

  xref_offset = enr_pdf_update_position (&update);
  append_xref (&update);
  g_string_printf (text,
                   "trailer\n<< /Size %" G_GSIZE_FORMAT " /Root %" G_GSIZE_FORMAT " %"
                   G_GSIZE_FORMAT " R /Prev %" G_GSIZE_FORMAT "%s >>\nstartxref\n%"
                   G_GSIZE_FORMAT "\n%%%%EOF\n",
                   update.next_number, doc.root_number, catalog_generation, doc.last_xref,
                   doc.info->str, xref_offset);
  enr_pdf_update_append (&update, text->str);
  total = enr_pdf_update_position (&update);

  sig->byte_range[0] = 0;
  sig->byte_range[1] = sig->contents_offset;
  sig->byte_range[2] = sig->contents_offset + sig->contents_length;
  sig->byte_range[3] = total - sig->byte_range[2];
  range = g_strdup_printf ("[0 %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT "]",
                           sig->byte_range[1], sig->byte_range[2], sig->byte_range[3]);
  g_assert (strlen (range) <= BYTE_RANGE_WIDTH);
  memcpy (update.out->data + range_offset, range, strlen (range));

  /* Where "<<" of the signature dictionary is: after "N 0 obj\n". */
  sig->dictionary_offset = object_offset (&update, sig_number);
  while (update.out->data[sig->dictionary_offset - pdf_len] != '<')
    sig->dictionary_offset++;
  sig->filter = g_strdup ("Adobe.PPKLite");
  sig->sub_filter = g_strdup ("ETSI.CAdES.detached");
  sig->signing_time = g_strdup (date);

  *update_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&update.out));
  *signature = g_steal_pointer (&sig);
  return ENR_PDF_SIGNATURE_OK;
}

EnrPdfSignatureStatus
enr_pdf_signature_prepare (const guint8                *pdf,
                           gsize                        pdf_len,
                           const EnrPdfSignatureParams *params,
                           GBytes                     **prepared,
                           EnrPdfSignature            **signature)
{
  g_autoptr(GBytes) update = NULL;
  EnrPdfSignatureStatus status;
  GByteArray *whole;

  g_return_val_if_fail (prepared != NULL && *prepared == NULL, ENR_PDF_SIGNATURE_MALFORMED);

  status = enr_pdf_signature_prepare_update (pdf, pdf_len, params, &update, signature);
  if (status != ENR_PDF_SIGNATURE_OK)
    return status;
  whole = g_byte_array_sized_new (pdf_len + g_bytes_get_size (update));
  g_byte_array_append (whole, pdf, pdf_len);
  g_byte_array_append (whole, g_bytes_get_data (update, NULL), g_bytes_get_size (update));
  *prepared = g_byte_array_free_to_bytes (whole);
  return ENR_PDF_SIGNATURE_OK;
}

EnrPdfSignatureStatus
enr_pdf_signature_fill (guint8                *pdf,
                        gsize                  pdf_len,
                        const EnrPdfSignature *signature,
                        const guint8          *cms,
                        gsize                  cms_len)
{
  static const char hex[] = "0123456789ABCDEF";
  gsize capacity;
  guint8 *out;

  g_return_val_if_fail (pdf != NULL, ENR_PDF_SIGNATURE_MALFORMED);
  g_return_val_if_fail (signature != NULL, ENR_PDF_SIGNATURE_MALFORMED);
  g_return_val_if_fail (cms != NULL || cms_len == 0, ENR_PDF_SIGNATURE_MALFORMED);

  if (signature->contents_length < 2 ||
      signature->contents_offset > pdf_len - signature->contents_length ||
      pdf[signature->contents_offset] != '<' ||
      pdf[signature->contents_offset + signature->contents_length - 1] != '>')
    return ENR_PDF_SIGNATURE_MALFORMED;

  capacity = (signature->contents_length - 2) / 2;
  if (cms_len > capacity)
    return ENR_PDF_SIGNATURE_TOO_LARGE;

  out = pdf + signature->contents_offset + 1;
  for (gsize i = 0; i < cms_len; i++)
    {
      *out++ = hex[cms[i] >> 4];
      *out++ = hex[cms[i] & 0x0f];
    }
  memset (out, '0', signature->contents_length - 2 - 2 * cms_len);
  return ENR_PDF_SIGNATURE_OK;
}
