/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * What VNeID answers (PROTOCOL.md, "VNeID"), as typed values. The parsers
 * take the reply's JSON object and refuse anything that is not exactly the
 * documented shape; they do no I/O, so they can be fuzzed alone.
 */

typedef struct
{
  char  *device_code;
  char  *user_code;
  char  *verification_uri;
  char  *verification_uri_complete;
  gint64 expires_in;
  gint64 interval;
} EnrDeviceAuthorization;

typedef struct
{
  char  *access_token;    /* wiped when freed */
  gint64 expires_in;
  char  *scope;
} EnrVneidTokens;

typedef struct
{
  char  *otp_session;     /* wiped when freed */
  char  *otp_sent_to;     /* masked by the service: "09******21" */
  gint64 expires_in;
} EnrOtpChallenge;

typedef struct
{
  char  *sub;
  char  *citizen_id;
  char  *full_name;
  char  *date_of_birth;   /* YYYY-MM-DD */
  char  *gender;          /* "male" | "female" */
  char  *nationality;
  char  *province;
  char  *ward;
  char  *street;
  char  *district;        /* nullable: older records only */
  char  *phone;
  char  *email;           /* nullable */
  gint64 identity_level;
} EnrIdentity;

typedef struct
{
  char *serial_number;
  char *subject_dn;
  char *valid_from;
  char *valid_to;
  char *status;
} EnrRegisteredCertificate;

typedef struct
{
  char                     *registration_id;
  char                     *status;         /* SUBMITTED SYNCED CONTRACT_SIGNED ACTIVE REJECTED */
  char                     *created_at;
  EnrRegisteredCertificate *certificate;    /* nullable */
} EnrRegistration;

#define ENR_TYPE_IDENTITY     (enr_identity_get_type ())
#define ENR_TYPE_REGISTRATION (enr_registration_get_type ())

GType                   enr_identity_get_type     (void) G_GNUC_CONST;
GType                   enr_registration_get_type (void) G_GNUC_CONST;

EnrDeviceAuthorization *enr_device_authorization_parse (JsonObject *object, GError **error);
EnrVneidTokens         *enr_vneid_tokens_parse         (JsonObject *object, GError **error);
EnrOtpChallenge        *enr_otp_challenge_parse        (JsonObject *object, GError **error);
EnrIdentity            *enr_identity_parse             (JsonObject *object, GError **error);
EnrRegistration        *enr_registration_parse         (JsonObject *object, GError **error);

void                    enr_device_authorization_free  (EnrDeviceAuthorization *value);
void                    enr_vneid_tokens_free          (EnrVneidTokens         *value);
void                    enr_otp_challenge_free         (EnrOtpChallenge        *value);
EnrIdentity            *enr_identity_copy              (const EnrIdentity      *value);
void                    enr_identity_free              (EnrIdentity            *value);
EnrRegistration        *enr_registration_copy          (const EnrRegistration  *value);
void                    enr_registration_free          (EnrRegistration        *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrDeviceAuthorization, enr_device_authorization_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrVneidTokens, enr_vneid_tokens_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrOtpChallenge, enr_otp_challenge_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrIdentity, enr_identity_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrRegistration, enr_registration_free)

G_END_DECLS
