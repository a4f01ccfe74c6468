/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * POST TSA (PROTOCOL.md rev 2, "Time stamps"): RFC 3161 over HTTPS, no
 * token. A DER TimeStampReq in, a TimeStampResp out, signed by "SmartCA
 * Sandbox TSA" (sbx-ca.h) on the sandbox clock. Every refusal, the
 * server's own included (404, 405, 413, faults), is a TimeStampResp of
 * status rejection (sbx-reply.c), never JSON.
 *
 * The signature is made here, in the main thread: one RSA-2048 signature
 * is a millisecond or two, less than handing it to a worker would cost.
 */
#define G_LOG_DOMAIN "sbx-tsa"

#include "config.h"

#include <string.h>

#include "sbx-ca.h"
#include "sbx-clock.h"
#include "sbx-error.h"
#include "sbx-server.h"
#include "sbx-tsp.h"

static void
reject (SbxRequest    *req,
        SbxTspFailure  failure,
        const char    *problem)
{
  g_autoptr(GBytes) body = sbx_tsp_rejection (failure, problem);

  g_info ("A time-stamp request was refused: %s", problem);
  sbx_reply_bytes (req, 400, SBX_TSP_REPLY_TYPE, body);
}

/* "application/timestamp-query", parameters aside. */
static gboolean
is_query (const char *content_type)
{
  gsize len = strlen (SBX_TSP_QUERY_TYPE);

  return content_type != NULL &&
         g_ascii_strncasecmp (content_type, SBX_TSP_QUERY_TYPE, len) == 0 &&
         (content_type[len] == '\0' || content_type[len] == ';' || content_type[len] == ' ');
}

static GBytes *
grant (SbxRequest          *req,
       const SbxTspRequest *request,
       GError             **error)
{
  SbxCa *ca = sbx_server_get_ca (sbx_request_get_server (req));
  g_autoptr(GBytes) tst_info = NULL;
  gnutls_privkey_t key = NULL;
  guint8 serial[16];
  GBytes *response;

  sbx_ca_new_serial (serial);
  tst_info = sbx_tsp_tst_info (request, serial, sbx_clock_now_ms () / 1000, error);
  if (tst_info == NULL)
    return NULL;
  if (!sbx_check_gnutls (gnutls_privkey_init (&key), "The TSA's key", error) ||
      !sbx_check_gnutls (gnutls_privkey_import_x509 (key, sbx_ca_get_tsa_key (ca), 0),
                         "The TSA's key", error))
    {
      g_clear_pointer (&key, gnutls_privkey_deinit);
      return NULL;
    }
  response = sbx_tsp_grant (request, tst_info, sbx_ca_get_tsa_certificate (ca), key, error);
  gnutls_privkey_deinit (key);
  return response;
}

static void
timestamp_cb (SbxRequest *req)
{
  g_autoptr(SbxTspRequest) request = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *body = sbx_request_get_body (req);
  SbxTspFailure failure = SBX_TSP_BAD_REQUEST;
  const char *problem = NULL;

  if (!is_query (sbx_request_get_header (req, "Content-Type")))
    {
      reject (req, SBX_TSP_BAD_REQUEST, "the Content-Type is not " SBX_TSP_QUERY_TYPE);
      return;
    }
  request = sbx_tsp_request_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                   &failure, &problem);
  if (request == NULL)
    {
      reject (req, failure, problem);
      return;
    }
  response = grant (req, request, &error);
  if (response == NULL)
    {
      g_autoptr(GBytes) failed = sbx_tsp_rejection (SBX_TSP_SYSTEM_FAILURE,
                                                    "The time stamp could not be made");

      g_warning ("No time stamp: %s", error->message);
      sbx_reply_bytes (req, 500, SBX_TSP_REPLY_TYPE, failed);
      return;
    }
  sbx_reply_bytes (req, 200, SBX_TSP_REPLY_TYPE, response);
}

void
sbx_tsa_register (SbxServer *server)
{
  g_return_if_fail (SBX_IS_SERVER (server));

  sbx_server_add_route (server, SBX_API_TSA, "POST", "", timestamp_cb);
}
