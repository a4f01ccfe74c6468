/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-approve-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-approve-dialog.h"
#include "enr-digit-entry.h"
#include "enr-error-area.h"
#include "enr-field.h"
#include "enr-pin-fields.h"
#include "enr-request-row.h"

struct _EnrApproveDialog
{
  GtkWindow          parent_instance;

  GtkLabel          *description_label;
  GtkLabel          *documents_label;
  EnrDigitEntry     *pin_entry;
  GtkLabel          *pin_help;
  GtkWidget         *error_area;
  GtkButton         *approve_button;

  EnrAccount        *account;
  EnrSigningRequest *request;
  GCancellable      *cancellable;
};

G_DEFINE_FINAL_TYPE (EnrApproveDialog, enr_approve_dialog, GTK_TYPE_WINDOW)

static void
update (EnrApproveDialog *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->approve_button),
                            self->cancellable == NULL &&
                            enr_digit_entry_get_complete (self->pin_entry));
}

static void
update_hint (EnrApproveDialog *self)
{
  enr_pin_fields_show_hint (enr_account_get_session (self->account), self->pin_entry,
                            self->pin_help);
}

static void
approved_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(EnrApproveDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->cancellable);
  if (enr_account_approve_finish (ENR_ACCOUNT (source), result, &error))
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  enr_digit_entry_clear (self->pin_entry);
  if (enr_session_error_get_field (error) == ENR_SESSION_FIELD_PIN)
    {
      enr_field_set_error (GTK_WIDGET (self->pin_entry), self->pin_help, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
    }
  else
    enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_NONE);
  update (self);
}

static void
approve (EnrApproveDialog *self)
{
  if (self->cancellable != NULL || !enr_digit_entry_get_complete (self->pin_entry))
    return;
  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  self->cancellable = g_cancellable_new ();
  update (self);
  enr_account_approve_async (self->account, self->request,
                             enr_digit_entry_get_digits (self->pin_entry), self->cancellable,
                             approved_cb, g_object_ref (self));
}

static void
approve_clicked_cb (EnrApproveDialog *self)
{
  approve (self);
}

static void
retry_cb (EnrApproveDialog *self)
{
  approve (self);
}

static void
cancel_clicked_cb (EnrApproveDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
pin_changed_cb (EnrApproveDialog *self)
{
  if (enr_digit_entry_get_complete (self->pin_entry))
    {
      enr_field_clear_error (GTK_WIDGET (self->pin_entry), self->pin_help, NULL);
      update_hint (self);
    }
  update (self);
}

static void
enr_approve_dialog_dispose (GObject *object)
{
  EnrApproveDialog *self = ENR_APPROVE_DIALOG (object);

  /* Closed mid-way: the approval stops; no PIN stays behind. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->pin_entry != NULL)
    enr_digit_entry_clear (self->pin_entry);
  g_clear_object (&self->account);
  g_clear_object (&self->request);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_APPROVE_DIALOG);
  G_OBJECT_CLASS (enr_approve_dialog_parent_class)->dispose (object);
}

static void
enr_approve_dialog_class_init (EnrApproveDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_approve_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-approve-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrApproveDialog, description_label);
  gtk_widget_class_bind_template_child (widget_class, EnrApproveDialog, documents_label);
  gtk_widget_class_bind_template_child (widget_class, EnrApproveDialog, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrApproveDialog, pin_help);
  gtk_widget_class_bind_template_child (widget_class, EnrApproveDialog, error_area);
  gtk_widget_class_bind_template_child (widget_class, EnrApproveDialog, approve_button);
  gtk_widget_class_bind_template_callback (widget_class, approve_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
  gtk_widget_class_bind_template_callback (widget_class, pin_changed_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
enr_approve_dialog_init (EnrApproveDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->approve_button));
}

GtkWidget *
enr_approve_dialog_new (GtkWindow         *parent,
                        EnrAccount        *account,
                        EnrSigningRequest *request)
{
  EnrApproveDialog *self;
  g_autofree char *documents = NULL;

  g_return_val_if_fail (ENR_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (request), NULL);

  self = g_object_new (ENR_TYPE_APPROVE_DIALOG, "transient-for", parent, NULL);
  self->account = g_object_ref (account);
  self->request = g_object_ref (request);
  gtk_label_set_text (self->description_label, enr_signing_request_get_description (request));
  documents = enr_request_row_describe_documents (request);
  gtk_label_set_text (self->documents_label, documents);
  g_signal_connect_object (enr_account_get_session (account), "notify::pin-attempts-left",
                           G_CALLBACK (update_hint), self, G_CONNECT_SWAPPED);
  update_hint (self);
  update (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
  return GTK_WIDGET (self);
}
