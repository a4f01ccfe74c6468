/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: what a TSA answers (enr_tsp_response_parse), and the
 * CMS and TSTInfo readers under it (enr_cms_parse, enr_tsp_token_parse),
 * on arbitrary bytes: a TSA, or whoever answers in its place, is not
 * trusted to write well-formed DER. A token that is accepted must be for
 * the imprint and nonce asked for.
 */
#include "config.h"

#include <string.h>

#include "enr-cms.h"
#include "enr-tsp.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* What the seeds were asked for (tests/fuzz/corpus/tsp-response). */
static const guint8 imprint[ENR_TSP_IMPRINT_LENGTH] = {
  0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
  0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
};
#define NONCE G_GUINT64_CONSTANT (0x8000000000000014)

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) token = NULL;
  g_autoptr(EnrTstInfo) tst = NULL;
  g_autoptr(EnrCmsInfo) cms = NULL;
  g_autoptr(GError) error = NULL;

  token = enr_tsp_response_parse (data, size, imprint, NONCE, &error);
  if (token != NULL)
    {
      g_autoptr(EnrTstInfo) accepted = NULL;

      accepted = enr_tsp_token_parse (g_bytes_get_data (token, NULL), g_bytes_get_size (token),
                                      NULL);
      g_assert_nonnull (accepted);
      g_assert_cmpmem (accepted->imprint, ENR_TSP_IMPRINT_LENGTH, imprint, sizeof imprint);
      g_assert_nonnull (accepted->nonce);
    }
  else
    g_assert_nonnull (error);

  /* The same bytes as a token, and as any CMS. */
  tst = enr_tsp_token_parse (data, size, NULL);
  if (tst != NULL)
    g_assert_nonnull (tst->gen_time);
  cms = enr_cms_parse (data, size, NULL);
  if (cms != NULL)
    {
      guint8 hash[32];

      g_assert_nonnull (cms->signature);
      g_assert_cmpuint (cms->signer_count, >=, 1);
      enr_cms_get_message_digest (data, size, hash, sizeof hash);
      if (cms->signing_certificate != NULL)
        enr_cms_parse_signing_certificate_v2 (g_bytes_get_data (cms->signing_certificate, NULL),
                                              g_bytes_get_size (cms->signing_certificate),
                                              hash);
    }
  return 0;
}
