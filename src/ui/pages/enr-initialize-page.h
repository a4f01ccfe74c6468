/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-page.h"

G_BEGIN_DECLS

/*
 * Step 3, "Khởi tạo dịch vụ VNPT SmartCA": "Truy cập ứng dụng VNPT
 * SmartCA" hands the registration over; progress while SmartCA syncs,
 * with Cancel; what happens next in one sentence.
 */
#define ENR_TYPE_INITIALIZE_PAGE (enr_initialize_page_get_type ())
G_DECLARE_FINAL_TYPE (EnrInitializePage, enr_initialize_page, ENR, INITIALIZE_PAGE, EnrPage)

G_END_DECLS
