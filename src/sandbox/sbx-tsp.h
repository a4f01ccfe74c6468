/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/*
 * RFC 3161 as the sandbox's time-stamp authority speaks it (PROTOCOL.md rev
 * 2, "Time stamps"): a DER TimeStampReq read, a TimeStampResp written, of
 * status granted with a token (a CMS SignedData over a TSTInfo) or of
 * status rejection. All DER goes through libtasn1 and the definitions of
 * src/common/enr-asn1.asn (enr-asn1.h). No function here touches the network or the database.
 */

#define SBX_TSP_QUERY_TYPE "application/timestamp-query"
#define SBX_TSP_REPLY_TYPE "application/timestamp-reply"

/* The PKIFailureInfo bits the TSA answers with (RFC 3161 §2.4.2). */
typedef enum
{
  SBX_TSP_BAD_ALG         = 0,
  SBX_TSP_BAD_REQUEST     = 2,
  SBX_TSP_BAD_DATA_FORMAT = 5,
  SBX_TSP_SYSTEM_FAILURE  = 25,
} SbxTspFailure;

#define SBX_TSP_IMPRINT_SIZE 32

/* What a granted request asks for. */
typedef struct
{
  guint8   imprint[SBX_TSP_IMPRINT_SIZE];   /* the SHA-256 to time-stamp */
  GBytes  *nonce;        /* the INTEGER's content octets as sent; NULL: none */
  gboolean cert_req;
} SbxTspRequest;

void           sbx_tsp_request_free  (SbxTspRequest  *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbxTspRequest, sbx_tsp_request_free)

/* A DER TimeStampReq of version 1 with a SHA-256 imprint and a nonce, if
 * any, of 0 to 2^64 - 1. Otherwise NULL, with the failure to answer and
 * @problem, a static English phrase for the log and the statusString. */
SbxTspRequest *sbx_tsp_request_parse (const guint8   *der,
                                      gsize           len,
                                      SbxTspFailure  *failure,
                                      const char    **problem);

/* A TimeStampResp of status rejection with @failure and @text. */
GBytes        *sbx_tsp_rejection     (SbxTspFailure   failure,
                                      const char     *text);

/* The DER TSTInfo for @request: the sandbox's policy, its imprint and
 * nonce, @serial (16 octets, a positive INTEGER) and @gen_time_s (UTC,
 * to the second). */
GBytes        *sbx_tsp_tst_info      (const SbxTspRequest *request,
                                      const guint8         serial[16],
                                      gint64               gen_time_s,
                                      GError             **error);

/* The TimeStampResp of status granted: @tst_info in a CMS SignedData
 * signed by @key, the certificate of @cert included when @request asks. */
GBytes        *sbx_tsp_grant         (const SbxTspRequest *request,
                                      GBytes              *tst_info,
                                      gnutls_x509_crt_t    cert,
                                      gnutls_privkey_t     key,
                                      GError             **error);

G_END_DECLS
