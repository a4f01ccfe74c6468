/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sbx-db.h"

G_BEGIN_DECLS

/*
 * The citizens VNeID knows: the built-in fictional set, or a --citizens
 * FILE (PROTOCOL.md, "The sandbox"). Each entry is checked (the citizen-ID
 * rule against the date of birth, gender against digit 4, the required
 * fields); any bad entry fails the whole load with an error naming it.
 * Citizens already in the database are left as they are.
 */
gboolean  sbx_citizens_load         (SbxDb       *db,
                                     const char  *file,
                                     GError     **error);
/* The same check and insert for a JSON array already in memory. */
gboolean  sbx_citizens_load_data    (SbxDb       *db,
                                     const char  *origin,
                                     const char  *data,
                                     gsize        len,
                                     GError     **error);

G_END_DECLS
