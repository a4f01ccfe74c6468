/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-service-error"

#include "config.h"

#include "enr-service-error.h"

typedef EnrServiceErrorDetails EnrServiceErrorPrivate;

/* GLib hands these the error's private part, which is never NULL; the
 * checks only tell the compiler so (-Wnull-dereference). */
static void
enr_service_error_private_init (EnrServiceErrorPrivate *priv)
{
  if (priv == NULL)
    return;
  priv->attempts_left = -1;
  priv->retry_after_s = -1;
}

static void
enr_service_error_private_copy (const EnrServiceErrorPrivate *src,
                                EnrServiceErrorPrivate       *dest)
{
  if (src == NULL || dest == NULL)
    return;
  *dest = *src;
  dest->state = g_strdup (src->state);
}

static void
enr_service_error_private_clear (EnrServiceErrorPrivate *priv)
{
  if (priv != NULL)
    g_clear_pointer (&priv->state, g_free);
}

G_DEFINE_EXTENDED_ERROR (EnrServiceError, enr_service_error)

const char *
enr_service_error_message (EnrServiceError code)
{
  static const char * const messages[] = {
    [ENR_SERVICE_ERROR_NOT_CONFIGURED] = "no service is configured",
    [ENR_SERVICE_ERROR_NO_NETWORK] = "the service cannot be reached",
    [ENR_SERVICE_ERROR_UNAVAILABLE] = "the service is unavailable",
    [ENR_SERVICE_ERROR_TIMEOUT] = "the service did not answer in time",
    [ENR_SERVICE_ERROR_TLS_UNTRUSTED] = "the server's certificate is not trusted",
    [ENR_SERVICE_ERROR_MALFORMED_REPLY] = "the reply is not what PROTOCOL.md says",
    [ENR_SERVICE_ERROR_LOGIN_EXPIRED] = "the login expired and could not be renewed",
    [ENR_SERVICE_ERROR_WRONG_PASSWORD] = "wrong citizen ID or password",
    [ENR_SERVICE_ERROR_ACCOUNT_LOCKED] = "the VNeID account is locked",
    [ENR_SERVICE_ERROR_OTP_WRONG] = "wrong OTP",
    [ENR_SERVICE_ERROR_OTP_EXPIRED] = "the OTP or its session expired",
    [ENR_SERVICE_ERROR_OTP_LOCKED] = "too many wrong OTPs",
    [ENR_SERVICE_ERROR_TOO_SOON] = "asked again too soon",
    [ENR_SERVICE_ERROR_LOGIN_PENDING] = "the device login is not approved yet",
    [ENR_SERVICE_ERROR_LOGIN_DENIED] = "the device login was denied",
    [ENR_SERVICE_ERROR_LOGIN_CODE_EXPIRED] = "the device code expired",
    [ENR_SERVICE_ERROR_IDENTITY_LEVEL] = "the identity level is insufficient",
    [ENR_SERVICE_ERROR_CONSENT_REQUIRED] = "consent is required",
    [ENR_SERVICE_ERROR_WRONG_STATE] = "the service is at another state",
    [ENR_SERVICE_ERROR_NOT_FOUND] = "not found",
    [ENR_SERVICE_ERROR_HASH_MISMATCH] = "the document hash does not match",
    [ENR_SERVICE_ERROR_SAD_INVALID] = "the SAD was refused",
    [ENR_SERVICE_ERROR_CHALLENGE_EXPIRED] = "the challenge expired",
    [ENR_SERVICE_ERROR_REJECTED] = "the registration was rejected",
    [ENR_SERVICE_ERROR_FAILED] = "the service refused the request",
    [ENR_SERVICE_ERROR_TRANSACTION_REJECTED] = "the transaction was rejected",
    [ENR_SERVICE_ERROR_OTHER_CITIZEN] = "the login names another citizen",
    [ENR_SERVICE_ERROR_PIN_WRONG] = "the PIN verifier was refused",
    [ENR_SERVICE_ERROR_PIN_LOCKED] = "the PIN guard is locked",
    [ENR_SERVICE_ERROR_FRESH_LOGIN_REQUIRED] = "a fresh VNeID login is required",
    [ENR_SERVICE_ERROR_INCOMPLETE_INSTALLATION] =
      "this program's HTTP module cannot be loaded: its installation is incomplete",
  };

  if ((guint) code < G_N_ELEMENTS (messages) && messages[code] != NULL)
    return messages[code];
  return messages[ENR_SERVICE_ERROR_FAILED];
}

