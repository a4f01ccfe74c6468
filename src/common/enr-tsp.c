/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-tsp"

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "enr-asn1.h"
#include "enr-cms.h"
#include "enr-tsp.h"

G_DEFINE_QUARK (enr-tsp-error-quark, enr_tsp_error)

/* PKIStatus (RFC 3161 §2.4.2). */
#define STATUS_GRANTED            0
#define STATUS_GRANTED_WITH_MODS  1
#define STATUS_REJECTION          2
#define STATUS_WAITING            3

/* PKIFailureInfo's systemFailure bit: the TSA's own trouble. */
#define FAILURE_SYSTEM 25

/* A nonce as the content octets of a positive INTEGER: big-endian, no
 * leading zero octet but the one that keeps a top bit from reading as a
 * sign. */
static gsize
nonce_octets (guint64 nonce,
              guint8  out[9])
{
  guint8 be[8];
  gsize skip = 0;
  gsize len;

  for (int i = 0; i < 8; i++)
    be[i] = (guint8) (nonce >> (56 - 8 * i));
  while (skip < 7 && be[skip] == 0 && (be[skip + 1] & 0x80) == 0)
    skip++;
  len = 0;
  if (be[skip] & 0x80)
    out[len++] = 0;
  memcpy (out + len, be + skip, 8 - skip);
  return len + 8 - skip;
}

GBytes *
enr_tsp_request_new (const guint8   imprint[ENR_TSP_IMPRINT_LENGTH],
                     guint64        nonce,
                     GError       **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new ("TimeStampReq");
  guint8 octets[9];
  gsize octets_len = nonce_octets (nonce, octets);

  g_return_val_if_fail (imprint != NULL, NULL);

  if (!enr_asn1_write (node, "version", "1", 0, error) ||
      !enr_asn1_write (node, "messageImprint.hashAlgorithm.algorithm", ENR_ASN1_OID_SHA256, 0,
                       error) ||
      !enr_asn1_write (node, "messageImprint.hashAlgorithm.parameters", NULL, 0, error) ||
      !enr_asn1_write (node, "messageImprint.hashedMessage", imprint, ENR_TSP_IMPRINT_LENGTH,
                       error) ||
      !enr_asn1_write (node, "reqPolicy", NULL, 0, error) ||
      !enr_asn1_write (node, "nonce", octets, (int) octets_len, error) ||
      !enr_asn1_write (node, "certReq", "TRUE", 1, error) ||
      !enr_asn1_write (node, "extensions", NULL, 0, error))
    return NULL;
  return enr_asn1_encode (node, "", error);
}

void
enr_tst_info_free (EnrTstInfo *info)
{
  if (info == NULL)
    return;
  g_clear_pointer (&info->tst_info, g_bytes_unref);
  g_free (info->policy);
  g_clear_pointer (&info->gen_time, g_date_time_unref);
  g_clear_pointer (&info->serial, g_bytes_unref);
  g_clear_pointer (&info->nonce, g_bytes_unref);
  g_free (info);
}

static gpointer
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, ENR_TSP_ERROR, ENR_TSP_ERROR_MALFORMED, "Not a time stamp: %s", what);
  return NULL;
}

/* GeneralizedTime as libtasn1 reads it: "YYYYMMDDhhmmss[.f]Z". */
static GDateTime *
read_gen_time (asn1_node node)
{
  char text[64];
  int len = sizeof text - 1;

  if (asn1_read_value (node, "genTime", text, &len) != ASN1_SUCCESS || len < 15 ||
      len >= (int) sizeof text)
    return NULL;
  text[len] = '\0';
  return enr_cms_parse_time_text (text, FALSE);
}

