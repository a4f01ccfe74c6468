/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "enr-page.h"

G_BEGIN_DECLS

/*
 * Before step 1: what the six steps are, the language, and, when an
 * enrollment was left unfinished, the offer to continue at its step or
 * to start over.
 */
#define ENR_TYPE_WELCOME_PAGE (enr_welcome_page_get_type ())
G_DECLARE_FINAL_TYPE (EnrWelcomePage, enr_welcome_page, ENR, WELCOME_PAGE, EnrPage)

G_END_DECLS
