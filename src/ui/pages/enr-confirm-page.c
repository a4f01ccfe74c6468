/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-confirm-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-confirm-page.h"
#include "enr-error-area.h"
#include "enr-format.h"

struct _EnrConfirmPage
{
  EnrPage         parent_instance;

  GtkLabel       *name_value;
  GtkLabel       *birth_value;
  GtkLabel       *gender_value;
  GtkLabel       *citizen_value;
  GtkLabel       *nationality_value;
  GtkLabel       *residence_value;
  GtkLabel       *phone_value;
  GtkLabel       *email_value;
  GtkLabel       *level_value;
  GtkCheckButton *consent_check;
  GtkWidget      *not_you_label;
  GtkWidget      *refusal_area;
  GtkWidget      *error_area;
};

G_DEFINE_FINAL_TYPE (EnrConfirmPage, enr_confirm_page, ENR_TYPE_PAGE)

static void
update_identity (EnrConfirmPage *self)
{
  const EnrSessionIdentity *identity =
    enr_session_get_identity (enr_page_get_session (ENR_PAGE (self)));
  g_autofree char *birth = NULL;
  g_autofree char *residence = NULL;
  g_autofree char *level = NULL;

  if (identity == NULL)
    return;

  birth = enr_format_date (identity->date_of_birth);
  residence = enr_format_residence (identity);
  /* Translators: a VNeID account's identity level, 1 or 2. */
  level = g_strdup_printf (_("Level %d"), (int) identity->identity_level);

  gtk_label_set_text (self->name_value, identity->full_name);
  gtk_label_set_text (self->birth_value, birth);
  gtk_label_set_text (self->gender_value, enr_format_gender (identity->gender));
  gtk_label_set_text (self->citizen_value, identity->citizen_id);
  gtk_label_set_text (self->nationality_value,
                      g_strcmp0 (identity->nationality, "VN") == 0 ? _("Vietnamese")
                                                                    : identity->nationality);
  gtk_label_set_text (self->residence_value, residence);
  gtk_label_set_text (self->phone_value, identity->phone);
  gtk_label_set_text (self->email_value,
                      identity->email != NULL ? identity->email : _("None given"));
  gtk_label_set_text (self->level_value, level);
}

/* A certificate needs a level-2 account, and the level is known as soon
 * as the page opens: no consent is asked for what cannot succeed. */
static gboolean
refused (EnrConfirmPage *self)
{
  const EnrSessionIdentity *identity =
    enr_session_get_identity (enr_page_get_session (ENR_PAGE (self)));

  return identity != NULL && identity->identity_level < 2;
}

static void
update_complete (EnrConfirmPage *self)
{
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));
  gboolean refuse = refused (self);

  gtk_widget_set_visible (GTK_WIDGET (self->consent_check), !refuse);
  gtk_widget_set_visible (self->not_you_label, !refuse);
  if (refuse && enr_error_area_get_message (ENR_ERROR_AREA (self->refusal_area)) == NULL)
    enr_error_area_show_message (ENR_ERROR_AREA (self->refusal_area),
                                 _("Your VNeID account is level 1. A SmartCA certificate needs a "
                                   "level 2 account: activate it at the police office of your "
                                   "ward or commune, then come back."),
                                 ENR_ERROR_ACTION_NONE);
  else if (!refuse)
    enr_error_area_clear (ENR_ERROR_AREA (self->refusal_area));
  enr_page_set_next_label (ENR_PAGE (self), refuse ? NULL : _("_Confirm"));
  enr_page_set_complete (ENR_PAGE (self),
                         !refuse && gtk_check_button_get_active (self->consent_check) &&
                         enr_session_get_identity (session) != NULL &&
                         !enr_session_get_busy (session));
}

static void
consent_toggled_cb (EnrConfirmPage *self)
{
  update_complete (self);
}

static void
retry_cb (EnrConfirmPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.next", NULL);
}

static void
enr_confirm_page_apply_async (EnrPage             *page,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  EnrConfirmPage *self = ENR_CONFIRM_PAGE (page);

  /* No Cancel: the registration may be made at VNeID all the same. */
  enr_page_begin_wait (page, _("Sending your registration to VNeID…"), NULL);
  enr_session_confirm_registration_async (enr_page_get_session (page),
                                          gtk_check_button_get_active (self->consent_check),
                                          cancellable, enr_page_session_done_cb,
                                          enr_page_session_apply_new (
                                            page, enr_session_confirm_registration_finish,
                                            cancellable, callback, user_data));
}

static void
enr_confirm_page_show_error (EnrPage      *page,
                             const GError *error)
{
  EnrConfirmPage *self = ENR_CONFIRM_PAGE (page);

  /* A level-1 account the service refused (the page did not know it): its
   * Back, in the frame, is the way on, as for the refusal above. */
  enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_NONE);
}

static void
enr_confirm_page_shown (EnrPage *page)
{
  EnrConfirmPage *self = ENR_CONFIRM_PAGE (page);

  update_identity (self);
  update_complete (self);
  enr_page_focus (page, refused (self)
                        ? enr_error_area_get_focus_widget (ENR_ERROR_AREA (self->refusal_area))
                        : GTK_WIDGET (self->consent_check));
}

static void
enr_confirm_page_constructed (GObject *object)
{
  EnrConfirmPage *self = ENR_CONFIRM_PAGE (object);
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));

  G_OBJECT_CLASS (enr_confirm_page_parent_class)->constructed (object);

  g_signal_connect_object (session, "notify::identity", G_CALLBACK (update_identity),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::identity", G_CALLBACK (update_complete),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::busy", G_CALLBACK (update_complete),
                           self, G_CONNECT_SWAPPED);
  update_identity (self);
  update_complete (self);
}

static void
enr_confirm_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ENR_TYPE_CONFIRM_PAGE);
  G_OBJECT_CLASS (enr_confirm_page_parent_class)->dispose (object);
}

static void
enr_confirm_page_class_init (EnrConfirmPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  EnrPageClass *page_class = ENR_PAGE_CLASS (klass);

  object_class->constructed = enr_confirm_page_constructed;
  object_class->dispose = enr_confirm_page_dispose;
  page_class->shown = enr_confirm_page_shown;
  page_class->apply_async = enr_confirm_page_apply_async;
  page_class->show_error = enr_confirm_page_show_error;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-confirm-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, name_value);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, birth_value);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, gender_value);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, citizen_value);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, nationality_value);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, residence_value);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, phone_value);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, email_value);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, level_value);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, consent_check);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, not_you_label);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, refusal_area);
  gtk_widget_class_bind_template_child (widget_class, EnrConfirmPage, error_area);
  gtk_widget_class_bind_template_callback (widget_class, consent_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
}

static void
enr_confirm_page_init (EnrConfirmPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  enr_page_set_error_area (ENR_PAGE (self), self->error_area);
  enr_page_set_next_label (ENR_PAGE (self), _("_Confirm"));
}
