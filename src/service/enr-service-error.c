/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-service-error"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-service-error.h"

G_DEFINE_QUARK (enr-service-error-quark, enr_service_error)

const char *
enr_service_error_message (EnrServiceError code)
{
  switch (code)
    {
    case ENR_SERVICE_ERROR_NOT_CONFIGURED:
      return _("No VNeID or SmartCA service is configured on this computer. "
               "Ask the person who set it up, or start the program with --sandbox to try it out.");
    case ENR_SERVICE_ERROR_NO_NETWORK:
      return _("This computer cannot reach the service. Check the network connection, then try again.");
    case ENR_SERVICE_ERROR_UNAVAILABLE:
      return _("The service is busy or down for a moment. Everything you entered is kept: try again in a minute.");
    case ENR_SERVICE_ERROR_TIMEOUT:
      return _("The service took too long to answer. Everything you entered is kept: try again.");
    case ENR_SERVICE_ERROR_TLS_UNTRUSTED:
      return _("The service could not prove who it is, so nothing was sent to it. "
               "Do not go on; tell the person who looks after this computer.");
    case ENR_SERVICE_ERROR_MALFORMED_REPLY:
      return _("The service sent an answer this program does not understand. Try again later.");
    case ENR_SERVICE_ERROR_LOGIN_EXPIRED:
      return _("Your login has expired. Log in to VNeID again: you will carry on where you were.");
    case ENR_SERVICE_ERROR_WRONG_PASSWORD:
      return _("The citizen ID or the password is wrong. Check them and try again.");
    case ENR_SERVICE_ERROR_ACCOUNT_LOCKED:
      return _("Too many wrong passwords: your VNeID account is locked for a while. Try again later, "
               "or log in by scanning the QR code with the VNeID app.");
    case ENR_SERVICE_ERROR_OTP_WRONG:
      return _("The code is wrong. Check the SMS and type it again.");
    case ENR_SERVICE_ERROR_OTP_EXPIRED:
      return _("The code has expired. Ask for a new one.");
    case ENR_SERVICE_ERROR_OTP_LOCKED:
      return _("Too many wrong codes. Ask for a new code.");
    case ENR_SERVICE_ERROR_TOO_SOON:
      return _("A code was sent a moment ago. Wait a little before asking for another.");
    case ENR_SERVICE_ERROR_LOGIN_PENDING:
      return _("Waiting for you to approve the login in the VNeID app.");
    case ENR_SERVICE_ERROR_LOGIN_DENIED:
      return _("The login was refused in the VNeID app. Try again with a new QR code, or log in with your password.");
    case ENR_SERVICE_ERROR_LOGIN_CODE_EXPIRED:
      return _("The QR code has expired. A new one is shown.");
    case ENR_SERVICE_ERROR_IDENTITY_LEVEL:
      return _("Your VNeID account is level 1. A SmartCA certificate needs a level 2 account: "
               "activate it at the police office of your ward or commune, then come back.");
    case ENR_SERVICE_ERROR_CONSENT_REQUIRED:
      return _("SmartCA needs your consent to receive your identity before it can register you.");
    case ENR_SERVICE_ERROR_WRONG_STATE:
      return _("The service is at another step of your registration. The program will take you there.");
    case ENR_SERVICE_ERROR_NOT_FOUND:
      return _("The service does not know this registration. Start again from the VNeID login.");
    case ENR_SERVICE_ERROR_HASH_MISMATCH:
      return _("The document changed while you were reading it. Read the new one, then sign again.");
    case ENR_SERVICE_ERROR_SAD_INVALID:
      return _("SmartCA did not accept the approval from this computer. "
               "If this happens again, link this computer again with “Use my SmartCA on this computer”.");
    case ENR_SERVICE_ERROR_CHALLENGE_EXPIRED:
      return _("The request waited too long and expired. Try again.");
    case ENR_SERVICE_ERROR_REJECTED:
      return _("Your registration was rejected. Contact VNPT SmartCA support (18001260).");
    case ENR_SERVICE_ERROR_TRANSACTION_REJECTED:
      return _("The signing request was rejected, so nothing was signed. A new request is shown: "
               "approve it to go on.");
    case ENR_SERVICE_ERROR_OTHER_CITIZEN:
      return _("You logged in as another citizen. Log in with the account this registration "
               "belongs to, or start over.");
    case ENR_SERVICE_ERROR_FAILED:
    default:
      return _("The service refused the request. Try again; if it happens again, contact VNPT SmartCA support (18001260).");
    }
}

static GError *
new_error (EnrServiceError  code,
           guint            status,
           const char      *technical)
{
  g_info ("service error %d: HTTP %u %s", code, status, technical ? technical : "");
  return g_error_new_literal (ENR_SERVICE_ERROR, code, enr_service_error_message (code));
}

