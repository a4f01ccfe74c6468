/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-link-window"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-account.h"
#include "enr-countdown.h"
#include "enr-device-link.h"
#include "enr-digit-entry.h"
#include "enr-error-area.h"
#include "enr-field.h"
#include "enr-link-window.h"
#include "enr-login-page.h"
#include "enr-page-host.h"
#include "enr-pin-fields.h"

struct _EnrLinkWindow
{
  GtkApplicationWindow parent_instance;

  GtkStack        *stack;
  GtkWidget       *login_box;
  GtkLabel        *who_label;
  GtkCheckButton  *consent_check;
  GtkWidget       *finding_box;
  GtkWidget       *confirm_error;
  GtkWidget       *enroll_button;
  GtkButton       *find_button;
  GtkLabel        *found_label;
  GtkButton       *send_button;
  GtkLabel        *sent_label;
  EnrDigitEntry   *otp_entry;
  GtkLabel        *otp_help;
  EnrDigitEntry   *pin_entry;
  GtkLabel        *pin_help;
  EnrDigitEntry   *confirm_entry;
  GtkLabel        *confirm_help;
  GtkWidget       *linking_box;
  GtkWidget       *code_error;
  GtkButton       *link_button;

  EnrSession      *session;
  EnrDeviceLink   *link;
  EnrPageHost     *host;
  GCancellable    *cancellable;
  guint            tick_source;
  gboolean         working;
  gboolean         login_seen;
};

G_DEFINE_FINAL_TYPE (EnrLinkWindow, enr_link_window, GTK_TYPE_APPLICATION_WINDOW)

static gboolean
at_stage (EnrLinkWindow *self,
          const char    *name)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), name) == 0;
}

/* One step shown at a time (the stack's pages: "login", "confirm",
 * "code"), so that a screen reader meets only what is on the screen. */
static void
go_to (EnrLinkWindow *self,
       const char    *name)
{
  if (at_stage (self, name))
    return;
  if (at_stage (self, "login"))
    enr_page_host_hidden (self->host);
  gtk_stack_set_visible_child_name (self->stack, name);

  if (g_str_equal (name, "login"))
    enr_page_host_shown (self->host);
  else if (g_str_equal (name, "confirm"))
    {
      gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->find_button));
      gtk_widget_grab_focus (GTK_WIDGET (self->consent_check));
    }
  else
    {
      gtk_window_set_default_widget (GTK_WINDOW (self), GTK_WIDGET (self->link_button));
      gtk_widget_grab_focus (GTK_WIDGET (self->send_button));
    }
}

/* Where this window came from: "Your SmartCA" on a computer that keeps a
 * key, the wizard elsewhere. */
static void
leave (EnrLinkWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self),
                              enr_account_session_is_enrolled (self->session)
                                ? "app.your-smartca" : "app.enroll", NULL);
}

/* --- The consent and the search -------------------------------------------------- */

static void
update_confirm (EnrLinkWindow *self)
{
  const EnrSessionIdentity *identity = enr_session_get_identity (self->session);
  g_autofree char *masked = enr_session_dup_masked_citizen_id (self->session);
  g_autofree char *who = NULL;

  if (identity != NULL)
    /* Translators: a full name, then a masked citizen ID. */
    who = g_strdup_printf (_("You are logged in to VNeID as %s (citizen ID %s)."),
                           identity->full_name, masked != NULL ? masked : "");
  gtk_label_set_text (self->who_label, who != NULL ? who : "");
  gtk_widget_set_visible (self->finding_box, self->working);
  gtk_widget_set_sensitive (GTK_WIDGET (self->find_button),
                            !self->working && gtk_check_button_get_active (self->consent_check));
}

static void
consent_toggled_cb (EnrLinkWindow *self)
{
  update_confirm (self);
}

static void update_code (EnrLinkWindow *self);

