/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "enr-http.h"

G_BEGIN_DECLS

/*
 * The time-stamp authority (PROTOCOL.md rev 2, "Time stamps"; RFC 3161
 * over HTTPS, no token): a DER TimeStampReq with a fresh 64-bit nonce and
 * certReq true, POSTed to `tsa-url`; the reply's status, token, imprint
 * and nonce are checked (enr-tsp.h). The token's signature and its TSA's
 * certificate are checked where signatures are (src/crypto,
 * enr-pdf-check.h). Errors are ENR_SERVICE_ERROR: NOT_CONFIGURED (no or a
 * bad URL), NO_NETWORK, TIMEOUT, TLS_UNTRUSTED, UNAVAILABLE (an HTTP 5xx or
 * 429, or the TSA said "waiting" or "system failure": try later),
 * MALFORMED_REPLY (not a TimeStampResp, or a token for another imprint or
 * nonce), FAILED (the TSA rejected the request).
 */

/* The DER token (a ContentInfo) time-stamping @imprint, a SHA-256: for
 * PAdES B-T, of a signature's value. */
void     enr_tsa_timestamp_async  (EnrHttp             *http,
                                   const char          *url,
                                   const guint8        *imprint,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
GBytes  *enr_tsa_timestamp_finish (GAsyncResult        *result,
                                   GError             **error);

/* What the last call cost, for the benchmarks: microseconds from the
 * request to the parsed reply. */
gint64   enr_tsa_timestamp_get_elapsed_us (GAsyncResult *result);

G_END_DECLS
