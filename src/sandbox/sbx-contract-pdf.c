/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-contract-pdf"

#include "config.h"

#include <gio/gio.h>

#include "sbx-contract-pdf.h"

/* Placeholder until the contract is drawn. */
GBytes *
sbx_contract_pdf_render (const SbxContractInfo *info,
                         GError               **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not drawn yet");
  return NULL;
}

GBytes *
sbx_contract_pdf_render_signed (const SbxContractInfo *info,
                                const char            *signed_at_rfc3339,
                                const char            *phone_masked,
                                GError               **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not drawn yet");
  return NULL;
}
