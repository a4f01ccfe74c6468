/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-page.h"

G_BEGIN_DECLS

/*
 * Step 2, "Xác nhận việc đăng ký": the identity VNeID returned, laid out
 * for checking, the consent to share it with VNPT SmartCA (its text says
 * what goes to whom), and Confirm, which submits the registration.
 */
#define ENR_TYPE_CONFIRM_PAGE (enr_confirm_page_get_type ())
G_DECLARE_FINAL_TYPE (EnrConfirmPage, enr_confirm_page, ENR, CONFIRM_PAGE, EnrPage)

G_END_DECLS
