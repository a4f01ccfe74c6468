/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-page.h"

G_BEGIN_DECLS

/*
 * After step 6: what the citizen can do now, and Close. At a kiosk:
 * nothing of theirs stays here, how to use the certificate from their own
 * computer later, "Print a Receipt" (::print-receipt, for the kiosk to
 * print), and Finish, which starts the kiosk over.
 */
#define ENR_TYPE_CLOSING_PAGE (enr_closing_page_get_type ())
G_DECLARE_FINAL_TYPE (EnrClosingPage, enr_closing_page, ENR, CLOSING_PAGE, EnrPage)

/* What became of the receipt: @error NULL when it was printed. */
void enr_closing_page_show_print_result (EnrClosingPage *self,
                                         const GError   *error);

G_END_DECLS
