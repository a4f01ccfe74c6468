/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pdf-xref"
#define _GNU_SOURCE   /* memmem */

/*
 * Reading and updating PDF 1.5 files, in process, on files written here
 * byte by byte: cross-reference streams with each PNG predictor, object
 * streams, hybrid files; the kind of section an update ends with; what is
 * refused (the TIFF predictor, an unknown filter, a damaged stream, a
 * decompression bomb); a page's rotation and crop box; the check of a later
 * revision that compresses a page again. The same files against qpdf,
 * pdfsig and pdftoppm: tests/sign/test_sign.py.
 */
#include "config.h"

#include <string.h>

#include <zlib.h>

#include "enr-pdf-check.h"
#include "enr-pdf-signature-writer.h"
#include "enr-pdf-signature.h"

#define N_OBJECTS 7
#define ROW 7   /* /W [1 4 2] */

/* How a test file is written: one page (object 3) in a page tree (2)
 * under a catalog (1), its content (4), an object stream (5) and a
 * cross-reference stream (6) when asked for. */
typedef struct
{
  gboolean    xref_stream;   /* else a table */
  gboolean    hybrid;        /* a table whose trailer names an /XRefStm */
  gboolean    objstm;        /* 1, 2 and 3 compressed in 5 */
  int         tag;           /* each row's PNG predictor; -1: each in turn */
  const char *parms;         /* the stream's /DecodeParms; NULL: PNG Up, "": none */
  const char *pages_extra;   /* more entries of the page tree's root */
  const char *page_extra;    /* more entries of the page */
  gsize       bomb;          /* > 0: that many spaces after the object stream's objects */
} Shape;

static GBytes *
deflate_bytes (const guint8 *data,
               gsize         len)
{
  uLongf out_len = compressBound (len);
  guint8 *out = g_malloc (out_len);

  g_assert_cmpint (compress2 (out, &out_len, data, len, 9), ==, Z_OK);
  return g_bytes_new_take (out, out_len);
}

static guint8
paeth (int a,
       int b,
       int c)
{
  int p = a + b - c;
  int pa = ABS (p - a), pb = ABS (p - b), pc = ABS (p - c);

  return (guint8) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
}

/* PNG-encodes rows of ROW bytes (RFC 2083 §6), one byte a pixel. */
static GByteArray *
png_encode (const guint8 *rows,
            gsize         n_rows,
            int           tag)
{
  GByteArray *out = g_byte_array_new ();

  for (gsize r = 0; r < n_rows; r++)
    {
      const guint8 *row = rows + r * ROW;
      const guint8 *up = r > 0 ? row - ROW : NULL;
      guint8 t = (guint8) (tag >= 0 ? tag : (int) (r % 5));

      g_byte_array_append (out, &t, 1);
      for (int i = 0; i < ROW; i++)
        {
          int a = i > 0 ? row[i - 1] : 0;
          int b = up != NULL ? up[i] : 0;
          int c = i > 0 && up != NULL ? up[i - 1] : 0;
          guint8 predicted[] = { 0, (guint8) a, (guint8) b, (guint8) ((a + b) / 2), paeth (a, b, c) };
          /* A tag that is none of them (a damaged file) predicts nothing. */
          guint8 v = (guint8) (row[i] - (t < G_N_ELEMENTS (predicted) ? predicted[t] : 0));

          g_byte_array_append (out, &v, 1);
        }
    }
  return out;
}

static void
put_row (guint8 *row,
         guint8  type,
         gsize   field2,
         gsize   field3)
{
  row[0] = type;
  for (int i = 0; i < 4; i++)
    row[1 + i] = (guint8) (field2 >> (8 * (3 - i)));
  row[5] = (guint8) (field3 >> 8);
  row[6] = (guint8) field3;
}

static void
begin_object (GString *out,
              gsize    offsets[],
              int      number)
{
  offsets[number] = out->len;
  g_string_append_printf (out, "%d 0 obj\n", number);
}

