/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * What the sandbox's RSA work has cost, in CPU time of the threads that
 * did it: the HSM's key generation, the issuing CA's certificate
 * signatures and the signatures of documents and hashes; and the
 * passwords' PBKDF2 (an unknown citizen ID costs one too). For the
 * enrollment benchmark (GET CONTROL/stats, a sandbox extension); any
 * thread may add.
 */
typedef enum
{
  SBX_STAT_KEY_GENERATION,
  SBX_STAT_CERTIFICATE_SIGNATURE,
  SBX_STAT_DOCUMENT_SIGNATURE,
  SBX_STAT_PASSWORD_HASH,        /* PBKDF2 of a password, checked or stored */
  SBX_N_STATS,
} SbxStat;

/* The CPU time this thread has used, in microseconds. */
gint64    sbx_stats_thread_cpu_us (void);
/* One more @stat that cost @cpu_us (since sbx_stats_thread_cpu_us() was
 * @started_us). */
void      sbx_stats_add_since     (SbxStat  stat,
                                   gint64   started_us);
/* {"keyGenerations":n,"keyGenerationCpuMs":x,"certificateSignatures":n,…} */
JsonNode *sbx_stats_to_json       (void);

G_END_DECLS
