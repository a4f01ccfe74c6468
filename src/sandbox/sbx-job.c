/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-job"

#include "config.h"

#include "sbx-job.h"

typedef struct
{
  SbxRequest     *req;
  SbxJobWork      work;
  SbxJobDone      done;
  gpointer        data;
  GDestroyNotify  free_data;
} Job;

static GThreadPool *pool;
static gint pending;

static void
job_free (Job *job)
{
  if (job->free_data != NULL)
    job->free_data (job->data);
  sbx_request_unref (job->req);
  g_free (job);
}

static gboolean
job_done_cb (gpointer user_data)
{
  Job *job = user_data;

  job->done (job->req, job->data);
  job_free (job);
  (void) g_atomic_int_dec_and_test (&pending);
  return G_SOURCE_REMOVE;
}

static void
job_thread (gpointer data,
            gpointer user_data)
{
  Job *job = data;

  job->work (job->data);
  /* Back to the main loop, before the requests still waiting to start:
   * an answer that is ready goes out first. */
  g_idle_add_full (G_PRIORITY_HIGH, job_done_cb, job, NULL);
}

void
sbx_job_run (SbxRequest     *req,
             SbxJobWork      work,
             SbxJobDone      done,
             gpointer        data,
             GDestroyNotify  free_data)
{
  Job *job;

  g_return_if_fail (req != NULL);
  g_return_if_fail (work != NULL && done != NULL);

  if (pool == NULL)
    pool = g_thread_pool_new (job_thread, NULL, (int) MAX (2, g_get_num_processors ()), FALSE,
                              NULL);

  job = g_new0 (Job, 1);
  job->req = sbx_request_ref (req);
  job->work = work;
  job->done = done;
  job->data = data;
  job->free_data = free_data;
  g_atomic_int_inc (&pending);
  g_thread_pool_push (pool, job, NULL);
}

guint
sbx_job_pending (void)
{
  return (guint) g_atomic_int_get (&pending);
}
