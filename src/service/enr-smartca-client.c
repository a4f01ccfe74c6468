/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-smartca-client"

#include "config.h"

#include <string.h>

#include "enr-json.h"
#include "enr-secure.h"
#include "enr-service-error.h"
#include "enr-smartca-client.h"

#define CLIENT_ID "smartca-enroll"

struct _EnrSmartcaClient
{
  GObject    parent_instance;

  EnrHttp   *http;
  char      *base_url;
  char      *access_token;
  char      *refresh_token;
  /* Calls refused with 401 that wait for the one renewal under way. */
  GPtrArray *renewal_waiters;
};

G_DEFINE_FINAL_TYPE (EnrSmartcaClient, enr_smartca_client, G_TYPE_OBJECT)

enum {
  TOKENS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef gpointer (*ContentParser) (JsonNode  *content,
                                   GError   **error);

/* One resource call, kept whole so that it can be sent again after a renewal. */
typedef struct
{
  char          *path;
  JsonNode      *body;
  char          *idempotency_key;
  EnrHttpRetry   retry;
  ContentParser  parse;
  GDestroyNotify free_result;
  gboolean       renewed;
  gboolean       secret;     /* the body's strings hold a PIN verifier or an OTP */
} CallData;

/* Overwrites the text of every string member of @body where json-glib
 * keeps it: a PIN verifier is a secret like the PIN. */
static void
wipe_strings (JsonNode *body)
{
  g_autoptr(GList) members = NULL;
  JsonObject *object;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return;
  object = json_node_get_object (body);
  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (object, l->data);

      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          char *text = (char *) json_node_get_string (node);

          enr_secure_wipe (text, strlen (text));
        }
    }
}

static void
call_data_free (CallData *data)
{
  g_free (data->path);
  if (data->secret)
    wipe_strings (data->body);
  g_clear_pointer (&data->body, json_node_unref);
  g_free (data->idempotency_key);
  g_free (data);
}

static void
enr_smartca_client_finalize (GObject *object)
{
  EnrSmartcaClient *self = ENR_SMARTCA_CLIENT (object);

  g_assert (self->renewal_waiters->len == 0);
  g_ptr_array_unref (self->renewal_waiters);
  g_clear_object (&self->http);
  g_free (self->base_url);
  enr_secure_clear_string (&self->access_token);
  enr_secure_clear_string (&self->refresh_token);

  G_OBJECT_CLASS (enr_smartca_client_parent_class)->finalize (object);
}

static void
enr_smartca_client_class_init (EnrSmartcaClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enr_smartca_client_finalize;

  /**
   * EnrSmartcaClient::tokens-changed:
   *
   * New tokens were issued (an exchanged code or a renewal): the refresh
   * token that was stored is void from now on.
   */
  signals[TOKENS_CHANGED] = g_signal_new ("tokens-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
enr_smartca_client_init (EnrSmartcaClient *self)
{
  self->renewal_waiters = g_ptr_array_new ();
}

EnrSmartcaClient *
enr_smartca_client_new (EnrHttp    *http,
                        const char *base_url)
{
  EnrSmartcaClient *self;
  gsize len;

  g_return_val_if_fail (ENR_IS_HTTP (http), NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  self = g_object_new (ENR_TYPE_SMARTCA_CLIENT, NULL);
  self->http = g_object_ref (http);
  len = strlen (base_url);
  while (len > 0 && base_url[len - 1] == '/')
    len--;
  self->base_url = g_strndup (base_url, len);
  return self;
}

void
enr_smartca_client_set_tokens (EnrSmartcaClient *self,
                               const char       *access_token,
                               const char       *refresh_token)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));

  enr_secure_clear_string (&self->access_token);
  enr_secure_clear_string (&self->refresh_token);
  self->access_token = g_strdup (access_token);
  self->refresh_token = g_strdup (refresh_token);
}

