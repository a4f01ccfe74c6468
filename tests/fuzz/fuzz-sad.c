/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the SAD on both sides. The first byte chooses what the
 * rest is:
 *
 *   0  a compact JWS as it arrives, checked by the sandbox (sbx_sad_check)
 *      and by the client's own verifier (enr_sad_verify);
 *   1  "HEADER\nCLAIMS": JSON texts the harness signs with a real KAK, so
 *      that the claims parser behind the signature is reached;
 *   2  "ISS\nSUB\nTXN\nCHALLENGE": the claims the program puts in a SAD
 *      (enr_sad_create); the sandbox must then accept exactly that SAD, so
 *      the two sides agree on how every string is written. The program
 *      does not write revision 2's "hashes" yet: the harness adds
 *      "hashes":[] to its claims and signs them again.
 *
 * One KAK is made for the whole run: key generation is not under test.
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "enr-jws.h"
#include "enr-kak.h"
#include "enr-sad-verify.h"
#include "enr-sad.h"
#include "sbx-sad.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define NOW_S ((gint64) 1796115600)   /* 2026-12-01 09:00 UTC */

static EnrKak *kak;
static GBytes *spki;

static void
ensure_kak (void)
{
  g_autoptr(GError) error = NULL;

  if (kak != NULL)
    return;
  kak = enr_kak_generate (&error);
  g_assert_no_error (error);
  spki = enr_kak_get_public_key (kak);
}

/* Both verifiers on one token. They need not agree: the client's checks
 * its own header byte for byte, the sandbox's takes any RS256 header
 * without "crit" (RFC 7515). */
static SbxSadResult
check_both (const char           *sad,
            const SbxSadExpected *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *claims = NULL;
  g_autofree char *reason = NULL;
  SbxSadResult result;

  result = sbx_sad_check (sad, expected, NOW_S * 1000, &reason);
  g_assert_true ((result == SBX_SAD_OK) == (reason == NULL));
  claims = enr_sad_verify (sad, spki, &error);
  g_assert_true ((claims == NULL) == (error != NULL));
  return result;
}

static char *
sign (const char   *header,
      const guint8 *payload,
      gsize         payload_len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *input = enr_jws_signing_input (header, payload, payload_len);
  g_autoptr(GBytes) signature = enr_kak_sign (kak, (const guint8 *) input, strlen (input), &error);
  gsize len;
  const guint8 *bytes;

  g_assert_no_error (error);
  bytes = g_bytes_get_data (signature, &len);
  return enr_jws_join (input, bytes, len);
}

/* @sad's claims with "hashes":[] added as the last member, signed again. */
static char *
with_no_hashes (const char *sad)
{
  g_autoptr(EnrJwsParts) parts = enr_jws_split (sad, -1);
  g_autofree char *header = NULL;
  g_autoptr(GString) claims = NULL;
  gsize len;
  const char *payload;

  g_assert_nonnull (parts);
  header = g_strndup (g_bytes_get_data (parts->header, NULL), g_bytes_get_size (parts->header));
  payload = g_bytes_get_data (parts->payload, &len);
  g_assert_true (len > 1 && payload[len - 1] == '}');
  claims = g_string_new_len (payload, len - 1);
  g_string_append (claims, ",\"hashes\":[]}");
  return sign (header, (const guint8 *) claims->str, claims->len);
}

static void
fuzz_created (char **fields)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *created = NULL;
  g_autofree char *sad = NULL;
  EnrSadClaims claims = {
    .device_id = fields[0],
    .credential_id = fields[1],
    .txn = fields[2],
    .challenge = fields[3],
    .issued_at = NOW_S,
    .lifetime_s = 120,
  };
  SbxSadExpected expected = {
    .kak_public_key = spki,
    .device_id = fields[0],
    .credential_id = fields[1],
    .txn = fields[2],
    .challenge = fields[3],
    .expires_at_ms = (NOW_S + 300) * 1000,
  };

  for (guint i = 0; i < 4; i++)
    if (!g_utf8_validate (fields[i], -1, NULL))
      return;
  created = enr_sad_create (kak, &claims, &error);
  g_assert_no_error (error);
  sad = with_no_hashes (created);
  g_assert_cmpint (check_both (sad, &expected), ==, SBX_SAD_OK);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  SbxSadExpected expected = {
    .device_id = "dev-1",
    .credential_id = "cred-1",
    .txn = "activation",
    .challenge = "Y2hhbGxlbmdl",
    .expires_at_ms = (NOW_S + 300) * 1000,
  };

  if (size < 1)
    return 0;
  ensure_kak ();
  expected.kak_public_key = spki;
  text = g_strndup ((const char *) data + 1, size - 1);

  switch (data[0] % 3)
    {
    case 0:
      check_both (text, &expected);
      break;
    case 1:
      {
        char *newline = strchr (text, '\n');
        g_autofree char *sad = NULL;

        if (newline == NULL)
          break;
        *newline = '\0';
        sad = sign (text, (const guint8 *) newline + 1, strlen (newline + 1));
        check_both (sad, &expected);
      }
      break;
    default:
      fields = g_strsplit (text, "\n", 4);
      if (g_strv_length (fields) == 4)
        fuzz_created (fields);
      break;
    }
  return 0;
}
