/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-page-host"

#include "config.h"

#include "enr-page-host.h"
#include "enr-page-runner.h"

struct _EnrPageHost
{
  GtkWidget      parent_instance;

  EnrPage       *page;
  EnrPageRunner *runner;
  gboolean       shown;
};

G_DEFINE_FINAL_TYPE (EnrPageHost, enr_page_host, GTK_TYPE_WIDGET)

enum {
  APPLIED,
  BACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
applied_cb (EnrPageHost *self)
{
  g_signal_emit (self, signals[APPLIED], 0);
}

/* Back, Start Over and Close all leave the page: the window decides where
 * to. A new login is given right here, on the page itself. */
static void
leave_cb (EnrPageHost *self)
{
  enr_page_runner_cancel (self->runner);
  g_signal_emit (self, signals[BACK], 0);
}

static void
enr_page_host_dispose (GObject *object)
{
  EnrPageHost *self = ENR_PAGE_HOST (object);
  GtkWidget *child;

  if (self->runner != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->runner, self);
      enr_page_runner_cancel (self->runner);
      enr_page_runner_set_page (self->runner, NULL);
    }
  g_clear_object (&self->runner);
  g_clear_object (&self->page);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (enr_page_host_parent_class)->dispose (object);
}

static void
enr_page_host_class_init (EnrPageHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_page_host_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);

  signals[APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
enr_page_host_init (EnrPageHost *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (
                                    GTK_WIDGET (self))), GTK_ORIENTATION_VERTICAL);
  self->runner = enr_page_runner_new ();
  enr_page_runner_set_can_go_back (self->runner, TRUE);
  g_signal_connect_swapped (self->runner, "applied", G_CALLBACK (applied_cb), self);
  g_signal_connect_swapped (self->runner, "back", G_CALLBACK (leave_cb), self);
  g_signal_connect_swapped (self->runner, "start-over", G_CALLBACK (leave_cb), self);
  g_signal_connect_swapped (self->runner, "close", G_CALLBACK (leave_cb), self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "wizard",
                                  enr_page_runner_get_actions (self->runner));
}

GtkWidget *
enr_page_host_new (EnrPage *page)
{
  EnrPageHost *self;
  GtkWidget *row;
  GtkWidget *next;

  g_return_val_if_fail (ENR_IS_PAGE (page), NULL);

  self = g_object_new (ENR_TYPE_PAGE_HOST, NULL);
  self->page = g_object_ref_sink (page);
  gtk_widget_set_vexpand (GTK_WIDGET (page), TRUE);
  gtk_widget_set_parent (GTK_WIDGET (page), GTK_WIDGET (self));

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (row, "host-actions");
  gtk_box_append (GTK_BOX (row), enr_page_runner_get_back_button (self->runner));
  next = enr_page_runner_get_next_button (self->runner);
  gtk_widget_set_hexpand (next, TRUE);
  gtk_widget_set_halign (next, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (row), next);
  gtk_widget_set_parent (row, GTK_WIDGET (self));
  return GTK_WIDGET (self);
}

EnrPage *
enr_page_host_get_page (EnrPageHost *self)
{
  g_return_val_if_fail (ENR_IS_PAGE_HOST (self), NULL);
  return self->page;
}

void
enr_page_host_shown (EnrPageHost *self)
{
  GtkRoot *root;

  g_return_if_fail (ENR_IS_PAGE_HOST (self));

  if (self->shown)
    return;
  self->shown = TRUE;
  /* Enter in the page's last field presses Next, as in the wizard. */
  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (GTK_IS_WINDOW (root))
    gtk_window_set_default_widget (GTK_WINDOW (root),
                                   enr_page_runner_get_next_button (self->runner));
  enr_page_runner_set_page (self->runner, self->page);
}

void
enr_page_host_hidden (EnrPageHost *self)
{
  g_return_if_fail (ENR_IS_PAGE_HOST (self));

  if (!self->shown)
    return;
  self->shown = FALSE;
  enr_page_runner_cancel (self->runner);
  enr_page_runner_set_page (self->runner, NULL);
}
