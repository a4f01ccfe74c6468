/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-certificate-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "enr-certificate-page.h"
#include "enr-error-area.h"
#include "enr-file-save.h"
#include "enr-format.h"

struct _EnrCertificatePage
{
  EnrPage    parent_instance;

  GtkWidget *success_box;
  GtkLabel  *holder_value;
  GtkLabel  *citizen_value;
  GtkLabel  *status_value;
  GtkLabel  *serial_value;
  GtkLabel  *issuer_value;
  GtkLabel  *from_value;
  GtkLabel  *to_value;
  GtkLabel  *vneid_value;
  GtkLabel  *smartca_value;
  GtkLabel  *fingerprint_value;
  GtkWidget *save_box;
  GtkButton *save_button;
  GtkRevealer *save_revealer;
  GtkWidget *error_area;

  GCancellable *cancellable;
  gboolean   refreshing;
};

G_DEFINE_FINAL_TYPE (EnrCertificatePage, enr_certificate_page, ENR_TYPE_PAGE)

static const char *
status_text (const char *status)
{
  if (status == NULL)
    return _("Not reported yet");
  if (g_str_equal (status, "VALID"))
    return _("Valid");
  return status;
}

static char *
report_text (const char *status,
             const char *serial,
             const char *expected_serial)
{
  if (status != NULL && serial != NULL && expected_serial != NULL &&
      g_ascii_strcasecmp (serial, expected_serial) != 0)
    /* Translators: %s is a certificate serial number. */
    return g_strdup_printf (_("Reports another certificate (%s)"), serial);
  return g_strdup (status_text (status));
}

static void
update (EnrCertificatePage *self)
{
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));
  const EnrSessionCertificate *certificate = enr_session_get_certificate (session);
  const EnrCertificateReport *report = enr_session_get_certificate_report (session);
  gboolean done = enr_session_get_step (session) == ENR_SESSION_STEP_DONE;
  g_autofree char *masked = enr_session_dup_masked_citizen_id (session);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *vneid = NULL;
  g_autofree char *smartca = NULL;
  const char *serial = NULL;

  gtk_widget_set_visible (self->success_box, done);
  /* A kiosk keeps nothing: no copies. */
  gtk_widget_set_visible (self->save_box, !enr_session_get_kiosk (session));

  if (certificate != NULL)
    {
      serial = certificate->serial;
      from = enr_format_date_time (certificate->not_before);
      to = enr_format_date_time (certificate->not_after);
      gtk_label_set_text (self->holder_value, certificate->holder);
      gtk_label_set_text (self->serial_value, serial);
      gtk_label_set_text (self->issuer_value, certificate->issuer);
      gtk_label_set_text (self->from_value, from);
      gtk_label_set_text (self->to_value, to);
      gtk_label_set_text (self->fingerprint_value, certificate->fingerprint);
    }
  gtk_label_set_text (self->citizen_value, masked != NULL ? masked : "");

  vneid = report_text (report != NULL ? report->vneid_status : NULL,
                       report != NULL ? report->vneid_serial : NULL, serial);
  smartca = report_text (report != NULL ? report->smartca_status : NULL,
                         report != NULL ? report->smartca_serial : NULL, serial);
  gtk_label_set_text (self->vneid_value, vneid);
  gtk_label_set_text (self->smartca_value, smartca);
  gtk_label_set_text (self->status_value,
                      report == NULL ? _("Not reported yet")
                      : report->consistent ? _("Valid, ready to sign")
                      : _("Not confirmed by both services yet: see the details"));

  gtk_widget_set_sensitive (self->save_box, certificate != NULL);
  enr_page_set_complete (ENR_PAGE (self), done);
}

static void
refresh_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnrCertificatePage) self = user_data;
  g_autoptr(GError) error = NULL;

  self->refreshing = FALSE;
  enr_page_end_wait (ENR_PAGE (self));
  if (!enr_session_refresh_certificate_finish (ENR_SESSION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_RETRY);
  update (self);
}

static void
refresh (EnrCertificatePage *self)
{
  if (self->refreshing)
    return;
  self->refreshing = TRUE;
  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  update (self);
  enr_page_begin_wait (ENR_PAGE (self), _("Asking VNeID and VNPT SmartCA about your certificate…"),
                       NULL);
  enr_session_refresh_certificate_async (enr_page_get_session (ENR_PAGE (self)),
                                         self->cancellable, refresh_cb, g_object_ref (self));
}

static void
retry_cb (EnrCertificatePage *self)
{
  refresh (self);
}

static void
save_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(EnrCertificatePage) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  file = enr_file_save_finish (result, &error);
  if (file != NULL)
    enr_page_show_saved (ENR_PAGE (self), file);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_NONE);
}

