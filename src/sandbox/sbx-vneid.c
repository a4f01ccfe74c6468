/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-vneid"

#include "config.h"

#include "sbx-server.h"

/* Placeholder until the endpoints are written: no routes yet. */
void
sbx_vneid_register (SbxServer *server)
{
}
