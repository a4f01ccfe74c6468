/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-login-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-citizen-id.h"
#include "enr-countdown.h"
#include "enr-digit-entry.h"
#include "enr-error-area.h"
#include "enr-field.h"
#include "enr-login-page.h"
#include "enr-qr-code.h"

struct _EnrLoginPage
{
  EnrPage        parent_instance;

  GtkLabel      *again_label;
  EnrQrCode     *qr_code;
  GtkLabel      *user_code_label;
  GtkLabel      *uri_label;
  GtkLabel      *expiry_label;
  GtkButton     *new_code_button;
  GtkEntry      *citizen_entry;
  GtkLabel      *citizen_help;
  GtkPasswordEntry *password_entry;
  GtkLabel      *password_help;
  GtkButton     *send_button;
  GtkWidget     *otp_box;
  GtkLabel      *otp_sent_label;
  EnrDigitEntry *otp_entry;
  GtkLabel      *otp_help;
  GtkWidget     *error_area;

  GCancellable  *qr_cancellable;
  GCancellable  *send_cancellable;
  guint          tick_source;
  gboolean       shown;
  gboolean       qr_stopped;      /* denied or failed: the citizen asks again */
  enum { RETRY_NOTHING, RETRY_QR, RETRY_SEND, RETRY_APPLY } retry;
};

G_DEFINE_FINAL_TYPE (EnrLoginPage, enr_login_page, ENR_TYPE_PAGE)

static void start_qr_login (EnrLoginPage *self);

static void
update_expiry (EnrLoginPage *self)
{
  const EnrLoginCode *code = enr_session_get_login_code (enr_page_get_session (ENR_PAGE (self)));
  g_autofree char *left = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->expiry_label), code != NULL);
  if (code == NULL)
    return;
  left = enr_countdown_format (code->expires_at);
  /* Translators: %s is a time such as 4:59. */
  text = g_strdup_printf (_("This code is renewed in %s."), left);
  gtk_label_set_text (self->expiry_label, text);
}

static gboolean
tick_cb (gpointer user_data)
{
  update_expiry (user_data);
  return G_SOURCE_CONTINUE;
}

/* The way back to a QR code once the login stopped, unless the error
 * that stopped it is shown with its own Try Again. */
static void
update_new_code_button (EnrLoginPage *self)
{
  gboolean stopped = enr_session_get_login_code (enr_page_get_session (ENR_PAGE (self))) == NULL &&
                     self->qr_stopped;
  gboolean retry_shown = self->retry == RETRY_QR &&
                         enr_error_area_get_message (ENR_ERROR_AREA (self->error_area)) != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->new_code_button), stopped && !retry_shown);
}

static void
update_login_code (EnrLoginPage *self)
{
  const EnrLoginCode *code = enr_session_get_login_code (enr_page_get_session (ENR_PAGE (self)));
  g_autofree char *description = NULL;

  enr_qr_code_set_text (self->qr_code, code != NULL ? code->verification_uri_complete : NULL);
  /* No code, no empty line to tab to (the code can be selected, to copy). */
  gtk_label_set_text (self->user_code_label, code != NULL ? code->user_code : "");
  gtk_widget_set_visible (GTK_WIDGET (self->user_code_label), code != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->uri_label), code != NULL);
  update_new_code_button (self);

  if (code != NULL)
    /* What a screen reader says of the picture: the way on without it. */
    description = g_strdup_printf (_("Or type the login code %s in the VNeID app."),
                                   code->user_code);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->qr_code),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("QR code to scan with the VNeID app"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : "",
                                  -1);
  update_expiry (self);
}

static gboolean
citizen_id_valid (EnrLoginPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->citizen_entry));

  return enr_citizen_id_check (text, NULL, NULL, NULL) == ENR_CITIZEN_ID_OK;
}

/* The reason a citizen ID is wrong, shown as it is typed; "too short"
 * only once the field is left or the code asked for, not at the first
 * digit. */
static void
check_citizen_id (EnrLoginPage *self,
                  gboolean      final)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->citizen_entry));
  EnrCitizenIdStatus status = enr_citizen_id_check (text, NULL, NULL, NULL);
  const char *hint = _("The 12 digits on your citizen identity card.");

  if (status == ENR_CITIZEN_ID_OK ||
      (!final && (status == ENR_CITIZEN_ID_EMPTY || status == ENR_CITIZEN_ID_TOO_SHORT)))
    enr_field_clear_error (GTK_WIDGET (self->citizen_entry), self->citizen_help, hint);
  else
    enr_field_set_error (GTK_WIDGET (self->citizen_entry), self->citizen_help,
                         enr_citizen_id_status_message (status));
}

