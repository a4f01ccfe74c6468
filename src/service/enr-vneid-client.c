/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-vneid-client"

#include "config.h"

#include <string.h>

#include "enr-json.h"
#include "enr-secure.h"
#include "enr-service-error.h"
#include "enr-vneid-client.h"

#define CLIENT_ID "smartca-enroll"

struct _EnrVneidClient
{
  GObject  parent_instance;

  EnrHttp *http;
  char    *base_url;
  char    *access_token;
};

G_DEFINE_FINAL_TYPE (EnrVneidClient, enr_vneid_client, G_TYPE_OBJECT)

/* What one call found out besides its result. */
typedef struct _CallData CallData;

/* Turns a reply into the call's result, or sets @error. */
typedef gpointer (*ReplyHandler) (EnrHttpReply *reply,
                                  CallData     *data,
                                  GError      **error);

struct _CallData
{
  ReplyHandler   handle;
  GDestroyNotify free_result;
};

static void
enr_vneid_client_finalize (GObject *object)
{
  EnrVneidClient *self = ENR_VNEID_CLIENT (object);

  g_clear_object (&self->http);
  g_free (self->base_url);
  enr_secure_clear_string (&self->access_token);

  G_OBJECT_CLASS (enr_vneid_client_parent_class)->finalize (object);
}

static void
enr_vneid_client_class_init (EnrVneidClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enr_vneid_client_finalize;
}

static void
enr_vneid_client_init (EnrVneidClient *self)
{
}

