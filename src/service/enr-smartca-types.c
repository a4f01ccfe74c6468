/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-smartca-types"

#include "config.h"

#include <string.h>

#include "enr-json.h"
#include "enr-secure.h"
#include "enr-smartca-types.h"

static const char * const state_names[] = {
  [ENR_ENROLLMENT_SYNCING] = "SYNCING",
  [ENR_ENROLLMENT_CONTRACT_PENDING] = "CONTRACT_PENDING",
  [ENR_ENROLLMENT_ACTIVATION_PENDING] = "ACTIVATION_PENDING",
  [ENR_ENROLLMENT_CERTIFICATE_PENDING] = "CERTIFICATE_PENDING",
  [ENR_ENROLLMENT_ACCEPTANCE_PENDING] = "ACCEPTANCE_PENDING",
  [ENR_ENROLLMENT_ACTIVE] = "ACTIVE",
};

gboolean
enr_enrollment_state_from_string (const char         *text,
                                  EnrEnrollmentState *state)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (state_names); i++)
    if (g_str_equal (text, state_names[i]))
      {
        *state = (EnrEnrollmentState) i;
        return TRUE;
      }
  return FALSE;
}

const char *
enr_enrollment_state_to_string (EnrEnrollmentState state)
{
  g_return_val_if_fail ((guint) state < G_N_ELEMENTS (state_names), "");
  return state_names[state];
}

static JsonObject *
content_object (JsonNode  *content,
                GError   **error)
{
  if (content == NULL || !JSON_NODE_HOLDS_OBJECT (content))
    {
      enr_json_malformed (error, "content", "is not an object");
      return NULL;
    }
  return json_node_get_object (content);
}

static gboolean
read_state (JsonObject         *object,
            EnrEnrollmentState *state,
            GError            **error)
{
  g_autofree char *text = NULL;

  if (!enr_json_read_string (object, "state", FALSE, &text, error))
    return FALSE;
  if (!enr_enrollment_state_from_string (text, state))
    return enr_json_malformed (error, "state", "is not a known state");
  return TRUE;
}

/* "Base64 SHA-256" members: exactly 32 bytes once decoded. */
static gboolean
read_hash (JsonObject  *object,
           const char  *name,
           char       **out,
           GError     **error)
{
  g_autoptr(GBytes) digest = enr_json_read_base64 (object, name, error);

  if (digest == NULL)
    return FALSE;
  if (g_bytes_get_size (digest) != 32)
    return enr_json_malformed (error, name, "is not a SHA-256 digest");
  return enr_json_read_string (object, name, FALSE, out, error);
}

static GPtrArray *
read_der_list (JsonArray  *array,
               const char *name,
               GError    **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(JsonObject) wrapper = json_object_new ();
      GBytes *der;

      /* Reuse the strict Base64 reader on each element. */
      json_object_set_member (wrapper, name, json_node_copy (json_array_get_element (array, i)));
      der = enr_json_read_base64 (wrapper, name, error);
      if (der == NULL)
        return NULL;
      g_ptr_array_add (list, der);
    }
  return g_steal_pointer (&list);
}

/* Tokens (not in an envelope: OAuth shape) */

void
enr_smartca_tokens_free (EnrSmartcaTokens *value)
{
  if (value == NULL)
    return;
  enr_secure_string_free (value->access_token);
  enr_secure_string_free (value->refresh_token);
  g_free (value->scope);
  g_free (value);
}

EnrSmartcaTokens *
enr_smartca_tokens_parse (JsonObject  *object,
                          GError     **error)
{
  g_autoptr(EnrSmartcaTokens) value = g_new0 (EnrSmartcaTokens, 1);
  g_autofree char *token_type = NULL;

  if (!enr_json_read_string (object, "access_token", FALSE, &value->access_token, error) ||
      !enr_json_read_string (object, "refresh_token", FALSE, &value->refresh_token, error) ||
      !enr_json_read_string (object, "token_type", FALSE, &token_type, error) ||
      !enr_json_read_int (object, "expires_in", 1, G_MAXINT32, &value->expires_in, error) ||
      !enr_json_read_string (object, "scope", TRUE, &value->scope, error))
    return NULL;
  if (g_ascii_strcasecmp (token_type, "bearer") != 0)
    {
      enr_json_malformed (error, "token_type", "is not bearer");
      return NULL;
    }
  return g_steal_pointer (&value);
}

