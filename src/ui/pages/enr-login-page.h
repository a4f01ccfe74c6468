/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-page.h"

G_BEGIN_DECLS

/*
 * Step 1, "Đăng nhập VNeID": the QR code for the VNeID app, with its code
 * in large type and a live countdown, renewed by the session when it
 * expires; beside it the other way, citizen ID (checked as it is typed),
 * password, then the SMS code. Also the page a login that expired later
 * comes back to.
 */
#define ENR_TYPE_LOGIN_PAGE (enr_login_page_get_type ())
G_DECLARE_FINAL_TYPE (EnrLoginPage, enr_login_page, ENR, LOGIN_PAGE, EnrPage)

G_END_DECLS
