/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-account-window"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-account-window.h"
#include "enr-approve-dialog.h"
#include "enr-change-pin-dialog.h"
#include "enr-error-area.h"
#include "enr-format.h"
#include "enr-request-row.h"

/* Portals' requests wait five minutes: look often enough to show them in time. */
#define REFRESH_INTERVAL_S 10

struct _EnrAccountWindow
{
  GtkApplicationWindow parent_instance;

  GtkLabel          *holder_value;
  GtkLabel          *citizen_value;
  GtkLabel          *serial_value;
  GtkLabel          *valid_value;
  GtkLabel          *status_value;
  GtkWidget         *locked_label;
  GtkWidget         *error_area;
  GtkSpinner        *refresh_spinner;
  GtkLabel          *requests_hint;
  GtkListBox        *requests_list;
  GtkWidget         *test_request_button;
  GtkWidget         *remove_box;
  GtkWidget         *keep_button;

  EnrAccount        *account;
  EnrSandboxControl *control;
  GCancellable      *cancellable;
  guint              refresh_source;
  gboolean           refresh_failed;
  gboolean           resuming;
};

G_DEFINE_FINAL_TYPE (EnrAccountWindow, enr_account_window, GTK_TYPE_APPLICATION_WINDOW)

static EnrSession *
session_of (EnrAccountWindow *self)
{
  return enr_account_get_session (self->account);
}

static const char *
status_text (const EnrAccountStatus *status)
{
  if (status == NULL || status->certificate_status == NULL)
    return _("Not reported yet");
  if (g_str_equal (status->certificate_status, "VALID") &&
      g_strcmp0 (status->key_status, "ENABLED") == 0)
    return _("Valid, ready to sign");
  if (g_str_equal (status->certificate_status, "REVOKED"))
    return _("Revoked: this certificate can sign nothing any more");
  if (g_str_equal (status->certificate_status, "EXPIRED"))
    return _("Expired: this certificate can sign nothing any more");
  return status->certificate_status;
}

static void
update (EnrAccountWindow *self)
{
  EnrSession *session = session_of (self);
  const EnrSessionCertificate *certificate = enr_session_get_certificate (session);
  const EnrSessionIdentity *identity = enr_session_get_identity (session);
  const EnrAccountStatus *status = enr_account_get_status (self->account);
  g_autofree char *masked = enr_session_dup_masked_citizen_id (session);
  g_autofree char *valid = NULL;
  guint n = g_list_model_get_n_items (enr_account_get_requests (self->account));

  if (certificate != NULL)
    {
      valid = enr_format_date_time (certificate->not_after);
      gtk_label_set_text (self->holder_value, certificate->holder);
      gtk_label_set_text (self->serial_value, certificate->serial);
    }
  else
    {
      valid = enr_format_time_us (status != NULL ? status->valid_to : 0);
      gtk_label_set_text (self->holder_value, identity != NULL ? identity->full_name : "");
      gtk_label_set_text (self->serial_value, status != NULL && status->serial != NULL
                                                ? status->serial : "");
    }
  gtk_label_set_text (self->citizen_value, masked != NULL ? masked : "");
  gtk_label_set_text (self->valid_value, valid);
  gtk_label_set_text (self->status_value, status_text (status));
  gtk_widget_set_visible (self->locked_label, enr_session_get_pin_attempts_left (session) == 0);

  if (n == 0)
    gtk_label_set_text (self->requests_hint,
                        _("No signing request is waiting. When a public service portal asks "
                          "for your signature, the request shows here: approve it with your "
                          "PIN, or reject it."));
  else
    gtk_label_set_text (self->requests_hint,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "This request waits for your answer. Check that you asked "
                                     "for it, then approve it with your PIN or reject it.",
                                     "These requests wait for your answer. Check that you asked "
                                     "for each, then approve it with your PIN or reject it.", n));
  gtk_widget_set_visible (GTK_WIDGET (self->requests_list), n > 0);
  gtk_spinner_set_spinning (self->refresh_spinner,
                            self->resuming || enr_account_get_refreshing (self->account));
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return enr_request_row_new (ENR_SIGNING_REQUEST (item));
}

/* --- Refreshing ----------------------------------------------------------------- */

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(EnrAccountWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!enr_account_refresh_finish (ENR_ACCOUNT (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error,
                                     ENR_ERROR_ACTION_RETRY);
          self->refresh_failed = TRUE;
        }
      return;
    }
  /* The service answers again: what it said when it did not is over. */
  if (self->refresh_failed)
    enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  self->refresh_failed = FALSE;
}

static void refresh (EnrAccountWindow *self);

