/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-contract-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-contract-page.h"
#include "enr-countdown.h"
#include "enr-digit-entry.h"
#include "enr-error-area.h"
#include "enr-field.h"
#include "enr-file-save.h"
#include "enr-pdf-view.h"

struct _EnrContractPage
{
  EnrPage         parent_instance;

  EnrPdfView     *pdf_view;
  GtkButton      *save_button;
  GtkCheckButton *agree_check;
  GtkButton      *send_button;
  GtkLabel       *resend_label;
  GtkWidget      *otp_box;
  GtkLabel       *otp_sent_label;
  EnrDigitEntry  *otp_entry;
  GtkLabel       *otp_help;
  GtkWidget      *error_area;

  GCancellable   *cancellable;     /* fetching, saving */
  GCancellable   *send_cancellable;
  gboolean        fetching;
  gboolean        sending;
  guint           tick_source;
  enum { RETRY_NOTHING, RETRY_FETCH, RETRY_SEND, RETRY_APPLY } retry;
};

G_DEFINE_FINAL_TYPE (EnrContractPage, enr_contract_page, ENR_TYPE_PAGE)

static const EnrOtpState *
contract_otp (EnrContractPage *self)
{
  const EnrOtpState *otp = enr_session_get_otp (enr_page_get_session (ENR_PAGE (self)));

  return otp != NULL && otp->purpose == ENR_OTP_PURPOSE_CONTRACT ? otp : NULL;
}

static void
update (EnrContractPage *self)
{
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));
  const EnrOtpState *otp = contract_otp (self);
  const EnrSessionDocument *contract = enr_session_get_contract (session);
  gint64 wait = otp != NULL ? enr_countdown_seconds_left (otp->resend_after) : 0;
  gboolean busy = enr_session_get_busy (session) || self->fetching || self->sending;

  gtk_widget_set_visible (GTK_WIDGET (self->save_button), !enr_session_get_kiosk (session));
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), contract != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button),
                            contract != NULL && wait == 0 && !busy);
  gtk_button_set_label (self->send_button, otp != NULL ? _("Send a _New Code")
                                                       : _("Send the _Code"));
  if (otp != NULL && wait > 0)
    {
      g_autofree char *left = enr_countdown_format (otp->resend_after);
      /* Translators: %s is a time such as 0:45. */
      g_autofree char *text = g_strdup_printf (_("You can ask for a new code in %s."), left);

      gtk_label_set_text (self->resend_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->resend_label), otp != NULL && wait > 0);

  gtk_widget_set_visible (self->otp_box, otp != NULL);
  if (otp != NULL)
    {
      /* Translators: %s is a phone number with most digits hidden. */
      g_autofree char *sent = g_strdup_printf (_("A code was sent by SMS to %s."), otp->sent_to);

      gtk_label_set_text (self->otp_sent_label, sent);
    }

  enr_page_set_complete (ENR_PAGE (self),
                         contract != NULL && otp != NULL &&
                         gtk_check_button_get_active (self->agree_check) &&
                         enr_digit_entry_get_complete (self->otp_entry) && !busy);
}

static gboolean
tick_cb (gpointer user_data)
{
  update (user_data);
  return G_SOURCE_CONTINUE;
}

static void
contract_changed_cb (EnrContractPage *self)
{
  const EnrSessionDocument *contract =
    enr_session_get_contract (enr_page_get_session (ENR_PAGE (self)));

  /* A new contract (the old one changed under the citizen) must be read
   * and agreed to again. */
  if (contract == NULL || enr_pdf_view_get_document (self->pdf_view) == NULL ||
      !g_bytes_equal (contract->data, enr_pdf_view_get_document (self->pdf_view)))
    gtk_check_button_set_active (self->agree_check, FALSE);
  enr_pdf_view_set_document (self->pdf_view, contract != NULL ? contract->data : NULL);
  update (self);
}

