/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-xref"

#include "config.h"

#include <string.h>

#include "enr-pdf-objstm.h"
#include "enr-pdf-stream.h"
#include "enr-pdf-xref-private.h"

#define MAX_XREF_SECTIONS 64

struct _EnrPdfObjectCache
{
  GHashTable           *streams;    /* number → EnrPdfObjectStream; NULL: being read, or failed */
  gsize                 decoded;    /* bytes decoded so far */
  gsize                 limit;      /* what the document may decode */
  guint                 reading;    /* object streams being read: none may be compressed then */
  EnrPdfSignatureStatus failure;    /* what the first failed decoding met */
};

void
enr_pdf_document_clear (EnrPdfDocument *doc)
{
  g_clear_pointer (&doc->objects, g_hash_table_unref);
  if (doc->info != NULL)
    g_string_free (g_steal_pointer (&doc->info), TRUE);
  if (doc->cache != NULL)
    {
      g_hash_table_unref (doc->cache->streams);
      g_clear_pointer (&doc->cache, g_free);
    }
}

void
_enr_pdf_xref_section_add (GHashTable            *section,
                           gsize                  number,
                           const EnrPdfXrefEntry *entry,
                           gboolean               over_free)
{
  const EnrPdfXrefEntry *had = g_hash_table_lookup (section, GSIZE_TO_POINTER (number));

  if (had == NULL || (over_free && had->kind == ENR_PDF_XREF_FREE))
    g_hash_table_insert (section, GSIZE_TO_POINTER (number), g_memdup2 (entry, sizeof *entry));
}

EnrPdfSignatureStatus
_enr_pdf_document_decode (const EnrPdfDocument  *doc,
                          const EnrPdfDict      *dict,
                          GBytes               **decoded)
{
  EnrPdfObjectCache *cache = doc->cache;
  EnrPdfSignatureStatus status;
  gsize start;
  gsize length;

  if (!enr_pdf_document_stream (doc, dict, &start, &length))
    return ENR_PDF_SIGNATURE_MALFORMED;
  status = enr_pdf_stream_decode (dict, doc->pdf + start, length, cache->limit - cache->decoded,
                                  decoded);
  if (status == ENR_PDF_SIGNATURE_OK)
    cache->decoded += g_bytes_get_size (*decoded);
  return status;
}

/* A classic section: "xref", subsections of 20-byte entries, "trailer". */
static EnrPdfSignatureStatus
read_table (EnrPdfDocument *doc,
            EnrPdfLexer    *lx,
            GHashTable     *section)
{
  for (;;)
    {
      EnrPdfToken tok = enr_pdf_next_token (lx);
      gsize first;
      gsize count;

      if (enr_pdf_token_is (lx, tok, ENR_PDF_TOKEN_KEYWORD, "trailer"))
        return ENR_PDF_SIGNATURE_OK;
      if (!enr_pdf_token_to_size (lx, tok, &first) ||
          !enr_pdf_token_to_size (lx, enr_pdf_next_token (lx), &count) ||
          count > doc->len / 18 || first > G_MAXUINT32 - count)
        return ENR_PDF_SIGNATURE_MALFORMED;

      for (gsize i = 0; i < count; i++)
        {
          EnrPdfXrefEntry entry;
          EnrPdfToken kind;

          if (!enr_pdf_token_to_size (lx, enr_pdf_next_token (lx), &entry.offset) ||
              !enr_pdf_token_to_size (lx, enr_pdf_next_token (lx), &entry.generation))
            return ENR_PDF_SIGNATURE_MALFORMED;
          kind = enr_pdf_next_token (lx);
          if (enr_pdf_token_is (lx, kind, ENR_PDF_TOKEN_KEYWORD, "n"))
            entry.kind = ENR_PDF_XREF_IN_FILE;
          else if (enr_pdf_token_is (lx, kind, ENR_PDF_TOKEN_KEYWORD, "f"))
            entry.kind = ENR_PDF_XREF_FREE;
          else
            return ENR_PDF_SIGNATURE_MALFORMED;
          if (entry.kind == ENR_PDF_XREF_IN_FILE && entry.offset >= doc->len)
            return ENR_PDF_SIGNATURE_MALFORMED;
          _enr_pdf_xref_section_add (section, first + i, &entry, FALSE);
        }
    }
}

