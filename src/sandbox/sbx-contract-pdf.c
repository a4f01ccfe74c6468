/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SmartCA service contract, drawn as a PDF with cairo and pango. The
 * text is laid out as a list of blocks first and paginated before anything
 * is drawn, so every page can say how many pages there are.
 */
#define G_LOG_DOMAIN "sbx-contract-pdf"

#include "config.h"

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <pango/pangocairo.h>
#include <stdio.h>

#include "sbx-contract-pdf.h"

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

/* Vietnam has kept UTC+7 without daylight saving since 1975. */
#define VIETNAM_OFFSET_S (7 * 3600)

typedef enum
{
  STYLE_NATIONAL,    /* the national heading, centred, bold */
  STYLE_MOTTO,       /* its motto, centred */
  STYLE_TITLE,       /* the contract's title */
  STYLE_CENTRED,     /* number, version, date: centred */
  STYLE_HEADING,     /* "Điều 1. …" */
  STYLE_BODY,        /* justified paragraph */
  STYLE_ITEM,        /* numbered clause, indented */
  STYLE_NOTE,        /* small print */
} Style;

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

typedef struct
{
  PangoContext *context;
  GPtrArray    *blocks;
  GArray       *pieces;
  guint         n_pages;
  char         *footer;
} Document;

static void
block_free (Block *block)
{
  g_clear_object (&block->layout);
  g_free (block);
}

static void
document_free (Document *doc)
{
  g_clear_object (&doc->context);
  g_clear_pointer (&doc->blocks, g_ptr_array_unref);
  g_clear_pointer (&doc->pieces, g_array_unref);
  g_free (doc->footer);
  g_free (doc);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Document, document_free)

