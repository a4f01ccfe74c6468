/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-secret"

#include "config.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "enr-base64url.h"
#include "enr-secure.h"
#include "sbx-secret.h"
#include "sbx-stats.h"

#define TOKEN_BYTES 32
#define SALT_BYTES 16
#define PASSWORD_HASH_BYTES 32

/* RFC 8628 §6.1: consonants only, no vowels to spell words, no look-alikes. */
static const char user_code_alphabet[] = "BCDFGHJKLMNPQRSTVWXZ";

/* Without randomness the sandbox can issue nothing safely: stop. */
static void
random_fill (gnutls_rnd_level_t  level,
             void               *data,
             gsize               len)
{
  int ret = gnutls_rnd (level, data, len);

  if (ret < 0)
    g_error ("The random number generator failed: %s", gnutls_strerror (ret));
}

char *
sbx_secret_new_token (void)
{
  guint8 raw[TOKEN_BYTES];
  char *token;

  random_fill (GNUTLS_RND_KEY, raw, sizeof raw);
  token = enr_base64url_encode (raw, sizeof raw);
  enr_secure_wipe (raw, sizeof raw);
  return token;
}

char *
sbx_secret_new_uuid (void)
{
  guint8 b[16];

  random_fill (GNUTLS_RND_RANDOM, b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;   /* version 4 */
  b[8] = (b[8] & 0x3f) | 0x80;   /* RFC 4122 variant */
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

char *
sbx_secret_new_user_code (void)
{
  const guint alphabet_len = sizeof user_code_alphabet - 1;
  /* The largest multiple of the alphabet's size a byte holds: bytes at or
   * above it are drawn again, so that every letter is equally likely. */
  const guint limit = 256 - 256 % alphabet_len;
  char code[10];
  guint n = 0;

  while (n < 8)
    {
      guint8 pool[16];

      random_fill (GNUTLS_RND_KEY, pool, sizeof pool);
      for (guint i = 0; i < sizeof pool && n < 8; i++)
        {
          if (pool[i] >= limit)
            continue;
          code[n < 4 ? n : n + 1] = user_code_alphabet[pool[i] % alphabet_len];
          n++;
        }
      enr_secure_wipe (pool, sizeof pool);
    }
  code[4] = '-';
  code[9] = '\0';
  return g_strdup (code);
}

char *
sbx_secret_new_otp (void)
{
  /* 4294 * 10^6 is the largest multiple of 10^6 below 2^32: values at or
   * above it are drawn again, so every OTP is equally likely. */
  const guint32 limit = 4294000000u;
  guint32 value;
  char *otp;

  do
    random_fill (GNUTLS_RND_KEY, &value, sizeof value);
  while (value >= limit);

  otp = g_strdup_printf ("%06u", value % 1000000u);
  value = 0;
  return otp;
}

GBytes *
sbx_secret_hash (const char *token)
{
  guint8 digest[32];

  g_return_val_if_fail (token != NULL, NULL);

  gnutls_hash_fast (GNUTLS_DIG_SHA256, token, strlen (token), digest);
  return g_bytes_new (digest, sizeof digest);
}

char *
sbx_secret_hash_hex (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

GBytes *
sbx_secret_random_bytes (gsize len)
{
  guint8 *data = g_malloc (len > 0 ? len : 1);

  random_fill (GNUTLS_RND_KEY, data, len);
  return g_bytes_new_take (data, len);
}

gboolean
sbx_secret_equal (GBytes *a,
                  GBytes *b)
{
  const guint8 *da, *db;
  gsize la, lb;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  da = g_bytes_get_data (a, &la);
  db = g_bytes_get_data (b, &lb);
  return la == lb && enr_secure_equal (da, db, la);
}

char *
sbx_mask_phone (const char *phone)
{
  gsize len;
  char *masked;

  if (phone == NULL)
    return g_strdup ("");

  len = strlen (phone);
  if (len <= 4)
    return g_strnfill (len, '*');

  masked = g_strdup (phone);
  memset (masked + 2, '*', len - 4);
  return masked;
}

static GBytes *
pbkdf2 (const char *password,
        GBytes     *salt,
        guint       iterations)
{
  g_autofree char *normalized = NULL;
  gnutls_datum_t key, salt_datum;
  guint8 out[PASSWORD_HASH_BYTES];
  gsize salt_len;
  GBytes *result;
  gint64 started;
  int ret;

  /* Both sides in NFC: "ộ" typed as one code point or as o + two combining
   * marks is the same password (PROTOCOL.md, "Conventions"). */
  normalized = g_utf8_normalize (password, -1, G_NORMALIZE_NFC);
  if (normalized == NULL)
    return NULL;

  started = sbx_stats_thread_cpu_us ();
  key.data = (unsigned char *) normalized;
  key.size = strlen (normalized);
  salt_datum.data = (unsigned char *) g_bytes_get_data (salt, &salt_len);
  salt_datum.size = salt_len;

  ret = gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &key, &salt_datum, iterations, out, sizeof out);
  enr_secure_wipe (normalized, key.size);
  sbx_stats_add_since (SBX_STAT_PASSWORD_HASH, started);
  if (ret < 0)
    {
      g_warning ("PBKDF2 failed: %s", gnutls_strerror (ret));
      return NULL;
    }

  result = g_bytes_new (out, sizeof out);
  enr_secure_wipe (out, sizeof out);
  return result;
}

void
sbx_password_hash (const char  *password,
                   GBytes     **salt,
                   GBytes     **hash,
                   guint       *iterations)
{
  g_autoptr(GBytes) new_salt = NULL;

  g_return_if_fail (password != NULL);
  g_return_if_fail (salt != NULL && hash != NULL && iterations != NULL);

  new_salt = sbx_secret_random_bytes (SALT_BYTES);
  *hash = pbkdf2 (password, new_salt, SBX_PASSWORD_ITERATIONS);
  *salt = g_steal_pointer (&new_salt);
  *iterations = SBX_PASSWORD_ITERATIONS;
}

gboolean
sbx_password_check (const char *password,
                    GBytes     *salt,
                    GBytes     *hash,
                    guint       iterations)
{
  g_autoptr(GBytes) candidate = NULL;

  g_return_val_if_fail (salt != NULL && hash != NULL, FALSE);

  if (password == NULL || iterations == 0)
    return FALSE;

  candidate = pbkdf2 (password, salt, iterations);
  if (candidate == NULL)
    return FALSE;
  return sbx_secret_equal (candidate, hash);
}

gboolean
sbx_password_check_unknown (const char *password)
{
  /* No PBKDF2 output is all zero bits but with a chance of 2^-256. */
  static const guint8 salt_data[SALT_BYTES] = { 0, };
  static const guint8 none[PASSWORD_HASH_BYTES] = { 0, };
  g_autoptr(GBytes) salt = g_bytes_new_static (salt_data, sizeof salt_data);
  g_autoptr(GBytes) hash = g_bytes_new_static (none, sizeof none);

  sbx_password_check (password, salt, hash, SBX_PASSWORD_ITERATIONS);
  return FALSE;
}