/* What the newest trailer (or cross-reference stream dictionary) says for
 * the whole file: its size, its catalog, and what an update carries over. */
static EnrPdfSignatureStatus
read_newest_trailer (EnrPdfDocument   *doc,
                     const EnrPdfDict *trailer)
{
  static const char *const carried[] = { "Info", "ID" };

  if (!enr_pdf_dict_get_size (trailer, doc->len, "Size", &doc->size) ||
      !enr_pdf_dict_get_reference (trailer, "Root", &doc->root_number, &doc->root_generation))
    return ENR_PDF_SIGNATURE_MALFORMED;
  doc->info = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (carried); i++)
    {
      const EnrPdfDictEntry *entry = enr_pdf_dict_lookup (trailer, carried[i]);

      if (entry != NULL)
        g_string_append_printf (doc->info, " /%s %.*s", carried[i],
                                (int) (entry->value_end - entry->value_start),
                                (const char *) doc->pdf + entry->value_start);
    }
  return ENR_PDF_SIGNATURE_OK;
}

static void
merge_section (EnrPdfDocument *doc,
               GHashTable     *section)
{
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  /* Newest first: what a newer section says stands. */
  g_hash_table_iter_init (&iter, section);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (!g_hash_table_contains (doc->objects, key))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_insert (doc->objects, key, value);
        }
    }
}

/* One section at @offset, a table or a stream, and where the one before
 * it is (G_MAXSIZE: none). */
static EnrPdfSignatureStatus
read_section (EnrPdfDocument *doc,
              gsize           offset,
              gsize          *prev,
              gboolean        newest)
{
  EnrPdfLexer lx = { doc->pdf, doc->len, offset };
  g_auto(EnrPdfDict) trailer = { 0 };
  g_autoptr(GHashTable) section = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  EnrPdfSignatureStatus status;
  EnrPdfToken tok = enr_pdf_next_token (&lx);
  gboolean is_stream = tok.type == ENR_PDF_TOKEN_NUMBER;

  if (is_stream)
    status = _enr_pdf_xref_stream_read (doc, offset, section, FALSE, &trailer);
  else if (enr_pdf_token_is (&lx, tok, ENR_PDF_TOKEN_KEYWORD, "xref"))
    {
      status = read_table (doc, &lx, section);
      if (status == ENR_PDF_SIGNATURE_OK &&
          !enr_pdf_dict_parse (doc->pdf, doc->len, lx.pos, &trailer))
        status = ENR_PDF_SIGNATURE_MALFORMED;
    }
  else
    status = ENR_PDF_SIGNATURE_MALFORMED;
  if (status != ENR_PDF_SIGNATURE_OK)
    return status;
  if (enr_pdf_dict_lookup (&trailer, "Encrypt") != NULL)
    return ENR_PDF_SIGNATURE_ENCRYPTED;

  /* A hybrid file: the objects its table leaves out (or lists as free) are
   * in a cross-reference stream, read before the /Prev. */
  if (!is_stream && enr_pdf_dict_lookup (&trailer, "XRefStm") != NULL)
    {
      g_auto(EnrPdfDict) stream = { 0 };
      gsize stream_offset;

      if (!enr_pdf_dict_get_size (&trailer, doc->len, "XRefStm", &stream_offset) ||
          stream_offset >= doc->len)
        return ENR_PDF_SIGNATURE_MALFORMED;
      status = _enr_pdf_xref_stream_read (doc, stream_offset, section, TRUE, &stream);
      if (status != ENR_PDF_SIGNATURE_OK)
        return status;
    }

  if (newest)
    {
      doc->last_xref_stream = is_stream;
      status = read_newest_trailer (doc, &trailer);
      if (status != ENR_PDF_SIGNATURE_OK)
        return status;
    }
  merge_section (doc, section);

  if (enr_pdf_dict_lookup (&trailer, "Prev") == NULL)
    *prev = G_MAXSIZE;
  else if (!enr_pdf_dict_get_size (&trailer, doc->len, "Prev", prev) || *prev >= doc->len)
    return ENR_PDF_SIGNATURE_MALFORMED;
  return ENR_PDF_SIGNATURE_OK;
}