static GBytes *
build (const Shape *shape)
{
  g_autoptr(GString) out = g_string_new ("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n");
  g_autofree char *pages = g_strdup_printf ("<< /Type /Pages /Kids [3 0 R] /Count 1 %s >>",
                                            shape->pages_extra != NULL ? shape->pages_extra : "");
  g_autofree char *page = g_strdup_printf ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800]"
                                           " %s /Resources << >> /Contents 4 0 R >>",
                                           shape->page_extra != NULL ? shape->page_extra : "");
  const char *objects[] = { "<< /Type /Catalog /Pages 2 0 R >>", pages, page };
  static const char content[] = "0 0 1 rg 72 700 100 50 re f\n";
  gsize offsets[N_OBJECTS] = { 0 };
  gsize xref_at;
  gboolean compressed = shape->objstm;

  if (!compressed)
    for (int i = 0; i < 3; i++)
      {
        begin_object (out, offsets, i + 1);
        g_string_append_printf (out, "%s\nendobj\n", objects[i]);
      }
  begin_object (out, offsets, 4);
  g_string_append_printf (out, "<< /Length %zu >>\nstream\n%sendstream\nendobj\n",
                          strlen (content), content);
  if (compressed)
    {
      g_autoptr(GString) header = g_string_new (NULL);
      g_autoptr(GString) body = g_string_new (NULL);
      g_autoptr(GBytes) packed = NULL;

      for (int i = 0; i < 3; i++)
        {
          g_string_append_printf (header, "%d %zu ", i + 1, body->len);
          g_string_append_printf (body, "%s\n", objects[i]);
        }
      if (shape->bomb > 0)
        {
          gsize had = body->len;

          g_string_set_size (body, had + shape->bomb);
          memset (body->str + had, ' ', shape->bomb);
        }
      g_string_append (header, body->str);
      packed = deflate_bytes ((const guint8 *) header->str, header->len);
      begin_object (out, offsets, 5);
      g_string_append_printf (out, "<< /Type /ObjStm /N 3 /First %zu /Filter /FlateDecode"
                              " /Length %zu >>\nstream\n",
                              header->len - body->len, g_bytes_get_size (packed));
      g_string_append_len (out, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
      g_string_append (out, "\nendstream\nendobj\n");
    }

  if (shape->xref_stream || shape->hybrid)
    {
      guint8 rows[N_OBJECTS * ROW] = { 0 };
      g_autoptr(GByteArray) encoded = NULL;
      g_autoptr(GBytes) packed = NULL;
      const char *parms = shape->parms != NULL ? shape->parms
                                                : "/DecodeParms << /Predictor 12 /Columns 7 >>";
      gboolean png = strstr (parms, "Predictor 1") != NULL;

      begin_object (out, offsets, 6);
      put_row (rows, 0, 0, 65535);
      for (int i = 1; i < N_OBJECTS; i++)
        {
          if (compressed && i <= 3)
            put_row (rows + i * ROW, 2, 5, i - 1);
          else if (offsets[i] == 0)
            put_row (rows + i * ROW, 0, 0, 0);
          else
            put_row (rows + i * ROW, 1, offsets[i], 0);
        }
      encoded = png ? png_encode (rows, N_OBJECTS, shape->tag) : g_byte_array_new ();
      if (!png)
        g_byte_array_append (encoded, rows, sizeof rows);
      if (!compressed && shape->bomb > 0)
        {
          guint had = encoded->len;

          /* Rows of zeros: set_size leaves the new bytes uninitialised. */
          g_byte_array_set_size (encoded, had + shape->bomb);
          memset (encoded->data + had, 0, shape->bomb);
        }
      packed = deflate_bytes (encoded->data, encoded->len);
      g_string_append_printf (out, "<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R"
                              " /Filter /FlateDecode %s /Length %zu >>\nstream\n",
                              N_OBJECTS, parms, g_bytes_get_size (packed));
      g_string_append_len (out, g_bytes_get_data (packed, NULL), g_bytes_get_size (packed));
      g_string_append (out, "\nendstream\nendobj\n");
    }

  if (shape->xref_stream)
    xref_at = offsets[6];
  else
    {
      xref_at = out->len;
      g_string_append_printf (out, "xref\n0 %d\n0000000000 65535 f\r\n", N_OBJECTS);
      for (int i = 1; i < N_OBJECTS; i++)
        {
          /* A hybrid file's table lists its compressed objects free. */
          if (offsets[i] == 0)
            g_string_append (out, "0000000000 00000 f\r\n");
          else
            g_string_append_printf (out, "%010zu 00000 n\r\n", offsets[i]);
        }
      g_string_append_printf (out, "trailer\n<< /Size %d /Root 1 0 R", N_OBJECTS);
      if (shape->hybrid)
        g_string_append_printf (out, " /XRefStm %zu", offsets[6]);
      g_string_append (out, " >>\n");
    }
  g_string_append_printf (out, "startxref\n%zu\n%%%%EOF\n", xref_at);
  return g_bytes_new (out->str, out->len);
}

