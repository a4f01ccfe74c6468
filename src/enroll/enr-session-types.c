/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The values EnrSession's properties hold: enums and small immutable
 * boxed structs. Freeing wipes what a kiosk's next citizen must not find.
 */
#define G_LOG_DOMAIN "enr-session-types"

#include "config.h"

#include <string.h>

#include "enr-secure.h"
#include "enr-session-impl.h"

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
G_DEFINE_BOXED_TYPE (EnrSessionIdentity, enr_session_identity, enr_session_identity_copy,
                     enr_session_identity_free)
G_DEFINE_BOXED_TYPE (EnrSessionRegistration, enr_session_registration,
                     enr_session_registration_copy, enr_session_registration_free)
G_DEFINE_BOXED_TYPE (EnrSessionCertificate, enr_session_certificate,
                     enr_session_certificate_copy, enr_session_certificate_free)

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
  enr_secure_string_free (code->user_code);
  g_free (code->verification_uri);
  enr_secure_string_free (code->verification_uri_complete);
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
  enr_secure_string_free (state->sent_to);
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
  enr_secure_string_free (document->name);
  g_clear_pointer (&document->data, g_bytes_unref);
  g_free (document->hash);
  enr_secure_string_free (document->description);
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
  enr_secure_string_free (report->vneid_serial);
  g_free (report->smartca_status);
  enr_secure_string_free (report->smartca_serial);
  g_free (report->credential_status);
  g_free (report);
}

/* --- What VNeID holds of the citizen ---------------------------------------------- */

static EnrSessionIdentity *
identity_new (const char *citizen_id,
              const char *full_name,
              const char *date_of_birth,
              const char *gender,
              const char *nationality,
              const char *province,
              const char *ward,
              const char *street,
              const char *district,
              const char *phone,
              const char *email,
              gint        identity_level)
{
  EnrSessionIdentity *identity = g_new0 (EnrSessionIdentity, 1);

  identity->citizen_id = g_strdup (citizen_id);
  identity->full_name = g_strdup (full_name);
  identity->date_of_birth = g_strdup (date_of_birth);
  identity->gender = g_strdup (gender);
  identity->nationality = g_strdup (nationality);
  identity->province = g_strdup (province);
  identity->ward = g_strdup (ward);
  identity->street = g_strdup (street);
  identity->district = g_strdup (district);
  identity->phone = g_strdup (phone);
  identity->email = g_strdup (email);
  identity->identity_level = identity_level;
  return identity;
}

EnrSessionIdentity *
enr_session_identity_copy (const EnrSessionIdentity *identity)
{
  return identity_new (identity->citizen_id, identity->full_name, identity->date_of_birth,
                       identity->gender, identity->nationality, identity->province,
                       identity->ward, identity->street, identity->district, identity->phone,
                       identity->email, identity->identity_level);
}

void
enr_session_identity_free (EnrSessionIdentity *identity)
{
  if (identity == NULL)
    return;
  /* All of it is personal: a kiosk's next citizen must not find it. */
  enr_secure_string_free (identity->citizen_id);
  enr_secure_string_free (identity->full_name);
  enr_secure_string_free (identity->date_of_birth);
  enr_secure_string_free (identity->gender);
  enr_secure_string_free (identity->nationality);
  enr_secure_string_free (identity->province);
  enr_secure_string_free (identity->ward);
  enr_secure_string_free (identity->street);
  enr_secure_string_free (identity->district);
  enr_secure_string_free (identity->phone);
  enr_secure_string_free (identity->email);
  g_free (identity);
}

EnrSessionIdentity *
_enr_session_identity_new_from (const EnrIdentity *identity)
{
  g_return_val_if_fail (identity != NULL, NULL);

  return identity_new (identity->citizen_id, identity->full_name, identity->date_of_birth,
                       identity->gender, identity->nationality, identity->province,
                       identity->ward, identity->street, identity->district, identity->phone,
                       identity->email, (gint) CLAMP (identity->identity_level, 0, G_MAXINT));
}

/* --- The registration ----------------------------------------------------------- */

EnrSessionRegistration *
enr_session_registration_copy (const EnrSessionRegistration *registration)
{
  EnrSessionRegistration *copy = g_new0 (EnrSessionRegistration, 1);

  copy->registration_id = g_strdup (registration->registration_id);
  copy->status = g_strdup (registration->status);
  return copy;
}

void
enr_session_registration_free (EnrSessionRegistration *registration)
{
  if (registration == NULL)
    return;
  g_free (registration->registration_id);
  g_free (registration->status);
  g_free (registration);
}

EnrSessionRegistration *
_enr_session_registration_new_from (const EnrRegistration *registration)
{
  EnrSessionRegistration shown = {
    .registration_id = registration->registration_id,
    .status = registration->status,
  };

  return enr_session_registration_copy (&shown);
}

/* --- The certificate ------------------------------------------------------------- */

EnrSessionCertificate *
enr_session_certificate_copy (const EnrSessionCertificate *certificate)
{
  EnrSessionCertificate *copy = g_new0 (EnrSessionCertificate, 1);

  copy->holder = g_strdup (certificate->holder);
  copy->subject = g_strdup (certificate->subject);
  copy->issuer = g_strdup (certificate->issuer);
  copy->serial = g_strdup (certificate->serial);
  copy->not_before = certificate->not_before ? g_date_time_ref (certificate->not_before) : NULL;
  copy->not_after = certificate->not_after ? g_date_time_ref (certificate->not_after) : NULL;
  copy->fingerprint = g_strdup (certificate->fingerprint);
  copy->der = certificate->der ? g_bytes_ref (certificate->der) : NULL;
  copy->pem = g_strdup (certificate->pem);
  return copy;
}

void
enr_session_certificate_free (EnrSessionCertificate *certificate)
{
  if (certificate == NULL)
    return;
  enr_secure_string_free (certificate->holder);
  enr_secure_string_free (certificate->subject);
  g_free (certificate->issuer);
  g_free (certificate->serial);
  g_clear_pointer (&certificate->not_before, g_date_time_unref);
  g_clear_pointer (&certificate->not_after, g_date_time_unref);
  g_free (certificate->fingerprint);
  g_clear_pointer (&certificate->der, g_bytes_unref);
  g_free (certificate->pem);
  g_free (certificate);
}

EnrSessionCertificate *
_enr_session_certificate_new_from (EnrCertificate *certificate)
{
  EnrSessionCertificate *shown = g_new0 (EnrSessionCertificate, 1);
  const char *issuer = enr_certificate_get_issuer_common_name (certificate);

  shown->holder = g_strdup (enr_certificate_get_common_name (certificate));
  shown->subject = g_strdup (enr_certificate_get_subject (certificate));
  shown->issuer = g_strdup (issuer != NULL ? issuer : enr_certificate_get_issuer (certificate));
  shown->serial = g_strdup (enr_certificate_get_serial (certificate));
  shown->not_before = g_date_time_ref (enr_certificate_get_not_before (certificate));
  shown->not_after = g_date_time_ref (enr_certificate_get_not_after (certificate));
  shown->fingerprint = g_strdup (enr_certificate_get_fingerprint (certificate));
  shown->der = enr_certificate_get_der (certificate);
  shown->pem = enr_certificate_to_pem (certificate);
  return shown;
}
