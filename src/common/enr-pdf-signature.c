/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-signature"

#include "config.h"

#include <string.h>

#include "enr-pdf-signature.h"
#include "enr-vietnam-time.h"

/* Nesting deeper than this is not a document anyone signs: refuse it
 * rather than recurse without bound on hostile input. */
#define MAX_DEPTH 32
#define MAX_XREF_SECTIONS 64
#define DEFAULT_CAPACITY 16384
/* "[0 " + three 10-digit numbers with their spaces + "]" */
#define BYTE_RANGE_WIDTH 36

/* ---- A small PDF lexer: just enough of ISO 32000-1 §7.2–7.3 ---- */

typedef enum
{
  TOK_EOF,
  TOK_ERROR,
  TOK_DICT_OPEN,
  TOK_DICT_CLOSE,
  TOK_ARRAY_OPEN,
  TOK_ARRAY_CLOSE,
  TOK_NAME,
  TOK_STRING,
  TOK_HEX,
  TOK_NUMBER,
  TOK_KEYWORD,
} TokenType;

typedef struct
{
  TokenType type;
  gsize     start;
  gsize     end;
} Token;

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
} Lexer;

static gboolean
is_white (guint8 c)
{
  return c == '\0' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static gboolean
is_delimiter (guint8 c)
{
  return c != '\0' && strchr ("()<>[]{}/%", c) != NULL;
}

static gboolean
is_regular (guint8 c)
{
  return !is_white (c) && !is_delimiter (c);
}

static void
skip_space (Lexer *lx)
{
  while (lx->pos < lx->len)
    {
      guint8 c = lx->data[lx->pos];

      if (is_white (c))
        lx->pos++;
      else if (c == '%')
        {
          while (lx->pos < lx->len && lx->data[lx->pos] != '\n' && lx->data[lx->pos] != '\r')
            lx->pos++;
        }
      else
        break;
    }
}

static gboolean
is_number_text (const guint8 *text,
                gsize         len)
{
  gsize i = 0;
  gboolean digits = FALSE;
  gboolean dot = FALSE;

  if (len > 0 && (text[0] == '+' || text[0] == '-'))
    i++;
  for (; i < len; i++)
    {
      if (g_ascii_isdigit (text[i]))
        digits = TRUE;
      else if (text[i] == '.' && !dot)
        dot = TRUE;
      else
        return FALSE;
    }
  return digits;
}

static Token
next_token (Lexer *lx)
{
  Token tok = { TOK_ERROR, 0, 0 };
  guint8 c;

  skip_space (lx);
  tok.start = lx->pos;
  if (lx->pos >= lx->len)
    {
      tok.type = TOK_EOF;
      tok.end = lx->pos;
      return tok;
    }

  c = lx->data[lx->pos];
  switch (c)
    {
    case '<':
      if (lx->pos + 1 < lx->len && lx->data[lx->pos + 1] == '<')
        {
          lx->pos += 2;
          tok.type = TOK_DICT_OPEN;
          break;
        }
      lx->pos++;
      while (lx->pos < lx->len && lx->data[lx->pos] != '>')
        {
          if (!g_ascii_isxdigit (lx->data[lx->pos]) && !is_white (lx->data[lx->pos]))
            return tok;
          lx->pos++;
        }
      if (lx->pos >= lx->len)
        return tok;
      lx->pos++;
      tok.type = TOK_HEX;
      break;

    case '>':
      if (lx->pos + 1 >= lx->len || lx->data[lx->pos + 1] != '>')
        return tok;
      lx->pos += 2;
      tok.type = TOK_DICT_CLOSE;
      break;

    case '[':
      lx->pos++;
      tok.type = TOK_ARRAY_OPEN;
      break;

    case ']':
      lx->pos++;
      tok.type = TOK_ARRAY_CLOSE;
      break;

    case '(':
      {
        guint depth = 1;

        lx->pos++;
        while (lx->pos < lx->len && depth > 0)
          {
            guint8 s = lx->data[lx->pos];

            if (s == '\\')
              lx->pos++;
            else if (s == '(')
              depth++;
            else if (s == ')')
              depth--;
            lx->pos++;
          }
        if (depth > 0 || lx->pos > lx->len)
          return tok;
        tok.type = TOK_STRING;
      }
      break;

    case '/':
      lx->pos++;
      while (lx->pos < lx->len && is_regular (lx->data[lx->pos]))
        lx->pos++;
      tok.type = TOK_NAME;
      break;

    case ')':
    case '{':
    case '}':
      return tok;

    default:
      while (lx->pos < lx->len && is_regular (lx->data[lx->pos]))
        lx->pos++;
      tok.type = is_number_text (lx->data + tok.start, lx->pos - tok.start) ? TOK_NUMBER
                                                                             : TOK_KEYWORD;
      break;
    }

  tok.end = lx->pos;
  return tok;
}

static gboolean
token_is (const Lexer *lx,
          Token        tok,
          TokenType    type,
          const char  *text)
{
  gsize len = strlen (text);

  return tok.type == type && tok.end - tok.start == len &&
         memcmp (lx->data + tok.start, text, len) == 0;
}

/* A non-negative integer token; anything else (a sign, a fraction, an
 * overflow) is refused, as no offset or object number is written so. */
static gboolean
token_to_size (const Lexer *lx,
               Token        tok,
               gsize       *value)
{
  gsize v = 0;

  if (tok.type != TOK_NUMBER || tok.end == tok.start)
    return FALSE;
  for (gsize i = tok.start; i < tok.end; i++)
    {
      guint8 c = lx->data[i];

      if (!g_ascii_isdigit (c) || v > (G_MAXSIZE - 9) / 10)
        return FALSE;
      v = v * 10 + (c - '0');
    }
  *value = v;
  return TRUE;
}

static gboolean parse_value_from (Lexer *lx,
                                  Token  first,
                                  guint  depth,
                                  gsize *end);

/* Reads one object (after its first token, @first) and returns where it
 * ends; an indirect reference "N G R" is one object. */
static gboolean
parse_value_from (Lexer *lx,
                  Token  first,
                  guint  depth,
                  gsize *end)
{
  if (depth > MAX_DEPTH)
    return FALSE;

  switch (first.type)
    {
    case TOK_DICT_OPEN:
      for (;;)
        {
          Token key = next_token (lx);
          Token value;
          gsize value_end;

          if (key.type == TOK_DICT_CLOSE)
            {
              *end = key.end;
              return TRUE;
            }
          if (key.type != TOK_NAME)
            return FALSE;
          value = next_token (lx);
          if (!parse_value_from (lx, value, depth + 1, &value_end))
            return FALSE;
        }

    case TOK_ARRAY_OPEN:
      for (;;)
        {
          Token item = next_token (lx);
          gsize item_end;

          if (item.type == TOK_ARRAY_CLOSE)
            {
              *end = item.end;
              return TRUE;
            }
          if (!parse_value_from (lx, item, depth + 1, &item_end))
            return FALSE;
        }

    case TOK_NUMBER:
      {
        gsize saved = lx->pos;
        Token generation = next_token (lx);

        if (generation.type == TOK_NUMBER)
          {
            Token r = next_token (lx);

            if (token_is (lx, r, TOK_KEYWORD, "R"))
              {
                *end = r.end;
                return TRUE;
              }
          }
        lx->pos = saved;
        *end = first.end;
        return TRUE;
      }

    case TOK_NAME:
    case TOK_STRING:
    case TOK_HEX:
      *end = first.end;
      return TRUE;

    case TOK_KEYWORD:
      if (token_is (lx, first, TOK_KEYWORD, "true") ||
          token_is (lx, first, TOK_KEYWORD, "false") ||
          token_is (lx, first, TOK_KEYWORD, "null"))
        {
          *end = first.end;
          return TRUE;
        }
      return FALSE;

    case TOK_EOF:
    case TOK_ERROR:
    case TOK_DICT_CLOSE:
    case TOK_ARRAY_CLOSE:
    default:
      return FALSE;
    }
}

/* ---- Dictionaries, as spans of the original text ---- */

typedef struct
{
  gsize key_start;     /* the '/' */
  gsize key_end;
  gsize value_start;
  gsize value_end;
} DictEntry;

typedef struct
{
  const guint8 *data;
  gsize         start;   /* "<<" */
  gsize         end;     /* after ">>" */
  GArray       *entries;
} Dict;

static void
dict_clear (Dict *dict)
{
  g_clear_pointer (&dict->entries, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Dict, dict_clear)

static gboolean
parse_dict (const guint8 *data,
            gsize         len,
            gsize         pos,
            Dict         *dict)
{
  Lexer lx = { data, len, pos };
  Token open = next_token (&lx);

  dict->data = data;
  dict->entries = g_array_new (FALSE, FALSE, sizeof (DictEntry));
  if (open.type != TOK_DICT_OPEN)
    return FALSE;
  dict->start = open.start;

  for (;;)
    {
      Token key = next_token (&lx);
      Token value;
      DictEntry entry;

      if (key.type == TOK_DICT_CLOSE)
        {
          dict->end = key.end;
          return TRUE;
        }
      if (key.type != TOK_NAME)
        return FALSE;
      value = next_token (&lx);
      entry.key_start = key.start;
      entry.key_end = key.end;
      entry.value_start = value.start;
      if (!parse_value_from (&lx, value, 1, &entry.value_end))
        return FALSE;
      g_array_append_val (dict->entries, entry);
    }
}

static const DictEntry *
dict_lookup (const Dict *dict,
             const char *key)
{
  gsize key_len = strlen (key);

  /* The last of duplicate keys wins, as in most readers. */
  for (guint i = dict->entries->len; i > 0; i--)
    {
      const DictEntry *entry = &g_array_index (dict->entries, DictEntry, i - 1);

      if (entry->key_end - entry->key_start == key_len + 1 &&
          memcmp (dict->data + entry->key_start + 1, key, key_len) == 0)
        return entry;
    }
  return NULL;
}

/* The value of @key if it is a name, without its slash. */
static char *
dict_get_name (const Dict *dict,
               const char *key)
{
  const DictEntry *entry = dict_lookup (dict, key);

  if (entry == NULL || dict->data[entry->value_start] != '/')
    return NULL;
  return g_strndup ((const char *) dict->data + entry->value_start + 1,
                    entry->value_end - entry->value_start - 1);
}

static gboolean
dict_get_size (const Dict *dict,
               gsize       len,
               const char *key,
               gsize      *value)
{
  const DictEntry *entry = dict_lookup (dict, key);
  Lexer lx = { dict->data, len, 0 };

  if (entry == NULL)
    return FALSE;
  lx.pos = entry->value_start;
  lx.len = entry->value_end;
  return token_to_size (&lx, next_token (&lx), value) && next_token (&lx).type == TOK_EOF;
}

static gboolean
parse_reference (const guint8 *data,
                 gsize         start,
                 gsize         end,
                 gsize        *number,
                 gsize        *generation)
{
  Lexer lx = { data, end, start };

  return token_to_size (&lx, next_token (&lx), number) &&
         token_to_size (&lx, next_token (&lx), generation) &&
         token_is (&lx, next_token (&lx), TOK_KEYWORD, "R") &&
         next_token (&lx).type == TOK_EOF;
}

static gboolean
dict_get_reference (const Dict *dict,
                    const char *key,
                    gsize      *number,
                    gsize      *generation)
{
  const DictEntry *entry = dict_lookup (dict, key);

  return entry != NULL &&
         parse_reference (dict->data, entry->value_start, entry->value_end, number, generation);
}

/* A literal string's bytes (§7.3.4.2), for the ASCII values we read. */
static char *
decode_literal_string (const guint8 *text,
                       gsize         len)
{
  GString *out = g_string_new (NULL);

  /* Skip the outer parentheses. */
  for (gsize i = 1; i + 1 < len; i++)
    {
      guint8 c = text[i];

      if (c != '\\')
        {
          g_string_append_c (out, c);
          continue;
        }
      if (++i + 1 >= len)
        break;
      c = text[i];
      switch (c)
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case '\r':
          if (i + 2 < len && text[i + 1] == '\n')
            i++;
          break;
        case '\n':
          break;
        default:
          if (c >= '0' && c <= '7')
            {
              guint value = c - '0';

              for (int k = 0; k < 2 && i + 2 < len && text[i + 1] >= '0' && text[i + 1] <= '7'; k++)
                value = value * 8 + (text[++i] - '0');
              g_string_append_c (out, (char) (value & 0xff));
            }
          else
            g_string_append_c (out, c);
          break;
        }
    }
  return g_string_free (out, FALSE);
}

static char *
dict_get_string (const Dict *dict,
                 const char *key)
{
  const DictEntry *entry = dict_lookup (dict, key);

  if (entry == NULL || dict->data[entry->value_start] != '(')
    return NULL;
  return decode_literal_string (dict->data + entry->value_start,
                                entry->value_end - entry->value_start);
}

/* ---- Signature dictionaries ---- */

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
      return "encrypted PDF or cross-reference streams";
    case ENR_PDF_SIGNATURE_NO_SIGNATURE:
      return "no signature dictionary";
    case ENR_PDF_SIGNATURE_NOT_WHOLE_FILE:
      return "/ByteRange does not cover the whole file except /Contents";
    case ENR_PDF_SIGNATURE_TOO_LARGE:
      return "the CMS does not fit the /Contents placeholder";
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

static gboolean
has_pdf_header (const guint8 *pdf,
                gsize         len)
{
  /* The header may follow a little junk (§7.5.2 lets readers accept it
   * within the first 1024 bytes); we want it at the start. */
  return len >= 8 && memcmp (pdf, "%PDF-", 5) == 0;
}

static const guint8 *
find_last (const guint8 *data,
           gsize         len,
           const char   *needle)
{
  gsize needle_len = strlen (needle);

  if (len < needle_len)
    return NULL;
  for (gsize i = len - needle_len + 1; i > 0; i--)
    {
      if (memcmp (data + i - 1, needle, needle_len) == 0)
        return data + i - 1;
    }
  return NULL;
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
parse_byte_range (const guint8 *data,
                  const DictEntry *entry,
                  gsize         range[4])
{
  Lexer lx = { data, entry->value_end, entry->value_start };

  if (next_token (&lx).type != TOK_ARRAY_OPEN)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      if (!token_to_size (&lx, next_token (&lx), &range[i]))
        return FALSE;
    }
  return next_token (&lx).type == TOK_ARRAY_CLOSE;
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
      const guint8 *hit = find_last (pdf, pos, "obj");
      gsize obj;
      gsize start;
      int numbers = 0;

      if (hit == NULL)
        return FALSE;
      obj = hit - pdf;
      pos = obj;
      /* "endobj" and words that merely contain "obj" are not it. */
      if (!is_white (pdf[obj + 3]) && !is_delimiter (pdf[obj + 3]))
        continue;
      if (obj == 0 || !is_white (pdf[obj - 1]))
        continue;

      /* Two integers before it. */
      start = obj;
      while (numbers < 2)
        {
          gsize digits_end;

          while (start > 0 && is_white (pdf[start - 1]))
            start--;
          digits_end = start;
          while (start > 0 && g_ascii_isdigit (pdf[start - 1]))
            start--;
          if (start == digits_end)
            break;
          numbers++;
        }
      if (numbers == 2 && (start == 0 || is_white (pdf[start - 1])))
        {
          *body = obj + 3;
          return TRUE;
        }
    }
  return FALSE;
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
  g_autoptr(EnrPdfSignature) sig = NULL;
  g_auto(Dict) dict = { 0 };
  const guint8 *hit;
  const DictEntry *range_entry;
  const DictEntry *contents_entry;
  gsize body;
  gsize contents_end;

  g_return_val_if_fail (pdf != NULL, ENR_PDF_SIGNATURE_NOT_PDF);
  g_return_val_if_fail (signature != NULL && *signature == NULL, ENR_PDF_SIGNATURE_NOT_PDF);

  if (!has_pdf_header (pdf, pdf_len))
    return ENR_PDF_SIGNATURE_NOT_PDF;

  hit = find_last (pdf, pdf_len, "/ByteRange");
  if (hit == NULL)
    return ENR_PDF_SIGNATURE_NO_SIGNATURE;
  if (!find_enclosing_object (pdf, hit - pdf, &body) ||
      !parse_dict (pdf, pdf_len, body, &dict))
    return ENR_PDF_SIGNATURE_MALFORMED;

  range_entry = dict_lookup (&dict, "ByteRange");
  contents_entry = dict_lookup (&dict, "Contents");
  if (range_entry == NULL || range_entry->key_start != (gsize) (hit - pdf) ||
      contents_entry == NULL || pdf[contents_entry->value_start] != '<' ||
      pdf[contents_entry->value_start + 1] == '<')
    return ENR_PDF_SIGNATURE_MALFORMED;

  sig = g_new0 (EnrPdfSignature, 1);
  if (!parse_byte_range (pdf, range_entry, sig->byte_range))
    return ENR_PDF_SIGNATURE_MALFORMED;
  sig->dictionary_offset = dict.start;
  sig->contents_offset = contents_entry->value_start;
  sig->contents_length = contents_entry->value_end - contents_entry->value_start;
  sig->filter = dict_get_name (&dict, "Filter");
  sig->sub_filter = dict_get_name (&dict, "SubFilter");
  sig->signing_time = dict_get_string (&dict, "M");
  sig->contents = decode_contents (pdf + sig->contents_offset, sig->contents_length);

  /* Exactly: from the first byte to '<', and from after '>' to the end. */
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

/* ---- Preparing a signature: the incremental update ---- */

typedef struct
{
  gsize    offset;
  gsize    generation;
  gboolean in_use;
} XrefEntry;

typedef struct
{
  const guint8 *pdf;
  gsize         len;
  GHashTable   *objects;        /* object number → XrefEntry, newest first wins */
  gsize         size;           /* the newest trailer's /Size */
  gsize         last_xref;      /* offset of the newest xref section */
  gsize         root_number;
  gsize         root_generation;
  GString      *info;           /* " /Info …" and " /ID …" to carry over */
} Document;

static void
document_clear (Document *doc)
{
  g_clear_pointer (&doc->objects, g_hash_table_unref);
  if (doc->info != NULL)
    g_string_free (g_steal_pointer (&doc->info), TRUE);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Document, document_clear)

static EnrPdfSignatureStatus
read_xref_section (Document *doc,
                   gsize     offset,
                   gsize    *prev,
                   gboolean  newest)
{
  Lexer lx = { doc->pdf, doc->len, offset };
  g_auto(Dict) trailer = { 0 };
  Token tok;

  tok = next_token (&lx);
  if (tok.type == TOK_NUMBER)
    {
      /* "N G obj" at startxref: a cross-reference stream. */
      return ENR_PDF_SIGNATURE_UNSUPPORTED;
    }
  if (!token_is (&lx, tok, TOK_KEYWORD, "xref"))
    return ENR_PDF_SIGNATURE_MALFORMED;

  for (;;)
    {
      gsize first;
      gsize count;

      tok = next_token (&lx);
      if (token_is (&lx, tok, TOK_KEYWORD, "trailer"))
        break;
      if (!token_to_size (&lx, tok, &first) ||
          !token_to_size (&lx, next_token (&lx), &count) ||
          count > doc->len / 18 || first > G_MAXUINT32 - count)
        return ENR_PDF_SIGNATURE_MALFORMED;

      for (gsize i = 0; i < count; i++)
        {
          XrefEntry entry;
          Token kind;
          gsize number = first + i;

          if (!token_to_size (&lx, next_token (&lx), &entry.offset) ||
              !token_to_size (&lx, next_token (&lx), &entry.generation))
            return ENR_PDF_SIGNATURE_MALFORMED;
          kind = next_token (&lx);
          if (token_is (&lx, kind, TOK_KEYWORD, "n"))
            entry.in_use = TRUE;
          else if (token_is (&lx, kind, TOK_KEYWORD, "f"))
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

  if (!parse_dict (doc->pdf, doc->len, lx.pos, &trailer))
    return ENR_PDF_SIGNATURE_MALFORMED;
  if (dict_lookup (&trailer, "Encrypt") != NULL || dict_lookup (&trailer, "XRefStm") != NULL)
    return ENR_PDF_SIGNATURE_UNSUPPORTED;

  if (newest)
    {
      const char *carried[] = { "Info", "ID" };

      if (!dict_get_size (&trailer, doc->len, "Size", &doc->size) ||
          !dict_get_reference (&trailer, "Root", &doc->root_number, &doc->root_generation))
        return ENR_PDF_SIGNATURE_MALFORMED;
      doc->info = g_string_new (NULL);
      for (guint i = 0; i < G_N_ELEMENTS (carried); i++)
        {
          const DictEntry *entry = dict_lookup (&trailer, carried[i]);

          if (entry != NULL)
            g_string_append_printf (doc->info, " /%s %.*s", carried[i],
                                    (int) (entry->value_end - entry->value_start),
                                    (const char *) doc->pdf + entry->value_start);
        }
    }

  if (dict_lookup (&trailer, "Prev") == NULL)
    *prev = G_MAXSIZE;
  else if (!dict_get_size (&trailer, doc->len, "Prev", prev) || *prev >= doc->len)
    return ENR_PDF_SIGNATURE_MALFORMED;
  return ENR_PDF_SIGNATURE_OK;
}

static EnrPdfSignatureStatus
read_document (Document     *doc,
               const guint8 *pdf,
               gsize         len)
{
  const guint8 *startxref;
  Lexer lx = { pdf, len, 0 };
  gsize offset;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  doc->pdf = pdf;
  doc->len = len;
  doc->objects = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  if (!has_pdf_header (pdf, len))
    return ENR_PDF_SIGNATURE_NOT_PDF;
  startxref = find_last (pdf, len, "startxref");
  if (startxref == NULL)
    return ENR_PDF_SIGNATURE_MALFORMED;
  lx.pos = startxref - pdf + strlen ("startxref");
  if (!token_to_size (&lx, next_token (&lx), &offset) || offset >= len)
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

/* Where the body of object @number starts, after its "N G obj". */
static gboolean
object_body (const Document *doc,
             gsize           number,
             gsize          *generation,
             gsize          *body)
{
  const XrefEntry *entry = g_hash_table_lookup (doc->objects, GSIZE_TO_POINTER (number));
  Lexer lx = { doc->pdf, doc->len, 0 };
  gsize read_number;
  gsize read_generation;

  if (entry == NULL || !entry->in_use)
    return FALSE;
  lx.pos = entry->offset;
  if (!token_to_size (&lx, next_token (&lx), &read_number) || read_number != number ||
      !token_to_size (&lx, next_token (&lx), &read_generation) ||
      read_generation != entry->generation ||
      !token_is (&lx, next_token (&lx), TOK_KEYWORD, "obj"))
    return FALSE;
  *generation = entry->generation;
  *body = lx.pos;
  return TRUE;
}

static gboolean
read_object_dict (const Document *doc,
                  gsize           number,
                  gsize          *generation,
                  Dict           *dict)
{
  gsize body;

  return object_body (doc, number, generation, &body) &&
         parse_dict (doc->pdf, doc->len, body, dict);
}

/* The text of an array, either written in place or as a reference to an
 * array object; NULL when @entry is neither. */
static GString *
array_text (const Document  *doc,
            const DictEntry *entry)
{
  gsize number;
  gsize generation;
  gsize start = entry->value_start;
  Lexer lx = { doc->pdf, doc->len, 0 };
  Token open;
  gsize end;

  if (parse_reference (doc->pdf, entry->value_start, entry->value_end, &number, &generation))
    {
      gsize read_generation;

      if (!object_body (doc, number, &read_generation, &start))
        return NULL;
    }

  lx.pos = start;
  open = next_token (&lx);
  if (open.type != TOK_ARRAY_OPEN || !parse_value_from (&lx, open, 1, &end))
    return NULL;
  return g_string_new_len ((const char *) doc->pdf + open.start, end - open.start);
}

/* @array with " N 0 R" added before its closing bracket. */
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
dict_copy_without (const Dict        *dict,
                   const char *const *drop)
{
  GString *out = g_string_new ("<<");

  for (guint i = 0; i < dict->entries->len; i++)
    {
      const DictEntry *entry = &g_array_index (dict->entries, DictEntry, i);
      gboolean dropped = FALSE;

      for (guint k = 0; drop[k] != NULL; k++)
        {
          gsize key_len = strlen (drop[k]);

          if (entry->key_end - entry->key_start == key_len + 1 &&
              memcmp (dict->data + entry->key_start + 1, drop[k], key_len) == 0)
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

static gboolean
find_first_page (const Document *doc,
                 const Dict     *catalog,
                 gsize          *number)
{
  gsize current;
  gsize generation;

  if (!dict_get_reference (catalog, "Pages", &current, &generation))
    return FALSE;

  for (guint depth = 0; depth < MAX_DEPTH; depth++)
    {
      g_auto(Dict) node = { 0 };
      g_autofree char *type = NULL;
      const DictEntry *kids;
      Lexer lx = { doc->pdf, doc->len, 0 };
      Token tok;
      gsize kid_generation;

      if (!read_object_dict (doc, current, &generation, &node))
        return FALSE;
      type = dict_get_name (&node, "Type");
      if (g_strcmp0 (type, "Page") == 0)
        {
          *number = current;
          return TRUE;
        }
      kids = dict_lookup (&node, "Kids");
      if (kids == NULL || doc->pdf[kids->value_start] != '[')
        return FALSE;
      lx.pos = kids->value_start + 1;
      lx.len = kids->value_end;
      tok = next_token (&lx);
      if (!token_to_size (&lx, tok, &current) ||
          !token_to_size (&lx, next_token (&lx), &kid_generation) ||
          !token_is (&lx, next_token (&lx), TOK_KEYWORD, "R"))
        return FALSE;
    }
  return FALSE;
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

static void
begin_object (GByteArray *out,
              GArray     *offsets,
              gsize       number,
              gsize       generation)
{
  gsize entry[2] = { number, out->len };
  g_autofree char *header = NULL;

  g_array_append_vals (offsets, entry, 1);
  header = g_strdup_printf ("%" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " obj\n", number, generation);
  g_byte_array_append (out, (const guint8 *) header, strlen (header));
}

static void
append_string (GByteArray *out,
               const char *text)
{
  g_byte_array_append (out, (const guint8 *) text, strlen (text));
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
append_xref (GByteArray *out,
             GArray     *offsets,
             GHashTable *generations)
{
  g_array_sort (offsets, compare_offsets);
  append_string (out, "xref\n");
  for (guint i = 0; i < offsets->len;)
    {
      guint run = 1;
      g_autofree char *header = NULL;

      while (i + run < offsets->len &&
             ((gsize *) offsets->data)[2 * (i + run)] == ((gsize *) offsets->data)[2 * i] + run)
        run++;
      header = g_strdup_printf ("%" G_GSIZE_FORMAT " %u\n", ((gsize *) offsets->data)[2 * i], run);
      append_string (out, header);
      for (guint k = i; k < i + run; k++)
        {
          gsize number = ((gsize *) offsets->data)[2 * k];
          gsize generation = GPOINTER_TO_SIZE (g_hash_table_lookup (generations,
                                                                    GSIZE_TO_POINTER (number)));
          g_autofree char *line = g_strdup_printf ("%010" G_GSIZE_FORMAT " %05" G_GSIZE_FORMAT
                                                   " n\r\n",
                                                   ((gsize *) offsets->data)[2 * k + 1],
                                                   generation);

          append_string (out, line);
        }
      i += run;
    }
}

/*
 * Appends to @pdf an incremental update (ISO 32000-1 §7.5.6) that adds an
 * invisible signature field on the first page, its signature dictionary
 * with a zero-filled /Contents, and an updated catalog and page; the
 * original bytes stay as they are. The /ByteRange is final: the caller
 * hashes what it covers and fills the placeholder.
 */
EnrPdfSignatureStatus
enr_pdf_signature_prepare (const guint8                *pdf,
                           gsize                        pdf_len,
                           const EnrPdfSignatureParams *params,
                           GBytes                     **prepared,
                           EnrPdfSignature            **signature)
{
  static const char *const catalog_drop[] = { "AcroForm", NULL };
  static const char *const acroform_drop[] = { "Fields", "SigFlags", NULL };
  static const char *const page_drop[] = { "Annots", NULL };
  g_auto(Document) doc = { 0 };
  g_auto(Dict) catalog = { 0 };
  g_auto(Dict) page = { 0 };
  g_autoptr(GByteArray) out = NULL;
  g_autoptr(GArray) offsets = NULL;
  g_autoptr(GHashTable) generations = NULL;
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
  gsize capacity;
  gsize range_offset;
  gsize xref_offset;
  const DictEntry *acroform_entry;
  const DictEntry *annots_entry;

  g_return_val_if_fail (pdf != NULL, ENR_PDF_SIGNATURE_NOT_PDF);
  g_return_val_if_fail (params != NULL && params->signing_time != NULL,
                        ENR_PDF_SIGNATURE_MALFORMED);
  g_return_val_if_fail (prepared != NULL && *prepared == NULL, ENR_PDF_SIGNATURE_MALFORMED);
  g_return_val_if_fail (signature != NULL && *signature == NULL, ENR_PDF_SIGNATURE_MALFORMED);

  status = read_document (&doc, pdf, pdf_len);
  if (status != ENR_PDF_SIGNATURE_OK)
    return status;
  if (!read_object_dict (&doc, doc.root_number, &catalog_generation, &catalog) ||
      !find_first_page (&doc, &catalog, &page_number) ||
      !read_object_dict (&doc, page_number, &page_generation, &page))
    return ENR_PDF_SIGNATURE_MALFORMED;

  field_number = doc.size;
  sig_number = doc.size + 1;
  capacity = params->contents_capacity > 0 ? params->contents_capacity : DEFAULT_CAPACITY;

  /* The form's fields: the old ones, wherever they were, and ours. */
  acroform_entry = dict_lookup (&catalog, "AcroForm");
  text = dict_copy_without (&catalog, catalog_drop);
  g_string_append (text, " /AcroForm ");
  if (acroform_entry == NULL)
    g_string_append_printf (text, "<< /Fields [%" G_GSIZE_FORMAT " 0 R] /SigFlags 3 >>",
                            field_number);
  else
    {
      g_auto(Dict) acroform = { 0 };
      gsize number;
      gsize generation;
      gsize start = acroform_entry->value_start;
      const DictEntry *fields_entry;
      g_autoptr(GString) form = NULL;

      if (parse_reference (pdf, acroform_entry->value_start, acroform_entry->value_end,
                           &number, &generation) &&
          !object_body (&doc, number, &generation, &start))
        return ENR_PDF_SIGNATURE_MALFORMED;
      if (!parse_dict (pdf, pdf_len, start, &acroform))
        return ENR_PDF_SIGNATURE_MALFORMED;
      fields_entry = dict_lookup (&acroform, "Fields");
      fields = fields_entry != NULL ? array_text (&doc, fields_entry) : g_string_new ("[]");
      if (fields == NULL)
        return ENR_PDF_SIGNATURE_MALFORMED;
      array_append_reference (fields, field_number);
      form = dict_copy_without (&acroform, acroform_drop);
      g_string_append_printf (form, " /Fields %s /SigFlags 3 >>", fields->str);
      g_string_append (text, form->str);
    }
  g_string_append (text, " >>");

  out = g_byte_array_sized_new (pdf_len + 2 * capacity + 4096);
  offsets = g_array_new (FALSE, FALSE, 2 * sizeof (gsize));
  generations = g_hash_table_new (NULL, NULL);
  g_byte_array_append (out, pdf, pdf_len);
  if (pdf_len == 0 || (pdf[pdf_len - 1] != '\n' && pdf[pdf_len - 1] != '\r'))
    append_string (out, "\n");

  begin_object (out, offsets, doc.root_number, catalog_generation);
  g_hash_table_insert (generations, GSIZE_TO_POINTER (doc.root_number),
                       GSIZE_TO_POINTER (catalog_generation));
  append_string (out, text->str);
  append_string (out, "\nendobj\n");

  /* The page lists the widget among its annotations. */
  annots_entry = dict_lookup (&page, "Annots");
  annots = annots_entry != NULL ? array_text (&doc, annots_entry) : g_string_new ("[]");
  if (annots == NULL)
    return ENR_PDF_SIGNATURE_MALFORMED;
  array_append_reference (annots, field_number);
  g_string_free (g_steal_pointer (&text), TRUE);
  text = dict_copy_without (&page, page_drop);
  g_string_append_printf (text, " /Annots %s >>", annots->str);
  begin_object (out, offsets, page_number, page_generation);
  g_hash_table_insert (generations, GSIZE_TO_POINTER (page_number),
                       GSIZE_TO_POINTER (page_generation));
  append_string (out, text->str);
  append_string (out, "\nendobj\n");

  /* An invisible signature field, merged with its widget annotation. */
  g_string_printf (text,
                   "<< /Type /Annot /Subtype /Widget /FT /Sig /F 132 /Rect [0 0 0 0]"
                   " /P %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " R"
                   " /T (Signature%" G_GSIZE_FORMAT ") /V %" G_GSIZE_FORMAT " 0 R >>",
                   page_number, page_generation, field_number, sig_number);
  begin_object (out, offsets, field_number, 0);
  append_string (out, text->str);
  append_string (out, "\nendobj\n");

  /* Vietnam time, as every date the service's documents carry. */
  local = enr_vietnam_time_from (params->signing_time);
  date = g_date_time_format (local, "D:%Y%m%d%H%M%S+07'00'");
  begin_object (out, offsets, sig_number, 0);
  append_string (out, "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached"
                      " /ByteRange ");
  range_offset = out->len;
  for (int i = 0; i < BYTE_RANGE_WIDTH; i++)
    append_string (out, " ");

  sig = g_new0 (EnrPdfSignature, 1);
  sig->dictionary_offset = out->len;  /* corrected below */
  append_string (out, " /Contents ");
  sig->contents_offset = out->len;
  append_string (out, "<");
  for (gsize i = 0; i < capacity; i++)
    append_string (out, "00");
  append_string (out, ">");
  sig->contents_length = out->len - sig->contents_offset;

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
  append_string (out, text->str);

  xref_offset = out->len;
  append_xref (out, offsets, generations);
  g_string_printf (text,
                   "trailer\n<< /Size %" G_GSIZE_FORMAT " /Root %" G_GSIZE_FORMAT " %"
                   G_GSIZE_FORMAT " R /Prev %" G_GSIZE_FORMAT "%s >>\nstartxref\n%"
                   G_GSIZE_FORMAT "\n%%%%EOF\n",
                   doc.size + 2, doc.root_number, catalog_generation, doc.last_xref,
                   doc.info->str, xref_offset);
  append_string (out, text->str);

  sig->byte_range[0] = 0;
  sig->byte_range[1] = sig->contents_offset;
  sig->byte_range[2] = sig->contents_offset + sig->contents_length;
  sig->byte_range[3] = out->len - sig->byte_range[2];
  range = g_strdup_printf ("[0 %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT " %" G_GSIZE_FORMAT "]",
                           sig->byte_range[1], sig->byte_range[2], sig->byte_range[3]);
  g_assert (strlen (range) <= BYTE_RANGE_WIDTH);
  memcpy (out->data + range_offset, range, strlen (range));

  /* Where "<<" of the signature dictionary is: after "N 0 obj\n". */
  sig->dictionary_offset = ((gsize *) offsets->data)[2 * (offsets->len - 1) + 1];
  for (guint i = 0; i < offsets->len; i++)
    {
      if (((gsize *) offsets->data)[2 * i] == sig_number)
        sig->dictionary_offset = ((gsize *) offsets->data)[2 * i + 1];
    }
  while (out->data[sig->dictionary_offset] != '<')
    sig->dictionary_offset++;
  sig->filter = g_strdup ("Adobe.PPKLite");
  sig->sub_filter = g_strdup ("ETSI.CAdES.detached");
  sig->signing_time = g_strdup (date);

  *prepared = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  *signature = g_steal_pointer (&sig);
  return ENR_PDF_SIGNATURE_OK;
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
