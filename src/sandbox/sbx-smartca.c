/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-smartca"

#include "config.h"

#include "sbx-server.h"

/* Placeholder until the endpoints are written: no routes yet. */
void
sbx_smartca_register (SbxServer *server)
{
}
