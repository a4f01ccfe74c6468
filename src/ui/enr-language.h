/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * The language the program speaks, changed while it runs. Templates are
 * translated when they are built, so a change takes effect in what is
 * built afterwards: the application rebuilds its window.
 */

/* Call once, after textdomain(), before anything is translated and before
 * any thread starts: it reads the desktop's language and sets LANGUAGE,
 * before any thread could read the environment (enr-language.c says how
 * the language changes later, without touching it). GLib decides at its
 * first lookup, for good, whether g_dgettext() translates at all: this
 * makes that first lookup in a language that has a catalogue. The main
 * thread speaks the desktop's language until enr_language_apply(). */
void     enr_language_init          (void);
/* TRUE when @language is "vi", "en" or "" (the desktop's). */
gboolean enr_language_is_valid      (const char *language);
/* The main thread speaks @language from now on: "vi", "en", or "" for the
 * desktop's. The environment is not touched. */
void     enr_language_apply         (const char *language);
/* Whether messages come out in Vietnamese now. */
gboolean enr_language_is_vietnamese (void);

G_END_DECLS
