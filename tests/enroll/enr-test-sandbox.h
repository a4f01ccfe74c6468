/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * A sandbox of a test's own: a smartca-sandbox process on a data directory
 * in a new temporary directory, with its control client, for the tests that
 * drive the program against it (tests/enroll, tests/ui).
 */

#include "enr-sandbox-control.h"
#include "enr-sandbox-runner.h"
#include "enr-test-files.h"

G_BEGIN_DECLS

typedef struct
{
  char              *tmp;         /* removed at the end, unless the test failed */
  char              *state_dir;   /* tmp/state: for the sessions' checkpoints */
  EnrSandboxRunner  *runner;
  EnrSandboxControl *control;
} EnrTestSandbox;

/*
 * Starts a sandbox in a new directory named after @name, with
 * `--sync-delay-ms @sync_delay_ms`, and waits until it listens. A sandbox
 * makes an RSA-3072 root on its first start, which is slow under the
 * sanitizers: every sandbox starts from a copy of one data directory made
 * once per process, the "reuse" case of PROTOCOL.md. Its log is
 * tmp/sandbox.log.
 */
void  enr_test_sandbox_set_up    (EnrTestSandbox *sandbox,
                                  const char     *name,
                                  const char     *sync_delay_ms);
/* Stops the sandbox and removes the directory (kept when the test failed). */
void  enr_test_sandbox_tear_down (EnrTestSandbox *sandbox);

G_END_DECLS