static gboolean
contains (GBytes     *bytes,
          const char *needle)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return memmem (data, len, needle, strlen (needle)) != NULL;
}

/* An invisible signature prepared on @pdf: the update alone, and the
 * whole file in @whole. */
static EnrPdfSignatureStatus
prepare (GBytes  *pdf,
         GBytes **update,
         GBytes **whole)
{
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 12, 1, 9, 0, 0);
  g_autoptr(EnrPdfSignature) sig = NULL;
  EnrPdfSignatureParams params = { .signing_time = when, .contents_capacity = 64 };
  gsize len;
  const guint8 *data = g_bytes_get_data (pdf, &len);
  EnrPdfSignatureStatus status;
  GByteArray *joined;

  status = enr_pdf_signature_prepare_update (data, len, &params, update, &sig);
  if (status != ENR_PDF_SIGNATURE_OK)
    return status;
  joined = g_byte_array_new ();
  g_byte_array_append (joined, data, len);
  g_byte_array_append (joined, g_bytes_get_data (*update, NULL), g_bytes_get_size (*update));
  *whole = g_byte_array_free_to_bytes (joined);
  return ENR_PDF_SIGNATURE_OK;
}

static EnrPdfSignatureStatus
page_info (GBytes         *pdf,
           EnrPdfPageInfo *info)
{
  guint n_pages = 0;
  gsize len;
  const guint8 *data = g_bytes_get_data (pdf, &len);
  EnrPdfSignatureStatus status = enr_pdf_signature_page_info (data, len, 0, &n_pages, info);

  if (status == ENR_PDF_SIGNATURE_OK)
    g_assert_cmpuint (n_pages, ==, 1);
  return status;
}

static void
test_stream_predictors (void)
{
  static const char *const parms[] = {
    NULL,
    "/DecodeParms << /Predictor 10 /Columns 7 >>",
    "/DecodeParms << /Predictor 15 /Columns 7 /Colors 1 /BitsPerComponent 8 >>",
    "/DecodeParms [<< /Predictor 12 /Columns 7 >>]",
    "",
  };

  for (int tag = -1; tag <= 4; tag++)
    for (guint p = 0; p < G_N_ELEMENTS (parms); p++)
      {
        Shape shape = { .xref_stream = TRUE, .objstm = TRUE, .tag = tag, .parms = parms[p] };
        g_autoptr(GBytes) pdf = build (&shape);
        g_autoptr(GBytes) update = NULL;
        g_autoptr(GBytes) whole = NULL;
        g_autoptr(GBytes) update2 = NULL;
        g_autoptr(GBytes) whole2 = NULL;
        EnrPdfPageInfo info;

        g_test_message ("tag %d, %s", tag, parms[p] != NULL ? parms[p] : "PNG Up");
        g_assert_cmpint (page_info (pdf, &info), ==, ENR_PDF_SIGNATURE_OK);
        g_assert_cmpfloat (info.width, ==, 600);
        g_assert_cmpfloat (info.height, ==, 800);
        /* After a stream, a stream; its /Prev the stream before. */
        g_assert_cmpint (prepare (pdf, &update, &whole), ==, ENR_PDF_SIGNATURE_OK);
        g_assert_true (contains (update, "/Type /XRef"));
        g_assert_false (contains (update, "trailer"));
        g_assert_true (contains (update, "/Root 1 0 R"));
        {
          const char *tail = memmem (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf),
                                     "startxref\n", 10);
          g_autofree char *prev = g_strdup_printf ("/Prev %" G_GUINT64_FORMAT,
                                                   g_ascii_strtoull (tail + 10, NULL, 10));

          g_assert_true (contains (update, prev));
        }
        /* Read again, and updated again, through both streams. */
        g_assert_cmpint (page_info (whole, &info), ==, ENR_PDF_SIGNATURE_OK);
        g_assert_cmpint (prepare (whole, &update2, &whole2), ==, ENR_PDF_SIGNATURE_OK);
        g_assert_cmpint (page_info (whole2, &info), ==, ENR_PDF_SIGNATURE_OK);
      }
}

