/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A smartca-sandbox process for this run only: `smartca-enroll --sandbox`
 * and the tests start one on a free loopback port with a fresh data
 * directory, read the URLs and the trust anchor from the one line of JSON
 * it prints, and stop it with SIGTERM when done (at the latest when the
 * runner is disposed). Nothing of this is linked into the layers a
 * production run uses to talk to real services.
 */
#define ENR_TYPE_SANDBOX_RUNNER (enr_sandbox_runner_get_type ())
G_DECLARE_FINAL_TYPE (EnrSandboxRunner, enr_sandbox_runner, ENR, SANDBOX_RUNNER, GObject)

/*
 * @program: (nullable): the smartca-sandbox to run; NULL: $SMARTCA_SANDBOX,
 *   else the one installed beside this program, else the first in $PATH
 * @data_dir: (nullable): the sandbox's data directory, kept afterwards;
 *   NULL: a fresh temporary one, removed when the runner is disposed
 */
EnrSandboxRunner *enr_sandbox_runner_new              (const char        *program,
                                                       const char        *data_dir);
/* Before start: extra arguments ("--sync-delay-ms", "300"; "--citizens", FILE). */
void              enr_sandbox_runner_add_arguments    (EnrSandboxRunner  *self,
                                                       const char        *first_argument,
                                                       ...) G_GNUC_NULL_TERMINATED;
/* Where the sandbox's stderr goes (default: this program's stderr). */
void              enr_sandbox_runner_set_log_file     (EnrSandboxRunner  *self,
                                                       const char        *path);

/*
 * Starts the sandbox and completes once it listens. The first start listens
 * on a free port; a start after a stop listens on the same port again, so
 * the URLs a session was given stay good across a restart.
 */
void              enr_sandbox_runner_start_async      (EnrSandboxRunner    *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean          enr_sandbox_runner_start_finish     (EnrSandboxRunner    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* SIGTERM, and completes when it has exited (an error if not cleanly). */
void              enr_sandbox_runner_stop_async       (EnrSandboxRunner    *self,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean          enr_sandbox_runner_stop_finish      (EnrSandboxRunner    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);
/* SIGKILL, for tests of a service that dies mid-flow; returns at once. */
void              enr_sandbox_runner_kill             (EnrSandboxRunner  *self);
gboolean          enr_sandbox_runner_is_running       (EnrSandboxRunner  *self);

/* What the sandbox said once it listened; NULL before. */
const char       *enr_sandbox_runner_get_vneid_url    (EnrSandboxRunner  *self);
const char       *enr_sandbox_runner_get_smartca_url  (EnrSandboxRunner  *self);
const char       *enr_sandbox_runner_get_control_url  (EnrSandboxRunner  *self);
/* The time-stamp authority (PROTOCOL.md rev 2). */
const char       *enr_sandbox_runner_get_tsa_url      (EnrSandboxRunner  *self);
const char       *enr_sandbox_runner_get_trust_anchor (EnrSandboxRunner  *self);
const char       *enr_sandbox_runner_get_data_dir     (EnrSandboxRunner  *self);
guint16           enr_sandbox_runner_get_port         (EnrSandboxRunner  *self);

G_END_DECLS
