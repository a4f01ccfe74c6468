/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sandbox's control endpoints, over the program's own HTTP core: the
 * same TLS checks as every other call, against the sandbox's root only.
 */
#define G_LOG_DOMAIN "enr-sandbox-control"

#include "config.h"

#include <string.h>

#include "enr-http.h"
#include "enr-json.h"
#include "enr-sandbox-control.h"
#include "enr-secure.h"

struct _EnrSandboxControl
{
  GObject  parent_instance;

  EnrHttp *http;
  char    *base_url;
};

G_DEFINE_FINAL_TYPE (EnrSandboxControl, enr_sandbox_control, G_TYPE_OBJECT)

static void
enr_sandbox_control_finalize (GObject *object)
{
  EnrSandboxControl *self = ENR_SANDBOX_CONTROL (object);

  g_clear_object (&self->http);
  g_free (self->base_url);

  G_OBJECT_CLASS (enr_sandbox_control_parent_class)->finalize (object);
}

static void
enr_sandbox_control_class_init (EnrSandboxControlClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enr_sandbox_control_finalize;
}

static void
enr_sandbox_control_init (EnrSandboxControl *self)
{
}

EnrSandboxControl *
enr_sandbox_control_new (const char  *control_url,
                         const char  *trust_anchor,
                         GError     **error)
{
  g_autoptr(EnrSandboxControl) self = NULL;
  gsize len;

  g_return_val_if_fail (control_url != NULL, NULL);

  self = g_object_new (ENR_TYPE_SANDBOX_CONTROL, NULL);
  self->http = enr_http_new (trust_anchor, error);
  if (self->http == NULL)
    return NULL;
  len = strlen (control_url);
  while (len > 0 && control_url[len - 1] == '/')
    len--;
  self->base_url = g_strndup (control_url, len);
  return g_steal_pointer (&self);
}

void
enr_sandbox_otp_free (EnrSandboxOtp *otp)
{
  if (otp == NULL)
    return;
  g_free (otp->to);
  enr_secure_string_free (otp->code);
  g_free (otp->purpose);
  g_free (otp->sent_at);
  g_free (otp);
}

/* Takes @body (nullable). */
static void
control_call (EnrSandboxControl   *self,
              const char          *method,
              const char          *path,
              JsonNode            *body,
              EnrHttpJsonParser    parse,
              GDestroyNotify       free_result,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *url = g_strconcat (self->base_url, "/", path, NULL);
  EnrHttpCall *call = enr_http_call_new (method, url);

  g_task_set_source_tag (task, source_tag);
  if (body != NULL)
    {
      enr_http_call_set_json (call, body);
      json_node_unref (body);
    }
  enr_http_send_json_for_task (self->http, call, parse, free_result, g_steal_pointer (&task));
}

/* A GET of @prefix followed by @value, escaped. */
static void
control_get (EnrSandboxControl   *self,
             const char          *prefix,
             const char          *value,
             EnrHttpJsonParser    parse,
             GDestroyNotify       free_result,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);
  g_autofree char *path = g_strconcat (prefix, escaped, NULL);

  control_call (self, "GET", path, NULL, parse, free_result, source_tag, cancellable, callback,
                user_data);
}

static gpointer
finish_call (EnrSandboxControl  *self,
             GAsyncResult       *result,
             gpointer            source_tag,
             GError            **error)
{
  g_return_val_if_fail (ENR_IS_SANDBOX_CONTROL (self), NULL);

  return enr_http_json_finish (result, self, source_tag, error);
}

/* --- The outbox ------------------------------------------------------------ */

static gpointer
parse_outbox (JsonNode  *body,
              GError   **error)
{
  g_autoptr(GPtrArray) list = NULL;
  JsonArray *array;

  if (body == NULL || !JSON_NODE_HOLDS_ARRAY (body))
    {
      enr_json_malformed (error, "outbox", "is not a list");
      return NULL;
    }
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) enr_sandbox_otp_free);
  array = json_node_get_array (body);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(EnrSandboxOtp) otp = g_new0 (EnrSandboxOtp, 1);
      JsonObject *object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          enr_json_malformed (error, "outbox", "holds something other than messages");
          return NULL;
        }
      object = json_node_get_object (node);
      if (!enr_json_read_string (object, "to", FALSE, &otp->to, error) ||
          !enr_json_read_string (object, "code", FALSE, &otp->code, error) ||
          !enr_json_read_string (object, "purpose", FALSE, &otp->purpose, error) ||
          !enr_json_read_string (object, "sent_at", FALSE, &otp->sent_at, error))
        return NULL;
      g_ptr_array_add (list, g_steal_pointer (&otp));
    }
  return g_steal_pointer (&list);
}

