/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * What SmartCA answers (PROTOCOL.md, "SmartCA"), as typed values. Each
 * parser takes the envelope's "content" and refuses anything that is not
 * exactly the documented shape; no I/O, so each can be fuzzed alone.
 */

typedef enum
{
  ENR_ENROLLMENT_SYNCING,
  ENR_ENROLLMENT_CONTRACT_PENDING,
  ENR_ENROLLMENT_ACTIVATION_PENDING,
  ENR_ENROLLMENT_CERTIFICATE_PENDING,
  ENR_ENROLLMENT_ACCEPTANCE_PENDING,
  ENR_ENROLLMENT_ACTIVE,
} EnrEnrollmentState;

gboolean    enr_enrollment_state_from_string (const char         *text,
                                              EnrEnrollmentState *state);
const char *enr_enrollment_state_to_string   (EnrEnrollmentState  state);

typedef struct
{
  char  *access_token;      /* wiped when freed */
  char  *refresh_token;     /* wiped when freed */
  gint64 expires_in;
  char  *scope;
} EnrSmartcaTokens;

typedef struct
{
  char *uid;                /* the citizen ID */
  char *full_name;
  char *phone;
  char *email;              /* nullable */
} EnrSmartcaUser;

typedef struct
{
  char              *registration_id;
  EnrEnrollmentState state;
  char              *credential_id;        /* nullable */
  char              *acceptance_tran_id;   /* nullable */
  gint64             poll_after_ms;
} EnrEnrollmentStatus;

typedef struct
{
  char   *name;
  GBytes *data;
} EnrDocument;

typedef struct
{
  char        *contract_id;
  EnrDocument *document;
  char        *hash;                /* Base64 SHA-256 of the bytes: checked */
  char        *terms_version;
} EnrContract;

typedef struct
{
  char  *otp_sent_to;
  gint64 expires_in;
  gint64 resend_after;
} EnrOtpSent;

typedef struct
{
  char              *signed_at;
  EnrEnrollmentState state;
  EnrDocument       *signed_document;
} EnrContractSigned;

typedef struct
{
  char              *credential_id;
  char              *challenge;     /* Base64, as the SAD carries it */
  gint64             challenge_expires_in;
  EnrEnrollmentState state;
  GBytes            *pin_share;     /* 32 bytes, wiped when freed (PIN guard) */
} EnrActivation;

typedef struct
{
  GBytes            *certificate;   /* DER */
  GPtrArray         *chain;         /* GBytes DER: issuing CA, root */
  EnrEnrollmentState state;
  char              *tran_id;
} EnrIssuedCertificate;

typedef struct
{
  char   *name;
  char   *type;                     /* "pdf" | "hash" */
  gint64  size;
  char   *hash;                     /* Base64 SHA-256 */
  GBytes *data;                     /* nullable: only from waitingtraninfo, pdf only */
} EnrTransactionDocument;

typedef struct
{
  char      *tran_id;
  char      *ref_tran_id;           /* nullable */
  gint64     tran_type;
  char      *tran_type_desc;
  char      *description;
  char      *credential_id;
  GPtrArray *documents;             /* EnrTransactionDocument */
  char      *challenge;
  char      *expires_at;
  char      *req_time;
} EnrTransaction;

typedef struct
{
  char  *tran_id;
  gint64 tran_status;               /* 1 SUCCESS, 4000…4004 (VNPT) */
  char  *tran_status_desc;
} EnrTransactionResult;

/* csc/credentials/gettraninfo: one hash of a signhash transaction. */
typedef struct
{
  char   *name;
  char   *hash;                     /* Base64 SHA-256 */
  GBytes *sig;                      /* RSA PKCS #1 v1.5 over the hash's DigestInfo;
                                     * NULL until the transaction succeeded */
} EnrSignedHash;

typedef struct
{
  char      *tran_id;
  char      *ref_tran_id;           /* nullable */
  gint64     tran_status;           /* 1 SUCCESS, 4000…4004 (VNPT) */
  char      *tran_status_desc;
  GPtrArray *documents;             /* EnrSignedHash, in the order of signhash's datas */
} EnrTransactionInfo;

