/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-document-check.h"

G_BEGIN_DECLS

/*
 * What "Check a Signed Document…" shows of one verdict and one signature.
 * An icon is never alone: its accessible label says the level in words
 * ("Good", "Take note", "Problem"), and the sentence beside it says why.
 */

/* The icon of @verdict at @pixel_size, with its level as its label. */
GtkWidget  *enr_check_verdict_image_new (const EnrCheckVerdict     *verdict,
                                         int                        pixel_size);
/* The level of @verdict in words, for an accessible label. */
const char *enr_check_verdict_words     (const EnrCheckVerdict     *verdict);
/* Signature @number of @count: its summary, each verdict, and a "Details"
 * expander with its technical details. */
GtkWidget  *enr_check_row_new           (const EnrCheckedSignature *signature,
                                         guint                      number,
                                         guint                      count);

G_END_DECLS