/* identityapi/userinfo/info */

void
enr_smartca_user_free (EnrSmartcaUser *value)
{
  if (value == NULL)
    return;
  enr_secure_string_free (value->uid);
  enr_secure_string_free (value->full_name);
  enr_secure_string_free (value->phone);
  enr_secure_string_free (value->email);
  g_free (value);
}

EnrSmartcaUser *
enr_smartca_user_parse (JsonNode  *content,
                        GError   **error)
{
  g_autoptr(EnrSmartcaUser) value = g_new0 (EnrSmartcaUser, 1);
  JsonObject *object = content_object (content, error);

  if (object == NULL ||
      !enr_json_read_string (object, "uid", FALSE, &value->uid, error) ||
      !enr_json_read_string (object, "fullName", FALSE, &value->full_name, error) ||
      !enr_json_read_string (object, "phone", FALSE, &value->phone, error) ||
      !enr_json_read_string (object, "email", TRUE, &value->email, error))
    return NULL;
  return g_steal_pointer (&value);
}

/* enrollment/status */

void
enr_enrollment_status_free (EnrEnrollmentStatus *value)
{
  if (value == NULL)
    return;
  g_free (value->registration_id);
  g_free (value->credential_id);
  g_free (value->acceptance_tran_id);
  g_free (value);
}

EnrEnrollmentStatus *
enr_enrollment_status_parse (JsonNode  *content,
                             GError   **error)
{
  g_autoptr(EnrEnrollmentStatus) value = g_new0 (EnrEnrollmentStatus, 1);
  JsonObject *object = content_object (content, error);

  if (object == NULL ||
      !enr_json_read_string (object, "registrationId", FALSE, &value->registration_id, error) ||
      !read_state (object, &value->state, error) ||
      !enr_json_read_string (object, "credentialId", TRUE, &value->credential_id, error) ||
      !enr_json_read_string (object, "acceptanceTranId", TRUE, &value->acceptance_tran_id, error) ||
      !enr_json_read_int (object, "pollAfterMs", 0, 600000, &value->poll_after_ms, error))
    return NULL;
  return g_steal_pointer (&value);
}

/* Documents */

void
enr_document_free (EnrDocument *value)
{
  if (value == NULL)
    return;
  g_free (value->name);
  g_clear_pointer (&value->data, g_bytes_unref);
  g_free (value);
}

static EnrDocument *
read_document (JsonObject  *object,
               GError     **error)
{
  g_autoptr(EnrDocument) value = g_new0 (EnrDocument, 1);

  if (!enr_json_read_string (object, "name", FALSE, &value->name, error))
    return NULL;
  /* The name becomes a file name: no way out of the folder it is saved in. */
  if (strchr (value->name, '/') != NULL || value->name[0] == '.')
    {
      enr_json_malformed (error, "name", "is not a plain file name");
      return NULL;
    }
  value->data = enr_json_read_base64 (object, "dataBase64", error);
  if (value->data == NULL)
    return NULL;
  return g_steal_pointer (&value);
}

static EnrDocument *
read_document_member (JsonObject  *object,
                      const char  *name,
                      GError     **error)
{
  JsonObject *document;

  if (!enr_json_read_object (object, name, FALSE, &document, error))
    return NULL;
  return read_document (document, error);
}

/* enrollment/contract */

void
enr_contract_free (EnrContract *value)
{
  if (value == NULL)
    return;
  g_free (value->contract_id);
  enr_document_free (value->document);
  g_free (value->hash);
  g_free (value->terms_version);
  g_free (value);
}

