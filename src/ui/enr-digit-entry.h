/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * An entry for a PIN or a one-time code: digits only (anything else typed
 * or pasted is dropped), at most #EnrDigitEntry:length of them, kept in
 * GTK's secure buffer, no undo history. A masked one is a PIN
 * (GTK_INPUT_PURPOSE_PIN, dots); an unmasked one a code read from an SMS
 * (GTK_INPUT_PURPOSE_DIGITS). Enter activates the window's default button.
 */
#define ENR_TYPE_DIGIT_ENTRY (enr_digit_entry_get_type ())
G_DECLARE_FINAL_TYPE (EnrDigitEntry, enr_digit_entry, ENR, DIGIT_ENTRY, GtkEntry)

GtkWidget  *enr_digit_entry_new          (gboolean       masked);
gboolean    enr_digit_entry_get_masked   (EnrDigitEntry *self);
void        enr_digit_entry_set_masked   (EnrDigitEntry *self,
                                          gboolean       masked);
guint       enr_digit_entry_get_length   (EnrDigitEntry *self);
void        enr_digit_entry_set_length   (EnrDigitEntry *self,
                                          guint          length);
/* TRUE when the entry holds exactly #EnrDigitEntry:length digits. */
gboolean    enr_digit_entry_get_complete (EnrDigitEntry *self);
/* The digits; valid until the text changes. Copy it with
 * enr_secure_strdup(), never g_strdup(). */
const char *enr_digit_entry_get_digits   (EnrDigitEntry *self);
/* Empties the entry; the secure buffer wipes what it held. */
void        enr_digit_entry_clear        (EnrDigitEntry *self);

G_END_DECLS
