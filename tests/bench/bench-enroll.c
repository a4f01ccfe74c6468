/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-enroll"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "enr-bench-row.h"
#include "enr-kak.h"
#include "sbx-test-load.h"

/*
 * Whole enrollments through the sandbox (issue #3's benchmark), one JSON
 * object per figure (tests/bench/run.py): CLIENTS concurrent clients take
 * fictional citizens from the VNeID password login to ACTIVE with
 * --sync-delay-ms 0, each in its own thread with its own HTTPS session, as
 * the program would with one citizen each.
 *
 * In the same run it measures the RSA work an enrollment cannot avoid,
 * in CPU time of the threads that do it: on the clients' side the KAK's
 * generation and the two SADs' signatures, on the sandbox's (GET
 * CONTROL/stats) the signing key's generation, the certificate's signature
 * and the acceptance record's. With that work alone, the machine's cores
 * would finish cores / (RSA CPU per enrollment) enrollments a second: the
 * crypto-bound limit. The goal is a throughput of at least 0.6 of it.
 * What else the CPU went on is reported beside it, per enrollment, for the
 * sandbox and for the clients.
 *
 * BENCH_ENROLLMENTS sets how many are measured (64), after one per client
 * to warm up (fonts, TLS, the database's pages).
 *
 * With --load N (issue #8's load figures) N citizens enroll at once
 * instead, a client each: zero failures, the throughput, and the
 * 95th-percentile latency of every endpoint they call.
 */

#define CLIENTS 8
#define GOAL_RATIO 0.6
#define PASSWORD "Matkhau@bench1"

typedef struct
{
  SbxTestSandbox *sandbox;
  GPtrArray      *citizens;     /* SbxTestCitizen */
} Bench;

/* The sandbox's RSA work so far, in CPU milliseconds (CONTROL/stats). */
static double
sandbox_rsa_cpu_ms (Bench *bench)
{
  g_autoptr(SoupSession) session = sbx_test_session_new (bench->sandbox);
  g_auto(SbxTestReply) reply = { 0 };
  JsonObject *stats;

  sbx_test_call_json (session, "GET", bench->sandbox->control_url, "stats", NULL, NULL, NULL,
                      &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  stats = sbx_test_object (&reply);
  return json_object_get_double_member (stats, "keyGenerationCpuMs") +
         json_object_get_double_member (stats, "certificateSignatureCpuMs") +
         json_object_get_double_member (stats, "documentSignatureCpuMs");
}

/* The sandbox process's CPU time (user and system), in milliseconds. */
static double
sandbox_cpu_ms (Bench *bench)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat",
                                           g_subprocess_get_identifier (bench->sandbox->proc));
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after_name;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  /* The name in parentheses may hold spaces: count from after it. */
  after_name = strrchr (text, ')');
  g_assert_nonnull (after_name);
  fields = g_strsplit (after_name + 2, " ", -1);
  /* Fields 14 and 15 (utime, stime), here 11 and 12 from "state". */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) * 1000.0 /
         sysconf (_SC_CLK_TCK);
}

/* The whole machine's busy CPU time (all processes, /proc/stat), in
 * milliseconds: what is not ours in it is other load. */
static double
machine_busy_ms (void)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  double busy = 0;

  g_assert_true (g_file_get_contents ("/proc/stat", &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "cpu "));
  fields = g_strsplit_set (text + 4, " \n", 12);
  /* user nice system idle iowait irq softirq steal: all but idle and iowait. */
  for (guint i = 0, n = 0; fields[i] != NULL && n < 8; i++)
    {
      if (*fields[i] == '\0')
        continue;
      if (n != 3 && n != 4)
        busy += g_ascii_strtod (fields[i], NULL);
      n++;
    }
  return busy * 1000.0 / sysconf (_SC_CLK_TCK);
}

static double
self_cpu_ms (void)
{
  struct rusage usage;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &usage), ==, 0);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0;
}