EnrContract *
enr_contract_parse (JsonNode  *content,
                    GError   **error)
{
  g_autoptr(EnrContract) value = g_new0 (EnrContract, 1);
  JsonObject *object = content_object (content, error);
  g_autoptr(GChecksum) checksum = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autofree char *computed = NULL;

  if (object == NULL ||
      !enr_json_read_string (object, "contractId", FALSE, &value->contract_id, error) ||
      (value->document = read_document (object, error)) == NULL ||
      !read_hash (object, "hash", &value->hash, error) ||
      !enr_json_read_string (object, "termsVersion", FALSE, &value->terms_version, error))
    return NULL;

  /* The citizen signs the hash: it must be that of the bytes they read. */
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, g_bytes_get_data (value->document->data, NULL),
                     g_bytes_get_size (value->document->data));
  g_checksum_get_digest (checksum, digest, &digest_len);
  computed = g_base64_encode (digest, digest_len);
  if (!g_str_equal (computed, value->hash))
    {
      enr_json_malformed (error, "hash", "is not the SHA-256 of dataBase64");
      return NULL;
    }
  return g_steal_pointer (&value);
}

/* OTP sent (contract and device) */

void
enr_otp_sent_free (EnrOtpSent *value)
{
  if (value == NULL)
    return;
  g_free (value->otp_sent_to);
  g_free (value);
}

EnrOtpSent *
enr_otp_sent_parse (JsonNode  *content,
                    GError   **error)
{
  g_autoptr(EnrOtpSent) value = g_new0 (EnrOtpSent, 1);
  JsonObject *object = content_object (content, error);

  if (object == NULL ||
      !enr_json_read_string (object, "otpSentTo", FALSE, &value->otp_sent_to, error) ||
      !enr_json_read_int (object, "expiresIn", 1, 86400, &value->expires_in, error) ||
      !enr_json_read_int (object, "resendAfter", 0, 86400, &value->resend_after, error))
    return NULL;
  return g_steal_pointer (&value);
}

/* enrollment/contract/sign */

void
enr_contract_signed_free (EnrContractSigned *value)
{
  if (value == NULL)
    return;
  g_free (value->signed_at);
  enr_document_free (value->signed_document);
  g_free (value);
}

EnrContractSigned *
enr_contract_signed_parse (JsonNode  *content,
                           GError   **error)
{
  g_autoptr(EnrContractSigned) value = g_new0 (EnrContractSigned, 1);
  JsonObject *object = content_object (content, error);

  if (object == NULL ||
      !enr_json_read_string (object, "signedAt", FALSE, &value->signed_at, error) ||
      !read_state (object, &value->state, error) ||
      (value->signed_document = read_document_member (object, "signedDocument", error)) == NULL)
    return NULL;
  return g_steal_pointer (&value);
}

/* enrollment/activate */

void
enr_activation_free (EnrActivation *value)
{
  if (value == NULL)
    return;
  g_free (value->credential_id);
  g_free (value->challenge);
  g_clear_pointer (&value->pin_share, g_bytes_unref);
  g_free (value);
}

EnrActivation *
enr_activation_parse (JsonNode  *content,
                      GError   **error)
{
  g_autoptr(EnrActivation) value = g_new0 (EnrActivation, 1);
  JsonObject *object = content_object (content, error);
  g_autoptr(GBytes) challenge = NULL;

  if (object == NULL ||
      !enr_json_read_string (object, "credentialId", FALSE, &value->credential_id, error) ||
      (challenge = enr_json_read_base64 (object, "challenge", error)) == NULL ||
      !enr_json_read_string (object, "challenge", FALSE, &value->challenge, error) ||
      !enr_json_read_int (object, "challengeExpiresIn", 1, 86400, &value->challenge_expires_in,
                          error) ||
      !read_state (object, &value->state, error) ||
      (value->pin_share = enr_json_read_secret (object, "pinShare", 32, error)) == NULL)
    return NULL;
  if (g_bytes_get_size (challenge) != 32)
    {
      enr_json_malformed (error, "challenge", "is not 32 bytes");
      return NULL;
    }
  return g_steal_pointer (&value);
}

/* ssa/sic/pin/verify, pin/change */

GBytes *
enr_pin_share_parse (JsonNode  *content,
                     GError   **error)
{
  JsonObject *object = content_object (content, error);

  if (object == NULL)
    return NULL;
  return enr_json_read_secret (object, "pinShare", 32, error);
}

/* enrollment/certificate */

void
enr_issued_certificate_free (EnrIssuedCertificate *value)
{
  if (value == NULL)
    return;
  g_clear_pointer (&value->certificate, g_bytes_unref);
  g_clear_pointer (&value->chain, g_ptr_array_unref);
  g_free (value->tran_id);
  g_free (value);
}

