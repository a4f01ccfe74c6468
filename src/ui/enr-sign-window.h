/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-account.h"
#include "enr-document-signing.h"

G_BEGIN_DECLS

/*
 * "Sign Documents…" (issue 14, "Sign"): the citizen chooses PDFs (the file
 * chooser portal, or files from the command line), places the visible
 * signature on each, may type a reason and a place, checks every document
 * by name and fingerprint, and only then signs them all with one PIN. A
 * time-stamp service that cannot be reached is said plainly, with a way on
 * that asks for no new PIN; at the end each signed file can be opened or
 * shown in its folder, and a notice says where each was saved.
 *
 * Views, in order: "choose", "confirm", "timestamp" (only when the time
 * stamp failed), "done". Every wait shows a spinner and one sentence under
 * the view and marks the window busy; nothing waits on the main loop.
 */
#define ENR_TYPE_SIGN_WINDOW (enr_sign_window_get_type ())
G_DECLARE_FINAL_TYPE (EnrSignWindow, enr_sign_window, ENR, SIGN_WINDOW, GtkWindow)

GtkWidget  *enr_sign_window_new       (GtkApplication *application,
                                       EnrAccount     *account);
/* Adds @files (a PDF already in the list is not added twice) and shows the
 * first of them. Only on the "choose" view. */
void        enr_sign_window_add_files (EnrSignWindow  *self,
                                       GFile         **files,
                                       guint           n_files);
/* The documents chosen: a GListModel of EnrSignItem (enr-sign-item.h). */
GListModel *enr_sign_window_get_items (EnrSignWindow  *self);
/* The signing handed to the enroll layer, from Continue on (NULL while
 * the citizen chooses). */
EnrDocumentSigning *enr_sign_window_get_signing (EnrSignWindow *self);
const char *enr_sign_window_get_view  (EnrSignWindow  *self);
/* What the status line says while the window waits, else NULL. */
const char *enr_sign_window_get_status (EnrSignWindow *self);
/* The notice of where the files went, NULL when none is shown. */
const char *enr_sign_window_get_notice (EnrSignWindow *self);

G_END_DECLS