static void
resumed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnrAccountWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!enr_session_resume_finish (ENR_SESSION (source), result, NULL, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->resuming = FALSE;
  update (self);
  /* The checkpoint said enrolled, the keyring did not keep the key (or
   * cannot be opened): the wizard's welcome page says what to do. */
  if (!enr_account_session_is_enrolled (ENR_SESSION (source)))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "app.enroll", NULL);
      return;
    }
  if (error != NULL)
    {
      enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error,
                                 ENR_ERROR_ACTION_RETRY);
      self->refresh_failed = TRUE;
      return;
    }
  refresh (self);
}

static void
refresh (EnrAccountWindow *self)
{
  if (self->resuming || enr_account_get_refreshing (self->account))
    return;
  /* Opened at start-up on what the checkpoint said: the keyring and
   * SmartCA are asked now, with the window shown. */
  if (!enr_session_get_resumed (session_of (self)))
    {
      self->resuming = TRUE;
      update (self);
      enr_session_resume_async (session_of (self), self->cancellable, resumed_cb,
                                g_object_ref (self));
      return;
    }
  enr_account_refresh_async (self->account, self->cancellable, refreshed_cb,
                             g_object_ref (self));
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  EnrAccountWindow *self = user_data;

  /* Not while the citizen answers a request: their dialog shows it. */
  if (!enr_session_get_busy (session_of (self)))
    refresh (self);
  return G_SOURCE_CONTINUE;
}

static void
retry_cb (EnrAccountWindow *self)
{
  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  refresh (self);
}

/* --- Actions --------------------------------------------------------------------- */

static EnrSigningRequest *
request_for (EnrAccountWindow *self,
             GVariant         *parameter)
{
  GListModel *requests = enr_account_get_requests (self->account);
  const char *id = g_variant_get_string (parameter, NULL);

  for (guint i = 0; i < g_list_model_get_n_items (requests); i++)
    {
      g_autoptr(EnrSigningRequest) request = g_list_model_get_item (requests, i);

      if (g_str_equal (enr_signing_request_get_id (request), id))
        return request;
    }
  return NULL;
}

static void
approve_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  EnrAccountWindow *self = ENR_ACCOUNT_WINDOW (widget);
  EnrSigningRequest *request = request_for (self, parameter);

  if (request == NULL)
    return;
  gtk_window_present (GTK_WINDOW (enr_approve_dialog_new (GTK_WINDOW (self), self->account,
                                                          request)));
}

static void
rejected_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(EnrAccountWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!enr_account_reject_finish (ENR_ACCOUNT (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_NONE);
}

static void
reject_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  EnrAccountWindow *self = ENR_ACCOUNT_WINDOW (widget);
  EnrSigningRequest *request = request_for (self, parameter);

  if (request == NULL)
    return;
  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  enr_account_reject_async (self->account, request, self->cancellable, rejected_cb,
                            g_object_ref (self));
}

static void
refresh_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  retry_cb (ENR_ACCOUNT_WINDOW (widget));
}

static void
change_pin_cb (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EnrAccountWindow *self = ENR_ACCOUNT_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (enr_change_pin_dialog_new (GTK_WINDOW (self),
                                                             self->account)));
}

static void
remove_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  EnrAccountWindow *self = ENR_ACCOUNT_WINDOW (widget);

  gtk_widget_set_visible (self->remove_box, TRUE);
  gtk_widget_grab_focus (self->keep_button);
}

static void
keep_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  gtk_widget_set_visible (ENR_ACCOUNT_WINDOW (widget)->remove_box, FALSE);
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnrAccountWindow) self = user_data;

  enr_account_remove_finish (ENR_ACCOUNT (source), result, NULL);
  /* Nothing is left here: the wizard is what this computer offers now. */
  gtk_widget_activate_action (GTK_WIDGET (self), "app.enroll", NULL);
}

static void
confirm_remove_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  EnrAccountWindow *self = ENR_ACCOUNT_WINDOW (widget);

  gtk_widget_set_sensitive (self->remove_box, FALSE);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  enr_account_remove_async (self->account, NULL, removed_cb, g_object_ref (self));
}

static void
test_requested_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(EnrAccountWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *tran_id = NULL;

  tran_id = enr_sandbox_control_portal_sign_finish (ENR_SANDBOX_CONTROL (source), result,
                                                    &error);
  if (tran_id == NULL)
    {
      enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error,
                                 ENR_ERROR_ACTION_NONE);
      return;
    }
  refresh (self);
}

/* The sandbox plays a public-service portal asking for a signature. */
static void
test_request_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  EnrAccountWindow *self = ENR_ACCOUNT_WINDOW (widget);
  EnrSession *session = session_of (self);
  const EnrSessionIdentity *identity = enr_session_get_identity (session);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *hash = NULL;
  g_autofree char *content = g_uuid_string_random ();
  const char *names[] = { "to-khai-thu-nghiem.pdf", NULL };
  const char *hashes[] = { NULL, NULL };
  guint8 digest[32];
  gsize len = sizeof digest;

  if (self->control == NULL || identity == NULL)
    return;
  g_checksum_update (checksum, (const guchar *) content, -1);
  g_checksum_get_digest (checksum, digest, &len);
  hash = g_base64_encode (digest, len);
  hashes[0] = hash;
  enr_sandbox_control_portal_sign_async (self->control, identity->citizen_id,
                                         "Tờ khai thử nghiệm (sandbox)", names, hashes,
                                         self->cancellable, test_requested_cb,
                                         g_object_ref (self));
}

