/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Where the program finds its own files: in its build tree when it runs
 * from there, else beside its executable, laid out as `meson install` put
 * them (so that a tree installed with DESTDIR, or into any prefix, runs
 * from where it is), else at the configured prefix.
 */

/* The build tree, if this executable is the one built there; else NULL. */
const char *enr_paths_get_build_root       (void);
/* The message catalogues' directory, for bindtextdomain(). */
char       *enr_paths_get_locale_dir       (void);
/* A directory of compiled GSettings schemas holding ours, or NULL. */
char       *enr_paths_get_schema_dir       (void);
/* The smartca-sandbox that came with this program, or NULL (the sandbox
 * runner then looks where it is configured to). */
char       *enr_paths_get_sandbox_program  (void);
/* The module @name (a shared module of this program, loaded when first
 * needed) that came with this program: in @build_dir of the build tree
 * (relative to its root), under the prefix it runs from, or where it was
 * configured to be installed (LIBDIR/smartca-enroll). */
char       *enr_paths_get_module           (const char *build_dir,
                                            const char *name);

G_END_DECLS
