/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "smartca-enroll"

#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "enr-application.h"
#include "enr-language.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(EnrApplication) app = NULL;
  g_autofree char *build_locale = NULL;
  const char *root;

  setlocale (LC_ALL, "");
  /* Run from its build tree, the program reads the catalogues built there. */
  root = enr_application_get_build_root ();
  if (root != NULL)
    build_locale = g_build_filename (root, "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, build_locale != NULL ? build_locale : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  enr_language_init ();

  app = enr_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
