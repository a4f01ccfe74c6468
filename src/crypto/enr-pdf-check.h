/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "enr-certificate.h"

G_BEGIN_DECLS

/*
 * Checking any signed PDF, ours or another signer's: every signature,
 * oldest first, with who signed, when, whether the document changed after
 * it, whether the certificate chains to a trusted signing root and was
 * valid then, and whether the signature is sound. Verdicts only: the
 * session says them in the citizen's words. Nothing is written.
 */

/* What the signature's bytes say. */
typedef enum
{
  ENR_PDF_CHECK_INTACT,          /* the signature verifies over what it covers */
  ENR_PDF_CHECK_ALTERED,         /* the covered bytes are not what was signed: tampered */
  ENR_PDF_CHECK_BAD_SIGNATURE,   /* the signature does not verify with the signer's key */
  ENR_PDF_CHECK_UNREADABLE,      /* not a CMS this program can check, or an unknown algorithm */
} EnrPdfCheckIntegrity;

/* What came after the revision the signature covers. */
typedef enum
{
  ENR_PDF_CHECK_UNCHANGED,          /* nothing: it covers the whole file */
  ENR_PDF_CHECK_ONLY_SIGNATURES,    /* later signatures only (their fields, widgets, DSS) */
  ENR_PDF_CHECK_CHANGED,            /* other changes after it */
  ENR_PDF_CHECK_NOT_WHOLE_REVISION, /* its range leaves out more than its own /Contents */
} EnrPdfCheckChange;

/* Where the signing time comes from. */
typedef enum
{
  ENR_PDF_CHECK_TIME_NONE,       /* none is said */
  ENR_PDF_CHECK_TIME_CLAIMED,    /* the signer's own /M or signingTime */
  ENR_PDF_CHECK_TIME_TRUSTED,    /* a verified time stamp's genTime */
} EnrPdfCheckTimeSource;

/* The signature's time stamp (id-aa-signatureTimeStampToken). */
typedef enum
{
  ENR_PDF_CHECK_TIMESTAMP_NONE,
  ENR_PDF_CHECK_TIMESTAMP_VALID,      /* over this signature, by a trusted TSA */
  ENR_PDF_CHECK_TIMESTAMP_INVALID,    /* not over this signature, or a bad token signature */
  ENR_PDF_CHECK_TIMESTAMP_UNTRUSTED,  /* a sound token by a TSA not trusted (or then invalid) */
} EnrPdfCheckTimestamp;

/* The signer's certificate, at the signing time. */
typedef enum
{
  ENR_PDF_CHECK_TRUSTED,            /* chains to a trust anchor, valid then, for signing */
  ENR_PDF_CHECK_UNTRUSTED,          /* does not chain to a trust anchor */
  ENR_PDF_CHECK_EXPIRED,            /* expired at the signing time */
  ENR_PDF_CHECK_NOT_YET_VALID,      /* not yet valid at the signing time */
  ENR_PDF_CHECK_NOT_FOR_SIGNING,    /* a CA, or without a signing key usage */
  ENR_PDF_CHECK_NO_CERTIFICATE,     /* the signer's certificate is not in the signature */
} EnrPdfCheckTrust;

typedef enum
{
  ENR_PDF_CHECK_KIND_SIGNATURE,          /* a CMS over the byte range (PAdES, adbe.pkcs7.detached) */
  ENR_PDF_CHECK_KIND_DOCUMENT_TIMESTAMP, /* ETSI.RFC3161: a time stamp over the byte range */
} EnrPdfCheckKind;

typedef struct
{
  EnrPdfCheckKind        kind;
  char                  *sub_filter;      /* as the dictionary says */
  EnrCertificate        *certificate;     /* the signer's (the TSA's for a document time stamp); nullable */
  char                  *signer_name;     /* its CN, UTF-8; nullable */
  char                  *citizen_id;      /* from UID=CCCD:<id>; nullable */
  char                  *issuer_name;     /* the issuing CA's CN; nullable */
  GDateTime             *time;            /* nullable */
  EnrPdfCheckTimeSource  time_source;
  EnrPdfCheckTimestamp   timestamp;
  char                  *tsa_name;        /* the TSA's CN; nullable */
  EnrPdfCheckIntegrity   integrity;
  EnrPdfCheckChange      change;
  EnrPdfCheckTrust       trust;
  gsize                  revision_end;    /* the bytes of the file it covers */
} EnrPdfCheckSignature;

typedef struct
{
  GPtrArray *signatures;   /* of EnrPdfCheckSignature, oldest first */
  gsize      size;         /* of the file */
} EnrPdfCheckReport;

void      enr_pdf_check_report_free (EnrPdfCheckReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrPdfCheckReport, enr_pdf_check_report_free)

/* Whether a signature is all right: intact, trusted, not changed since
 * but by later signatures, and its time stamp (if any) valid. */
gboolean  enr_pdf_check_signature_is_valid (const EnrPdfCheckSignature *signature);
/* Whether there is one signature at least, and every one is valid. */
gboolean  enr_pdf_check_report_is_valid    (const EnrPdfCheckReport    *report);

/*
 * Checks every signature of @pdf against @trust_anchor_file (a PEM file of
 * the signing and time-stamping roots to trust; NULL: the system's store).
 * An ENR_CRYPTO_ERROR_PDF_MALFORMED for a file that is not a PDF; a PDF
 * with no signature gives a report with none. Blocking: hashes the file.
 */
EnrPdfCheckReport *enr_pdf_check           (const guint8        *pdf,
                                            gsize                len,
                                            const char          *trust_anchor_file,
                                            GError             **error);
/* The same for a file, mapped (never read into memory whole). */
EnrPdfCheckReport *enr_pdf_check_file      (GFile               *file,
                                            const char          *trust_anchor_file,
                                            GError             **error);
void               enr_pdf_check_file_async  (GFile               *file,
                                              const char          *trust_anchor_file,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
EnrPdfCheckReport *enr_pdf_check_file_finish (GAsyncResult        *result,
                                              GError             **error);

/* Stable names of the verdicts ("intact", "only-signatures", …), for the
 * log and for `--check --json`. */
const char *enr_pdf_check_integrity_to_string (EnrPdfCheckIntegrity  value);
const char *enr_pdf_check_change_to_string    (EnrPdfCheckChange     value);
const char *enr_pdf_check_time_source_to_string (EnrPdfCheckTimeSource value);
const char *enr_pdf_check_timestamp_to_string (EnrPdfCheckTimestamp  value);
const char *enr_pdf_check_trust_to_string     (EnrPdfCheckTrust      value);

G_END_DECLS
