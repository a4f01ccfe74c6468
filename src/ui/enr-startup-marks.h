/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Where a start's time goes, for the start-up benchmark
 * (tests/bench/bench-startup.py): when SMARTCA_ENROLL_STARTUP_MARKS names a
 * file, the program notes when it passed each mark of its start (main()
 * entered, the toolkit started, the first window built, that window shown)
 * and, a second after the last, writes them to that file as one JSON object
 * of milliseconds on CLOCK_MONOTONIC, the clock map-watch times exec with.
 * The bare GtkAssistant the benchmark compares with sets the same marks with
 * this same code. Without the variable it does nothing. The main thread's
 * only.
 */
#define ENR_STARTUP_MARKS_ENV "SMARTCA_ENROLL_STARTUP_MARKS"

void enr_startup_mark        (const char *name);
void enr_startup_mark_last   (const char *name);

G_END_DECLS
