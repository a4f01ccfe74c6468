/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-welcome-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-account.h"
#include "enr-error-area.h"
#include "enr-language.h"
#include "enr-page-table.h"
#include "enr-welcome-page.h"

struct _EnrWelcomePage
{
  EnrPage          parent_instance;

  GtkLabel        *steps_label;
  GtkToggleButton *vietnamese_button;
  GtkToggleButton *english_button;
  GtkWidget       *unconfigured_box;
  GtkWidget       *resume_box;
  GtkLabel        *resume_label;
  GtkWidget       *link_box;
  GtkWidget       *error_area;

  GCancellable    *cancellable;
  GTask           *apply;            /* Start waiting for the service */
  gboolean         shown_before;
};

G_DEFINE_FINAL_TYPE (EnrWelcomePage, enr_welcome_page, ENR_TYPE_PAGE)

static void
update (EnrWelcomePage *self)
{
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));
  EnrSessionStep step = enr_session_get_step (session);
  /* A service on its way (the sandbox starting) counts as one: Start waits
   * for it, and a new sandbox has nothing to resume. */
  gboolean awaiting = enr_session_get_awaiting_service (session);
  gboolean resumed = enr_session_get_resumed (session) || awaiting;
  gboolean in_progress = resumed && step != ENR_SESSION_STEP_LOGIN;
  gboolean configured = awaiting || enr_session_get_configured (session, NULL);

  gtk_widget_set_visible (self->unconfigured_box, !configured);
  gtk_widget_set_visible (self->resume_box, in_progress);
  /* A kiosk keeps no one's key: linking is for the citizen's own computer. */
  gtk_widget_set_visible (self->link_box, enr_session_get_resumed (session) &&
                                          !enr_session_get_kiosk (session));
  if (in_progress)
    {
      g_autofree char *text = NULL;

      if (step == ENR_SESSION_STEP_DONE)
        text = g_strdup (_("Your SmartCA service is already set up on this computer. "
                           "Continue to see your certificate, or start over to register again."));
      else
        /* Translators: %u is the step number (1 to 6), %s its title. */
        text = g_strdup_printf (_("You have a registration in progress, at step %u: “%s”. "
                                  "Continue where you left it, or start over."),
                                (guint) step + 1, enr_page_table_step_title ((int) step));
      gtk_label_set_text (self->resume_label, text);
    }

  /* Nothing to start without a service: no Start that cannot work. */
  enr_page_set_next_label (ENR_PAGE (self), !configured ? NULL
                                            : in_progress ? _("_Continue") : _("_Start"));
  enr_page_set_complete (ENR_PAGE (self), resumed && configured);
}

static void
resume_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnrWelcomePage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;
  gboolean configured = enr_session_get_configured (ENR_SESSION (source), NULL);

  if (!enr_session_resume_finish (ENR_SESSION (source), result, &found, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* The checkpoint's step still holds: the citizen may go on, and
       * the step's own action reconciles once the service answers. No
       * service at all is said above, once. */
      if (configured)
        enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error,
                                   ENR_ERROR_ACTION_RETRY);
    }
  enr_page_end_wait (ENR_PAGE (self));
  update (self);
  /* This computer keeps the citizen's key: it is their SmartCA app now. */
  if (found && enr_account_session_is_enrolled (ENR_SESSION (source)))
    gtk_widget_activate_action (GTK_WIDGET (self), "app.your-smartca", NULL);
}

static void
look_up (EnrWelcomePage *self)
{
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  if (enr_session_get_configured (session, NULL))
    enr_page_begin_wait (ENR_PAGE (self), _("Looking for a registration in progress…"), NULL);
  enr_session_resume_async (session, self->cancellable, resume_cb, g_object_ref (self));
  update (self);
}

static void
retry_cb (EnrWelcomePage *self)
{
  look_up (self);
}

/* The sandbox is ready while the citizen reads: look now, as a page shown
 * with its service does (unless Start is waiting for it: it looks then). */
static void
awaiting_service_cb (EnrWelcomePage *self)
{
  EnrSession *session = enr_page_get_session (ENR_PAGE (self));

  if (self->apply == NULL && !enr_session_get_awaiting_service (session) &&
      !enr_session_get_resumed (session) && self->shown_before)
    look_up (self);
}

/* --- Start, while the service starts ------------------------------------------- */

