/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-test-load"

#include "config.h"

#include "sbx-test-load.h"

static void
citizen_free (SbxTestCitizen *citizen)
{
  g_free ((char *) citizen->citizen_id);
  g_free ((char *) citizen->full_name);
  g_free ((char *) citizen->phone);
  g_free ((char *) citizen->password);
  g_free (citizen);
}

GPtrArray *
sbx_test_citizens_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) citizen_free);
}

char *
sbx_test_write_citizens (const char *dir,
                         guint       n,
                         const char *password,
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

      /* 001 (Hà Nội), 0 (male, 1900s), 90, then six digits. */
      citizen->citizen_id = g_strdup_printf ("001090%06u", 100000 + i);
      citizen->full_name = g_strdup_printf ("Nguyễn Văn Thử Nghiệm %u", i + 1);
      citizen->phone = g_strdup_printf ("0866%06u", 100000 + i);
      citizen->password = g_strdup (password);
      g_ptr_array_add (citizens, citizen);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "citizen_id");
      json_builder_add_string_value (builder, citizen->citizen_id);
      json_builder_set_member_name (builder, "password");
      json_builder_add_string_value (builder, password);
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

typedef struct
{
  SbxTestSandbox *sandbox;
  GPtrArray      *citizens;
  gint            next;
  gint            end;
  GMutex          lock;
  SbxTestLoad    *load;
} Run;

/* One client: enrollments, one after the other, until the run's citizens
 * are all taken. */
static gpointer
client_thread (gpointer data)
{
  Run *run = data;
  gint64 rsa_cpu_us = 0;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  for (;;)
    {
      g_auto(SbxTestEnrollment) enrollment = { 0 };
      g_autoptr(SoupSession) session = NULL;
      g_autoptr(GError) error = NULL;
      gint index = g_atomic_int_add (&run->next, 1);
      gint64 started = g_get_monotonic_time ();
      gint64 cpu;
      double ms;
      EnrKak *kak;

      if (index >= run->end)
        break;
      /* A session, and its connections, per enrollment: one citizen's
       * program. */
      session = sbx_test_session_new (run->sandbox);
      sbx_test_enrollment_init (&enrollment, run->sandbox, session,
                                g_ptr_array_index (run->citizens, index));
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
      ms = (g_get_monotonic_time () - started) / 1000.0;
      g_array_append_val (times, ms);
    }

  g_mutex_lock (&run->lock);
  run->load->rsa_cpu_us += rsa_cpu_us;
  g_array_append_vals (run->load->enrollment_ms, times->data, times->len);
  g_mutex_unlock (&run->lock);
  return NULL;
}

void
sbx_test_load_run (SbxTestSandbox *sandbox,
                   GPtrArray      *citizens,
                   guint           first,
                   guint           count,
                   guint           clients,
                   SbxTestLoad    *load)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  Run run = { sandbox, citizens, (gint) first, (gint) (first + count), { 0 }, load };
  gint64 started;

  g_assert_cmpuint (first + count, <=, citizens->len);
  sbx_test_load_clear (load);
  load->enrollment_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_mutex_init (&run.lock);

  sbx_test_record_latencies ();
  started = g_get_monotonic_time ();
  for (guint i = 0; i < clients; i++)
    g_ptr_array_add (threads, g_thread_new ("client", client_thread, &run));
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  load->wall_s = (g_get_monotonic_time () - started) / 1e6;
  load->endpoint_ms = sbx_test_steal_latencies ();
  g_mutex_clear (&run.lock);

  g_assert_cmpuint (load->enrollment_ms->len, ==, count);
}

void
sbx_test_load_clear (SbxTestLoad *load)
{
  g_clear_pointer (&load->enrollment_ms, g_array_unref);
  g_clear_pointer (&load->endpoint_ms, g_hash_table_unref);
  load->wall_s = 0;
  load->rsa_cpu_us = 0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
sbx_test_percentile (GArray *values,
                     double  percent)
{
  guint rank;

  g_assert_cmpuint (values->len, >, 0);
  g_array_sort (values, compare_doubles);
  rank = (guint) (percent / 100.0 * values->len);
  if (rank < percent / 100.0 * values->len)
    rank++;
  return g_array_index (values, double, CLAMP (rank, 1, values->len) - 1);
}