EnrIssuedCertificate *
enr_issued_certificate_parse (JsonNode  *content,
                              GError   **error)
{
  g_autoptr(EnrIssuedCertificate) value = g_new0 (EnrIssuedCertificate, 1);
  JsonObject *object = content_object (content, error);
  JsonArray *chain;

  if (object == NULL ||
      (value->certificate = enr_json_read_base64 (object, "certificate", error)) == NULL ||
      !enr_json_read_array (object, "chain", &chain, error) ||
      (value->chain = read_der_list (chain, "chain", error)) == NULL ||
      !read_state (object, &value->state, error) ||
      !enr_json_read_string (object, "tranId", FALSE, &value->tran_id, error))
    return NULL;
  return g_steal_pointer (&value);
}

/* Waiting transactions */

static void
enr_transaction_document_free (EnrTransactionDocument *value)
{
  if (value == NULL)
    return;
  g_free (value->name);
  g_free (value->type);
  g_free (value->hash);
  g_clear_pointer (&value->data, g_bytes_unref);
  g_free (value);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrTransactionDocument, enr_transaction_document_free)

static EnrTransactionDocument *
read_transaction_document (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(EnrTransactionDocument) value = g_new0 (EnrTransactionDocument, 1);
  JsonObject *object = content_object (node, error);
  JsonNode *data;

  if (object == NULL ||
      !enr_json_read_string (object, "name", FALSE, &value->name, error) ||
      !enr_json_read_string (object, "type", FALSE, &value->type, error) ||
      !enr_json_read_int (object, "size", 0, G_MAXINT32, &value->size, error) ||
      !read_hash (object, "hash", &value->hash, error))
    return NULL;
  if (!g_str_equal (value->type, "pdf") && !g_str_equal (value->type, "hash"))
    {
      enr_json_malformed (error, "type", "is neither pdf nor hash");
      return NULL;
    }

  data = json_object_get_member (object, "dataBase64");
  if (data != NULL && !JSON_NODE_HOLDS_NULL (data))
    {
      value->data = enr_json_read_base64 (object, "dataBase64", error);
      if (value->data == NULL)
        return NULL;
    }
  return g_steal_pointer (&value);
}

void
enr_transaction_free (EnrTransaction *value)
{
  if (value == NULL)
    return;
  g_free (value->tran_id);
  g_free (value->ref_tran_id);
  g_free (value->tran_type_desc);
  g_free (value->description);
  g_free (value->credential_id);
  g_clear_pointer (&value->documents, g_ptr_array_unref);
  g_free (value->challenge);
  g_free (value->expires_at);
  g_free (value->req_time);
  g_free (value);
}

EnrTransaction *
enr_transaction_parse (JsonNode  *content,
                       GError   **error)
{
  g_autoptr(EnrTransaction) value = g_new0 (EnrTransaction, 1);
  JsonObject *object = content_object (content, error);
  JsonArray *documents;

  if (object == NULL ||
      !enr_json_read_string (object, "tranId", FALSE, &value->tran_id, error) ||
      !enr_json_read_string (object, "refTranId", TRUE, &value->ref_tran_id, error) ||
      !enr_json_read_int (object, "tranType", 0, G_MAXINT32, &value->tran_type, error) ||
      !enr_json_read_string (object, "tranTypeDesc", FALSE, &value->tran_type_desc, error) ||
      !enr_json_read_string (object, "description", TRUE, &value->description, error) ||
      !enr_json_read_string (object, "credentialId", FALSE, &value->credential_id, error) ||
      !enr_json_read_array (object, "documents", &documents, error) ||
      !enr_json_read_string (object, "challenge", FALSE, &value->challenge, error) ||
      !enr_json_read_string (object, "expiresAt", FALSE, &value->expires_at, error) ||
      !enr_json_read_string (object, "reqTime", FALSE, &value->req_time, error))
    return NULL;

  if (json_array_get_length (documents) == 0 || json_array_get_length (documents) > 50)
    {
      enr_json_malformed (error, "documents", "does not hold 1 to 50 documents");
      return NULL;
    }
  value->documents = g_ptr_array_new_with_free_func (
      (GDestroyNotify) enr_transaction_document_free);
  for (guint i = 0; i < json_array_get_length (documents); i++)
    {
      EnrTransactionDocument *document =
          read_transaction_document (json_array_get_element (documents, i), error);

      if (document == NULL)
        return NULL;
      g_ptr_array_add (value->documents, document);
    }
  return g_steal_pointer (&value);
}

