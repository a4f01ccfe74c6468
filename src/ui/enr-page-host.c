/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-page-host"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-page-host.h"

struct _EnrPageHost
{
  GtkWidget           parent_instance;

  EnrPage            *page;
  GtkButton          *back_button;
  GtkButton          *next_button;
  GSimpleActionGroup *actions;
  GCancellable       *apply_cancellable;
  gboolean            shown;
};

G_DEFINE_FINAL_TYPE (EnrPageHost, enr_page_host, GTK_TYPE_WIDGET)

enum {
  APPLIED,
  BACK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_enabled (EnrPageHost *self,
             const char  *name,
             gboolean     enabled)
{
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                 G_ACTION_MAP (self->actions), name)), enabled);
}

static void
update (EnrPageHost *self)
{
  const char *label = enr_page_get_next_label (self->page);

  gtk_widget_set_visible (GTK_WIDGET (self->next_button), label != NULL);
  if (label != NULL)
    gtk_button_set_label (self->next_button, label);
  set_enabled (self, "next", enr_page_get_complete (self->page) &&
                             !enr_page_get_busy (self->page) && self->apply_cancellable == NULL);
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnrPageHost) self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->apply_cancellable);
  if (self->page == NULL)
    return;
  if (enr_page_apply_finish (self->page, result, &error))
    g_signal_emit (self, signals[APPLIED], 0);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    enr_page_show_error (self->page, error);
  update (self);
}

static void
next_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  EnrPageHost *self = user_data;

  if (self->apply_cancellable != NULL || !enr_page_get_complete (self->page) ||
      enr_page_get_busy (self->page))
    return;
  self->apply_cancellable = g_cancellable_new ();
  update (self);
  enr_page_apply_async (self->page, self->apply_cancellable, applied_cb, g_object_ref (self));
}

static void
back_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  EnrPageHost *self = user_data;

  g_cancellable_cancel (self->apply_cancellable);
  g_signal_emit (self, signals[BACK], 0);
}

static void
cancel_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  EnrPageHost *self = user_data;

  g_cancellable_cancel (self->apply_cancellable);
}

/* The page is already the login: a new login is given right there. */
static void
nothing_cb (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
}

static void
page_notify_cb (EnrPageHost *self)
{
  update (self);
}

static void
enr_page_host_dispose (GObject *object)
{
  EnrPageHost *self = ENR_PAGE_HOST (object);
  GtkWidget *child;

  g_cancellable_cancel (self->apply_cancellable);
  g_clear_object (&self->apply_cancellable);
  if (self->page != NULL)
    {
      if (self->shown)
        enr_page_hidden (self->page);
      g_signal_handlers_disconnect_by_data (self->page, self);
    }
  g_clear_object (&self->page);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->actions);

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
  const GActionEntry entries[] = {
    { "next", next_cb, NULL, NULL, NULL },
    { "back", back_cb, NULL, NULL, NULL },
    { "cancel", cancel_cb, NULL, NULL, NULL },
    { "log-in", nothing_cb, NULL, NULL, NULL },
    { "start-over", back_cb, NULL, NULL, NULL },
    { "close", back_cb, NULL, NULL, NULL },
  };

  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (
                                    GTK_WIDGET (self))), GTK_ORIENTATION_VERTICAL);
  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries),
                                   self);
  gtk_widget_insert_action_group (GTK_WIDGET (self), "wizard", G_ACTION_GROUP (self->actions));
}

GtkWidget *
enr_page_host_new (EnrPage *page)
{
  EnrPageHost *self;
  GtkWidget *row;

  g_return_val_if_fail (ENR_IS_PAGE (page), NULL);

  self = g_object_new (ENR_TYPE_PAGE_HOST, NULL);
  self->page = g_object_ref_sink (page);
  gtk_widget_set_vexpand (GTK_WIDGET (page), TRUE);
  gtk_widget_set_parent (GTK_WIDGET (page), GTK_WIDGET (self));

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_add_css_class (row, "host-actions");
  self->back_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Back")));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->back_button), "wizard.back");
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->back_button));
  self->next_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Next")));
  gtk_widget_set_hexpand (GTK_WIDGET (self->next_button), TRUE);
  gtk_widget_set_halign (GTK_WIDGET (self->next_button), GTK_ALIGN_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->next_button), "suggested-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->next_button), "wizard.next");
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->next_button));
  gtk_widget_set_parent (row, GTK_WIDGET (self));

  g_signal_connect_swapped (page, "notify::complete", G_CALLBACK (page_notify_cb), self);
  g_signal_connect_swapped (page, "notify::busy", G_CALLBACK (page_notify_cb), self);
  g_signal_connect_swapped (page, "notify::next-label", G_CALLBACK (page_notify_cb), self);
  update (self);
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
    gtk_window_set_default_widget (GTK_WINDOW (root), GTK_WIDGET (self->next_button));
  enr_page_shown (self->page);
}

void
enr_page_host_hidden (EnrPageHost *self)
{
  g_return_if_fail (ENR_IS_PAGE_HOST (self));

  if (!self->shown)
    return;
  self->shown = FALSE;
  g_cancellable_cancel (self->apply_cancellable);
  enr_page_hidden (self->page);
}
