/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sandbox's documents (the service contract, the acceptance record)
 * as A4 PDFs drawn with cairo and pango. The text is laid out as a list of
 * blocks first and paginated before anything is drawn, so every page can
 * say how many pages there are.
 */
#define G_LOG_DOMAIN "sbx-pdf-document"

#include "config.h"

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <pango/pangocairo.h>

#include "sbx-pdf-document.h"

/* A4 in points, and the text area inside it. */
#define PAGE_WIDTH     595.276
#define PAGE_HEIGHT    841.890
#define MARGIN_X        62.0
#define MARGIN_TOP      58.0
#define TEXT_BOTTOM    (PAGE_HEIGHT - 78.0)
#define FOOTER_RULE_Y  (PAGE_HEIGHT - 62.0)
#define CONTENT_WIDTH  (PAGE_WIDTH - 2 * MARGIN_X)
#define LABEL_WIDTH    150.0
#define ITEM_INDENT     14.0
#define RULE_HEIGHT     10.0

/* Both have every Vietnamese letter; the installed one wins. */
#define FONT_FAMILY    "Noto Sans, DejaVu Sans"

typedef enum
{
  BLOCK_TEXT,
  BLOCK_RULE,
  BLOCK_PAGE_BREAK,
} BlockKind;

typedef struct
{
  BlockKind    kind;
  PangoLayout *layout;          /* TEXT */
  double       indent;
  double       space_before;
  gboolean     keep_with_next;
} Block;

/* Where a block, or the part of one that fits, goes. */
typedef struct
{
  guint  page;
  double y;                     /* top of the piece on its page */
  Block *block;
  int    first_line;            /* TEXT: lines [first_line, end_line) */
  int    end_line;
} Piece;

struct _SbxPdfDocument
{
  PangoContext *context;
  GPtrArray    *blocks;
  GArray       *pieces;
  guint         n_pages;
  char         *footer;
};

/*
 * Laying text out (shaping it with HarfBuzz) is most of what drawing a
 * document costs, and most of the contract's text is the same for every
 * citizen, and the same again in its signed copy. So each thread keeps its
 * PangoContext and the layouts it has made, by what they hold; a layout is
 * never changed once made. A thread drawing documents for many citizens
 * would keep their names too: past MAX_CACHED layouts it starts again.
 */
#define MAX_CACHED 1024

typedef struct
{
  PangoContext *context;
  GHashTable   *layouts;      /* key (style and text) → PangoLayout */
} ThreadCache;

static void
thread_cache_free (gpointer data)
{
  ThreadCache *cache = data;

  g_clear_pointer (&cache->layouts, g_hash_table_unref);
  g_clear_object (&cache->context);
  g_free (cache);
}

static GPrivate thread_cache_key = G_PRIVATE_INIT (thread_cache_free);

static ThreadCache *
thread_cache (void)
{
  ThreadCache *cache = g_private_get (&thread_cache_key);
  cairo_font_options_t *options;

  if (cache != NULL)
    return cache;

  cache = g_new0 (ThreadCache, 1);
  /* Pango's default font map is the thread's own. */
  cache->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  /* Unhinted metrics and unrounded positions: a PDF is scaled, never
   * shown at one resolution, and the layout must not depend on a screen. */
  options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (cache->context, options);
  cairo_font_options_destroy (options);
  pango_cairo_context_set_resolution (cache->context, 72.0);
  pango_context_set_round_glyph_positions (cache->context, FALSE);
  pango_context_set_language (cache->context, pango_language_from_string ("vi"));
  cache->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_private_set (&thread_cache_key, cache);
  return cache;
}

/* The thread's layout for @key, or NULL; a new reference. */
static PangoLayout *
cached_layout (const char *key)
{
  PangoLayout *layout = g_hash_table_lookup (thread_cache ()->layouts, key);

  return layout != NULL ? g_object_ref (layout) : NULL;
}

/* Keeps @layout, now complete, under @key (taken); returns @layout. */
static PangoLayout *
cache_layout (char        *key,
              PangoLayout *layout)
{
  ThreadCache *cache = thread_cache ();

  if (g_hash_table_size (cache->layouts) >= MAX_CACHED)
    g_hash_table_remove_all (cache->layouts);
  g_hash_table_insert (cache->layouts, key, g_object_ref (layout));
  return layout;
}

static void
block_free (Block *block)
{
  g_clear_object (&block->layout);
  g_free (block);
}