static void
update_state (EnrLoginPage *self)
{
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));
  const EnrOtpState *otp = enr_session_get_otp (session);
  gboolean otp_open = otp != NULL && otp->purpose == ENR_OTP_PURPOSE_LOGIN;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  gboolean busy = enr_session_get_busy (session) || self->send_cancellable != NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->again_label), enr_session_get_needs_login (session));
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button),
                            citizen_id_valid (self) && password != NULL && *password != '\0' &&
                            !busy);
  gtk_button_set_label (self->send_button, otp_open ? _("Send a _New Code")
                                                    : _("Send the _Code"));
  gtk_widget_set_visible (self->otp_box, otp_open);
  update_new_code_button (self);

  if (otp_open)
    {
      g_autofree char *sent = NULL;

      /* Translators: %s is a phone number with most digits hidden. */
      sent = g_strdup_printf (_("A code was sent by SMS to %s."), otp->sent_to);
      gtk_label_set_text (self->otp_sent_label, sent);
    }

  enr_page_set_complete (ENR_PAGE (self),
                         otp_open && enr_digit_entry_get_complete (self->otp_entry) && !busy);
}

static void
enr_login_page_show_error (EnrPage      *page,
                           const GError *error)
{
  EnrLoginPage *self = ENR_LOGIN_PAGE (page);

  EnrSessionField field = enr_session_error_get_field (error);

  /* The session's message says how many tries are left. */
  if (field == ENR_SESSION_FIELD_CODE)
    {
      enr_field_set_error (GTK_WIDGET (self->otp_entry), self->otp_help, error->message);
      enr_digit_entry_clear (self->otp_entry);
      gtk_widget_grab_focus (GTK_WIDGET (self->otp_entry));
      return;
    }
  /* The code can no longer be used: a new one comes with the password. */
  if (g_error_matches (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_LOCKED))
    {
      enr_field_set_error (GTK_WIDGET (self->otp_entry), self->otp_help, error->message);
      enr_digit_entry_clear (self->otp_entry);
      gtk_widget_grab_focus (GTK_WIDGET (self->send_button));
      return;
    }
  if (field == ENR_SESSION_FIELD_PASSWORD)
    {
      enr_field_set_error (GTK_WIDGET (self->password_entry), self->password_help,
                           error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      return;
    }

  self->retry = RETRY_APPLY;
  enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_NONE);
}

static void
qr_login_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(EnrLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;

  gboolean ok = enr_session_start_qr_login_finish (ENR_SESSION (source), result, &error);

  /* A cancelled login is one stop_qr_login() already let go of; any other
   * end is that of the login self->qr_cancellable belongs to. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->qr_cancellable);
  if (ok)
    return;   /* the wizard follows the session to the next step */

  self->qr_stopped = TRUE;
  self->retry = RETRY_QR;
  /* Refused on the phone: a new code is the way on. */
  enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error,
                             enr_session_error_get_reason (error) ==
                               ENR_SESSION_REASON_LOGIN_DENIED
                             ? ENR_ERROR_ACTION_RETRY : ENR_ERROR_ACTION_NONE);
  update_login_code (self);
}

static void
start_qr_login (EnrLoginPage *self)
{
  if (self->qr_cancellable != NULL)
    return;

  self->qr_stopped = FALSE;
  self->qr_cancellable = g_cancellable_new ();
  enr_session_start_qr_login_async (enr_page_get_session (ENR_PAGE (self)), self->qr_cancellable,
                                    qr_login_cb, g_object_ref (self));
}

static void
stop_qr_login (EnrLoginPage *self)
{
  if (self->qr_cancellable == NULL)
    return;
  g_cancellable_cancel (self->qr_cancellable);
  g_clear_object (&self->qr_cancellable);
}

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(EnrLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->send_cancellable);
  enr_page_end_wait (ENR_PAGE (self));
  if (!enr_session_log_in_finish (ENR_SESSION (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          enr_login_page_show_error (ENR_PAGE (self), error);
          if (self->retry == RETRY_APPLY)
            self->retry = RETRY_SEND;
        }
      update_state (self);
      return;
    }

  enr_digit_entry_clear (self->otp_entry);
  enr_field_clear_error (GTK_WIDGET (self->otp_entry), self->otp_help,
                         _("Six digits. The code is valid for 5 minutes."));
  update_state (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->otp_entry));
}

static void
send_code (EnrLoginPage *self)
{
  check_citizen_id (self, TRUE);
  if (!citizen_id_valid (self) || self->send_cancellable != NULL)
    return;

  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  enr_field_clear_error (GTK_WIDGET (self->password_entry), self->password_help, NULL);
  self->send_cancellable = g_cancellable_new ();
  update_state (self);
  /* Cancelling is safe: a code sent anyway is replaced by the next one. */
  enr_page_begin_wait (ENR_PAGE (self),
                       _("Checking your password with VNeID and sending a code to your phone…"),
                       self->send_cancellable);
  enr_session_log_in_async (enr_page_get_session (ENR_PAGE (self)),
                            gtk_editable_get_text (GTK_EDITABLE (self->citizen_entry)),
                            gtk_editable_get_text (GTK_EDITABLE (self->password_entry)),
                            self->send_cancellable, send_cb, g_object_ref (self));
}

static void
send_clicked_cb (EnrLoginPage *self)
{
  send_code (self);
}

static void
citizen_changed_cb (EnrLoginPage *self)
{
  check_citizen_id (self, FALSE);
  update_state (self);
}

