/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-signature"
#define _GNU_SOURCE   /* memmem */

#include "config.h"

#include <string.h>

#include "enr-pdf-lexer.h"
#include "enr-pdf-signature.h"

const char *
enr_pdf_signature_status_to_string (EnrPdfSignatureStatus status)
{
  switch (status)
    {
    case ENR_PDF_SIGNATURE_OK:
      return "ok";
    case ENR_PDF_SIGNATURE_NOT_PDF:
      return "not a PDF file";
    case ENR_PDF_SIGNATURE_MALFORMED:
      return "malformed PDF structure";
    case ENR_PDF_SIGNATURE_UNSUPPORTED:
      return "a stream filter or predictor this reader does not know";
    case ENR_PDF_SIGNATURE_NO_SIGNATURE:
      return "no signature dictionary";
    case ENR_PDF_SIGNATURE_NOT_WHOLE_FILE:
      return "/ByteRange does not cover the whole file except /Contents";
    case ENR_PDF_SIGNATURE_TOO_LARGE:
      return "the CMS does not fit the /Contents placeholder";
    case ENR_PDF_SIGNATURE_ENCRYPTED:
      return "an encrypted PDF";
    case ENR_PDF_SIGNATURE_BAD_PLACEMENT:
      return "no such page, or the box is not on it";
    case ENR_PDF_SIGNATURE_STREAM_TOO_LARGE:
      return "a compressed stream inflates to more than this file may hold";
    default:
      return "unknown";
    }
}

void
enr_pdf_signature_free (EnrPdfSignature *signature)
{
  if (signature == NULL)
    return;
  g_free (signature->filter);
  g_free (signature->sub_filter);
  g_free (signature->signing_time);
  g_clear_pointer (&signature->contents, g_bytes_unref);
  g_free (signature);
}

/* The DER length of a SEQUENCE at @data (tag, length and content), or 0. */
static gsize
der_sequence_length (const guint8 *data,
                     gsize         len)
{
  gsize header = 2;
  gsize content;

  if (len < 2 || data[0] != 0x30)
    return 0;
  if (data[1] < 0x80)
    content = data[1];
  else
    {
      guint n = data[1] & 0x7f;

      if (n == 0 || n > 4 || len < 2 + n)
        return 0;
      content = 0;
      for (guint i = 0; i < n; i++)
        content = (content << 8) | data[2 + i];
      header += n;
    }
  if (content > len - header)
    return 0;
  return header + content;
}

static GBytes *
decode_contents (const guint8 *text,
                 gsize         len)
{
  g_autoptr(GByteArray) bytes = g_byte_array_sized_new (len / 2);
  int high = -1;
  gsize der_len;

  for (gsize i = 1; i + 1 < len; i++)
    {
      int value = g_ascii_xdigit_value (text[i]);

      if (value < 0)
        continue;
      if (high < 0)
        high = value;
      else
        {
          guint8 byte = (guint8) ((high << 4) | value);

          g_byte_array_append (bytes, &byte, 1);
          high = -1;
        }
    }
  if (high >= 0)
    {
      /* §7.3.4.3: a missing last digit reads as 0. */
      guint8 byte = (guint8) (high << 4);

      g_byte_array_append (bytes, &byte, 1);
    }

  /* The placeholder is wider than the CMS: keep what the DER says. */
  der_len = der_sequence_length (bytes->data, bytes->len);
  if (der_len > 0)
    g_byte_array_set_size (bytes, der_len);
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

static gboolean
parse_byte_range (const guint8          *data,
                  const EnrPdfDictEntry *entry,
                  gsize                  range[4])
{
  EnrPdfLexer lx = { data, entry->value_end, entry->value_start };

  if (enr_pdf_next_token (&lx).type != ENR_PDF_TOKEN_ARRAY_OPEN)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      if (!enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &range[i]))
        return FALSE;
    }
  return enr_pdf_next_token (&lx).type == ENR_PDF_TOKEN_ARRAY_CLOSE;
}

/* The "N G obj" that opens the object around @pos, searching backwards;
 * returns where its body starts. */
static gboolean
find_enclosing_object (const guint8 *pdf,
                       gsize         pos,
                       gsize        *body)
{
  while (pos >= 3)
    {
      const guint8 *hit = enr_pdf_find_last (pdf, pos, "obj");
      gsize obj;
      gsize start;
      int numbers = 0;

      if (hit == NULL)
        return FALSE;
      obj = hit - pdf;
      pos = obj;
      /* "endobj" and words that merely contain "obj" are not it. */
      if (!enr_pdf_is_white (pdf[obj + 3]) && !enr_pdf_is_delimiter (pdf[obj + 3]))
        continue;
      if (obj == 0 || !enr_pdf_is_white (pdf[obj - 1]))
        continue;

      /* Two integers before it. */
      start = obj;
      while (numbers < 2)
        {
          gsize digits_end;

          while (start > 0 && enr_pdf_is_white (pdf[start - 1]))
            start--;
          digits_end = start;
          while (start > 0 && g_ascii_isdigit (pdf[start - 1]))
            start--;
          if (start == digits_end)
            break;
          numbers++;
        }
      if (numbers == 2 && (start == 0 || enr_pdf_is_white (pdf[start - 1])))
        {
          *body = obj + 3;
          return TRUE;
        }
    }
  return FALSE;
}

