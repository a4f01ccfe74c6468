/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "sbx-db.h"
#include "sbx-request.h"
#include "sbx-server.h"

G_BEGIN_DECLS

/*
 * What the VNeID modules share: the transaction of a handler and its 500,
 * the RFC 6749 answers, the OAuth form's client and scope, and the citizen
 * as VNeID keeps them. The modules are the OAuth endpoints and identity
 * (sbx-vneid.c), the device grant, the password + OTP login, and the
 * registrations with their hand-off.
 */

#define SBX_VNEID_CLIENT_ID          "smartca-enroll"
#define SBX_VNEID_DEFAULT_SCOPE      "openid profile smartca"
#define SBX_VNEID_ACCESS_TOKEN_TTL_S 900

SbxDb    *sbx_vneid_db           (SbxRequest *req);
/* The 500 for a database that failed us; always FALSE, so a handler can
 * `return sbx_vneid_server_error (req);` and roll back. */
gboolean  sbx_vneid_server_error (SbxRequest *req);
/* Begins the handler's transaction, or answers 500 and returns FALSE. */
gboolean  sbx_vneid_begin        (SbxRequest *req);
/* Ends the handler's transaction: kept when @keep, else rolled back. */
gboolean  sbx_vneid_finish       (SbxRequest *req,
                                  gboolean    keep);

/* A JSON node that takes over @object. */
JsonNode *sbx_vneid_object_node  (JsonObject *object);
/* An RFC 6749 error with one extra integer member (attempts_left, retry_after). */
void      sbx_vneid_reply_error_with_int (SbxRequest *req,
                                          guint       status,
                                          const char *error,
                                          const char *description,
                                          const char *member,
                                          gint64      value);
/* {"access_token","token_type":"Bearer","expires_in":900,"scope"} */
void      sbx_vneid_reply_tokens (SbxRequest *req,
                                  const char *access_token,
                                  const char *scope);

/* The one client there is: 400 without client_id, 401 for another one. */
gboolean  sbx_vneid_check_client (SbxRequest *req,
                                  GHashTable *form);
/* The form's scope, normalised, or NULL after answering invalid_scope. */
char     *sbx_vneid_read_scope   (SbxRequest *req,
                                  GHashTable *form);

/* A citizen as VNeID has them (schema.sql, "citizens"). */
typedef struct
{
  char   *citizen_id;
  char   *sub;
  GBytes *password_salt;
  GBytes *password_hash;
  guint   password_iterations;
  char   *full_name;
  char   *date_of_birth;
  char   *gender;
  char   *nationality;
  char   *phone;
  char   *email;
  gint64  identity_level;
  char   *province;
  char   *ward;
  char   *street;
  char   *district;
} SbxVneidCitizen;

void             sbx_vneid_citizen_free (SbxVneidCitizen *citizen);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxVneidCitizen, sbx_vneid_citizen_free)
SbxVneidCitizen *sbx_vneid_citizen_load (SbxDb           *db,
                                         const char      *citizen_id);

/* The login's limits (sbx-vneid-limits.c): a username's wrong passwords,
 * a citizen's wrong OTPs in a row, and the lock five of either bring. */
#define SBX_VNEID_MAX_WRONG 5

typedef struct
{
  gint64 wrong_passwords;
  gint64 wrong_otps;
  gint64 locked_until;     /* 0: not locked */
} SbxLoginLimits;

/* A lock that has ended reads as no counts at all. FALSE on a database error. */
gboolean  sbx_vneid_limits_load  (SbxDb                *db,
                                  const char           *username,
                                  gint64                now,
                                  SbxLoginLimits       *out);
gboolean  sbx_vneid_limits_store (SbxDb                *db,
                                  const char           *username,
                                  const SbxLoginLimits *limits);
/* Locks @username for 300 s with both counts 0, and voids the citizen's
 * open login session. */
gboolean  sbx_vneid_limits_lock  (SbxDb                *db,
                                  const char           *username,
                                  gint64                now);
/* Voids every open login OTP session of the citizen. */
gboolean  sbx_vneid_void_login_sessions (SbxDb         *db,
                                         const char    *citizen_id);
/* 403 account_locked with retry_after. */
void      sbx_vneid_reply_locked (SbxRequest           *req,
                                  gint64                locked_until,
                                  gint64                now);

/* The grants of oauth/token, each in the handler's transaction: TRUE when
 * what it wrote is to be kept (a refusal that counts an attempt too). */
gboolean  sbx_vneid_device_code_grant (SbxRequest *req,
                                       GHashTable *form);
gboolean  sbx_vneid_password_grant    (SbxRequest *req,
                                       GHashTable *form);
gboolean  sbx_vneid_otp_grant         (SbxRequest *req,
                                       GHashTable *form);

/* Route tables of the modules that share this header. */
void      sbx_vneid_device_register        (SbxServer *server);
void      sbx_vneid_registrations_register (SbxServer *server);

G_END_DECLS
