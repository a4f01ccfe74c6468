/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: checking a signed PDF the citizen received
 * (enr_pdf_check: every signature dictionary, its CMS, its time stamp, the
 * revisions after it), and importing a signature's appearance from a PDF
 * (the widget's Form XObject), on arbitrary bytes. Neither may read
 * outside the file or loop without end, whatever it says about itself.
 */
#include "config.h"

#include <string.h>

#include "enr-pdf-check.h"
#include "enr-pdf-signature-writer.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* A one-page PDF to place a widget on, with classic cross-references. */
static const char page[] =
  "%PDF-1.4\n"
  "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
  "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
  "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
  "xref\n0 4\n0000000000 65535 f\r\n0000000009 00000 n\r\n0000000058 00000 n\r\n"
  "0000000115 00000 n\r\ntrailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n";

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(EnrPdfCheckReport) report = NULL;
  g_autoptr(GDateTime) when = g_date_time_new_utc (2026, 12, 1, 9, 0, 0);
  g_autoptr(GBytes) update = NULL;
  g_autoptr(EnrPdfSignature) sig = NULL;
  EnrPdfSignatureWidget widget = { 0, { 300, 40, 540, 100 }, data, size };
  EnrPdfSignatureParams params = { .signing_time = when, .contents_capacity = 64,
                                   .widget = &widget };

  /* No trust anchor can be read: every chain is refused without touching
   * the system's store, and the rest is checked as ever. */
  report = enr_pdf_check (data, size, "/nonexistent/trust.pem", NULL);
  if (report != NULL)
    {
      for (guint i = 0; i < report->signatures->len; i++)
        {
          const EnrPdfCheckSignature *s = g_ptr_array_index (report->signatures, i);

          g_assert_cmpuint (s->revision_end, <=, size);
          g_assert_false (enr_pdf_check_signature_is_valid (s));
        }
    }

  /* The bytes as an appearance to import. */
  if (enr_pdf_signature_prepare_update ((const guint8 *) page, sizeof page - 1, &params, &update,
                                        &sig) == ENR_PDF_SIGNATURE_OK)
    {
      g_assert_cmpuint (sig->byte_range[2] + sig->byte_range[3], ==,
                        sizeof page - 1 + g_bytes_get_size (update));
    }
  return 0;
}
