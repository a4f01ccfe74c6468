/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-enroll"

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "enr-kak.h"
#include "sbx-test-client.h"

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
 */

#define CLIENTS 8
#define GOAL_RATIO 0.6
#define PASSWORD "Matkhau@bench1"

typedef struct
{
  SbxTestSandbox *sandbox;
  GPtrArray      *citizens;     /* SbxTestCitizen */
  gint            next;         /* the next citizen to take */
  gint            end;          /* one past the last of this phase */
  /* Summed over the clients' threads, under the lock. */
  GMutex          lock;
  gint64          rsa_cpu_us;
  GArray         *latencies_ms; /* double */
} Bench;

static void
citizen_free (SbxTestCitizen *citizen)
{
  g_free ((char *) citizen->citizen_id);
  g_free ((char *) citizen->full_name);
  g_free ((char *) citizen->phone);
  g_free (citizen);
}

/* Fictional citizens born in Hà Nội in 1990, with IDs the citizen-ID rule
 * takes (001, male, 1900s, 90, then six digits) and phones of their own. */
static char *
write_citizens (const char *dir,
                guint       n,
                GPtrArray  *citizens)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  char *path = g_build_filename (dir, "citizens.json", NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      SbxTestCitizen *citizen = g_new0 (SbxTestCitizen, 1);

      citizen->citizen_id = g_strdup_printf ("001090%06u", 100000 + i);
      citizen->full_name = g_strdup_printf ("Nguyễn Văn Thử Nghiệm %u", i + 1);
      citizen->phone = g_strdup_printf ("0866%06u", 100000 + i);
      citizen->password = PASSWORD;
      g_ptr_array_add (citizens, citizen);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "citizen_id");
      json_builder_add_string_value (builder, citizen->citizen_id);
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, PASSWORD);
      json_builder_set_member_name (builder, "full_name");
      json_builder_add_string_value (builder, citizen->full_name);
      json_builder_set_member_name (builder, "date_of_birth");
      json_builder_add_string_value (builder, "1990-01-01");
      json_builder_set_member_name (builder, "gender");
      json_builder_add_string_value (builder, "male");
      json_builder_set_member_name (builder, "phone");
      json_builder_add_string_value (builder, citizen->phone);
      json_builder_set_member_name (builder, "email");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "identity_level");
      json_builder_add_int_value (builder, 2);
      json_builder_set_member_name (builder, "place_of_residence");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "province");
      json_builder_add_string_value (builder, "Thành phố Hà Nội");
      json_builder_set_member_name (builder, "ward");
      json_builder_add_string_value (builder, "Phường Hoàn Kiếm");
      json_builder_set_member_name (builder, "street");
      json_builder_add_string_value (builder, "1 Phố Tràng Tiền");
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* One client: enrollments, one after the other, until the phase's
 * citizens are all taken. */
static gpointer
client_thread (gpointer data)
{
  Bench *bench = data;
  gint64 rsa_cpu_us = 0;
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));

  for (;;)
    {
      g_auto(SbxTestEnrollment) enrollment = { 0 };
      g_autoptr(SoupSession) session = NULL;
      g_autoptr(GError) error = NULL;
      gint index = g_atomic_int_add (&bench->next, 1);
      gint64 started = g_get_monotonic_time ();
      gint64 cpu;
      double latency_ms;
      EnrKak *kak;

      if (index >= bench->end)
        break;
      /* A session, and its connections, per enrollment: one citizen's
       * program. */
      session = sbx_test_session_new (bench->sandbox);
      sbx_test_enrollment_init (&enrollment, bench->sandbox, session,
                                g_ptr_array_index (bench->citizens, index));
      sbx_test_login (&enrollment);
      sbx_test_register (&enrollment);
      sbx_test_sign_contract (&enrollment);
      cpu = sbx_test_thread_cpu_us ();
      kak = enr_kak_generate (&error);
      g_assert_no_error (error);
      enrollment.rsa_cpu_us += sbx_test_thread_cpu_us () - cpu;
      sbx_test_activate (&enrollment, kak);
      sbx_test_accept (&enrollment);
      rsa_cpu_us += enrollment.rsa_cpu_us;
      latency_ms = (g_get_monotonic_time () - started) / 1000.0;
      g_array_append_val (latencies, latency_ms);
    }

  g_mutex_lock (&bench->lock);
  bench->rsa_cpu_us += rsa_cpu_us;
  g_array_append_vals (bench->latencies_ms, latencies->data, latencies->len);
  g_mutex_unlock (&bench->lock);
  return NULL;
}

static void
run_phase (Bench *bench,
           gint   count)
{
  GThread *threads[CLIENTS];

  bench->end = bench->next + count;
  for (guint i = 0; i < CLIENTS; i++)
    threads[i] = g_thread_new ("client", client_thread, bench);
  for (guint i = 0; i < CLIENTS; i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (g_atomic_int_get (&bench->next), >=, bench->end);
  g_atomic_int_set (&bench->next, bench->end);
}

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

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
print_figure (const char *figure,
              double      value,
              const char *unit,
              const char *how,
              const char *goal,
              int         pass)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "figure");
  json_builder_add_string_value (builder, figure);
  json_builder_set_member_name (builder, "value");
  json_builder_add_double_value (builder, value);
  json_builder_set_member_name (builder, "unit");
  json_builder_add_string_value (builder, unit);
  json_builder_set_member_name (builder, "how");
  json_builder_add_string_value (builder, how);
  json_builder_set_member_name (builder, "goal");
  if (goal != NULL)
    json_builder_add_string_value (builder, goal);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "pass");
  if (pass < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_boolean_value (builder, pass);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  printf ("%s\n", line);
  fflush (stdout);
}