gboolean
enr_smartca_client_has_tokens (EnrSmartcaClient *self)
{
  g_return_val_if_fail (ENR_IS_SMARTCA_CLIENT (self), FALSE);
  return self->refresh_token != NULL || self->access_token != NULL;
}

char *
enr_smartca_client_dup_refresh_token (EnrSmartcaClient *self)
{
  g_return_val_if_fail (ENR_IS_SMARTCA_CLIENT (self), NULL);
  return g_strdup (self->refresh_token);
}

static char *
url_for (EnrSmartcaClient *self,
         const char       *path)
{
  return g_strconcat (self->base_url, "/", path, NULL);
}

static gpointer
finish_call (EnrSmartcaClient  *self,
             GAsyncResult      *result,
             gpointer           source_tag,
             GError           **error)
{
  g_return_val_if_fail (ENR_IS_SMARTCA_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- Tokens (auth endpoints: form bodies, RFC 6749 errors) -------------- */

static void
token_reply_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSmartcaClient *self = g_task_get_source_object (task);
  g_autoptr(EnrHttpReply) reply = NULL;
  g_autoptr(EnrSmartcaTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;

  reply = enr_http_send_finish (ENR_HTTP (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (reply->status != 200)
    {
      g_autoptr(GError) refused = enr_service_error_from_oauth (reply->status,
                                                                enr_http_reply_get_object (reply));

      /* An unknown, used or expired code or refresh token: the way on is
       * a new VNeID login, which the session asks for. */
      if (g_error_matches (refused, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_WRONG_PASSWORD))
        g_task_return_error (task, enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED,
                                                          "the code or refresh token is void"));
      else
        g_task_return_error (task, g_steal_pointer (&refused));
      return;
    }

  tokens = enr_smartca_tokens_parse (enr_http_reply_get_object (reply), &error);
  if (tokens == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  enr_smartca_client_set_tokens (self, tokens->access_token, tokens->refresh_token);
  g_signal_emit (self, signals[TOKENS_CHANGED], 0);
  g_task_return_pointer (task, GINT_TO_POINTER (TRUE), NULL);
}

static void
request_tokens (EnrSmartcaClient    *self,
                const char          *grant_type,
                const char          *field,
                const char          *value,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *url = url_for (self, "auth/token");
  EnrHttpCall *call = enr_http_call_new ("POST", url);

  g_task_set_source_tag (task, source_tag);
  enr_http_call_set_form (call, "grant_type", grant_type, field, value,
                          "client_id", CLIENT_ID, NULL);
  /* A code or a refresh token is good once: sent again after a lost
   * answer, it would only be refused. */
  enr_http_call_set_retry (call, ENR_HTTP_RETRY_SECRET);
  enr_http_send_async (self->http, call, cancellable, token_reply_cb, g_steal_pointer (&task));
}

void
enr_smartca_client_exchange_code_async (EnrSmartcaClient    *self,
                                        const char          *code,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (code != NULL);

  request_tokens (self, "authorization_code", "code", code,
                  enr_smartca_client_exchange_code_async, cancellable, callback, user_data);
}

gboolean
enr_smartca_client_exchange_code_finish (EnrSmartcaClient  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  return finish_call (self, result, enr_smartca_client_exchange_code_async, error) != NULL;
}

static void send_resource (GTask *task);

static void
renewal_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  EnrSmartcaClient *self = ENR_SMARTCA_CLIENT (object);
  g_autoptr(GPtrArray) waiters = NULL;
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_pointer (G_TASK (result), &error) == NULL &&
      g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_EXPIRED))
    enr_smartca_client_set_tokens (self, NULL, NULL);

  waiters = g_steal_pointer (&self->renewal_waiters);
  self->renewal_waiters = g_ptr_array_new ();

  for (guint i = 0; i < waiters->len; i++)
    {
      g_autoptr(GTask) task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        send_resource (g_steal_pointer (&task));
    }
}

/* Takes @task: it is sent again once the one renewal under way is done. */
static void
renew_then_resend (EnrSmartcaClient *self,
                   GTask            *task)
{
  g_ptr_array_add (self->renewal_waiters, task);
  if (self->renewal_waiters->len > 1)
    return;

  g_debug ("access token refused: renewing it");
  /* Not cancellable by one waiter: the others need the renewal too. */
  request_tokens (self, "refresh_token", "refresh_token", self->refresh_token,
                  renew_then_resend, NULL, renewal_done_cb, NULL);
}

/* --- Resource calls (JSON bodies, the VNPT envelope) --------------------- */

static void
resource_reply_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrSmartcaClient *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  g_autoptr(EnrHttpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *envelope;
  JsonNode *content;
  gpointer value;

  reply = enr_http_send_finish (ENR_HTTP (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  envelope = enr_http_reply_get_object (reply);

  if (reply->status == 401 && !data->renewed && self->refresh_token != NULL)
    {
      data->renewed = TRUE;
      renew_then_resend (self, g_steal_pointer (&task));
      return;
    }

  if (reply->status != 200)
    {
      g_task_return_error (task, enr_service_error_from_envelope (reply->status, envelope));
      return;
    }

  content = enr_json_envelope_content (envelope, &error);
  value = content ? data->parse (content, &error) : NULL;
  if (value == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, value, data->free_result);
}

static void
send_resource (GTask *task)
{
  EnrSmartcaClient *self = g_task_get_source_object (task);
  CallData *data = g_task_get_task_data (task);
  g_autofree char *url = url_for (self, data->path);
  EnrHttpCall *call = enr_http_call_new ("POST", url);

  enr_http_call_set_json (call, data->body);
  enr_http_call_set_bearer (call, self->access_token);
  enr_http_call_set_idempotency_key (call, data->idempotency_key);
  enr_http_call_set_retry (call, data->retry);
  enr_http_send_async (self->http, call, g_task_get_cancellable (task), resource_reply_cb, task);
}

/*
 * Sends a SmartCA resource call. Takes @body (NULL: "{}"). A call with
 * @keyed TRUE carries an Idempotency-Key, the same through every resend.
 */
static void
resource_call (EnrSmartcaClient    *self,
               const char          *path,
               JsonNode            *body,
               EnrHttpRetry         retry,
               gboolean             keyed,
               ContentParser        parse,
               GDestroyNotify       free_result,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  CallData *data = g_new0 (CallData, 1);

  g_task_set_source_tag (task, source_tag);
  data->path = g_strdup (path);
  data->body = body ? body : enr_json_object_new (NULL, NULL);
  data->idempotency_key = keyed ? g_uuid_string_random () : NULL;
  data->retry = retry;
  data->parse = parse;
  data->free_result = free_result;
  data->secret = retry == ENR_HTTP_RETRY_SECRET || keyed;
  g_task_set_task_data (task, data, (GDestroyNotify) call_data_free);

  send_resource (task);
}

/* Contents that carry nothing the caller needs beyond a valid state. */
static gpointer
parse_state_only (JsonNode  *content,
                  GError   **error)
{
  EnrEnrollmentState state;
  g_autofree char *text = NULL;

  if (content == NULL || !JSON_NODE_HOLDS_OBJECT (content))
    {
      enr_json_malformed (error, "content", "is not an object");
      return NULL;
    }
  if (!enr_json_read_string (json_node_get_object (content), "state", FALSE, &text, error))
    return NULL;
  if (!enr_enrollment_state_from_string (text, &state))
    {
      enr_json_malformed (error, "state", "is not a known state");
      return NULL;
    }
  return GINT_TO_POINTER (TRUE);
}

static gpointer
parse_credential_list (JsonNode  *content,
                       GError   **error)
{
  return enr_credential_list_parse (content, error);
}

#define SAFE   ENR_HTTP_RETRY_SAFE
#define SECRET ENR_HTTP_RETRY_SECRET

void
enr_smartca_client_get_user_async (EnrSmartcaClient    *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  resource_call (self, "identityapi/userinfo/info", NULL, SAFE, FALSE,
                 (ContentParser) enr_smartca_user_parse, (GDestroyNotify) enr_smartca_user_free,
                 enr_smartca_client_get_user_async, cancellable, callback, user_data);
}

EnrSmartcaUser *
enr_smartca_client_get_user_finish (EnrSmartcaClient  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  return finish_call (self, result, enr_smartca_client_get_user_async, error);
}

void
enr_smartca_client_get_status_async (EnrSmartcaClient    *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  resource_call (self, "enrollment/status", NULL, SAFE, FALSE,
                 (ContentParser) enr_enrollment_status_parse,
                 (GDestroyNotify) enr_enrollment_status_free,
                 enr_smartca_client_get_status_async, cancellable, callback, user_data);
}

EnrEnrollmentStatus *
enr_smartca_client_get_status_finish (EnrSmartcaClient  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  return finish_call (self, result, enr_smartca_client_get_status_async, error);
}

void
enr_smartca_client_get_contract_async (EnrSmartcaClient    *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  resource_call (self, "enrollment/contract", NULL, SAFE, FALSE,
                 (ContentParser) enr_contract_parse, (GDestroyNotify) enr_contract_free,
                 enr_smartca_client_get_contract_async, cancellable, callback, user_data);
}

EnrContract *
enr_smartca_client_get_contract_finish (EnrSmartcaClient  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  return finish_call (self, result, enr_smartca_client_get_contract_async, error);
}

void
enr_smartca_client_send_contract_otp_async (EnrSmartcaClient    *self,
                                            const char          *contract_id,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (contract_id != NULL);

  /* Not resent after a lost answer: a second SMS would void the first. */
  resource_call (self, "enrollment/contract/otp",
                 enr_json_object_new ("contractId", contract_id, NULL), SECRET, FALSE,
                 (ContentParser) enr_otp_sent_parse, (GDestroyNotify) enr_otp_sent_free,
                 enr_smartca_client_send_contract_otp_async, cancellable, callback, user_data);
}

EnrOtpSent *
enr_smartca_client_send_contract_otp_finish (EnrSmartcaClient  *self,
                                             GAsyncResult      *result,
                                             GError           **error)
{
  return finish_call (self, result, enr_smartca_client_send_contract_otp_async, error);
}

void
enr_smartca_client_sign_contract_async (EnrSmartcaClient    *self,
                                        const char          *contract_id,
                                        const char          *otp,
                                        const char          *hash,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (contract_id != NULL && otp != NULL && hash != NULL);

  resource_call (self, "enrollment/contract/sign",
                 enr_json_object_new ("contractId", contract_id, "otp", otp, "hash", hash, NULL),
                 SECRET, FALSE,
                 (ContentParser) enr_contract_signed_parse,
                 (GDestroyNotify) enr_contract_signed_free,
                 enr_smartca_client_sign_contract_async, cancellable, callback, user_data);
}

EnrContractSigned *
enr_smartca_client_sign_contract_finish (EnrSmartcaClient  *self,
                                         GAsyncResult      *result,
                                         GError           **error)
{
  return finish_call (self, result, enr_smartca_client_sign_contract_async, error);
}

void
enr_smartca_client_activate_async (EnrSmartcaClient    *self,
                                   GBytes              *kak_public_key,
                                   const char          *device_id,
                                   const char          *device_name,
                                   const char          *platform,
                                   GBytes              *pin_verifier,
                                   const char          *otp,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autofree char *spki = NULL;
  g_autoptr(EnrSecureString) verifier = NULL;
  JsonNode *device;
  JsonNode *body;

  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (kak_public_key != NULL && device_id != NULL);
  g_return_if_fail (device_name != NULL && platform != NULL);
  g_return_if_fail (pin_verifier != NULL);

  spki = g_base64_encode (g_bytes_get_data (kak_public_key, NULL),
                          g_bytes_get_size (kak_public_key));
  verifier = g_base64_encode (g_bytes_get_data (pin_verifier, NULL),
                              g_bytes_get_size (pin_verifier));
  device = enr_json_object_new ("deviceId", device_id, "name", device_name,
                                "platform", platform, NULL);
  if (otp != NULL)
    body = enr_json_object_new ("kakPublicKey", spki, "o:device", device,
                                "pinVerifier", verifier, "otp", otp, NULL);
  else
    body = enr_json_object_new ("kakPublicKey", spki, "o:device", device,
                                "pinVerifier", verifier, NULL);

  /* The Idempotency-Key makes even the OTP-bearing call safe to repeat:
   * a repeat returns the first answer and does nothing new. */
  resource_call (self, "enrollment/activate", body, SAFE, TRUE,
                 (ContentParser) enr_activation_parse, (GDestroyNotify) enr_activation_free,
                 enr_smartca_client_activate_async, cancellable, callback, user_data);
}

EnrActivation *
enr_smartca_client_activate_finish (EnrSmartcaClient  *self,
                                    GAsyncResult      *result,
                                    GError           **error)
{
  return finish_call (self, result, enr_smartca_client_activate_async, error);
}

static gpointer
parse_pin_share (JsonNode  *content,
                 GError   **error)
{
  return enr_pin_share_parse (content, error);
}

/* The PIN guard's calls: never sent again after a connection that broke
 * once the request went out, as a resend with a verifier that is no longer
 * right (a change went through) would count as a wrong PIN; the next unlock
 * settles whatever happened. A 401 is answered before anything is compared:
 * that one is sent again after a renewal. */
static void
pin_call (EnrSmartcaClient    *self,
          const char          *path,
          const char          *credential_id,
          GBytes              *pin_verifier,
          GBytes              *new_pin_verifier,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  g_autoptr(EnrSecureString) verifier = NULL;
  g_autoptr(EnrSecureString) new_verifier = NULL;
  JsonNode *body;

  verifier = g_base64_encode (g_bytes_get_data (pin_verifier, NULL),
                              g_bytes_get_size (pin_verifier));
  if (new_pin_verifier != NULL)
    {
      new_verifier = g_base64_encode (g_bytes_get_data (new_pin_verifier, NULL),
                                      g_bytes_get_size (new_pin_verifier));
      body = enr_json_object_new ("credentialId", credential_id, "pinVerifier", verifier,
                                  "newPinVerifier", new_verifier, NULL);
    }
  else
    body = enr_json_object_new ("credentialId", credential_id, "pinVerifier", verifier, NULL);
  resource_call (self, path, body, SECRET, FALSE, parse_pin_share,
                 (GDestroyNotify) g_bytes_unref, source_tag, cancellable, callback, user_data);
}

void
enr_smartca_client_verify_pin_async (EnrSmartcaClient    *self,
                                     const char          *credential_id,
                                     GBytes              *pin_verifier,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (credential_id != NULL && pin_verifier != NULL);

  pin_call (self, "ssa/sic/pin/verify", credential_id, pin_verifier, NULL,
            enr_smartca_client_verify_pin_async, cancellable, callback, user_data);
}

GBytes *
enr_smartca_client_verify_pin_finish (EnrSmartcaClient  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  return finish_call (self, result, enr_smartca_client_verify_pin_async, error);
}

void
enr_smartca_client_change_pin_async (EnrSmartcaClient    *self,
                                     const char          *credential_id,
                                     GBytes              *pin_verifier,
                                     GBytes              *new_pin_verifier,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (credential_id != NULL && pin_verifier != NULL && new_pin_verifier != NULL);

  pin_call (self, "ssa/sic/pin/change", credential_id, pin_verifier, new_pin_verifier,
            enr_smartca_client_change_pin_async, cancellable, callback, user_data);
}

GBytes *
enr_smartca_client_change_pin_finish (EnrSmartcaClient  *self,
                                      GAsyncResult      *result,
                                      GError           **error)
{
  return finish_call (self, result, enr_smartca_client_change_pin_async, error);
}

void
enr_smartca_client_request_certificate_async (EnrSmartcaClient    *self,
                                              const char          *credential_id,
                                              const char          *sad,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (credential_id != NULL && sad != NULL);

  resource_call (self, "enrollment/certificate",
                 enr_json_object_new ("credentialId", credential_id, "sad", sad, NULL),
                 SECRET, FALSE,
                 (ContentParser) enr_issued_certificate_parse,
                 (GDestroyNotify) enr_issued_certificate_free,
                 enr_smartca_client_request_certificate_async, cancellable, callback, user_data);
}

EnrIssuedCertificate *
enr_smartca_client_request_certificate_finish (EnrSmartcaClient  *self,
                                               GAsyncResult      *result,
                                               GError           **error)
{
  return finish_call (self, result, enr_smartca_client_request_certificate_async, error);
}

void
enr_smartca_client_get_acceptance_async (EnrSmartcaClient    *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  resource_call (self, "enrollment/acceptance", NULL, SAFE, FALSE,
                 (ContentParser) enr_acceptance_parse, (GDestroyNotify) enr_acceptance_free,
                 enr_smartca_client_get_acceptance_async, cancellable, callback, user_data);
}

EnrAcceptance *
enr_smartca_client_get_acceptance_finish (EnrSmartcaClient  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  return finish_call (self, result, enr_smartca_client_get_acceptance_async, error);
}

void
enr_smartca_client_send_device_otp_async (EnrSmartcaClient    *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  resource_call (self, "enrollment/device/otp", NULL, SECRET, FALSE,
                 (ContentParser) enr_otp_sent_parse, (GDestroyNotify) enr_otp_sent_free,
                 enr_smartca_client_send_device_otp_async, cancellable, callback, user_data);
}

EnrOtpSent *
enr_smartca_client_send_device_otp_finish (EnrSmartcaClient  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  return finish_call (self, result, enr_smartca_client_send_device_otp_async, error);
}

void
enr_smartca_client_confirm_device_async (EnrSmartcaClient    *self,
                                         const char          *credential_id,
                                         const char          *sad,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (credential_id != NULL && sad != NULL);

  resource_call (self, "enrollment/device/confirm",
                 enr_json_object_new ("credentialId", credential_id, "sad", sad, NULL),
                 SECRET, FALSE, parse_state_only, NULL,
                 enr_smartca_client_confirm_device_async, cancellable, callback, user_data);
}

gboolean
enr_smartca_client_confirm_device_finish (EnrSmartcaClient  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  return finish_call (self, result, enr_smartca_client_confirm_device_async, error) != NULL;
}

void
enr_smartca_client_list_waiting_async (EnrSmartcaClient    *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  resource_call (self, "ssa/sic/waitingtrans", NULL, SAFE, FALSE,
                 (ContentParser) enr_transaction_list_parse, (GDestroyNotify) g_ptr_array_unref,
                 enr_smartca_client_list_waiting_async, cancellable, callback, user_data);
}

GPtrArray *
enr_smartca_client_list_waiting_finish (EnrSmartcaClient  *self,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  return finish_call (self, result, enr_smartca_client_list_waiting_async, error);
}

void
enr_smartca_client_get_transaction_async (EnrSmartcaClient    *self,
                                          const char          *tran_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (tran_id != NULL);

  resource_call (self, "ssa/sic/waitingtraninfo",
                 enr_json_object_new ("tranId", tran_id, NULL), SAFE, FALSE,
                 (ContentParser) enr_transaction_parse, (GDestroyNotify) enr_transaction_free,
                 enr_smartca_client_get_transaction_async, cancellable, callback, user_data);
}

EnrTransaction *
enr_smartca_client_get_transaction_finish (EnrSmartcaClient  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  return finish_call (self, result, enr_smartca_client_get_transaction_async, error);
}

void
enr_smartca_client_confirm_transaction_async (EnrSmartcaClient    *self,
                                              const char          *tran_id,
                                              const char          *credential_id,
                                              const char          *sad,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (tran_id != NULL && credential_id != NULL && sad != NULL);

  resource_call (self, "ssa/sic/signconfirm",
                 enr_json_object_new ("tranId", tran_id, "credentialId", credential_id,
                                      "sad", sad, NULL),
                 SECRET, FALSE,
                 (ContentParser) enr_transaction_result_parse,
                 (GDestroyNotify) enr_transaction_result_free,
                 enr_smartca_client_confirm_transaction_async, cancellable, callback, user_data);
}

EnrTransactionResult *
enr_smartca_client_confirm_transaction_finish (EnrSmartcaClient  *self,
                                               GAsyncResult      *result,
                                               GError           **error)
{
  return finish_call (self, result, enr_smartca_client_confirm_transaction_async, error);
}

void
enr_smartca_client_reject_transaction_async (EnrSmartcaClient    *self,
                                             const char          *tran_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (tran_id != NULL);

  resource_call (self, "ssa/sic/signreject",
                 enr_json_object_new ("tranId", tran_id, NULL), SAFE, FALSE,
                 (ContentParser) enr_transaction_result_parse,
                 (GDestroyNotify) enr_transaction_result_free,
                 enr_smartca_client_reject_transaction_async, cancellable, callback, user_data);
}

EnrTransactionResult *
enr_smartca_client_reject_transaction_finish (EnrSmartcaClient  *self,
                                              GAsyncResult      *result,
                                              GError           **error)
{
  return finish_call (self, result, enr_smartca_client_reject_transaction_async, error);
}

static gpointer
parse_sign_hash (JsonNode  *content,
                 GError   **error)
{
  return enr_sign_hash_parse (content, error);
}

void
enr_smartca_client_sign_hash_async (EnrSmartcaClient    *self,
                                    const char          *credential_id,
                                    const char          *ref_tran_id,
                                    const char          *description,
                                    const char * const  *names,
                                    const char * const  *hashes,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  JsonArray *datas = json_array_new ();
  JsonNode *datas_node = json_node_new (JSON_NODE_ARRAY);

  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (credential_id != NULL && ref_tran_id != NULL && description != NULL);
  g_return_if_fail (names != NULL && hashes != NULL);
  g_return_if_fail (g_strv_length ((GStrv) names) == g_strv_length ((GStrv) hashes));

  for (guint i = 0; names[i] != NULL; i++)
    json_array_add_element (datas, enr_json_object_new ("name", names[i], "hash", hashes[i],
                                                        NULL));
  json_node_take_array (datas_node, datas);

  /* SAFE: the refTranId makes a resend answer the first transaction. */
  resource_call (self, "csc/signature/signhash",
                 enr_json_object_new ("credentialId", credential_id, "refTranId", ref_tran_id,
                                      "description", description, "o:datas", datas_node, NULL),
                 SAFE, FALSE, parse_sign_hash, g_free,
                 enr_smartca_client_sign_hash_async, cancellable, callback, user_data);
}

char *
enr_smartca_client_sign_hash_finish (EnrSmartcaClient  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  return finish_call (self, result, enr_smartca_client_sign_hash_async, error);
}

void
enr_smartca_client_get_transaction_info_async (EnrSmartcaClient    *self,
                                               const char          *tran_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (tran_id != NULL);

  resource_call (self, "csc/credentials/gettraninfo",
                 enr_json_object_new ("tranId", tran_id, NULL), SAFE, FALSE,
                 (ContentParser) enr_transaction_info_parse,
                 (GDestroyNotify) enr_transaction_info_free,
                 enr_smartca_client_get_transaction_info_async, cancellable, callback, user_data);
}

EnrTransactionInfo *
enr_smartca_client_get_transaction_info_finish (EnrSmartcaClient  *self,
                                                GAsyncResult      *result,
                                                GError           **error)
{
  return finish_call (self, result, enr_smartca_client_get_transaction_info_async, error);
}

void
enr_smartca_client_list_credentials_async (EnrSmartcaClient    *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  resource_call (self, "csc/credentials/list", NULL, SAFE, FALSE,
                 parse_credential_list, (GDestroyNotify) g_strfreev,
                 enr_smartca_client_list_credentials_async, cancellable, callback, user_data);
}

GStrv
enr_smartca_client_list_credentials_finish (EnrSmartcaClient  *self,
                                            GAsyncResult      *result,
                                            GError           **error)
{
  return finish_call (self, result, enr_smartca_client_list_credentials_async, error);
}

void
enr_smartca_client_get_credential_info_async (EnrSmartcaClient    *self,
                                              const char          *credential_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  JsonNode *body;

  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));
  g_return_if_fail (credential_id != NULL);

  body = enr_json_object_new ("credentialId", credential_id, "certificates", "chain",
                              "b:certInfo", TRUE, "b:authInfo", TRUE, NULL);
  resource_call (self, "csc/credentials/info", body, SAFE, FALSE,
                 (ContentParser) enr_credential_info_parse,
                 (GDestroyNotify) enr_credential_info_free,
                 enr_smartca_client_get_credential_info_async, cancellable, callback, user_data);
}

EnrCredentialInfo *
enr_smartca_client_get_credential_info_finish (EnrSmartcaClient  *self,
                                               GAsyncResult      *result,
                                               GError           **error)
{
  return finish_call (self, result, enr_smartca_client_get_credential_info_async, error);
}

/* --- Revocation ------------------------------------------------------------ */

static void
revoke_one_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(EnrHttpReply) reply = NULL;
  g_autoptr(GError) error = NULL;
  guint *pending = g_task_get_task_data (task);

  reply = enr_http_send_finish (ENR_HTTP (object), result, &error);
  if (reply == NULL)
    g_info ("revoking a token failed: %s", error->message);

  /* Both tokens are forgotten already; the answer only tells whether the
   * service heard it. */
  if (--(*pending) == 0)
    g_task_return_pointer (task, GINT_TO_POINTER (TRUE), NULL);
}