EnrTstInfo *
enr_tsp_token_parse (const guint8  *der,
                     gsize          len,
                     GError       **error)
{
  g_autoptr(EnrCmsInfo) cms = NULL;
  g_autoptr(asn1_node_st) node = NULL;
  g_autoptr(EnrTstInfo) info = NULL;
  g_autoptr(GBytes) version = NULL;
  g_autoptr(GBytes) imprint = NULL;
  g_autofree char *algorithm = NULL;
  g_autoptr(GError) local = NULL;

  cms = enr_cms_parse (der, len, &local);
  if (cms == NULL)
    return malformed (error, local->message);
  if (g_strcmp0 (cms->content_type, ENR_ASN1_OID_TST_INFO) != 0 || cms->content == NULL)
    return malformed (error, "the token's content is not a TSTInfo");
  node = enr_asn1_decode ("TSTInfo", g_bytes_get_data (cms->content, NULL),
                          g_bytes_get_size (cms->content), &local);
  if (node == NULL)
    return malformed (error, local->message);

  info = g_new0 (EnrTstInfo, 1);
  info->tst_info = g_bytes_ref (cms->content);
  version = enr_asn1_read (node, "version");
  if (version == NULL || g_bytes_get_size (version) != 1 ||
      *(const guint8 *) g_bytes_get_data (version, NULL) != 1)
    return malformed (error, "a TSTInfo of another version");
  info->policy = enr_asn1_read_oid (node, "policy");
  algorithm = enr_asn1_read_oid (node, "messageImprint.hashAlgorithm.algorithm");
  imprint = enr_asn1_read (node, "messageImprint.hashedMessage");
  if (g_strcmp0 (algorithm, ENR_ASN1_OID_SHA256) != 0 || imprint == NULL ||
      g_bytes_get_size (imprint) != ENR_TSP_IMPRINT_LENGTH)
    return malformed (error, "the imprint is not a SHA-256");
  memcpy (info->imprint, g_bytes_get_data (imprint, NULL), ENR_TSP_IMPRINT_LENGTH);
  info->gen_time = read_gen_time (node);
  if (info->gen_time == NULL)
    return malformed (error, "no genTime");
  info->serial = enr_asn1_read (node, "serialNumber");
  info->nonce = enr_asn1_read (node, "nonce");
  return g_steal_pointer (&info);
}

GBytes *
enr_tsp_response_parse (const guint8  *der,
                        gsize          len,
                        const guint8   imprint[ENR_TSP_IMPRINT_LENGTH],
                        guint64        nonce,
                        GError       **error)
{
  g_autoptr(asn1_node_st) node = NULL;
  g_autoptr(GBytes) status = NULL;
  g_autoptr(GBytes) token = NULL;
  g_autoptr(EnrTstInfo) info = NULL;
  g_autoptr(GError) local = NULL;
  guint8 octets[9];
  gsize octets_len;
  const guint8 *value;
  gsize value_len;

  g_return_val_if_fail (imprint != NULL, NULL);

  node = enr_asn1_decode ("TimeStampResp", der, len, &local);
  if (node == NULL)
    return malformed (error, local->message);
  status = enr_asn1_read (node, "status.status");
  value = status != NULL ? g_bytes_get_data (status, &value_len) : NULL;
  if (value == NULL || value_len != 1)
    return malformed (error, "no PKIStatus");
  if (value[0] == STATUS_REJECTION || value[0] == STATUS_WAITING)
    {
      guint8 bits[8] = { 0, };
      int bits_len = sizeof bits;
      gboolean system = FALSE;

      /* libtasn1 reads a BIT STRING into octets (@bits_len in: their
       * room; out: the number of bits), first bit the top of octet 0. */
      if (asn1_read_value (node, "status.failInfo", bits, &bits_len) == ASN1_SUCCESS &&
          bits_len > FAILURE_SYSTEM)
        system = (bits[FAILURE_SYSTEM / 8] & (0x80 >> (FAILURE_SYSTEM % 8))) != 0;
      g_set_error (error, ENR_TSP_ERROR,
                   value[0] == STATUS_WAITING || system ? ENR_TSP_ERROR_WAITING
                                                        : ENR_TSP_ERROR_REJECTED,
                   "The TSA refused the request (status %u)", value[0]);
      return NULL;
    }
  if (value[0] != STATUS_GRANTED && value[0] != STATUS_GRANTED_WITH_MODS)
    return malformed (error, "an unknown PKIStatus");

  token = enr_asn1_read (node, "timeStampToken");
  if (token == NULL || g_bytes_get_size (token) == 0)
    return malformed (error, "granted without a token");
  info = enr_tsp_token_parse (g_bytes_get_data (token, NULL), g_bytes_get_size (token), error);
  if (info == NULL)
    return NULL;

  octets_len = nonce_octets (nonce, octets);
  if (memcmp (info->imprint, imprint, ENR_TSP_IMPRINT_LENGTH) != 0 || info->nonce == NULL ||
      g_bytes_get_size (info->nonce) != octets_len ||
      memcmp (g_bytes_get_data (info->nonce, NULL), octets, octets_len) != 0)
    {
      g_set_error (error, ENR_TSP_ERROR, ENR_TSP_ERROR_MISMATCH,
                   "The token is for another imprint or nonce");
      return NULL;
    }
  return g_steal_pointer (&token);
}
