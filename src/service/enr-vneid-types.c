/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-vneid-types"

#include "config.h"

#include <string.h>

#include "enr-json.h"
#include "enr-secure.h"
#include "enr-vneid-types.h"

G_DEFINE_BOXED_TYPE (EnrIdentity, enr_identity, enr_identity_copy, enr_identity_free)
G_DEFINE_BOXED_TYPE (EnrRegistration, enr_registration, enr_registration_copy,
                     enr_registration_free)

/* Device authorization (RFC 8628 §3.2) */

void
enr_device_authorization_free (EnrDeviceAuthorization *value)
{
  if (value == NULL)
    return;
  enr_secure_string_free (value->device_code);
  g_free (value->user_code);
  g_free (value->verification_uri);
  g_free (value->verification_uri_complete);
  g_free (value);
}

EnrDeviceAuthorization *
enr_device_authorization_parse (JsonObject  *object,
                                GError     **error)
{
  g_autoptr(EnrDeviceAuthorization) value = g_new0 (EnrDeviceAuthorization, 1);

  if (!enr_json_read_string (object, "device_code", FALSE, &value->device_code, error) ||
      !enr_json_read_string (object, "user_code", FALSE, &value->user_code, error) ||
      !enr_json_read_string (object, "verification_uri", FALSE, &value->verification_uri, error) ||
      !enr_json_read_string (object, "verification_uri_complete", FALSE,
                             &value->verification_uri_complete, error) ||
      !enr_json_read_int (object, "expires_in", 1, 86400, &value->expires_in, error) ||
      !enr_json_read_int (object, "interval", 1, 3600, &value->interval, error))
    return NULL;

  return g_steal_pointer (&value);
}

/* Tokens */

void
enr_vneid_tokens_free (EnrVneidTokens *value)
{
  if (value == NULL)
    return;
  enr_secure_string_free (value->access_token);
  g_free (value->scope);
  g_free (value);
}

EnrVneidTokens *
enr_vneid_tokens_parse (JsonObject  *object,
                        GError     **error)
{
  g_autoptr(EnrVneidTokens) value = g_new0 (EnrVneidTokens, 1);
  g_autofree char *token_type = NULL;

  if (!enr_json_read_string (object, "access_token", FALSE, &value->access_token, error) ||
      !enr_json_read_string (object, "token_type", FALSE, &token_type, error) ||
      !enr_json_read_int (object, "expires_in", 1, G_MAXINT32, &value->expires_in, error) ||
      !enr_json_read_string (object, "scope", TRUE, &value->scope, error))
    return NULL;

  if (g_ascii_strcasecmp (token_type, "Bearer") != 0)
    {
      enr_json_malformed (error, "token_type", "is not Bearer");
      return NULL;
    }

  return g_steal_pointer (&value);
}

/* The OTP that a password login asks for */

void
enr_otp_challenge_free (EnrOtpChallenge *value)
{
  if (value == NULL)
    return;
  enr_secure_string_free (value->otp_session);
  g_free (value->otp_sent_to);
  g_free (value);
}

EnrOtpChallenge *
enr_otp_challenge_parse (JsonObject  *object,
                         GError     **error)
{
  g_autoptr(EnrOtpChallenge) value = g_new0 (EnrOtpChallenge, 1);

  if (!enr_json_read_string (object, "otp_session", FALSE, &value->otp_session, error) ||
      !enr_json_read_string (object, "otp_sent_to", FALSE, &value->otp_sent_to, error) ||
      !enr_json_read_int (object, "expires_in", 1, 86400, &value->expires_in, error))
    return NULL;

  return g_steal_pointer (&value);
}

/* Identity */

EnrIdentity *
enr_identity_copy (const EnrIdentity *value)
{
  EnrIdentity *copy = g_new0 (EnrIdentity, 1);

  copy->sub = g_strdup (value->sub);
  copy->citizen_id = g_strdup (value->citizen_id);
  copy->full_name = g_strdup (value->full_name);
  copy->date_of_birth = g_strdup (value->date_of_birth);
  copy->gender = g_strdup (value->gender);
  copy->nationality = g_strdup (value->nationality);
  copy->province = g_strdup (value->province);
  copy->ward = g_strdup (value->ward);
  copy->street = g_strdup (value->street);
  copy->district = g_strdup (value->district);
  copy->phone = g_strdup (value->phone);
  copy->email = g_strdup (value->email);
  copy->identity_level = value->identity_level;
  return copy;
}

/* Personal data is wiped too: at a kiosk the next citizen shares the memory. */
void
enr_identity_free (EnrIdentity *value)
{
  if (value == NULL)
    return;
  enr_secure_string_free (value->sub);
  enr_secure_string_free (value->citizen_id);
  enr_secure_string_free (value->full_name);
  enr_secure_string_free (value->date_of_birth);
  enr_secure_string_free (value->gender);
  enr_secure_string_free (value->nationality);
  enr_secure_string_free (value->province);
  enr_secure_string_free (value->ward);
  enr_secure_string_free (value->street);
  enr_secure_string_free (value->district);
  enr_secure_string_free (value->phone);
  enr_secure_string_free (value->email);
  g_free (value);
}