void
enr_sandbox_control_outbox_async (EnrSandboxControl   *self,
                                  const char          *phone,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SANDBOX_CONTROL (self));
  g_return_if_fail (phone != NULL);

  control_get (self, "outbox?phone=", phone, parse_outbox, (GDestroyNotify) g_ptr_array_unref,
               enr_sandbox_control_outbox_async, cancellable, callback, user_data);
}

GPtrArray *
enr_sandbox_control_outbox_finish (EnrSandboxControl  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  return finish_call (self, result, enr_sandbox_control_outbox_async, error);
}

/* --- The QR login -------------------------------------------------------- */

void
enr_sandbox_control_answer_login_async (EnrSandboxControl   *self,
                                        const char          *user_code,
                                        const char          *citizen_id,
                                        gboolean             approve,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SANDBOX_CONTROL (self));
  g_return_if_fail (user_code != NULL && citizen_id != NULL);

  control_call (self, "POST", approve ? "vneid/approve" : "vneid/deny",
                enr_json_object_new ("user_code", user_code, "citizen_id", citizen_id, NULL),
                NULL, NULL, enr_sandbox_control_answer_login_async,
                cancellable, callback, user_data);
}

gboolean
enr_sandbox_control_answer_login_finish (EnrSandboxControl  *self,
                                         GAsyncResult       *result,
                                         GError            **error)
{
  return finish_call (self, result, enr_sandbox_control_answer_login_async, error) != NULL;
}

/* --- Faults and the clock ---------------------------------------------------- */

void
enr_sandbox_control_set_faults_async (EnrSandboxControl      *self,
                                      const EnrSandboxFaults *faults,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (ENR_IS_SANDBOX_CONTROL (self));

  json_builder_begin_object (builder);
  if (faults != NULL)
    {
      json_builder_set_member_name (builder, "failRate");
      json_builder_add_double_value (builder, faults->fail_rate);
      json_builder_set_member_name (builder, "latencyMs");
      json_builder_add_int_value (builder, faults->latency_ms);
      json_builder_set_member_name (builder, "status");
      json_builder_add_int_value (builder, faults->status != 0 ? faults->status : 503);
      json_builder_set_member_name (builder, "dropConnection");
      json_builder_add_boolean_value (builder, faults->drop_connection);
      json_builder_set_member_name (builder, "seed");
      json_builder_add_int_value (builder, faults->seed);
    }
  json_builder_end_object (builder);

  control_call (self, "POST", "faults", json_builder_get_root (builder), NULL, NULL,
                enr_sandbox_control_set_faults_async, cancellable, callback, user_data);
}

gboolean
enr_sandbox_control_set_faults_finish (EnrSandboxControl  *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  return finish_call (self, result, enr_sandbox_control_set_faults_async, error) != NULL;
}

void
enr_sandbox_control_advance_clock_async (EnrSandboxControl   *self,
                                         guint                seconds,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (ENR_IS_SANDBOX_CONTROL (self));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "advanceSeconds");
  json_builder_add_int_value (builder, seconds);
  json_builder_end_object (builder);

  control_call (self, "POST", "clock", json_builder_get_root (builder), NULL, NULL,
                enr_sandbox_control_advance_clock_async, cancellable, callback, user_data);
}

gboolean
enr_sandbox_control_advance_clock_finish (EnrSandboxControl  *self,
                                          GAsyncResult       *result,
                                          GError            **error)
{
  return finish_call (self, result, enr_sandbox_control_advance_clock_async, error) != NULL;
}

/* --- The portal ------------------------------------------------------------------ */