static const char *
string_member (JsonObject *body,
               const char *name)
{
  JsonNode *node;

  if (body == NULL || (node = json_object_get_member (body, name)) == NULL ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static EnrServiceError
code_for_status (guint status)
{
  if (status == 401)
    return ENR_SERVICE_ERROR_LOGIN_EXPIRED;
  if (status == 429 || status >= 500)
    return ENR_SERVICE_ERROR_UNAVAILABLE;
  if (status == 404)
    return ENR_SERVICE_ERROR_NOT_FOUND;
  if (status == 409)
    return ENR_SERVICE_ERROR_WRONG_STATE;
  return ENR_SERVICE_ERROR_FAILED;
}

GError *
enr_service_error_from_oauth (guint       status,
                              JsonObject *body)
{
  static const struct { const char *error; EnrServiceError code; } map[] = {
    { "invalid_grant",               ENR_SERVICE_ERROR_WRONG_PASSWORD },
    { "account_locked",              ENR_SERVICE_ERROR_ACCOUNT_LOCKED },
    { "invalid_otp",                 ENR_SERVICE_ERROR_OTP_WRONG },
    { "expired_token",               ENR_SERVICE_ERROR_OTP_EXPIRED },
    { "authorization_pending",       ENR_SERVICE_ERROR_LOGIN_PENDING },
    { "slow_down",                   ENR_SERVICE_ERROR_LOGIN_PENDING },
    { "access_denied",               ENR_SERVICE_ERROR_LOGIN_DENIED },
    { "invalid_token",               ENR_SERVICE_ERROR_LOGIN_EXPIRED },
    { "identity_level_insufficient", ENR_SERVICE_ERROR_IDENTITY_LEVEL },
    { "consent_required",            ENR_SERVICE_ERROR_CONSENT_REQUIRED },
    { "not_found",                   ENR_SERVICE_ERROR_NOT_FOUND },
    { "temporarily_unavailable",     ENR_SERVICE_ERROR_UNAVAILABLE },
    { "server_error",                ENR_SERVICE_ERROR_UNAVAILABLE },
  };
  const char *error = string_member (body, "error");

  if (error != NULL)
    for (guint i = 0; i < G_N_ELEMENTS (map); i++)
      if (g_str_equal (error, map[i].error))
        return new_error (map[i].code, status, error);

  return new_error (code_for_status (status), status, error);
}

GError *
enr_service_error_from_envelope (guint       status,
                                 JsonObject *body)
{
  static const struct { gint64 code; EnrServiceError error; } map[] = {
    { 40100, ENR_SERVICE_ERROR_LOGIN_EXPIRED },
    { 40900, ENR_SERVICE_ERROR_WRONG_STATE },
    { 42900, ENR_SERVICE_ERROR_TOO_SOON },
    { 44000, ENR_SERVICE_ERROR_OTP_WRONG },
    { 44001, ENR_SERVICE_ERROR_OTP_EXPIRED },
    { 44002, ENR_SERVICE_ERROR_OTP_LOCKED },
    { 44003, ENR_SERVICE_ERROR_HASH_MISMATCH },
    { 45000, ENR_SERVICE_ERROR_SAD_INVALID },
    { 45001, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED },
    { 50000, ENR_SERVICE_ERROR_UNAVAILABLE },
    { 50300, ENR_SERVICE_ERROR_UNAVAILABLE },
    { 60000, ENR_SERVICE_ERROR_NOT_FOUND },
    { 62000, ENR_SERVICE_ERROR_NOT_FOUND },
  };
  JsonNode *node = body ? json_object_get_member (body, "code") : NULL;
  const char *desc = string_member (body, "codeDesc");

  if (node != NULL && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 code = json_node_get_int (node);

      for (guint i = 0; i < G_N_ELEMENTS (map); i++)
        if (map[i].code == code)
          return new_error (map[i].error, status, desc);
    }

  return new_error (code_for_status (status), status, desc);
}

gint64
enr_service_error_reply_int (JsonObject *body,
                             const char *oauth_field,
                             const char *envelope_field)
{
  JsonNode *node = NULL;

  if (body == NULL)
    return -1;

  if (oauth_field != NULL)
    node = json_object_get_member (body, oauth_field);

  if (node == NULL && envelope_field != NULL)
    {
      JsonNode *content = json_object_get_member (body, "content");

      if (content != NULL && JSON_NODE_HOLDS_OBJECT (content))
        node = json_object_get_member (json_node_get_object (content), envelope_field);
    }

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (node);
}

#define REFUSAL_KEY "enr-refusal"

static void
enr_refusal_free (EnrRefusal *refusal)
{
  g_free (refusal->state);
  g_free (refusal);
}

EnrRefusal *
enr_refusal_attach (GTask *task)
{
  EnrRefusal *refusal = g_new0 (EnrRefusal, 1);

  g_return_val_if_fail (G_IS_TASK (task), NULL);

  refusal->attempts_left = -1;
  refusal->retry_after_s = -1;
  g_object_set_data_full (G_OBJECT (task), REFUSAL_KEY, refusal,
                          (GDestroyNotify) enr_refusal_free);
  return refusal;
}

const EnrRefusal *
enr_refusal_get (GAsyncResult *result)
{
  static const EnrRefusal nothing_said = { -1, -1, FALSE, NULL };
  const EnrRefusal *refusal;

  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), &nothing_said);

  refusal = g_object_get_data (G_OBJECT (result), REFUSAL_KEY);
  return refusal != NULL ? refusal : &nothing_said;
}