static void
show_failure (EnrContractPage *self,
              const GError    *error,
              int              retry)
{
  if (enr_session_error_get_field (error) == ENR_SESSION_FIELD_CODE)
    {
      /* The session's message says how many tries are left. */
      enr_field_set_error (GTK_WIDGET (self->otp_entry), self->otp_help, error->message);
      enr_digit_entry_clear (self->otp_entry);
      gtk_widget_grab_focus (GTK_WIDGET (self->otp_entry));
      return;
    }
  /* A new code is the way on, now or after a short wait. */
  if (g_error_matches (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_LOCKED) ||
      g_error_matches (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_WAIT))
    {
      enr_field_set_error (GTK_WIDGET (self->otp_entry), self->otp_help, error->message);
      enr_digit_entry_clear (self->otp_entry);
      gtk_widget_grab_focus (GTK_WIDGET (self->send_button));
      return;
    }

  self->retry = retry;
  enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_NONE);
}

static void
enr_contract_page_show_error (EnrPage      *page,
                              const GError *error)
{
  show_failure (ENR_CONTRACT_PAGE (page), error, RETRY_APPLY);
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(EnrContractPage) self = user_data;
  g_autoptr(GError) error = NULL;

  self->fetching = FALSE;
  enr_page_end_wait (ENR_PAGE (self));
  if (!enr_session_fetch_contract_finish (ENR_SESSION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_failure (self, error, RETRY_FETCH);
  update (self);
}

static void
fetch (EnrContractPage *self)
{
  if (self->fetching)
    return;
  self->fetching = TRUE;
  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  update (self);
  enr_page_begin_wait (ENR_PAGE (self), _("Getting the contract from VNPT SmartCA…"), NULL);
  enr_session_fetch_contract_async (enr_page_get_session (ENR_PAGE (self)), self->cancellable,
                                    fetch_cb, g_object_ref (self));
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(EnrContractPage) self = user_data;
  g_autoptr(GError) error = NULL;

  self->sending = FALSE;
  enr_page_end_wait (ENR_PAGE (self));
  if (!enr_session_send_contract_otp_finish (ENR_SESSION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (self, error, RETRY_SEND);
      update (self);
      return;
    }

  enr_digit_entry_clear (self->otp_entry);
  enr_field_clear_error (GTK_WIDGET (self->otp_entry), self->otp_help,
                         _("Six digits. The code is valid for 5 minutes."));
  update (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->otp_entry));
}

static void
send_clicked_cb (EnrContractPage *self)
{
  if (self->sending)
    return;
  self->sending = TRUE;
  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  update (self);
  /* Cancelling is safe: a code sent anyway is replaced by the next one. */
  g_clear_object (&self->send_cancellable);
  self->send_cancellable = g_cancellable_new ();
  enr_page_begin_wait (ENR_PAGE (self), _("Sending a code to your phone…"),
                       self->send_cancellable);
  enr_session_send_contract_otp_async (enr_page_get_session (ENR_PAGE (self)),
                                       self->send_cancellable, send_cb, g_object_ref (self));
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(EnrContractPage) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = enr_file_save_finish (result, &error);
  if (file != NULL)
    enr_page_show_saved (ENR_PAGE (self), file);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_NONE);
}

static void
save_clicked_cb (EnrContractPage *self)
{
  const EnrSessionDocument *contract =
    enr_session_get_contract (enr_page_get_session (ENR_PAGE (self)));

  if (contract == NULL)
    return;
  enr_file_save_async (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                       _("Save a Copy of the Contract"), contract->name, contract->data,
                       self->cancellable, save_cb, g_object_ref (self));
}

static void
changed_cb (EnrContractPage *self)
{
  if (enr_digit_entry_get_complete (self->otp_entry))
    enr_field_clear_error (GTK_WIDGET (self->otp_entry), self->otp_help, NULL);
  update (self);
}

static void
retry_cb (EnrContractPage *self)
{
  switch (self->retry)
    {
    case RETRY_FETCH:
      fetch (self);
      break;
    case RETRY_SEND:
      send_clicked_cb (self);
      break;
    case RETRY_APPLY:
      gtk_widget_activate_action (GTK_WIDGET (self), "wizard.next", NULL);
      break;
    case RETRY_NOTHING:
    default:
      break;
    }
}

static void
enr_contract_page_apply_async (EnrPage             *page,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  EnrContractPage *self = ENR_CONTRACT_PAGE (page);

  /* No Cancel: the contract may be signed at VNPT all the same. */
  enr_page_begin_wait (page, _("Signing the contract…"), NULL);
  enr_session_sign_contract_async (enr_page_get_session (page),
                                   enr_digit_entry_get_digits (self->otp_entry), cancellable,
                                   enr_page_session_done_cb,
                                   enr_page_session_apply_new (page,
                                                               enr_session_sign_contract_finish,
                                                               cancellable, callback,
                                                               user_data));
}

static void
enr_contract_page_shown (EnrPage *page)
{
  EnrContractPage *self = ENR_CONTRACT_PAGE (page);

  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  if (enr_session_get_contract (enr_page_get_session (ENR_PAGE (self))) == NULL)
    fetch (self);
  if (self->tick_source == 0)
    self->tick_source = g_timeout_add_seconds (1, tick_cb, self);
  contract_changed_cb (self);
  enr_page_focus (page, contract_otp (self) != NULL ? GTK_WIDGET (self->otp_entry)
                                                    : GTK_WIDGET (self->pdf_view));
}

static void
enr_contract_page_hidden (EnrPage *page)
{
  EnrContractPage *self = ENR_CONTRACT_PAGE (page);

  g_clear_handle_id (&self->tick_source, g_source_remove);
}

static void
enr_contract_page_constructed (GObject *object)
{
  EnrContractPage *self = ENR_CONTRACT_PAGE (object);
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));

  G_OBJECT_CLASS (enr_contract_page_parent_class)->constructed (object);

  g_signal_connect_object (session, "notify::contract", G_CALLBACK (contract_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::otp", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::busy", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
enr_contract_page_dispose (GObject *object)
{
  EnrContractPage *self = ENR_CONTRACT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->send_cancellable);
  g_clear_object (&self->send_cancellable);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_CONTRACT_PAGE);
  G_OBJECT_CLASS (enr_contract_page_parent_class)->dispose (object);
}