const EnrServiceErrorDetails *
enr_service_error_get_details (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != ENR_SERVICE_ERROR)
    return NULL;
  return enr_service_error_get_private (error);
}

GError *
enr_service_error_new (EnrServiceError  code,
                       const char      *technical)
{
  if (technical == NULL || *technical == '\0')
    return g_error_new_literal (ENR_SERVICE_ERROR, code, enr_service_error_message (code));
  return g_error_new (ENR_SERVICE_ERROR, code, "%s: %s", enr_service_error_message (code),
                      technical);
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

static gint64
int_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (node);
}

static GError *
new_error (EnrServiceError  code,
           guint            status,
           const char      *technical)
{
  g_autofree char *detail = g_strdup_printf ("HTTP %u %s", status,
                                             technical != NULL ? technical : "");

  g_info ("service error %d: %s", code, detail);
  return enr_service_error_new (code, detail);
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
    { "invalid_request",             ENR_SERVICE_ERROR_FAILED },
    { "temporarily_unavailable",     ENR_SERVICE_ERROR_UNAVAILABLE },
    { "server_error",                ENR_SERVICE_ERROR_UNAVAILABLE },
  };
  const char *name = string_member (body, "error");
  EnrServiceError code = code_for_status (status);
  EnrServiceErrorPrivate *details;
  GError *error;

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (name, map[i].error))
      {
        code = map[i].code;
        break;
      }

  error = new_error (code, status, name);
  details = enr_service_error_get_private (error);
  g_assert (details != NULL);
  details->attempts_left = int_member (body, "attempts_left");
  details->retry_after_s = int_member (body, "retry_after");
  details->slow_down = g_strcmp0 (name, "slow_down") == 0;
  return error;
}

GError *
enr_service_error_from_envelope (guint       status,
                                 JsonObject *body)
{
  static const struct { gint64 code; EnrServiceError error; } map[] = {
    { 40100, ENR_SERVICE_ERROR_LOGIN_EXPIRED },
    { 40300, ENR_SERVICE_ERROR_FRESH_LOGIN_REQUIRED },
    { 40900, ENR_SERVICE_ERROR_WRONG_STATE },
    { 42900, ENR_SERVICE_ERROR_TOO_SOON },
    { 44000, ENR_SERVICE_ERROR_OTP_WRONG },
    { 44001, ENR_SERVICE_ERROR_OTP_EXPIRED },
    { 44002, ENR_SERVICE_ERROR_OTP_LOCKED },
    { 44003, ENR_SERVICE_ERROR_HASH_MISMATCH },
    { 45000, ENR_SERVICE_ERROR_SAD_INVALID },
    { 45001, ENR_SERVICE_ERROR_CHALLENGE_EXPIRED },
    { 46000, ENR_SERVICE_ERROR_PIN_WRONG },
    { 46001, ENR_SERVICE_ERROR_PIN_LOCKED },
    { 50000, ENR_SERVICE_ERROR_UNAVAILABLE },
    { 50300, ENR_SERVICE_ERROR_UNAVAILABLE },
    { 60000, ENR_SERVICE_ERROR_NOT_FOUND },
    { 62000, ENR_SERVICE_ERROR_NOT_FOUND },
  };
  gint64 number = int_member (body, "code");
  EnrServiceError code = code_for_status (status);
  JsonNode *content = body != NULL ? json_object_get_member (body, "content") : NULL;
  JsonObject *detail = content != NULL && JSON_NODE_HOLDS_OBJECT (content)
                       ? json_node_get_object (content) : NULL;
  EnrServiceErrorPrivate *details;
  GError *error;

  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (map[i].code == number)
      {
        code = map[i].error;
        break;
      }

  error = new_error (code, status, string_member (body, "codeDesc"));
  details = enr_service_error_get_private (error);
  g_assert (details != NULL);
  details->attempts_left = int_member (detail, "attemptsLeft");
  details->retry_after_s = int_member (detail, "retryAfter");
  details->state = g_strdup (string_member (detail, "state"));
  return error;
}
