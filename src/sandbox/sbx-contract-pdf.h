/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the service contract names. Strings are UTF-8. */
typedef struct
{
  const char *full_name;
  const char *citizen_id;
  const char *date_of_birth;     /* YYYY-MM-DD */
  const char *address;           /* street, ward, province */
  const char *phone;
  const char *email;             /* nullable */
  const char *service_pack;      /* SMARTCA_PERSONAL_FREE */
  const char *contract_id;
  const char *terms_version;
  gint64      issued_at_ms;
  const char *contract_hash;     /* render_signed: the Base64 SHA-256 of the
                                  * contract as served, recorded on the
                                  * acceptance; NULL there to compute it */
} SbxContractInfo;

/*
 * The service contract as an A4 PDF drawn with cairo + pango, in
 * Vietnamese. The bytes depend only on @info (and the fonts installed),
 * never on the wall clock, so the same contract can be drawn again.
 */
GBytes *sbx_contract_pdf_render       (const SbxContractInfo *info,
                                       GError               **error);
/* The same contract with the citizen's OTP acceptance recorded on a last page. */
GBytes *sbx_contract_pdf_render_signed (const SbxContractInfo *info,
                                        const char            *signed_at_rfc3339,
                                        const char            *phone_masked,
                                        GError               **error);

G_END_DECLS
