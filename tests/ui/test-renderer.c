/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>

#include "enr-renderer.h"

typedef struct
{
  char *dri_dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dri_dir = g_dir_make_tmp ("enr-dri-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
add_device (Fixture    *fixture,
            const char *name)
{
  g_autofree char *path = g_build_filename (fixture->dri_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, "", 0, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dri_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dri_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dri_dir);
  g_free (fixture->dri_dir);
}

/* No DRM device at all (a virtual machine without a GPU): OpenGL could only
 * be software, so cairo; an empty GSK_RENDERER is no choice. */
static void
test_no_device (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (fixture->dri_dir, "missing", NULL);

  g_assert_cmpstr (enr_renderer_pick (NULL, fixture->dri_dir), ==, "cairo");
  g_assert_cmpstr (enr_renderer_pick ("", fixture->dri_dir), ==, "cairo");
  g_assert_cmpstr (enr_renderer_pick (NULL, missing), ==, "cairo");
}

/* A plain frame buffer has a card and no render node: still cairo. */
static void
test_frame_buffer_only (Fixture       *fixture,
                        gconstpointer  data)
{
  add_device (fixture, "card0");
  g_assert_cmpstr (enr_renderer_pick (NULL, fixture->dri_dir), ==, "cairo");
}

/* A GPU's render node: GTK chooses, as for any program. */
static void
test_gpu (Fixture       *fixture,
          gconstpointer  data)
{
  add_device (fixture, "card0");
  add_device (fixture, "renderD128");
  g_assert_null (enr_renderer_pick (NULL, fixture->dri_dir));
}

/* A renderer the desktop or the citizen chose is never overridden, with a
 * GPU or without. */
static void
test_chosen (Fixture       *fixture,
             gconstpointer  data)
{
  g_assert_null (enr_renderer_pick ("gl", fixture->dri_dir));
  g_assert_null (enr_renderer_pick ("cairo", fixture->dri_dir));
  add_device (fixture, "renderD128");
  g_assert_null (enr_renderer_pick ("vulkan", fixture->dri_dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/renderer/no-device", Fixture, NULL, fixture_set_up, test_no_device,
              fixture_tear_down);
  g_test_add ("/renderer/frame-buffer-only", Fixture, NULL, fixture_set_up,
              test_frame_buffer_only, fixture_tear_down);
  g_test_add ("/renderer/gpu", Fixture, NULL, fixture_set_up, test_gpu, fixture_tear_down);
  g_test_add ("/renderer/chosen", Fixture, NULL, fixture_set_up, test_chosen,
              fixture_tear_down);

  return g_test_run ();
}