void
sbx_pdf_document_free (SbxPdfDocument *doc)
{
  g_clear_object (&doc->context);
  g_clear_pointer (&doc->blocks, g_ptr_array_unref);
  g_clear_pointer (&doc->pieces, g_array_unref);
  g_free (doc->footer);
  g_free (doc);
}

SbxPdfDocument *
sbx_pdf_document_new (void)
{
  SbxPdfDocument *doc = g_new0 (SbxPdfDocument, 1);

  doc->context = g_object_ref (thread_cache ()->context);
  doc->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  doc->pieces = g_array_new (FALSE, TRUE, sizeof (Piece));
  return doc;
}

static PangoLayout *
new_layout (SbxPdfDocument *doc,
            double          size,
            gboolean        bold,
            gboolean        italic,
            double          width)
{
  PangoLayout *layout = pango_layout_new (doc->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_style (font, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  pango_layout_set_font_description (layout, font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  return layout;
}

static Block *
add_block (SbxPdfDocument *doc,
           BlockKind       kind)
{
  Block *block = g_new0 (Block, 1);

  block->kind = kind;
  g_ptr_array_add (doc->blocks, block);
  return block;
}

/* @markup is Pango markup: callers escape what they did not write. */
void
sbx_pdf_add_text (SbxPdfDocument *doc,
                  SbxPdfStyle     style,
                  const char     *markup)
{
  Block *block = add_block (doc, BLOCK_TEXT);
  g_autofree char *key = NULL;
  double size = 10.0;
  gboolean bold = FALSE, italic = FALSE;
  PangoAlignment align = PANGO_ALIGN_LEFT;
  gboolean justify = FALSE;

  switch (style)
    {
    case SBX_PDF_NATIONAL:
      size = 11.0, bold = TRUE, align = PANGO_ALIGN_CENTER;
      break;
    case SBX_PDF_MOTTO:
      size = 11.0, bold = TRUE, align = PANGO_ALIGN_CENTER, block->space_before = 2;
      break;
    case SBX_PDF_TITLE:
      size = 14.0, bold = TRUE, align = PANGO_ALIGN_CENTER, block->space_before = 26;
      break;
    case SBX_PDF_CENTRED:
      align = PANGO_ALIGN_CENTER, block->space_before = 4;
      break;
    case SBX_PDF_HEADING:
      size = 10.5, bold = TRUE, block->space_before = 12, block->keep_with_next = TRUE;
      break;
    case SBX_PDF_BODY:
      justify = TRUE, block->space_before = 5;
      break;
    case SBX_PDF_ITEM:
      justify = TRUE, block->space_before = 3, block->indent = ITEM_INDENT;
      break;
    case SBX_PDF_NOTE:
      size = 8.5, italic = TRUE, justify = TRUE, block->space_before = 10;
      break;
    default:
      g_assert_not_reached ();
    }

  key = g_strdup_printf ("text %d\x1f%s", style, markup);
  block->layout = cached_layout (key);
  if (block->layout != NULL)
    return;
  block->layout = new_layout (doc, size, bold, italic, CONTENT_WIDTH - block->indent);
  pango_layout_set_alignment (block->layout, align);
  pango_layout_set_justify (block->layout, justify);
  pango_layout_set_markup (block->layout, markup, -1);
  cache_layout (g_steal_pointer (&key), block->layout);
}

/*
 * A "label: value" line. A @one_line value is never wrapped: the citizen's
 * name must come out of the PDF as one line of text, so a long one is drawn
 * smaller instead. The value follows its label closely rather than in a
 * column of its own, so that text extraction keeps the two together.
 */
void
sbx_pdf_add_row (SbxPdfDocument *doc,
                 const char     *label,
                 const char     *value,
                 gboolean        bold,
                 gboolean        one_line)
{
  Block *block = add_block (doc, BLOCK_TEXT);
  double width = CONTENT_WIDTH - ITEM_INDENT;
  g_autofree char *markup = g_markup_printf_escaped (bold ? "%s <b>%s</b>" : "%s %s",
                                                     label, value);
  g_autofree char *key = NULL;

  block->space_before = 4;
  block->indent = ITEM_INDENT;
  key = g_strdup_printf ("row %d %d\x1f%s", bold, one_line, markup);
  block->layout = cached_layout (key);
  if (block->layout != NULL)
    return;
  block->layout = new_layout (doc, 10.0, FALSE, FALSE, one_line ? -1 : width);
  pango_layout_set_markup (block->layout, markup, -1);
  if (one_line)
    {
      int text_width;

      pango_layout_set_single_paragraph_mode (block->layout, TRUE);
      pango_layout_get_size (block->layout, &text_width, NULL);
      if (text_width > width * PANGO_SCALE)
        {
          g_autoptr(PangoFontDescription) font =
            pango_font_description_copy (pango_layout_get_font_description (block->layout));
          double size = MAX (5.0, 10.0 * width * PANGO_SCALE / text_width);

          pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
          pango_layout_set_font_description (block->layout, font);
        }
    }
  cache_layout (g_steal_pointer (&key), block->layout);
}

void
sbx_pdf_add_rule (SbxPdfDocument *doc)
{
  Block *block = add_block (doc, BLOCK_RULE);

  block->space_before = 6;
}

void
sbx_pdf_add_heading (SbxPdfDocument *doc,
                     const char     *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  sbx_pdf_add_text (doc, SBX_PDF_HEADING, markup);
}

void
sbx_pdf_add_body (SbxPdfDocument *doc,
                  SbxPdfStyle     style,
                  const char     *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  sbx_pdf_add_text (doc, style, markup);
}

void
sbx_pdf_add_page_break (SbxPdfDocument *doc)
{
  add_block (doc, BLOCK_PAGE_BREAK);
}

void
sbx_pdf_document_set_footer (SbxPdfDocument *doc,
                             const char     *footer)
{
  g_free (doc->footer);
  doc->footer = g_strdup (footer);
}

/* Paginating */

static double
line_height (PangoLayout *layout,
             int          index)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  int y0, y1;

  for (int i = 0; i < index && pango_layout_iter_next_line (iter); i++)
    ;
  pango_layout_iter_get_line_yrange (iter, &y0, &y1);
  pango_layout_iter_free (iter);
  return (double) (y1 - y0) / PANGO_SCALE;
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

/* How much of a block must fit on a page for it to start there. */
static double
block_first_height (Block *block)
{
  switch (block->kind)
    {
    case BLOCK_TEXT:
      return line_height (block->layout, 0);
    case BLOCK_RULE:
      return RULE_HEIGHT;
    case BLOCK_PAGE_BREAK:
    default:
      return 0;
    }
}

static void
add_piece (SbxPdfDocument *doc,
           guint           page,
           double          y,
           Block          *block,
           int             first_line,
           int             end_line)
{
  Piece piece = { page, y, block, first_line, end_line };

  g_array_append_val (doc->pieces, piece);
}

static void
paginate (SbxPdfDocument *doc)
{
  guint page = 0;
  double y = MARGIN_TOP;

  for (guint i = 0; i < doc->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (doc->blocks, i);
      double space = y > MARGIN_TOP ? block->space_before : 0;
      double needed;

      if (block->kind == BLOCK_PAGE_BREAK)
        {
          page++;
          y = MARGIN_TOP;
          continue;
        }

      /* A heading never ends a page: it goes with the start of what it heads. */
      needed = block_first_height (block);
      if (block->keep_with_next && i + 1 < doc->blocks->len)
        {
          Block *next = g_ptr_array_index (doc->blocks, i + 1);

          needed = (block->kind == BLOCK_TEXT ? layout_height (block->layout) : needed)
                   + next->space_before + block_first_height (next);
        }
      if (y > MARGIN_TOP && y + space + needed > TEXT_BOTTOM)
        {
          page++;
          y = MARGIN_TOP;
          space = 0;
        }
      y += space;

      if (block->kind == BLOCK_RULE)
        {
          add_piece (doc, page, y, block, 0, 0);
          y += RULE_HEIGHT;
        }
      else
        {
          PangoLayoutIter *iter = pango_layout_get_iter (block->layout);
          int first = 0, index = 0;
          int piece_top = 0, y0, y1;

          /* Lines that do not fit go on to the next page. */
          do
            {
              pango_layout_iter_get_line_yrange (iter, &y0, &y1);
              if (index == 0)
                piece_top = y0;
              if (index > first && y + (double) (y1 - piece_top) / PANGO_SCALE > TEXT_BOTTOM)
                {
                  add_piece (doc, page, y, block, first, index);
                  page++;
                  y = MARGIN_TOP;
                  first = index;
                  piece_top = y0;
                }
              index++;
            }
          while (pango_layout_iter_next_line (iter));
          pango_layout_iter_free (iter);

          add_piece (doc, page, y, block, first, index);
          y += (double) (y1 - piece_top) / PANGO_SCALE;
        }
    }

  doc->n_pages = page + 1;
}

/* Drawing */

static void
draw_lines (cairo_t     *cr,
            PangoLayout *layout,
            double       x,
            double       y,
            int          first_line,
            int          end_line)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  int index = 0, top = 0;

  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical, own;
      int y0, y1;

      pango_layout_iter_get_line_yrange (iter, &y0, &y1);
      if (index == first_line)
        top = y0;
      if (index >= first_line && index < end_line)
        {
          /* The line's origin, in the layout: alignment included. */
          pango_layout_iter_get_line_extents (iter, NULL, &logical);
          pango_layout_line_get_extents (line, NULL, &own);
          cairo_move_to (cr,
                         x + (double) (logical.x - own.x) / PANGO_SCALE,
                         y + (double) (pango_layout_iter_get_baseline (iter) - top) / PANGO_SCALE);
          pango_cairo_show_layout_line (cr, line);
        }
      index++;
    }
  while (index < end_line && pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

static void
draw_piece (cairo_t *cr,
            Piece   *piece)
{
  Block *block = piece->block;
  double x = MARGIN_X + block->indent;

  switch (block->kind)
    {
    case BLOCK_TEXT:
      draw_lines (cr, block->layout, x, piece->y, piece->first_line, piece->end_line);
      break;
    case BLOCK_RULE:
      cairo_save (cr);
      cairo_set_line_width (cr, 0.6);
      cairo_move_to (cr, MARGIN_X, piece->y + RULE_HEIGHT / 2);
      cairo_line_to (cr, MARGIN_X + CONTENT_WIDTH, piece->y + RULE_HEIGHT / 2);
      cairo_stroke (cr);
      cairo_restore (cr);
      break;
    case BLOCK_PAGE_BREAK:
    default:
      g_assert_not_reached ();
    }
}

static void
draw_footer (SbxPdfDocument *doc,
             cairo_t        *cr,
             guint           page)
{
  g_autofree char *number = g_strdup_printf ("Trang %u/%u", page + 1, doc->n_pages);
  g_autofree char *left_key = g_strconcat ("footer\x1f", doc->footer != NULL ? doc->footer : "",
                                           NULL);
  g_autofree char *right_key = g_strconcat ("page\x1f", number, NULL);
  g_autoptr(PangoLayout) left = cached_layout (left_key);
  g_autoptr(PangoLayout) right = cached_layout (right_key);

  if (left == NULL)
    {
      left = new_layout (doc, 8.0, FALSE, FALSE, CONTENT_WIDTH - 80);
      pango_layout_set_text (left, doc->footer != NULL ? doc->footer : "", -1);
      cache_layout (g_steal_pointer (&left_key), left);
    }
  if (right == NULL)
    {
      right = new_layout (doc, 8.0, FALSE, FALSE, 80);
      pango_layout_set_alignment (right, PANGO_ALIGN_RIGHT);
      pango_layout_set_text (right, number, -1);
      cache_layout (g_steal_pointer (&right_key), right);
    }

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  cairo_set_line_width (cr, 0.4);
  cairo_move_to (cr, MARGIN_X, FOOTER_RULE_Y);
  cairo_line_to (cr, MARGIN_X + CONTENT_WIDTH, FOOTER_RULE_Y);
  cairo_stroke (cr);

  cairo_move_to (cr, MARGIN_X, FOOTER_RULE_Y + 5);
  pango_cairo_show_layout (cr, left);

  cairo_move_to (cr, MARGIN_X + CONTENT_WIDTH - 80, FOOTER_RULE_Y + 5);
  pango_cairo_show_layout (cr, right);
  cairo_restore (cr);
}

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
sbx_pdf_document_render (SbxPdfDocument  *doc,
                         const char      *title,
                         const char      *subject,
                         const char      *created,
                         const char      *modified,
                         GError         **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  guint next = 0;

  paginate (doc);

  surface = cairo_pdf_surface_create_for_stream (write_cb, bytes, PAGE_WIDTH, PAGE_HEIGHT);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, "VNPT SmartCA");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT, subject);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR,
                                  "smartca-sandbox " PACKAGE_VERSION);
  /* Without these cairo stamps the wall clock, and the bytes would change. */
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, created);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_MOD_DATE, modified);

  cr = cairo_create (surface);
  for (guint page = 0; page < doc->n_pages; page++)
    {
      cairo_set_source_rgb (cr, 0, 0, 0);
      for (; next < doc->pieces->len; next++)
        {
          Piece *piece = &g_array_index (doc->pieces, Piece, next);

          if (piece->page != page)
            break;
          draw_piece (cr, piece);
        }
      draw_footer (doc, cr, page);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Could not draw the PDF: %s", cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* Text */

char *
sbx_pdf_nfc (const char *text)
{
  return text != NULL ? g_utf8_normalize (text, -1, G_NORMALIZE_NFC) : NULL;
}