static void
found_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(EnrLinkWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->working = FALSE;
  update_confirm (self);
  if (!enr_device_link_find_finish (ENR_DEVICE_LINK (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      enr_error_area_show_error (ENR_ERROR_AREA (self->confirm_error), error,
                                 ENR_ERROR_ACTION_NONE);
      gtk_widget_set_visible (self->enroll_button,
                              enr_session_error_get_reason (error) ==
                                ENR_SESSION_REASON_NOT_ENROLLED);
      return;
    }
  update_code (self);
  go_to (self, "code");
}

static void
find_clicked_cb (EnrLinkWindow *self)
{
  if (self->working || !gtk_check_button_get_active (self->consent_check))
    return;
  enr_error_area_clear (ENR_ERROR_AREA (self->confirm_error));
  gtk_widget_set_visible (self->enroll_button, FALSE);
  self->working = TRUE;
  update_confirm (self);
  enr_device_link_find_async (self->link, TRUE, self->cancellable, found_cb,
                              g_object_ref (self));
}

/* --- The code and the new PIN --------------------------------------------------- */

static void
update_code (EnrLinkWindow *self)
{
  const EnrOtpState *otp = enr_session_get_otp (self->session);
  const EnrSessionCertificate *certificate = enr_session_get_certificate (self->session);
  gboolean sent = otp != NULL && otp->purpose == ENR_OTP_PURPOSE_DEVICE;
  gint64 wait = sent ? enr_countdown_seconds_left (otp->resend_after) : 0;
  g_autofree char *found = NULL;
  g_autofree char *sent_text = NULL;
  EnrSessionPinVerdict pins;

  if (certificate != NULL)
    /* Translators: a certificate serial number. */
    found = g_strdup_printf (_("Your certificate %s was found. VNPT SmartCA sends a code by "
                               "SMS to the phone number you registered; type it below with "
                               "the new PIN you choose for this computer."),
                             certificate->serial);
  else
    found = g_strdup (_("Your certificate was found. VNPT SmartCA sends a code by SMS to the "
                        "phone number you registered; type it below with the new PIN you "
                        "choose for this computer."));
  gtk_label_set_text (self->found_label, found);

  if (sent && wait > 0)
    {
      g_autofree char *left = enr_countdown_format (otp->resend_after);

      /* Translators: a masked phone number, then a time such as 0:59. */
      sent_text = g_strdup_printf (_("Sent to %s. You can ask for a new code in %s."),
                                   otp->sent_to, left);
    }
  else if (sent)
    /* Translators: a masked phone number. */
    sent_text = g_strdup_printf (_("Sent to %s."), otp->sent_to);
  gtk_label_set_text (self->sent_label, sent_text != NULL ? sent_text : "");
  gtk_button_set_label (self->send_button, sent ? _("Send a _New Code") : _("Send the _Code"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->send_button), !self->working && wait == 0);

  if (!enr_field_has_error (GTK_WIDGET (self->otp_entry)))
    {
      g_autofree char *hint = NULL;

      if (sent && otp->attempts_left < 5)
        hint = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d attempt left.",
                                             "%d attempts left.", otp->attempts_left),
                                otp->attempts_left);
      enr_field_clear_error (GTK_WIDGET (self->otp_entry), self->otp_help,
                             hint != NULL ? hint : _("Six digits, from the SMS."));
    }

  pins = enr_pin_fields_check (self->session, self->pin_entry, self->pin_help,
                               self->confirm_entry, self->confirm_help);
  gtk_widget_set_visible (self->linking_box, self->working);
  gtk_widget_set_sensitive (GTK_WIDGET (self->link_button),
                            !self->working && sent && pins == ENR_SESSION_PIN_OK &&
                            enr_digit_entry_get_complete (self->otp_entry));
}

static gboolean
tick_cb (gpointer user_data)
{
  EnrLinkWindow *self = user_data;

  if (at_stage (self, "code"))
    update_code (self);
  return G_SOURCE_CONTINUE;
}