/* Issue #3's figure: CLIENTS clients, one enrollment after another. */
static void
run_enroll (Bench *bench,
            gint   measured)
{
  g_auto(SbxTestLoad) warm = { 0 };
  g_auto(SbxTestLoad) load = { 0 };
  g_autofree char *how = NULL;
  double wall_s, sandbox_cpu0, self_cpu0, sandbox_rsa0, machine0;
  double sandbox_cpu, self_cpu, sandbox_rsa, client_rsa, rsa_per, throughput, limit, ratio;
  double other_cores, left_limit;
  guint cores = g_get_num_processors ();

  /* Warm-up: one enrollment per client, not counted. */
  sbx_test_load_run (bench->sandbox, bench->citizens, 0, CLIENTS, CLIENTS, &warm);

  sandbox_cpu0 = sandbox_cpu_ms (bench);
  sandbox_rsa0 = sandbox_rsa_cpu_ms (bench);
  self_cpu0 = self_cpu_ms ();
  machine0 = machine_busy_ms ();
  sbx_test_load_run (bench->sandbox, bench->citizens, CLIENTS, (guint) measured, CLIENTS, &load);
  wall_s = load.wall_s;
  sandbox_cpu = sandbox_cpu_ms (bench) - sandbox_cpu0;
  sandbox_rsa = sandbox_rsa_cpu_ms (bench) - sandbox_rsa0;
  self_cpu = self_cpu_ms () - self_cpu0;
  other_cores = MAX (0.0, (machine_busy_ms () - machine0 - sandbox_cpu - self_cpu) /
                          (wall_s * 1000.0));
  client_rsa = load.rsa_cpu_us / 1000.0;

  throughput = measured / wall_s;
  rsa_per = (client_rsa + sandbox_rsa) / measured;
  limit = cores * 1000.0 / rsa_per;
  ratio = throughput / limit;
  left_limit = MAX (0.01, cores - other_cores) * 1000.0 / rsa_per;

  how = g_strdup_printf ("%d enrollments, %d clients, password login, --sync-delay-ms 0, "
                         "after %d to warm up", measured, CLIENTS, CLIENTS);
  enr_bench_row ("enroll: whole enrollments per second", throughput, "1/s", how, NULL, -1);
  enr_bench_row ("enroll: one enrollment, login to ACTIVE (median)",
                 sbx_test_percentile (load.enrollment_ms, 50), "ms",
                 "wall time per client, 8 at once", NULL, -1);
  g_free (how);
  how = g_strdup_printf ("clients %.1f ms (KAK, 2 SADs) + sandbox %.1f ms (signing key, "
                         "certificate, record), thread CPU", client_rsa / measured,
                         sandbox_rsa / measured);
  enr_bench_row ("enroll: unavoidable RSA CPU per enrollment", rsa_per, "ms", how, NULL, -1);
  g_free (how);
  how = g_strdup_printf ("%u cores / RSA CPU per enrollment", cores);
  enr_bench_row ("enroll: crypto-bound limit", limit, "1/s", how, NULL, -1);
  enr_bench_row ("enroll: throughput / crypto-bound limit", ratio, "", "the two rows above",
                 ">= 0.6", ratio >= GOAL_RATIO);
  enr_bench_row ("enroll: sandbox CPU per enrollment", sandbox_cpu / measured, "ms",
                 "process user + system time", NULL, -1);
  enr_bench_row ("enroll: clients' CPU per enrollment", self_cpu / measured, "ms",
                 "process user + system time, 8 clients", NULL, -1);
  enr_bench_row ("enroll: share of the CPU used that is unavoidable RSA work",
                 (client_rsa + sandbox_rsa) / (sandbox_cpu + self_cpu), "",
                 "independent of other load on the machine", NULL, -1);
  enr_bench_row ("enroll: other processes' load during the run", other_cores, "cores",
                 "/proc/stat busy time less the sandbox's and the clients'", NULL, -1);
  enr_bench_row ("enroll: throughput / crypto-bound limit of the cores left",
                 throughput / left_limit, "", "the limit on the cores other processes left free",
                 NULL, -1);
}

