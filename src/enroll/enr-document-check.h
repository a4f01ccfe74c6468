/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "enr-session.h"

G_BEGIN_DECLS

/*
 * Checking a signed PDF, ours or anyone's (issue 14, "Check"), in the
 * citizen's words: for every signature, oldest first, who signed (the
 * name, the citizen ID masked), the issuing CA, when (a time stamp's time,
 * said as trusted, or the signer's own, said as claimed), whether the
 * document changed after it (or only by later signatures), whether the
 * certificate chains to a trusted signing root (the session's
 * :signing-trust-anchor) and was valid then. Each verdict is one plain
 * sentence in the UI language with an icon name that does not rely on
 * colour; the technical details are there on demand. The file is checked
 * in a worker thread and never written. No GTK.
 */

typedef enum
{
  ENR_CHECK_GOOD,      /* as it should be */
  ENR_CHECK_WARNING,   /* not wrong, but the citizen should know (a claimed time) */
  ENR_CHECK_BAD,       /* the signature cannot be relied on */
} EnrCheckLevel;

/* One verdict: a sentence, its level and an icon name for it
 * ("emblem-ok-symbolic", "dialog-warning-symbolic", "dialog-error-symbolic"). */
typedef struct
{
  EnrCheckLevel  level;
  char          *sentence;
  const char    *icon_name;
} EnrCheckVerdict;

typedef struct
{
  char            *signer_name;      /* nullable */
  char            *masked_citizen_id; /* "001******001", as everywhere (enr_citizen_id_mask());
                                       * nullable */
  char            *issuer_name;      /* nullable */
  GDateTime       *time;             /* nullable; Vietnam time */
  gboolean         time_trusted;     /* a valid time stamp's */
  gboolean         valid;            /* intact, trusted, unchanged but by signatures */
  EnrCheckVerdict  summary;          /* "Signed by … on …; the document is unchanged." */
  GPtrArray       *verdicts;         /* of EnrCheckVerdict: integrity, changes, certificate, time */
  char            *details;          /* several lines for "Details": sub-filter, serial, …;
                                      * translated labels, the verdicts' stable names */
} EnrCheckedSignature;

#define ENR_TYPE_DOCUMENT_CHECK (enr_document_check_get_type ())
G_DECLARE_FINAL_TYPE (EnrDocumentCheck, enr_document_check, ENR, DOCUMENT_CHECK, GObject)

/* Checks @file against @session's signing trust anchor (and the TSA's).
 * Not an action of the session: it needs no service, no login and no
 * enrollment, and runs beside any action. */
void              enr_document_check_file_async   (EnrSession          *session,
                                                   GFile               *file,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* ENR_SESSION_ERROR_REFUSED, reason ENR_SESSION_REASON_DOCUMENT, for a
 * file that is not a PDF or cannot be read. */
EnrDocumentCheck *enr_document_check_file_finish  (GAsyncResult        *result,
                                                   GError             **error);

GFile            *enr_document_check_get_file      (EnrDocumentCheck *self);
/* Of EnrCheckedSignature, oldest first; empty for an unsigned PDF. */
GPtrArray        *enr_document_check_get_signatures (EnrDocumentCheck *self);
/* One signature at least, and every one valid and trusted. */
gboolean          enr_document_check_is_valid      (EnrDocumentCheck *self);
/* The whole document in one sentence ("This document carries 2 valid
 * signatures and has not been changed since." / "… No signature …"). */
const EnrCheckVerdict *enr_document_check_get_summary (EnrDocumentCheck *self);
/* The same as one JSON object, for `smartca-enroll --check FILE --json`:
 * {"file", "valid", "signatures": [{"kind", "signer", "citizenId" (masked),
 * "issuer", "time" (RFC 3339, Vietnam time), "timeSource", "integrity",
 * "change", "trust", "timestamp", "tsa", "subFilter", "serial", "valid"}]},
 * the verdicts by their stable names (enr-pdf-check.h), null where unknown. */
JsonNode         *enr_document_check_to_json       (EnrDocumentCheck *self);

G_END_DECLS