EnrPdfSignatureStatus
enr_pdf_document_read (EnrPdfDocument *doc,
                       const guint8   *pdf,
                       gsize           len)
{
  const guint8 *startxref;
  EnrPdfLexer lx = { pdf, len, 0 };
  gsize offset;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  doc->pdf = pdf;
  doc->len = len;
  doc->objects = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  doc->cache = g_new0 (EnrPdfObjectCache, 1);
  doc->cache->streams = g_hash_table_new_full (NULL, NULL, NULL,
                                               (GDestroyNotify) enr_pdf_object_stream_free);
  doc->cache->limit = enr_pdf_stream_limit (len);
  doc->cache->failure = ENR_PDF_SIGNATURE_MALFORMED;

  if (!enr_pdf_has_header (pdf, len))
    return ENR_PDF_SIGNATURE_NOT_PDF;
  startxref = enr_pdf_find_last (pdf, len, "startxref");
  if (startxref == NULL)
    return ENR_PDF_SIGNATURE_MALFORMED;
  lx.pos = startxref - pdf + strlen ("startxref");
  if (!enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &offset) || offset >= len)
    return ENR_PDF_SIGNATURE_MALFORMED;
  doc->last_xref = offset;

  for (guint n = 0; offset != G_MAXSIZE; n++)
    {
      EnrPdfSignatureStatus status;
      gsize prev;

      if (n >= MAX_XREF_SECTIONS || g_hash_table_contains (seen, GSIZE_TO_POINTER (offset)))
        return ENR_PDF_SIGNATURE_MALFORMED;
      g_hash_table_add (seen, GSIZE_TO_POINTER (offset));
      status = read_section (doc, offset, &prev, n == 0);
      if (status != ENR_PDF_SIGNATURE_OK)
        return status;
      offset = prev;
    }
  return ENR_PDF_SIGNATURE_OK;
}

EnrPdfSignatureStatus
enr_pdf_document_failure (const EnrPdfDocument *doc)
{
  return doc->cache != NULL ? doc->cache->failure : ENR_PDF_SIGNATURE_MALFORMED;
}

/* An object written in the file: "N G obj" at @entry's offset. */
static gboolean
find_in_file (const EnrPdfDocument  *doc,
              gsize                  number,
              const EnrPdfXrefEntry *entry,
              EnrPdfObject          *object)
{
  EnrPdfLexer lx = { doc->pdf, doc->len, entry->offset };
  gsize read_number;
  gsize read_generation;

  if (!enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &read_number) ||
      read_number != number ||
      !enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &read_generation) ||
      read_generation != entry->generation ||
      !enr_pdf_token_is (&lx, enr_pdf_next_token (&lx), ENR_PDF_TOKEN_KEYWORD, "obj"))
    return FALSE;
  *object = (EnrPdfObject) { doc->pdf, doc->len, lx.pos, entry->generation, TRUE };
  return TRUE;
}

static void
note_failure (EnrPdfObjectCache     *cache,
              EnrPdfSignatureStatus  status)
{
  if (cache->failure == ENR_PDF_SIGNATURE_MALFORMED)
    cache->failure = status;
}

