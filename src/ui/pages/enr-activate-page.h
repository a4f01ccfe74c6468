/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-page.h"

G_BEGIN_DECLS

/*
 * Step 5, "Kích hoạt dịch vụ": the PIN and its confirmation (masked,
 * digits only, checked against the PIN policy as they are typed), progress
 * while the key is made and the certificate issued; then the acceptance
 * record (biên bản nghiệm thu), shown like the contract, and the PIN
 * again to sign it, with the attempts left.
 */
#define ENR_TYPE_ACTIVATE_PAGE (enr_activate_page_get_type ())
G_DECLARE_FINAL_TYPE (EnrActivatePage, enr_activate_page, ENR, ACTIVATE_PAGE, EnrPage)

G_END_DECLS
