/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * `smartca-enroll --check FILE --json`, for integrators' scripts: checks
 * @file against @signing_trust_anchor (NULL: the system's store) with no
 * window and no display, prints enr_document_check_to_json() on stdout,
 * and returns the exit status: 0 when there is a signature and every one
 * is valid and trusted, 1 when not, 2 when the file cannot be read as a
 * PDF (the reason on stderr).
 */
int enr_check_command_run (const char *signing_trust_anchor,
                           GFile      *file);

G_END_DECLS
