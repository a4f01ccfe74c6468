/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the TSA's TimeStampReq parser (sbx_tsp_request_parse),
 * on whatever arrives at POST TSA. A refused request must name its
 * failure and encode as a rejection; a granted one must give a TSTInfo
 * that holds its imprint, and parse the same again when re-sent.
 */
#include "config.h"

#include <string.h>

#include "sbx-tsp.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

#define GEN_TIME_S ((gint64) 1796115600)   /* 2026-12-01 09:00 UTC */

static gboolean
contains (const guint8 *haystack,
          gsize         len,
          const guint8 *needle,
          gsize         needle_len)
{
  for (gsize i = 0; i + needle_len <= len; i++)
    if (memcmp (haystack + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const guint8 serial[16] = { 0x12, 0x34, 0x56, 0x78, };
  g_autoptr(SbxTspRequest) request = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  SbxTspFailure failure = SBX_TSP_SYSTEM_FAILURE;
  const char *problem = NULL;
  gsize len;
  const guint8 *der;

  request = sbx_tsp_request_parse (data, size, &failure, &problem);
  if (request == NULL)
    {
      g_assert_nonnull (problem);
      g_assert_true (failure == SBX_TSP_BAD_ALG || failure == SBX_TSP_BAD_REQUEST ||
                     failure == SBX_TSP_BAD_DATA_FORMAT);
      answer = sbx_tsp_rejection (failure, problem);
      g_assert_nonnull (answer);
      return 0;
    }

  g_assert_true (request->nonce == NULL || g_bytes_get_size (request->nonce) <= 9);
  answer = sbx_tsp_tst_info (request, serial, GEN_TIME_S, &error);
  g_assert_no_error (error);
  der = g_bytes_get_data (answer, &len);
  g_assert_true (contains (der, len, request->imprint, SBX_TSP_IMPRINT_SIZE));
  return 0;
}
