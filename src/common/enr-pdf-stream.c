/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-stream"

#include "config.h"

#include <string.h>

#include <zlib.h>

#include "enr-pdf-stream.h"

/* Filters applied one after the other: more than this is no stream a
 * writer makes. */
#define MAX_FILTERS 4
/* A predictor's row: wider than this is no table a writer makes. */
#define MAX_ROW_BYTES (1024 * 1024)
#define INFLATE_CHUNK (64 * 1024)

gsize
enr_pdf_stream_limit (gsize file_len)
{
  gsize limit = file_len > ENR_PDF_STREAM_MAX_LIMIT / ENR_PDF_STREAM_FACTOR
                  ? ENR_PDF_STREAM_MAX_LIMIT : file_len * ENR_PDF_STREAM_FACTOR;

  return CLAMP (limit, ENR_PDF_STREAM_MIN_LIMIT, ENR_PDF_STREAM_MAX_LIMIT);
}

typedef struct
{
  gsize name_start;    /* after the slash */
  gsize name_end;
  gsize parms_start;   /* the "<<" of its /DecodeParms, or 0 for none */
  gsize parms_end;
} Filter;

/* The values of an array entry (or of a single value written alone), as
 * spans; FALSE when there are more than @max or they cannot be read. */
static gboolean
entry_values (const EnrPdfDict       *dict,
              const EnrPdfDictEntry  *entry,
              gsize                   starts[],
              gsize                   ends[],
              guint                   max,
              guint                  *count)
{
  EnrPdfLexer lx = { dict->data, entry->value_end, entry->value_start };
  EnrPdfToken tok = enr_pdf_next_token (&lx);

  *count = 0;
  if (tok.type != ENR_PDF_TOKEN_ARRAY_OPEN)
    {
      starts[0] = entry->value_start;
      ends[0] = entry->value_end;
      *count = 1;
      return TRUE;
    }
  for (;;)
    {
      gsize end;

      tok = enr_pdf_next_token (&lx);
      if (tok.type == ENR_PDF_TOKEN_ARRAY_CLOSE)
        return TRUE;
      if (*count >= max || !enr_pdf_skip_object (&lx, tok, 1, &end))
        return FALSE;
      starts[*count] = tok.start;
      ends[*count] = end;
      (*count)++;
    }
}

static gboolean
span_is (const guint8 *data,
         gsize         start,
         gsize         end,
         const char   *text)
{
  return end - start == strlen (text) && memcmp (data + start, text, end - start) == 0;
}

static EnrPdfSignatureStatus
read_filters (const EnrPdfDict *dict,
              Filter            filters[MAX_FILTERS],
              guint            *n_filters)
{
  const EnrPdfDictEntry *filter = enr_pdf_dict_lookup (dict, "Filter");
  const EnrPdfDictEntry *parms = enr_pdf_dict_lookup (dict, "DecodeParms");
  gsize starts[MAX_FILTERS];
  gsize ends[MAX_FILTERS];
  guint n_parms = 0;

  *n_filters = 0;
  if (filter == NULL)
    return ENR_PDF_SIGNATURE_OK;
  if (!entry_values (dict, filter, starts, ends, MAX_FILTERS, n_filters))
    return ENR_PDF_SIGNATURE_MALFORMED;
  for (guint i = 0; i < *n_filters; i++)
    {
      /* An indirect or null filter is no stream a writer makes. */
      if (dict->data[starts[i]] != '/')
        return ENR_PDF_SIGNATURE_UNSUPPORTED;
      filters[i] = (Filter) { starts[i] + 1, ends[i], 0, 0 };
    }
  if (parms == NULL)
    return ENR_PDF_SIGNATURE_OK;
  if (!entry_values (dict, parms, starts, ends, MAX_FILTERS, &n_parms))
    return ENR_PDF_SIGNATURE_MALFORMED;
  for (guint i = 0; i < n_parms && i < *n_filters; i++)
    {
      if (span_is (dict->data, starts[i], ends[i], "null"))
        continue;
      if (dict->data[starts[i]] != '<')
        return ENR_PDF_SIGNATURE_UNSUPPORTED;
      filters[i].parms_start = starts[i];
      filters[i].parms_end = ends[i];
    }
  return ENR_PDF_SIGNATURE_OK;
}