static void
code_sent_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(EnrLinkWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->working = FALSE;
  if (!enr_device_link_send_code_finish (ENR_DEVICE_LINK (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    enr_error_area_show_error (ENR_ERROR_AREA (self->code_error), error, ENR_ERROR_ACTION_NONE);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->otp_entry));
  update_code (self);
}

static void
send_clicked_cb (EnrLinkWindow *self)
{
  if (self->working)
    return;
  enr_error_area_clear (ENR_ERROR_AREA (self->code_error));
  enr_field_clear_error (GTK_WIDGET (self->otp_entry), self->otp_help, NULL);
  self->working = TRUE;
  update_code (self);
  enr_device_link_send_code_async (self->link, self->cancellable, code_sent_cb,
                                   g_object_ref (self));
}

static void
linked_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnrLinkWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  self->working = FALSE;
  if (enr_device_link_link_finish (ENR_DEVICE_LINK (source), result, &error))
    {
      enr_digit_entry_clear (self->otp_entry);
      enr_digit_entry_clear (self->pin_entry);
      enr_digit_entry_clear (self->confirm_entry);
      gtk_widget_activate_action (GTK_WIDGET (self), "app.your-smartca", NULL);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (enr_session_error_get_field (error) == ENR_SESSION_FIELD_CODE ||
      enr_session_error_get_unlock (error) == ENR_SESSION_UNLOCK_NEW_CODE)
    {
      enr_digit_entry_clear (self->otp_entry);
      enr_field_set_error (GTK_WIDGET (self->otp_entry), self->otp_help, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->otp_entry));
    }
  else
    enr_error_area_show_error (ENR_ERROR_AREA (self->code_error), error, ENR_ERROR_ACTION_NONE);
  update_code (self);
}

static void
link_clicked_cb (EnrLinkWindow *self)
{
  if (self->working || !gtk_widget_get_sensitive (GTK_WIDGET (self->link_button)))
    return;
  enr_error_area_clear (ENR_ERROR_AREA (self->code_error));
  self->working = TRUE;
  update_code (self);
  enr_device_link_link_async (self->link, enr_digit_entry_get_digits (self->otp_entry),
                              enr_digit_entry_get_digits (self->pin_entry),
                              enr_digit_entry_get_digits (self->confirm_entry),
                              self->cancellable, linked_cb, g_object_ref (self));
}

static void
fields_changed_cb (EnrLinkWindow *self)
{
  if (enr_digit_entry_get_complete (self->otp_entry))
    enr_field_clear_error (GTK_WIDGET (self->otp_entry), self->otp_help, NULL);
  update_code (self);
}

static void
otp_activate_cb (EnrLinkWindow *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
}

static void
pin_activate_cb (EnrLinkWindow *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->confirm_entry));
}

/* --- Moving between the steps ----------------------------------------------------- */

/* Once a VNeID login is done (a computer that keeps an enrollment knows
 * the identity from before: only a new login counts). */
static void
maybe_logged_in (EnrLinkWindow *self)
{
  if (!self->login_seen || enr_session_get_identity (self->session) == NULL ||
      enr_session_get_needs_login (self->session) || enr_session_get_busy (self->session) ||
      !at_stage (self, "login"))
    return;
  update_confirm (self);
  go_to (self, "confirm");
}

static void
applied_cb (EnrLinkWindow *self)
{
  self->login_seen = TRUE;
  maybe_logged_in (self);
}

/* A QR login ends on the phone, with no button pressed here. */
static void
identity_cb (EnrLinkWindow *self)
{
  if (at_stage (self, "login") &&
      enr_session_get_identity (self->session) != NULL)
    self->login_seen = TRUE;
  maybe_logged_in (self);
}

static void
busy_cb (EnrLinkWindow *self)
{
  maybe_logged_in (self);
  update_code (self);
}

static void
host_back_cb (EnrLinkWindow *self)
{
  leave (self);
}

/* What runs is cancelled; the next action gets a cancellable of its own. */
static void
stop_work (EnrLinkWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->working = FALSE;
}

static void
back_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  EnrLinkWindow *self = ENR_LINK_WINDOW (widget);

  stop_work (self);
  /* The login is done: going back from the code leads to the consent. */
  if (at_stage (self, "code"))
    {
      update_confirm (self);
      go_to (self, "confirm");
    }
  else
    leave (self);
}

