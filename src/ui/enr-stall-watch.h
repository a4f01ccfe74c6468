/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * A watchdog on the main context, for benchmarks and tests: when
 * SMARTCA_ENROLL_STALL_REPORT names a file, a 1 ms timer of high priority
 * measures how late each of its ticks fires, that is how long the main
 * context was held by something else, and the program writes its worst
 * lateness, the count of ticks more than 10 ms late and when each of those
 * came to that file (JSON), as it changes and at exit. Without the
 * variable it does nothing.
 *
 * Once it follows an application's windows, it also times their frames
 * (from each frame clock's before-paint to its after-paint: the layout,
 * snapshot and drawing of a window) and tells a stall's frames from the
 * rest: the worst frame, and the worst lateness less the frames in it.
 * With each stall and the worst frame it notes the title of the active
 * window then (a wizard's is its page's), so that they can be told by page.
 */
#define ENR_STALL_WATCH_ENV "SMARTCA_ENROLL_STALL_REPORT"

void enr_stall_watch_start  (void);
void enr_stall_watch_follow (GtkApplication *application);

G_END_DECLS
