/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the PDF-signature locator and preparer on arbitrary
 * bytes. The program locates the signature of every document the service
 * sends back (the signed contract, the acceptance record), and the sandbox
 * prepares its own documents for signing; neither may read outside the
 * file, whatever it says about itself. What is found is checked as the
 * callers use it: the signed range lies inside the file and leaves out
 * /Contents, and a file prepared here is found again by the locator. The
 * page a visible signature goes on is read as the signer reads it (its
 * crop box and rotation, through cross-reference and object streams): the
 * whole page as shown is its visible box in default user space.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "enr-pdf-signature-writer.h"
#include "enr-pdf-signature.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_located (const guint8          *pdf,
               gsize                  len,
               const EnrPdfSignature *sig)
{
  g_autoptr(GBytes) covered = NULL;

  g_assert_cmpuint (sig->contents_offset + sig->contents_length, <=, len);
  g_assert_cmpuint (sig->dictionary_offset, <, len);
  covered = enr_pdf_signature_covered_bytes (pdf, len, sig);
  if (covered != NULL)
    g_assert_cmpuint (g_bytes_get_size (covered), ==, sig->byte_range[1] + sig->byte_range[3]);
  if (sig->signing_time != NULL)
    {
      GDateTime *date = enr_pdf_signature_parse_date (sig->signing_time);

      g_clear_pointer (&date, g_date_time_unref);
    }
}

static void
check_page_info (const guint8 *pdf,
                 gsize         len)
{
  EnrPdfPageInfo info;
  guint n_pages = 0;
  double shown[4];
  double user[4];
  double scale = 1.0;

  if (enr_pdf_signature_page_info (pdf, len, 0, &n_pages, &info) != ENR_PDF_SIGNATURE_OK)
    return;
  g_assert_cmpuint (n_pages, >, 0);
  g_assert_true (info.rotation % 90 == 0 && info.rotation < 360);
  shown[0] = shown[1] = 0;
  shown[2] = info.width;
  shown[3] = info.height;
  enr_pdf_signature_rect_to_user_space (&info, shown, user);
  for (int i = 0; i < 4; i++)
    {
      if (!isfinite (info.visible[i]) || !isfinite (user[i]))
        return;
      scale = MAX (scale, ABS (info.visible[i]));
    }
  /* Rounding aside: what is added and taken away may be far larger. */
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (ABS (user[i] - info.visible[i]), <=, 1e-9 * scale);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(EnrPdfSignature) located = NULL;
  g_autoptr(EnrPdfSignature) prepared_sig = NULL;
  g_autoptr(EnrPdfSignature) found = NULL;
  g_autoptr(GBytes) prepared = NULL;
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 12, 1, 9, 0, 0);
  g_autofree char *text = g_strndup ((const char *) data, size);
  GDateTime *date;
  EnrPdfSignatureParams params = {
    .signing_time = when,
    .signer_name = "Nguyễn Văn An",
    .reason = "Ký biên bản nghiệm thu",
    .location = "Hà Nội",
    .contents_capacity = 64,
  };

  /* The date parser on the bytes as text. */
  date = enr_pdf_signature_parse_date (text);
  g_clear_pointer (&date, g_date_time_unref);

  if (enr_pdf_signature_locate (data, size, &located) == ENR_PDF_SIGNATURE_OK)
    check_located (data, size, located);
  check_page_info (data, size);

  if (enr_pdf_signature_prepare (data, size, &params, &prepared, &prepared_sig) ==
      ENR_PDF_SIGNATURE_OK)
    {
      gsize len;
      const guint8 *out = g_bytes_get_data (prepared, &len);
      g_autofree guint8 *copy = g_memdup2 (out, len);
      static const guint8 cms[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };

      /* A prepared file signs everything but its placeholder, and is found
       * again once filled. */
      g_assert_cmpuint (prepared_sig->byte_range[0], ==, 0);
      g_assert_cmpuint (prepared_sig->byte_range[2] + prepared_sig->byte_range[3], ==, len);
      g_assert_cmpint (enr_pdf_signature_fill (copy, len, prepared_sig, cms, sizeof cms), ==,
                       ENR_PDF_SIGNATURE_OK);
      g_assert_cmpint (enr_pdf_signature_locate (copy, len, &found), ==, ENR_PDF_SIGNATURE_OK);
      check_located (copy, len, found);
      g_assert_cmpuint (found->contents_offset, ==, prepared_sig->contents_offset);
    }
  return 0;
}
