/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SmartCA service contract, drawn as a PDF (sbx-pdf-document.h).
 */
#define G_LOG_DOMAIN "sbx-contract-pdf"

#include "config.h"

#include <gio/gio.h>
#include <stdio.h>

#include "enr-vietnam-time.h"
#include "sbx-contract-pdf.h"
#include "sbx-pdf-document.h"

/* The contract's text */

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

  texts->full_name = sbx_pdf_nfc (info->full_name);
  texts->address = sbx_pdf_nfc (info->address);
  texts->email = sbx_pdf_nfc (info->email != NULL ? info->email : "Không có");
  issued = enr_vietnam_time_new_from_unix (info->issued_at_ms / 1000);
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
build_contract (SbxPdfDocument        *doc,
                const SbxContractInfo *info,
                const Texts           *texts)
{
  g_autofree char *number = NULL;
  g_autofree char *version = NULL;
  g_autofree char *today = NULL;
  g_autofree char *pack = NULL;
  g_autofree char *footer = NULL;

  footer = g_strdup_printf ("Hợp đồng số %s · Điều khoản phiên bản %s",
                            info->contract_id, info->terms_version);
  sbx_pdf_document_set_footer (doc, footer);

  sbx_pdf_add_text (doc, SBX_PDF_NATIONAL, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
  sbx_pdf_add_text (doc, SBX_PDF_MOTTO, "Độc lập – Tự do – Hạnh phúc");
  sbx_pdf_add_text (doc, SBX_PDF_TITLE,
                    "HỢP ĐỒNG CUNG CẤP VÀ SỬ DỤNG DỊCH VỤ\nCHỨNG THỰC CHỮ KÝ SỐ VNPT SmartCA");
  number = g_markup_printf_escaped ("Số: %s", info->contract_id);
  sbx_pdf_add_text (doc, SBX_PDF_CENTRED, number);
  version = g_markup_printf_escaped ("Phiên bản điều khoản: %s", info->terms_version);
  sbx_pdf_add_text (doc, SBX_PDF_CENTRED, version);

  sbx_pdf_add_heading (doc, "Căn cứ:");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "– Bộ luật Dân sự số 91/2015/QH13 ngày 24 tháng 11 năm 2015;");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "– Luật Giao dịch điện tử số 20/2023/QH15 ngày 22 tháng 6 năm 2023;");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "– Nghị định số 23/2025/NĐ-CP ngày 21 tháng 02 năm 2025 của Chính phủ quy "
                    "định về chữ ký điện tử và dịch vụ tin cậy;");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "– Nghị định số 13/2023/NĐ-CP ngày 17 tháng 4 năm 2023 của Chính phủ về bảo "
                    "vệ dữ liệu cá nhân;");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM, "– Nhu cầu và thỏa thuận của hai bên.");

  today = g_strdup_printf ("Hôm nay, %s, chúng tôi gồm:", texts->issued_date);
  sbx_pdf_add_body (doc, SBX_PDF_BODY, today);

  sbx_pdf_add_heading (doc, "BÊN A (BÊN CUNG CẤP DỊCH VỤ): TẬP ĐOÀN BƯU CHÍNH VIỄN THÔNG VIỆT NAM");
  sbx_pdf_add_row (doc, "Tên dịch vụ:", "VNPT SmartCA – dịch vụ chứng thực chữ ký số công cộng",
                   FALSE, FALSE);
  sbx_pdf_add_row (doc, "Địa chỉ:", "Số 57 Huỳnh Thúc Kháng, Phường Láng, Thành phố Hà Nội",
                   FALSE, FALSE);
  sbx_pdf_add_row (doc, "Hình thức giao kết:", "Hợp đồng điện tử qua ứng dụng VNPT SmartCA",
                   FALSE, FALSE);

  sbx_pdf_add_heading (doc, "BÊN B (THUÊ BAO):");
  sbx_pdf_add_row (doc, "Họ và tên:", texts->full_name, TRUE, TRUE);
  sbx_pdf_add_row (doc, "Số định danh cá nhân:", info->citizen_id, FALSE, TRUE);
  sbx_pdf_add_row (doc, "Ngày sinh:", texts->date_of_birth, FALSE, FALSE);
  sbx_pdf_add_row (doc, "Nơi thường trú:", texts->address, FALSE, FALSE);
  sbx_pdf_add_row (doc, "Số điện thoại:", info->phone, FALSE, FALSE);
  sbx_pdf_add_row (doc, "Thư điện tử:", texts->email, FALSE, FALSE);

  sbx_pdf_add_heading (doc, "GÓI DỊCH VỤ:");
  pack = g_strdup_printf ("%s (mã gói %s)", service_pack_name (info->service_pack),
                          info->service_pack);
  sbx_pdf_add_row (doc, "Gói dịch vụ:", pack, FALSE, FALSE);
  sbx_pdf_add_row (doc, "Loại chứng thư:", "Chứng thư chữ ký số cá nhân, ký số từ xa", FALSE,
                   FALSE);
  sbx_pdf_add_row (doc, "Thời hạn chứng thư:", "01 (một) năm kể từ ngày cấp", FALSE, FALSE);
  sbx_pdf_add_row (doc, "Giá cước:", "Miễn phí", FALSE, FALSE);

  sbx_pdf_add_body (doc, SBX_PDF_BODY,
                    "Hai bên thống nhất giao kết hợp đồng cung cấp và sử dụng dịch vụ chứng thực "
                    "chữ ký số VNPT SmartCA (sau đây gọi là “Hợp đồng”) với các điều khoản sau:");

  sbx_pdf_add_heading (doc, "Điều 1. Phạm vi hợp đồng");
  sbx_pdf_add_body (doc, SBX_PDF_BODY,
                    "Bên A cung cấp cho Bên B dịch vụ chứng thực chữ ký số công cộng VNPT "
                    "SmartCA theo phương thức ký số từ xa, gồm việc cấp chứng thư chữ ký số cá "
                    "nhân mang tên Bên B, duy trì trạng thái của chứng thư trong thời hạn Hợp "
                    "đồng và cung cấp phương tiện để Bên B ký số văn bản, hồ sơ điện tử, kể cả "
                    "hồ sơ thủ tục hành chính trên Cổng Dịch vụ công quốc gia.");

  sbx_pdf_add_heading (doc, "Điều 2. Phương thức ký số từ xa");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "1. Khóa bí mật dùng để ký của Bên B được tạo và lưu giữ trong thiết bị an "
                    "toàn phần cứng (HSM) của hệ thống VNPT SmartCA; khóa này không bao giờ rời "
                    "khỏi HSM và không được chuyển giao cho bất kỳ ai, kể cả Bên B.");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "2. Mỗi yêu cầu ký chỉ được thực hiện khi Bên B xác nhận trên thiết bị của "
                    "mình bằng khóa xác thực ủy quyền ký. Khóa xác thực được tạo và lưu trên "
                    "thiết bị của Bên B, được bảo vệ bằng mã PIN do Bên B tự đặt. Bên A không "
                    "lưu giữ, không biết và không thể khôi phục mã PIN của Bên B.");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "3. Bên B có thể đổi thiết bị xác thực theo quy trình của Bên A sau khi xác "
                    "thực lại danh tính qua VNeID và mã OTP; khóa xác thực trên thiết bị cũ khi "
                    "đó hết hiệu lực.");

  sbx_pdf_add_heading (doc, "Điều 3. Thời hạn, giá cước");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "1. Chứng thư chữ ký số cấp theo Hợp đồng này có thời hạn 01 (một) năm kể từ "
                    "ngày cấp. Bên B có thể đề nghị gia hạn hoặc cấp mới theo quy định của Bên A.");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "2. Gói SmartCA cá nhân miễn phí được cung cấp không thu phí để Bên B ký số "
                    "khi thực hiện thủ tục hành chính, dịch vụ công trực tuyến trên Cổng Dịch vụ "
                    "công quốc gia. Bên A không thu bất kỳ khoản phí nào đối với việc đăng ký, "
                    "cấp, sử dụng và thu hồi chứng thư theo gói dịch vụ này.");

  sbx_pdf_add_heading (doc, "Điều 4. Quyền và nghĩa vụ của Bên A");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "1. Cung cấp dịch vụ an toàn, liên tục, đúng quy chuẩn kỹ thuật và quy định "
                    "của pháp luật về chữ ký điện tử và dịch vụ tin cậy.");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "2. Bảo đảm khóa bí mật của Bên B chỉ được dùng để ký khi có xác nhận hợp lệ "
                    "của Bên B; lưu trữ nhật ký các giao dịch ký số theo quy định.");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "3. Tạm dừng, thu hồi chứng thư theo yêu cầu của Bên B hoặc theo quy định "
                    "của pháp luật; công bố trạng thái chứng thư để bên thứ ba kiểm tra.");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "4. Hỗ trợ Bên B trong quá trình sử dụng dịch vụ qua tổng đài và các kênh hỗ "
                    "trợ của Bên A.");

  sbx_pdf_add_heading (doc, "Điều 5. Quyền và nghĩa vụ của Bên B");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "1. Cung cấp thông tin trung thực, chính xác và chịu trách nhiệm về thông "
                    "tin đã cung cấp qua ứng dụng VNeID; thông báo cho Bên A khi thông tin thay "
                    "đổi.");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "2. Giữ bí mật mã PIN, không tiết lộ cho người khác; bảo quản thiết bị lưu "
                    "khóa xác thực; thông báo ngay cho Bên A khi mất thiết bị, lộ mã PIN hoặc "
                    "nghi ngờ chứng thư bị sử dụng trái phép để tạm dừng hoặc thu hồi chứng thư.");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "3. Chịu trách nhiệm trước pháp luật về các văn bản, hồ sơ đã ký số bằng "
                    "chứng thư của mình trong thời gian chứng thư có hiệu lực.");
  sbx_pdf_add_body (doc, SBX_PDF_ITEM,
                    "4. Không sử dụng dịch vụ vào mục đích trái pháp luật; được yêu cầu tạm "
                    "dừng, thu hồi chứng thư và chấm dứt Hợp đồng bất cứ lúc nào.");

  sbx_pdf_add_heading (doc, "Điều 6. Bảo vệ dữ liệu cá nhân");
  sbx_pdf_add_body (doc, SBX_PDF_BODY,
                    "Bên A xử lý dữ liệu cá nhân của Bên B (họ và tên, số định danh cá nhân, "
                    "ngày sinh, nơi thường trú, số điện thoại, thư điện tử) do VNeID chia sẻ với "
                    "sự đồng ý của Bên B, chỉ nhằm mục đích cấp và duy trì chứng thư chữ ký số, "
                    "theo Nghị định số 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân. Bên B có các "
                    "quyền của chủ thể dữ liệu: được biết, đồng ý hoặc rút lại sự đồng ý, truy "
                    "cập, yêu cầu chỉnh sửa, xóa, hạn chế xử lý dữ liệu, khiếu nại và yêu cầu "
                    "bồi thường theo quy định của pháp luật. Bên A không chuyển dữ liệu cá nhân "
                    "của Bên B cho bên thứ ba, trừ trường hợp pháp luật quy định.");

  sbx_pdf_add_heading (doc, "Điều 7. Tạm dừng, thu hồi chứng thư và chấm dứt hợp đồng");
  sbx_pdf_add_body (doc, SBX_PDF_BODY,
                    "Chứng thư bị tạm dừng hoặc thu hồi theo yêu cầu của Bên B, khi có căn cứ "
                    "cho thấy khóa bí mật hoặc thiết bị xác thực bị lộ, hoặc theo yêu cầu của cơ "
                    "quan nhà nước có thẩm quyền. Hợp đồng chấm dứt khi chứng thư hết hạn mà "
                    "không được gia hạn, khi chứng thư bị thu hồi, hoặc theo thỏa thuận của hai "
                    "bên.");

  sbx_pdf_add_heading (doc, "Điều 8. Giải quyết tranh chấp");
  sbx_pdf_add_body (doc, SBX_PDF_BODY,
                    "Tranh chấp phát sinh từ Hợp đồng được giải quyết trước hết bằng thương "
                    "lượng, hòa giải. Nếu không thương lượng, hòa giải được trong 30 ngày, mỗi "
                    "bên có quyền đưa tranh chấp ra Tòa án nhân dân có thẩm quyền theo quy định "
                    "của pháp luật Việt Nam.");

  sbx_pdf_add_heading (doc, "Điều 9. Hiệu lực hợp đồng");
  sbx_pdf_add_body (doc, SBX_PDF_BODY,
                    "Hợp đồng được giao kết dưới dạng thông điệp dữ liệu và có giá trị pháp lý "
                    "như văn bản theo Luật Giao dịch điện tử. Hợp đồng có hiệu lực kể từ thời "
                    "điểm Bên B xác nhận đồng ý bằng mã OTP gửi đến số điện thoại đã đăng ký và "
                    "có hiệu lực đến khi chứng thư hết hạn hoặc bị thu hồi.");

  sbx_pdf_add_body (doc, SBX_PDF_NOTE,
                    "Tài liệu này do môi trường thử nghiệm smartca-sandbox tạo ra để phát triển "
                    "và kiểm thử phần mềm; mọi thông tin trong đó là hư cấu và tài liệu không có "
                    "giá trị pháp lý.");
}

