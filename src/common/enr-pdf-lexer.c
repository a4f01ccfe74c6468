/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-lexer"

#include "config.h"

#include <string.h>

#include "enr-pdf-lexer.h"

gboolean
enr_pdf_is_white (guint8 c)
{
  return c == '\0' || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

gboolean
enr_pdf_is_delimiter (guint8 c)
{
  return c != '\0' && strchr ("()<>[]{}/%", c) != NULL;
}

gboolean
enr_pdf_has_header (const guint8 *pdf,
                    gsize         len)
{
  /* The header may follow a little junk (§7.5.2 lets readers accept it
   * within the first 1024 bytes); we want it at the start. */
  return len >= 8 && memcmp (pdf, "%PDF-", 5) == 0;
}

const guint8 *
enr_pdf_find_last (const guint8 *data,
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

/* ---- Tokens and objects ---- */

static gboolean
is_regular (guint8 c)
{
  return !enr_pdf_is_white (c) && !enr_pdf_is_delimiter (c);
}

static void
skip_space (EnrPdfLexer *lx)
{
  while (lx->pos < lx->len)
    {
      guint8 c = lx->data[lx->pos];

      if (enr_pdf_is_white (c))
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

EnrPdfToken
enr_pdf_next_token (EnrPdfLexer *lx)
{
  EnrPdfToken tok = { ENR_PDF_TOKEN_ERROR, 0, 0 };
  guint8 c;

  skip_space (lx);
  tok.start = lx->pos;
  if (lx->pos >= lx->len)
    {
      tok.type = ENR_PDF_TOKEN_EOF;
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
          tok.type = ENR_PDF_TOKEN_DICT_OPEN;
          break;
        }
      lx->pos++;
      while (lx->pos < lx->len && lx->data[lx->pos] != '>')
        {
          if (!g_ascii_isxdigit (lx->data[lx->pos]) && !enr_pdf_is_white (lx->data[lx->pos]))
            return tok;
          lx->pos++;
        }
      if (lx->pos >= lx->len)
        return tok;
      lx->pos++;
      tok.type = ENR_PDF_TOKEN_HEX;
      break;

    case '>':
      if (lx->pos + 1 >= lx->len || lx->data[lx->pos + 1] != '>')
        return tok;
      lx->pos += 2;
      tok.type = ENR_PDF_TOKEN_DICT_CLOSE;
      break;

    case '[':
      lx->pos++;
      tok.type = ENR_PDF_TOKEN_ARRAY_OPEN;
      break;

    case ']':
      lx->pos++;
      tok.type = ENR_PDF_TOKEN_ARRAY_CLOSE;
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
        tok.type = ENR_PDF_TOKEN_STRING;
      }
      break;

    case '/':
      lx->pos++;
      while (lx->pos < lx->len && is_regular (lx->data[lx->pos]))
        lx->pos++;
      tok.type = ENR_PDF_TOKEN_NAME;
      break;

    case ')':
    case '{':
    case '}':
      return tok;

    default:
      while (lx->pos < lx->len && is_regular (lx->data[lx->pos]))
        lx->pos++;
      tok.type = is_number_text (lx->data + tok.start, lx->pos - tok.start)
                   ? ENR_PDF_TOKEN_NUMBER : ENR_PDF_TOKEN_KEYWORD;
      break;
    }

  tok.end = lx->pos;
  return tok;
}

gboolean
enr_pdf_token_is (const EnrPdfLexer *lx,
                  EnrPdfToken        tok,
                  EnrPdfTokenType    type,
                  const char        *text)
{
  gsize len = strlen (text);

  return tok.type == type && tok.end - tok.start == len &&
         memcmp (lx->data + tok.start, text, len) == 0;
}

gboolean
enr_pdf_token_to_size (const EnrPdfLexer *lx,
                       EnrPdfToken        tok,
                       gsize             *value)
{
  gsize v = 0;

  if (tok.type != ENR_PDF_TOKEN_NUMBER || tok.end == tok.start)
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

gboolean
enr_pdf_skip_object (EnrPdfLexer *lx,
                     EnrPdfToken  first,
                     guint        depth,
                     gsize       *end)
{
  if (depth > ENR_PDF_MAX_DEPTH)
    return FALSE;

  switch (first.type)
    {
    case ENR_PDF_TOKEN_DICT_OPEN:
      for (;;)
        {
          EnrPdfToken key = enr_pdf_next_token (lx);
          EnrPdfToken value;
          gsize value_end;

          if (key.type == ENR_PDF_TOKEN_DICT_CLOSE)
            {
              *end = key.end;
              return TRUE;
            }
          if (key.type != ENR_PDF_TOKEN_NAME)
            return FALSE;
          value = enr_pdf_next_token (lx);
          if (!enr_pdf_skip_object (lx, value, depth + 1, &value_end))
            return FALSE;
        }

    case ENR_PDF_TOKEN_ARRAY_OPEN:
      for (;;)
        {
          EnrPdfToken item = enr_pdf_next_token (lx);
          gsize item_end;

          if (item.type == ENR_PDF_TOKEN_ARRAY_CLOSE)
            {
              *end = item.end;
              return TRUE;
            }
          if (!enr_pdf_skip_object (lx, item, depth + 1, &item_end))
            return FALSE;
        }

    case ENR_PDF_TOKEN_NUMBER:
      {
        gsize saved = lx->pos;
        EnrPdfToken generation = enr_pdf_next_token (lx);

        if (generation.type == ENR_PDF_TOKEN_NUMBER)
          {
            EnrPdfToken r = enr_pdf_next_token (lx);

            if (enr_pdf_token_is (lx, r, ENR_PDF_TOKEN_KEYWORD, "R"))
              {
                *end = r.end;
                return TRUE;
              }
          }
        lx->pos = saved;
        *end = first.end;
        return TRUE;
      }

    case ENR_PDF_TOKEN_NAME:
    case ENR_PDF_TOKEN_STRING:
    case ENR_PDF_TOKEN_HEX:
      *end = first.end;
      return TRUE;

    case ENR_PDF_TOKEN_KEYWORD:
      if (enr_pdf_token_is (lx, first, ENR_PDF_TOKEN_KEYWORD, "true") ||
          enr_pdf_token_is (lx, first, ENR_PDF_TOKEN_KEYWORD, "false") ||
          enr_pdf_token_is (lx, first, ENR_PDF_TOKEN_KEYWORD, "null"))
        {
          *end = first.end;
          return TRUE;
        }
      return FALSE;

    case ENR_PDF_TOKEN_EOF:
    case ENR_PDF_TOKEN_ERROR:
    case ENR_PDF_TOKEN_DICT_CLOSE:
    case ENR_PDF_TOKEN_ARRAY_CLOSE:
    default:
      return FALSE;
    }
}

/* ---- Dictionaries ---- */

void
enr_pdf_dict_clear (EnrPdfDict *dict)
{
  g_clear_pointer (&dict->entries, g_array_unref);
}

gboolean
enr_pdf_dict_parse (const guint8 *data,
                    gsize         len,
                    gsize         pos,
                    EnrPdfDict   *dict)
{
  EnrPdfLexer lx = { data, len, pos };
  EnrPdfToken open = enr_pdf_next_token (&lx);

  dict->data = data;
  dict->entries = g_array_new (FALSE, FALSE, sizeof (EnrPdfDictEntry));
  if (open.type != ENR_PDF_TOKEN_DICT_OPEN)
    return FALSE;
  dict->start = open.start;

  for (;;)
    {
      EnrPdfToken key = enr_pdf_next_token (&lx);
      EnrPdfToken value;
      EnrPdfDictEntry entry;

      if (key.type == ENR_PDF_TOKEN_DICT_CLOSE)
        {
          dict->end = key.end;
          return TRUE;
        }
      if (key.type != ENR_PDF_TOKEN_NAME)
        return FALSE;
      value = enr_pdf_next_token (&lx);
      entry.key_start = key.start;
      entry.key_end = key.end;
      entry.value_start = value.start;
      if (!enr_pdf_skip_object (&lx, value, 1, &entry.value_end))
        return FALSE;
      g_array_append_val (dict->entries, entry);
    }
}

gboolean
enr_pdf_dict_entry_is (const EnrPdfDict      *dict,
                       const EnrPdfDictEntry *entry,
                       const char            *key)
{
  gsize key_len = strlen (key);

  return entry->key_end - entry->key_start == key_len + 1 &&
         memcmp (dict->data + entry->key_start + 1, key, key_len) == 0;
}

const EnrPdfDictEntry *
enr_pdf_dict_lookup (const EnrPdfDict *dict,
                     const char       *key)
{
  for (guint i = dict->entries->len; i > 0; i--)
    {
      const EnrPdfDictEntry *entry = &g_array_index (dict->entries, EnrPdfDictEntry, i - 1);

      if (enr_pdf_dict_entry_is (dict, entry, key))
        return entry;
    }
  return NULL;
}

char *
enr_pdf_dict_get_name (const EnrPdfDict *dict,
                       const char       *key)
{
  const EnrPdfDictEntry *entry = enr_pdf_dict_lookup (dict, key);

  if (entry == NULL || dict->data[entry->value_start] != '/')
    return NULL;
  return g_strndup ((const char *) dict->data + entry->value_start + 1,
                    entry->value_end - entry->value_start - 1);
}

gboolean
enr_pdf_dict_get_size (const EnrPdfDict *dict,
                       gsize             len,
                       const char       *key,
                       gsize            *value)
{
  const EnrPdfDictEntry *entry = enr_pdf_dict_lookup (dict, key);
  EnrPdfLexer lx = { dict->data, len, 0 };

  if (entry == NULL)
    return FALSE;
  lx.pos = entry->value_start;
  lx.len = entry->value_end;
  return enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), value) &&
         enr_pdf_next_token (&lx).type == ENR_PDF_TOKEN_EOF;
}

gboolean
enr_pdf_parse_reference (const guint8 *data,
                         gsize         start,
                         gsize         end,
                         gsize        *number,
                         gsize        *generation)
{
  EnrPdfLexer lx = { data, end, start };

  return enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), number) &&
         enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), generation) &&
         enr_pdf_token_is (&lx, enr_pdf_next_token (&lx), ENR_PDF_TOKEN_KEYWORD, "R") &&
         enr_pdf_next_token (&lx).type == ENR_PDF_TOKEN_EOF;
}

gboolean
enr_pdf_dict_get_reference (const EnrPdfDict *dict,
                            const char       *key,
                            gsize            *number,
                            gsize            *generation)
{
  const EnrPdfDictEntry *entry = enr_pdf_dict_lookup (dict, key);

  return entry != NULL &&
         enr_pdf_parse_reference (dict->data, entry->value_start, entry->value_end, number,
                                  generation);
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

char *
enr_pdf_dict_get_string (const EnrPdfDict *dict,
                         const char       *key)
{
  const EnrPdfDictEntry *entry = enr_pdf_dict_lookup (dict, key);

  if (entry == NULL || dict->data[entry->value_start] != '(')
    return NULL;
  return decode_literal_string (dict->data + entry->value_start,
                                entry->value_end - entry->value_start);
}