int
main (int    argc,
      char **argv)
{
  const char *env = g_getenv ("BENCH_ENROLLMENTS");
  gint measured = env != NULL ? (gint) g_ascii_strtoll (env, NULL, 10) : 64;
  g_autofree char *tmp = NULL;
  g_autofree char *citizens_path = NULL;
  g_autofree char *how = NULL;
  g_autoptr(GError) error = NULL;
  const char *args[6];
  Bench bench = { 0 };
  double started_s, wall_s, sandbox_cpu0, self_cpu0, sandbox_rsa0, machine0;
  double sandbox_cpu, self_cpu, sandbox_rsa, client_rsa, rsa_per, throughput, limit, ratio;
  double other_cores, left_limit;
  guint cores = g_get_num_processors ();

  if (measured < CLIENTS)
    measured = CLIENTS;
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  tmp = g_dir_make_tmp ("bench-enroll-XXXXXX", &error);
  g_assert_no_error (error);
  bench.citizens = g_ptr_array_new_with_free_func ((GDestroyNotify) citizen_free);
  citizens_path = write_citizens (tmp, CLIENTS + measured, bench.citizens);
  args[0] = "--sync-delay-ms";
  args[1] = "0";
  args[2] = "--citizens";
  args[3] = citizens_path;
  args[4] = NULL;
  bench.sandbox = sbx_test_sandbox_start (args);
  g_mutex_init (&bench.lock);
  bench.latencies_ms = g_array_new (FALSE, FALSE, sizeof (double));

  /* Warm-up: one enrollment per client, not counted. */
  run_phase (&bench, CLIENTS);
  bench.rsa_cpu_us = 0;
  g_array_set_size (bench.latencies_ms, 0);

  sandbox_cpu0 = sandbox_cpu_ms (&bench);
  sandbox_rsa0 = sandbox_rsa_cpu_ms (&bench);
  self_cpu0 = self_cpu_ms ();
  machine0 = machine_busy_ms ();
  started_s = g_get_monotonic_time () / 1e6;
  run_phase (&bench, measured);
  wall_s = g_get_monotonic_time () / 1e6 - started_s;
  sandbox_cpu = sandbox_cpu_ms (&bench) - sandbox_cpu0;
  sandbox_rsa = sandbox_rsa_cpu_ms (&bench) - sandbox_rsa0;
  self_cpu = self_cpu_ms () - self_cpu0;
  other_cores = MAX (0.0, (machine_busy_ms () - machine0 - sandbox_cpu - self_cpu) /
                          (wall_s * 1000.0));
  client_rsa = bench.rsa_cpu_us / 1000.0;

  throughput = measured / wall_s;
  rsa_per = (client_rsa + sandbox_rsa) / measured;
  limit = cores * 1000.0 / rsa_per;
  ratio = throughput / limit;
  left_limit = MAX (0.01, cores - other_cores) * 1000.0 / rsa_per;
  g_array_sort (bench.latencies_ms, compare_doubles);

  how = g_strdup_printf ("%d enrollments, %d clients, password login, --sync-delay-ms 0, "
                         "after %d to warm up", measured, CLIENTS, CLIENTS);
  print_figure ("enroll: whole enrollments per second", throughput, "1/s", how, NULL, -1);
  print_figure ("enroll: one enrollment, login to ACTIVE (median)",
                g_array_index (bench.latencies_ms, double, bench.latencies_ms->len / 2), "ms",
                "wall time per client, 8 at once", NULL, -1);
  g_free (how);
  how = g_strdup_printf ("clients %.1f ms (KAK, 2 SADs) + sandbox %.1f ms (signing key, "
                         "certificate, record), thread CPU", client_rsa / measured,
                         sandbox_rsa / measured);
  print_figure ("enroll: unavoidable RSA CPU per enrollment", rsa_per, "ms", how, NULL, -1);
  g_free (how);
  how = g_strdup_printf ("%u cores / RSA CPU per enrollment", cores);
  print_figure ("enroll: crypto-bound limit", limit, "1/s", how, NULL, -1);
  print_figure ("enroll: throughput / crypto-bound limit", ratio, "", "the two rows above",
                ">= 0.6", ratio >= GOAL_RATIO);
  print_figure ("enroll: sandbox CPU per enrollment", sandbox_cpu / measured, "ms",
                "process user + system time", NULL, -1);
  print_figure ("enroll: clients' CPU per enrollment", self_cpu / measured, "ms",
                "process user + system time, 8 clients", NULL, -1);
  print_figure ("enroll: share of the CPU used that is unavoidable RSA work",
                (client_rsa + sandbox_rsa) / (sandbox_cpu + self_cpu), "",
                "independent of other load on the machine", NULL, -1);
  print_figure ("enroll: other processes' load during the run", other_cores, "cores",
                "/proc/stat busy time less the sandbox's and the clients'", NULL, -1);
  print_figure ("enroll: throughput / crypto-bound limit of the cores left",
                throughput / left_limit, "", "the limit on the cores other processes left free",
                NULL, -1);

  sbx_test_sandbox_stop (bench.sandbox);
  g_ptr_array_unref (bench.citizens);
  g_array_unref (bench.latencies_ms);
  g_mutex_clear (&bench.lock);
  g_unlink (citizens_path);
  g_rmdir (tmp);
  return 0;
}
