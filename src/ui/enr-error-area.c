/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-error-area"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-error-area.h"
#include "enr-session-error.h"

struct _EnrErrorArea
{
  GtkWidget        parent_instance;

  GtkLabel        *message_label;
  GtkButton       *retry_button;
  GtkButton       *back_button;
  GtkButton       *start_over_button;
  GtkButton       *log_in_button;
  GtkButton       *check_connection_button;

  EnrErrorActions  actions;
};

G_DEFINE_FINAL_TYPE (EnrErrorArea, enr_error_area, GTK_TYPE_WIDGET)

enum {
  RETRY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static EnrErrorActions
way_on (const GError *error)
{
  /* Anything but the session's own errors (a file chooser's, say): trying
   * again is the one safe offer. */
  if (error->domain != ENR_SESSION_ERROR)
    return ENR_ERROR_ACTION_RETRY;

  switch ((EnrSessionError) error->code)
    {
    case ENR_SESSION_ERROR_RETRY:
      return ENR_ERROR_ACTION_RETRY;
    case ENR_SESSION_ERROR_LOG_IN:
      return ENR_ERROR_ACTION_LOG_IN;
    case ENR_SESSION_ERROR_START_OVER:
      return ENR_ERROR_ACTION_START_OVER;
    case ENR_SESSION_ERROR_LOCKED:
      /* In the wizard, a key that is locked for good is left behind by
       * starting over; a code or a password is asked for on the page. */
      return enr_session_error_get_unlock (error) == ENR_SESSION_UNLOCK_LINK_AGAIN
             ? ENR_ERROR_ACTION_START_OVER : ENR_ERROR_ACTION_NONE;
    /* The field, the consent box, a wait or a new code are the way on,
     * and the page shows them; going on is useless until someone acts
     * elsewhere for the rest. */
    case ENR_SESSION_ERROR_FIELD:
    case ENR_SESSION_ERROR_WAIT:
    case ENR_SESSION_ERROR_REFUSED:
    case ENR_SESSION_ERROR_GET_HELP:
    default:
      return ENR_ERROR_ACTION_NONE;
    }
}

EnrErrorActions
enr_error_actions_for (const GError *error)
{
  EnrErrorActions actions;

  g_return_val_if_fail (error != NULL, ENR_ERROR_ACTION_NONE);

  actions = way_on (error);
  if (enr_session_error_get_reason (error) == ENR_SESSION_REASON_CONNECTION)
    actions |= ENR_ERROR_ACTION_CHECK_CONNECTION;
  return actions;
}

static void
retry_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  g_signal_emit (widget, signals[RETRY], 0);
}

static void
enr_error_area_dispose (GObject *object)
{
  GtkWidget *child;
  gtk_widget_dispose_template (GTK_WIDGET (object), ENR_TYPE_ERROR_AREA);
  /* The template's unnamed top-level box is ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&child, gtk_widget_unparent);
  G_OBJECT_CLASS (enr_error_area_parent_class)->dispose (object);
}

static void
enr_error_area_class_init (EnrErrorAreaClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_error_area_dispose;

  /**
   * EnrErrorArea::retry:
   *
   * The citizen asked to try the failed action again.
   */
  signals[RETRY] = g_signal_new ("retry", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-error-area.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrErrorArea, message_label);
  gtk_widget_class_bind_template_child (widget_class, EnrErrorArea, retry_button);
  gtk_widget_class_bind_template_child (widget_class, EnrErrorArea, back_button);
  gtk_widget_class_bind_template_child (widget_class, EnrErrorArea, start_over_button);
  gtk_widget_class_bind_template_child (widget_class, EnrErrorArea, log_in_button);
  gtk_widget_class_bind_template_child (widget_class, EnrErrorArea, check_connection_button);

  gtk_widget_class_install_action (widget_class, "error-area.retry", NULL, retry_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "errorarea");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_ALERT);
}

static void
enr_error_area_init (EnrErrorArea *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
enr_error_area_new (void)
{
  return g_object_new (ENR_TYPE_ERROR_AREA, NULL);
}

void
enr_error_area_show_message (EnrErrorArea    *self,
                             const char      *message,
                             EnrErrorActions  actions)
{
  struct { GtkButton *button; EnrErrorActions action; } buttons[] = {
    { self->retry_button,      ENR_ERROR_ACTION_RETRY },
    { self->log_in_button,     ENR_ERROR_ACTION_LOG_IN },
    { self->back_button,       ENR_ERROR_ACTION_BACK },
    { self->start_over_button, ENR_ERROR_ACTION_START_OVER },
    { self->check_connection_button, ENR_ERROR_ACTION_CHECK_CONNECTION },
  };
  g_return_if_fail (ENR_IS_ERROR_AREA (self));
  g_return_if_fail (message != NULL);

  self->actions = actions;
  gtk_label_set_text (self->message_label, message);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                  -1);

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    gtk_widget_set_visible (GTK_WIDGET (buttons[i].button), (actions & buttons[i].action) != 0);

  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  gtk_widget_grab_focus (enr_error_area_get_focus_widget (self));
}

GtkWidget *
enr_error_area_get_focus_widget (EnrErrorArea *self)
{
  GtkButton *buttons[] = {
    self->retry_button, self->log_in_button, self->back_button, self->start_over_button,
  };

  g_return_val_if_fail (ENR_IS_ERROR_AREA (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    if (gtk_widget_get_visible (GTK_WIDGET (buttons[i])))
      return GTK_WIDGET (buttons[i]);
  /* The message, which a screen reader reads; it shows nothing selected
   * (enr-ui.c turns select-on-focus off). */
  return GTK_WIDGET (self->message_label);
}

void
enr_error_area_show_error (EnrErrorArea    *self,
                           const GError    *error,
                           EnrErrorActions  extra)
{
  g_return_if_fail (ENR_IS_ERROR_AREA (self));
  g_return_if_fail (error != NULL);

  enr_error_area_show_message (self, error->message, enr_error_actions_for (error) | extra);
}

void
enr_error_area_clear (EnrErrorArea *self)
{
  g_return_if_fail (ENR_IS_ERROR_AREA (self));

  self->actions = ENR_ERROR_ACTION_NONE;
  gtk_label_set_text (self->message_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
}

const char *
enr_error_area_get_message (EnrErrorArea *self)
{
  g_return_val_if_fail (ENR_IS_ERROR_AREA (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self)))
    return NULL;
  return gtk_label_get_text (self->message_label);
}

EnrErrorActions
enr_error_area_get_actions (EnrErrorArea *self)
{
  g_return_val_if_fail (ENR_IS_ERROR_AREA (self), ENR_ERROR_ACTION_NONE);
  return self->actions;
}
