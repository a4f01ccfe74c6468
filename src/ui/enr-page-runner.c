/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-page-runner"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-page-runner.h"

struct _EnrPageRunner
{
  GObject             parent_instance;

  EnrPage            *page;
  GtkButton          *back_button;
  GtkButton          *next_button;
  GSimpleActionGroup *actions;
  GCancellable       *apply_cancellable;   /* set while an apply runs */
  gboolean            can_go_back;
  gboolean            held;
};

G_DEFINE_FINAL_TYPE (EnrPageRunner, enr_page_runner, G_TYPE_OBJECT)

enum {
  APPLIED,
  BACK,
  START_OVER,
  LOG_IN,
  CLOSE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_enabled (EnrPageRunner *self,
             const char    *name,
             gboolean       enabled)
{
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                 G_ACTION_MAP (self->actions), name)), enabled);
}

static void
update (EnrPageRunner *self)
{
  const char *label = self->page != NULL ? enr_page_get_next_label (self->page) : NULL;
  gboolean ready = self->page != NULL && enr_page_get_complete (self->page) &&
                   !enr_page_get_busy (self->page) && self->apply_cancellable == NULL &&
                   !self->held;
  /* Back stays where it is while the page waits, insensitive: the frame
   * does not move under the citizen's hand. */
  gboolean idle = self->apply_cancellable == NULL && !self->held &&
                  (self->page == NULL || !enr_page_get_busy (self->page));

  gtk_widget_set_visible (GTK_WIDGET (self->next_button), label != NULL);
  if (label != NULL)
    gtk_button_set_label (self->next_button, label);
  set_enabled (self, "next", ready);
  set_enabled (self, "back", self->can_go_back && idle);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), self->can_go_back);
}

static void
applied_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnrPageRunner) self = user_data;
  EnrPage *page = ENR_PAGE (source);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  g_clear_object (&self->apply_cancellable);
  ok = enr_page_apply_finish (page, result, &error);
  enr_page_end_wait (page);
  /* A page no longer shown keeps its outcome to itself. */
  if (page == self->page)
    {
      if (ok)
        g_signal_emit (self, signals[APPLIED], 0, page);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        enr_page_show_error (page, error);
    }
  update (self);
}

static void
next_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  EnrPageRunner *self = user_data;

  if (self->page == NULL || self->apply_cancellable != NULL || self->held ||
      !enr_page_get_complete (self->page) || enr_page_get_busy (self->page))
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
  EnrPageRunner *self = user_data;

  if (self->can_go_back && self->apply_cancellable == NULL &&
      (self->page == NULL || !enr_page_get_busy (self->page)))
    g_signal_emit (self, signals[BACK], 0);
}

static void
cancel_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  enr_page_runner_cancel (user_data);
}

static void
start_over_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  EnrPageRunner *self = user_data;

  enr_page_runner_cancel (self);
  g_signal_emit (self, signals[START_OVER], 0);
}

static void
log_in_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  g_signal_emit (user_data, signals[LOG_IN], 0);
}

static void
close_cb (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  g_signal_emit (user_data, signals[CLOSE], 0);
}

static void
page_notify_cb (EnrPageRunner *self)
{
  update (self);
}

static void
enr_page_runner_dispose (GObject *object)
{
  EnrPageRunner *self = ENR_PAGE_RUNNER (object);

  enr_page_runner_set_page (self, NULL);
  g_clear_object (&self->back_button);
  g_clear_object (&self->next_button);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (enr_page_runner_parent_class)->dispose (object);
}