GPtrArray *
enr_transaction_list_parse (JsonNode  *content,
                            GError   **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) enr_transaction_free);
  JsonArray *array;

  if (content == NULL || !JSON_NODE_HOLDS_ARRAY (content))
    {
      enr_json_malformed (error, "content", "is not a list");
      return NULL;
    }
  array = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      EnrTransaction *transaction = enr_transaction_parse (json_array_get_element (array, i), error);

      if (transaction == NULL)
        return NULL;
      g_ptr_array_add (list, transaction);
    }
  return g_steal_pointer (&list);
}

void
enr_transaction_result_free (EnrTransactionResult *value)
{
  if (value == NULL)
    return;
  g_free (value->tran_id);
  g_free (value->tran_status_desc);
  g_free (value);
}

EnrTransactionResult *
enr_transaction_result_parse (JsonNode  *content,
                              GError   **error)
{
  g_autoptr(EnrTransactionResult) value = g_new0 (EnrTransactionResult, 1);
  JsonObject *object = content_object (content, error);

  if (object == NULL ||
      !enr_json_read_string (object, "tranId", FALSE, &value->tran_id, error) ||
      !enr_json_read_int (object, "tranStatus", 0, G_MAXINT32, &value->tran_status, error) ||
      !enr_json_read_string (object, "tranStatusDesc", FALSE, &value->tran_status_desc, error))
    return NULL;
  return g_steal_pointer (&value);
}

/* csc/signature/signhash and csc/credentials/gettraninfo */

char *
enr_sign_hash_parse (JsonNode  *content,
                     GError   **error)
{
  JsonObject *object = content_object (content, error);
  char *tran_id = NULL;

  if (object == NULL || !enr_json_read_string (object, "tranId", FALSE, &tran_id, error))
    return NULL;
  return tran_id;
}

static void
enr_signed_hash_free (EnrSignedHash *value)
{
  if (value == NULL)
    return;
  g_free (value->name);
  g_free (value->hash);
  g_clear_pointer (&value->sig, g_bytes_unref);
  g_free (value);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrSignedHash, enr_signed_hash_free)

static EnrSignedHash *
read_signed_hash (JsonNode  *node,
                  GError   **error)
{
  g_autoptr(EnrSignedHash) value = g_new0 (EnrSignedHash, 1);
  JsonObject *object = content_object (node, error);
  JsonNode *sig;

  if (object == NULL ||
      !enr_json_read_string (object, "name", FALSE, &value->name, error) ||
      !read_hash (object, "hash", &value->hash, error))
    return NULL;

  /* No sig (or null) while the citizen has not confirmed. */
  sig = json_object_get_member (object, "sig");
  if (sig != NULL && !JSON_NODE_HOLDS_NULL (sig))
    {
      value->sig = enr_json_read_base64 (object, "sig", error);
      if (value->sig == NULL)
        return NULL;
      if (g_bytes_get_size (value->sig) == 0)
        {
          enr_json_malformed (error, "sig", "is empty");
          return NULL;
        }
    }
  return g_steal_pointer (&value);
}

void
enr_transaction_info_free (EnrTransactionInfo *value)
{
  if (value == NULL)
    return;
  g_free (value->tran_id);
  g_free (value->ref_tran_id);
  g_free (value->tran_status_desc);
  g_clear_pointer (&value->documents, g_ptr_array_unref);
  g_free (value);
}