/* The signature dictionary around the "/ByteRange" at @hit. */
static EnrPdfSignatureStatus
read_signature_at (const guint8     *pdf,
                   gsize             pdf_len,
                   gsize             hit,
                   EnrPdfSignature **signature)
{
  g_autoptr(EnrPdfSignature) sig = NULL;
  g_auto(EnrPdfDict) dict = { 0 };
  const EnrPdfDictEntry *range_entry;
  const EnrPdfDictEntry *contents_entry;
  gsize body;
  gsize contents_end;

  if (!find_enclosing_object (pdf, hit, &body) ||
      !enr_pdf_dict_parse (pdf, pdf_len, body, &dict))
    return ENR_PDF_SIGNATURE_MALFORMED;

  range_entry = enr_pdf_dict_lookup (&dict, "ByteRange");
  contents_entry = enr_pdf_dict_lookup (&dict, "Contents");
  if (range_entry == NULL || range_entry->key_start != hit ||
      contents_entry == NULL || pdf[contents_entry->value_start] != '<' ||
      pdf[contents_entry->value_start + 1] == '<')
    return ENR_PDF_SIGNATURE_MALFORMED;

  sig = g_new0 (EnrPdfSignature, 1);
  if (!parse_byte_range (pdf, range_entry, sig->byte_range))
    return ENR_PDF_SIGNATURE_MALFORMED;
  sig->dictionary_offset = dict.start;
  sig->contents_offset = contents_entry->value_start;
  sig->contents_length = contents_entry->value_end - contents_entry->value_start;
  sig->filter = enr_pdf_dict_get_name (&dict, "Filter");
  sig->sub_filter = enr_pdf_dict_get_name (&dict, "SubFilter");
  sig->signing_time = enr_pdf_dict_get_string (&dict, "M");
  sig->contents = decode_contents (pdf + sig->contents_offset, sig->contents_length);

  /* Exactly: from the first byte to '<', and from after '>' to the end of
   * the revision it signs (the whole file, for the last signature). */
  contents_end = sig->contents_offset + sig->contents_length;
  if (sig->byte_range[0] != 0 ||
      sig->byte_range[1] != sig->contents_offset ||
      sig->byte_range[2] != contents_end ||
      sig->byte_range[3] > pdf_len ||
      sig->byte_range[2] != pdf_len - sig->byte_range[3])
    {
      g_debug ("ByteRange [%" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT
               " %" G_GSIZE_FORMAT "], /Contents at %" G_GSIZE_FORMAT "+%" G_GSIZE_FORMAT
               ", file %" G_GSIZE_FORMAT " bytes",
               sig->byte_range[0], sig->byte_range[1], sig->byte_range[2], sig->byte_range[3],
               sig->contents_offset, sig->contents_length, pdf_len);
      *signature = g_steal_pointer (&sig);
      return ENR_PDF_SIGNATURE_NOT_WHOLE_FILE;
    }

  *signature = g_steal_pointer (&sig);
  return ENR_PDF_SIGNATURE_OK;
}

/*
 * The last signature dictionary is the one whose /ByteRange comes last:
 * an incremental update can only add after what it updates. Nothing after
 * it is skipped over, so bytes appended to a signed file are never missed.
 */
EnrPdfSignatureStatus
enr_pdf_signature_locate (const guint8     *pdf,
                          gsize             pdf_len,
                          EnrPdfSignature **signature)
{
  const guint8 *hit;

  g_return_val_if_fail (pdf != NULL, ENR_PDF_SIGNATURE_NOT_PDF);
  g_return_val_if_fail (signature != NULL && *signature == NULL, ENR_PDF_SIGNATURE_NOT_PDF);

  if (!enr_pdf_has_header (pdf, pdf_len))
    return ENR_PDF_SIGNATURE_NOT_PDF;

  hit = enr_pdf_find_last (pdf, pdf_len, "/ByteRange");
  if (hit == NULL)
    return ENR_PDF_SIGNATURE_NO_SIGNATURE;
  return read_signature_at (pdf, pdf_len, hit - pdf, signature);
}

