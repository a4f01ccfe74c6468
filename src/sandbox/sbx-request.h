/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "sbx-error.h"

G_BEGIN_DECLS

typedef struct _SbxServer SbxServer;

/* Which error shape a request's failures take (PROTOCOL.md, "Errors"). */
typedef enum
{
  SBX_API_VNEID,      /* RFC 6749 {"error","error_description"} */
  SBX_API_SMARTCA,    /* the VNPT envelope; SMARTCA/auth/… uses RFC 6749 */
  SBX_API_CONTROL,    /* bare {"error"} */
  SBX_API_TSA,        /* RFC 3161: a TimeStampResp of status rejection */
} SbxApi;

/*
 * One HTTP request being answered. A handler answers it with exactly one
 * sbx_reply_*() call, now or later: a handler that returns without
 * answering (to finish crypto work in a thread, say) keeps a reference
 * with sbx_request_ref(); the message stays paused until the reply.
 */
typedef struct _SbxRequest SbxRequest;

SbxRequest   *sbx_request_ref          (SbxRequest  *req);
void          sbx_request_unref        (SbxRequest  *req);

SbxServer    *sbx_request_get_server   (SbxRequest  *req);
SbxApi        sbx_request_get_api      (SbxRequest  *req);
const char   *sbx_request_get_method   (SbxRequest  *req);
const char   *sbx_request_get_path     (SbxRequest  *req);
/* The {…} segments of the route pattern, in order. */
const char   *sbx_request_get_param    (SbxRequest  *req,
                                        guint        index);
const char   *sbx_request_get_query    (SbxRequest  *req,
                                        const char  *name);
const char   *sbx_request_get_header   (SbxRequest  *req,
                                        const char  *name);
GBytes       *sbx_request_get_body     (SbxRequest  *req);
gboolean      sbx_request_is_answered  (SbxRequest  *req);

/* The Bearer token of the Authorization header, or NULL. */
const char   *sbx_request_get_bearer   (SbxRequest  *req);

/*
 * Parsers that answer 400 in the request's error shape themselves and
 * return NULL when the body is not what they expect: not UTF-8 JSON with
 * an object at the top (or not a form), or a missing or mistyped field.
 * The caller just returns.
 *
 * Both return a NEW reference (transfer full: g_autoptr(JsonObject) /
 * g_autoptr(GHashTable)); the request keeps its own, so the body is parsed
 * once however often they are called. The form maps names to values, both
 * valid UTF-8.
 */
JsonObject   *sbx_request_json_object  (SbxRequest  *req);
GHashTable   *sbx_request_form         (SbxRequest  *req);

/* Field getters that answer 400 naming the field when it is missing or of
 * the wrong type, and return FALSE. */
gboolean      sbx_require_string       (SbxRequest  *req,
                                        JsonObject  *object,
                                        const char  *field,
                                        const char **out);
gboolean      sbx_require_boolean      (SbxRequest  *req,
                                        JsonObject  *object,
                                        const char  *field,
                                        gboolean    *out);
gboolean      sbx_require_object       (SbxRequest  *req,
                                        JsonObject  *object,
                                        const char  *field,
                                        JsonObject **out);
gboolean      sbx_require_array        (SbxRequest  *req,
                                        JsonObject  *object,
                                        const char  *field,
                                        JsonArray  **out);
/* An optional member: absent, it is NULL in @out and the call TRUE; null
 * or of another type (an integer is a double too) answers 400 with
 * @problem. */
gboolean      sbx_optional_member      (SbxRequest  *req,
                                        JsonObject  *object,
                                        const char  *field,
                                        GType        type,
                                        const char  *problem,
                                        JsonNode   **out);
gboolean      sbx_require_form_field   (SbxRequest  *req,
                                        GHashTable  *form,
                                        const char  *field,
                                        const char **out);

/*
 * The order a handler that changes state follows (see sbx-request.c):
 *   sbx_db_begin → authenticate (401) → parse, check fields (400) → state
 *   (409) → lookups (404/403) → sbx_request_idempotency → work → reply →
 *   sbx_db_commit.
 * A refusal just answers and returns: the server rolls back whatever
 * transaction is still open when the handler returns. A refusal that must
 * keep a change (an OTP attempt counter) commits after its reply.
 *
 * Idempotency-Key (PROTOCOL.md, "Conventions"). Call after authentication,
 * in the handler's transaction. Returns TRUE when the request must go on;
 * FALSE when it has been answered: a missing or malformed key (400), or a
 * repeat of a key seen within 24 h (the first answer's status and body,
 * again). Once it returns TRUE, the reply the handler makes is recorded
 * under that key in the same transaction.
 */
gboolean      sbx_request_idempotency  (SbxRequest  *req,
                                        const char  *citizen_id);
/* The answer to come holds a secret (a pinShare): its Idempotency-Key
 * record is kept sealed, and the server's copies of its text are wiped. */
void          sbx_request_seal_answer  (SbxRequest  *req);

/* Answers. @body/@content are consumed (may be NULL for null content). */
void          sbx_reply_json           (SbxRequest  *req,
                                        guint        status,
                                        JsonNode    *body);
/* Any other body (the TSA's DER), never recorded for an Idempotency-Key. */
void          sbx_reply_bytes          (SbxRequest  *req,
                                        guint        status,
                                        const char  *content_type,
                                        GBytes      *body);
void          sbx_reply_oauth_error    (SbxRequest  *req,
                                        guint        status,
                                        const char  *error,
                                        const char  *description,
                                        JsonObject  *extra);
void          sbx_reply_envelope       (SbxRequest  *req,
                                        JsonNode    *content,
                                        const char  *message);   /* NULL: "Success" */
void          sbx_reply_envelope_error (SbxRequest  *req,
                                        SbxVnptCode  code,
                                        const char  *message,
                                        JsonNode    *content);
void          sbx_reply_control_error  (SbxRequest  *req,
                                        guint        status,
                                        const char  *error);
/* The 400 of the request's own API for a bad or missing field. */
void          sbx_reply_bad_field      (SbxRequest  *req,
                                        const char  *field,
                                        const char  *problem);
/* The 401 of the request's own API. */
void          sbx_reply_unauthenticated (SbxRequest *req);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxRequest, sbx_request_unref)

G_END_DECLS
