/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-change-pin-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-change-pin-dialog.h"
#include "enr-digit-entry.h"
#include "enr-error-area.h"
#include "enr-field.h"
#include "enr-pin-fields.h"

struct _EnrChangePinDialog
{
  GtkWindow      parent_instance;

  EnrDigitEntry *old_entry;
  GtkLabel      *old_help;
  EnrDigitEntry *pin_entry;
  GtkLabel      *pin_help;
  EnrDigitEntry *confirm_entry;
  GtkLabel      *confirm_help;
  GtkWidget     *error_area;
  GtkButton     *change_button;

  EnrAccount    *account;
  GCancellable  *cancellable;
};

G_DEFINE_FINAL_TYPE (EnrChangePinDialog, enr_change_pin_dialog, GTK_TYPE_WINDOW)

static void
update_old_hint (EnrChangePinDialog *self)
{
  gint left = enr_session_get_pin_attempts_left (enr_account_get_session (self->account));
  g_autofree char *text = NULL;

  if (enr_field_has_error (GTK_WIDGET (self->old_entry)))
    return;
  if (left >= 0 && left < ENR_SESSION_PIN_TRIES)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The PIN you use now. %d attempt left.",
                                         "The PIN you use now. %d attempts left.", left),
                            left);
  enr_field_clear_error (GTK_WIDGET (self->old_entry), self->old_help,
                         text != NULL ? text : _("The PIN you use now."));
}

static void
update (EnrChangePinDialog *self)
{
  EnrSession *session = enr_account_get_session (self->account);
  EnrSessionPinVerdict status;

  status = enr_pin_fields_check (session, self->pin_entry, self->pin_help, self->confirm_entry,
                                 self->confirm_help);
  gtk_widget_set_sensitive (GTK_WIDGET (self->change_button),
                            self->cancellable == NULL && status == ENR_SESSION_PIN_OK &&
                            enr_digit_entry_get_complete (self->old_entry));
}

static void
changed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnrChangePinDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->cancellable);
  if (enr_account_change_pin_finish (ENR_ACCOUNT (source), result, &error))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (enr_session_error_get_field (error) == ENR_SESSION_FIELD_PIN)
    {
      enr_digit_entry_clear (self->old_entry);
      enr_field_set_error (GTK_WIDGET (self->old_entry), self->old_help, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->old_entry));
    }
  else
    enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_NONE);
  update (self);
}

static void
change (EnrChangePinDialog *self)
{
  if (self->cancellable != NULL || !gtk_widget_get_sensitive (GTK_WIDGET (self->change_button)))
    return;
  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  self->cancellable = g_cancellable_new ();
  update (self);
  enr_account_change_pin_async (self->account, enr_digit_entry_get_digits (self->old_entry),
                                enr_digit_entry_get_digits (self->pin_entry),
                                enr_digit_entry_get_digits (self->confirm_entry),
                                self->cancellable, changed_cb, g_object_ref (self));
}

static void
change_clicked_cb (EnrChangePinDialog *self)
{
  change (self);
}

static void
retry_cb (EnrChangePinDialog *self)
{
  change (self);
}

static void
old_changed_cb (EnrChangePinDialog *self)
{
  if (enr_digit_entry_get_complete (self->old_entry))
    {
      enr_field_clear_error (GTK_WIDGET (self->old_entry), self->old_help, NULL);
      update_old_hint (self);
    }
  update (self);
}

static void
old_activate_cb (EnrChangePinDialog *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
}

static void
pin_changed_cb (EnrChangePinDialog *self)
{
  update (self);
}

static void
pin_activate_cb (EnrChangePinDialog *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->confirm_entry));
}

static void
enr_change_pin_dialog_dispose (GObject *object)
{
  EnrChangePinDialog *self = ENR_CHANGE_PIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->old_entry != NULL)
    {
      enr_digit_entry_clear (self->old_entry);
      enr_digit_entry_clear (self->pin_entry);
      enr_digit_entry_clear (self->confirm_entry);
    }
  g_clear_object (&self->account);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_CHANGE_PIN_DIALOG);
  G_OBJECT_CLASS (enr_change_pin_dialog_parent_class)->dispose (object);
}

static void
enr_change_pin_dialog_class_init (EnrChangePinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_change_pin_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-change-pin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrChangePinDialog, old_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrChangePinDialog, old_help);
  gtk_widget_class_bind_template_child (widget_class, EnrChangePinDialog, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrChangePinDialog, pin_help);
  gtk_widget_class_bind_template_child (widget_class, EnrChangePinDialog, confirm_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrChangePinDialog, confirm_help);
  gtk_widget_class_bind_template_child (widget_class, EnrChangePinDialog, error_area);
  gtk_widget_class_bind_template_child (widget_class, EnrChangePinDialog, change_button);
  gtk_widget_class_bind_template_callback (widget_class, change_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
  gtk_widget_class_bind_template_callback (widget_class, old_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, old_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, pin_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pin_activate_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
enr_change_pin_dialog_init (EnrChangePinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->change_button));
}

GtkWidget *
enr_change_pin_dialog_new (GtkWindow  *parent,
                           EnrAccount *account)
{
  EnrChangePinDialog *self;

  g_return_val_if_fail (ENR_IS_ACCOUNT (account), NULL);

  self = g_object_new (ENR_TYPE_CHANGE_PIN_DIALOG, "transient-for", parent, NULL);
  self->account = g_object_ref (account);
  g_signal_connect_object (enr_account_get_session (account), "notify::pin-attempts-left",
                           G_CALLBACK (update_old_hint), self, G_CONNECT_SWAPPED);
  update_old_hint (self);
  update (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->old_entry));
  return GTK_WIDGET (self);
}
