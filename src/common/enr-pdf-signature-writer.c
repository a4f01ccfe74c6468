/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-signature-writer"

#include "config.h"

#include <string.h>

#include "enr-pdf-lexer.h"
#include "enr-pdf-page.h"
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
             const EnrPdfPageInfo        *info)
{
  const double *r = widget->rect;

  return r[0] < r[2] && r[1] < r[3] &&
         r[0] >= -0.5 && r[2] <= info->width + 0.5 &&
         r[1] >= -0.5 && r[3] <= info->height + 0.5;
}

void
enr_pdf_signature_rect_to_user_space (const EnrPdfPageInfo *info,
                                      const double          rect[4],
                                      double                user[4])
{
  const double *v = info->visible;
  double corners[2][2];

  g_return_if_fail (info != NULL && rect != NULL && user != NULL);

  /* Each corner of the page as shown, back in default user space: the
   * page turned back, counter-clockwise, and the crop box's corner added. */
  for (int i = 0; i < 2; i++)
    {
      double u = rect[2 * i];
      double w = rect[2 * i + 1];

      switch (info->rotation)
        {
        case 90:
          corners[i][0] = v[2] - w;
          corners[i][1] = v[1] + u;
          break;
        case 180:
          corners[i][0] = v[2] - u;
          corners[i][1] = v[3] - w;
          break;
        case 270:
          corners[i][0] = v[0] + w;
          corners[i][1] = v[3] - u;
          break;
        default:
          corners[i][0] = v[0] + u;
          corners[i][1] = v[1] + w;
          break;
        }
    }
  user[0] = MIN (corners[0][0], corners[1][0]);
  user[1] = MIN (corners[0][1], corners[1][1]);
  user[2] = MAX (corners[0][0], corners[1][0]);
  user[3] = MAX (corners[0][1], corners[1][1]);
}

/* Page @page of @doc as a viewer shows it. */
static gboolean
read_page_info (const EnrPdfDocument *doc,
                gsize                 page,
                EnrPdfPageInfo       *info)
{
  gboolean turned;

  if (!enr_pdf_document_page_view (doc, page, info->visible, &info->rotation))
    return FALSE;
  turned = info->rotation == 90 || info->rotation == 270;
  info->width = turned ? info->visible[3] - info->visible[1] : info->visible[2] - info->visible[0];
  info->height = turned ? info->visible[2] - info->visible[0] : info->visible[3] - info->visible[1];
  return TRUE;
}

/* The catalog and the pages of @doc; NULL: enr_pdf_document_failure()
 * says why not. */
static GArray *
read_pages (const EnrPdfDocument  *doc,
            gsize                 *catalog_generation,
            EnrPdfDict            *catalog)
{
  if (!enr_pdf_document_read_dict (doc, doc->root_number, catalog_generation, catalog))
    return NULL;
  return enr_pdf_document_pages (doc, catalog, ENR_PDF_MAX_PAGES);
}

EnrPdfSignatureStatus
enr_pdf_signature_page_info (const guint8   *pdf,
                             gsize           pdf_len,
                             guint           page,
                             guint          *n_pages,
                             EnrPdfPageInfo *info)
{
  g_auto(EnrPdfDocument) doc = { 0 };
  g_auto(EnrPdfDict) catalog = { 0 };
  g_autoptr(GArray) pages = NULL;
  EnrPdfSignatureStatus status;
  gsize generation;

  g_return_val_if_fail (pdf != NULL && n_pages != NULL && info != NULL,
                        ENR_PDF_SIGNATURE_MALFORMED);

  status = enr_pdf_document_read (&doc, pdf, pdf_len);
  if (status != ENR_PDF_SIGNATURE_OK)
    return status;
  pages = read_pages (&doc, &generation, &catalog);
  if (pages == NULL)
    return enr_pdf_document_failure (&doc);
  *n_pages = pages->len;
  if (page >= pages->len)
    return ENR_PDF_SIGNATURE_BAD_PLACEMENT;
  if (!read_page_info (&doc, g_array_index (pages, gsize, page), info))
    return enr_pdf_document_failure (&doc);
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
  gsize total;
  EnrPdfPageInfo page_info = { 0 };
  double rect[4];
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
  pages = read_pages (&doc, &catalog_generation, &catalog);
  if (pages == NULL)
    return enr_pdf_document_failure (&doc);
  if (widget != NULL && widget->page >= pages->len)
    return ENR_PDF_SIGNATURE_BAD_PLACEMENT;
  page_number = g_array_index (pages, gsize, widget != NULL ? widget->page : 0);
  if (!enr_pdf_document_read_dict (&doc, page_number, &page_generation, &page))
    return enr_pdf_document_failure (&doc);
  if (widget != NULL)
    {
      if (!read_page_info (&doc, page_number, &page_info))
        return enr_pdf_document_failure (&doc);
      if (!widget_fits (widget, &page_info) || widget->appearance == NULL)
        return ENR_PDF_SIGNATURE_BAD_PLACEMENT;
      enr_pdf_signature_rect_to_user_space (&page_info, widget->rect, rect);
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
      EnrPdfObject object = { catalog.data, catalog.end, acroform_entry->value_start, 0, TRUE };
      const EnrPdfDictEntry *fields_entry;
      g_autoptr(GString) form = NULL;

      if (enr_pdf_parse_reference (catalog.data, acroform_entry->value_start,
                                   acroform_entry->value_end, &number, &generation) &&
          !enr_pdf_document_find_object (&doc, number, &object))
        return enr_pdf_document_failure (&doc);
      if (!enr_pdf_dict_parse (object.data, object.len, object.body, &acroform))
        return ENR_PDF_SIGNATURE_MALFORMED;
      fields_entry = enr_pdf_dict_lookup (&acroform, "Fields");
      fields = fields_entry != NULL ? enr_pdf_document_array_text (&doc, &acroform, fields_entry)
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
  annots = annots_entry != NULL ? enr_pdf_document_array_text (&doc, &page, annots_entry)
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
                                    page_info.rotation, &form_number, form_box);
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
                     rect[0], rect[1], rect[2], rect[3], form_number);
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

  enr_pdf_update_finish (&update, &doc);
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