static void
citizen_activate_cb (EnrLoginPage *self)
{
  check_citizen_id (self, TRUE);
  if (citizen_id_valid (self))
    gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

static void
password_changed_cb (EnrLoginPage *self)
{
  enr_field_clear_error (GTK_WIDGET (self->password_entry), self->password_help, NULL);
  update_state (self);
}

static void
password_activate_cb (EnrLoginPage *self)
{
  send_code (self);
}

static void
otp_changed_cb (EnrLoginPage *self)
{
  if (enr_digit_entry_get_complete (self->otp_entry))
    enr_field_clear_error (GTK_WIDGET (self->otp_entry), self->otp_help, NULL);
  update_state (self);
}

static void
retry_cb (EnrLoginPage *self)
{
  switch (self->retry)
    {
    case RETRY_QR:
      enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
      start_qr_login (self);
      break;
    case RETRY_SEND:
      send_code (self);
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
new_code_clicked_cb (EnrLoginPage *self)
{
  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  start_qr_login (self);
}

static void
session_changed_cb (EnrLoginPage *self)
{
  update_state (self);
}

static void
login_code_changed_cb (EnrLoginPage *self)
{
  update_login_code (self);
}

static void
enr_login_page_shown (EnrPage *page)
{
  EnrLoginPage *self = ENR_LOGIN_PAGE (page);
  const EnrOtpState *otp = enr_session_get_otp (enr_page_get_session (ENR_PAGE (self)));

  self->shown = TRUE;
  start_qr_login (self);
  if (self->tick_source == 0)
    self->tick_source = g_timeout_add_seconds (1, tick_cb, self);
  update_state (self);
  enr_page_focus (page, otp != NULL && otp->purpose == ENR_OTP_PURPOSE_LOGIN
                          ? GTK_WIDGET (self->otp_entry) : GTK_WIDGET (self->citizen_entry));
}

/* The VNeID password has no use once the login is done or the page left:
 * its entry (whose buffer lives in non-pageable memory and is wiped when
 * emptied) keeps nothing for the rest of the wizard. */
static void
forget_password (EnrLoginPage *self)
{
  if (self->password_entry != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
}

static void
enr_login_page_hidden (EnrPage *page)
{
  EnrLoginPage *self = ENR_LOGIN_PAGE (page);

  forget_password (self);
  self->shown = FALSE;
  stop_qr_login (self);
  g_clear_handle_id (&self->tick_source, g_source_remove);
}

static void
enr_login_page_apply_async (EnrPage             *page,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  EnrLoginPage *self = ENR_LOGIN_PAGE (page);

  /* Cancelling is safe: nothing is registered yet, and a new code can be
   * asked for. */
  enr_page_begin_wait (page, _("Logging you in to VNeID…"), cancellable);
  enr_session_submit_login_otp_async (enr_page_get_session (page),
                                      enr_digit_entry_get_digits (self->otp_entry), cancellable,
                                      enr_page_session_done_cb,
                                      enr_page_session_apply_new (
                                        page, enr_session_submit_login_otp_finish, cancellable,
                                        callback, user_data));
}

static void
enr_login_page_constructed (GObject *object)
{
  EnrLoginPage *self = ENR_LOGIN_PAGE (object);
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));

  G_OBJECT_CLASS (enr_login_page_parent_class)->constructed (object);

  g_signal_connect_object (session, "notify::login-code", G_CALLBACK (login_code_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::otp", G_CALLBACK (session_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::busy", G_CALLBACK (session_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::needs-login", G_CALLBACK (session_changed_cb),
                           self, G_CONNECT_SWAPPED);
  update_login_code (self);
  update_state (self);
}

static void
enr_login_page_dispose (GObject *object)
{
  EnrLoginPage *self = ENR_LOGIN_PAGE (object);

  forget_password (self);
  stop_qr_login (self);
  g_cancellable_cancel (self->send_cancellable);
  g_clear_object (&self->send_cancellable);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_LOGIN_PAGE);

  G_OBJECT_CLASS (enr_login_page_parent_class)->dispose (object);
}

static void
enr_login_page_class_init (EnrLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  EnrPageClass *page_class = ENR_PAGE_CLASS (klass);

  object_class->constructed = enr_login_page_constructed;
  object_class->dispose = enr_login_page_dispose;
  page_class->shown = enr_login_page_shown;
  page_class->hidden = enr_login_page_hidden;
  page_class->apply_async = enr_login_page_apply_async;
  page_class->show_error = enr_login_page_show_error;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, again_label);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, qr_code);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, user_code_label);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, uri_label);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, expiry_label);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, new_code_button);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, citizen_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, citizen_help);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, password_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, password_help);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, otp_box);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, otp_sent_label);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, otp_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, otp_help);
  gtk_widget_class_bind_template_child (widget_class, EnrLoginPage, error_area);
  gtk_widget_class_bind_template_callback (widget_class, send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, citizen_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, citizen_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, otp_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
  gtk_widget_class_bind_template_callback (widget_class, new_code_clicked_cb);
}

static void
enr_login_page_init (EnrLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  enr_page_set_error_area (ENR_PAGE (self), self->error_area);
  enr_page_set_next_label (ENR_PAGE (self), _("_Log In"));
  check_citizen_id (self, FALSE);
}