/* The acceptance on its own page: who accepted what, how and when. */
static void
build_acceptance (SbxPdfDocument        *doc,
                  const SbxContractInfo *info,
                  const Texts           *texts,
                  const char            *hash,
                  GDateTime             *signed_local,
                  const char            *phone_masked)
{
  g_autofree char *method = NULL;
  g_autofree char *when = NULL;

  sbx_pdf_add_page_break (doc);
  sbx_pdf_add_text (doc, SBX_PDF_TITLE, "XÁC NHẬN ĐIỆN TỬ");
  sbx_pdf_add_body (doc, SBX_PDF_CENTRED, "Giao kết hợp đồng bằng mã xác thực một lần (OTP)");
  sbx_pdf_add_rule (doc);

  sbx_pdf_add_row (doc, "Hợp đồng số:", info->contract_id, FALSE, TRUE);
  sbx_pdf_add_row (doc, "Phiên bản điều khoản:", info->terms_version, FALSE, FALSE);
  sbx_pdf_add_row (doc, "Thuê bao:", texts->full_name, TRUE, TRUE);
  sbx_pdf_add_row (doc, "Số định danh cá nhân:", info->citizen_id, FALSE, TRUE);
  method = g_strdup_printf ("Mã OTP gửi qua tin nhắn SMS đến số điện thoại %s", phone_masked);
  sbx_pdf_add_row (doc, "Phương thức xác nhận:", method, FALSE, FALSE);
  when = g_date_time_format (signed_local, "%H:%M:%S ngày %d/%m/%Y (giờ Việt Nam)");
  sbx_pdf_add_row (doc, "Thời điểm xác nhận:", when, FALSE, TRUE);
  sbx_pdf_add_row (doc, "Mã băm SHA-256 của hợp đồng:", hash, FALSE, FALSE);
  sbx_pdf_add_row (doc, "Trạng thái:", "Đã giao kết", TRUE, FALSE);
  sbx_pdf_add_rule (doc);

  sbx_pdf_add_body (doc, SBX_PDF_BODY,
                    "Bên B đã đọc, hiểu rõ và đồng ý toàn bộ nội dung Hợp đồng nêu trên bằng "
                    "cách nhập đúng mã OTP do Bên A gửi đến số điện thoại đã đăng ký của Bên B. "
                    "Việc xác nhận này là hình thức giao kết hợp đồng bằng phương tiện điện tử "
                    "theo Luật Giao dịch điện tử; Hợp đồng có hiệu lực kể từ thời điểm xác nhận "
                    "ghi trên.");
  sbx_pdf_add_body (doc, SBX_PDF_BODY,
                    "Mã băm ghi trên là mã băm SHA-256 (mã hóa Base64) của đúng tệp hợp đồng Bên "
                    "A đã gửi để Bên B xem xét, dùng để đối chiếu nội dung đã được chấp thuận.");
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
  g_autoptr(SbxPdfDocument) doc = NULL;
  g_auto(Texts) texts = { NULL, };
  g_autofree char *subject = NULL;

  if (!check_info (info, error) || !texts_init (&texts, info, error))
    return NULL;

  doc = sbx_pdf_document_new ();
  build_contract (doc, info, &texts);
  subject = g_strdup_printf ("Hợp đồng số %s", info->contract_id);
  return sbx_pdf_document_render (doc,
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
  g_autoptr(SbxPdfDocument) doc = NULL;
  g_auto(Texts) texts = { NULL, };
  g_autoptr(GDateTime) signed_at = NULL;
  g_autoptr(GDateTime) signed_local = NULL;
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
  signed_local = enr_vietnam_time_from (signed_at);
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

  doc = sbx_pdf_document_new ();
  build_contract (doc, info, &texts);
  build_acceptance (doc, info, &texts, hash, signed_local, phone_masked);
  subject = g_strdup_printf ("Hợp đồng số %s, đã giao kết", info->contract_id);
  return sbx_pdf_document_render (doc,
                                  "Hợp đồng cung cấp và sử dụng dịch vụ chứng thực chữ ký số "
                                  "VNPT SmartCA",
                                  subject, texts.issued_rfc3339, modified, error);
}
