/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-idle-watch.h"
#include "enr-session.h"
#include "enr-wizard.h"

G_BEGIN_DECLS

/*
 * A public-counter kiosk's life: one citizen's session and wizard at a
 * time, the idle watch, the on-screen keypad, the receipt, and the reset
 * between citizens. The reset leaves nothing of one citizen for the next:
 * it cancels every request and revokes the logins (enr_session_wipe), drops
 * the window and everything it showed (its entries keep what is typed in
 * GTK's secure buffers, which wipe themselves), empties the clipboard and
 * the primary selection, lets the session go, overwrites the stack the
 * citizen's data passed through, and opens a new wizard on a new session
 * in the default language. It never touches a keyring and writes no file.
 *
 * The application makes sessions and windows; the kiosk asks for them.
 */
#define ENR_TYPE_KIOSK (enr_kiosk_get_type ())
G_DECLARE_FINAL_TYPE (EnrKiosk, enr_kiosk, ENR, KIOSK, GObject)

typedef struct
{
  EnrSession *(*new_session) (gpointer    user_data);
  /* The wizard on @session, its window shown on the welcome page. */
  EnrWizard  *(*open_wizard) (EnrSession *session,
                              gpointer    user_data);
} EnrKioskHooks;

/*
 * @language: the kiosk's own ("vi", "en", "": the desktop's), which every
 * citizen starts in; @printer: the receipt printer (NULL or "": the
 * default one).
 */
EnrKiosk     *enr_kiosk_new             (GtkApplication      *application,
                                         guint                idle_timeout_s,
                                         const char          *language,
                                         const char          *printer,
                                         gboolean             shuffle_keypad,
                                         const EnrKioskHooks *hooks,
                                         gpointer             user_data);
/* Opens the first citizen's window. */
void          enr_kiosk_start           (EnrKiosk            *self);
EnrSession   *enr_kiosk_get_session     (EnrKiosk            *self);
GtkWindow    *enr_kiosk_get_window      (EnrKiosk            *self);
EnrWizard    *enr_kiosk_get_wizard      (EnrKiosk            *self);
EnrIdleWatch *enr_kiosk_get_idle_watch  (EnrKiosk            *self);
/* The window is rebuilt for another language: @wizard's replaces the
 * current one, which the caller destroys, for the same citizen. */
void          enr_kiosk_replace_wizard  (EnrKiosk            *self,
                                         EnrWizard           *wizard);
/* The next citizen's turn; ::reset-done once the new window is shown. */
void          enr_kiosk_reset           (EnrKiosk            *self);
gboolean      enr_kiosk_get_resetting   (EnrKiosk            *self);

G_END_DECLS