/* The formats show under "Save a Copy…", and go once one is chosen. */
static void
show_formats (EnrCertificatePage *self,
              gboolean            shown)
{
  gtk_revealer_set_reveal_child (self->save_revealer, shown);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->save_button),
                               GTK_ACCESSIBLE_STATE_EXPANDED, shown, -1);
}

static void
save_toggled_cb (EnrCertificatePage *self)
{
  show_formats (self, !gtk_revealer_get_reveal_child (self->save_revealer));
}

static void
save (EnrCertificatePage *self,
      const char         *title,
      const char         *name,
      GBytes             *data)
{
  if (data == NULL)
    return;
  show_formats (self, FALSE);
  enr_file_save_async (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), title, name, data,
                       self->cancellable, save_cb, g_object_ref (self));
}

static char *
certificate_file_name (EnrCertificatePage *self,
                       const char         *extension)
{
  const EnrSessionCertificate *certificate =
    enr_session_get_certificate (enr_page_get_session (ENR_PAGE (self)));

  return g_strdup_printf ("smartca-%s.%s", certificate->serial, extension);
}

static void
save_pem_cb (EnrCertificatePage *self)
{
  const EnrSessionCertificate *certificate =
    enr_session_get_certificate (enr_page_get_session (ENR_PAGE (self)));
  g_autofree char *name = NULL;
  g_autoptr(GBytes) data = NULL;

  if (certificate == NULL)
    return;
  name = certificate_file_name (self, "pem");
  data = g_bytes_new (certificate->pem, strlen (certificate->pem));
  save (self, _("Save the Certificate"), name, data);
}

static void
save_der_cb (EnrCertificatePage *self)
{
  const EnrSessionCertificate *certificate =
    enr_session_get_certificate (enr_page_get_session (ENR_PAGE (self)));
  g_autofree char *name = NULL;

  if (certificate == NULL)
    return;
  name = certificate_file_name (self, "cer");
  save (self, _("Save the Certificate"), name, certificate->der);
}

static void
save_contract_cb (EnrCertificatePage *self)
{
  const EnrSessionDocument *document =
    enr_session_get_signed_contract (enr_page_get_session (ENR_PAGE (self)));

  if (document != NULL)
    save (self, _("Save the Signed Contract"), document->name, document->data);
}

static void
save_record_cb (EnrCertificatePage *self)
{
  const EnrSessionDocument *document =
    enr_session_get_signed_acceptance_record (enr_page_get_session (ENR_PAGE (self)));

  if (document != NULL)
    save (self, _("Save the Signed Acceptance Record"), document->name, document->data);
}

static void
enr_certificate_page_shown (EnrPage *page)
{
  EnrCertificatePage *self = ENR_CERTIFICATE_PAGE (page);

  if (self->cancellable == NULL)
    self->cancellable = g_cancellable_new ();
  refresh (self);
  /* The first control, never a value shown selected. */
  if (enr_session_get_kiosk (enr_page_get_session (page)))
    enr_page_focus_default (page);
  else
    enr_page_focus (page, GTK_WIDGET (self->save_button));
}

static void
enr_certificate_page_constructed (GObject *object)
{
  EnrCertificatePage *self = ENR_CERTIFICATE_PAGE (object);
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));

  G_OBJECT_CLASS (enr_certificate_page_parent_class)->constructed (object);

  g_signal_connect_object (session, "notify::certificate", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::certificate-report", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::step", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  update (self);
}

static void
enr_certificate_page_dispose (GObject *object)
{
  EnrCertificatePage *self = ENR_CERTIFICATE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_CERTIFICATE_PAGE);
  G_OBJECT_CLASS (enr_certificate_page_parent_class)->dispose (object);
}

static void
enr_certificate_page_class_init (EnrCertificatePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  EnrPageClass *page_class = ENR_PAGE_CLASS (klass);

  object_class->constructed = enr_certificate_page_constructed;
  object_class->dispose = enr_certificate_page_dispose;
  page_class->shown = enr_certificate_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-certificate-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, success_box);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, holder_value);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, citizen_value);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, status_value);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, serial_value);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, issuer_value);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, from_value);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, to_value);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, vneid_value);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, smartca_value);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, fingerprint_value);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, save_box);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, save_button);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, save_revealer);
  gtk_widget_class_bind_template_callback (widget_class, save_toggled_cb);
  gtk_widget_class_bind_template_child (widget_class, EnrCertificatePage, error_area);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_pem_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_der_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_contract_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_record_cb);
}

static void
enr_certificate_page_init (EnrCertificatePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  enr_page_set_error_area (ENR_PAGE (self), self->error_area);
  enr_page_set_next_label (ENR_PAGE (self), _("_Continue"));
}
