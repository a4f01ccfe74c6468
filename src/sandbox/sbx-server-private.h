/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "sbx-server.h"

G_BEGIN_DECLS

/* CONTROL/faults (PROTOCOL.md, "The sandbox"). All zero: no faults. */
typedef struct
{
  double    fail_rate;        /* 0..1: the share of API requests that fail */
  guint     latency_ms;       /* added before every API answer */
  guint     status;           /* 429, 500 or 503 */
  gboolean  drop_connection;  /* instead of @status: run, then hang up */
  guint32   seed;
} SbxFaults;

void  sbx_server_set_faults (SbxServer       *self,
                             const SbxFaults *faults);

G_END_DECLS
