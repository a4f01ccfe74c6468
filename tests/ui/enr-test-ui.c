/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-test-ui"

#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "enr-columns.h"
#include "enr-language.h"
#include "enr-page-slot.h"
#include "enr-test-ui.h"
#include "enr-ui.h"

void
enr_test_ui_init (int    *argc,
                  char ***argv)
{
  const char *build_root = g_getenv ("MESON_BUILD_ROOT");
  g_autofree char *locale_dir = g_build_filename (build_root != NULL ? build_root : ".", "po",
                                                  NULL);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  enr_language_init ();
  g_test_init (argc, argv, NULL);
  gtk_init ();
  enr_ui_init (NULL);
}

static gboolean
hang_cb (gpointer data)
{
  gboolean *hung = data;

  *hung = TRUE;
  return G_SOURCE_REMOVE;
}

void
enr_test_wait_until (EnrTestCondition  condition,
                     gpointer          data,
                     const char       *what)
{
  gboolean hung = FALSE;
  guint source = g_timeout_add_seconds (60, hang_cb, &hung);

  while (!condition (data) && !hung)
    g_main_context_iteration (NULL, TRUE);

  if (hung)
    g_error ("waited more than a minute for %s", what);
  g_source_remove (source);
}

void
enr_test_flush (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
notified_cb (GObject    *object,
             GParamSpec *pspec,
             gpointer    data)
{
  gboolean *notified = data;

  *notified = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

void
enr_test_wait_notify (gpointer    object,
                      const char *name)
{
  g_autofree char *signal = g_strconcat ("notify::", name, NULL);
  gboolean notified = FALSE;
  gulong handler = g_signal_connect (object, signal, G_CALLBACK (notified_cb), &notified);

  enr_test_wait_until (is_true, &notified, signal);
  g_signal_handler_disconnect (object, handler);
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data)) &&
         gtk_widget_get_width (GTK_WIDGET (data)) > 0;
}

GtkWindow *
enr_test_window_new (GtkWidget *child,
                     int        width,
                     int        height)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  g_object_ref_sink (window);
  gtk_window_set_default_size (window, width, height);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  enr_test_wait_until (is_mapped, child, "the test window to be mapped");
  enr_test_flush ();
  return window;
}

void
enr_test_window_destroy (GtkWindow *window)
{
  gtk_window_destroy (window);
  enr_test_flush ();
  g_object_unref (window);
}

cairo_surface_t *
enr_test_draw_node (GskRenderNode *node,
                    int            width,
                    int            height)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

cairo_surface_t *
enr_test_render (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  return enr_test_draw_node (node, width, height);
}

/* The borders under @node whose sides are not all of one color, each
 * with where it is, appended to @found. */
static void
find_borders_of_two_colors (GskRenderNode *node,
                            GString       *found)
{
  switch (gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        find_borders_of_two_colors (gsk_container_node_get_child (node, i), found);
      break;
    case GSK_TRANSFORM_NODE:
      find_borders_of_two_colors (gsk_transform_node_get_child (node), found);
      break;
    case GSK_CLIP_NODE:
      find_borders_of_two_colors (gsk_clip_node_get_child (node), found);
      break;
    case GSK_ROUNDED_CLIP_NODE:
      find_borders_of_two_colors (gsk_rounded_clip_node_get_child (node), found);
      break;
    case GSK_OPACITY_NODE:
      find_borders_of_two_colors (gsk_opacity_node_get_child (node), found);
      break;
    case GSK_COLOR_MATRIX_NODE:
      find_borders_of_two_colors (gsk_color_matrix_node_get_child (node), found);
      break;
    case GSK_SHADOW_NODE:
      find_borders_of_two_colors (gsk_shadow_node_get_child (node), found);
      break;
    case GSK_BLUR_NODE:
      find_borders_of_two_colors (gsk_blur_node_get_child (node), found);
      break;
    case GSK_REPEAT_NODE:
      find_borders_of_two_colors (gsk_repeat_node_get_child (node), found);
      break;
    case GSK_DEBUG_NODE:
      find_borders_of_two_colors (gsk_debug_node_get_child (node), found);
      break;
    case GSK_BLEND_NODE:
      find_borders_of_two_colors (gsk_blend_node_get_bottom_child (node), found);
      find_borders_of_two_colors (gsk_blend_node_get_top_child (node), found);
      break;
    case GSK_CROSS_FADE_NODE:
      find_borders_of_two_colors (gsk_cross_fade_node_get_start_child (node), found);
      find_borders_of_two_colors (gsk_cross_fade_node_get_end_child (node), found);
      break;
    case GSK_BORDER_NODE:
      {
        const GdkRGBA *colors = gsk_border_node_get_colors (node);
        graphene_rect_t bounds;

        if (gdk_rgba_equal (&colors[0], &colors[1]) && gdk_rgba_equal (&colors[0], &colors[2]) &&
            gdk_rgba_equal (&colors[0], &colors[3]))
          break;
        gsk_render_node_get_bounds (node, &bounds);
        g_string_append_printf (found, "\n  a %g x %g border (top, right, bottom, left:",
                                bounds.size.width, bounds.size.height);
        for (guint i = 0; i < 4; i++)
          {
            g_autofree char *color = gdk_rgba_to_string (&colors[i]);

            g_string_append_printf (found, " %s", color);
          }
        g_string_append (found, ")");
      }
      break;
    default:
      break;
    }
}

