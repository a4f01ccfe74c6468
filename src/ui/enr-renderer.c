/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-renderer"

#include "config.h"

#include "enr-renderer.h"

#define GL_DISABLE "gl-disable"

/* What the environment held before enr_renderer_apply() changed it, for
 * the programs the citizen opens from ours; unset when it changed nothing. */
static gboolean changed;
static char *original_renderer;
static char *original_gdk_debug;

/* Whether @dri_dir holds a render node ("renderD128"…), which only a
 * driver of a real GPU (or a virtual one with 3D) creates. A plain frame
 * buffer (simpledrm, efifb) has a "card0" and no render node. */
static gboolean
has_render_node (const char *dri_dir)
{
  g_autoptr(GDir) dir = g_dir_open (dri_dir, 0, NULL);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return TRUE;
  return FALSE;
}

const char *
enr_renderer_pick (const char *requested,
                   const char *dri_dir)
{
  g_return_val_if_fail (dri_dir != NULL, NULL);

  if (requested != NULL && *requested != '\0')
    return NULL;
  return has_render_node (dri_dir) ? NULL : "cairo";
}

char *
enr_renderer_gdk_debug_without_gl (const char *gdk_debug)
{
  g_auto(GStrv) flags = NULL;

  if (gdk_debug == NULL || *gdk_debug == '\0')
    return g_strdup (GL_DISABLE);
  /* GDK reads a list separated by any of ":;, \t". */
  flags = g_strsplit_set (gdk_debug, ":;, \t", -1);
  if (g_strv_contains ((const char * const *) flags, GL_DISABLE))
    return g_strdup (gdk_debug);
  return g_strconcat (gdk_debug, ",", GL_DISABLE, NULL);
}

void
enr_renderer_apply (const char *dri_dir)
{
  const char *renderer = enr_renderer_pick (g_getenv ("GSK_RENDERER"), dri_dir);
  g_autofree char *gdk_debug = NULL;

  if (renderer == NULL)
    return;

  original_renderer = g_strdup (g_getenv ("GSK_RENDERER"));
  original_gdk_debug = g_strdup (g_getenv ("GDK_DEBUG"));
  changed = TRUE;

  g_setenv ("GSK_RENDERER", renderer, TRUE);
  /* GTK 4.8 also sets up OpenGL as it opens the display, to choose the
   * windows' visual, whatever the renderer: on this computer that is Mesa
   * and LLVM loaded and initialised for nothing, half the time a window
   * takes to map. */
  gdk_debug = enr_renderer_gdk_debug_without_gl (g_getenv ("GDK_DEBUG"));
  g_setenv ("GDK_DEBUG", gdk_debug, TRUE);
  g_debug ("no GPU render node in %s: drawing with %s, without OpenGL", dri_dir, renderer);
}

void
enr_renderer_init (void)
{
  enr_renderer_apply ("/dev/dri");
}

static void
restore (GAppLaunchContext *context,
         const char        *variable,
         const char        *original)
{
  if (original != NULL)
    g_app_launch_context_setenv (context, variable, original);
  else
    g_app_launch_context_unsetenv (context, variable);
}

void
enr_renderer_restore_for_launch (GAppLaunchContext *context)
{
  g_return_if_fail (G_IS_APP_LAUNCH_CONTEXT (context));

  if (!changed)
    return;
  restore (context, "GSK_RENDERER", original_renderer);
  restore (context, "GDK_DEBUG", original_gdk_debug);
}
