/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-digit-entry.h"

G_BEGIN_DECLS

/*
 * A kiosk's on-screen numeric keypad for PINs and SMS codes: large digit
 * keys, Delete and Clear, shown beside the digit entry that has the focus
 * and typing into it (through the entry's own filter). Its keys never take
 * the focus, so the entry keeps it. With :shuffle the digits change places
 * each time it is shown, against someone reading the PIN off the finger's
 * path (off by default: a shuffled pad is harder for everyone).
 */
#define ENR_TYPE_KEYPAD (enr_keypad_get_type ())
G_DECLARE_FINAL_TYPE (EnrKeypad, enr_keypad, ENR, KEYPAD, GtkPopover)

GtkWidget     *enr_keypad_new          (gboolean        shuffle);
/* Shows the keypad beside @entry (NULL: hides it). */
void           enr_keypad_set_target   (EnrKeypad      *self,
                                        EnrDigitEntry  *entry);
EnrDigitEntry *enr_keypad_get_target   (EnrKeypad      *self);
/* Keeps the target the digit entry that has @window's focus. */
void           enr_keypad_follow_focus (EnrKeypad      *self,
                                        GtkWindow      *window);
/* The key for @digit (0 to 9), for tests. */
GtkWidget     *enr_keypad_get_key      (EnrKeypad      *self,
                                        guint           digit);

G_END_DECLS