/* --load N: N citizens enroll at once, each with a client of their own
 * (issue #8's load figures). Every call must succeed: a failed one stops
 * the run (the client asserts every answer), so reaching the rows means
 * zero failures. Then the throughput, and each endpoint's 95th-percentile
 * latency. */
static void
run_load (Bench *bench,
          guint  clients)
{
  g_auto(SbxTestLoad) warm = { 0 };
  g_auto(SbxTestLoad) load = { 0 };
  g_autofree char *how = NULL;
  g_autoptr(GList) endpoints = NULL;
  guint calls = 0;

  /* Two to warm up (fonts, TLS, the database's pages), not counted. */
  sbx_test_load_run (bench->sandbox, bench->citizens, 0, 2, 2, &warm);
  sbx_test_load_run (bench->sandbox, bench->citizens, 2, clients, clients, &load);

  how = g_strdup_printf ("%u clients at once, one citizen each, password login, "
                         "--sync-delay-ms 0", clients);
  enr_bench_row ("load: enrollments that failed", 0, "", how, "= 0", TRUE);
  enr_bench_row ("load: whole enrollments per second", clients / load.wall_s, "1/s",
                 "start of the first to end of the last", NULL, -1);
  enr_bench_row ("load: one enrollment, login to ACTIVE (median)",
                 sbx_test_percentile (load.enrollment_ms, 50), "ms", "wall time per client",
                 NULL, -1);
  enr_bench_row ("load: one enrollment, login to ACTIVE (p95)",
                 sbx_test_percentile (load.enrollment_ms, 95), "ms", "wall time per client",
                 NULL, -1);

  endpoints = g_list_sort (g_hash_table_get_keys (load.endpoint_ms), (GCompareFunc) strcmp);
  for (GList *l = endpoints; l != NULL; l = l->next)
    calls += ((GArray *) g_hash_table_lookup (load.endpoint_ms, l->data))->len;
  enr_bench_row ("load: requests per second", calls / load.wall_s, "1/s",
                 "every call of every client", NULL, -1);
  for (GList *l = endpoints; l != NULL; l = l->next)
    {
      GArray *values = g_hash_table_lookup (load.endpoint_ms, l->data);
      g_autofree char *figure = g_strdup_printf ("load: %s (p95)", (const char *) l->data);
      g_autofree char *detail = g_strdup_printf ("%u calls, median %.1f ms", values->len,
                                                 sbx_test_percentile (values, 50));

      enr_bench_row (figure, sbx_test_percentile (values, 95), "ms", detail, NULL, -1);
    }
}

int
main (int    argc,
      char **argv)
{
  const char *env = g_getenv ("BENCH_ENROLLMENTS");
  gint measured = env != NULL ? (gint) g_ascii_strtoll (env, NULL, 10) : 64;
  g_autofree char *tmp = NULL;
  g_autofree char *citizens_path = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[6];
  Bench bench = { 0 };
  guint load_clients = 0;

  if (argc == 3 && g_str_equal (argv[1], "--load"))
    load_clients = (guint) g_ascii_strtoull (argv[2], NULL, 10);
  if (measured < CLIENTS)
    measured = CLIENTS;
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  tmp = g_dir_make_tmp ("bench-enroll-XXXXXX", &error);
  g_assert_no_error (error);
  bench.citizens = sbx_test_citizens_new ();
  citizens_path = sbx_test_write_citizens (tmp, load_clients > 0 ? 2 + load_clients
                                                                 : CLIENTS + (guint) measured,
                                           PASSWORD, bench.citizens);
  args[0] = "--sync-delay-ms";
  args[1] = "0";
  args[2] = "--citizens";
  args[3] = citizens_path;
  args[4] = NULL;
  bench.sandbox = sbx_test_sandbox_start (args);

  if (load_clients > 0)
    run_load (&bench, load_clients);
  else
    run_enroll (&bench, measured);

  sbx_test_sandbox_stop (bench.sandbox);
  g_ptr_array_unref (bench.citizens);
  g_unlink (citizens_path);
  g_rmdir (tmp);
  return 0;
}
