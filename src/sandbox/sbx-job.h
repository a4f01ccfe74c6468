/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sbx-request.h"

G_BEGIN_DECLS

/*
 * Slow work a request hands to a worker thread (RSA key generation,
 * signatures, drawing a PDF), so that the main loop goes on serving other
 * requests meanwhile. @work runs in the worker, with no access to the
 * database or the request; @done runs back in the main thread with the
 * request still unanswered, and answers it (it opens its own transaction:
 * whatever the handler read before may have changed in between).
 *
 * The workers are as many as the machine has processors: more would only
 * take turns on them, and leave the main loop fewer turns of its own.
 */
typedef void (*SbxJobWork) (gpointer     data);
typedef void (*SbxJobDone) (SbxRequest  *req,
                            gpointer     data);

void   sbx_job_run      (SbxRequest     *req,
                         SbxJobWork      work,
                         SbxJobDone      done,
                         gpointer        data,
                         GDestroyNotify  free_data);

/* How many jobs are queued, running or not yet done. */
guint  sbx_job_pending  (void);

G_END_DECLS
