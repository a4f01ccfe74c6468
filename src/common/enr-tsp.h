/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * RFC 3161 time stamps as a client asks for and reads them (PROTOCOL.md
 * rev 2, "Time stamps"): a DER TimeStampReq (version 1, a SHA-256 imprint,
 * a 64-bit nonce, certReq true), a TimeStampResp's status and token, and a
 * token's TSTInfo. Nothing here checks a signature: src/crypto
 * (enr-pdf-check.h) checks a token's against its TSA's certificate. All DER
 * goes through libtasn1 (enr-asn1.h). Errors are ENR_TSP_ERROR, technical.
 */

#define ENR_TSP_ERROR (enr_tsp_error_quark ())

typedef enum
{
  ENR_TSP_ERROR_MALFORMED,   /* not a TimeStampResp, token or TSTInfo */
  ENR_TSP_ERROR_REJECTED,    /* the TSA said no (status rejection) */
  ENR_TSP_ERROR_WAITING,     /* the TSA said waiting, or a system failure: try later */
  ENR_TSP_ERROR_MISMATCH,    /* a token for another imprint or nonce */
} EnrTspError;

GQuark enr_tsp_error_quark (void);

#define ENR_TSP_IMPRINT_LENGTH 32
#define ENR_TSP_QUERY_TYPE "application/timestamp-query"
#define ENR_TSP_REPLY_TYPE "application/timestamp-reply"

/* A DER TimeStampReq for @imprint (a SHA-256) with @nonce and certReq. */
GBytes  *enr_tsp_request_new (const guint8  imprint[ENR_TSP_IMPRINT_LENGTH],
                              guint64       nonce,
                              GError      **error);

/*
 * The token of a DER TimeStampResp answering a request for @imprint and
 * @nonce: the status must be granted (or granted with modifications), the
 * token a SignedData over a TSTInfo whose imprint is @imprint (SHA-256) and
 * whose nonce is @nonce.
 */
GBytes  *enr_tsp_response_parse (const guint8  *der,
                                 gsize          len,
                                 const guint8   imprint[ENR_TSP_IMPRINT_LENGTH],
                                 guint64        nonce,
                                 GError       **error);

/* What a token's TSTInfo says (its signature is not checked here). */
typedef struct
{
  GBytes    *tst_info;        /* the DER TSTInfo, the token's content */
  char      *policy;
  guint8     imprint[ENR_TSP_IMPRINT_LENGTH];  /* a SHA-256 imprint */
  GDateTime *gen_time;        /* UTC */
  GBytes    *serial;          /* the serial number's content octets */
  GBytes    *nonce;           /* its content octets; NULL: none */
} EnrTstInfo;

/* The TSTInfo of a token (a DER ContentInfo of SignedData with content
 * id-ct-TSTInfo) whose imprint is a SHA-256. */
EnrTstInfo *enr_tsp_token_parse (const guint8  *der,
                                 gsize          len,
                                 GError       **error);
void        enr_tst_info_free   (EnrTstInfo    *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrTstInfo, enr_tst_info_free)

G_END_DECLS
