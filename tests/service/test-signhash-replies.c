/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The readers of an app's own signing request's replies (PROTOCOL.md rev 2,
 * "The citizen's own documents"): csc/signature/signhash's tranId and
 * csc/credentials/gettraninfo's sig per hash, before and after the citizen
 * confirmed, and replies that break the protocol.
 */
#include "config.h"

#include "enr-service-error.h"
#include "enr-smartca-types.h"

/* Base64 of 32 bytes: a SHA-256. */
#define HASH_A "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
#define HASH_B "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8="

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_sign_hash (void)
{
  g_autoptr(JsonNode) good = parse ("{\"tranId\": \"t-1\"}");
  g_autoptr(JsonNode) bad = parse ("{\"tranId\": 7}");
  g_autoptr(GError) error = NULL;
  g_autofree char *tran_id = enr_sign_hash_parse (good, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (tran_id, ==, "t-1");
  g_assert_null (enr_sign_hash_parse (bad, &error));
  g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY);
}

static void
test_signed (void)
{
  g_autoptr(JsonNode) node = parse (
    "{\"tranId\": \"t-1\", \"refTranId\": \"r-1\", \"tranStatus\": 1, "
    "\"tranStatusDesc\": \"SUCCESS\", \"documents\": ["
    "{\"name\": \"a.pdf\", \"hash\": \"" HASH_A "\", \"sig\": \"AQID\"},"
    "{\"name\": \"b.pdf\", \"hash\": \"" HASH_B "\", \"sig\": \"BAUG\"}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrTransactionInfo) info = enr_transaction_info_parse (node, &error);
  EnrSignedHash *second;

  g_assert_no_error (error);
  g_assert_cmpstr (info->tran_id, ==, "t-1");
  g_assert_cmpstr (info->ref_tran_id, ==, "r-1");
  g_assert_cmpint (info->tran_status, ==, 1);
  g_assert_cmpuint (info->documents->len, ==, 2);
  second = g_ptr_array_index (info->documents, 1);
  g_assert_cmpstr (second->name, ==, "b.pdf");
  g_assert_cmpstr (second->hash, ==, HASH_B);
  g_assert_cmpuint (g_bytes_get_size (second->sig), ==, 3);
  g_assert_cmpint (((const guint8 *) g_bytes_get_data (second->sig, NULL))[2], ==, 6);
}

/* Waiting for the citizen: no sig yet, missing or null. */
static void
test_waiting (void)
{
  g_autoptr(JsonNode) node = parse (
    "{\"tranId\": \"t-1\", \"tranStatus\": 4000, \"tranStatusDesc\": \"WAITING\", "
    "\"documents\": [{\"name\": \"a.pdf\", \"hash\": \"" HASH_A "\", \"sig\": null},"
    "{\"name\": \"b.pdf\", \"hash\": \"" HASH_B "\"}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrTransactionInfo) info = enr_transaction_info_parse (node, &error);

  g_assert_no_error (error);
  g_assert_null (info->ref_tran_id);
  g_assert_cmpint (info->tran_status, ==, 4000);
  for (guint i = 0; i < info->documents->len; i++)
    g_assert_null (((EnrSignedHash *) g_ptr_array_index (info->documents, i))->sig);
}

static void
test_malformed (void)
{
  const char *bad[] = {
    /* no documents */
    "{\"tranId\": \"t\", \"tranStatus\": 1, \"tranStatusDesc\": \"S\", \"documents\": []}",
    /* a hash that is not a SHA-256 */
    "{\"tranId\": \"t\", \"tranStatus\": 1, \"tranStatusDesc\": \"S\", \"documents\": "
    "[{\"name\": \"a\", \"hash\": \"AQID\", \"sig\": \"AQID\"}]}",
    /* a sig that is not Base64, and an empty one */
    "{\"tranId\": \"t\", \"tranStatus\": 1, \"tranStatusDesc\": \"S\", \"documents\": "
    "[{\"name\": \"a\", \"hash\": \"" HASH_A "\", \"sig\": \"**\"}]}",
    "{\"tranId\": \"t\", \"tranStatus\": 1, \"tranStatusDesc\": \"S\", \"documents\": "
    "[{\"name\": \"a\", \"hash\": \"" HASH_A "\", \"sig\": \"\"}]}",
    /* a status of the wrong type, no tranId */
    "{\"tranId\": \"t\", \"tranStatus\": \"1\", \"tranStatusDesc\": \"S\", \"documents\": "
    "[{\"name\": \"a\", \"hash\": \"" HASH_A "\"}]}",
    "{\"tranStatus\": 1, \"tranStatusDesc\": \"S\", \"documents\": "
    "[{\"name\": \"a\", \"hash\": \"" HASH_A "\"}]}",
    "[]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = parse (bad[i]);
      g_autoptr(GError) error = NULL;

      g_assert_null (enr_transaction_info_parse (node, &error));
      g_assert_error (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/signhash-replies/sign-hash", test_sign_hash);
  g_test_add_func ("/signhash-replies/signed", test_signed);
  g_test_add_func ("/signhash-replies/waiting", test_waiting);
  g_test_add_func ("/signhash-replies/malformed", test_malformed);
  return g_test_run ();
}
