/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What a citizen can do about an error, offered as buttons beside it. */
typedef enum
{
  ENR_ERROR_ACTION_NONE       = 0,
  ENR_ERROR_ACTION_RETRY      = 1 << 0,   /* the page's "retry" signal */
  ENR_ERROR_ACTION_BACK       = 1 << 1,   /* wizard.back */
  ENR_ERROR_ACTION_START_OVER = 1 << 2,   /* wizard.start-over */
  ENR_ERROR_ACTION_LOG_IN     = 1 << 3,   /* wizard.log-in: log in again, keep the progress */
  ENR_ERROR_ACTION_CHECK_CONNECTION = 1 << 4,   /* app.check-connection */
} EnrErrorActions;

/* The way on from @error that fits it: a network that dropped can be
 * retried, a registration the service no longer knows must start over, a
 * service that cannot prove who it is offers nothing to go on with; a
 * service that was not reached also offers "Check the Connection". */
EnrErrorActions enr_error_actions_for (const GError *error);

/*
 * An error shown in the page where it happened, in the citizen's language
 * (the GError's message), with the next action as buttons. Showing it
 * moves the keyboard focus to its first button (or to the message when
 * there is none), so a screen reader reads it out at once.
 */
#define ENR_TYPE_ERROR_AREA (enr_error_area_get_type ())
G_DECLARE_FINAL_TYPE (EnrErrorArea, enr_error_area, ENR, ERROR_AREA, GtkWidget)

GtkWidget       *enr_error_area_new         (void);
/* Shows @error with the actions enr_error_actions_for() gives, plus @extra. */
void             enr_error_area_show_error  (EnrErrorArea    *self,
                                             const GError    *error,
                                             EnrErrorActions  extra);
void             enr_error_area_show_message (EnrErrorArea    *self,
                                              const char      *message,
                                              EnrErrorActions  actions);
void             enr_error_area_clear       (EnrErrorArea    *self);
const char      *enr_error_area_get_message (EnrErrorArea    *self);
EnrErrorActions  enr_error_area_get_actions (EnrErrorArea    *self);
/* What takes the focus: the first way on, else the message. */
GtkWidget       *enr_error_area_get_focus_widget (EnrErrorArea *self);

G_END_DECLS
