/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-page.h"

G_BEGIN_DECLS

/*
 * Step 4, "Ký hợp đồng điện tử": the contract, shown in the page and as
 * text, "Save a copy…", the agreement, the SMS code (with a resend
 * countdown and the attempts left), and Sign.
 */
#define ENR_TYPE_CONTRACT_PAGE (enr_contract_page_get_type ())
G_DECLARE_FINAL_TYPE (EnrContractPage, enr_contract_page, ENR, CONTRACT_PAGE, EnrPage)

G_END_DECLS