static void
enr_contract_page_class_init (EnrContractPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  EnrPageClass *page_class = ENR_PAGE_CLASS (klass);

  object_class->constructed = enr_contract_page_constructed;
  object_class->dispose = enr_contract_page_dispose;
  page_class->shown = enr_contract_page_shown;
  page_class->hidden = enr_contract_page_hidden;
  page_class->apply_async = enr_contract_page_apply_async;
  page_class->show_error = enr_contract_page_show_error;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-contract-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrContractPage, pdf_view);
  gtk_widget_class_bind_template_child (widget_class, EnrContractPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, EnrContractPage, agree_check);
  gtk_widget_class_bind_template_child (widget_class, EnrContractPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, EnrContractPage, resend_label);
  gtk_widget_class_bind_template_child (widget_class, EnrContractPage, otp_box);
  gtk_widget_class_bind_template_child (widget_class, EnrContractPage, otp_sent_label);
  gtk_widget_class_bind_template_child (widget_class, EnrContractPage, otp_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrContractPage, otp_help);
  gtk_widget_class_bind_template_child (widget_class, EnrContractPage, error_area);
  gtk_widget_class_bind_template_callback (widget_class, send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
}

static void
enr_contract_page_init (EnrContractPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  enr_page_set_error_area (ENR_PAGE (self), self->error_area);
  enr_page_set_next_label (ENR_PAGE (self), _("_Sign the Contract"));
}
