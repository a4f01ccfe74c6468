/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-stats"

#include "config.h"

#include <time.h>

#include "sbx-stats.h"

static const struct
{
  const char *count;
  const char *cpu_ms;
} names[SBX_N_STATS] = {
  [SBX_STAT_KEY_GENERATION] = { "keyGenerations", "keyGenerationCpuMs" },
  [SBX_STAT_CERTIFICATE_SIGNATURE] = { "certificateSignatures", "certificateSignatureCpuMs" },
  [SBX_STAT_DOCUMENT_SIGNATURE] = { "documentSignatures", "documentSignatureCpuMs" },
  [SBX_STAT_PASSWORD_HASH] = { "passwordHashes", "passwordHashCpuMs" },
};

G_LOCK_DEFINE_STATIC (stats);
static gint64 counts[SBX_N_STATS];
static gint64 cpu_us[SBX_N_STATS];

gint64
sbx_stats_thread_cpu_us (void)
{
  struct timespec now;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now) != 0)
    return 0;
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

void
sbx_stats_add_since (SbxStat stat,
                     gint64  started_us)
{
  gint64 spent = sbx_stats_thread_cpu_us () - started_us;

  g_return_if_fail (stat < SBX_N_STATS);

  G_LOCK (stats);
  counts[stat]++;
  cpu_us[stat] += MAX (spent, 0);
  G_UNLOCK (stats);
}

JsonNode *
sbx_stats_to_json (void)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  G_LOCK (stats);
  for (guint i = 0; i < SBX_N_STATS; i++)
    {
      json_object_set_int_member (object, names[i].count, counts[i]);
      json_object_set_double_member (object, names[i].cpu_ms, cpu_us[i] / 1000.0);
    }
  G_UNLOCK (stats);
  json_node_take_object (node, object);
  return node;
}