/* "Log in to VNeID again" (a login that ran out, or a change of device
 * that needs one made just now): the login, then the consent, whose search
 * takes the SmartCA side over with a new hand-off. */
static void
log_in_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  EnrLinkWindow *self = ENR_LINK_WINDOW (widget);

  stop_work (self);
  self->login_seen = FALSE;
  enr_error_area_clear (ENR_ERROR_AREA (self->code_error));
  enr_error_area_clear (ENR_ERROR_AREA (self->confirm_error));
  go_to (self, "login");
}

static void
enr_link_window_map (GtkWidget *widget)
{
  EnrLinkWindow *self = ENR_LINK_WINDOW (widget);

  GTK_WIDGET_CLASS (enr_link_window_parent_class)->map (widget);
  if (at_stage (self, "login"))
    enr_page_host_shown (self->host);
}

static void
enr_link_window_dispose (GObject *object)
{
  EnrLinkWindow *self = ENR_LINK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  if (self->host != NULL)
    enr_page_host_hidden (self->host);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->otp_entry != NULL)
    {
      enr_digit_entry_clear (self->otp_entry);
      enr_digit_entry_clear (self->pin_entry);
      enr_digit_entry_clear (self->confirm_entry);
    }
  self->host = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_LINK_WINDOW);
  g_clear_object (&self->link);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (enr_link_window_parent_class)->dispose (object);
}

static void
enr_link_window_class_init (EnrLinkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_link_window_dispose;
  widget_class->map = enr_link_window_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-link-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, login_box);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, who_label);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, consent_check);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, finding_box);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, confirm_error);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, enroll_button);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, find_button);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, found_label);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, send_button);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, sent_label);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, otp_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, otp_help);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, pin_help);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, confirm_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, confirm_help);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, linking_box);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, code_error);
  gtk_widget_class_bind_template_child (widget_class, EnrLinkWindow, link_button);
  gtk_widget_class_bind_template_callback (widget_class, consent_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, find_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, link_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, fields_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, otp_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, pin_activate_cb);
  gtk_widget_class_install_action (widget_class, "link.back", NULL, back_cb);
  /* The error areas' "Log In Again" (ENR_ERROR_ACTION_LOG_IN). */
  gtk_widget_class_install_action (widget_class, "wizard.log-in", NULL, log_in_cb);
}

static void
enr_link_window_init (EnrLinkWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
enr_link_window_new (GtkApplication *application,
                     EnrSession     *session)
{
  EnrLinkWindow *self;
  EnrPage *page;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (ENR_IS_SESSION (session), NULL);

  self = g_object_new (ENR_TYPE_LINK_WINDOW, "application", application, NULL);
  self->session = g_object_ref (session);
  self->link = enr_device_link_new (session);

  /* The wizard's login page: the same two ways, the same checks. */
  page = g_object_new (ENR_TYPE_LOGIN_PAGE, "session", session,
                       "title", _("Log In to VNeID"), NULL);
  self->host = ENR_PAGE_HOST (enr_page_host_new (page));
  gtk_widget_set_vexpand (GTK_WIDGET (self->host), TRUE);
  gtk_box_append (GTK_BOX (self->login_box), GTK_WIDGET (self->host));
  g_signal_connect_swapped (self->host, "applied", G_CALLBACK (applied_cb), self);
  g_signal_connect_swapped (self->host, "back", G_CALLBACK (host_back_cb), self);

  g_signal_connect_swapped (session, "notify::identity", G_CALLBACK (identity_cb), self);
  g_signal_connect_swapped (session, "notify::needs-login", G_CALLBACK (busy_cb), self);
  g_signal_connect_swapped (session, "notify::busy", G_CALLBACK (busy_cb), self);
  g_signal_connect_swapped (session, "notify::otp", G_CALLBACK (update_code), self);
  self->tick_source = g_timeout_add_seconds (1, tick_cb, self);
  update_confirm (self);
  update_code (self);
  return GTK_WIDGET (self);
}
