/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-activate-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-activate-page.h"
#include "enr-digit-entry.h"
#include "enr-error-area.h"
#include "enr-field.h"
#include "enr-pdf-view.h"
#include "enr-pin-fields.h"

struct _EnrActivatePage
{
  EnrPage         parent_instance;

  GtkWidget      *pin_box;
  GtkWidget      *record_box;
  EnrDigitEntry  *pin_entry;
  GtkLabel       *pin_help;
  EnrDigitEntry  *confirm_entry;
  GtkLabel       *confirm_help;
  GtkLabel       *record_description;
  EnrPdfView     *record_view;
  EnrDigitEntry  *record_pin_entry;
  GtkLabel       *record_pin_help;
  GtkWidget      *error_area;

  gboolean        activating;
};

G_DEFINE_FINAL_TYPE (EnrActivatePage, enr_activate_page, ENR_TYPE_PAGE)

/* The record phase: the certificate is issued and the record is there. */
static gboolean
in_record_phase (EnrActivatePage *self)
{
  return enr_session_get_acceptance_record (enr_page_get_session (ENR_PAGE (self))) != NULL;
}

/* The rules' reason, as the citizen types. */
static EnrSessionPinVerdict
check_pins (EnrActivatePage *self)
{
  return enr_pin_fields_check (enr_page_get_session (ENR_PAGE (self)), self->pin_entry,
                               self->pin_help, self->confirm_entry, self->confirm_help);
}

static void
update_record_hint (EnrActivatePage *self)
{
  gint left = enr_session_get_pin_attempts_left (enr_page_get_session (ENR_PAGE (self)));
  g_autofree char *text = NULL;

  if (enr_field_has_error (GTK_WIDGET (self->record_pin_entry)))
    return;
  if (left >= 0 && left < ENR_SESSION_PIN_TRIES)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The PIN you have just chosen. %d attempt left.",
                                         "The PIN you have just chosen. %d attempts left.", left),
                            left);
  enr_field_clear_error (GTK_WIDGET (self->record_pin_entry), self->record_pin_help,
                         text != NULL ? text : _("The PIN you have just chosen."));
}

static void
update (EnrActivatePage *self)
{
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));
  gboolean record = in_record_phase (self);
  gboolean busy = enr_session_get_busy (session) || self->activating;

  gtk_widget_set_visible (self->pin_box, !record);
  gtk_widget_set_visible (self->record_box, record);
  enr_page_set_busy (ENR_PAGE (self), self->activating);
  enr_page_set_next_label (ENR_PAGE (self), record ? _("_Sign the Acceptance Record")
                                                   : _("_Activate"));
  if (record)
    enr_page_set_complete (ENR_PAGE (self),
                           enr_digit_entry_get_complete (self->record_pin_entry) && !busy);
  else
    enr_page_set_complete (ENR_PAGE (self), check_pins (self) == ENR_SESSION_PIN_OK && !busy);
}

static void
record_changed_cb (EnrActivatePage *self)
{
  const EnrSessionDocument *document =
    enr_session_get_acceptance_record (enr_page_get_session (ENR_PAGE (self)));

  enr_pdf_view_set_document (self->record_view, document != NULL ? document->data : NULL);
  gtk_label_set_text (self->record_description,
                      document != NULL && document->description != NULL
                        ? document->description : "");
  if (document != NULL)
    {
      /* The PINs of the first phase are done with: wipe them. */
      enr_digit_entry_clear (self->pin_entry);
      enr_digit_entry_clear (self->confirm_entry);
      update_record_hint (self);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        enr_page_focus (ENR_PAGE (self), GTK_WIDGET (self->record_pin_entry));
    }
  update (self);
}

static void
pin_changed_cb (EnrActivatePage *self)
{
  update (self);
}

static void
record_pin_changed_cb (EnrActivatePage *self)
{
  if (enr_digit_entry_get_complete (self->record_pin_entry))
    {
      enr_field_clear_error (GTK_WIDGET (self->record_pin_entry), self->record_pin_help, NULL);
      update_record_hint (self);
    }
  update (self);
}

static void
pin_activate_cb (EnrActivatePage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->confirm_entry));
}

static void
retry_cb (EnrActivatePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.next", NULL);
}

static void
enr_activate_page_show_error (EnrPage      *page,
                              const GError *error)
{
  EnrActivatePage *self = ENR_ACTIVATE_PAGE (page);

  if (enr_session_error_get_field (error) == ENR_SESSION_FIELD_NEW_PIN)
    {
      enr_field_set_error (GTK_WIDGET (self->pin_entry), self->pin_help, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
      return;
    }
  if (enr_session_error_get_field (error) == ENR_SESSION_FIELD_PIN)
    {
      enr_field_set_error (GTK_WIDGET (self->record_pin_entry), self->record_pin_help,
                           error->message);
      enr_digit_entry_clear (self->record_pin_entry);
      gtk_widget_grab_focus (GTK_WIDGET (self->record_pin_entry));
      return;
    }
  enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_NONE);
}