static void
test_table_and_hybrid (void)
{
  Shape table = { 0 };
  Shape hybrid = { .hybrid = TRUE, .objstm = TRUE, .tag = 2 };
  Shape streams_only = { .xref_stream = TRUE, .tag = 2 };
  Shape *shapes[] = { &table, &hybrid, &streams_only };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autoptr(GBytes) pdf = build (shapes[i]);
      g_autoptr(GBytes) update = NULL;
      g_autoptr(GBytes) whole = NULL;
      EnrPdfPageInfo info;

      g_assert_cmpint (page_info (pdf, &info), ==, ENR_PDF_SIGNATURE_OK);
      g_assert_cmpint (prepare (pdf, &update, &whole), ==, ENR_PDF_SIGNATURE_OK);
      /* After a table (a hybrid file's too), a table. */
      g_assert_cmpint (contains (update, "trailer"), ==, !shapes[i]->xref_stream);
      g_assert_cmpint (contains (update, "/Type /XRef"), ==, shapes[i]->xref_stream);
      g_assert_cmpint (page_info (whole, &info), ==, ENR_PDF_SIGNATURE_OK);
    }
}

static void
test_refused (void)
{
  struct
  {
    Shape                 shape;
    EnrPdfSignatureStatus status;
  } cases[] = {
    { { .xref_stream = TRUE, .parms = "/DecodeParms << /Predictor 2 /Columns 7 >>" },
      ENR_PDF_SIGNATURE_UNSUPPORTED },
    { { .xref_stream = TRUE, .parms = "/DecodeParms << /Predictor 12 /Columns 0 >>" },
      ENR_PDF_SIGNATURE_MALFORMED },
    { { .xref_stream = TRUE, .tag = 7, .parms = NULL }, ENR_PDF_SIGNATURE_MALFORMED },
    /* A decompression bomb in the cross-reference stream, and in the
     * object stream that holds the catalog: 16 MiB from a few KiB. */
    { { .xref_stream = TRUE, .parms = "", .bomb = 16 << 20 }, ENR_PDF_SIGNATURE_STREAM_TOO_LARGE },
    { { .xref_stream = TRUE, .objstm = TRUE, .bomb = 16 << 20 },
      ENR_PDF_SIGNATURE_STREAM_TOO_LARGE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) pdf = build (&cases[i].shape);
      g_autoptr(GBytes) update = NULL;
      g_autoptr(GBytes) whole = NULL;
      EnrPdfPageInfo info;

      g_test_message ("case %u", i);
      g_assert_cmpint (page_info (pdf, &info), ==, cases[i].status);
      g_assert_cmpint (prepare (pdf, &update, &whole), ==, cases[i].status);
      g_assert_null (update);
    }

  /* An unknown filter; a stream whose compressed bytes are damaged. */
  {
    Shape shape = { .xref_stream = TRUE, .objstm = TRUE };
    g_autoptr(GBytes) pdf = build (&shape);
    gsize len = g_bytes_get_size (pdf);
    g_autofree char *text = g_memdup2 (g_bytes_get_data (pdf, NULL), len);
    char *xref = memmem (text, len, "/Type /XRef", 11);
    char *data = (char *) memmem (xref, len - (xref - text), "stream\n", 7) + 7;
    g_autoptr(GBytes) damaged = NULL;
    g_autoptr(GBytes) unknown = NULL;
    char *filter = memmem (xref, len - (xref - text), "/FlateDecode", 12);
    EnrPdfPageInfo info;

    data[0] ^= 0x55;   /* the zlib header */
    damaged = g_bytes_new (text, len);
    g_assert_cmpint (page_info (damaged, &info), ==, ENR_PDF_SIGNATURE_MALFORMED);
    data[0] ^= 0x55;
    memcpy (filter, "/LZWDecode  ", 12);
    unknown = g_bytes_new (text, len);
    g_assert_cmpint (page_info (unknown, &info), ==, ENR_PDF_SIGNATURE_UNSUPPORTED);
  }
}

