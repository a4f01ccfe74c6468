/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-connection-dialog"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-connection-dialog.h"

struct _EnrConnectionDialog
{
  GtkWindow            parent_instance;

  GtkLabel            *summary_label;
  GtkSpinner          *spinner;
  GtkListBox          *lines_box;
  GtkButton           *again_button;
  GtkButton           *copy_button;
  GtkLabel            *copied_label;

  EnrSession          *session;
  GCancellable        *cancellable;   /* the check that runs, if one does */
  EnrConnectionReport *report;
};

G_DEFINE_FINAL_TYPE (EnrConnectionDialog, enr_connection_dialog, GTK_TYPE_WINDOW)

/* An icon and its words for each outcome: the icon's colour is never the
 * only thing that tells a failed line from a good one. */
static void
outcome_icon (EnrConnectionLineOutcome   outcome,
              const char               **icon_name,
              const char               **style_class,
              const char               **words)
{
  switch (outcome)
    {
    case ENR_CONNECTION_LINE_OK:
      *icon_name = "emblem-ok-symbolic";
      *style_class = "success";
      *words = _("Passed");
      break;
    case ENR_CONNECTION_LINE_FAILED:
      *icon_name = "dialog-error-symbolic";
      *style_class = "error";
      *words = _("Failed");
      break;
    case ENR_CONNECTION_LINE_NOT_RUN:
    default:
      *icon_name = "action-unavailable-symbolic";
      *style_class = "dim-label";
      *words = _("Not checked");
      break;
    }
}

static GtkWidget *
line_row_new (const EnrConnectionLine *line)
{
  const char *icon_name, *style_class, *words;
  g_autofree char *row_name = NULL;
  GtkWidget *row, *box, *text, *image, *title, *result;

  outcome_icon (line->outcome, &icon_name, &style_class, &words);

  image = gtk_image_new_from_icon_name (icon_name);
  gtk_image_set_pixel_size (GTK_IMAGE (image), 24);
  gtk_widget_set_valign (image, GTK_ALIGN_START);
  gtk_widget_add_css_class (image, style_class);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, words,
                                  -1);

  title = gtk_label_new (line->title);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_add_css_class (title, "heading");

  result = gtk_label_new (line->result);
  gtk_label_set_xalign (GTK_LABEL (result), 0);
  gtk_label_set_wrap (GTK_LABEL (result), TRUE);

  text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), result);
  /* What went wrong, technically: for the person who looks after the
   * computer, smaller and selectable, after the citizen's words. */
  if (line->detail != NULL)
    {
      GtkWidget *detail = gtk_label_new (line->detail);

      gtk_label_set_xalign (GTK_LABEL (detail), 0);
      gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (detail), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (detail), TRUE);
      gtk_widget_add_css_class (detail, "dim-label");
      gtk_widget_add_css_class (detail, "caption");
      gtk_box_append (GTK_BOX (text), detail);
    }

  /* A grid, not a horizontal box: its text wraps (enr-ui.h). */
  box = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (box), 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_grid_attach (GTK_GRID (box), image, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (box), text, 1, 0, 1, 1);

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  /* A screen reader reads the row as one sentence: what, how it went. */
  row_name = g_strdup_printf ("%s: %s. %s", line->title, words, line->result);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, row_name,
                                  -1);
  return row;
}

static void
clear_lines (EnrConnectionDialog *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->lines_box))) != NULL)
    gtk_list_box_remove (self->lines_box, child);
}

static void
show_report (EnrConnectionDialog *self)
{
  clear_lines (self);
  for (guint i = 0; i < self->report->lines->len; i++)
    gtk_list_box_append (self->lines_box, line_row_new (g_ptr_array_index (self->report->lines,
                                                                            i)));
  gtk_label_set_text (self->summary_label, self->report->summary);
  gtk_widget_set_visible (GTK_WIDGET (self->lines_box), TRUE);
}

