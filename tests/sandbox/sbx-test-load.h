/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sbx-test-client.h"

G_BEGIN_DECLS

/*
 * Many citizens at once against one sandbox, for the load test
 * (test-sandbox-load.c) and the benchmarks (tests/bench/bench-enroll.c):
 * fictional citizens in a citizens file of their own, and a run that takes
 * each from the VNeID password login to ACTIVE in a thread of its own,
 * with its own HTTPS session, as one citizen's program would.
 */

/* Fictional citizens born in Hà Nội in 1990, with IDs the citizen-ID rule
 * takes and phones of their own, all with @password; written as a
 * --citizens file in @dir (the path is returned) and added to @citizens
 * (SbxTestCitizen, freed by the array). */
char      *sbx_test_write_citizens (const char *dir,
                                    guint       n,
                                    const char *password,
                                    GPtrArray  *citizens);
GPtrArray *sbx_test_citizens_new   (void);

typedef struct
{
  double      wall_s;
  GArray     *enrollment_ms;    /* double: login to ACTIVE, one per citizen */
  GHashTable *endpoint_ms;      /* endpoint -> GArray of double (sbx_test_steal_latencies) */
  gint64      rsa_cpu_us;       /* the clients' own RSA work (KAK, SADs), thread CPU */
} SbxTestLoad;

/* Enrolls @citizens[@first .. @first + @count) with @clients threads at
 * once, each taking the next citizen until none is left. A failure of any
 * call is an assertion: the run stops there. */
void    sbx_test_load_run   (SbxTestSandbox *sandbox,
                             GPtrArray      *citizens,
                             guint           first,
                             guint           count,
                             guint           clients,
                             SbxTestLoad    *load);
void    sbx_test_load_clear (SbxTestLoad    *load);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SbxTestLoad, sbx_test_load_clear)

/* The @percent-th percentile of @values (sorted in place), nearest rank. */
double  sbx_test_percentile (GArray         *values,
                             double          percent);

G_END_DECLS
