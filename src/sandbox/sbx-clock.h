/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sbx-db.h"

G_BEGIN_DECLS

/*
 * The sandbox's clock: real time plus an offset that only the control
 * endpoint `POST CONTROL/clock {"advanceSeconds": n}` moves (a sandbox
 * extension for tests of expiry; see README). The offset is kept in the
 * database so it survives a restart.
 */
void    sbx_clock_init        (SbxDb  *db);
gint64  sbx_clock_now_ms      (void);
void    sbx_clock_advance     (SbxDb  *db,
                               gint64  ms);
/* RFC 3339 UTC, "2026-11-23T10:00:00Z", and GeneralizedTime "20261123100000Z". */
char   *sbx_clock_format_rfc3339 (gint64 ms);
char   *sbx_clock_format_generalized (gint64 ms);

G_END_DECLS
