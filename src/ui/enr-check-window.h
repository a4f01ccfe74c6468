/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-document-check.h"
#include "enr-session.h"

G_BEGIN_DECLS

/*
 * "Check a Signed Document…" (issue 14): a PDF chosen through the file
 * chooser (or given, from the command line or a file manager's "Open
 * With"), checked against the session's signing trust anchor; then the
 * document in one sentence and each signature, oldest first, with who
 * signed and one sentence per verdict, each with an icon whose shape and
 * accessible label, not only its colour, tell good from bad, and its
 * technical details behind "Details". Needs only the session's
 * configuration: it works before enrollment.
 */
#define ENR_TYPE_CHECK_WINDOW (enr_check_window_get_type ())
G_DECLARE_FINAL_TYPE (EnrCheckWindow, enr_check_window, ENR, CHECK_WINDOW, GtkWindow)

/* @application: (nullable). */
GtkWidget        *enr_check_window_new        (GtkApplication *application,
                                               EnrSession     *session);
/* Checks @file, replacing what the window showed. */
void              enr_check_window_check_file (EnrCheckWindow *self,
                                               GFile          *file);
/* Asks for a document through the file chooser, then checks it. */
void              enr_check_window_choose     (EnrCheckWindow *self);
/* The last check's result (NULL while one runs, after an error, or before
 * the first); for the tests. */
EnrDocumentCheck *enr_check_window_get_result (EnrCheckWindow *self);

G_END_DECLS