typedef struct
{
  EnrEnrollmentState state;
  EnrDocument       *signed_document;
} EnrAcceptance;

typedef struct
{
  char      *key_status;
  gint64     key_length;
  char      *cert_status;
  char      *serial_number;         /* upper-case hex */
  char      *subject_dn;
  char      *issuer_dn;
  GPtrArray *certificates;          /* GBytes DER, the subscriber's first */
  char      *valid_from;            /* GeneralizedTime */
  char      *valid_to;
  char      *status;
} EnrCredentialInfo;

EnrSmartcaTokens     *enr_smartca_tokens_parse      (JsonObject *object, GError **error);
EnrSmartcaUser       *enr_smartca_user_parse        (JsonNode   *content, GError **error);
EnrEnrollmentStatus  *enr_enrollment_status_parse   (JsonNode   *content, GError **error);
EnrContract          *enr_contract_parse            (JsonNode   *content, GError **error);
EnrOtpSent           *enr_otp_sent_parse            (JsonNode   *content, GError **error);
EnrContractSigned    *enr_contract_signed_parse     (JsonNode   *content, GError **error);
EnrActivation        *enr_activation_parse          (JsonNode   *content, GError **error);
/* ssa/sic/pin/verify and pin/change: the PIN guard's share (32 bytes,
 * wiped when freed). */
GBytes               *enr_pin_share_parse           (JsonNode   *content, GError **error);
EnrIssuedCertificate *enr_issued_certificate_parse  (JsonNode   *content, GError **error);
EnrTransaction       *enr_transaction_parse         (JsonNode   *content, GError **error);
GPtrArray            *enr_transaction_list_parse    (JsonNode   *content, GError **error);
EnrTransactionResult *enr_transaction_result_parse  (JsonNode   *content, GError **error);
/* csc/signature/signhash: the new transaction's tranId. */
char                 *enr_sign_hash_parse           (JsonNode   *content, GError **error);
EnrTransactionInfo   *enr_transaction_info_parse    (JsonNode   *content, GError **error);
EnrAcceptance        *enr_acceptance_parse          (JsonNode   *content, GError **error);
GStrv                 enr_credential_list_parse     (JsonNode   *content, GError **error);
EnrCredentialInfo    *enr_credential_info_parse     (JsonNode   *content, GError **error);

void enr_smartca_tokens_free      (EnrSmartcaTokens     *value);
void enr_smartca_user_free        (EnrSmartcaUser       *value);
void enr_enrollment_status_free   (EnrEnrollmentStatus  *value);
void enr_document_free            (EnrDocument          *value);
void enr_contract_free            (EnrContract          *value);
void enr_otp_sent_free            (EnrOtpSent           *value);
void enr_contract_signed_free     (EnrContractSigned    *value);
void enr_activation_free          (EnrActivation        *value);
void enr_issued_certificate_free  (EnrIssuedCertificate *value);
void enr_transaction_free         (EnrTransaction       *value);
void enr_transaction_result_free  (EnrTransactionResult *value);
void enr_transaction_info_free    (EnrTransactionInfo   *value);
void enr_acceptance_free          (EnrAcceptance        *value);
void enr_credential_info_free     (EnrCredentialInfo    *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrSmartcaTokens, enr_smartca_tokens_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrSmartcaUser, enr_smartca_user_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrEnrollmentStatus, enr_enrollment_status_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrDocument, enr_document_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrContract, enr_contract_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrOtpSent, enr_otp_sent_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrContractSigned, enr_contract_signed_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrActivation, enr_activation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrIssuedCertificate, enr_issued_certificate_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrTransaction, enr_transaction_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrTransactionResult, enr_transaction_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrTransactionInfo, enr_transaction_info_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrAcceptance, enr_acceptance_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrCredentialInfo, enr_credential_info_free)

G_END_DECLS
