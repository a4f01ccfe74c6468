/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The language the program speaks, changed while it runs. Templates are
 * translated when they are built, so a change takes effect in what is
 * built afterwards: the application rebuilds its window.
 */

/* Call once, after textdomain() and before anything is translated. GLib
 * decides at its first lookup, for good, whether g_dgettext() translates
 * at all, and in a locale such as C.UTF-8 with no English catalogue it
 * decides not to: the program would then stay in English after a switch.
 * This makes that first lookup in a language that has a catalogue. */
void     enr_language_init          (void);
/* TRUE when @language is "vi", "en" or "" (the desktop's). */
gboolean enr_language_is_valid      (const char *language);
/* Speaks @language from now on: "vi", "en", or "" for the desktop's. */
void     enr_language_apply         (const char *language);
/* Whether messages come out in Vietnamese now. */
gboolean enr_language_is_vietnamese (void);

G_END_DECLS