EnrVneidClient *
enr_vneid_client_new (EnrHttp    *http,
                      const char *base_url)
{
  EnrVneidClient *self;
  gsize len;

  g_return_val_if_fail (ENR_IS_HTTP (http), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (ENR_TYPE_VNEID_CLIENT, NULL);
  self->http = g_object_ref (http);
  len = strlen (base_url);
  while (len > 0 && base_url[len - 1] == '/')
    len--;
  self->base_url = g_strndup (base_url, len);
  return self;
}

void
enr_vneid_client_set_access_token (EnrVneidClient *self,
                                   const char     *token)
{
  g_return_if_fail (ENR_IS_VNEID_CLIENT (self));

  enr_secure_clear_string (&self->access_token);
  self->access_token = g_strdup (token);
}

gboolean
enr_vneid_client_has_access_token (EnrVneidClient *self)
{
  g_return_val_if_fail (ENR_IS_VNEID_CLIENT (self), FALSE);
  return self->access_token != NULL;
}

static EnrHttpCall *
new_call (EnrVneidClient *self,
          const char     *method,
          const char     *path)
{
  g_autofree char *url = g_strconcat (self->base_url, "/", path, NULL);
  EnrHttpCall *call = enr_http_call_new (method, url);

  if (g_str_has_prefix (path, "api/"))
    enr_http_call_set_bearer (call, self->access_token);
  return call;
}

static void
call_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CallData *data = g_task_get_task_data (task);
  g_autoptr(EnrHttpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  gpointer value;

  reply = enr_http_send_finish (ENR_HTTP (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  value = data->handle (reply, data, &error);
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, data->free_result);
}

/* Takes @call. */
static void
send_call (EnrVneidClient      *self,
           EnrHttpCall         *call,
           ReplyHandler         handle,
           GDestroyNotify       free_result,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  CallData *data = g_new0 (CallData, 1);

  g_task_set_source_tag (task, source_tag);
  data->handle = handle;
  data->free_result = free_result;
  g_task_set_task_data (task, data, g_free);

  enr_http_send_async (self->http, call, cancellable, call_sent_cb, g_steal_pointer (&task));
}

static gpointer
finish_call (EnrVneidClient  *self,
             GAsyncResult    *result,
             gpointer         source_tag,
             GError         **error)
{
  g_return_val_if_fail (ENR_IS_VNEID_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static const char *
oauth_error_name (EnrHttpReply *reply)
{
  JsonObject *object = enr_http_reply_get_object (reply);

  if (object == NULL || !json_object_has_member (object, "error"))
    return "";
  return json_object_get_string_member_with_default (object, "error", "");
}

static gpointer
service_error (EnrHttpReply     *reply,
               EnrServiceError   code,
               GError          **error)
{
  g_propagate_error (error, enr_service_error_new (code, NULL));
  return NULL;
}

static gpointer
refusal (EnrHttpReply  *reply,
         GError       **error)
{
  g_propagate_error (error, enr_service_error_from_oauth (reply->status,
                                                          enr_http_reply_get_object (reply)));
  return NULL;
}

/* --- Step 1a: the QR login -------------------------------------------- */

static gpointer
handle_device_authorization (EnrHttpReply *reply,
                             CallData     *data,
                             GError      **error)
{
  if (reply->status != 200)
    return refusal (reply, error);
  return enr_device_authorization_parse (enr_http_reply_get_object (reply), error);
}

void
enr_vneid_client_start_device_login_async (EnrVneidClient      *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  EnrHttpCall *call;

  g_return_if_fail (ENR_IS_VNEID_CLIENT (self));

  call = new_call (self, "POST", "oauth/device_authorization");
  enr_http_call_set_form (call, "client_id", CLIENT_ID, "scope", "openid profile smartca", NULL);
  send_call (self, call, handle_device_authorization,
             (GDestroyNotify) enr_device_authorization_free,
             enr_vneid_client_start_device_login_async, cancellable, callback, user_data);
}

EnrDeviceAuthorization *
enr_vneid_client_start_device_login_finish (EnrVneidClient  *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  return finish_call (self, result, enr_vneid_client_start_device_login_async, error);
}

static gpointer
handle_device_token (EnrHttpReply *reply,
                     CallData     *data,
                     GError      **error)
{
  const char *name;

  if (reply->status == 200)
    return enr_vneid_tokens_parse (enr_http_reply_get_object (reply), error);

  name = oauth_error_name (reply);
  /* Pending, or polled too soon (the error says slow_down). */
  if (g_str_equal (name, "authorization_pending") || g_str_equal (name, "slow_down"))
    return refusal (reply, error);
  /* A code that expired, or was already used: only a new one helps. */
  if (g_str_equal (name, "expired_token") || g_str_equal (name, "invalid_grant"))
    return service_error (reply, ENR_SERVICE_ERROR_LOGIN_CODE_EXPIRED, error);
  return refusal (reply, error);
}

void
enr_vneid_client_poll_device_login_async (EnrVneidClient      *self,
                                          const char          *device_code,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  EnrHttpCall *call;

  g_return_if_fail (ENR_IS_VNEID_CLIENT (self));
  g_return_if_fail (device_code != NULL);

  call = new_call (self, "POST", "oauth/token");
  enr_http_call_set_form (call,
                          "grant_type", "urn:ietf:params:oauth:grant-type:device_code",
                          "device_code", device_code,
                          "client_id", CLIENT_ID,
                          NULL);
  send_call (self, call, handle_device_token, (GDestroyNotify) enr_vneid_tokens_free,
             enr_vneid_client_poll_device_login_async, cancellable, callback, user_data);
}

EnrVneidTokens *
enr_vneid_client_poll_device_login_finish (EnrVneidClient  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  return finish_call (self, result, enr_vneid_client_poll_device_login_async, error);
}

/* --- Step 1b: password and OTP ------------------------------------------ */

static gpointer
handle_password (EnrHttpReply *reply,
                 CallData     *data,
                 GError      **error)
{
  JsonObject *object = enr_http_reply_get_object (reply);
  const char *name = oauth_error_name (reply);

  /* The password was right: VNeID asks for the OTP it just sent. */
  if (reply->status == 401 && g_str_equal (name, "otp_required"))
    return enr_otp_challenge_parse (object, error);

  if (reply->status == 200)
    return service_error (reply, ENR_SERVICE_ERROR_MALFORMED_REPLY, error);

  return refusal (reply, error);
}

void
enr_vneid_client_password_login_async (EnrVneidClient      *self,
                                       const char          *citizen_id,
                                       const char          *password,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  EnrHttpCall *call;

  g_return_if_fail (ENR_IS_VNEID_CLIENT (self));
  g_return_if_fail (citizen_id != NULL);
  g_return_if_fail (password != NULL);

  call = new_call (self, "POST", "oauth/token");
  enr_http_call_set_form (call,
                          "grant_type", "password",
                          "username", citizen_id,
                          "password", password,
                          "client_id", CLIENT_ID,
                          NULL);
  enr_http_call_set_retry (call, ENR_HTTP_RETRY_SECRET);
  send_call (self, call, handle_password, (GDestroyNotify) enr_otp_challenge_free,
             enr_vneid_client_password_login_async, cancellable, callback, user_data);
}

EnrOtpChallenge *
enr_vneid_client_password_login_finish (EnrVneidClient  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return finish_call (self, result, enr_vneid_client_password_login_async, error);
}

static gpointer
handle_otp (EnrHttpReply *reply,
            CallData     *data,
            GError      **error)
{
  if (reply->status == 200)
    return enr_vneid_tokens_parse (enr_http_reply_get_object (reply), error);

  return refusal (reply, error);
}

void
enr_vneid_client_otp_login_async (EnrVneidClient      *self,
                                  const char          *otp_session,
                                  const char          *otp,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  EnrHttpCall *call;

  g_return_if_fail (ENR_IS_VNEID_CLIENT (self));
  g_return_if_fail (otp_session != NULL);
  g_return_if_fail (otp != NULL);

  call = new_call (self, "POST", "oauth/token");
  enr_http_call_set_form (call,
                          "grant_type", "urn:vneid:params:oauth:grant-type:otp",
                          "otp_session", otp_session,
                          "otp", otp,
                          "client_id", CLIENT_ID,
                          NULL);
  enr_http_call_set_retry (call, ENR_HTTP_RETRY_SECRET);
  send_call (self, call, handle_otp, (GDestroyNotify) enr_vneid_tokens_free,
             enr_vneid_client_otp_login_async, cancellable, callback, user_data);
}

EnrVneidTokens *
enr_vneid_client_otp_login_finish (EnrVneidClient  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return finish_call (self, result, enr_vneid_client_otp_login_async, error);
}

/* --- Steps 1-2: identity and registration -------------------------------- */

static gpointer
handle_identity (EnrHttpReply *reply,
                 CallData     *data,
                 GError      **error)
{
  if (reply->status != 200)
    return refusal (reply, error);
  return enr_identity_parse (enr_http_reply_get_object (reply), error);
}

void
enr_vneid_client_get_identity_async (EnrVneidClient      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (ENR_IS_VNEID_CLIENT (self));

  send_call (self, new_call (self, "GET", "api/v1/userinfo"), handle_identity,
             (GDestroyNotify) enr_identity_free, enr_vneid_client_get_identity_async,
             cancellable, callback, user_data);
}

EnrIdentity *
enr_vneid_client_get_identity_finish (EnrVneidClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return finish_call (self, result, enr_vneid_client_get_identity_async, error);
}

static gpointer
handle_registration (EnrHttpReply *reply,
                     CallData     *data,
                     GError      **error)
{
  /* 201 for a new registration, 200 for the one the citizen already has. */
  if (reply->status != 200 && reply->status != 201)
    return refusal (reply, error);
  return enr_registration_parse (enr_http_reply_get_object (reply), error);
}

void
enr_vneid_client_register_async (EnrVneidClient      *self,
                                 const char          *terms_version,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  EnrHttpCall *call;
  JsonNode *consent;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *key = g_uuid_string_random ();

  g_return_if_fail (ENR_IS_VNEID_CLIENT (self));
  g_return_if_fail (terms_version != NULL);

  consent = enr_json_object_new ("b:share_identity", TRUE, "terms_version", terms_version, NULL);
  body = enr_json_object_new ("service_pack", "SMARTCA_PERSONAL_FREE", "o:consent", consent, NULL);

  call = new_call (self, "POST", "api/v1/smartca/registrations");
  enr_http_call_set_json (call, body);
  /* The key makes the call safe to repeat: never a second registration. */
  enr_http_call_set_idempotency_key (call, key);
  send_call (self, call, handle_registration, (GDestroyNotify) enr_registration_free,
             enr_vneid_client_register_async, cancellable, callback, user_data);
}

EnrRegistration *
enr_vneid_client_register_finish (EnrVneidClient  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  return finish_call (self, result, enr_vneid_client_register_async, error);
}

void
enr_vneid_client_get_registration_async (EnrVneidClient      *self,
                                         const char          *registration_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (ENR_IS_VNEID_CLIENT (self));
  g_return_if_fail (registration_id != NULL);

  escaped = g_uri_escape_string (registration_id, NULL, FALSE);
  path = g_strconcat ("api/v1/smartca/registrations/", escaped, NULL);
  send_call (self, new_call (self, "GET", path), handle_registration,
             (GDestroyNotify) enr_registration_free, enr_vneid_client_get_registration_async,
             cancellable, callback, user_data);
}

EnrRegistration *
enr_vneid_client_get_registration_finish (EnrVneidClient  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return finish_call (self, result, enr_vneid_client_get_registration_async, error);
}

static gpointer
handle_handoff (EnrHttpReply *reply,
                CallData     *data,
                GError      **error)
{
  char *code = NULL;

  if (reply->status != 200)
    return refusal (reply, error);
  if (!enr_json_read_string (enr_http_reply_get_object (reply), "code", FALSE, &code, error))
    return NULL;
  return code;
}

static void
free_code (gpointer code)
{
  char *text = code;

  enr_secure_clear_string (&text);
}

void
enr_vneid_client_handoff_async (EnrVneidClient      *self,
                                const char          *registration_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (ENR_IS_VNEID_CLIENT (self));
  g_return_if_fail (registration_id != NULL);

  escaped = g_uri_escape_string (registration_id, NULL, FALSE);
  path = g_strconcat ("api/v1/smartca/registrations/", escaped, "/handoff", NULL);
  /* Safe to repeat: every code leads to the same enrollment. */
  send_call (self, new_call (self, "POST", path), handle_handoff, free_code,
             enr_vneid_client_handoff_async, cancellable, callback, user_data);
}

char *
enr_vneid_client_handoff_finish (EnrVneidClient  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  return finish_call (self, result, enr_vneid_client_handoff_async, error);
}

static gpointer
handle_revoke (EnrHttpReply *reply,
               CallData     *data,
               GError      **error)
{
  if (reply->status != 200)
    return refusal (reply, error);
  return GINT_TO_POINTER (TRUE);
}

void
enr_vneid_client_revoke_async (EnrVneidClient      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  EnrHttpCall *call;

  g_return_if_fail (ENR_IS_VNEID_CLIENT (self));

  call = new_call (self, "POST", "oauth/revoke");
  enr_http_call_set_form (call, "token", self->access_token ? self->access_token : "",
                          "client_id", CLIENT_ID, NULL);
  /* Forgotten now: whatever the service answers, this program is done with it. */
  enr_secure_clear_string (&self->access_token);
  send_call (self, call, handle_revoke, NULL, enr_vneid_client_revoke_async,
             cancellable, callback, user_data);
}

gboolean
enr_vneid_client_revoke_finish (EnrVneidClient  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  return finish_call (self, result, enr_vneid_client_revoke_async, error) != NULL;
}
