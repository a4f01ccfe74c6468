/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-language"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "enr-language.h"

gboolean
enr_language_is_valid (const char *language)
{
  return language != NULL &&
         (*language == '\0' || g_str_equal (language, "vi") || g_str_equal (language, "en"));
}

void
enr_language_init (void)
{
  g_autofree char *language = g_strdup (g_getenv ("LANGUAGE"));
  g_autofree char *messages = g_strdup (setlocale (LC_MESSAGES, NULL));

  g_setenv ("LANGUAGE", "vi", TRUE);
  if (messages == NULL || g_str_equal (messages, "C") || g_str_equal (messages, "POSIX"))
    setlocale (LC_MESSAGES, "C.UTF-8");
  else
    setlocale (LC_MESSAGES, messages);
  (void) g_dgettext (GETTEXT_PACKAGE, "_Next");

  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  setlocale (LC_MESSAGES, messages != NULL ? messages : "");
}

void
enr_language_apply (const char *language)
{
  static gsize saved = 0;
  static char *desktop_language;   /* LANGUAGE as the program found it */
  const char *messages;

  g_return_if_fail (enr_language_is_valid (language));

  if (g_once_init_enter (&saved))
    {
      desktop_language = g_strdup (g_getenv ("LANGUAGE"));
      g_once_init_leave (&saved, 1);
    }

  if (*language != '\0')
    g_setenv ("LANGUAGE", language, TRUE);
  else if (desktop_language != NULL)
    g_setenv ("LANGUAGE", desktop_language, TRUE);
  else
    g_unsetenv ("LANGUAGE");

  /* setlocale() also makes glibc forget the messages it has looked up.
   * glibc ignores LANGUAGE in the "C" locale: a chosen language then
   * needs a locale that is not "C". */
  messages = setlocale (LC_MESSAGES, "");
  if (*language != '\0' && (messages == NULL || g_str_equal (messages, "C") ||
                            g_str_equal (messages, "POSIX")))
    setlocale (LC_MESSAGES, "C.UTF-8");
}

gboolean
enr_language_is_vietnamese (void)
{
  /* What gettext would pick: the first language with a catalogue, and
   * this program only has a Vietnamese one. */
  const char *probe = "_Next";

  return g_strcmp0 (g_dgettext (GETTEXT_PACKAGE, probe), probe) != 0;
}