static void
apply_resumed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrWelcomePage *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->apply);
  if (!enr_session_resume_finish (ENR_SESSION (source), result, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  update (self);
  g_task_return_boolean (task, TRUE);
}

static void
service_ready_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  EnrWelcomePage *self = g_task_get_source_object (task);
  GCancellable *cancellable;
  g_autoptr(GError) error = NULL;

  if (!enr_session_wait_for_service_finish (ENR_SESSION (source), result, &error))
    {
      g_clear_object (&self->apply);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cancellable = g_task_get_cancellable (task);
  enr_page_begin_wait (ENR_PAGE (self), _("Looking for a registration in progress…"), NULL);
  enr_session_resume_async (ENR_SESSION (source), cancellable, apply_resumed_cb,
                            g_steal_pointer (&task));
}

/* Start, on a window shown before its service was there (`--sandbox`):
 * waits for it, saying so, then resumes as the page would have when shown.
 * With a service, Start has nothing to do. */
static void
enr_welcome_page_apply_async (EnrPage             *page,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  EnrWelcomePage *self = ENR_WELCOME_PAGE (page);
  EnrSession *session = enr_page_get_session (page);
  g_autoptr(GTask) task = g_task_new (page, cancellable, callback, user_data);

  g_task_set_source_tag (task, enr_welcome_page_apply_async);
  if (enr_session_get_resumed (session))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_set_object (&self->apply, task);
  if (enr_session_get_awaiting_service (session))
    enr_page_begin_wait (page, _("Starting the practice service…"), NULL);
  enr_session_wait_for_service_async (session, cancellable, service_ready_cb,
                                      g_steal_pointer (&task));
}

static gboolean
enr_welcome_page_apply_finish (EnrPage       *page,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, page), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
enr_welcome_page_shown (EnrPage *page)
{
  EnrWelcomePage *self = ENR_WELCOME_PAGE (page);
  EnrSession *session = enr_page_get_session (page);

  /* A window rebuilt for another language must not ask the services again;
   * a service still starting is asked once it is there. */
  if (enr_session_get_awaiting_service (session))
    update (self);
  else if (!enr_session_get_resumed (session))
    look_up (self);
  else
    {
      const GError *error = enr_session_get_last_error (session);

      /* Another window resumed the session ("Your SmartCA", which hands
       * over here when the keyring does not keep the key, or the window
       * this one replaces): what it met is said here, once. */
      if (!self->shown_before && error != NULL && enr_session_get_configured (session, NULL))
        enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error,
                                   ENR_ERROR_ACTION_RETRY);
      update (self);
    }
  self->shown_before = TRUE;
  enr_page_focus (page, GTK_WIDGET (enr_language_is_vietnamese () ? self->vietnamese_button
                                                                  : self->english_button));
}

static void
fill_steps (EnrWelcomePage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (int step = ENR_SESSION_STEP_LOGIN; step <= ENR_SESSION_STEP_CERTIFICATE; step++)
    g_string_append_printf (text, "%s%d. %s", step > 0 ? "\n" : "", step + 1,
                            enr_page_table_step_title (step));
  gtk_label_set_text (self->steps_label, text->str);
}

static void
enr_welcome_page_dispose (GObject *object)
{
  EnrWelcomePage *self = ENR_WELCOME_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->apply);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_WELCOME_PAGE);

  G_OBJECT_CLASS (enr_welcome_page_parent_class)->dispose (object);
}

static void
enr_welcome_page_constructed (GObject *object)
{
  EnrWelcomePage *self = ENR_WELCOME_PAGE (object);

  G_OBJECT_CLASS (enr_welcome_page_parent_class)->constructed (object);
  g_signal_connect_object (enr_page_get_session (ENR_PAGE (self)), "notify::awaiting-service",
                           G_CALLBACK (awaiting_service_cb), self, G_CONNECT_SWAPPED);
  update (self);
}

static void
enr_welcome_page_class_init (EnrWelcomePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  EnrPageClass *page_class = ENR_PAGE_CLASS (klass);

  object_class->constructed = enr_welcome_page_constructed;
  object_class->dispose = enr_welcome_page_dispose;
  page_class->shown = enr_welcome_page_shown;
  page_class->apply_async = enr_welcome_page_apply_async;
  page_class->apply_finish = enr_welcome_page_apply_finish;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrWelcomePage, steps_label);
  gtk_widget_class_bind_template_child (widget_class, EnrWelcomePage, vietnamese_button);
  gtk_widget_class_bind_template_child (widget_class, EnrWelcomePage, english_button);
  gtk_widget_class_bind_template_child (widget_class, EnrWelcomePage, unconfigured_box);
  gtk_widget_class_bind_template_child (widget_class, EnrWelcomePage, resume_box);
  gtk_widget_class_bind_template_child (widget_class, EnrWelcomePage, resume_label);
  gtk_widget_class_bind_template_child (widget_class, EnrWelcomePage, link_box);
  gtk_widget_class_bind_template_child (widget_class, EnrWelcomePage, error_area);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
}

static void
enr_welcome_page_init (EnrWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  enr_page_set_error_area (ENR_PAGE (self), self->error_area);
  fill_steps (self);

  /* Each language button names its language in that language, and
   * shows which one is in use. */
  gtk_toggle_button_set_active (enr_language_is_vietnamese () ? self->vietnamese_button
                                                              : self->english_button, TRUE);
}