/* Object stream @number, decoded and read on first use. */
static const EnrPdfObjectStream *
object_stream (const EnrPdfDocument *doc,
               gsize                 number)
{
  EnrPdfObjectCache *cache = doc->cache;
  g_auto(EnrPdfDict) dict = { 0 };
  g_autoptr(GBytes) decoded = NULL;
  g_autofree char *type = NULL;
  EnrPdfObjectStream *stream = NULL;
  EnrPdfSignatureStatus status;
  gpointer found;
  gsize generation;
  gsize n;
  gsize first;

  if (g_hash_table_lookup_extended (cache->streams, GSIZE_TO_POINTER (number), NULL, &found))
    return found;
  /* Seen from now on: a stream that names itself, or fails, is not read twice. */
  g_hash_table_insert (cache->streams, GSIZE_TO_POINTER (number), NULL);

  /* §7.5.7: no stream is compressed, nor the /Length of an object stream. */
  cache->reading++;
  if (!enr_pdf_document_read_dict (doc, number, &generation, &dict) || dict.data != doc->pdf)
    status = ENR_PDF_SIGNATURE_MALFORMED;
  else
    {
      type = enr_pdf_dict_get_name (&dict, "Type");
      if (g_strcmp0 (type, "ObjStm") != 0 || !enr_pdf_dict_get_size (&dict, doc->len, "N", &n) ||
          !enr_pdf_dict_get_size (&dict, doc->len, "First", &first))
        status = ENR_PDF_SIGNATURE_MALFORMED;
      else
        status = _enr_pdf_document_decode (doc, &dict, &decoded);
    }
  cache->reading--;
  if (status == ENR_PDF_SIGNATURE_OK)
    status = enr_pdf_object_stream_new (decoded, n, first, &stream);
  if (status != ENR_PDF_SIGNATURE_OK)
    {
      g_debug ("object stream %" G_GSIZE_FORMAT ": %s", number,
               enr_pdf_signature_status_to_string (status));
      note_failure (cache, status);
      return NULL;
    }
  g_hash_table_insert (cache->streams, GSIZE_TO_POINTER (number), stream);
  return stream;
}

gboolean
enr_pdf_document_find_object (const EnrPdfDocument *doc,
                              gsize                 number,
                              EnrPdfObject         *object)
{
  const EnrPdfXrefEntry *entry = g_hash_table_lookup (doc->objects, GSIZE_TO_POINTER (number));
  const EnrPdfObjectStream *stream;

  g_return_val_if_fail (doc != NULL && object != NULL, FALSE);

  if (entry == NULL || entry->kind == ENR_PDF_XREF_FREE)
    return FALSE;
  if (entry->kind == ENR_PDF_XREF_IN_FILE)
    return find_in_file (doc, number, entry, object);
  if (doc->cache->reading > 0 || (stream = object_stream (doc, entry->offset)) == NULL)
    return FALSE;
  *object = (EnrPdfObject) { NULL, 0, 0, 0, FALSE };
  return enr_pdf_object_stream_find (stream, number, entry->generation, &object->data,
                                     &object->len, &object->body);
}

gboolean
enr_pdf_document_has_object (const EnrPdfDocument *doc,
                             gsize                 number)
{
  const EnrPdfXrefEntry *entry = g_hash_table_lookup (doc->objects, GSIZE_TO_POINTER (number));

  return entry != NULL && entry->kind != ENR_PDF_XREF_FREE;
}

static gboolean
same_entry (const EnrPdfDocument *a,
            const EnrPdfDocument *b,
            gsize                 number,
            gboolean              in_file_only)
{
  const EnrPdfXrefEntry *x = g_hash_table_lookup (a->objects, GSIZE_TO_POINTER (number));
  const EnrPdfXrefEntry *y = g_hash_table_lookup (b->objects, GSIZE_TO_POINTER (number));

  if (x == NULL || y == NULL || x->kind != y->kind || x->offset != y->offset ||
      x->generation != y->generation)
    return FALSE;
  if (x->kind == ENR_PDF_XREF_COMPRESSED)
    return !in_file_only && same_entry (a, b, x->offset, TRUE);
  return TRUE;
}

gboolean
enr_pdf_document_same_object (const EnrPdfDocument *a,
                              const EnrPdfDocument *b,
                              gsize                 number)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return same_entry (a, b, number, FALSE);
}

gboolean
enr_pdf_document_read_dict (const EnrPdfDocument *doc,
                            gsize                 number,
                            gsize                *generation,
                            EnrPdfDict           *dict)
{
  EnrPdfObject object;

  if (!enr_pdf_document_find_object (doc, number, &object))
    return FALSE;
  *generation = object.generation;
  return enr_pdf_dict_parse (object.data, object.len, object.body, dict);
}