/* Inflates @data, never holding more than @limit bytes of output. */
static EnrPdfSignatureStatus
inflate_bounded (const guint8  *data,
                 gsize          len,
                 gsize          limit,
                 GByteArray   **out)
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  z_stream z = { 0 };
  int ret = Z_OK;

  if (inflateInit (&z) != Z_OK)
    return ENR_PDF_SIGNATURE_MALFORMED;
  z.next_in = (Bytef *) data;
  /* zlib counts in uInt: feed a large stream a piece at a time. */
  while (ret != Z_STREAM_END)
    {
      gsize had = buffer->len;
      gsize room = MIN (INFLATE_CHUNK, limit - had + 1);

      if (z.avail_in == 0)
        {
          gsize fed = (const guint8 *) z.next_in - data;

          if (fed == len)
            break;
          z.avail_in = (uInt) MIN (len - fed, G_MAXUINT32);
        }
      g_byte_array_set_size (buffer, had + room);
      z.next_out = buffer->data + had;
      z.avail_out = (uInt) room;
      ret = inflate (&z, Z_NO_FLUSH);
      g_byte_array_set_size (buffer, had + room - z.avail_out);
      if (ret != Z_OK && ret != Z_STREAM_END && !(ret == Z_BUF_ERROR && z.avail_in == 0))
        {
          g_debug ("inflate: %s", z.msg != NULL ? z.msg : "error");
          inflateEnd (&z);
          return ENR_PDF_SIGNATURE_MALFORMED;
        }
      if (buffer->len > limit)
        {
          g_debug ("inflate: more than %" G_GSIZE_FORMAT " bytes", limit);
          inflateEnd (&z);
          return ENR_PDF_SIGNATURE_STREAM_TOO_LARGE;
        }
    }
  inflateEnd (&z);
  /* A stream cut short is damaged, whatever it gave so far. */
  if (ret != Z_STREAM_END)
    return ENR_PDF_SIGNATURE_MALFORMED;
  *out = g_steal_pointer (&buffer);
  return ENR_PDF_SIGNATURE_OK;
}

static guint8
paeth (guint8 a,
       guint8 b,
       guint8 c)
{
  int p = (int) a + b - c;
  int pa = ABS (p - a);
  int pb = ABS (p - b);
  int pc = ABS (p - c);

  if (pa <= pb && pa <= pc)
    return a;
  return pb <= pc ? b : c;
}

/* Undoes the PNG predictors (RFC 2083 §6) in place: each row is a tag
 * byte and @row_bytes bytes, @bpp bytes a pixel. */
static EnrPdfSignatureStatus
unpredict_png (GByteArray *data,
               gsize       row_bytes,
               gsize       bpp)
{
  g_autofree guint8 *previous = g_malloc0 (row_bytes);
  gsize rows;
  gsize written = 0;

  if (data->len % (row_bytes + 1) != 0)
    return ENR_PDF_SIGNATURE_MALFORMED;
  rows = data->len / (row_bytes + 1);
  for (gsize r = 0; r < rows; r++)
    {
      guint8 tag = data->data[r * (row_bytes + 1)];
      guint8 *row = data->data + written;

      /* Rows move down over their tags: a row starts where it was read,
       * one byte a row earlier. */
      memmove (row, data->data + r * (row_bytes + 1) + 1, row_bytes);
      for (gsize i = 0; i < row_bytes; i++)
        {
          guint8 left = i >= bpp ? row[i - bpp] : 0;
          guint8 up = previous[i];
          guint8 up_left = i >= bpp ? previous[i - bpp] : 0;

          switch (tag)
            {
            case 0: break;
            case 1: row[i] += left; break;
            case 2: row[i] += up; break;
            case 3: row[i] += (guint8) (((guint) left + up) / 2); break;
            case 4: row[i] += paeth (left, up, up_left); break;
            default:
              return ENR_PDF_SIGNATURE_MALFORMED;
            }
        }
      memcpy (previous, row, row_bytes);
      written += row_bytes;
    }
  g_byte_array_set_size (data, written);
  return ENR_PDF_SIGNATURE_OK;
}

