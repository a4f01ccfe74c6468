/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-page.h"
#include "enr-session.h"

G_BEGIN_DECLS

/*
 * The enrollment window: a GtkAssistant with one page per entry of the
 * page table, all of type GTK_ASSISTANT_PAGE_CUSTOM, whose Back and Next
 * are the wizard's own buttons (GtkAssistant's Next cannot wait for async
 * work). This is the one file that touches GtkAssistant.
 *
 * The wizard follows the session: after a page's apply succeeds, and
 * whenever the session's step changes on its own (a QR login approved on
 * the phone, a step the service reports), it shows the page of the
 * session's step, and commits once a step is done on the server so that
 * Back cannot undo it. Its actions, "wizard.next", "back", "cancel",
 * "start-over", "log-in" and "close", are what pages and the error area
 * activate. The window owns the wizard.
 *
 * Each page is built the first time it is shown; until then an empty
 * EnrPageSlot stands in for it and the sidebar shows its title.
 *
 * Signals:
 *   page-built (const char *id, EnrPage *page)
 */
#define ENR_TYPE_WIZARD (enr_wizard_get_type ())
G_DECLARE_FINAL_TYPE (EnrWizard, enr_wizard, ENR, WIZARD, GObject)

/* @banner: (nullable): shown above every page (the sandbox's). */
EnrWizard  *enr_wizard_new           (GtkApplication *application,
                                      EnrSession     *session,
                                      gboolean        kiosk,
                                      GtkWidget      *banner);
GtkWindow  *enr_wizard_get_window    (EnrWizard      *self);
EnrSession *enr_wizard_get_session   (EnrWizard      *self);
/* The current page and its id in the page table. */
EnrPage    *enr_wizard_get_current_page (EnrWizard   *self);
const char *enr_wizard_get_current_id   (EnrWizard   *self);
/* The page @id, NULL while it is not built: a page is built the first
 * time it is shown (::page-built). */
EnrPage    *enr_wizard_get_page      (EnrWizard      *self,
                                      const char     *id);
/* Shows the page @id (a rebuilt window returns where the last one was). */
void        enr_wizard_go_to         (EnrWizard      *self,
                                      const char     *id);
/* Takes the window off the screen at once and stops what its page runs;
 * then lets go of the pages, one per turn of the main loop, and destroys
 * the window, which ends the wizard. The pages follow the session no more. */
void        enr_wizard_close         (EnrWizard      *self);
G_END_DECLS