/* The text of the array that starts at data[start]. */
static GString *
array_at (const guint8 *data,
          gsize         len,
          gsize         start)
{
  EnrPdfLexer lx = { data, len, start };
  EnrPdfToken open = enr_pdf_next_token (&lx);
  gsize end;

  if (open.type != ENR_PDF_TOKEN_ARRAY_OPEN || !enr_pdf_skip_object (&lx, open, 1, &end))
    return NULL;
  return g_string_new_len ((const char *) data + open.start, end - open.start);
}

GString *
enr_pdf_document_read_array (const EnrPdfDocument *doc,
                             gsize                 number)
{
  EnrPdfObject object;

  if (!enr_pdf_document_find_object (doc, number, &object))
    return NULL;
  return array_at (object.data, object.len, object.body);
}

GString *
enr_pdf_document_array_text (const EnrPdfDocument  *doc,
                             const EnrPdfDict      *dict,
                             const EnrPdfDictEntry *entry)
{
  gsize number;
  gsize generation;

  if (enr_pdf_parse_reference (dict->data, entry->value_start, entry->value_end, &number,
                               &generation))
    return enr_pdf_document_read_array (doc, number);
  return array_at (dict->data, entry->value_end, entry->value_start);
}

gboolean
enr_pdf_document_get_size (const EnrPdfDocument *doc,
                           const EnrPdfDict     *dict,
                           const char           *key,
                           gsize                *value)
{
  gsize number;
  gsize generation;
  EnrPdfObject object;
  EnrPdfLexer lx = { NULL, 0, 0 };

  if (enr_pdf_dict_get_size (dict, doc->len, key, value))
    return TRUE;
  if (!enr_pdf_dict_get_reference (dict, key, &number, &generation) ||
      !enr_pdf_document_find_object (doc, number, &object))
    return FALSE;
  lx = (EnrPdfLexer) { object.data, object.len, object.body };
  return enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), value);
}

gboolean
enr_pdf_document_stream (const EnrPdfDocument *doc,
                         const EnrPdfDict     *dict,
                         gsize                *start,
                         gsize                *length)
{
  EnrPdfLexer lx = { doc->pdf, doc->len, dict->end };
  EnrPdfToken tok;
  gsize pos;

  if (dict->data != doc->pdf)
    return FALSE;
  tok = enr_pdf_next_token (&lx);
  if (!enr_pdf_token_is (&lx, tok, ENR_PDF_TOKEN_KEYWORD, "stream") ||
      !enr_pdf_document_get_size (doc, dict, "Length", length))
    return FALSE;
  /* §7.3.8.1: "stream" ends with CR LF or LF. */
  pos = tok.end;
  if (pos < doc->len && doc->pdf[pos] == '\r')
    pos++;
  if (pos >= doc->len || doc->pdf[pos] != '\n')
    return FALSE;
  pos++;
  if (*length > doc->len - pos)
    return FALSE;
  *start = pos;
  return TRUE;
}

GArray *
enr_pdf_document_objects (const EnrPdfDocument *doc)
{
  GArray *objects = g_array_new (FALSE, FALSE, sizeof (EnrPdfObjectEntry));
  GHashTableIter iter;
  gpointer key;
  gpointer value;

  g_hash_table_iter_init (&iter, doc->objects);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const EnrPdfXrefEntry *entry = value;
      EnrPdfObjectEntry object = { GPOINTER_TO_SIZE (key), G_MAXSIZE };

      if (entry->kind == ENR_PDF_XREF_IN_FILE)
        object.offset = entry->offset;
      else if (entry->kind == ENR_PDF_XREF_COMPRESSED)
        {
          const EnrPdfXrefEntry *stream = g_hash_table_lookup (doc->objects,
                                                               GSIZE_TO_POINTER (entry->offset));

          /* A stream that is not in the file is no older than the file's end. */
          object.offset = stream != NULL && stream->kind == ENR_PDF_XREF_IN_FILE
                            ? stream->offset : doc->len;
        }
      g_array_append_val (objects, object);
    }
  return objects;
}
