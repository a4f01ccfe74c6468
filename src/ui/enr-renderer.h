/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

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
 * cairo, and tells GDK not to set up OpenGL at all (GDK_DEBUG=gl-disable),
 * which GTK would otherwise do as it opens the display. Where the kernel
 * drives a GPU, GTK chooses as it would.
 */

/* "cairo" when a program that was given @requested (GSK_RENDERER's value,
 * or NULL) on a computer whose DRM devices are in @dri_dir should draw
 * with cairo; NULL to leave GTK's choice alone. */
const char *enr_renderer_pick (const char *requested,
                               const char *dri_dir);

/* GDK_DEBUG's value @gdk_debug (nullable) with "gl-disable" among its
 * flags, newly allocated. */
char       *enr_renderer_gdk_debug_without_gl (const char *gdk_debug);

/* Sets GSK_RENDERER and GDK_DEBUG for a computer whose DRM devices are in
 * @dri_dir, as enr_renderer_pick() decides. Call once, before any thread
 * starts and before GTK opens the display. */
void        enr_renderer_apply (const char *dri_dir);
/* enr_renderer_apply() for this computer ("/dev/dri"). */
void        enr_renderer_init  (void);

/* Gives a program the citizen opens from this one (a PDF viewer, a file
 * manager) the renderer settings this one was started with: what suits
 * this program is not forced on another. */
void        enr_renderer_restore_for_launch (GAppLaunchContext *context);

G_END_DECLS