static void
test_page_view (void)
{
  struct
  {
    const char *pages_extra;
    const char *page_extra;
    guint       rotation;
    double      visible[4];
    double      shown[4];   /* a box in the page as shown */
    double      user[4];    /* the same in default user space */
  } cases[] = {
    { NULL, NULL, 0, { 0, 0, 600, 800 }, { 10, 20, 110, 70 }, { 10, 20, 110, 70 } },
    /* Inherited, and brought into 0–270. */
    { "/Rotate -270 /CropBox [50 60 550 760]", NULL, 90, { 50, 60, 550, 760 },
      { 10, 20, 110, 70 }, { 480, 70, 530, 170 } },
    { "/Rotate 90", "/Rotate 180 /CropBox [550 760 50 60]", 180, { 50, 60, 550, 760 },
      { 10, 20, 110, 70 }, { 440, 690, 540, 740 } },
    { NULL, "/Rotate 630 /CropBox [-100 -100 300 400]", 270, { 0, 0, 300, 400 },
      { 10, 20, 110, 70 }, { 20, 290, 70, 390 } },
    /* Not a multiple of 90: as viewers take it, 0; a crop box outside the
     * media box: the media box. */
    { NULL, "/Rotate 45 /CropBox [700 900 800 1000]", 0, { 0, 0, 600, 800 },
      { 0, 0, 600, 800 }, { 0, 0, 600, 800 } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      Shape shape = { .xref_stream = TRUE, .objstm = TRUE, .pages_extra = cases[i].pages_extra,
                      .page_extra = cases[i].page_extra };
      g_autoptr(GBytes) pdf = build (&shape);
      EnrPdfPageInfo info;
      double user[4];
      gboolean turned = cases[i].rotation % 180 != 0;
      const double *v = cases[i].visible;

      g_test_message ("case %u", i);
      g_assert_cmpint (page_info (pdf, &info), ==, ENR_PDF_SIGNATURE_OK);
      g_assert_cmpuint (info.rotation, ==, cases[i].rotation);
      for (int k = 0; k < 4; k++)
        g_assert_cmpfloat_with_epsilon (info.visible[k], v[k], 1e-9);
      g_assert_cmpfloat (info.width, ==, turned ? v[3] - v[1] : v[2] - v[0]);
      g_assert_cmpfloat (info.height, ==, turned ? v[2] - v[0] : v[3] - v[1]);
      enr_pdf_signature_rect_to_user_space (&info, cases[i].shown, user);
      for (int k = 0; k < 4; k++)
        g_assert_cmpfloat_with_epsilon (user[k], cases[i].user[k], 1e-9);
    }
}

/* An update after @pdf (signed: 1 to 9 are taken) that writes object 3
 * again, compressed in a new object stream (10) listed by a new
 * cross-reference stream (11). */
static GBytes *
recompress_page (GBytes     *pdf,
                 const char *page)
{
  gsize len;
  const char *data = g_bytes_get_data (pdf, &len);
  const char *startxref = data;
  g_autoptr(GString) out = g_string_new_len (data, len);
  g_autofree char *inner = g_strdup_printf ("3 0 %s\n", page);
  gsize objstm_at;
  gsize xref_at;
  gsize prev;

  for (const char *p = data; (p = memmem (p, len - (p - data), "startxref", 9)) != NULL; p++)
    startxref = p;
  prev = g_ascii_strtoull (startxref + 9, NULL, 10);
  objstm_at = out->len;
  g_string_append_printf (out, "10 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Length %zu >>\nstream\n"
                          "%s\nendstream\nendobj\n", strlen (inner), inner);
  xref_at = out->len;
  /* W [1 4 1]: object 3 in stream 10 at 0; 10 and 11 in the file. */
  g_string_append_printf (out, "11 0 obj\n<< /Type /XRef /Size 12 /W [1 4 1] /Index [3 1 10 2]"
                          " /Root 1 0 R /Prev %zu /Length 18 >>\nstream\n", prev);
  {
    guint8 entries[3][6] = {
      { 2, 0, 0, 0, 10, 0 },
      { 1, (guint8) (objstm_at >> 24), (guint8) (objstm_at >> 16), (guint8) (objstm_at >> 8),
        (guint8) objstm_at, 0 },
      { 1, (guint8) (xref_at >> 24), (guint8) (xref_at >> 16), (guint8) (xref_at >> 8),
        (guint8) xref_at, 0 },
    };

    g_string_append_len (out, (const char *) entries, sizeof entries);
  }
  g_string_append_printf (out, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", xref_at);
  return g_bytes_new (out->str, out->len);
}

static void
test_check_recompressed_page (void)
{
  Shape shape = { .xref_stream = TRUE, .objstm = TRUE };
  g_autoptr(GBytes) pdf = build (&shape);
  g_autoptr(GBytes) update = NULL;
  g_autoptr(GBytes) whole = NULL;
  g_autofree char *signed_page = NULL;
  g_autofree char *same = NULL;
  g_autofree char *other = NULL;
  const EnrPdfCheckChange expected[] = { ENR_PDF_CHECK_ONLY_SIGNATURES, ENR_PDF_CHECK_CHANGED };
  const char *pages[2];

  g_assert_cmpint (prepare (pdf, &update, &whole), ==, ENR_PDF_SIGNATURE_OK);
  /* The page as the signed revision has it (its widget added), written
   * again in another way; and with another media box. */
  {
    const char *text = g_bytes_get_data (update, NULL);
    const char *start = strstr (text, "3 0 obj\n") + 8;

    signed_page = g_strndup (start, strstr (start, "\nendobj") - start);
  }
  same = g_strdup (signed_page);
  g_strdelimit (same, " ", '\n');
  other = g_strdup (signed_page);
  memcpy (strstr (other, "600 800"), "600 400", 7);
  pages[0] = same;
  pages[1] = other;
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GBytes) later = recompress_page (whole, pages[i]);
      g_autoptr(EnrPdfCheckReport) report = NULL;
      g_autoptr(GError) error = NULL;
      const EnrPdfCheckSignature *s;

      report = enr_pdf_check (g_bytes_get_data (later, NULL), g_bytes_get_size (later),
                              "/nonexistent/trust.pem", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (report->signatures->len, ==, 1);
      s = g_ptr_array_index (report->signatures, 0);
      g_assert_cmpint (s->change, ==, expected[i]);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pdf-xref/stream-predictors", test_stream_predictors);
  g_test_add_func ("/pdf-xref/table-and-hybrid", test_table_and_hybrid);
  g_test_add_func ("/pdf-xref/refused", test_refused);
  g_test_add_func ("/pdf-xref/page-view", test_page_view);
  g_test_add_func ("/pdf-xref/check-recompressed-page", test_check_recompressed_page);
  return g_test_run ();
}