static int
compare_revisions (gconstpointer a,
                   gconstpointer b)
{
  const EnrPdfSignature *x = *(EnrPdfSignature *const *) a;
  const EnrPdfSignature *y = *(EnrPdfSignature *const *) b;
  gsize x_end = x->byte_range[2] + x->byte_range[3];
  gsize y_end = y->byte_range[2] + y->byte_range[3];

  if (x_end != y_end)
    return x_end < y_end ? -1 : 1;
  return x->dictionary_offset < y->dictionary_offset ? -1 : x->dictionary_offset > y->dictionary_offset;
}

GPtrArray *
enr_pdf_signature_locate_all (const guint8 *pdf,
                              gsize         pdf_len,
                              guint         max)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) enr_pdf_signature_free);
  static const char needle[] = "/ByteRange";
  gsize pos = 0;

  g_return_val_if_fail (pdf != NULL || pdf_len == 0, all);

  if (!enr_pdf_has_header (pdf, pdf_len))
    return all;
  while (pos + sizeof needle - 1 <= pdf_len && all->len < max)
    {
      const guint8 *hit = memmem (pdf + pos, pdf_len - pos, needle, sizeof needle - 1);
      EnrPdfSignature *sig = NULL;
      EnrPdfSignatureStatus status;

      if (hit == NULL)
        break;
      pos = hit - pdf + sizeof needle - 1;
      /* The revision a signature covers ends where its range does. */
      status = read_signature_at (pdf, pdf_len, hit - pdf, &sig);
      if (sig != NULL)
        sig->whole_revision = status == ENR_PDF_SIGNATURE_OK ||
                              (sig->byte_range[0] == 0 &&
                               sig->byte_range[1] == sig->contents_offset &&
                               sig->byte_range[2] == sig->contents_offset + sig->contents_length &&
                               sig->byte_range[2] <= pdf_len &&
                               sig->byte_range[3] <= pdf_len - sig->byte_range[2]);
      if (sig != NULL)
        g_ptr_array_add (all, sig);
    }
  g_ptr_array_sort (all, compare_revisions);
  return all;
}

GBytes *
enr_pdf_signature_covered_bytes (const guint8          *pdf,
                                 gsize                  pdf_len,
                                 const EnrPdfSignature *signature)
{
  const gsize *range;
  guint8 *joined;

  g_return_val_if_fail (pdf != NULL || pdf_len == 0, NULL);
  g_return_val_if_fail (signature != NULL, NULL);

  range = signature->byte_range;
  if (range[0] > pdf_len || range[1] > pdf_len - range[0] || range[2] > pdf_len ||
      range[3] > pdf_len - range[2] || range[1] > G_MAXSIZE - range[3] - 1)
    return NULL;
  joined = g_malloc (range[1] + range[3] + 1);
  memcpy (joined, pdf + range[0], range[1]);
  memcpy (joined + range[1], pdf + range[2], range[3]);
  return g_bytes_new_take (joined, range[1] + range[3]);
}

GDateTime *
enr_pdf_signature_parse_date (const char *text)
{
  g_autoptr(GTimeZone) zone = NULL;
  int fields[6] = { 0, 1, 1, 0, 0, 0 };
  const int widths[6] = { 4, 2, 2, 2, 2, 2 };
  const char *p;
  int tz_hours = 0;
  int tz_minutes = 0;
  char sign = 'Z';

  if (text == NULL)
    return NULL;
  p = g_str_has_prefix (text, "D:") ? text + 2 : text;

  for (int f = 0; f < 6; f++)
    {
      int value = 0;

      if (!g_ascii_isdigit (*p))
        {
          if (f == 0)
            return NULL;
          break;
        }
      for (int i = 0; i < widths[f]; i++, p++)
        {
          if (!g_ascii_isdigit (*p))
            return NULL;
          value = value * 10 + (*p - '0');
        }
      fields[f] = value;
    }

  if (*p == '+' || *p == '-' || *p == 'Z')
    {
      sign = *p++;
      if (sign != 'Z' && g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]))
        {
          tz_hours = (p[0] - '0') * 10 + (p[1] - '0');
          p += 2;
          if (*p == '\'')
            p++;
          if (g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]))
            {
              tz_minutes = (p[0] - '0') * 10 + (p[1] - '0');
              p += 2;
            }
          if (*p == '\'')
            p++;
        }
    }
  if (*p != '\0' || tz_hours > 23 || tz_minutes > 59)
    return NULL;

  if (sign == 'Z')
    zone = g_time_zone_new_utc ();
  else
    zone = g_time_zone_new_offset ((sign == '-' ? -1 : 1) * (tz_hours * 3600 + tz_minutes * 60));
  if (zone == NULL)
    return NULL;
  /* g_date_time_new checks the ranges of every field. */
  return g_date_time_new (zone, fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
}
