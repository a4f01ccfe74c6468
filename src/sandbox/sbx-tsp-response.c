/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The TSA's answers (RFC 3161 §2.4.2): a rejection, or a granted
 * TimeStampResp whose token is a CMS SignedData (RFC 5652) over a TSTInfo,
 * with the signed attributes content-type, message-digest and ESS
 * signing-certificate-v2 (RFC 5035).
 *
 * The token is signed by the program's CMS signer (enr-cms.h), on
 * libtasn1: gnutls_pkcs7_sign() writes eContentType id-data whatever the
 * content, where RFC 3161 §2.4.2 needs id-ct-TSTInfo.
 */
#define G_LOG_DOMAIN "sbx-tsa"

#include "config.h"

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "enr-asn1.h"
#include "enr-cms.h"
#include "sbx-tsp.h"

/* The sandbox's time-stamp policy, under the arc ITU-T X.660 keeps for
 * examples: no real policy stands behind a sandbox's time. */
#define SANDBOX_POLICY "2.999.3161.1"

#define PKI_STATUS_GRANTED   "0"
#define PKI_STATUS_REJECTION "2"


GBytes *
sbx_tsp_rejection (SbxTspFailure  failure,
                   const char    *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(asn1_node_st) node = enr_asn1_new ("TimeStampResp");
  /* A named BIT STRING in DER ends at its last set bit. */
  guint8 bits[4] = { 0, };
  GBytes *der;

  bits[failure / 8] = 0x80 >> (failure % 8);
  if (!enr_asn1_write (node, "status.status", PKI_STATUS_REJECTION, 0, &error) ||
      !enr_asn1_write (node, "status.statusString", "NEW", 1, &error) ||
      !enr_asn1_write (node, "status.statusString.?LAST", text, (int) strlen (text), &error) ||
      !enr_asn1_write (node, "status.failInfo", bits, (int) failure + 1, &error) ||
      !enr_asn1_write (node, "timeStampToken", NULL, 0, &error) ||
      (der = enr_asn1_encode (node, "", &error)) == NULL)
    g_error ("A TimeStampResp rejection: %s", error->message);
  return der;
}

GBytes *
sbx_tsp_tst_info (const SbxTspRequest *request,
                  const guint8         serial[16],
                  gint64               gen_time_s,
                  GError             **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new ("TSTInfo");
  g_autoptr(GDateTime) when = g_date_time_new_from_unix_utc (gen_time_s);
  g_autofree char *gen_time = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  if (when == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "No time to stamp");
      return NULL;
    }
  /* UTC, to the second: "YYYYMMDDhhmmssZ". */
  gen_time = g_date_time_format (when, "%Y%m%d%H%M%SZ");
  if (!enr_asn1_write (node, "version", "1", 0, error) ||
      !enr_asn1_write (node, "policy", SANDBOX_POLICY, 0, error) ||
      !enr_asn1_write (node, "messageImprint.hashAlgorithm.algorithm", ENR_ASN1_OID_SHA256, 0,
                      error) ||
      !enr_asn1_write (node, "messageImprint.hashAlgorithm.parameters", NULL, 0, error) ||
      !enr_asn1_write (node, "messageImprint.hashedMessage", request->imprint,
                      SBX_TSP_IMPRINT_SIZE, error) ||
      !enr_asn1_write (node, "serialNumber", serial, 16, error) ||
      !enr_asn1_write (node, "genTime", gen_time, (int) strlen (gen_time), error) ||
      !enr_asn1_write (node, "accuracy", NULL, 0, error) ||
      !enr_asn1_write (node, "tsa", NULL, 0, error) ||
      !enr_asn1_write (node, "extensions", NULL, 0, error))
    return NULL;
  if (request->nonce != NULL)
    {
      if (!enr_asn1_write (node, "nonce", g_bytes_get_data (request->nonce, NULL),
                          (int) g_bytes_get_size (request->nonce), error))
        return NULL;
    }
  else if (!enr_asn1_write (node, "nonce", NULL, 0, error))
    return NULL;
  return enr_asn1_encode (node, "", error);
}

/* The token: a ContentInfo holding a SignedData over the TSTInfo, made by
 * the program's one CMS signer (enr-cms.h). */
static GBytes *
token (const SbxTspRequest *request,
       GBytes              *tst_info,
       gnutls_x509_crt_t    cert,
       gnutls_privkey_t     key,
       GError             **error)
{
  return enr_cms_sign_encapsulated (ENR_ASN1_OID_TST_INFO, tst_info, cert, request->cert_req,
                                    key, error);
}

GBytes *
sbx_tsp_grant (const SbxTspRequest *request,
               GBytes              *tst_info,
               gnutls_x509_crt_t    cert,
               gnutls_privkey_t     key,
               GError             **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new ("TimeStampResp");
  g_autoptr(GBytes) signed_token = NULL;

  g_return_val_if_fail (request != NULL && tst_info != NULL, NULL);

  signed_token = token (request, tst_info, cert, key, error);
  if (signed_token == NULL ||
      !enr_asn1_write (node, "status.status", PKI_STATUS_GRANTED, 0, error) ||
      !enr_asn1_write (node, "status.statusString", NULL, 0, error) ||
      !enr_asn1_write (node, "status.failInfo", NULL, 0, error) ||
      !enr_asn1_write (node, "timeStampToken", g_bytes_get_data (signed_token, NULL),
                      (int) g_bytes_get_size (signed_token), error))
    return NULL;
  return enr_asn1_encode (node, "", error);
}
