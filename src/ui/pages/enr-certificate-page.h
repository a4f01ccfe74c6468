/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-page.h"

G_BEGIN_DECLS

/*
 * Step 6, "Kiểm tra thông tin chứng thư số": "Khởi tạo dịch vụ thành
 * công", and the certificate as VNeID and SmartCA report it (holder,
 * masked citizen ID, serial, issuer, validity, status, SHA-256
 * fingerprint); save the certificate (PEM or DER), the signed contract
 * and the signed acceptance record.
 */
#define ENR_TYPE_CERTIFICATE_PAGE (enr_certificate_page_get_type ())
G_DECLARE_FINAL_TYPE (EnrCertificatePage, enr_certificate_page, ENR, CERTIFICATE_PAGE, EnrPage)

G_END_DECLS