static void
enr_page_runner_class_init (EnrPageRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enr_page_runner_dispose;

  signals[APPLIED] = g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, ENR_TYPE_PAGE);
  signals[BACK] = g_signal_new ("back", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[START_OVER] = g_signal_new ("start-over", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[LOG_IN] = g_signal_new ("log-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[CLOSE] = g_signal_new ("close", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
enr_page_runner_init (EnrPageRunner *self)
{
  const GActionEntry entries[] = {
    { "next", next_cb, NULL, NULL, NULL },
    { "back", back_cb, NULL, NULL, NULL },
    { "cancel", cancel_cb, NULL, NULL, NULL },
    { "start-over", start_over_cb, NULL, NULL, NULL },
    { "log-in", log_in_cb, NULL, NULL, NULL },
    { "close", close_cb, NULL, NULL, NULL },
  };

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries),
                                   self);

  self->back_button = g_object_ref_sink (GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Back"))));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->back_button), "wizard.back");

  self->next_button = g_object_ref_sink (GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Next"))));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->next_button), "wizard.next");
  gtk_widget_add_css_class (GTK_WIDGET (self->next_button), "suggested-action");
  /* The primary button keeps its place at the end, with Back or without:
   * GtkAssistant's action area keeps the width of its hidden buttons. */
  gtk_widget_set_hexpand (GTK_WIDGET (self->next_button), TRUE);
  gtk_widget_set_halign (GTK_WIDGET (self->next_button), GTK_ALIGN_END);
  update (self);
}

EnrPageRunner *
enr_page_runner_new (void)
{
  return g_object_new (ENR_TYPE_PAGE_RUNNER, NULL);
}

GActionGroup *
enr_page_runner_get_actions (EnrPageRunner *self)
{
  g_return_val_if_fail (ENR_IS_PAGE_RUNNER (self), NULL);
  return G_ACTION_GROUP (self->actions);
}

GtkWidget *
enr_page_runner_get_back_button (EnrPageRunner *self)
{
  g_return_val_if_fail (ENR_IS_PAGE_RUNNER (self), NULL);
  return GTK_WIDGET (self->back_button);
}

GtkWidget *
enr_page_runner_get_next_button (EnrPageRunner *self)
{
  g_return_val_if_fail (ENR_IS_PAGE_RUNNER (self), NULL);
  return GTK_WIDGET (self->next_button);
}

void
enr_page_runner_set_page (EnrPageRunner *self,
                          EnrPage       *page)
{
  g_return_if_fail (ENR_IS_PAGE_RUNNER (self));
  g_return_if_fail (page == NULL || ENR_IS_PAGE (page));

  if (self->page == page)
    return;

  if (self->page != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->page, self);
      enr_page_hidden (self->page);
      g_clear_object (&self->page);
    }
  if (page != NULL)
    {
      self->page = g_object_ref (page);
      g_signal_connect_swapped (page, "notify::complete", G_CALLBACK (page_notify_cb), self);
      g_signal_connect_swapped (page, "notify::busy", G_CALLBACK (page_notify_cb), self);
      g_signal_connect_swapped (page, "notify::next-label", G_CALLBACK (page_notify_cb), self);
    }
  update (self);
  if (page != NULL)
    enr_page_shown (page);
}

EnrPage *
enr_page_runner_get_page (EnrPageRunner *self)
{
  g_return_val_if_fail (ENR_IS_PAGE_RUNNER (self), NULL);
  return self->page;
}

void
enr_page_runner_set_can_go_back (EnrPageRunner *self,
                                 gboolean       can_go_back)
{
  g_return_if_fail (ENR_IS_PAGE_RUNNER (self));

  self->can_go_back = can_go_back;
  update (self);
}

void
enr_page_runner_set_held (EnrPageRunner *self,
                          gboolean       held)
{
  g_return_if_fail (ENR_IS_PAGE_RUNNER (self));

  self->held = held;
  update (self);
}

gboolean
enr_page_runner_get_applying (EnrPageRunner *self)
{
  g_return_val_if_fail (ENR_IS_PAGE_RUNNER (self), FALSE);
  return self->apply_cancellable != NULL;
}

void
enr_page_runner_cancel (EnrPageRunner *self)
{
  g_return_if_fail (ENR_IS_PAGE_RUNNER (self));
  g_cancellable_cancel (self->apply_cancellable);
}
