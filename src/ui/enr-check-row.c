/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-check-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-check-row.h"

const char *
enr_check_verdict_words (const EnrCheckVerdict *verdict)
{
  g_return_val_if_fail (verdict != NULL, NULL);

  switch (verdict->level)
    {
    case ENR_CHECK_GOOD:
      return _("Good");
    case ENR_CHECK_WARNING:
      return _("Take note");
    case ENR_CHECK_BAD:
    default:
      return _("Problem");
    }
}

GtkWidget *
enr_check_verdict_image_new (const EnrCheckVerdict *verdict,
                             int                    pixel_size)
{
  static const char *const classes[] = { "success", "warning", "error" };
  GtkWidget *image;

  g_return_val_if_fail (verdict != NULL, NULL);

  image = gtk_image_new_from_icon_name (verdict->icon_name);
  gtk_image_set_pixel_size (GTK_IMAGE (image), pixel_size);
  gtk_widget_set_valign (image, GTK_ALIGN_START);
  if (verdict->level <= ENR_CHECK_BAD)
    gtk_widget_add_css_class (image, classes[verdict->level]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  enr_check_verdict_words (verdict), -1);
  return image;
}

static GtkWidget *
sentence_label_new (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  return label;
}

/* An icon and its sentence, read as one: "Problem: The document has been
 * changed since this signature." A grid, not a horizontal box: the
 * sentence wraps (enr-ui.h). */
static GtkWidget *
verdict_line_new (const EnrCheckVerdict *verdict,
                  int                    pixel_size)
{
  GtkWidget *box = gtk_grid_new ();
  GtkWidget *label = sentence_label_new (verdict->sentence);
  g_autofree char *name = g_strdup_printf ("%s: %s", enr_check_verdict_words (verdict),
                                           verdict->sentence);

  gtk_grid_set_column_spacing (GTK_GRID (box), 12);
  gtk_grid_attach (GTK_GRID (box), enr_check_verdict_image_new (verdict, pixel_size), 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (box), label, 1, 0, 1, 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  return box;
}

/* The details are selectable, to copy for the person who looks after the
 * computer, only while they are shown: in GTK 4.8 a collapsed expander
 * whose child is a selectable label keeps Tab on itself. */
static void
expanded_cb (GtkExpander *expander,
             GParamSpec  *pspec,
             gpointer     user_data)
{
  gtk_label_set_selectable (GTK_LABEL (gtk_expander_get_child (expander)),
                            gtk_expander_get_expanded (expander));
}

GtkWidget *
enr_check_row_new (const EnrCheckedSignature *signature,
                   guint                      number,
                   guint                      count)
{
  g_autofree char *heading_text = NULL;
  g_autofree char *row_name = NULL;
  GtkWidget *row, *box, *heading, *summary, *verdicts, *expander, *details;

  g_return_val_if_fail (signature != NULL, NULL);

  /* Translators: "Signature 1 of 2", oldest first. */
  heading_text = g_strdup_printf (_("Signature %u of %u"), number, count);
  heading = g_object_new (GTK_TYPE_LABEL, "label", heading_text, "xalign", 0.0f,
                          "accessible-role", GTK_ACCESSIBLE_ROLE_HEADING, NULL);
  gtk_widget_add_css_class (heading, "heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (heading), GTK_ACCESSIBLE_PROPERTY_LEVEL, 3, -1);

  summary = verdict_line_new (&signature->summary, 24);
  gtk_widget_add_css_class (gtk_widget_get_last_child (summary), "heading");

  verdicts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_start (verdicts, 12);
  for (guint i = 0; i < signature->verdicts->len; i++)
    gtk_box_append (GTK_BOX (verdicts),
                    verdict_line_new (g_ptr_array_index (signature->verdicts, i), 16));

  details = gtk_label_new (signature->details);
  gtk_label_set_xalign (GTK_LABEL (details), 0);
  gtk_label_set_wrap (GTK_LABEL (details), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (details), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (details, "caption");
  gtk_widget_set_margin_top (details, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (details), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Technical details"), -1);
  expander = gtk_expander_new_with_mnemonic (_("_Details"));
  gtk_expander_set_child (GTK_EXPANDER (expander), details);
  g_signal_connect (expander, "notify::expanded", G_CALLBACK (expanded_cb), NULL);
  /* Translators: the "Details" expander of "Signature 1 of 2". */
  row_name = g_strdup_printf (_("Details of signature %u"), number);
  gtk_accessible_update_property (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  row_name, -1);
  g_clear_pointer (&row_name, g_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_box_append (GTK_BOX (box), summary);
  gtk_box_append (GTK_BOX (box), verdicts);
  gtk_box_append (GTK_BOX (box), expander);

  /* Vertical: a horizontal box would lay its text out by trial (enr-ui.h). */
  row = g_object_new (GTK_TYPE_BOX, "orientation", GTK_ORIENTATION_VERTICAL,
                      "accessible-role", GTK_ACCESSIBLE_ROLE_LIST_ITEM, NULL);
  gtk_box_append (GTK_BOX (row), box);
  gtk_widget_add_css_class (row, "signature");
  /* A screen reader names each signature by its heading and summary. */
  row_name = g_strdup_printf ("%s: %s", heading_text, signature->summary.sentence);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, row_name,
                                  -1);
  return row;
}