static void
painted_cb (GdkFrameClock *clock,
            gboolean      *painted)
{
  *painted = TRUE;
}

void
enr_test_assert_borders_one_color (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  GtkSnapshot *snapshot;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GString) found = g_string_new (NULL);
  gboolean painted = FALSE;
  gulong handler;

  /* A widget paintable is the widget's last frame: one that nothing has
   * changed since it was drawn. */
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &painted);
  gtk_widget_queue_draw (widget);
  enr_test_wait_until (is_true, &painted, "a frame drawn");
  g_signal_handler_disconnect (clock, handler);

  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  find_borders_of_two_colors (node, found);
  if (found->len > 0)
    g_error ("%s draws borders whose sides differ in color:%s",
             G_OBJECT_TYPE_NAME (widget), found->str);
}

static gboolean
label_matches (GtkWidget  *widget,
               const char *label)
{
  const char *text = NULL;

  if (label == NULL)
    return TRUE;
  if (GTK_IS_BUTTON (widget))
    text = gtk_button_get_label (GTK_BUTTON (widget));
  else if (GTK_IS_CHECK_BUTTON (widget))
    text = gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));
  else if (GTK_IS_LABEL (widget))
    text = gtk_label_get_label (GTK_LABEL (widget));
  else if (GTK_IS_EDITABLE (widget))
    text = gtk_editable_get_text (GTK_EDITABLE (widget));
  return g_strcmp0 (text, label) == 0;
}

GtkWidget *
enr_test_find (GtkWidget  *root,
               GType       type,
               const char *label)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && label_matches (root, label))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = enr_test_find (child, type, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
enr_test_find_action (GtkWidget  *root,
                      const char *action_name)
{
  if (GTK_IS_ACTIONABLE (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action_name) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = enr_test_find_action (child, action_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The horizontal box above @label that measures it for a height, or NULL. */
static GtkWidget *
box_measuring_for_height (GtkWidget *label)
{
  for (GtkWidget *above = gtk_widget_get_parent (label);
       above != NULL;
       above = gtk_widget_get_parent (above))
    {
      GtkLayoutManager *layout = gtk_widget_get_layout_manager (above);

      if (GTK_IS_SCROLLED_WINDOW (above) || ENR_IS_PAGE_SLOT (above) || ENR_IS_COLUMNS (above) ||
          GTK_IS_NATIVE (above))
        return NULL;
      if (GTK_IS_BOX_LAYOUT (layout) &&
          gtk_orientable_get_orientation (GTK_ORIENTABLE (layout)) == GTK_ORIENTATION_HORIZONTAL)
        return above;
    }
  return NULL;
}

static void
list_wrapping_by_trial (GtkWidget *root,
                        GString   *found)
{
  GtkWidget *box;

  if (GTK_IS_LABEL (root) && gtk_label_get_wrap (GTK_LABEL (root)) &&
      (box = box_measuring_for_height (root)) != NULL)
    {
      const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (root));
      const char *text = gtk_label_get_text (GTK_LABEL (root));
      g_autofree char *start = g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), 40));

      g_string_append_printf (found, "%s “%s” in a %s\n",
                              id != NULL ? id : gtk_widget_get_name (root), start,
                              G_OBJECT_TYPE_NAME (box));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      /* GTK's tooltip window is GTK's: only popovers are the program's. */
      if (GTK_IS_NATIVE (child) && !GTK_IS_POPOVER (child))
        continue;
      list_wrapping_by_trial (child, found);
    }
}

void
enr_test_assert_no_wrapping_by_trial (GtkWidget *root)
{
  g_autoptr(GString) found = g_string_new (NULL);

  list_wrapping_by_trial (root, found);
  g_assert_cmpstr (found->str, ==, "");
}

void
enr_test_type (GtkWidget  *editable,
               const char *text)
{
  int position = gtk_editable_get_position (GTK_EDITABLE (editable));

  gtk_editable_insert_text (GTK_EDITABLE (editable), text, -1, &position);
  gtk_editable_set_position (GTK_EDITABLE (editable), position);
}

char *
enr_test_output_path (const char *name)
{
  const char *build_root = g_getenv ("MESON_BUILD_ROOT");
  g_autofree char *dir = g_build_filename (build_root != NULL ? build_root : ".",
                                           "tests", "ui", "output", NULL);

  g_mkdir_with_parents (dir, 0755);
  return g_build_filename (dir, name, NULL);
}
