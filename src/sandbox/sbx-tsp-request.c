/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-tsa"

#include "config.h"

#include <string.h>

#include "enr-asn1.h"
#include "sbx-tsp.h"

/* A nonce is an INTEGER 0 ... 2^64 - 1: at most 8 octets of value, and a
 * leading zero octet when the top bit of the first is set. */
#define MAX_NONCE_OCTETS 9

void
sbx_tsp_request_free (SbxTspRequest *request)
{
  if (request == NULL)
    return;
  g_clear_pointer (&request->nonce, g_bytes_unref);
  g_free (request);
}

static SbxTspRequest *
refuse (SbxTspFailure  *failure,
        const char    **problem,
        SbxTspFailure   why,
        const char     *what)
{
  *failure = why;
  *problem = what;
  return NULL;
}

/* An element's content octets; FALSE when it is absent (an OPTIONAL
 * element) or larger than @size. */
static gboolean
read_value (asn1_node   node,
            const char *name,
            guint8     *out,
            int         size,
            int        *len)
{
  *len = size;
  return asn1_read_value (node, name, out, len) == ASN1_SUCCESS;
}

static gboolean
nonce_in_range (const guint8 *octets,
                int           len)
{
  if (len < 1 || len > MAX_NONCE_OCTETS || (octets[0] & 0x80) != 0)
    return FALSE;
  /* Nine octets only for a value with the top bit of 64 set. */
  return len < MAX_NONCE_OCTETS || (octets[0] == 0 && (octets[1] & 0x80) != 0);
}

SbxTspRequest *
sbx_tsp_request_parse (const guint8   *der,
                       gsize           len,
                       SbxTspFailure  *failure,
                       const char    **problem)
{
  g_autoptr(asn1_node_st) node = NULL;
  g_autoptr(SbxTspRequest) request = NULL;
  g_autoptr(GBytes) again = NULL;
  char oid[128];
  guint8 value[64];
  int value_len, der_len;

  g_return_val_if_fail (failure != NULL && problem != NULL, NULL);

  if (der == NULL || len == 0 || len > G_MAXINT)
    return refuse (failure, problem, SBX_TSP_BAD_DATA_FORMAT, "the request is empty");

  /* Nothing after it, and DER only: libtasn1's strict mode lets a long
   * form of a short length pass, so the request must also be exactly what
   * encoding it again gives. */
  node = enr_asn1_new ("TimeStampReq");
  der_len = (int) len;
  if (asn1_der_decoding2 (&node, der, &der_len, ASN1_DECODE_FLAG_STRICT_DER, NULL) !=
        ASN1_SUCCESS || (gsize) der_len != len)
    return refuse (failure, problem, SBX_TSP_BAD_DATA_FORMAT,
                   "the request is not a DER TimeStampReq");
  again = enr_asn1_encode (node, "", NULL);
  if (again == NULL || g_bytes_get_size (again) != len ||
      memcmp (g_bytes_get_data (again, NULL), der, len) != 0)
    return refuse (failure, problem, SBX_TSP_BAD_DATA_FORMAT, "the request is BER, not DER");

  if (!read_value (node, "version", value, sizeof value, &value_len) || value_len != 1 ||
      value[0] != 1)
    return refuse (failure, problem, SBX_TSP_BAD_REQUEST, "only version 1 is known");

  value_len = sizeof oid;
  if (asn1_read_value (node, "messageImprint.hashAlgorithm.algorithm", oid, &value_len) !=
        ASN1_SUCCESS || strcmp (oid, ENR_ASN1_OID_SHA256) != 0)
    return refuse (failure, problem, SBX_TSP_BAD_ALG, "the imprint is not SHA-256");
  /* No parameters, or NULL, as SHA-256's are written. */
  if (read_value (node, "messageImprint.hashAlgorithm.parameters", value, sizeof value,
                  &value_len) &&
      (value_len != 2 || value[0] != 0x05 || value[1] != 0x00))
    return refuse (failure, problem, SBX_TSP_BAD_ALG, "SHA-256 takes no parameters");

  request = g_new0 (SbxTspRequest, 1);
  if (!read_value (node, "messageImprint.hashedMessage", value, sizeof value, &value_len) ||
      value_len != SBX_TSP_IMPRINT_SIZE)
    return refuse (failure, problem, SBX_TSP_BAD_DATA_FORMAT,
                   "the imprint is not 32 octets long");
  memcpy (request->imprint, value, SBX_TSP_IMPRINT_SIZE);

  if (read_value (node, "nonce", value, sizeof value, &value_len))
    {
      if (!nonce_in_range (value, value_len))
        return refuse (failure, problem, SBX_TSP_BAD_DATA_FORMAT,
                       "the nonce is not an integer from 0 to 2^64 - 1");
      request->nonce = g_bytes_new (value, value_len);
    }
  else if (value_len > (int) sizeof value)
    return refuse (failure, problem, SBX_TSP_BAD_DATA_FORMAT,
                   "the nonce is not an integer from 0 to 2^64 - 1");

  value_len = sizeof value;
  /* Read as the text "TRUE" or "FALSE" (its default when absent). */
  request->cert_req = asn1_read_value (node, "certReq", value, &value_len) == ASN1_SUCCESS &&
                      value_len >= 4 && memcmp (value, "TRUE", 4) == 0;

  return g_steal_pointer (&request);
}
