/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "enr-renderer.h"
#include "enr-test-files.h"

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

/* "gl-disable" joins GDK_DEBUG's flags, once. */
static void
test_gdk_debug (void)
{
  const struct {
    const char *before;
    const char *after;
  } cases[] = {
    { NULL, "gl-disable" },
    { "", "gl-disable" },
    { "nograbs", "nograbs,gl-disable" },
    { "gl-disable", "gl-disable" },
    { "misc:gl-disable", "misc:gl-disable" },
    { "gl-disabled", "gl-disabled,gl-disable" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *after = enr_renderer_gdk_debug_without_gl (cases[i].before);

      g_assert_cmpstr (after, ==, cases[i].after);
    }
}

/* Without a render node, the program's window is drawn with cairo and
 * GTK does not load OpenGL at all (Mesa, LLVM) to open its display. A
 * program opened from it gets the environment it was started with. */
static void
test_applied (Fixture       *fixture,
              gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GAppLaunchContext) context = g_app_launch_context_new ();
      g_auto(GStrv) launched = NULL;
      GtkWidget *window;

      g_unsetenv ("GSK_RENDERER");
      g_setenv ("GDK_DEBUG", "nograbs", TRUE);
      enr_renderer_apply (fixture->dri_dir);
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
      g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "nograbs,gl-disable");

      gtk_init ();
      window = gtk_window_new ();
      gtk_window_present (GTK_WINDOW (window));
      while (!gtk_widget_get_mapped (window))
        g_main_context_iteration (NULL, TRUE);
      g_assert_false (enr_test_is_mapped ("libEGL"));
      g_assert_false (enr_test_is_mapped ("libGLX"));
      g_assert_false (enr_test_is_mapped ("_dri.so"));
      gtk_window_destroy (GTK_WINDOW (window));

      enr_renderer_restore_for_launch (context);
      launched = g_app_launch_context_get_environment (context);
      g_assert_null (g_environ_getenv (launched, "GSK_RENDERER"));
      g_assert_cmpstr (g_environ_getenv (launched, "GDK_DEBUG"), ==, "nograbs");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* With a GPU, or a renderer chosen, the environment is left as it was,
 * and so is a launched program's. */
static void
test_left_alone (Fixture       *fixture,
                 gconstpointer  data)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GAppLaunchContext) context = g_app_launch_context_new ();
      g_auto(GStrv) launched = NULL;

      g_unsetenv ("GSK_RENDERER");
      g_unsetenv ("GDK_DEBUG");
      add_device (fixture, "renderD128");
      enr_renderer_apply (fixture->dri_dir);
      g_assert_null (g_getenv ("GSK_RENDERER"));
      g_assert_null (g_getenv ("GDK_DEBUG"));

      g_setenv ("GSK_RENDERER", "gl", TRUE);
      enr_renderer_apply (fixture->dri_dir);
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
      g_assert_null (g_getenv ("GDK_DEBUG"));

      enr_renderer_restore_for_launch (context);
      launched = g_app_launch_context_get_environment (context);
      g_assert_cmpstr (g_environ_getenv (launched, "GSK_RENDERER"), ==, "gl");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
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
  g_test_add_func ("/renderer/gdk-debug", test_gdk_debug);
  g_test_add ("/renderer/applied", Fixture, NULL, fixture_set_up, test_applied,
              fixture_tear_down);
  g_test_add ("/renderer/left-alone", Fixture, NULL, fixture_set_up, test_left_alone,
              fixture_tear_down);

  return g_test_run ();
}
