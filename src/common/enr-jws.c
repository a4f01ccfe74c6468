/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-jws"

#include "config.h"

#include <string.h>

#include "enr-base64url.h"
#include "enr-jws.h"

char *
enr_jws_signing_input (const char   *header_json,
                       const guint8 *payload,
                       gsize         payload_len)
{
  g_autofree char *header_part = NULL;
  g_autofree char *payload_part = NULL;

  g_return_val_if_fail (header_json != NULL, NULL);
  g_return_val_if_fail (payload != NULL || payload_len == 0, NULL);

  header_part = enr_base64url_encode ((const guint8 *) header_json, strlen (header_json));
  payload_part = enr_base64url_encode (payload, payload_len);
  return g_strconcat (header_part, ".", payload_part, NULL);
}

char *
enr_jws_join (const char   *signing_input,
              const guint8 *signature,
              gsize         signature_len)
{
  g_autofree char *signature_part = NULL;

  g_return_val_if_fail (signing_input != NULL, NULL);
  g_return_val_if_fail (signature != NULL && signature_len > 0, NULL);

  signature_part = enr_base64url_encode (signature, signature_len);
  return g_strconcat (signing_input, ".", signature_part, NULL);
}

void
enr_jws_parts_free (EnrJwsParts *parts)
{
  if (parts == NULL)
    return;
  g_free (parts->signing_input);
  g_clear_pointer (&parts->header, g_bytes_unref);
  g_clear_pointer (&parts->payload, g_bytes_unref);
  g_clear_pointer (&parts->signature, g_bytes_unref);
  g_free (parts);
}

static GBytes *
decode_part (const char *text,
             gsize       len,
             gboolean    may_be_empty)
{
  guint8 *data;
  gsize data_len = 0;

  if (len == 0)
    return may_be_empty ? g_bytes_new (NULL, 0) : NULL;
  data = enr_base64url_decode (text, len, &data_len);
  if (data == NULL)
    return NULL;
  if (data_len == 0 && !may_be_empty)
    {
      g_free (data);
      return NULL;
    }
  return g_bytes_new_take (data, data_len);
}

/*
 * Exactly three parts, each strict Base64url, a non-empty header and
 * signature. Returns NULL for anything else: the caller only has to say
 * "malformed", never guess what was meant.
 */
EnrJwsParts *
enr_jws_split (const char *compact,
               gssize      length)
{
  g_autoptr(EnrJwsParts) parts = NULL;
  const char *first_dot;
  const char *second_dot;
  const char *end;
  gsize len;

  g_return_val_if_fail (compact != NULL, NULL);

  len = length < 0 ? strnlen (compact, ENR_JWS_MAX_LENGTH + 1) : (gsize) length;
  if (len == 0 || len > ENR_JWS_MAX_LENGTH || memchr (compact, '\0', len) != NULL)
    return NULL;
  end = compact + len;

  first_dot = memchr (compact, '.', len);
  if (first_dot == NULL)
    return NULL;
  second_dot = memchr (first_dot + 1, '.', end - (first_dot + 1));
  if (second_dot == NULL || memchr (second_dot + 1, '.', end - (second_dot + 1)) != NULL)
    return NULL;

  parts = g_new0 (EnrJwsParts, 1);
  parts->header = decode_part (compact, first_dot - compact, FALSE);
  parts->payload = decode_part (first_dot + 1, second_dot - (first_dot + 1), TRUE);
  parts->signature = decode_part (second_dot + 1, end - (second_dot + 1), FALSE);
  if (parts->header == NULL || parts->payload == NULL || parts->signature == NULL)
    return NULL;
  parts->signing_input = g_strndup (compact, second_dot - compact);
  return g_steal_pointer (&parts);
}
