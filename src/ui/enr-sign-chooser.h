/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * The first view of "Sign Documents…": the documents the citizen chose
 * (the file chooser portal, "chooser.choose", Ctrl+O; or files given), each
 * with a Remove ("chooser.remove" with its URI); the selected one in the
 * signature placer, its box kept while another is looked at; and the
 * optional reason and place. A document that cannot be signed is said to
 * be one, in its row and in place of its page. ::changed follows every
 * change to the list or to a document's state.
 */
#define ENR_TYPE_SIGN_CHOOSER (enr_sign_chooser_get_type ())
G_DECLARE_FINAL_TYPE (EnrSignChooser, enr_sign_chooser, ENR, SIGN_CHOOSER, GtkWidget)

GtkWidget  *enr_sign_chooser_new          (void);
/* Adds @files (one already listed is not listed twice) and selects the
 * first new one. */
void        enr_sign_chooser_add_files    (EnrSignChooser  *self,
                                           GFile          **files,
                                           guint            n_files);
/* The documents: a GListModel of EnrSignItem, in the order added. */
GListModel *enr_sign_chooser_get_items    (EnrSignChooser  *self);
/* How many are ready, still opening, and refused. */
void        enr_sign_chooser_count        (EnrSignChooser  *self,
                                           guint           *ready,
                                           guint           *loading,
                                           guint           *refused);
/* What was typed, trimmed; NULL when nothing was. */
char       *enr_sign_chooser_dup_reason   (EnrSignChooser  *self);
char       *enr_sign_chooser_dup_place    (EnrSignChooser  *self);
/* Empties the list and the fields, to sign other documents. */
void        enr_sign_chooser_clear        (EnrSignChooser  *self);

G_END_DECLS
