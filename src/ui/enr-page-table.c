/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-page-table"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-page-table.h"
#include "enr-session.h"

#include "enr-activate-page.h"
#include "enr-certificate-page.h"
#include "enr-closing-page.h"
#include "enr-confirm-page.h"
#include "enr-contract-page.h"
#include "enr-initialize-page.h"
#include "enr-login-page.h"
#include "enr-welcome-page.h"

static const EnrPageEntry page_table[] = {
  { "welcome",     enr_welcome_page_get_type,     ENR_PAGE_NO_STEP,
    N_("Welcome"), ENR_PAGE_BACK_NEVER, ENR_PAGE_THEN_FOLLOW_STEP, FALSE },
  { "login",       enr_login_page_get_type,       ENR_SESSION_STEP_LOGIN,
    N_("Log In to VNeID"), ENR_PAGE_BACK_BEFORE_LOGIN, ENR_PAGE_THEN_FOLLOW_STEP, TRUE },
  { "confirm",     enr_confirm_page_get_type,     ENR_SESSION_STEP_CONFIRM,
    N_("Confirm the Registration"), ENR_PAGE_BACK_BEFORE_SUBMIT, ENR_PAGE_THEN_FOLLOW_STEP, FALSE },
  { "initialize",  enr_initialize_page_get_type,  ENR_SESSION_STEP_INITIALIZE,
    N_("Set Up the VNPT SmartCA Service"), ENR_PAGE_BACK_NEVER, ENR_PAGE_THEN_FOLLOW_STEP,
    FALSE },
  { "contract",    enr_contract_page_get_type,    ENR_SESSION_STEP_CONTRACT,
    N_("Sign the Electronic Contract"), ENR_PAGE_BACK_NEVER, ENR_PAGE_THEN_FOLLOW_STEP, FALSE },
  { "activate",    enr_activate_page_get_type,    ENR_SESSION_STEP_ACTIVATE,
    N_("Activate the Service"), ENR_PAGE_BACK_NEVER, ENR_PAGE_THEN_FOLLOW_STEP, FALSE },
  { "certificate", enr_certificate_page_get_type, ENR_SESSION_STEP_CERTIFICATE,
    N_("Check the Certificate"), ENR_PAGE_BACK_NEVER, ENR_PAGE_THEN_NEXT, FALSE },
  { "closing",     enr_closing_page_get_type,     ENR_PAGE_NO_STEP,
    N_("Done"), ENR_PAGE_BACK_ALWAYS, ENR_PAGE_THEN_CLOSE, FALSE },
};

const EnrPageEntry *
enr_page_table_get (guint *n_entries)
{
  g_return_val_if_fail (n_entries != NULL, NULL);

  *n_entries = G_N_ELEMENTS (page_table);
  return page_table;
}

const char *
enr_page_table_step_title (int step)
{
  if (step == ENR_SESSION_STEP_DONE)
    step = ENR_SESSION_STEP_CERTIFICATE;
  for (guint i = 0; i < G_N_ELEMENTS (page_table); i++)
    if (page_table[i].step == step)
      return _(page_table[i].title);
  g_return_val_if_reached ("");
}