static void
enr_activate_page_apply_async (EnrPage             *page,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  EnrActivatePage *self = ENR_ACTIVATE_PAGE (page);
  EnrSession *session = enr_page_get_session (page);

  if (in_record_phase (self))
    {
      /* No Cancel: the record may be signed at VNPT all the same. */
      enr_page_begin_wait (page, _("Signing the acceptance record…"), NULL);
      enr_session_sign_acceptance_async (session,
                                         enr_digit_entry_get_digits (self->record_pin_entry),
                                         cancellable, enr_page_session_done_cb,
                                         enr_page_session_apply_new (
                                           page, enr_session_sign_acceptance_finish,
                                           cancellable, callback, user_data));
      return;
    }

  self->activating = TRUE;
  update (self);
  enr_page_begin_wait (page, _("Making the key that approves your signatures, protecting it "
                               "with your PIN, and asking VNPT SmartCA for your certificate…"),
                       NULL);
  enr_session_activate_async (session,
                              enr_digit_entry_get_digits (self->pin_entry),
                              enr_digit_entry_get_digits (self->confirm_entry),
                              cancellable, enr_page_session_done_cb,
                              enr_page_session_apply_new (page, enr_session_activate_finish,
                                                          cancellable, callback, user_data));
}

static gboolean
enr_activate_page_apply_finish (EnrPage       *page,
                                GAsyncResult  *result,
                                GError       **error)
{
  EnrActivatePage *self = ENR_ACTIVATE_PAGE (page);

  self->activating = FALSE;
  update (self);
  return ENR_PAGE_CLASS (enr_activate_page_parent_class)->apply_finish (page, result, error);
}

static void
enr_activate_page_shown (EnrPage *page)
{
  EnrActivatePage *self = ENR_ACTIVATE_PAGE (page);

  record_changed_cb (self);
  enr_page_focus (page, in_record_phase (self) ? GTK_WIDGET (self->record_pin_entry)
                                               : GTK_WIDGET (self->pin_entry));
}

static void
enr_activate_page_hidden (EnrPage *page)
{
  EnrActivatePage *self = ENR_ACTIVATE_PAGE (page);

  /* Nothing of a PIN stays in a page that is not shown. */
  enr_digit_entry_clear (self->pin_entry);
  enr_digit_entry_clear (self->confirm_entry);
  enr_digit_entry_clear (self->record_pin_entry);
}

static void
enr_activate_page_constructed (GObject *object)
{
  EnrActivatePage *self = ENR_ACTIVATE_PAGE (object);
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));

  G_OBJECT_CLASS (enr_activate_page_parent_class)->constructed (object);

  g_signal_connect_object (session, "notify::acceptance-record", G_CALLBACK (record_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::pin-attempts-left", G_CALLBACK (update_record_hint),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::busy", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
enr_activate_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ENR_TYPE_ACTIVATE_PAGE);
  G_OBJECT_CLASS (enr_activate_page_parent_class)->dispose (object);
}

static void
enr_activate_page_class_init (EnrActivatePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  EnrPageClass *page_class = ENR_PAGE_CLASS (klass);

  object_class->constructed = enr_activate_page_constructed;
  object_class->dispose = enr_activate_page_dispose;
  page_class->shown = enr_activate_page_shown;
  page_class->hidden = enr_activate_page_hidden;
  page_class->apply_async = enr_activate_page_apply_async;
  page_class->apply_finish = enr_activate_page_apply_finish;
  page_class->show_error = enr_activate_page_show_error;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-activate-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrActivatePage, pin_box);
  gtk_widget_class_bind_template_child (widget_class, EnrActivatePage, record_box);
  gtk_widget_class_bind_template_child (widget_class, EnrActivatePage, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrActivatePage, pin_help);
  gtk_widget_class_bind_template_child (widget_class, EnrActivatePage, confirm_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrActivatePage, confirm_help);
  gtk_widget_class_bind_template_child (widget_class, EnrActivatePage, record_description);
  gtk_widget_class_bind_template_child (widget_class, EnrActivatePage, record_view);
  gtk_widget_class_bind_template_child (widget_class, EnrActivatePage, record_pin_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrActivatePage, record_pin_help);
  gtk_widget_class_bind_template_child (widget_class, EnrActivatePage, error_area);
  gtk_widget_class_bind_template_callback (widget_class, pin_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pin_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, record_pin_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
}

static void
enr_activate_page_init (EnrActivatePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  enr_page_set_error_area (ENR_PAGE (self), self->error_area);
  /* Enter in the first PIN goes to the second; in the second it moves on. */
  gtk_entry_set_activates_default (GTK_ENTRY (self->pin_entry), FALSE);
}
