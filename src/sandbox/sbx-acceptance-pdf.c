/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The acceptance record (biên bản nghiệm thu) that the citizen signs with
 * their new certificate at the end of activation (PROTOCOL.md, step 5),
 * drawn as a PDF (sbx-pdf-document.h).
 */
#define G_LOG_DOMAIN "sbx-acceptance-pdf"

#include "config.h"

#include <gio/gio.h>

#include "enr-vietnam-time.h"
#include "sbx-acceptance-pdf.h"
#include "sbx-pdf-document.h"

/* "23:31 ngày 06/12/2026": the hour matters, as a certificate issued just
 * after midnight in Vietnam is valid from the evening before (BACKDATE_S). */
static char *
format_moment (gint64 ms)
{
  g_autoptr(GDateTime) local = enr_vietnam_time_new_from_unix (ms / 1000);

  return local != NULL ? g_date_time_format (local, "%H:%M ngày %d/%m/%Y") : NULL;
}

static gboolean
check_info (const SbxAcceptanceInfo  *info,
            GError                  **error)
{
  const char *texts[] = {
    info->record_id, info->full_name, info->citizen_id, info->address, info->credential_id,
    info->serial_number, info->subject_dn, info->issuer_name,
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (texts[i] == NULL || !g_utf8_validate (texts[i], -1, NULL))
      {
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "The acceptance record lacks a field, or one is not UTF-8");
        return FALSE;
      }
  return TRUE;
}

GBytes *
sbx_acceptance_pdf_render (const SbxAcceptanceInfo *info,
                           GError                 **error)
{
  g_autoptr(SbxPdfDocument) doc = NULL;
  g_autoptr(GDateTime) drawn = NULL;
  g_autoptr(GDateTime) drawn_utc = NULL;
  g_autofree char *full_name = NULL;
  g_autofree char *address = NULL;
  g_autofree char *subject_dn = NULL;
  g_autofree char *number = NULL;
  g_autofree char *today = NULL;
  g_autofree char *valid_from = NULL;
  g_autofree char *valid_to = NULL;
  g_autofree char *validity = NULL;
  g_autofree char *footer = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *created = NULL;

  g_return_val_if_fail (info != NULL, NULL);

  if (!check_info (info, error))
    return NULL;
  full_name = sbx_pdf_nfc (info->full_name);
  address = sbx_pdf_nfc (info->address);
  subject_dn = sbx_pdf_nfc (info->subject_dn);
  drawn = enr_vietnam_time_new_from_unix (info->drawn_at_ms / 1000);
  drawn_utc = g_date_time_new_from_unix_utc (info->drawn_at_ms / 1000);
  valid_from = format_moment (info->valid_from_ms);
  valid_to = format_moment (info->valid_to_ms);
  if (drawn == NULL || drawn_utc == NULL || valid_from == NULL || valid_to == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "The acceptance record's dates are out of range");
      return NULL;
    }

  doc = sbx_pdf_document_new ();
  footer = g_strdup_printf ("Biên bản số %s · Chứng thư số %s", info->record_id,
                            info->serial_number);
  sbx_pdf_document_set_footer (doc, footer);

  sbx_pdf_add_text (doc, SBX_PDF_NATIONAL, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  sbx_pdf_add_text (doc, SBX_PDF_MOTTO, "Độc lập – Tự do – Hạnh phúc");
  sbx_pdf_add_text (doc, SBX_PDF_TITLE,
                    "BIÊN BẢN NGHIỆM THU\nCHỨNG THƯ CHỮ KÝ SỐ VNPT SmartCA");
  number = g_markup_printf_escaped ("Số: %s", info->record_id);
  sbx_pdf_add_text (doc, SBX_PDF_CENTRED, number);

  today = g_date_time_format (drawn, "Hôm nay, ngày %d tháng %m năm %Y, chúng tôi gồm:");
  sbx_pdf_add_body (doc, SBX_PDF_BODY, today);

  sbx_pdf_add_heading (doc, "BÊN A (BÊN CUNG CẤP DỊCH VỤ): TẬP ĐOÀN BƯU CHÍNH VIỄN THÔNG "
                            "VIỆT NAM – dịch vụ VNPT SmartCA");
  sbx_pdf_add_heading (doc, "BÊN B (THUÊ BAO):");
  sbx_pdf_add_row (doc, "Họ và tên:", full_name, TRUE, TRUE);
  sbx_pdf_add_row (doc, "Số định danh cá nhân:", info->citizen_id, FALSE, TRUE);
  sbx_pdf_add_row (doc, "Nơi thường trú:", address, FALSE, FALSE);

  sbx_pdf_add_body (doc, SBX_PDF_BODY,
                    "Hai bên cùng nghiệm thu việc Bên A đã cấp và bàn giao cho Bên B chứng thư "
                    "chữ ký số sau đây, theo Hợp đồng cung cấp và sử dụng dịch vụ chứng thực "
                    "chữ ký số VNPT SmartCA đã giao kết:");

  sbx_pdf_add_heading (doc, "THÔNG TIN CHỨNG THƯ SỐ:");
  sbx_pdf_add_row (doc, "Số hiệu chứng thư:", info->serial_number, TRUE, TRUE);
  sbx_pdf_add_row (doc, "Chủ thể:", subject_dn, FALSE, FALSE);
  sbx_pdf_add_row (doc, "Tổ chức cấp:", info->issuer_name, FALSE, FALSE);
  validity = g_strdup_printf ("từ %s đến %s (giờ Việt Nam)", valid_from, valid_to);
  sbx_pdf_add_row (doc, "Thời hạn hiệu lực:", validity, FALSE, FALSE);
  sbx_pdf_add_row (doc, "Mã định danh tài khoản ký:", info->credential_id, FALSE, TRUE);
  sbx_pdf_add_row (doc, "Loại chứng thư:", "Chứng thư chữ ký số cá nhân, ký số từ xa", FALSE,
                   FALSE);
  sbx_pdf_add_rule (doc);

  sbx_pdf_add_heading (doc, "XÁC NHẬN CỦA BÊN B:");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "1. Bên B đã kiểm tra và xác nhận thông tin trên chứng thư số là đúng với "
                    "thông tin định danh của mình.");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "2. Khóa bí mật của Bên B được tạo và lưu giữ trong thiết bị an toàn phần "
                    "cứng (HSM) của Bên A; mỗi lần ký chỉ được thực hiện khi Bên B xác nhận "
                    "bằng mã PIN trên thiết bị của mình.");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "3. Dịch vụ được nghiệm thu và đưa vào sử dụng kể từ thời điểm Bên B ký số "
                    "biên bản này.");
  sbx_pdf_add_body (doc, SBX_PDF_BODY,
                    "Biên bản được lập dưới dạng thông điệp dữ liệu và được Bên B ký số bằng "
                    "chính chứng thư số nêu trên; chữ ký số có giá trị pháp lý như chữ ký tay "
                    "theo Luật Giao dịch điện tử.");

  sbx_pdf_add_body (doc, SBX_PDF_NOTE,
                    "Tài liệu này do môi trường thử nghiệm smartca-sandbox tạo ra để phát triển "
                    "và kiểm thử phần mềm; mọi thông tin trong đó là hư cấu và tài liệu không "
                    "có giá trị pháp lý.");

  subject = g_strdup_printf ("Biên bản nghiệm thu chứng thư số %s", info->serial_number);
  created = g_date_time_format (drawn_utc, "%Y-%m-%dT%H:%M:%SZ");
  return sbx_pdf_document_render (doc, "Biên bản nghiệm thu chứng thư chữ ký số VNPT SmartCA",
                                  subject, created, created, error);
}
