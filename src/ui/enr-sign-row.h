/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-document-signing.h"
#include "enr-sign-item.h"

G_BEGIN_DECLS

/*
 * The rows of "Sign Documents…".
 *
 * A chosen document: its name, under it what stands in its way (still
 * opening, or why it cannot be signed, in plain words), and a Remove
 * button ("chooser.remove" with the file's URI). A screen reader reads the
 * row as one sentence.
 */
#define ENR_TYPE_SIGN_ROW (enr_sign_row_get_type ())
G_DECLARE_FINAL_TYPE (EnrSignRow, enr_sign_row, ENR, SIGN_ROW, GtkListBoxRow)

GtkWidget *enr_sign_row_new          (EnrSignItem        *item);

/*
 * A document on the confirmation screen: its name and the hash SmartCA
 * will sign, as the enroll layer gives it, selectable to compare.
 */
GtkWidget *enr_sign_row_new_prepared (EnrSigningDocument *document);

/*
 * A signed document: its new name, the folder it is in, whether it
 * carries a trusted time, and "Open" / "Show in Folder" ("sign.open" and
 * "sign.show", with the output's URI).
 */
GtkWidget *enr_sign_row_new_signed (EnrSigningDocument *document);

/* "“x-signed.pdf” in Documents": where @file is, in the citizen's words. */
char      *enr_sign_row_describe_saved (GFile *file);

G_END_DECLS
