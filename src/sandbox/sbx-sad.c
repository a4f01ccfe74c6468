/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-sad"

#include "config.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "enr-jws.h"
#include "sbx-sad.h"

#define KAK_BITS 2048
#define HASH_BYTES 32
/* iat and exp are seconds since 1970; beyond the year 9999 there is
 * nothing to compare, and a difference of two such values cannot overflow. */
#define MAX_TIME_S G_GINT64_CONSTANT (253402300799)

static gnutls_pubkey_t
import_spki (GBytes *spki)
{
  gnutls_pubkey_t key = NULL;
  gnutls_datum_t der;
  gsize len;

  der.data = (unsigned char *) g_bytes_get_data (spki, &len);
  der.size = (unsigned int) len;
  if (len == 0 || len > 4096 || gnutls_pubkey_init (&key) < 0)
    return NULL;
  if (gnutls_pubkey_import (key, &der, GNUTLS_X509_FMT_DER) < 0)
    g_clear_pointer (&key, gnutls_pubkey_deinit);
  return key;
}

gboolean
sbx_sad_check_kak (GBytes      *spki,
                   const char **problem)
{
  gnutls_pubkey_t key;
  gnutls_datum_t n = { NULL, 0 }, e = { NULL, 0 };
  unsigned int bits = 0;
  gboolean ok;

  g_return_val_if_fail (spki != NULL, FALSE);

  key = import_spki (spki);
  if (key == NULL)
    {
      *problem = "is not a SubjectPublicKeyInfo";
      return FALSE;
    }
  ok = gnutls_pubkey_get_pk_algorithm (key, &bits) == GNUTLS_PK_RSA &&
       gnutls_pubkey_export_rsa_raw2 (key, &n, &e, GNUTLS_EXPORT_FLAG_NO_LZ) >= 0;
  if (!ok)
    *problem = "is not an RSA key";
  else if (bits != KAK_BITS)
    {
      *problem = "is not a 2048-bit RSA key";
      ok = FALSE;
    }
  else if (e.size != 3 || memcmp (e.data, "\x01\x00\x01", 3) != 0)
    {
      *problem = "does not have the public exponent 65537";
      ok = FALSE;
    }
  gnutls_free (n.data);
  gnutls_free (e.data);
  gnutls_pubkey_deinit (key);
  return ok;
}

static gboolean
header_is_rs256 (GBytes *header)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *object;
  gsize len;
  const char *data = g_bytes_get_data (header, &len);

  /* An empty part has no data at all: nothing to parse (found by
   * tests/fuzz/fuzz-sad.c). */
  if (len == 0 || !g_utf8_validate (data, (gssize) len, NULL) ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);
  /* A "typ" other than JWT is a different kind of token. */
  return g_strcmp0 (json_object_get_string_member_with_default (object, "alg", NULL),
                    "RS256") == 0 &&
         g_strcmp0 (json_object_get_string_member_with_default (object, "typ", "JWT"),
                    "JWT") == 0 &&
         !json_object_has_member (object, "crit");
}