static void
send_revoke (EnrSmartcaClient *self,
             char            **token,
             GTask            *task)
{
  g_autofree char *url = url_for (self, "auth/revoke");
  EnrHttpCall *call;
  guint *pending = g_task_get_task_data (task);

  if (*token == NULL)
    return;
  call = enr_http_call_new ("POST", url);
  enr_http_call_set_form (call, "token", *token, "client_id", CLIENT_ID, NULL);
  enr_secure_clear_string (token);
  (*pending)++;
  enr_http_send_async (self->http, call, g_task_get_cancellable (task), revoke_one_cb,
                       g_object_ref (task));
}

void
enr_smartca_client_revoke_async (EnrSmartcaClient    *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (ENR_IS_SMARTCA_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_smartca_client_revoke_async);
  g_task_set_task_data (task, g_new0 (guint, 1), g_free);

  /* The refresh token first: it is the one that outlives this session. */
  send_revoke (self, &self->refresh_token, task);
  send_revoke (self, &self->access_token, task);

  if (*(guint *) g_task_get_task_data (task) == 0)
    g_task_return_pointer (task, GINT_TO_POINTER (TRUE), NULL);
}

gboolean
enr_smartca_client_revoke_finish (EnrSmartcaClient  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  return finish_call (self, result, enr_smartca_client_revoke_async, error) != NULL;
}
