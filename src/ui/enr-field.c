/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-field"

#include "config.h"

#include "enr-field.h"

static void
show_help (GtkLabel   *help,
           const char *text,
           gboolean    error)
{
  if (help == NULL)
    return;

  gtk_label_set_text (help, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (help), text != NULL && *text != '\0');
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (help), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (help), "error");
}

void
enr_field_set_error (GtkWidget  *field,
                     GtkLabel   *help,
                     const char *message)
{
  g_return_if_fail (GTK_IS_WIDGET (field));
  g_return_if_fail (help == NULL || GTK_IS_LABEL (help));
  g_return_if_fail (message != NULL);

  gtk_widget_add_css_class (field, "error");
  /* GTK 4.8 exposes the invalid state to AT-SPI as STATE_INVALID, which
   * screen readers do not speak, and the described-by relation without its
   * text: the message is also the field's description, which Orca reads
   * when the field gets the focus back (the pages give it back). */
  gtk_accessible_update_state (GTK_ACCESSIBLE (field),
                               GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                               -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (field),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                  -1);
  show_help (help, message, TRUE);
}

void
enr_field_clear_error (GtkWidget  *field,
                       GtkLabel   *help,
                       const char *hint)
{
  g_return_if_fail (GTK_IS_WIDGET (field));
  g_return_if_fail (help == NULL || GTK_IS_LABEL (help));

  gtk_widget_remove_css_class (field, "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (field),
                               GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (field),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, hint != NULL ? hint : "",
                                  -1);
  show_help (help, hint, FALSE);
}

gboolean
enr_field_has_error (GtkWidget *field)
{
  g_return_val_if_fail (GTK_IS_WIDGET (field), FALSE);
  return gtk_widget_has_css_class (field, "error");
}
