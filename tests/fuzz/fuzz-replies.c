/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: every reply parser of the service layer on arbitrary
 * bytes. The input is a JSON document; each parser is tried on it as a
 * whole, as an OAuth error or token reply, and as an envelope's content.
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "enr-json-check.h"
#include "enr-json.h"
#include "enr-service-error.h"
#include "enr-smartca-types.h"
#include "enr-vneid-types.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
try_object_parsers (JsonObject *object)
{
  g_autoptr(GError) error = NULL;

  enr_device_authorization_free (enr_device_authorization_parse (object, NULL));
  enr_vneid_tokens_free (enr_vneid_tokens_parse (object, NULL));
  enr_otp_challenge_free (enr_otp_challenge_parse (object, NULL));
  enr_identity_free (enr_identity_parse (object, NULL));
  enr_registration_free (enr_registration_parse (object, NULL));
  enr_smartca_tokens_free (enr_smartca_tokens_parse (object, NULL));

  /* The details an error reply carries (attempts left, seconds to wait,
   * the refused state) are read as the error is made. */
  error = enr_service_error_from_oauth (400, object);
  (void) enr_service_error_get_details (error);
  g_clear_error (&error);
  error = enr_service_error_from_envelope (400, object);
  /* What the refusal said besides its code. */
  g_assert (enr_service_error_get_details (error) != NULL);
}

static void
try_content_parsers (JsonNode *content)
{
  g_auto(GStrv) ids = NULL;
  g_autoptr(GBytes) share = NULL;
  GPtrArray *list;

  enr_smartca_user_free (enr_smartca_user_parse (content, NULL));
  enr_enrollment_status_free (enr_enrollment_status_parse (content, NULL));
  enr_contract_free (enr_contract_parse (content, NULL));
  enr_otp_sent_free (enr_otp_sent_parse (content, NULL));
  enr_contract_signed_free (enr_contract_signed_parse (content, NULL));
  enr_activation_free (enr_activation_parse (content, NULL));
  g_clear_pointer (&share, g_bytes_unref);
  share = enr_pin_share_parse (content, NULL);
  enr_issued_certificate_free (enr_issued_certificate_parse (content, NULL));
  enr_transaction_free (enr_transaction_parse (content, NULL));
  enr_transaction_result_free (enr_transaction_result_parse (content, NULL));
  enr_acceptance_free (enr_acceptance_parse (content, NULL));
  enr_credential_info_free (enr_credential_info_parse (content, NULL));
  enr_transaction_info_free (enr_transaction_info_parse (content, NULL));
  g_free (enr_sign_hash_parse (content, NULL));
  ids = enr_credential_list_parse (content, NULL);
  list = enr_transaction_list_parse (content, NULL);
  g_clear_pointer (&list, g_ptr_array_unref);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;

  /* The HTTP core refuses what the strict check (at most 64 levels deep)
   * or json-glib refuses; the parsers see the rest. */
  if (!g_utf8_validate_len ((const char *) data, size, NULL) ||
      !enr_json_check ((const char *) data, size, ENR_JSON_MAX_DEPTH, NULL, NULL) ||
      !json_parser_load_from_data (parser, (const char *) data, (gssize) size, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return 0;

  try_content_parsers (root);
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);

      try_object_parsers (object);
      if (json_object_has_member (object, "content"))
        try_content_parsers (enr_json_envelope_content (object, NULL));
    }
  return 0;
}
