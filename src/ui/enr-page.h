/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-session.h"

G_BEGIN_DECLS

/*
 * One page of the wizard, and the wizard's whole contract with it. The
 * window shows :title, enables its Next button (labelled :next-label)
 * while the page is :complete and not :busy, and on Next runs the page's
 * apply_async. Once apply succeeds, the window goes to the page of the
 * session's step: the next page when the step moved on, the same one when
 * the page has another phase (a PIN set, then the record to sign). The
 * page talks to the session only, never to the window, but through the
 * window's "wizard." actions (next, back, cancel, start-over, log-in).
 */
#define ENR_TYPE_PAGE (enr_page_get_type ())
G_DECLARE_DERIVABLE_TYPE (EnrPage, enr_page, ENR, PAGE, GtkWidget)

struct _EnrPageClass
{
  GtkWidgetClass parent_class;

  /* The page became the current one: start what it shows (a QR login, a
   * contract to fetch), and put the focus on its first field. */
  void     (*shown)        (EnrPage             *self);
  /* The page is no longer the current one: stop what shown() started. */
  void     (*hidden)       (EnrPage             *self);
  /* What Next does. NULL: nothing to do, the page is done. */
  void     (*apply_async)  (EnrPage             *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data);
  gboolean (*apply_finish) (EnrPage             *self,
                            GAsyncResult        *result,
                            GError             **error);
  /* The apply failed: show @error where it happened. The default shows
   * it in the page's error area, if it has one. */
  void     (*show_error)   (EnrPage             *self,
                            const GError        *error);

  gpointer padding[8];
};

EnrSession   *enr_page_get_session     (EnrPage             *self);
const char   *enr_page_get_title       (EnrPage             *self);
void          enr_page_set_title       (EnrPage             *self,
                                        const char          *title);
gboolean      enr_page_get_complete    (EnrPage             *self);
void          enr_page_set_complete    (EnrPage             *self,
                                        gboolean             complete);
gboolean      enr_page_get_busy        (EnrPage             *self);
void          enr_page_set_busy        (EnrPage             *self,
                                        gboolean             busy);
/* The Next button's label, with a mnemonic; NULL hides the button. */
const char   *enr_page_get_next_label  (EnrPage             *self);
void          enr_page_set_next_label  (EnrPage             *self,
                                        const char          *label);
/* The area errors are shown in (the default show_error uses it). */
void          enr_page_set_error_area  (EnrPage             *self,
                                        GtkWidget           *error_area);
GtkWidget    *enr_page_get_error_area  (EnrPage             *self);

void          enr_page_shown           (EnrPage             *self);
void          enr_page_hidden          (EnrPage             *self);
void          enr_page_apply_async     (EnrPage             *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean      enr_page_apply_finish    (EnrPage             *self,
                                        GAsyncResult        *result,
                                        GError             **error);
void          enr_page_show_error      (EnrPage             *self,
                                        const GError        *error);
void          enr_page_clear_error     (EnrPage             *self);

/* Helpers for subclasses. */

/* The _finish of a session action (enr_session_activate_finish, …). */
typedef gboolean (*EnrPageSessionFinish) (EnrSession    *session,
                                          GAsyncResult  *result,
                                          GError       **error);

/*
 * For an apply that is one session action: the task apply_async hands
 * back, to give the action as its user_data with enr_page_session_done_cb
 * as its callback; the action's @finish completes the apply:
 *
 *   enr_session_fetch_contract_async (session, cancellable, enr_page_session_done_cb,
 *                                     enr_page_session_apply_new (page, enr_session_…_finish,
 *                                                                 cancellable, callback,
 *                                                                 user_data));
 */
GTask        *enr_page_session_apply_new (EnrPage              *self,
                                          EnrPageSessionFinish  finish,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
void          enr_page_session_done_cb   (GObject              *source,
                                          GAsyncResult         *result,
                                          gpointer              user_data);
/* Grabs the focus for @widget once the page is mapped. */
void          enr_page_focus           (EnrPage             *self,
                                        GtkWidget           *widget);
/* The same for the window's default button (Next), for a page without a
 * control of its own to start on. */
void          enr_page_focus_default   (EnrPage             *self);

/*
 * The page's status line, under its content, beside the buttons: what the
 * page waits for (a spinner, @sentence, and a Cancel for @cancellable when
 * cancelling is safe), and what just happened (a file saved). While it
 * waits the page is :busy, marked busy for assistive technology, and the
 * focus is on the sentence (or its Cancel), so that a screen reader reads
 * it. The runner ends a wait begun in apply_async when the apply ends.
 */
void          enr_page_begin_wait      (EnrPage             *self,
                                        const char          *sentence,
                                        GCancellable        *cancellable);
void          enr_page_end_wait        (EnrPage             *self);
/* Shows @text (NULL: nothing) until the next wait or status. */
void          enr_page_show_status     (EnrPage             *self,
                                        const char          *text);
/* Says where @file was saved. */
void          enr_page_show_saved      (EnrPage             *self,
                                        GFile               *file);
/* What the status line says, NULL when hidden (for tests). */
const char   *enr_page_get_status      (EnrPage             *self);

G_END_DECLS
