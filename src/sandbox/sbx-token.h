/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sbx-db.h"
#include "sbx-request.h"

G_BEGIN_DECLS

/* Bearer tokens of both services, kept as SHA-256 hashes in `tokens`. */

typedef struct
{
  char  *citizen_id;
  char  *registration_id;   /* SmartCA tokens */
  char    *scope;
  gint64   issued_at;
  gint64   expires_at;
  gboolean from_login;      /* from a login or hand-off, not a refresh token */
} SbxTokenInfo;

void      sbx_token_info_free (SbxTokenInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxTokenInfo, sbx_token_info_free)

/* A new token; @expires_in_s from now; @from_login FALSE for one issued
 * for a refresh token. Returns the token (only here in clear). */
char         *sbx_token_issue   (SbxDb       *db,
                                 const char  *service,     /* "vneid" | "smartca" */
                                 const char  *kind,        /* "access" | "refresh" */
                                 const char  *citizen_id,
                                 const char  *registration_id,
                                 const char  *scope,
                                 gint64       expires_in_s,
                                 gboolean     from_login);
/* The token's info when it is of that service and kind, unexpired, unrevoked. */
SbxTokenInfo *sbx_token_lookup  (SbxDb       *db,
                                 const char  *service,
                                 const char  *kind,
                                 const char  *token);
void          sbx_token_revoke  (SbxDb       *db,
                                 const char  *token);
/* Every token of @service the citizen holds; FALSE on a database error. */
gboolean      sbx_token_revoke_citizen (SbxDb      *db,
                                        const char *service,
                                        const char *citizen_id);

/* For handlers: the request's bearer token as an access token of @service,
 * or NULL after answering 401 in the request's error shape. */
SbxTokenInfo *sbx_request_authenticate (SbxRequest *req,
                                        const char *service);

G_END_DECLS
