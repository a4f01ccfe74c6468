/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

/* g_test_init + gtk_init + the program's resources and style. */
void             enr_test_ui_init          (int          *argc,
                                            char       ***argv);

typedef gboolean (*EnrTestCondition) (gpointer data);

/* Runs the main loop until @condition holds. A test that waits longer
 * than a minute has hung: it fails, naming @what. */
void             enr_test_wait_until       (EnrTestCondition  condition,
                                            gpointer          data,
                                            const char       *what);
/* Runs the main loop until it has nothing left to do right now. */
void             enr_test_flush            (void);
/* Runs the main loop until @object's boolean or numeric property @name
 * has notified at least once since the call, or already equals @value
 * (a boolean test only). */
void             enr_test_wait_notify      (gpointer     object,
                                            const char  *name);

/* A window holding @child at @width × @height, presented and mapped. */
GtkWindow       *enr_test_window_new       (GtkWidget   *child,
                                            int          width,
                                            int          height);
/* Destroys a window made by enr_test_window_new and lets it go. */
void             enr_test_window_destroy   (GtkWindow   *window);

/* What @widget draws now, on a white ARGB image of its size. */
cairo_surface_t *enr_test_render           (GtkWidget   *widget);
/* What @node (NULL: nothing) draws on a white ARGB image of @width ×
 * @height, as GTK's cairo renderer draws a frame. */
cairo_surface_t *enr_test_draw_node        (GskRenderNode *node,
                                            int          width,
                                            int          height);

/* The first descendant of @root (itself included) of @type whose label,
 * accessible label or text is @label (NULL: any). */
GtkWidget       *enr_test_find             (GtkWidget   *root,
                                            GType        type,
                                            const char  *label);

/* The first GtkActionable under @root whose action is @action_name. */
GtkWidget       *enr_test_find_action      (GtkWidget   *root,
                                            const char  *action_name);

/* Fails, naming them, if any wrapping label under @root (hidden ones too;
 * popovers, not GTK's tooltip) would be laid out by trial: one that a
 * horizontal GtkBoxLayout (a horizontal GtkBox, a GtkCheckButton) holds,
 * directly or through containers that pass a height down, with no
 * scrolled window, page slot, EnrColumns or GtkNative between them. Such a
 * box asks each child how narrow it can be at its height; GTK 4.8's label
 * finds out by laying its whole text out at one width after another (a
 * binary search), on every layout of the row. A grid asks widths for no
 * height, and so do those four (src/ui/enr-ui.h). */
void             enr_test_assert_no_wrapping_by_trial (GtkWidget *root);

/* Fails, naming them, if what @widget draws now holds a border whose
 * sides are not all of one color (a side with no width counts: the
 * theme's text color is its color then). GTK 4.8's cairo renderer draws
 * such a border side by side, each through a clip of the whole box: the
 * wizard's sidebar took 12 to 24 ms of each frame (src/ui/style.css). */
void             enr_test_assert_borders_one_color (GtkWidget *widget);

/* Inserts @text at the cursor of @editable the way typing or pasting
 * does, through its "insert-text" signal (so filters run). */
void             enr_test_type             (GtkWidget   *editable,
                                            const char  *text);

/* Where tests may write files, under the build directory. */
char            *enr_test_output_path      (const char  *name);

G_END_DECLS
