/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "smartca-enroll"

#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "enr-application.h"
#include "enr-language.h"
#include "enr-paths.h"
#include "enr-renderer.h"
#include "enr-stall-watch.h"
#include "enr-startup-marks.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(EnrApplication) app = NULL;
  g_autofree char *locale_dir = NULL;

  enr_startup_mark ("main");
  locale_dir = enr_paths_get_locale_dir ();
  setlocale (LC_ALL, "");
  /* The catalogues built or installed with this program (enr-paths.h). */
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  enr_language_init ();
  enr_renderer_init ();

  enr_stall_watch_start ();
  app = enr_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