EnrIdentity *
enr_identity_parse (JsonObject  *object,
                    GError     **error)
{
  g_autoptr(EnrIdentity) value = g_new0 (EnrIdentity, 1);
  JsonObject *residence;

  if (!enr_json_read_string (object, "sub", FALSE, &value->sub, error) ||
      !enr_json_read_string (object, "citizen_id", FALSE, &value->citizen_id, error) ||
      !enr_json_read_string (object, "full_name", FALSE, &value->full_name, error) ||
      !enr_json_read_string (object, "date_of_birth", FALSE, &value->date_of_birth, error) ||
      !enr_json_read_string (object, "gender", FALSE, &value->gender, error) ||
      !enr_json_read_string (object, "nationality", FALSE, &value->nationality, error) ||
      !enr_json_read_object (object, "place_of_residence", FALSE, &residence, error) ||
      !enr_json_read_string (residence, "province", FALSE, &value->province, error) ||
      !enr_json_read_string (residence, "ward", FALSE, &value->ward, error) ||
      !enr_json_read_string (residence, "street", FALSE, &value->street, error) ||
      !enr_json_read_string (residence, "district", TRUE, &value->district, error) ||
      !enr_json_read_string (object, "phone", FALSE, &value->phone, error) ||
      !enr_json_read_string (object, "email", TRUE, &value->email, error) ||
      !enr_json_read_int (object, "identity_level", 1, 2, &value->identity_level, error))
    return NULL;

  return g_steal_pointer (&value);
}

/* Registration */

static void
enr_registered_certificate_free (EnrRegisteredCertificate *value)
{
  if (value == NULL)
    return;
  g_free (value->serial_number);
  g_free (value->subject_dn);
  g_free (value->valid_from);
  g_free (value->valid_to);
  g_free (value->status);
  g_free (value);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrRegisteredCertificate, enr_registered_certificate_free)

EnrRegistration *
enr_registration_copy (const EnrRegistration *value)
{
  EnrRegistration *copy = g_new0 (EnrRegistration, 1);

  copy->registration_id = g_strdup (value->registration_id);
  copy->status = g_strdup (value->status);
  copy->created_at = g_strdup (value->created_at);
  if (value->certificate != NULL)
    {
      copy->certificate = g_new0 (EnrRegisteredCertificate, 1);
      copy->certificate->serial_number = g_strdup (value->certificate->serial_number);
      copy->certificate->subject_dn = g_strdup (value->certificate->subject_dn);
      copy->certificate->valid_from = g_strdup (value->certificate->valid_from);
      copy->certificate->valid_to = g_strdup (value->certificate->valid_to);
      copy->certificate->status = g_strdup (value->certificate->status);
    }
  return copy;
}

void
enr_registration_free (EnrRegistration *value)
{
  if (value == NULL)
    return;
  g_free (value->registration_id);
  g_free (value->status);
  g_free (value->created_at);
  enr_registered_certificate_free (value->certificate);
  g_free (value);
}

EnrRegistration *
enr_registration_parse (JsonObject  *object,
                        GError     **error)
{
  static const char * const statuses[] = {
    "SUBMITTED", "SYNCED", "CONTRACT_SIGNED", "ACTIVE", "REJECTED", NULL
  };
  g_autoptr(EnrRegistration) value = g_new0 (EnrRegistration, 1);
  JsonObject *certificate;

  if (!enr_json_read_string (object, "registration_id", FALSE, &value->registration_id, error) ||
      !enr_json_read_string (object, "status", FALSE, &value->status, error) ||
      !enr_json_read_string (object, "created_at", FALSE, &value->created_at, error) ||
      !enr_json_read_object (object, "certificate", TRUE, &certificate, error))
    return NULL;

  if (!g_strv_contains (statuses, value->status))
    {
      enr_json_malformed (error, "status", "is not a known status");
      return NULL;
    }

  if (certificate != NULL)
    {
      g_autoptr(EnrRegisteredCertificate) cert = g_new0 (EnrRegisteredCertificate, 1);

      if (!enr_json_read_string (certificate, "serial_number", FALSE, &cert->serial_number, error) ||
          !enr_json_read_string (certificate, "subject_dn", FALSE, &cert->subject_dn, error) ||
          !enr_json_read_string (certificate, "valid_from", FALSE, &cert->valid_from, error) ||
          !enr_json_read_string (certificate, "valid_to", FALSE, &cert->valid_to, error) ||
          !enr_json_read_string (certificate, "status", FALSE, &cert->status, error))
        return NULL;
      value->certificate = g_steal_pointer (&cert);
    }

  return g_steal_pointer (&value);
}
