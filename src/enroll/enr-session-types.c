/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The values EnrSession's properties hold: enums and small immutable
 * boxed structs. Freeing wipes what a kiosk's next citizen must not find.
 */
#define G_LOG_DOMAIN "enr-session-types"

#include "config.h"

#include <string.h>

#include "enr-secure.h"
#include "enr-session.h"

G_DEFINE_ENUM_TYPE (EnrSessionStep, enr_session_step,
  G_DEFINE_ENUM_VALUE (ENR_SESSION_STEP_LOGIN, "login"),
  G_DEFINE_ENUM_VALUE (ENR_SESSION_STEP_CONFIRM, "confirm"),
  G_DEFINE_ENUM_VALUE (ENR_SESSION_STEP_INITIALIZE, "initialize"),
  G_DEFINE_ENUM_VALUE (ENR_SESSION_STEP_CONTRACT, "contract"),
  G_DEFINE_ENUM_VALUE (ENR_SESSION_STEP_ACTIVATE, "activate"),
  G_DEFINE_ENUM_VALUE (ENR_SESSION_STEP_CERTIFICATE, "certificate"),
  G_DEFINE_ENUM_VALUE (ENR_SESSION_STEP_DONE, "done"))

G_DEFINE_ENUM_TYPE (EnrOtpPurpose, enr_otp_purpose,
  G_DEFINE_ENUM_VALUE (ENR_OTP_PURPOSE_LOGIN, "login"),
  G_DEFINE_ENUM_VALUE (ENR_OTP_PURPOSE_CONTRACT, "contract"),
  G_DEFINE_ENUM_VALUE (ENR_OTP_PURPOSE_DEVICE, "device"))

G_DEFINE_BOXED_TYPE (EnrLoginCode, enr_login_code, enr_login_code_copy, enr_login_code_free)
G_DEFINE_BOXED_TYPE (EnrOtpState, enr_otp_state, enr_otp_state_copy, enr_otp_state_free)
G_DEFINE_BOXED_TYPE (EnrSessionDocument, enr_session_document, enr_session_document_copy,
                     enr_session_document_free)
G_DEFINE_BOXED_TYPE (EnrCertificateReport, enr_certificate_report, enr_certificate_report_copy,
                     enr_certificate_report_free)

static void
free_wiped (char *text)
{
  if (text != NULL)
    enr_secure_free (text, strlen (text));
}

EnrLoginCode *
enr_login_code_copy (const EnrLoginCode *code)
{
  EnrLoginCode *copy = g_new0 (EnrLoginCode, 1);

  copy->user_code = g_strdup (code->user_code);
  copy->verification_uri = g_strdup (code->verification_uri);
  copy->verification_uri_complete = g_strdup (code->verification_uri_complete);
  copy->expires_at = code->expires_at;
  return copy;
}

void
enr_login_code_free (EnrLoginCode *code)
{
  if (code == NULL)
    return;
  /* The user code is as good as the device code until it expires. */
  free_wiped (code->user_code);
  g_free (code->verification_uri);
  free_wiped (code->verification_uri_complete);
  g_free (code);
}

EnrOtpState *
enr_otp_state_copy (const EnrOtpState *state)
{
  EnrOtpState *copy = g_memdup2 (state, sizeof *state);

  copy->sent_to = g_strdup (state->sent_to);
  return copy;
}

void
enr_otp_state_free (EnrOtpState *state)
{
  if (state == NULL)
    return;
  free_wiped (state->sent_to);
  g_free (state);
}

EnrSessionDocument *
enr_session_document_copy (const EnrSessionDocument *document)
{
  EnrSessionDocument *copy = g_new0 (EnrSessionDocument, 1);

  copy->name = g_strdup (document->name);
  copy->data = document->data != NULL ? g_bytes_ref (document->data) : NULL;
  copy->hash = g_strdup (document->hash);
  copy->description = g_strdup (document->description);
  copy->expires_at = document->expires_at;
  return copy;
}

void
enr_session_document_free (EnrSessionDocument *document)
{
  if (document == NULL)
    return;
  /* The name holds the citizen ID. The bytes are shared, and wiped by
   * whoever made them (enr_secure_bytes_new). */
  free_wiped (document->name);
  g_clear_pointer (&document->data, g_bytes_unref);
  g_free (document->hash);
  free_wiped (document->description);
  g_free (document);
}

EnrCertificateReport *
enr_certificate_report_copy (const EnrCertificateReport *report)
{
  EnrCertificateReport *copy = g_new0 (EnrCertificateReport, 1);

  copy->vneid_status = g_strdup (report->vneid_status);
  copy->vneid_serial = g_strdup (report->vneid_serial);
  copy->smartca_status = g_strdup (report->smartca_status);
  copy->smartca_serial = g_strdup (report->smartca_serial);
  copy->credential_status = g_strdup (report->credential_status);
  copy->consistent = report->consistent;
  return copy;
}

void
enr_certificate_report_free (EnrCertificateReport *report)
{
  if (report == NULL)
    return;
  g_free (report->vneid_status);
  free_wiped (report->vneid_serial);
  g_free (report->smartca_status);
  free_wiped (report->smartca_serial);
  g_free (report->credential_status);
  g_free (report);
}
