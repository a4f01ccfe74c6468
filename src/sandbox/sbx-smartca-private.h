/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "sbx-db.h"
#include "sbx-request.h"
#include "sbx-server.h"
#include "sbx-token.h"

G_BEGIN_DECLS

/*
 * What the SmartCA modules share: the envelope answers, the citizen and
 * the enrollment, the credential, and the state checks. Every handler follows the order of
 * sbx-request.h; the helpers that refuse answer in the envelope and end
 * the transaction, so the caller just returns.
 */

SbxDb    *sbx_smartca_db              (SbxRequest   *req);
/* A JSON node that takes over @object. */
JsonNode *sbx_smartca_object_node     (JsonObject   *object);

/* The answer to a failure of the sandbox itself, in the request's own
 * shape; whatever the transaction wrote so far is undone. */
void      sbx_smartca_reply_internal  (SbxRequest   *req);
/* Commits, or answers 500 and returns FALSE. */
gboolean  sbx_smartca_commit          (SbxRequest   *req);
/* Begins the handler's transaction, or answers 500 and returns FALSE. */
gboolean  sbx_smartca_begin           (SbxRequest   *req);

/* A resource call: the SmartCA access token (401), then the JSON object
 * body (400). Both are new references. */
gboolean  sbx_smartca_resource_start  (SbxRequest    *req,
                                       SbxTokenInfo **token,
                                       JsonObject   **body);

/* Steps 1 and 2 of a change of device need an access token from a VNeID
 * hand-off less than 15 minutes old (not from a refresh token): else 403 /
 * 40300, ending the transaction (committed, as a refusal for the state). */
gboolean  sbx_smartca_check_fresh_login (SbxRequest   *req,
                                         SbxTokenInfo *token);

/* 400 / 30000 naming @field unless @otp is six ASCII digits. */
gboolean  sbx_smartca_check_otp_syntax (SbxRequest  *req,
                                        const char  *field,
                                        const char  *otp);
/*
 * Checks the open OTP of @purpose for the registration and, when it is
 * right, consumes it in the transaction when @consume (a later failure
 * rolls that back). Otherwise answers (44000 with attemptsLeft, 44002,
 * 44001), keeping the attempt counter, and returns FALSE. Wrong OTPs count
 * per citizen across codes and purposes; the fifth in a row also revokes
 * every SmartCA token of the citizen.
 */
#define SBX_SMARTCA_MAX_WRONG_OTPS 5
gboolean  sbx_smartca_check_otp       (SbxRequest   *req,
                                       const char   *purpose,
                                       const char   *registration_id,
                                       const char   *otp,
                                       gboolean      consume);
/* Sends a fresh OTP of @purpose (PROTOCOL.md: 300 s, resend after 60 s)
 * and answers {"otpSentTo","expiresIn","resendAfter"}, or 429 / 42900
 * when the last one is too recent. Ends the transaction either way. */
void      sbx_smartca_send_otp        (SbxRequest   *req,
                                       SbxTokenInfo *token,
                                       const char   *purpose);

/* Strict standard Base64 with padding (RFC 4648 §4), or NULL. */
GBytes   *sbx_smartca_base64_decode   (const char   *text);

/* "<Base64 SHA-256>" of @data. */
char     *sbx_smartca_sha256_base64   (const guint8 *data,
                                       gsize         len);

/* The citizen as SmartCA has them from VNeID's sync. */
typedef struct
{
  char *citizen_id;
  char *full_name;
  char *date_of_birth;
  char *phone;
  char *email;
  char *province;
  char *ward;
  char *address;      /* street, ward, province */
} SbxCitizen;

void        sbx_citizen_free  (SbxCitizen  *citizen);
SbxCitizen *sbx_citizen_load  (SbxDb       *db,
                               const char  *citizen_id);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxCitizen, sbx_citizen_free)

/* One registration's enrollment (PROTOCOL.md, "Enrollment state"). */
typedef struct
{
  char   *registration_id;
  char   *citizen_id;
  char   *state;
  gint64  synced_at;
  char   *credential_id;
  char   *acceptance_tran_id;
} SbxEnrollment;

void           sbx_enrollment_free      (SbxEnrollment *enrollment);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxEnrollment, sbx_enrollment_free)

/* The registration's enrollment, in the caller's transaction; SYNCING
 * ends here, the first time anyone looks after synced_at, and an
 * acceptance record that expired is replaced. NULL on a failure. */
SbxEnrollment *sbx_enrollment_load      (SbxDb         *db,
                                         const char    *registration_id);
/* Opens the transaction and loads the token's enrollment, or answers. */
SbxEnrollment *sbx_enrollment_begin     (SbxRequest    *req,
                                         SbxTokenInfo  *token);
/* 409 / 40900 with {"state"} unless the enrollment is in one of the
 * NULL-terminated states; the transaction ends then (committed: the lazy
 * changes of sbx_enrollment_load() are kept). */
gboolean       sbx_enrollment_check_state (SbxRequest    *req,
                                           SbxEnrollment *enrollment,
                                           ...) G_GNUC_NULL_TERMINATED;
/* Back from a worker: a new transaction, the enrollment loaded again,
 * still in @state (409 otherwise). NULL once it has answered. */
SbxEnrollment *sbx_enrollment_resume    (SbxRequest    *req,
                                         const char    *registration_id,
                                         const char    *state);
/* Sets the enrollment's state, and the registration's VNeID status when
 * @registration_status is not NULL. */
gboolean       sbx_enrollment_set_state (SbxDb         *db,
                                         const char    *registration_id,
                                         const char    *state,
                                         const char    *registration_status);

/* A credential (schema-2.sql, "credentials"). */
typedef struct
{
  char   *credential_id;
  char   *registration_id;
  char   *citizen_id;
  GBytes *kak_public_key;
  char   *device_id;
  GBytes *pending_kak_public_key;      /* a change of device; NULL: none */
  char   *pending_device_id;
  GBytes *signing_key;                 /* wrapped; NULL before the certificate */
  GBytes *certificate;                 /* DER */
  char   *serial_number;
  char   *subject_dn;
  char   *issuer_dn;
  gint64  valid_from;
  gint64  valid_to;
} SbxCredential;

void           sbx_credential_free    (SbxCredential *credential);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxCredential, sbx_credential_free)

SbxCredential *sbx_credential_load    (SbxDb         *db,
                                       const char    *credential_id);
/* The credential @credential_id names, which must be the token's
 * citizen's: else 404 / 60000 or 403 / 60001, and the transaction ends. */
SbxCredential *sbx_credential_lookup  (SbxRequest    *req,
                                       SbxTokenInfo  *token,
                                       const char    *credential_id);

/* How long new subscriber certificates are valid; 365 days unless configured. */
void  sbx_activation_set_certificate_days (guint days);

/* Route tables of the modules that share this header. */
void  sbx_contract_register      (SbxServer *server);
void  sbx_activation_register    (SbxServer *server);
void  sbx_transactions_register  (SbxServer *server);
void  sbx_credentials_register   (SbxServer *server);
void  sbx_pin_register           (SbxServer *server);

G_END_DECLS
