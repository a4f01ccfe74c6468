/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sbx-request.h"
#include "sbx-server.h"

G_BEGIN_DECLS

/* What the server and the request share; modules use sbx-request.h only. */

#define SBX_MAX_BODY (1024 * 1024)

struct _SbxRequest
{
  guint               ref_count;
  SbxServer          *server;
  SoupServerMessage  *msg;
  SbxApi              api;
  gboolean            oauth_shape;       /* VNeID, and SmartCA's auth/… */
  char               *method;
  char               *path;
  GPtrArray          *params;
  GHashTable         *query;
  GBytes             *body;
  char               *bearer;
  JsonObject         *json;
  GHashTable         *form;
  char               *idempotency_citizen;
  char               *idempotency_key;
  gint64              started_us;
  guint               status;
  gulong              finished_id;
  gulong              disconnected_id;
  guint               answered : 1;
  guint               in_handler : 1;
  guint               paused : 1;
  guint               drop : 1;          /* a fault: close the connection unanswered */
  guint               seal_answer : 1;   /* the answer holds a secret (sbx-hsm.h) */
  guint               gone : 1;          /* the message is over; touch it no more */
};

SbxRequest *sbx_request_new          (SbxServer         *server,
                                      SoupServerMessage *msg,
                                      SbxApi             api,
                                      gboolean           oauth_shape);
void        sbx_request_set_params   (SbxRequest        *req,
                                      GPtrArray         *params);
/* Stops I/O until the answer; at most once. */
void        sbx_request_pause        (SbxRequest        *req);
/* Runs @handler, then sees the answer out, or waits for it. */
void        sbx_request_run          (SbxRequest        *req,
                                      SbxHandler         handler);
/* Sees an answer made outside the handler's first run out, once the code
 * that made it has returned (and committed). */
void        sbx_request_finish_later (SbxRequest        *req);

/* Every answer goes through here; @text is JSON. @record: kept under the
 * request's Idempotency-Key, if it has one. */
void        sbx_reply_text           (SbxRequest        *req,
                                      guint              status,
                                      const char        *text,
                                      const char        *retry_after,
                                      const char        *www_authenticate,
                                      gboolean           record);
/* One error in the request's own shape: RFC 6749 (@oauth_code), the
 * envelope (@vnpt_code, @content consumed) or bare (@oauth_code). */
void        sbx_reply_api_error      (SbxRequest        *req,
                                      guint              status,
                                      const char        *oauth_code,
                                      SbxVnptCode        vnpt_code,
                                      const char        *message,
                                      JsonNode          *content,
                                      const char        *retry_after);
/* A 400 for the request as a whole (@field NULL) or one field of it. */
void        sbx_reply_invalid        (SbxRequest        *req,
                                      const char        *field,
                                      const char        *message);

/* Where a sealed Idempotency-Key answer belongs (its associated data). */
char       *sbx_request_answer_aad   (const char        *citizen_id,
                                      const char        *key);

/* How many answers libsoup has yet to write out (or drop). */
guint       sbx_reply_answers_in_flight (void);

/* An answer made by the server itself (404, 405, 413, faults). */
void        sbx_reply_not_found      (SbxRequest        *req);
void        sbx_reply_method_not_allowed (SbxRequest    *req,
                                          const char    *allow);
void        sbx_reply_too_large      (SbxRequest        *req);
void        sbx_reply_fault          (SbxRequest        *req,
                                      guint              status);
void        sbx_reply_forbidden      (SbxRequest        *req);

G_END_DECLS