void
enr_sandbox_portal_transaction_free (EnrSandboxPortalTransaction *transaction)
{
  if (transaction == NULL)
    return;
  g_free (transaction->tran_id);
  g_free (transaction->status_desc);
  g_clear_pointer (&transaction->signatures, g_ptr_array_unref);
  g_free (transaction);
}

static gpointer
parse_tran_id (JsonNode  *body,
               GError   **error)
{
  char *tran_id = NULL;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      enr_json_malformed (error, "portal/signhash", "is not an object");
      return NULL;
    }
  if (!enr_json_read_string (json_node_get_object (body), "tranId", FALSE, &tran_id, error))
    return NULL;
  return tran_id;
}

void
enr_sandbox_control_portal_sign_async (EnrSandboxControl   *self,
                                       const char          *citizen_id,
                                       const char          *description,
                                       const char * const  *names,
                                       const char * const  *hashes,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_if_fail (ENR_IS_SANDBOX_CONTROL (self));
  g_return_if_fail (citizen_id != NULL && description != NULL);
  g_return_if_fail (names != NULL && hashes != NULL);
  g_return_if_fail (g_strv_length ((GStrv) names) == g_strv_length ((GStrv) hashes));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "citizen_id");
  json_builder_add_string_value (builder, citizen_id);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description);
  json_builder_set_member_name (builder, "datas");
  json_builder_begin_array (builder);
  for (guint i = 0; names[i] != NULL; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, names[i]);
      json_builder_set_member_name (builder, "hash");
      json_builder_add_string_value (builder, hashes[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  control_call (self, "POST", "portal/signhash", json_builder_get_root (builder), parse_tran_id,
                g_free, enr_sandbox_control_portal_sign_async, cancellable, callback, user_data);
}

char *
enr_sandbox_control_portal_sign_finish (EnrSandboxControl  *self,
                                        GAsyncResult       *result,
                                        GError            **error)
{
  return finish_call (self, result, enr_sandbox_control_portal_sign_async, error);
}

static gpointer
parse_portal_transaction (JsonNode  *body,
                          GError   **error)
{
  g_autoptr(EnrSandboxPortalTransaction) transaction = g_new0 (EnrSandboxPortalTransaction, 1);
  JsonObject *object;
  JsonArray *documents;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      enr_json_malformed (error, "portal/transactions", "is not an object");
      return NULL;
    }
  object = json_node_get_object (body);
  if (!enr_json_read_string (object, "tranId", FALSE, &transaction->tran_id, error) ||
      !enr_json_read_string (object, "tranStatusDesc", FALSE, &transaction->status_desc, error))
    return NULL;
  transaction->status = json_object_get_int_member_with_default (object, "tranStatus", -1);
  transaction->signatures = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  documents = json_object_has_member (object, "documents") &&
              JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "documents"))
                ? json_object_get_array_member (object, "documents") : NULL;
  for (guint i = 0; documents != NULL && i < json_array_get_length (documents); i++)
    {
      JsonObject *document = json_array_get_object_element (documents, i);
      const char *sig = document != NULL
                          ? json_object_get_string_member_with_default (document, "sig", NULL)
                          : NULL;
      gsize len = 0;
      guchar *data;

      if (sig == NULL)
        continue;
      data = g_base64_decode (sig, &len);
      g_ptr_array_add (transaction->signatures, g_bytes_new_take (data, len));
    }
  return g_steal_pointer (&transaction);
}

void
enr_sandbox_control_portal_transaction_async (EnrSandboxControl   *self,
                                              const char          *tran_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (ENR_IS_SANDBOX_CONTROL (self));
  g_return_if_fail (tran_id != NULL);

  control_get (self, "portal/transactions/", tran_id, parse_portal_transaction,
               (GDestroyNotify) enr_sandbox_portal_transaction_free,
               enr_sandbox_control_portal_transaction_async, cancellable, callback, user_data);
}

EnrSandboxPortalTransaction *
enr_sandbox_control_portal_transaction_finish (EnrSandboxControl  *self,
                                               GAsyncResult       *result,
                                               GError            **error)
{
  return finish_call (self, result, enr_sandbox_control_portal_transaction_async, error);
}
