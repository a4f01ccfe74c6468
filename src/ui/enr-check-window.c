/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-check-window"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-check-row.h"
#include "enr-check-window.h"
#include "enr-file-save.h"

struct _EnrCheckWindow
{
  GtkWindow         parent_instance;

  GtkSpinner       *spinner;
  GtkImage         *status_image;
  GtkLabel         *status_label;
  GtkBox           *signatures_box;
  GtkButton        *another_button;

  EnrSession       *session;
  GCancellable     *cancellable;   /* the check or the chooser that runs, if one does */
  EnrDocumentCheck *result;
};

G_DEFINE_FINAL_TYPE (EnrCheckWindow, enr_check_window, GTK_TYPE_WINDOW)

static void
clear_signatures (EnrCheckWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->signatures_box))) != NULL)
    gtk_box_remove (self->signatures_box, child);
  gtk_widget_set_visible (GTK_WIDGET (self->signatures_box), FALSE);
}

/* Busy for assistive technologies and the pointer alike, while the file
 * is hashed. */
static void
set_busy (EnrCheckWindow *self,
          gboolean        busy)
{
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->another_button), !busy);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), busy ? "wait" : NULL);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_BUSY, busy, -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->status_label), GTK_ACCESSIBLE_STATE_BUSY,
                               busy, -1);
}

/* The status line with the icon of @verdict; the icon's label and the
 * sentence are one thing for a screen reader. */
static void
show_status (EnrCheckWindow        *self,
             const EnrCheckVerdict *verdict)
{
  gtk_image_set_from_icon_name (self->status_image, verdict->icon_name);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_image), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_image), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_image), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_image),
                            verdict->level == ENR_CHECK_GOOD ? "success"
                            : verdict->level == ENR_CHECK_WARNING ? "warning" : "error");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  enr_check_verdict_words (verdict), -1);
  gtk_widget_set_visible (GTK_WIDGET (self->status_image), TRUE);
  gtk_label_set_text (self->status_label, verdict->sentence);
}

static void
show_result (EnrCheckWindow *self)
{
  GPtrArray *signatures = enr_document_check_get_signatures (self->result);

  show_status (self, enr_document_check_get_summary (self->result));
  for (guint i = 0; i < signatures->len; i++)
    gtk_box_append (self->signatures_box,
                         enr_check_row_new (g_ptr_array_index (signatures, i), i + 1,
                                            signatures->len));
  gtk_widget_set_visible (GTK_WIDGET (self->signatures_box), signatures->len > 0);
}

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnrCheckWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrDocumentCheck) check = NULL;

  check = enr_document_check_file_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  if (check == NULL)
    {
      /* The message names the file and says what is wrong with it. */
      const EnrCheckVerdict refusal = { ENR_CHECK_BAD, error->message, "dialog-error-symbolic" };

      show_status (self, &refusal);
    }
  else
    {
      self->result = g_steal_pointer (&check);
      show_result (self);
    }
  /* On the button the status describes: a screen reader reads the verdict
   * at once, and Enter checks another document. */
  gtk_widget_grab_focus (GTK_WIDGET (self->another_button));
}

void
enr_check_window_check_file (EnrCheckWindow *self,
                             GFile          *file)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (ENR_IS_CHECK_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->result);
  clear_signatures (self);

  path = g_file_get_path (file);
  name = path != NULL ? g_filename_display_basename (path) : g_file_get_uri (file);
  /* Translators: %s is the file's name. */
  text = g_strdup_printf (_("Checking the signatures of “%s”…"), name);
  gtk_widget_set_visible (GTK_WIDGET (self->status_image), FALSE);
  gtk_label_set_text (self->status_label, text);
  set_busy (self, TRUE);

  self->cancellable = g_cancellable_new ();
  enr_document_check_file_async (self->session, file, self->cancellable, checked_cb,
                                 g_object_ref (self));
}

static void
chosen_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnrCheckWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GFile) file = NULL;

  files = enr_file_open_pdfs_finish (result, &error);
  if (files != NULL)
    file = g_list_model_get_item (files, 0);
  if (file == NULL)
    {
      /* Closed without a choice: what was shown stays. */
      if (!g_cancellable_is_cancelled (self->cancellable))
        {
          g_clear_object (&self->cancellable);
          gtk_widget_set_sensitive (GTK_WIDGET (self->another_button), TRUE);
          gtk_widget_grab_focus (GTK_WIDGET (self->another_button));
        }
      return;
    }
  enr_check_window_check_file (self, file);
}

void
enr_check_window_choose (EnrCheckWindow *self)
{
  g_return_if_fail (ENR_IS_CHECK_WINDOW (self));

  if (self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (GTK_WIDGET (self->another_button), FALSE);
  enr_file_open_pdfs_async (GTK_WINDOW (self), _("Choose a Signed Document"), FALSE,
                            self->cancellable, chosen_cb, g_object_ref (self));
}

EnrDocumentCheck *
enr_check_window_get_result (EnrCheckWindow *self)
{
  g_return_val_if_fail (ENR_IS_CHECK_WINDOW (self), NULL);
  return self->result;
}

static void
another_clicked_cb (EnrCheckWindow *self)
{
  enr_check_window_choose (self);
}

static void
close_clicked_cb (EnrCheckWindow *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
enr_check_window_dispose (GObject *object)
{
  EnrCheckWindow *self = ENR_CHECK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->result);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_CHECK_WINDOW);
  G_OBJECT_CLASS (enr_check_window_parent_class)->dispose (object);
}

static void
enr_check_window_class_init (EnrCheckWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_check_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-check-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrCheckWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, EnrCheckWindow, status_image);
  gtk_widget_class_bind_template_child (widget_class, EnrCheckWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, EnrCheckWindow, signatures_box);
  gtk_widget_class_bind_template_child (widget_class, EnrCheckWindow, another_button);
  gtk_widget_class_bind_template_callback (widget_class, another_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
enr_check_window_init (EnrCheckWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
enr_check_window_new (GtkApplication *application,
                      EnrSession     *session)
{
  EnrCheckWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (ENR_IS_SESSION (session), NULL);

  self = g_object_new (ENR_TYPE_CHECK_WINDOW, "application", application, NULL);
  self->session = g_object_ref (session);
  return GTK_WIDGET (self);
}
