/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-sad"

#include "config.h"

#include <string.h>

#include "enr-jws.h"
#include "enr-sad.h"

/* A JSON string (RFC 8259 §7) for values that come from the service. */
static void
append_json_string (GString    *out,
                    const char *value)
{
  g_string_append_c (out, '"');
  for (const char *c = value; *c != '\0'; c++)
    {
      guchar u = (guchar) *c;

      if (u == '"' || u == '\\')
        {
          g_string_append_c (out, '\\');
          g_string_append_c (out, *c);
        }
      else if (u < 0x20)
        g_string_append_printf (out, "\\u%04x", u);
      else
        g_string_append_c (out, *c);
    }
  g_string_append_c (out, '"');
}

static void
append_member (GString    *out,
               const char *name,
               const char *value)
{
  if (out->len > 1)
    g_string_append_c (out, ',');
  append_json_string (out, name);
  g_string_append_c (out, ':');
  append_json_string (out, value);
}

char *
enr_sad_create (EnrKak              *kak,
                const EnrSadClaims  *claims,
                GError             **error)
{
  g_autoptr(GString) json = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *signing_input = NULL;
  gint64 issued_at;
  guint lifetime;
  const guint8 *sig_data;
  gsize sig_len;

  g_return_val_if_fail (ENR_IS_KAK (kak), NULL);
  g_return_val_if_fail (claims != NULL, NULL);
  g_return_val_if_fail (claims->device_id != NULL && claims->credential_id != NULL, NULL);
  g_return_val_if_fail (claims->txn != NULL && claims->challenge != NULL, NULL);
  g_return_val_if_fail (g_utf8_validate (claims->device_id, -1, NULL) &&
                        g_utf8_validate (claims->credential_id, -1, NULL) &&
                        g_utf8_validate (claims->txn, -1, NULL) &&
                        g_utf8_validate (claims->challenge, -1, NULL), NULL);
  for (guint i = 0; claims->hashes != NULL && claims->hashes[i] != NULL; i++)
    g_return_val_if_fail (g_utf8_validate (claims->hashes[i], -1, NULL), NULL);

  issued_at = claims->issued_at != 0 ? claims->issued_at : g_get_real_time () / G_USEC_PER_SEC;
  lifetime = claims->lifetime_s != 0 ? MIN (claims->lifetime_s, ENR_SAD_MAX_LIFETIME_S)
                                     : ENR_SAD_MAX_LIFETIME_S;

  json = g_string_new ("{");
  append_member (json, "iss", claims->device_id);
  append_member (json, "sub", claims->credential_id);
  append_member (json, "aud", "smartca");
  append_member (json, "txn", claims->txn);
  append_member (json, "challenge", claims->challenge);
  /* The authorisation names what it signs (sole control, SCAL2): the
   * service refuses a SAD whose list differs from its documents'. */
  g_string_append (json, ",\"hashes\":[");
  for (guint i = 0; claims->hashes != NULL && claims->hashes[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (json, ',');
      append_json_string (json, claims->hashes[i]);
    }
  g_string_append_c (json, ']');
  g_string_append_printf (json, ",\"iat\":%" G_GINT64_FORMAT ",\"exp\":%" G_GINT64_FORMAT "}",
                          issued_at, issued_at + lifetime);

  signing_input = enr_jws_signing_input (ENR_SAD_JWS_HEADER, (const guint8 *) json->str,
                                         json->len);
  signature = enr_kak_sign (kak, (const guint8 *) signing_input, strlen (signing_input), error);
  if (signature == NULL)
    return NULL;
  sig_data = g_bytes_get_data (signature, &sig_len);
  g_debug ("SAD for txn %s, iat %" G_GINT64_FORMAT, claims->txn, issued_at);
  return enr_jws_join (signing_input, sig_data, sig_len);
}
