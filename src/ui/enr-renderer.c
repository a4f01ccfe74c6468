/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-renderer"

#include "config.h"

#include "enr-renderer.h"

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

void
enr_renderer_init (void)
{
  const char *renderer = enr_renderer_pick (g_getenv ("GSK_RENDERER"), "/dev/dri");

  if (renderer == NULL)
    return;
  g_setenv ("GSK_RENDERER", renderer, TRUE);
  g_debug ("no GPU render node in /dev/dri: drawing with %s, not OpenGL in software",
           renderer);
}
