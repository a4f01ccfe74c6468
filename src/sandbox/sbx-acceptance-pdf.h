/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the acceptance record (biên bản nghiệm thu) names. UTF-8. */
typedef struct
{
  const char *record_id;         /* the record's number */
  const char *full_name;
  const char *citizen_id;
  const char *address;
  const char *credential_id;
  const char *serial_number;     /* the certificate's, uppercase hex */
  const char *subject_dn;        /* RFC 4514 */
  const char *issuer_name;       /* the issuing CA's common name */
  gint64      valid_from_ms;
  gint64      valid_to_ms;
  gint64      drawn_at_ms;       /* the record's date */
} SbxAcceptanceInfo;

/*
 * The acceptance record as a one-page A4 PDF drawn with cairo + pango, in
 * Vietnamese: the citizen acknowledges receiving the certificate and the
 * service. The bytes depend only on @info. May run in any thread.
 */
GBytes *sbx_acceptance_pdf_render (const SbxAcceptanceInfo *info,
                                   GError                 **error);

G_END_DECLS