EnrTransactionInfo *
enr_transaction_info_parse (JsonNode  *content,
                            GError   **error)
{
  g_autoptr(EnrTransactionInfo) value = g_new0 (EnrTransactionInfo, 1);
  JsonObject *object = content_object (content, error);
  JsonArray *documents;

  if (object == NULL ||
      !enr_json_read_string (object, "tranId", FALSE, &value->tran_id, error) ||
      !enr_json_read_string (object, "refTranId", TRUE, &value->ref_tran_id, error) ||
      !enr_json_read_int (object, "tranStatus", 0, G_MAXINT32, &value->tran_status, error) ||
      !enr_json_read_string (object, "tranStatusDesc", FALSE, &value->tran_status_desc, error) ||
      !enr_json_read_array (object, "documents", &documents, error))
    return NULL;

  if (json_array_get_length (documents) == 0 || json_array_get_length (documents) > 50)
    {
      enr_json_malformed (error, "documents", "does not hold 1 to 50 documents");
      return NULL;
    }
  value->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) enr_signed_hash_free);
  for (guint i = 0; i < json_array_get_length (documents); i++)
    {
      EnrSignedHash *document = read_signed_hash (json_array_get_element (documents, i), error);

      if (document == NULL)
        return NULL;
      g_ptr_array_add (value->documents, document);
    }
  return g_steal_pointer (&value);
}

/* enrollment/acceptance */

void
enr_acceptance_free (EnrAcceptance *value)
{
  if (value == NULL)
    return;
  enr_document_free (value->signed_document);
  g_free (value);
}

EnrAcceptance *
enr_acceptance_parse (JsonNode  *content,
                      GError   **error)
{
  g_autoptr(EnrAcceptance) value = g_new0 (EnrAcceptance, 1);
  JsonObject *object = content_object (content, error);

  if (object == NULL ||
      !read_state (object, &value->state, error) ||
      (value->signed_document = read_document_member (object, "signedDocument", error)) == NULL)
    return NULL;
  return g_steal_pointer (&value);
}

/* csc/credentials/list and info */

GStrv
enr_credential_list_parse (JsonNode  *content,
                           GError   **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (content == NULL || !JSON_NODE_HOLDS_ARRAY (content))
    {
      enr_json_malformed (error, "content", "is not a list");
      return NULL;
    }
  array = json_node_get_array (content);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (json_node_get_value_type (node) != G_TYPE_STRING)
        {
          enr_json_malformed (error, "content", "holds something other than ids");
          return NULL;
        }
      g_strv_builder_add (builder, json_node_get_string (node));
    }
  return g_strv_builder_end (builder);
}

void
enr_credential_info_free (EnrCredentialInfo *value)
{
  if (value == NULL)
    return;
  g_free (value->key_status);
  g_free (value->cert_status);
  g_free (value->serial_number);
  g_free (value->subject_dn);
  g_free (value->issuer_dn);
  g_clear_pointer (&value->certificates, g_ptr_array_unref);
  g_free (value->valid_from);
  g_free (value->valid_to);
  g_free (value->status);
  g_free (value);
}

EnrCredentialInfo *
enr_credential_info_parse (JsonNode  *content,
                           GError   **error)
{
  g_autoptr(EnrCredentialInfo) value = g_new0 (EnrCredentialInfo, 1);
  JsonObject *object = content_object (content, error);
  JsonObject *key, *cert;
  JsonArray *certificates;

  if (object == NULL ||
      !enr_json_read_object (object, "key", FALSE, &key, error) ||
      !enr_json_read_string (key, "status", FALSE, &value->key_status, error) ||
      !enr_json_read_int (key, "len", 1024, 16384, &value->key_length, error) ||
      !enr_json_read_object (object, "cert", FALSE, &cert, error) ||
      !enr_json_read_string (cert, "status", FALSE, &value->cert_status, error) ||
      !enr_json_read_string (cert, "serialNumber", FALSE, &value->serial_number, error) ||
      !enr_json_read_string (cert, "subjectDN", FALSE, &value->subject_dn, error) ||
      !enr_json_read_string (cert, "issuerDN", FALSE, &value->issuer_dn, error) ||
      !enr_json_read_array (cert, "certificates", &certificates, error) ||
      (value->certificates = read_der_list (certificates, "certificates", error)) == NULL ||
      !enr_json_read_string (cert, "validFrom", FALSE, &value->valid_from, error) ||
      !enr_json_read_string (cert, "validTo", FALSE, &value->valid_to, error) ||
      !enr_json_read_string (object, "status", FALSE, &value->status, error))
    return NULL;
  return g_steal_pointer (&value);
}
