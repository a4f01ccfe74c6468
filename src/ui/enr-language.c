/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-language"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>

#include "enr-language.h"

/*
 * How the language changes while the program runs, without touching the
 * environment once threads exist (GDBus, dconf and the GTask pool start
 * threads early, and setenv() under a thread that reads the environment is
 * undefined behaviour; GLib warns about it).
 *
 * gettext reads LANGUAGE, but glibc ignores it while the LC_MESSAGES
 * locale is "C". So enr_language_init(), before any thread, sets LANGUAGE
 * to "vi" (the one catalogue this program has) for good, and a switch
 * only changes the main thread's own LC_MESSAGES with uselocale(), which
 * is per thread and touches nothing shared: Vietnamese is a locale that is
 * not "C" (the desktop's, or C.UTF-8), English is "C". The desktop's own
 * choice, read before LANGUAGE was set, decides what "" means. Strings
 * other threads translate (none of the UI's) follow the language the
 * program started in, which the process-wide locale keeps.
 */

static char     *desktop_messages;    /* LC_MESSAGES as the program found it */
static gboolean  desktop_vietnamese;  /* what the desktop's LANGUAGE and locale ask for */
static locale_t  vietnamese_locale;
static locale_t  english_locale;

gboolean
enr_language_is_valid (const char *language)
{
  return language != NULL &&
         (*language == '\0' || g_str_equal (language, "vi") || g_str_equal (language, "en"));
}

static gboolean
is_c_locale (const char *name)
{
  return name == NULL || g_str_equal (name, "C") || g_str_equal (name, "POSIX");
}

/* What gettext would have picked on this desktop: in a "C" locale nothing;
 * else the first language of LANGUAGE with a catalogue here (Vietnamese;
 * English is the source), else the locale's own language. */
static gboolean
desktop_wants_vietnamese (const char *language,
                          const char *messages)
{
  g_auto(GStrv) languages = NULL;

  if (is_c_locale (messages))
    return FALSE;
  if (language != NULL && *language != '\0')
    {
      languages = g_strsplit (language, ":", -1);
      for (guint i = 0; languages[i] != NULL; i++)
        {
          if (g_str_has_prefix (languages[i], "vi"))
            return TRUE;
          if (g_str_has_prefix (languages[i], "en"))
            return FALSE;
        }
    }
  return g_str_has_prefix (messages, "vi");
}

static locale_t
messages_locale (const char *name)
{
  locale_t base = duplocale (LC_GLOBAL_LOCALE);
  locale_t result = base != (locale_t) 0 ? newlocale (LC_MESSAGES_MASK, name, base)
                                         : (locale_t) 0;

  if (result == (locale_t) 0 && base != (locale_t) 0)
    freelocale (base);
  return result;
}

void
enr_language_init (void)
{
  const char *messages = setlocale (LC_MESSAGES, NULL);

  g_return_if_fail (desktop_messages == NULL);

  desktop_messages = g_strdup (messages);
  desktop_vietnamese = desktop_wants_vietnamese (g_getenv ("LANGUAGE"), messages);

  /* Before any thread, as every write of the environment is. */
  g_setenv ("LANGUAGE", "vi", TRUE);

  /* GLib decides at its first lookup whether g_dgettext() translates at
   * all: make that lookup in Vietnamese, in a locale that is not "C". */
  if (is_c_locale (messages))
    setlocale (LC_MESSAGES, "C.UTF-8");
  (void) g_dgettext (GETTEXT_PACKAGE, "_Next");

  vietnamese_locale = messages_locale (is_c_locale (desktop_messages) ? "C.UTF-8"
                                                                      : desktop_messages);
  if (vietnamese_locale == (locale_t) 0)
    vietnamese_locale = messages_locale ("C.UTF-8");
  english_locale = messages_locale ("C");

  /* The process-wide locale, which every other thread uses, speaks the
   * desktop's language; the main thread follows enr_language_apply(). */
  if (!desktop_vietnamese)
    setlocale (LC_MESSAGES, "C");
  /* gtk_init() would set the locale from the environment again. */
  gtk_disable_setlocale ();
}

void
enr_language_apply (const char *language)
{
  gboolean vietnamese;
  locale_t locale;

  g_return_if_fail (enr_language_is_valid (language));

  if (*language == '\0')
    vietnamese = desktop_vietnamese;
  else
    vietnamese = g_str_equal (language, "vi");

  locale = vietnamese ? vietnamese_locale : english_locale;
  if (locale != (locale_t) 0)
    uselocale (locale);
  else
    g_warning ("No locale for %s messages", vietnamese ? "Vietnamese" : "English");
}

gboolean
enr_language_is_vietnamese (void)
{
  /* What gettext would pick: the first language with a catalogue, and
   * this program only has a Vietnamese one. */
  const char *probe = "_Next";

  return g_strcmp0 (g_dgettext (GETTEXT_PACKAGE, probe), probe) != 0;
}