static const char *
string_claim (JsonObject *claims,
              const char *name)
{
  JsonNode *node = json_object_get_member (claims, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
int_claim (JsonObject *claims,
           const char *name,
           gint64     *out)
{
  JsonNode *node = json_object_get_member (claims, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

/* Compares in time that does not depend on where they differ. */
static gboolean
same_string (const char *a,
             const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  volatile guint8 diff = 0;

  if (la != lb)
    return FALSE;
  for (gsize i = 0; i < la; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i];
  return diff == 0;
}

/* Strict standard Base64 of exactly 32 bytes, into @out. */
static gboolean
decode_hash (const char *text,
             guint8      out[HASH_BYTES])
{
  gsize len = strlen (text), out_len = 0;
  g_autofree guchar *data = NULL;

  /* 32 bytes are 44 characters, the last one '=' and no other padding. */
  if (len != 44 || text[43] != '=')
    return FALSE;
  for (gsize i = 0; i < 43; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
      return FALSE;
  data = g_base64_decode (text, &out_len);
  if (out_len != HASH_BYTES)
    return FALSE;
  memcpy (out, data, HASH_BYTES);
  return TRUE;
}

/* Whether the "hashes" claim names exactly @expected, as decoded values in
 * the same order. */
static gboolean
hashes_match (JsonObject         *claims,
              const char * const *expected)
{
  JsonNode *node = json_object_get_member (claims, "hashes");
  JsonArray *array;
  guint n, n_expected = expected != NULL ? g_strv_length ((char **) expected) : 0;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n != n_expected)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      guint8 claimed[HASH_BYTES], wanted[HASH_BYTES];

      if (!JSON_NODE_HOLDS_VALUE (element) ||
          json_node_get_value_type (element) != G_TYPE_STRING ||
          !decode_hash (json_node_get_string (element), claimed) ||
          !decode_hash (expected[i], wanted) ||
          memcmp (claimed, wanted, HASH_BYTES) != 0)
        return FALSE;
    }
  return TRUE;
}

static SbxSadResult
refuse (char       **reason,
        const char  *why)
{
  if (reason != NULL)
    *reason = g_strdup (why);
  return SBX_SAD_INVALID;
}

SbxSadResult
sbx_sad_check (const char            *sad,
               const SbxSadExpected  *expected,
               gint64                 now_ms,
               char                 **reason)
{
  g_autoptr(EnrJwsParts) parts = NULL;
  g_autoptr(JsonParser) parser = NULL;
  gnutls_pubkey_t key;
  gnutls_datum_t input, signature;
  JsonNode *root;
  JsonObject *claims;
  const char *payload;
  gsize payload_len, signature_len;
  gint64 iat, exp, now_s = now_ms / 1000;
  const char *challenge;
  int ret;

  g_return_val_if_fail (sad != NULL, SBX_SAD_INVALID);
  g_return_val_if_fail (expected != NULL && expected->kak_public_key != NULL, SBX_SAD_INVALID);

  if (reason != NULL)
    *reason = NULL;

  parts = enr_jws_split (sad, -1);
  if (parts == NULL)
    return refuse (reason, "not a compact JWS");
  if (!header_is_rs256 (parts->header))
    return refuse (reason, "the header is not {\"alg\":\"RS256\",\"typ\":\"JWT\"}");

  key = import_spki (expected->kak_public_key);
  if (key == NULL)
    return refuse (reason, "the registered KAK cannot be read");
  input.data = (unsigned char *) parts->signing_input;
  input.size = (unsigned int) strlen (parts->signing_input);
  signature.data = (unsigned char *) g_bytes_get_data (parts->signature, &signature_len);
  signature.size = (unsigned int) signature_len;
  ret = gnutls_pubkey_verify_data2 (key, GNUTLS_SIGN_RSA_SHA256, 0, &input, &signature);
  gnutls_pubkey_deinit (key);
  if (ret < 0)
    return refuse (reason, "the signature is not the registered KAK's");

  /* Signed by the KAK: from here on the claims are the citizen's device's. */
  payload = g_bytes_get_data (parts->payload, &payload_len);
  parser = json_parser_new_immutable ();
  if (payload_len == 0 || !g_utf8_validate (payload, (gssize) payload_len, NULL) ||
      !json_parser_load_from_data (parser, payload, (gssize) payload_len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return refuse (reason, "the claims are not a JSON object");
  claims = json_node_get_object (root);

  if (g_strcmp0 (string_claim (claims, "aud"), "smartca") != 0)
    return refuse (reason, "aud is not smartca");
  if (g_strcmp0 (string_claim (claims, "sub"), expected->credential_id) != 0)
    return refuse (reason, "sub is not the credential");
  if (g_strcmp0 (string_claim (claims, "iss"), expected->device_id) != 0)
    return refuse (reason, "iss is not the credential's device");
  if (g_strcmp0 (string_claim (claims, "txn"), expected->txn) != 0)
    return refuse (reason, "txn is not this transaction");
  if (!int_claim (claims, "iat", &iat) || !int_claim (claims, "exp", &exp))
    return refuse (reason, "iat or exp is missing");
  /* The ranges first: exp - iat of two arbitrary integers can overflow. */
  if (iat < 0 || iat > MAX_TIME_S || exp < 0 || exp > MAX_TIME_S)
    return refuse (reason, "iat or exp is out of range");
  if (exp - iat <= 0 || exp - iat > 300)
    return refuse (reason, "the SAD does not live between 1 and 300 s");
  if (iat > now_s + SBX_SAD_CLOCK_SKEW_S)
    return refuse (reason, "iat is in the future");
  if (exp + SBX_SAD_CLOCK_SKEW_S < now_s)
    return refuse (reason, "the SAD has expired");

  if (!hashes_match (claims, expected->hashes))
    return refuse (reason, "hashes is missing or does not name the documents in their order");

  challenge = string_claim (claims, "challenge");
  if (challenge == NULL || expected->challenge == NULL ||
      !same_string (challenge, expected->challenge))
    return refuse (reason, "not the open challenge of this transaction (used, replaced or never "
                           "issued)");

  if (now_ms >= expected->expires_at_ms)
    {
      if (reason != NULL)
        *reason = g_strdup ("the challenge has expired");
      return SBX_SAD_CHALLENGE_EXPIRED;
    }
  return SBX_SAD_OK;
}
