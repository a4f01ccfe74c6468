/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-ui"

#include "config.h"

#include "enr-columns.h"
#include "enr-digit-entry.h"
#include "enr-error-area.h"
#include "enr-pdf-view.h"
#include "enr-qr-code.h"
#include "enr-ui.h"
#include "enr-ui-resources.h"

void
enr_ui_init (GdkDisplay *display)
{
  static gsize initialized = 0;
  static GtkCssProvider *provider;

  if (g_once_init_enter (&initialized))
    {
      enr_ui_register_resource ();

      g_type_ensure (ENR_TYPE_COLUMNS);
      g_type_ensure (ENR_TYPE_DIGIT_ENTRY);
      g_type_ensure (ENR_TYPE_ERROR_AREA);
      g_type_ensure (ENR_TYPE_PDF_VIEW);
      g_type_ensure (ENR_TYPE_QR_CODE);

      provider = gtk_css_provider_new ();
      gtk_css_provider_load_from_resource (provider, "/vn/smartca/Enroll/style.css");
      g_once_init_leave (&initialized, 1);
    }

  if (display == NULL)
    display = gdk_display_get_default ();
  if (display != NULL)
    {
      gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      /* A label that gets the focus (a value to copy, a status a screen
       * reader must read) does not show its text selected: to a citizen
       * that looks like something went wrong. */
      g_object_set (gtk_settings_get_for_display (display),
                    "gtk-label-select-on-focus", FALSE, NULL);
    }
}