static gboolean
parm_size (const EnrPdfDict *parms,
           const char       *key,
           gsize             fallback,
           gsize             max,
           gsize            *value)
{
  if (enr_pdf_dict_lookup (parms, key) == NULL)
    {
      *value = fallback;
      return TRUE;
    }
  return enr_pdf_dict_get_size (parms, parms->end, key, value) && *value <= max;
}

/* §7.4.4.4, Table 8: the predictor a FlateDecode's parameters name. */
static EnrPdfSignatureStatus
apply_predictor (const EnrPdfDict *dict,
                 const Filter     *filter,
                 GByteArray       *data)
{
  g_auto(EnrPdfDict) parms = { 0 };
  gsize predictor;
  gsize colors;
  gsize bits;
  gsize columns;
  gsize row_bits;

  if (filter->parms_start == 0)
    return ENR_PDF_SIGNATURE_OK;
  if (!enr_pdf_dict_parse (dict->data, filter->parms_end, filter->parms_start, &parms) ||
      !parm_size (&parms, "Predictor", 1, 15, &predictor) ||
      !parm_size (&parms, "Colors", 1, 32, &colors) ||
      !parm_size (&parms, "BitsPerComponent", 8, 16, &bits) ||
      !parm_size (&parms, "Columns", 1, MAX_ROW_BYTES, &columns))
    return ENR_PDF_SIGNATURE_MALFORMED;
  if (predictor == 1)
    return ENR_PDF_SIGNATURE_OK;
  if (predictor == 2)
    {
      g_debug ("the TIFF predictor is not read");
      return ENR_PDF_SIGNATURE_UNSUPPORTED;
    }
  if (predictor < 10 || colors == 0 || columns == 0 ||
      (bits != 1 && bits != 2 && bits != 4 && bits != 8 && bits != 16))
    return ENR_PDF_SIGNATURE_MALFORMED;
  row_bits = colors * bits * columns;
  if (row_bits > 8 * (gsize) MAX_ROW_BYTES)
    return ENR_PDF_SIGNATURE_MALFORMED;
  /* The tag of each row says its own predictor (§7.4.4.4: any of 10–15). */
  return unpredict_png (data, (row_bits + 7) / 8, MAX (1, colors * bits / 8));
}

EnrPdfSignatureStatus
enr_pdf_stream_decode (const EnrPdfDict  *dict,
                       const guint8      *data,
                       gsize              len,
                       gsize              limit,
                       GBytes           **decoded)
{
  g_autoptr(GByteArray) current = NULL;
  Filter filters[MAX_FILTERS];
  EnrPdfSignatureStatus status;
  guint n_filters;

  g_return_val_if_fail (dict != NULL && (data != NULL || len == 0), ENR_PDF_SIGNATURE_MALFORMED);
  g_return_val_if_fail (decoded != NULL && *decoded == NULL, ENR_PDF_SIGNATURE_MALFORMED);

  status = read_filters (dict, filters, &n_filters);
  if (status != ENR_PDF_SIGNATURE_OK)
    return status;
  if (n_filters == 0)
    {
      if (len > limit)
        return ENR_PDF_SIGNATURE_STREAM_TOO_LARGE;
      *decoded = g_bytes_new (data, len);
      return ENR_PDF_SIGNATURE_OK;
    }

  for (guint i = 0; i < n_filters; i++)
    {
      GByteArray *next = NULL;
      const Filter *filter = &filters[i];

      if (!span_is (dict->data, filter->name_start, filter->name_end, "FlateDecode") &&
          !span_is (dict->data, filter->name_start, filter->name_end, "Fl"))
        {
          g_debug ("filter /%.*s is not read", (int) (filter->name_end - filter->name_start),
                   (const char *) dict->data + filter->name_start);
          return ENR_PDF_SIGNATURE_UNSUPPORTED;
        }
      status = current == NULL ? inflate_bounded (data, len, limit, &next)
                               : inflate_bounded (current->data, current->len, limit, &next);
      if (status != ENR_PDF_SIGNATURE_OK)
        return status;
      g_clear_pointer (&current, g_byte_array_unref);
      current = next;
      status = apply_predictor (dict, filter, current);
      if (status != ENR_PDF_SIGNATURE_OK)
        return status;
    }
  *decoded = g_byte_array_free_to_bytes (g_steal_pointer (&current));
  return ENR_PDF_SIGNATURE_OK;
}