static void
log_in_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  /* A new VNeID login is the first step of linking this computer again. */
  gtk_widget_activate_action (widget, "app.link", NULL);
}

/* --- The window ------------------------------------------------------------------ */

static void
enr_account_window_map (GtkWidget *widget)
{
  EnrAccountWindow *self = ENR_ACCOUNT_WINDOW (widget);

  GTK_WIDGET_CLASS (enr_account_window_parent_class)->map (widget);
  refresh (self);
  if (self->refresh_source == 0)
    self->refresh_source = g_timeout_add_seconds (REFRESH_INTERVAL_S, refresh_timeout_cb, self);
}

static void
enr_account_window_unmap (GtkWidget *widget)
{
  EnrAccountWindow *self = ENR_ACCOUNT_WINDOW (widget);

  g_clear_handle_id (&self->refresh_source, g_source_remove);
  GTK_WIDGET_CLASS (enr_account_window_parent_class)->unmap (widget);
}

static void
enr_account_window_dispose (GObject *object)
{
  EnrAccountWindow *self = ENR_ACCOUNT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  if (self->account != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->account, self);
      g_signal_handlers_disconnect_by_data (enr_account_get_requests (self->account), self);
      g_signal_handlers_disconnect_by_data (session_of (self), self);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_ACCOUNT_WINDOW);
  g_clear_object (&self->account);
  g_clear_object (&self->control);
  G_OBJECT_CLASS (enr_account_window_parent_class)->dispose (object);
}

static void
enr_account_window_class_init (EnrAccountWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_account_window_dispose;
  widget_class->map = enr_account_window_map;
  widget_class->unmap = enr_account_window_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-account-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, holder_value);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, citizen_value);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, serial_value);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, valid_value);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, status_value);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, locked_label);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, error_area);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, refresh_spinner);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, requests_hint);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, requests_list);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, test_request_button);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, remove_box);
  gtk_widget_class_bind_template_child (widget_class, EnrAccountWindow, keep_button);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);

  gtk_widget_class_install_action (widget_class, "account.approve", "s", approve_cb);
  gtk_widget_class_install_action (widget_class, "account.reject", "s", reject_cb);
  gtk_widget_class_install_action (widget_class, "account.refresh", NULL, refresh_cb);
  gtk_widget_class_install_action (widget_class, "account.change-pin", NULL, change_pin_cb);
  gtk_widget_class_install_action (widget_class, "account.remove", NULL, remove_cb);
  gtk_widget_class_install_action (widget_class, "account.keep", NULL, keep_cb);
  gtk_widget_class_install_action (widget_class, "account.confirm-remove", NULL,
                                   confirm_remove_cb);
  gtk_widget_class_install_action (widget_class, "account.test-request", NULL, test_request_cb);
  /* What the error area offers for a login that expired. */
  gtk_widget_class_install_action (widget_class, "wizard.log-in", NULL, log_in_cb);
}

static void
enr_account_window_init (EnrAccountWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
enr_account_window_new (GtkApplication    *application,
                        EnrSession        *session,
                        EnrSandboxControl *control)
{
  EnrAccountWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (ENR_IS_SESSION (session), NULL);

  self = g_object_new (ENR_TYPE_ACCOUNT_WINDOW, "application", application, NULL);
  self->account = enr_account_new (session);
  self->control = control != NULL ? g_object_ref (control) : NULL;
  gtk_widget_set_visible (self->test_request_button, control != NULL);

  gtk_list_box_bind_model (self->requests_list, enr_account_get_requests (self->account),
                           create_row_cb, NULL, NULL);
  g_signal_connect_swapped (enr_account_get_requests (self->account), "items-changed",
                            G_CALLBACK (update), self);
  g_signal_connect_swapped (self->account, "notify::status", G_CALLBACK (update), self);
  g_signal_connect_swapped (self->account, "notify::refreshing", G_CALLBACK (update), self);
  g_signal_connect_swapped (session, "notify::certificate", G_CALLBACK (update), self);
  g_signal_connect_swapped (session, "notify::identity", G_CALLBACK (update), self);
  g_signal_connect_swapped (session, "notify::pin-attempts-left", G_CALLBACK (update), self);
  update (self);
  return GTK_WIDGET (self);
}

EnrAccount *
enr_account_window_get_account (EnrAccountWindow *self)
{
  g_return_val_if_fail (ENR_IS_ACCOUNT_WINDOW (self), NULL);
  return self->account;
}