static void
set_checking (EnrConnectionDialog *self,
              gboolean             checking)
{
  gtk_spinner_set_spinning (self->spinner, checking);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), checking);
  gtk_widget_set_sensitive (GTK_WIDGET (self->again_button), !checking);
  gtk_widget_set_sensitive (GTK_WIDGET (self->copy_button), !checking && self->report != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->copied_label), FALSE);
  if (checking)
    {
      gtk_label_set_text (self->summary_label,
                          _("Checking the connection to VNeID and VNPT SmartCA…"));
      gtk_widget_set_visible (GTK_WIDGET (self->lines_box), FALSE);
    }
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->summary_label), GTK_ACCESSIBLE_STATE_BUSY,
                               checking, -1);
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnrConnectionDialog) self = user_data;
  g_autoptr(EnrConnectionReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = enr_session_check_connection_finish (ENR_SESSION (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  /* The check reports what it found; it fails only when cancelled. */
  g_return_if_fail (report != NULL);

  g_clear_pointer (&self->report, enr_connection_report_free);
  self->report = g_steal_pointer (&report);
  set_checking (self, FALSE);
  show_report (self);
  /* Focus on "Check Again", which the summary describes: a screen reader
   * reads out how it went at once. */
  gtk_widget_grab_focus (GTK_WIDGET (self->again_button));
}

static void
check (EnrConnectionDialog *self)
{
  if (self->cancellable != NULL)
    return;
  g_clear_pointer (&self->report, enr_connection_report_free);
  self->cancellable = g_cancellable_new ();
  set_checking (self, TRUE);
  enr_session_check_connection_async (self->session, self->cancellable, checked_cb,
                                      g_object_ref (self));
}

char *
enr_connection_dialog_get_details (EnrConnectionDialog *self)
{
  g_autofree char *report = NULL;

  g_return_val_if_fail (ENR_IS_CONNECTION_DIALOG (self), NULL);
  g_return_val_if_fail (self->report != NULL, NULL);

  /* The toolkit's version, which the layers below cannot know. */
  report = enr_connection_report_to_text (self->report);
  return g_strdup_printf ("%sGTK %u.%u.%u\n", report, gtk_get_major_version (),
                          gtk_get_minor_version (), gtk_get_micro_version ());
}

const EnrConnectionReport *
enr_connection_dialog_get_report (EnrConnectionDialog *self)
{
  g_return_val_if_fail (ENR_IS_CONNECTION_DIALOG (self), NULL);
  return self->report;
}

static void
again_clicked_cb (EnrConnectionDialog *self)
{
  check (self);
}

static void
copy_clicked_cb (EnrConnectionDialog *self)
{
  g_autofree char *details = NULL;

  if (self->report == NULL)
    return;
  details = enr_connection_dialog_get_details (self);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), details);
  gtk_widget_set_visible (GTK_WIDGET (self->copied_label), TRUE);
}

static void
close_clicked_cb (EnrConnectionDialog *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
enr_connection_dialog_dispose (GObject *object)
{
  EnrConnectionDialog *self = ENR_CONNECTION_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_pointer (&self->report, enr_connection_report_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_CONNECTION_DIALOG);
  G_OBJECT_CLASS (enr_connection_dialog_parent_class)->dispose (object);
}

static void
enr_connection_dialog_class_init (EnrConnectionDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_connection_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-connection-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrConnectionDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, EnrConnectionDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, EnrConnectionDialog, lines_box);
  gtk_widget_class_bind_template_child (widget_class, EnrConnectionDialog, again_button);
  gtk_widget_class_bind_template_child (widget_class, EnrConnectionDialog, copy_button);
  gtk_widget_class_bind_template_child (widget_class, EnrConnectionDialog, copied_label);
  gtk_widget_class_bind_template_callback (widget_class, again_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
enr_connection_dialog_init (EnrConnectionDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
enr_connection_dialog_new (GtkWindow  *parent,
                           EnrSession *session)
{
  EnrConnectionDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (ENR_IS_SESSION (session), NULL);

  self = g_object_new (ENR_TYPE_CONNECTION_DIALOG, "transient-for", parent, NULL);
  if (parent != NULL && gtk_window_get_application (parent) != NULL)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
  self->session = g_object_ref (session);
  check (self);
  return GTK_WIDGET (self);
}