static Document *
document_new (void)
{
  Document *doc = g_new0 (Document, 1);
  PangoFontMap *font_map = pango_cairo_font_map_get_default ();
  cairo_font_options_t *options = cairo_font_options_create ();

  doc->context = pango_font_map_create_context (font_map);
  /* Unhinted metrics and unrounded positions: a PDF is scaled, never
   * shown at one resolution, and the layout must not depend on a screen. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (doc->context, options);
  cairo_font_options_destroy (options);
  pango_cairo_context_set_resolution (doc->context, 72.0);
  pango_context_set_round_glyph_positions (doc->context, FALSE);
  pango_context_set_language (doc->context, pango_language_from_string ("vi"));

  doc->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  doc->pieces = g_array_new (FALSE, TRUE, sizeof (Piece));
  return doc;
}

static PangoLayout *
new_layout (Document   *doc,
            double      size,
            gboolean    bold,
            gboolean    italic,
            double      width)
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
add_block (Document  *doc,
           BlockKind  kind)
{
  Block *block = g_new0 (Block, 1);

  block->kind = kind;
  g_ptr_array_add (doc->blocks, block);
  return block;
}

/* @markup is Pango markup: callers escape what they did not write. */
static void
add_text (Document   *doc,
          Style       style,
          const char *markup)
{
  Block *block = add_block (doc, BLOCK_TEXT);
  double size = 10.0;
  gboolean bold = FALSE, italic = FALSE;
  PangoAlignment align = PANGO_ALIGN_LEFT;
  gboolean justify = FALSE;

  switch (style)
    {
    case STYLE_NATIONAL:
      size = 11.0, bold = TRUE, align = PANGO_ALIGN_CENTER;
      break;
    case STYLE_MOTTO:
      size = 11.0, bold = TRUE, align = PANGO_ALIGN_CENTER, block->space_before = 2;
      break;
    case STYLE_TITLE:
      size = 14.0, bold = TRUE, align = PANGO_ALIGN_CENTER, block->space_before = 26;
      break;
    case STYLE_CENTRED:
      align = PANGO_ALIGN_CENTER, block->space_before = 4;
      break;
    case STYLE_HEADING:
      size = 10.5, bold = TRUE, block->space_before = 12, block->keep_with_next = TRUE;
      break;
    case STYLE_BODY:
      justify = TRUE, block->space_before = 5;
      break;
    case STYLE_ITEM:
      justify = TRUE, block->space_before = 3, block->indent = ITEM_INDENT;
      break;
    case STYLE_NOTE:
      size = 8.5, italic = TRUE, justify = TRUE, block->space_before = 10;
      break;
    default:
      g_assert_not_reached ();
    }

  block->layout = new_layout (doc, size, bold, italic, CONTENT_WIDTH - block->indent);
  pango_layout_set_alignment (block->layout, align);
  pango_layout_set_justify (block->layout, justify);
  pango_layout_set_markup (block->layout, markup, -1);
}

/*
 * A "label: value" line. A @one_line value is never wrapped: the citizen's
 * name must come out of the PDF as one line of text, so a long one is drawn
 * smaller instead. The value follows its label closely rather than in a
 * column of its own, so that text extraction keeps the two together.
 */
static void
add_row (Document   *doc,
         const char *label,
         const char *value,
         gboolean    bold,
         gboolean    one_line)
{
  Block *block = add_block (doc, BLOCK_TEXT);
  double width = CONTENT_WIDTH - ITEM_INDENT;
  g_autofree char *markup = g_markup_printf_escaped (bold ? "%s <b>%s</b>" : "%s %s",
                                                     label, value);

  block->space_before = 4;
  block->indent = ITEM_INDENT;
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
}

static void
add_rule (Document *doc)
{
  Block *block = add_block (doc, BLOCK_RULE);

  block->space_before = 6;
}

static void
add_heading (Document   *doc,
             const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  add_text (doc, STYLE_HEADING, markup);
}

static void
add_body (Document   *doc,
          Style       style,
          const char *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  add_text (doc, style, markup);
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
add_piece (Document *doc,
           guint     page,
           double    y,
           Block    *block,
           int       first_line,
           int       end_line)
{
  Piece piece = { page, y, block, first_line, end_line };

  g_array_append_val (doc->pieces, piece);
}

static void
paginate (Document *doc)
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
draw_footer (Document *doc,
             cairo_t  *cr,
             guint     page)
{
  g_autoptr(PangoLayout) left = new_layout (doc, 8.0, FALSE, FALSE, CONTENT_WIDTH - 80);
  g_autoptr(PangoLayout) right = new_layout (doc, 8.0, FALSE, FALSE, 80);
  g_autofree char *number = g_strdup_printf ("Trang %u/%u", page + 1, doc->n_pages);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  cairo_set_line_width (cr, 0.4);
  cairo_move_to (cr, MARGIN_X, FOOTER_RULE_Y);
  cairo_line_to (cr, MARGIN_X + CONTENT_WIDTH, FOOTER_RULE_Y);
  cairo_stroke (cr);

  pango_layout_set_text (left, doc->footer, -1);
  cairo_move_to (cr, MARGIN_X, FOOTER_RULE_Y + 5);
  pango_cairo_show_layout (cr, left);

  pango_layout_set_alignment (right, PANGO_ALIGN_RIGHT);
  pango_layout_set_text (right, number, -1);
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

static GBytes *
document_render (Document    *doc,
                 const char  *title,
                 const char  *subject,
                 const char  *created,
                 const char  *modified,
                 GError     **error)
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
                   "Could not draw the contract: %s", cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/* The contract's text */

static char *
nfc (const char *text)
{
  return text != NULL ? g_utf8_normalize (text, -1, G_NORMALIZE_NFC) : NULL;
}

static const char *
service_pack_name (const char *service_pack)
{
  if (g_strcmp0 (service_pack, "SMARTCA_PERSONAL_FREE") == 0)
    return "Gói SmartCA cá nhân miễn phí";
  return service_pack;
}

/* "02/04/1993" from "1993-04-02"; anything else as it is. */
static char *
format_date_of_birth (const char *iso)
{
  unsigned year, month, day;
  char end;

  if (sscanf (iso, "%4u-%2u-%2u%c", &year, &month, &day, &end) == 3 &&
      g_date_valid_dmy (day, month, year))
    return g_strdup_printf ("%02u/%02u/%04u", day, month, year);
  return g_strdup (iso);
}

static GDateTime *
vietnam_time (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GTimeZone) zone = g_time_zone_new_offset (VIETNAM_OFFSET_S);

  return utc != NULL ? g_date_time_to_timezone (utc, zone) : NULL;
}

typedef struct
{
  char *full_name;
  char *address;
  char *email;
  char *date_of_birth;
  char *issued_date;           /* "ngày 23 tháng 11 năm 2026", Vietnam time */
  char *issued_rfc3339;        /* for the PDF's CreationDate */
} Texts;

static void
texts_clear (Texts *texts)
{
  g_free (texts->full_name);
  g_free (texts->address);
  g_free (texts->email);
  g_free (texts->date_of_birth);
  g_free (texts->issued_date);
  g_free (texts->issued_rfc3339);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Texts, texts_clear)

static gboolean
texts_init (Texts                 *texts,
            const SbxContractInfo *info,
            GError               **error)
{
  g_autoptr(GDateTime) issued = NULL;
  g_autoptr(GDateTime) issued_utc = NULL;

  g_assert (info != NULL);

  if (info->full_name == NULL || info->citizen_id == NULL || info->date_of_birth == NULL ||
      info->address == NULL || info->phone == NULL || info->service_pack == NULL ||
      info->contract_id == NULL || info->terms_version == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The contract lacks a required field");
      return FALSE;
    }

  texts->full_name = nfc (info->full_name);
  texts->address = nfc (info->address);
  texts->email = nfc (info->email != NULL ? info->email : "Không có");
  issued = vietnam_time (info->issued_at_ms);
  issued_utc = g_date_time_new_from_unix_utc (info->issued_at_ms / 1000);
  if (texts->full_name == NULL || texts->address == NULL || texts->email == NULL ||
      !g_utf8_validate (info->citizen_id, -1, NULL) ||
      !g_utf8_validate (info->date_of_birth, -1, NULL) ||
      !g_utf8_validate (info->phone, -1, NULL) ||
      !g_utf8_validate (info->contract_id, -1, NULL) ||
      !g_utf8_validate (info->terms_version, -1, NULL) ||
      !g_utf8_validate (info->service_pack, -1, NULL) ||
      issued == NULL || issued_utc == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The contract's fields are not valid UTF-8 or its date is out of range");
      return FALSE;
    }

  texts->date_of_birth = format_date_of_birth (info->date_of_birth);
  texts->issued_date = g_date_time_format (issued, "ngày %d tháng %m năm %Y");
  texts->issued_rfc3339 = g_date_time_format (issued_utc, "%Y-%m-%dT%H:%M:%SZ");
  return TRUE;
}

static void
build_contract (Document              *doc,
                const SbxContractInfo *info,
                const Texts           *texts)
{
  g_autofree char *number = NULL;
  g_autofree char *version = NULL;
  g_autofree char *today = NULL;
  g_autofree char *pack = NULL;

  doc->footer = g_strdup_printf ("Hợp đồng số %s · Điều khoản phiên bản %s",
                                 info->contract_id, info->terms_version);

  add_text (doc, STYLE_NATIONAL, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  add_text (doc, STYLE_MOTTO, "Độc lập – Tự do – Hạnh phúc");
  add_text (doc, STYLE_TITLE,
            "HỢP ĐỒNG CUNG CẤP VÀ SỬ DỤNG DỊCH VỤ\n"
            "CHỨNG THỰC CHỮ KÝ SỐ VNPT SmartCA");
  number = g_markup_printf_escaped ("Số: %s", info->contract_id);
  add_text (doc, STYLE_CENTRED, number);
  version = g_markup_printf_escaped ("Phiên bản điều khoản: %s", info->terms_version);
  add_text (doc, STYLE_CENTRED, version);

  add_heading (doc, "Căn cứ:");
  add_body (doc, STYLE_ITEM,
            "– Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;");
  add_body (doc, STYLE_ITEM,
            "– Luật Giao dịch điện tử số 20/2023/QH15 ngày 22 tháng 6 năm 2023;");
  add_body (doc, STYLE_ITEM,
            "– Nghị định số 23/2025/NĐ-CP ngày 21 tháng 02 năm 2025 của Chính phủ quy định "
            "về chữ ký điện tử và dịch vụ tin cậy;");
  add_body (doc, STYLE_ITEM,
            "– Nghị định số 13/2023/NĐ-CP ngày 17 tháng 4 năm 2023 của Chính phủ về bảo vệ "
            "dữ liệu cá nhân;");
  add_body (doc, STYLE_ITEM, "– Nhu cầu và thỏa thuận của hai bên.");

  today = g_strdup_printf ("Hôm nay, %s, chúng tôi gồm:", texts->issued_date);
  add_body (doc, STYLE_BODY, today);

  add_heading (doc, "BÊN A (BÊN CUNG CẤP DỊCH VỤ): TẬP ĐOÀN BƯU CHÍNH VIỄN THÔNG VIỆT NAM");
  add_row (doc, "Tên dịch vụ:", "VNPT SmartCA – dịch vụ chứng thực chữ ký số công cộng",
           FALSE, FALSE);
  add_row (doc, "Địa chỉ:", "Số 57 Huỳnh Thúc Kháng, Phường Láng, Thành phố Hà Nội",
           FALSE, FALSE);
  add_row (doc, "Hình thức giao kết:", "Hợp đồng điện tử qua ứng dụng VNPT SmartCA",
           FALSE, FALSE);

  add_heading (doc, "BÊN B (THUÊ BAO):");
  add_row (doc, "Họ và tên:", texts->full_name, TRUE, TRUE);
  add_row (doc, "Số định danh cá nhân:", info->citizen_id, FALSE, TRUE);
  add_row (doc, "Ngày sinh:", texts->date_of_birth, FALSE, FALSE);
  add_row (doc, "Nơi thường trú:", texts->address, FALSE, FALSE);
  add_row (doc, "Số điện thoại:", info->phone, FALSE, FALSE);
  add_row (doc, "Thư điện tử:", texts->email, FALSE, FALSE);

  add_heading (doc, "GÓI DỊCH VỤ:");
  pack = g_strdup_printf ("%s (mã gói %s)", service_pack_name (info->service_pack),
                          info->service_pack);
  add_row (doc, "Gói dịch vụ:", pack, FALSE, FALSE);
  add_row (doc, "Loại chứng thư:", "Chứng thư chữ ký số cá nhân, ký số từ xa", FALSE, FALSE);
  add_row (doc, "Thời hạn chứng thư:", "01 (một) năm kể từ ngày cấp", FALSE, FALSE);
  add_row (doc, "Giá cước:", "Miễn phí", FALSE, FALSE);

  add_body (doc, STYLE_BODY,
            "Hai bên thống nhất giao kết hợp đồng cung cấp và sử dụng dịch vụ chứng thực "
            "chữ ký số VNPT SmartCA (sau đây gọi là “Hợp đồng”) với các điều khoản sau:");

  add_heading (doc, "Điều 1. Phạm vi hợp đồng");
  add_body (doc, STYLE_BODY,
            "Bên A cung cấp cho Bên B dịch vụ chứng thực chữ ký số công cộng VNPT SmartCA "
            "theo phương thức ký số từ xa, gồm việc cấp chứng thư chữ ký số cá nhân mang tên "
            "Bên B, duy trì trạng thái của chứng thư trong thời hạn Hợp đồng và cung cấp "
            "phương tiện để Bên B ký số văn bản, hồ sơ điện tử, kể cả hồ sơ thủ tục hành "
            "chính trên Cổng Dịch vụ công quốc gia.");

  add_heading (doc, "Điều 2. Phương thức ký số từ xa");
  add_body (doc, STYLE_ITEM,
            "1. Khóa bí mật dùng để ký của Bên B được tạo và lưu giữ trong thiết bị an toàn "
            "phần cứng (HSM) của hệ thống VNPT SmartCA; khóa này không bao giờ rời khỏi HSM "
            "và không được chuyển giao cho bất kỳ ai, kể cả Bên B.");
  add_body (doc, STYLE_ITEM,
            "2. Mỗi yêu cầu ký chỉ được thực hiện khi Bên B xác nhận trên thiết bị của mình "
            "bằng khóa xác thực ủy quyền ký. Khóa xác thực được tạo và lưu trên thiết bị của "
            "Bên B, được bảo vệ bằng mã PIN do Bên B tự đặt. Bên A không lưu giữ, không biết "
            "và không thể khôi phục mã PIN của Bên B.");
  add_body (doc, STYLE_ITEM,
            "3. Bên B có thể đổi thiết bị xác thực theo quy trình của Bên A sau khi xác thực "
            "lại danh tính qua VNeID và mã OTP; khóa xác thực trên thiết bị cũ khi đó hết "
            "hiệu lực.");

  add_heading (doc, "Điều 3. Thời hạn, giá cước");
  add_body (doc, STYLE_ITEM,
            "1. Chứng thư chữ ký số cấp theo Hợp đồng này có thời hạn 01 (một) năm kể từ "
            "ngày cấp. Bên B có thể đề nghị gia hạn hoặc cấp mới theo quy định của Bên A.");
  add_body (doc, STYLE_ITEM,
            "2. Gói SmartCA cá nhân miễn phí được cung cấp không thu phí để Bên B ký số khi "
            "thực hiện thủ tục hành chính, dịch vụ công trực tuyến trên Cổng Dịch vụ công "
            "quốc gia. Bên A không thu bất kỳ khoản phí nào đối với việc đăng ký, cấp, sử "
            "dụng và thu hồi chứng thư theo gói dịch vụ này.");

  add_heading (doc, "Điều 4. Quyền và nghĩa vụ của Bên A");
  add_body (doc, STYLE_ITEM,
            "1. Cung cấp dịch vụ an toàn, liên tục, đúng quy chuẩn kỹ thuật và quy định của "
            "pháp luật về chữ ký điện tử và dịch vụ tin cậy.");
  add_body (doc, STYLE_ITEM,
            "2. Bảo đảm khóa bí mật của Bên B chỉ được dùng để ký khi có xác nhận hợp lệ của "
            "Bên B; lưu trữ nhật ký các giao dịch ký số theo quy định.");
  add_body (doc, STYLE_ITEM,
            "3. Tạm dừng, thu hồi chứng thư theo yêu cầu của Bên B hoặc theo quy định của "
            "pháp luật; công bố trạng thái chứng thư để bên thứ ba kiểm tra.");
  add_body (doc, STYLE_ITEM,
            "4. Hỗ trợ Bên B trong quá trình sử dụng dịch vụ qua tổng đài và các kênh hỗ "
            "trợ của Bên A.");

  add_heading (doc, "Điều 5. Quyền và nghĩa vụ của Bên B");
  add_body (doc, STYLE_ITEM,
            "1. Cung cấp thông tin trung thực, chính xác và chịu trách nhiệm về thông tin đã "
            "cung cấp qua ứng dụng VNeID; thông báo cho Bên A khi thông tin thay đổi.");
  add_body (doc, STYLE_ITEM,
            "2. Giữ bí mật mã PIN, không tiết lộ cho người khác; bảo quản thiết bị lưu khóa "
            "xác thực; thông báo ngay cho Bên A khi mất thiết bị, lộ mã PIN hoặc nghi ngờ "
            "chứng thư bị sử dụng trái phép để tạm dừng hoặc thu hồi chứng thư.");
  add_body (doc, STYLE_ITEM,
            "3. Chịu trách nhiệm trước pháp luật về các văn bản, hồ sơ đã ký số bằng chứng "
            "thư của mình trong thời gian chứng thư có hiệu lực.");
  add_body (doc, STYLE_ITEM,
            "4. Không sử dụng dịch vụ vào mục đích trái pháp luật; được yêu cầu tạm dừng, "
            "thu hồi chứng thư và chấm dứt Hợp đồng bất cứ lúc nào.");

  add_heading (doc, "Điều 6. Bảo vệ dữ liệu cá nhân");
  add_body (doc, STYLE_BODY,
            "Bên A xử lý dữ liệu cá nhân của Bên B (họ và tên, số định danh cá nhân, ngày "
            "sinh, nơi thường trú, số điện thoại, thư điện tử) do VNeID chia sẻ với sự đồng "
            "ý của Bên B, chỉ nhằm mục đích cấp và duy trì chứng thư chữ ký số, theo Nghị "
            "định số 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân. Bên B có các quyền của chủ thể "
            "dữ liệu: được biết, đồng ý hoặc rút lại sự đồng ý, truy cập, yêu cầu chỉnh sửa, "
            "xóa, hạn chế xử lý dữ liệu, khiếu nại và yêu cầu bồi thường theo quy định của "
            "pháp luật. Bên A không chuyển dữ liệu cá nhân của Bên B cho bên thứ ba, trừ "
            "trường hợp pháp luật quy định.");

  add_heading (doc, "Điều 7. Tạm dừng, thu hồi chứng thư và chấm dứt hợp đồng");
  add_body (doc, STYLE_BODY,
            "Chứng thư bị tạm dừng hoặc thu hồi theo yêu cầu của Bên B, khi có căn cứ cho "
            "thấy khóa bí mật hoặc thiết bị xác thực bị lộ, hoặc theo yêu cầu của cơ quan "
            "nhà nước có thẩm quyền. Hợp đồng chấm dứt khi chứng thư hết hạn mà không được "
            "gia hạn, khi chứng thư bị thu hồi, hoặc theo thỏa thuận của hai bên.");

  add_heading (doc, "Điều 8. Giải quyết tranh chấp");
  add_body (doc, STYLE_BODY,
            "Tranh chấp phát sinh từ Hợp đồng được giải quyết trước hết bằng thương lượng, "
            "hòa giải. Nếu không thương lượng, hòa giải được trong 30 ngày, mỗi bên có quyền "
            "đưa tranh chấp ra Tòa án nhân dân có thẩm quyền theo quy định của pháp luật "
            "Việt Nam.");

  add_heading (doc, "Điều 9. Hiệu lực hợp đồng");
  add_body (doc, STYLE_BODY,
            "Hợp đồng được giao kết dưới dạng thông điệp dữ liệu và có giá trị pháp lý như "
            "văn bản theo Luật Giao dịch điện tử. Hợp đồng có hiệu lực kể từ thời điểm Bên B "
            "xác nhận đồng ý bằng mã OTP gửi đến số điện thoại đã đăng ký và có hiệu lực "
            "đến khi chứng thư hết hạn hoặc bị thu hồi.");

  add_body (doc, STYLE_NOTE,
            "Tài liệu này do môi trường thử nghiệm smartca-sandbox tạo ra để phát triển và "
            "kiểm thử phần mềm; mọi thông tin trong đó là hư cấu và tài liệu không có giá "
            "trị pháp lý.");
}

/* The acceptance on its own page: who accepted what, how and when. */
static void
build_acceptance (Document              *doc,
                  const SbxContractInfo *info,
                  const Texts           *texts,
                  const char            *hash,
                  const char            *signed_at,
                  GDateTime             *signed_local,
                  const char            *phone_masked)
{
  g_autofree char *method = NULL;
  g_autofree char *local = NULL;
  g_autofree char *when = NULL;

  add_block (doc, BLOCK_PAGE_BREAK);
  add_text (doc, STYLE_TITLE, "XÁC NHẬN ĐIỆN TỬ");
  add_body (doc, STYLE_CENTRED, "Giao kết hợp đồng bằng mã xác thực một lần (OTP)");
  add_rule (doc);

  add_row (doc, "Hợp đồng số:", info->contract_id, FALSE, TRUE);
  add_row (doc, "Phiên bản điều khoản:", info->terms_version, FALSE, FALSE);
  add_row (doc, "Thuê bao:", texts->full_name, TRUE, TRUE);
  add_row (doc, "Số định danh cá nhân:", info->citizen_id, FALSE, TRUE);
  method = g_strdup_printf ("Mã OTP gửi qua tin nhắn SMS đến số điện thoại %s", phone_masked);
  add_row (doc, "Phương thức xác nhận:", method, FALSE, FALSE);
  local = g_date_time_format (signed_local, "%H:%M:%S ngày %d/%m/%Y giờ Việt Nam");
  when = g_strdup_printf ("%s (%s)", signed_at, local);
  add_row (doc, "Thời điểm xác nhận:", when, FALSE, TRUE);
  add_row (doc, "Mã băm SHA-256 của hợp đồng:", hash, FALSE, FALSE);
  add_row (doc, "Trạng thái:", "Đã giao kết", TRUE, FALSE);
  add_rule (doc);

  add_body (doc, STYLE_BODY,
            "Bên B đã đọc, hiểu rõ và đồng ý toàn bộ nội dung Hợp đồng nêu trên bằng cách "
            "nhập đúng mã OTP do Bên A gửi đến số điện thoại đã đăng ký của Bên B. Việc xác "
            "nhận này là hình thức giao kết hợp đồng bằng phương tiện điện tử theo Luật "
            "Giao dịch điện tử; Hợp đồng có hiệu lực kể từ thời điểm xác nhận ghi trên.");
  add_body (doc, STYLE_BODY,
            "Mã băm ghi trên là mã băm SHA-256 (mã hóa Base64) của đúng tệp hợp đồng Bên A "
            "đã gửi để Bên B xem xét, dùng để đối chiếu nội dung đã được chấp thuận.");
}

static gboolean
check_info (const SbxContractInfo  *info,
            GError                **error)
{
  if (info == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No contract");
      return FALSE;
    }
  return TRUE;
}

GBytes *
sbx_contract_pdf_render (const SbxContractInfo *info,
                         GError               **error)
{
  g_autoptr(Document) doc = NULL;
  g_auto(Texts) texts = { NULL, };
  g_autofree char *subject = NULL;

  if (!check_info (info, error) || !texts_init (&texts, info, error))
    return NULL;

  doc = document_new ();
  build_contract (doc, info, &texts);
  subject = g_strdup_printf ("Hợp đồng số %s", info->contract_id);
  return document_render (doc,
                          "Hợp đồng cung cấp và sử dụng dịch vụ chứng thực chữ ký số "
                          "VNPT SmartCA",
                          subject, texts.issued_rfc3339, texts.issued_rfc3339, error);
}

static char *
hash_of (GBytes *bytes)
{
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_checksum_get_digest (checksum, digest, &len);
  return g_base64_encode (digest, len);
}

GBytes *
sbx_contract_pdf_render_signed (const SbxContractInfo *info,
                                const char            *signed_at_rfc3339,
                                const char            *phone_masked,
                                GError               **error)
{
  g_autoptr(Document) doc = NULL;
  g_auto(Texts) texts = { NULL, };
  g_autoptr(GDateTime) signed_at = NULL;
  g_autoptr(GDateTime) signed_local = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GTimeZone) utc = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *modified = NULL;

  if (!check_info (info, error) || !texts_init (&texts, info, error))
    return NULL;

  utc = g_time_zone_new_utc ();
  if (signed_at_rfc3339 != NULL)
    signed_at = g_date_time_new_from_iso8601 (signed_at_rfc3339, utc);
  if (signed_at == NULL || phone_masked == NULL || !g_utf8_validate (phone_masked, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The acceptance needs an RFC 3339 time and a phone number");
      return NULL;
    }
  zone = g_time_zone_new_offset (VIETNAM_OFFSET_S);
  signed_local = g_date_time_to_timezone (signed_at, zone);
  modified = g_date_time_format (signed_at, "%Y-%m-%dT%H:%M:%SZ");

  if (info->contract_hash != NULL)
    hash = g_strdup (info->contract_hash);
  else
    {
      g_autoptr(GBytes) plain = sbx_contract_pdf_render (info, error);

      if (plain == NULL)
        return NULL;
      hash = hash_of (plain);
    }

  doc = document_new ();
  build_contract (doc, info, &texts);
  build_acceptance (doc, info, &texts, hash, signed_at_rfc3339, signed_local, phone_masked);
  subject = g_strdup_printf ("Hợp đồng số %s, đã giao kết", info->contract_id);
  return document_render (doc,
                          "Hợp đồng cung cấp và sử dụng dịch vụ chứng thực chữ ký số "
                          "VNPT SmartCA",
                          subject, texts.issued_rfc3339, modified, error);
}
