/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-sign-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-sign-row.h"

struct _EnrSignRow
{
  GtkListBoxRow  parent_instance;

  EnrSignItem   *item;
  GtkLabel      *status_label;
};

G_DEFINE_FINAL_TYPE (EnrSignRow, enr_sign_row, GTK_TYPE_LIST_BOX_ROW)

static GtkWidget *
text_new (const char *text,
          const char *style_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (style_class != NULL)
    gtk_widget_add_css_class (label, style_class);
  return label;
}

static GtkWidget *
button_new (const char *mnemonic,
            const char *accessible_name,
            const char *action_name,
            const char *target)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (mnemonic);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", target);
  /* Several rows have the same button: its name says which document. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
  return button;
}

/* A grid, not a horizontal box: its text wraps (enr-ui.h). Children go
 * in with row_append(). */
static GtkWidget *
row_box_new (void)
{
  GtkWidget *box = gtk_grid_new ();

  gtk_grid_set_column_spacing (GTK_GRID (box), 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  return box;
}

static void
row_append (GtkWidget *row_box,
            GtkWidget *child)
{
  gtk_grid_attach_next_to (GTK_GRID (row_box), child, NULL, GTK_POS_RIGHT, 1, 1);
}

/* --- A chosen document ---------------------------------------------------------- */

static void
update (EnrSignRow *self)
{
  const char *name = enr_sign_item_get_name (self->item);
  const char *status = NULL;
  g_autofree char *sentence = NULL;

  switch (enr_sign_item_get_state (self->item))
    {
    case ENR_SIGN_ITEM_LOADING:
      status = _("Opening…");
      break;
    case ENR_SIGN_ITEM_REFUSED:
      status = enr_sign_item_get_problem (self->item);
      break;
    case ENR_SIGN_ITEM_READY:
    default:
      break;
    }
  gtk_label_set_text (self->status_label, status != NULL ? status : "");
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), status != NULL);
  sentence = status != NULL ? g_strdup_printf ("%s: %s", name, status) : g_strdup (name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, sentence,
                                  -1);
}

static void
enr_sign_row_dispose (GObject *object)
{
  EnrSignRow *self = ENR_SIGN_ROW (object);

  g_clear_object (&self->item);
  G_OBJECT_CLASS (enr_sign_row_parent_class)->dispose (object);
}

static void
enr_sign_row_class_init (EnrSignRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = enr_sign_row_dispose;
}

static void
enr_sign_row_init (EnrSignRow *self)
{
}

GtkWidget *
enr_sign_row_new (EnrSignItem *item)
{
  EnrSignRow *self;
  GtkWidget *box, *text, *remove;
  g_autofree char *uri = NULL;
  g_autofree char *remove_name = NULL;

  g_return_val_if_fail (ENR_IS_SIGN_ITEM (item), NULL);

  self = g_object_new (ENR_TYPE_SIGN_ROW, NULL);
  self->item = g_object_ref (item);

  text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), text_new (enr_sign_item_get_name (item), NULL));
  self->status_label = GTK_LABEL (text_new (NULL, NULL));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (self->status_label));

  uri = g_file_get_uri (enr_sign_item_get_file (item));
  /* Translators: the accessible name of a Remove button; %s is a file name. */
  remove_name = g_strdup_printf (_("Remove “%s”"), enr_sign_item_get_name (item));
  remove = button_new (_("_Remove"), remove_name, "chooser.remove", uri);

  box = row_box_new ();
  row_append (box, text);
  row_append (box, remove);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), box);

  g_signal_connect_object (item, "notify::state", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  return GTK_WIDGET (self);
}

/* --- On the confirmation screen -------------------------------------------------- */

GtkWidget *
enr_sign_row_new_prepared (EnrSigningDocument *document)
{
  const char *name = enr_signing_document_get_display_name (document);
  const char *hash = enr_signing_document_get_hash (document);
  g_autofree char *hash_line = NULL;
  g_autofree char *sentence = NULL;
  GtkWidget *row, *box, *hash_label;

  g_return_val_if_fail (ENR_IS_SIGNING_DOCUMENT (document), NULL);

  /* Translators: %s is the document's SHA-256, in groups of four. */
  hash_line = g_strdup_printf (_("Fingerprint (SHA-256): %s"), hash != NULL ? hash : "");
  hash_label = text_new (hash_line, "monospace");
  gtk_label_set_selectable (GTK_LABEL (hash_label), TRUE);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (box), text_new (name, "heading"));
  gtk_box_append (GTK_BOX (box), hash_label);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  sentence = g_strdup_printf ("%s. %s", name, hash_line);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, sentence,
                                  -1);
  return row;
}

/* --- Signed ------------------------------------------------------------------------ */

char *
enr_sign_row_describe_saved (GFile *file)
{
  g_autoptr(GFile) folder = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *name = NULL;
  g_autofree char *folder_base = NULL;
  g_autofree char *folder_name = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  basename = g_file_get_basename (file);
  name = g_filename_display_name (basename);
  folder = g_file_get_parent (file);
  folder_base = folder != NULL ? g_file_get_basename (folder) : g_strdup ("/");
  folder_name = g_filename_display_name (folder_base);
  /* Translators: “%s” is the new file's name, then the folder's name. */
  return g_strdup_printf (_("Saved as “%s” in %s"), name, folder_name);
}

GtkWidget *
enr_sign_row_new_signed (EnrSigningDocument *document)
{
  GFile *output;
  g_autofree char *where = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *name = NULL;
  g_autofree char *open_name = NULL;
  g_autofree char *show_name = NULL;
  g_autofree char *sentence = NULL;
  const char *time_note;
  GtkWidget *row, *box, *text;

  g_return_val_if_fail (ENR_IS_SIGNING_DOCUMENT (document), NULL);

  output = enr_signing_document_get_output (document);
  where = enr_sign_row_describe_saved (output);
  uri = g_file_get_uri (output);
  basename = g_file_get_basename (output);
  name = g_filename_display_name (basename);
  time_note = enr_signing_document_get_timestamped (document)
              ? _("Signed, with a trusted time.")
              : _("Signed, without a trusted time: the time in the signature is your "
                  "computer’s.");

  text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), text_new (where, "heading"));
  gtk_box_append (GTK_BOX (text), text_new (time_note, NULL));

  box = row_box_new ();
  row_append (box, text);
  /* Translators: accessible names of two buttons; %s is a file name. */
  open_name = g_strdup_printf (_("Open “%s”"), name);
  show_name = g_strdup_printf (_("Show “%s” in its folder"), name);
  row_append (box, button_new (_("_Open"), open_name, "sign.open", uri));
  row_append (box, button_new (_("Show in _Folder"), show_name, "sign.show", uri));

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  sentence = g_strdup_printf ("%s. %s", where, time_note);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, sentence,
                                  -1);
  return row;
}
