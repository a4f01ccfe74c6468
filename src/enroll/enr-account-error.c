/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-account-error"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-account-error.h"

G_DEFINE_QUARK (enr-account-error-quark, enr_account_error)

const char *
enr_account_error_message (EnrAccountError code)
{
  switch (code)
    {
    case ENR_ACCOUNT_ERROR_NOT_ENROLLED:
      return _("You have no VNPT SmartCA certificate to use on this computer yet, or its "
               "registration is not finished. Register with this program: it carries on "
               "where you left off.");
    case ENR_ACCOUNT_ERROR_REQUEST_GONE:
    default:
      return _("This signing request is no longer waiting: it expired, or it was answered "
               "elsewhere. Nothing was signed from this computer.");
    }
}

GError *
enr_account_error_new (EnrAccountError code)
{
  return g_error_new_literal (ENR_ACCOUNT_ERROR, code, enr_account_error_message (code));
}
