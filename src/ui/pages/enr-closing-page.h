/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-page.h"

G_BEGIN_DECLS

/* After step 6: what the citizen can do now, and Close. */
#define ENR_TYPE_CLOSING_PAGE (enr_closing_page_get_type ())
G_DECLARE_FINAL_TYPE (EnrClosingPage, enr_closing_page, ENR, CLOSING_PAGE, EnrPage)

G_END_DECLS
