/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Whether a call may be sent again without asking the citizen.
 *
 * A refusal the server states (429, 503) means the request was not carried
 * out, so every call may be repeated after one. A connection that breaks
 * after the request went out leaves its fate unknown: only a call that is
 * idempotent, or made so by an Idempotency-Key, may be repeated then. A
 * call that carries an OTP, a password or a SAD never is: the next try is
 * the citizen's, after the session has asked the service where it stands.
 */
typedef enum
{
  ENR_HTTP_RETRY_SAFE,
  ENR_HTTP_RETRY_SECRET,
} EnrHttpRetry;

/* One request to make: built, then handed to enr_http_send_async(). */
typedef struct _EnrHttpCall EnrHttpCall;

EnrHttpCall *enr_http_call_new           (const char   *method,
                                          const char   *url);
void         enr_http_call_free          (EnrHttpCall  *call);
void         enr_http_call_set_json      (EnrHttpCall  *call,
                                          JsonNode     *body);
/* Form fields as name/value pairs, NULL-terminated. The encoded body is
 * wiped when the call is freed: the values may be a password or an OTP. */
void         enr_http_call_set_form      (EnrHttpCall  *call,
                                          const char   *first_name,
                                          ...) G_GNUC_NULL_TERMINATED;
void         enr_http_call_set_bearer    (EnrHttpCall  *call,
                                          const char   *token);
/* The Idempotency-Key header, sent unchanged with every retry; a caller
 * that may send the call again itself (after a token renewal) keeps the key. */
void         enr_http_call_set_idempotency_key (EnrHttpCall *call,
                                                const char  *key);
void         enr_http_call_set_retry     (EnrHttpCall  *call,
                                          EnrHttpRetry  retry);
const char  *enr_http_call_get_url       (EnrHttpCall  *call);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrHttpCall, enr_http_call_free)

/* What came back: any HTTP status; a body that is JSON, or NULL. */
typedef struct
{
  guint     status;
  JsonNode *body;
} EnrHttpReply;

void         enr_http_reply_free         (EnrHttpReply *reply);
JsonObject  *enr_http_reply_get_object   (EnrHttpReply *reply);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrHttpReply, enr_http_reply_free)

#define ENR_TYPE_HTTP (enr_http_get_type ())
G_DECLARE_FINAL_TYPE (EnrHttp, enr_http, ENR, HTTP, GObject)

/*
 * @trust_anchor: (nullable): an absolute path of a PEM file of CA
 *   certificates to trust instead of the system store
 */
EnrHttp     *enr_http_new                (const char   *trust_anchor,
                                          GError      **error);
void         enr_http_set_retry_limits   (EnrHttp      *self,
                                          guint         max_attempts,
                                          guint         base_delay_ms,
                                          guint         max_delay_ms,
                                          guint         deadline_ms);

/* What the calls so far cost: the requests that went out (each retry
 * counted) and the time, in microseconds, they spent waiting for their
 * answers. The benchmark sets them against an enrollment's wall time. */
void          enr_http_get_stats         (EnrHttp             *self,
                                          guint               *requests,
                                          gint64              *waited_us);

/* The reply, whatever its status, or an ENR_SERVICE_ERROR for a call that
 * got no usable reply (network, TLS, timeout, an answer that is not JSON)
 * or was refused with 429/503 after its last retry. */
void          enr_http_send_async        (EnrHttp             *self,
                                          EnrHttpCall         *call,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
EnrHttpReply *enr_http_send_finish       (EnrHttp             *self,
                                          GAsyncResult        *result,
                                          GError             **error);

/* Turns the JSON body of a reply (NULL: it had none) into a call's result,
 * or sets @error and returns NULL. */
typedef gpointer (*EnrHttpJsonParser) (JsonNode  *body,
                                       GError   **error);

/*
 * A call to a bare JSON API, whose replies say nothing but their status and
 * body (the sandbox's control endpoints): sends @call (taken) with @task's
 * cancellable, and returns on @task (taken) what @parse makes of a 200
 * reply's body (a NULL @parse: TRUE), to be freed with @free_result. Any
 * other status is ENR_SERVICE_ERROR_FAILED; a call that got no reply fails
 * as enr_http_send_async() says. @task's data stays the caller's.
 */
void          enr_http_send_json_for_task (EnrHttp            *self,
                                           EnrHttpCall        *call,
                                           EnrHttpJsonParser   parse,
                                           GDestroyNotify      free_result,
                                           GTask              *task);
/* The result of such a call, for the _finish of @source_object's
 * @source_tag. */
gpointer      enr_http_json_finish        (GAsyncResult       *result,
                                           gpointer            source_object,
                                           gpointer            source_tag,
                                           GError            **error);

/*
 * A POST of a binary @body (an RFC 3161 TimeStampReq) whose reply is not
 * JSON: the reply's body, whatever its status (in @status), or an
 * ENR_SERVICE_ERROR for a call that got no reply (network, TLS, timeout)
 * or a reply over 8 MiB. Sent once: the caller decides about another try.
 */
void          enr_http_post_bytes_async   (EnrHttp            *self,
                                           const char         *url,
                                           const char         *content_type,
                                           const char         *accept,
                                           GBytes             *body,
                                           GCancellable       *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer            user_data);
GBytes       *enr_http_post_bytes_finish  (EnrHttp            *self,
                                           GAsyncResult       *result,
                                           guint              *status,
                                           GError            **error);

G_END_DECLS
