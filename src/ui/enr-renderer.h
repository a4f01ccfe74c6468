/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Which of GTK's renderers draws the program's windows.
 *
 * GTK 4.8 draws with OpenGL whenever it gets a context. On a computer
 * without a GPU the kernel drives (no render node in /dev/dri: a virtual
 * machine without 3D, a thin client, a kiosk on a plain frame buffer) that
 * context is Mesa's software rasteriser, llvmpipe, and there GTK's cairo
 * renderer is far the better: on the 2-core development machine the window
 * maps in a tenth of the time, and the worst stall of an enrollment is under
 * 0.1 s instead of over 1 s, with no frame of a turning spinner holding the
 * main loop for 36 ms (README, "Benchmarks"). So there, unless the desktop
 * or the citizen chose a renderer (GSK_RENDERER), the program asks for
 * cairo. Where the kernel drives a GPU, GTK chooses as it would.
 */

/* "cairo" when a program that was given @requested (GSK_RENDERER's value,
 * or NULL) on a computer whose DRM devices are in @dri_dir should draw
 * with cairo; NULL to leave GTK's choice alone. */
const char *enr_renderer_pick (const char *requested,
                               const char *dri_dir);

/* Call once, before any thread starts (it may set GSK_RENDERER) and before
 * GTK opens the display. */
void        enr_renderer_init (void);

G_END_DECLS
