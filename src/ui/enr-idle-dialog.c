/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-idle-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-idle-dialog.h"

struct _EnrIdleDialog
{
  GtkWindow  parent_instance;

  GtkLabel  *countdown_label;
  GtkLabel  *message_label;
  GtkButton *here_button;

  gint64     deadline_us;    /* monotonic */
  guint      tick_source;
  gboolean   answered;
};

G_DEFINE_FINAL_TYPE (EnrIdleDialog, enr_idle_dialog, GTK_TYPE_WINDOW)

enum {
  STILL_HERE,
  EXPIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

guint
enr_idle_dialog_get_seconds_left (EnrIdleDialog *self)
{
  gint64 left;

  g_return_val_if_fail (ENR_IS_IDLE_DIALOG (self), 0);

  left = self->deadline_us - g_get_monotonic_time ();
  return left > 0 ? (guint) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC) : 0;
}

static void
update (EnrIdleDialog *self)
{
  guint left = enr_idle_dialog_get_seconds_left (self);
  g_autofree char *number = g_strdup_printf ("%u", left);
  g_autofree char *message = NULL;

  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "To keep your information safe, this kiosk erases "
                                          "everything you entered and starts over in %u second.",
                                          "To keep your information safe, this kiosk erases "
                                          "everything you entered and starts over in %u seconds.",
                                          left),
                             left);
  gtk_label_set_text (self->countdown_label, number);
  gtk_label_set_text (self->message_label, message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  message, -1);
}

static gboolean
tick_cb (gpointer user_data)
{
  EnrIdleDialog *self = user_data;

  update (self);
  if (enr_idle_dialog_get_seconds_left (self) > 0)
    return G_SOURCE_CONTINUE;
  self->tick_source = 0;
  g_signal_emit (self, signals[EXPIRED], 0);
  return G_SOURCE_REMOVE;
}

static void
here_clicked_cb (EnrIdleDialog *self)
{
  if (self->answered)
    return;
  self->answered = TRUE;
  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_signal_emit (self, signals[STILL_HERE], 0);
}

static void
enr_idle_dialog_dispose (GObject *object)
{
  EnrIdleDialog *self = ENR_IDLE_DIALOG (object);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_IDLE_DIALOG);
  G_OBJECT_CLASS (enr_idle_dialog_parent_class)->dispose (object);
}

static void
enr_idle_dialog_class_init (EnrIdleDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_idle_dialog_dispose;

  signals[STILL_HERE] = g_signal_new ("still-here", G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[EXPIRED] = g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-idle-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrIdleDialog, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, EnrIdleDialog, message_label);
  gtk_widget_class_bind_template_child (widget_class, EnrIdleDialog, here_button);
  gtk_widget_class_bind_template_callback (widget_class, here_clicked_cb);
}

static void
enr_idle_dialog_init (EnrIdleDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->here_button));
}

GtkWidget *
enr_idle_dialog_new (GtkWindow *parent,
                     guint      seconds)
{
  EnrIdleDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (seconds > 0, NULL);

  self = g_object_new (ENR_TYPE_IDLE_DIALOG, "transient-for", parent, NULL);
  if (parent != NULL && gtk_window_get_application (parent) != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
  self->deadline_us = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  update (self);
  /* A quarter-second tick: the number a person sees changes on time. */
  self->tick_source = g_timeout_add (250, tick_cb, self);
  gtk_widget_grab_focus (GTK_WIDGET (self->here_button));
  return GTK_WIDGET (self);
}
