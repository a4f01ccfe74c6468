/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-page.h"

G_BEGIN_DECLS

/*
 * The wizard's contract with a page (enr-page.h), kept once for every place
 * that shows pages: a Back and a Next button, and the "wizard." actions the
 * page and its error area activate. Next is labelled with the page's
 * :next-label, sensitive while the page is :complete, not :busy and not
 * already applying, and runs the page's apply; a failed apply is shown by
 * the page (enr_page_show_error()). What the window does next is its own:
 * it listens to ::applied and to the signals of the other actions.
 *
 * Install the actions on the window as "wizard" (enr_page_runner_get_actions()).
 */
#define ENR_TYPE_PAGE_RUNNER (enr_page_runner_get_type ())
G_DECLARE_FINAL_TYPE (EnrPageRunner, enr_page_runner, ENR, PAGE_RUNNER, GObject)

/*
 * Signals (all without arguments but ::applied):
 *   applied (EnrPage *page)  the page's apply succeeded
 *   back                     wizard.back, while going back is allowed
 *   start-over               wizard.start-over
 *   log-in                   wizard.log-in: a new VNeID login, the step kept
 *   close                    wizard.close
 */
EnrPageRunner *enr_page_runner_new             (void);

GActionGroup  *enr_page_runner_get_actions     (EnrPageRunner *self);
GtkWidget     *enr_page_runner_get_back_button (EnrPageRunner *self);
GtkWidget     *enr_page_runner_get_next_button (EnrPageRunner *self);

/* The page shown: the last one is told it is hidden, @page that it is
 * shown (NULL: none). */
void           enr_page_runner_set_page        (EnrPageRunner *self,
                                                EnrPage       *page);
EnrPage       *enr_page_runner_get_page        (EnrPageRunner *self);

/* Whether going back is safe from this page; the button shows only then,
 * insensitive while the page is busy or applying. */
void           enr_page_runner_set_can_go_back (EnrPageRunner *self,
                                                gboolean       can_go_back);
/* While held (a wipe under way), nothing is applied. */
void           enr_page_runner_set_held        (EnrPageRunner *self,
                                                gboolean       held);
gboolean       enr_page_runner_get_applying    (EnrPageRunner *self);
/* Cancels the apply under way, if any. */
void           enr_page_runner_cancel          (EnrPageRunner *self);

G_END_DECLS
