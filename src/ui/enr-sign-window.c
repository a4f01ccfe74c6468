/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-sign-window"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-digit-entry.h"
#include "enr-document-signing.h"
#include "enr-error-area.h"
#include "enr-field.h"
#include "enr-launch.h"
#include "enr-pin-fields.h"
#include "enr-sign-chooser.h"
#include "enr-sign-item.h"
#include "enr-sign-row.h"
#include "enr-sign-window.h"

struct _EnrSignWindow
{
  GtkWindow           parent_instance;

  GtkWidget          *error_area;
  GtkStack           *views;
  EnrSignChooser     *chooser;
  GtkLabel           *continue_hint;
  GtkLabel           *confirm_intro;
  GtkListBox         *prepared_list;
  GtkLabel           *appearance_label;
  EnrDigitEntry      *pin_entry;
  GtkLabel           *pin_help;
  GtkWidget          *link_button;
  GtkWidget          *sign_button;
  GtkWidget          *try_again_button;
  GtkWidget          *without_time_button;
  GtkListBox         *signed_list;
  GtkRevealer        *notice_revealer;
  GtkLabel           *notice_label;
  GtkWidget          *status_box;
  GtkSpinner         *status_spinner;
  GtkLabel           *status_label;
  GtkWidget          *status_cancel;

  EnrAccount         *account;
  EnrDocumentSigning *signing;      /* from Continue on; NULL while choosing */
  GCancellable       *cancellable;  /* the operation that runs, if one does */
  GCancellable       *lifetime;     /* the launches: until dispose */
};

G_DEFINE_FINAL_TYPE (EnrSignWindow, enr_sign_window, GTK_TYPE_WINDOW)

/* --- Waiting ------------------------------------------------------------------------- */

static gboolean
is_busy (EnrSignWindow *self)
{
  return self->cancellable != NULL;
}

static void update_actions (EnrSignWindow *self);

/* A spinner and one sentence under the view; the focus goes to the
 * sentence (or its Cancel) so that a screen reader reads it out, and the
 * window is marked busy for assistive technology. */
static GCancellable *
begin_wait (EnrSignWindow *self,
            const char    *sentence,
            gboolean       can_cancel)
{
  g_assert (self->cancellable == NULL);

  self->cancellable = g_cancellable_new ();
  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  gtk_label_set_text (self->status_label, sentence);
  gtk_spinner_set_spinning (self->status_spinner, TRUE);
  gtk_widget_set_visible (self->status_cancel, can_cancel);
  gtk_widget_set_visible (self->status_box, TRUE);
  /* Cancel's action first, so that it can take the focus; the focus
   * leaves the view before the view turns insensitive: a field that loses
   * it that way is left thinking it still has it. */
  update_actions (self);
  gtk_widget_grab_focus (can_cancel ? self->status_cancel : GTK_WIDGET (self->status_label));
  gtk_label_select_region (self->status_label, 0, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->views), FALSE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_BUSY, TRUE, -1);
  return self->cancellable;
}

static void
end_wait (EnrSignWindow *self)
{
  g_clear_object (&self->cancellable);
  gtk_spinner_set_spinning (self->status_spinner, FALSE);
  gtk_widget_set_visible (self->status_box, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->views), TRUE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_BUSY, FALSE, -1);
  update_actions (self);
}

/* --- The views ---------------------------------------------------------------------- */

static void
show_view (EnrSignWindow *self,
           const char    *name,
           GtkWidget     *focus)
{
  gtk_stack_set_visible_child_name (self->views, name);
  /* Enter in the PIN field signs, as in the other PIN dialogs. */
  gtk_window_set_default_widget (GTK_WINDOW (self),
                                 g_str_equal (name, "confirm") ? self->sign_button : NULL);
  if (focus != NULL)
    gtk_widget_grab_focus (focus);
}

/* Continue goes on only with every document ready: a document that cannot
 * be signed is taken out by the citizen, not left behind unsaid. */
static void
update_actions (EnrSignWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  const char *view = gtk_stack_get_visible_child_name (self->views);
  gboolean busy = is_busy (self);
  guint ready, loading, refused;
  g_autofree char *many = NULL;
  gboolean too_many;
  const char *hint = "";

  enr_sign_chooser_count (self->chooser, &ready, &loading, &refused);
  too_many = ready + loading + refused > ENR_DOCUMENT_SIGNING_MAX;
  if (too_many)
    {
      /* Translators: %d is the most documents one PIN signs (50). */
      many = g_strdup_printf (_("One PIN signs at most %d documents. Remove some to go on, and "
                                "sign them next."), ENR_DOCUMENT_SIGNING_MAX);
      hint = many;
    }
  else if (refused > 0)
    hint = _("Remove the documents that cannot be signed to go on.");
  else if (loading > 0)
    hint = _("Opening your documents…");
  else if (ready == 0)
    hint = _("Choose at least one document to go on.");
  gtk_label_set_text (self->continue_hint, hint);

  gtk_widget_action_set_enabled (widget, "sign.continue",
                                 !busy && g_str_equal (view, "choose") && ready > 0 &&
                                 loading == 0 && refused == 0 && !too_many);
  gtk_widget_action_set_enabled (widget, "sign.back", !busy && g_str_equal (view, "confirm"));
  gtk_widget_action_set_enabled (widget, "sign.sign",
                                 !busy && g_str_equal (view, "confirm") &&
                                 enr_digit_entry_get_complete (self->pin_entry));
  gtk_widget_action_set_enabled (widget, "sign.try-again",
                                 !busy && g_str_equal (view, "timestamp"));
  gtk_widget_action_set_enabled (widget, "sign.without-time",
                                 !busy && g_str_equal (view, "timestamp"));
  gtk_widget_action_set_enabled (widget, "sign.cancel", busy);
}

/* --- Choosing ---------------------------------------------------------------------- */

static void
chooser_changed_cb (EnrSignWindow *self)
{
  update_actions (self);
}

void
enr_sign_window_add_files (EnrSignWindow  *self,
                           GFile         **files,
                           guint           n_files)
{
  g_return_if_fail (ENR_IS_SIGN_WINDOW (self));
  g_return_if_fail (g_str_equal (gtk_stack_get_visible_child_name (self->views), "choose"));

  enr_sign_chooser_add_files (self->chooser, files, n_files);
}

/* --- Preparing -------------------------------------------------------------------- */

static void
fill_confirmation (EnrSignWindow *self)
{
  GListModel *documents = enr_document_signing_get_documents (self->signing);
  guint n = g_list_model_get_n_items (documents);
  g_autofree char *reason = enr_sign_chooser_dup_reason (self->chooser);
  g_autofree char *place = enr_sign_chooser_dup_place (self->chooser);
  g_autofree char *intro = NULL;
  GString *appearance = g_string_new (NULL);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->prepared_list))) != NULL)
    gtk_list_box_remove (self->prepared_list, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EnrSigningDocument) document = g_list_model_get_item (documents, i);

      gtk_list_box_append (self->prepared_list, enr_sign_row_new_prepared (document));
    }

  intro = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Your PIN signs this document with your digital "
                                        "signature certificate, as your own signature on paper "
                                        "would. Check that it is the one you mean to sign.",
                                        "Your PIN signs these %u documents with your digital "
                                        "signature certificate, as your own signature on paper "
                                        "would. Check that they are the ones you mean to sign.",
                                        n),
                           n);
  gtk_label_set_text (self->confirm_intro, intro);

  g_string_append (appearance, _("Each signature shows your name as in your certificate and "
                                 "the date and time of signing."));
  if (reason != NULL)
    {
      g_string_append_c (appearance, ' ');
      /* Translators: %s is the reason the citizen typed. */
      g_string_append_printf (appearance, _("Reason: “%s”."), reason);
    }
  if (place != NULL)
    {
      g_string_append_c (appearance, ' ');
      /* Translators: %s is the place the citizen typed. */
      g_string_append_printf (appearance, _("Place: “%s”."), place);
    }
  gtk_label_set_text (self->appearance_label, appearance->str);
  g_string_free (appearance, TRUE);
}

static void
update_pin_hint (EnrSignWindow *self)
{
  enr_pin_fields_show_hint (enr_account_get_session (self->account), self->pin_entry,
                            self->pin_help);
}

/* A step of the signing has ended: FALSE when it was cancelled, and
 * nothing more is to be done (the window is going, or Cancel did it). */
static gboolean
step_ended (EnrSignWindow *self,
            gboolean       done,
            const GError  *error)
{
  if (!done && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  end_wait (self);
  return TRUE;
}

static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(EnrSignWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean done;

  done = enr_document_signing_prepare_finish (ENR_DOCUMENT_SIGNING (source), result, &error);
  if (!step_ended (self, done, error))
    return;
  if (!done)
    {
      /* Nothing was written: the citizen chooses again, or tries again. */
      g_clear_object (&self->signing);
      if (enr_session_error_get_reason (error) == ENR_SESSION_REASON_DOCUMENT)
        enr_error_area_show_message (ENR_ERROR_AREA (self->error_area), error->message,
                                     ENR_ERROR_ACTION_NONE);
      else
        enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error,
                                   ENR_ERROR_ACTION_NONE);
      gtk_widget_grab_focus (enr_error_area_get_focus_widget (ENR_ERROR_AREA (self->error_area)));
      return;
    }

  fill_confirmation (self);
  enr_digit_entry_clear (self->pin_entry);
  gtk_widget_set_visible (self->link_button, FALSE);
  update_pin_hint (self);
  show_view (self, "confirm", GTK_WIDGET (self->pin_entry));
  update_actions (self);
}

static void
continue_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EnrSignWindow *self = ENR_SIGN_WINDOW (widget);
  GListModel *items = enr_sign_chooser_get_items (self->chooser);
  guint n = g_list_model_get_n_items (items);
  g_autofree char *reason = enr_sign_chooser_dup_reason (self->chooser);
  g_autofree char *place = enr_sign_chooser_dup_place (self->chooser);
  GCancellable *cancellable;

  if (is_busy (self))
    return;

  /* A new signing each time: going back to change a box, a reason or the
   * documents starts from what the window shows. */
  g_clear_object (&self->signing);
  self->signing = enr_document_signing_new (self->account);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EnrSignItem) item = g_list_model_get_item (items, i);
      g_autoptr(GError) error = NULL;
      guint page;
      double rect[4];

      if (!enr_sign_item_get_placement (item, &page, rect))
        continue;
      /* The list holds each file once: the layer's refusal of a second
       * copy cannot happen here. */
      if (enr_document_signing_add (self->signing, enr_sign_item_get_file (item), page, rect,
                                    &error) == NULL)
        g_warning ("%s is not added: %s", enr_sign_item_get_name (item), error->message);
    }
  enr_document_signing_set_reason (self->signing, reason);
  enr_document_signing_set_place (self->signing, place);

  cancellable = begin_wait (self, _("Preparing your documents…"), TRUE);
  enr_document_signing_prepare_async (self->signing, cancellable, prepared_cb,
                                      g_object_ref (self));
}

/* --- Signing ------------------------------------------------------------------------ */

static GtkWidget *
first_button_in (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = first_button_in (child);

      if (button != NULL)
        return button;
    }
  return NULL;
}

static void
show_done (EnrSignWindow *self)
{
  GListModel *documents = enr_document_signing_get_documents (self->signing);
  guint n = g_list_model_get_n_items (documents);
  GString *notice = g_string_new (NULL);
  GtkWidget *child, *first_button;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->signed_list))) != NULL)
    gtk_list_box_remove (self->signed_list, child);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EnrSigningDocument) document = g_list_model_get_item (documents, i);
      g_autofree char *where = enr_sign_row_describe_saved (
                                 enr_signing_document_get_output (document));

      gtk_list_box_append (self->signed_list, enr_sign_row_new_signed (document));
      if (notice->len > 0)
        g_string_append_c (notice, '\n');
      g_string_append (notice, where);
    }

  gtk_label_set_text (self->notice_label, notice->str);
  g_string_free (notice, TRUE);
  gtk_revealer_set_reveal_child (self->notice_revealer, TRUE);
  show_view (self, "done", NULL);
  update_actions (self);

  /* GTK 4.8 cannot announce: the focus goes to the first "Open", which
   * the notice describes, so a screen reader reads where the files went. */
  first_button = first_button_in (GTK_WIDGET (self->signed_list));
  if (first_button != NULL)
    {
      gtk_accessible_update_relation (GTK_ACCESSIBLE (first_button),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->notice_label,
                                      NULL, -1);
      gtk_widget_grab_focus (first_button);
    }
}

static void
signing_failed (EnrSignWindow *self,
                GError        *error)
{
  enr_digit_entry_clear (self->pin_entry);

  if (enr_session_error_get_reason (error) == ENR_SESSION_REASON_TIMESTAMP)
    {
      /* With no time-stamp service set up, trying again cannot help. */
      gboolean can_retry = enr_session_get_tsa_url (enr_account_get_session (self->account))
                           != NULL;

      gtk_widget_set_visible (self->try_again_button, can_retry);
      show_view (self, "timestamp",
                 can_retry ? self->try_again_button : self->without_time_button);
      update_actions (self);
      return;
    }

  show_view (self, "confirm", NULL);
  update_actions (self);
  if (enr_session_error_get_field (error) == ENR_SESSION_FIELD_PIN)
    {
      enr_field_set_error (GTK_WIDGET (self->pin_entry), self->pin_help, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
      return;
    }
  if (error->domain == ENR_SESSION_ERROR && error->code == ENR_SESSION_ERROR_LOCKED)
    {
      /* Only a new link (a VNeID login and a new PIN) opens the key again:
       * no field, no retry, the one way on under the message (which takes
       * the focus, to be read out). */
      enr_error_area_show_message (ENR_ERROR_AREA (self->error_area), error->message,
                                   ENR_ERROR_ACTION_NONE);
      gtk_widget_set_visible (self->link_button, TRUE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->pin_entry), FALSE);
      return;
    }
  enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_NONE);
  gtk_widget_grab_focus (enr_error_area_get_focus_widget (ENR_ERROR_AREA (self->error_area)));
}

static void
signed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnrSignWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean done;

  done = enr_document_signing_sign_finish (ENR_DOCUMENT_SIGNING (source), result, &error);
  if (!step_ended (self, done, error))
    return;
  if (!done)
    signing_failed (self, error);
  else
    show_done (self);
}

static void
sign_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  EnrSignWindow *self = ENR_SIGN_WINDOW (widget);
  guint n;
  g_autofree char *sentence = NULL;
  GCancellable *cancellable;

  if (is_busy (self) || self->signing == NULL || !enr_digit_entry_get_complete (self->pin_entry))
    return;
  n = g_list_model_get_n_items (enr_document_signing_get_documents (self->signing));
  sentence = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Signing %u document with VNPT SmartCA…",
                                           "Signing %u documents with VNPT SmartCA…", n),
                              n);
  /* Once SmartCA is asked, stopping half-way would leave a signature made
   * and not saved: no Cancel. */
  cancellable = begin_wait (self, sentence, FALSE);
  enr_document_signing_sign_async (self->signing, enr_digit_entry_get_digits (self->pin_entry),
                                   cancellable, signed_cb, g_object_ref (self));
  /* The layer below has its copy: none stays in the field. */
  enr_digit_entry_clear (self->pin_entry);
}

static void
finished_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(EnrSignWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean done;

  done = enr_document_signing_finish_finish (ENR_DOCUMENT_SIGNING (source), result, &error);
  if (!step_ended (self, done, error))
    return;
  if (done)
    {
      show_done (self);
      return;
    }
  /* Still no time stamp: the same two ways on, and the reason said. */
  if (enr_session_error_get_reason (error) == ENR_SESSION_REASON_TIMESTAMP)
    {
      enr_error_area_show_message (ENR_ERROR_AREA (self->error_area), error->message,
                                   ENR_ERROR_ACTION_NONE);
      gtk_widget_grab_focus (self->try_again_button);
      return;
    }
  enr_error_area_show_error (ENR_ERROR_AREA (self->error_area), error, ENR_ERROR_ACTION_NONE);
  gtk_widget_grab_focus (enr_error_area_get_focus_widget (ENR_ERROR_AREA (self->error_area)));
}

static void
finish (EnrSignWindow *self,
        gboolean       with_timestamp)
{
  GCancellable *cancellable;

  if (is_busy (self) || self->signing == NULL)
    return;
  cancellable = begin_wait (self, with_timestamp
                                  ? _("Asking for a trusted time again…")
                                  : _("Saving your documents without a trusted time…"),
                            FALSE);
  enr_document_signing_finish_async (self->signing, with_timestamp, cancellable, finished_cb,
                                     g_object_ref (self));
}

static void
try_again_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  finish (ENR_SIGN_WINDOW (widget), TRUE);
}

static void
without_time_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  finish (ENR_SIGN_WINDOW (widget), FALSE);
}

/* --- Going back, and again ------------------------------------------------------------ */

static void
back_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  EnrSignWindow *self = ENR_SIGN_WINDOW (widget);

  enr_digit_entry_clear (self->pin_entry);
  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  g_clear_object (&self->signing);
  show_view (self, "choose", GTK_WIDGET (self->chooser));
  update_actions (self);
}

static void
restart_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  EnrSignWindow *self = ENR_SIGN_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->notice_revealer, FALSE);
  g_clear_object (&self->signing);
  enr_sign_chooser_clear (self->chooser);
  show_view (self, "choose", NULL);
  update_actions (self);
  gtk_widget_activate_action (GTK_WIDGET (self->chooser), "chooser.choose", NULL);
}

static void
cancel_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  EnrSignWindow *self = ENR_SIGN_WINDOW (widget);

  if (!is_busy (self))
    return;
  g_cancellable_cancel (self->cancellable);
  end_wait (self);
  g_clear_object (&self->signing);
  show_view (self, "choose", GTK_WIDGET (self->chooser));
  update_actions (self);
}

static void
retry_cb (EnrSignWindow *self)
{
  const char *view = gtk_stack_get_visible_child_name (self->views);

  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  if (g_str_equal (view, "choose"))
    gtk_widget_activate_action (GTK_WIDGET (self), "sign.continue", NULL);
  else if (g_str_equal (view, "confirm"))
    gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
  else if (g_str_equal (view, "timestamp"))
    finish (self, TRUE);
}

static void
pin_changed_cb (EnrSignWindow *self)
{
  if (enr_digit_entry_get_complete (self->pin_entry))
    {
      enr_field_clear_error (GTK_WIDGET (self->pin_entry), self->pin_help, NULL);
      update_pin_hint (self);
    }
  update_actions (self);
}

/* --- Done: the files ------------------------------------------------------------------ */

static void
launched_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(EnrSignWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == enr_launch_open_async)
    enr_launch_open_finish (result, &error);
  else
    enr_launch_show_in_folder_finish (result, &error);
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_debug ("cannot show the file: %s", error->message);
  enr_error_area_show_message (ENR_ERROR_AREA (self->error_area),
                               _("No program on this computer could show this file. It is "
                                 "saved all the same, where the notice says."),
                               ENR_ERROR_ACTION_NONE);
}

static void
open_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  EnrSignWindow *self = ENR_SIGN_WINDOW (widget);
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  enr_error_area_clear (ENR_ERROR_AREA (self->error_area));
  if (g_str_equal (action_name, "sign.open"))
    enr_launch_open_async (widget, file, self->lifetime, launched_cb, g_object_ref (self));
  else
    enr_launch_show_in_folder_async (widget, file, self->lifetime, launched_cb,
                                     g_object_ref (self));
}

static void
dismiss_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  EnrSignWindow *self = ENR_SIGN_WINDOW (widget);

  gtk_revealer_set_reveal_child (self->notice_revealer, FALSE);
}

/* --- The window --------------------------------------------------------------------- */

static void
enr_sign_window_dispose (GObject *object)
{
  EnrSignWindow *self = ENR_SIGN_WINDOW (object);

  /* Closed mid-way: the work stops; no PIN stays behind. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->lifetime);
  g_clear_object (&self->lifetime);
  if (self->pin_entry != NULL)
    enr_digit_entry_clear (self->pin_entry);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_SIGN_WINDOW);
  g_clear_object (&self->signing);
  g_clear_object (&self->account);
  G_OBJECT_CLASS (enr_sign_window_parent_class)->dispose (object);
}

static void
enr_sign_window_class_init (EnrSignWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_sign_window_dispose;

  g_type_ensure (ENR_TYPE_DIGIT_ENTRY);
  g_type_ensure (ENR_TYPE_ERROR_AREA);
  g_type_ensure (ENR_TYPE_SIGN_CHOOSER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-sign-window.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, error_area);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, views);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, chooser);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, continue_hint);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, confirm_intro);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, prepared_list);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, appearance_label);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, pin_help);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, link_button);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, sign_button);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, try_again_button);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, without_time_button);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, signed_list);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, notice_revealer);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, notice_label);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, status_box);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, status_spinner);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, EnrSignWindow, status_cancel);
  gtk_widget_class_bind_template_callback (widget_class, chooser_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pin_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);

  gtk_widget_class_install_action (widget_class, "sign.continue", NULL, continue_cb);
  gtk_widget_class_install_action (widget_class, "sign.back", NULL, back_cb);
  gtk_widget_class_install_action (widget_class, "sign.sign", NULL, sign_cb);
  gtk_widget_class_install_action (widget_class, "sign.try-again", NULL, try_again_cb);
  gtk_widget_class_install_action (widget_class, "sign.without-time", NULL, without_time_cb);
  gtk_widget_class_install_action (widget_class, "sign.cancel", NULL, cancel_cb);
  gtk_widget_class_install_action (widget_class, "sign.restart", NULL, restart_cb);
  gtk_widget_class_install_action (widget_class, "sign.open", "s", open_cb);
  gtk_widget_class_install_action (widget_class, "sign.show", "s", open_cb);
  gtk_widget_class_install_action (widget_class, "sign.dismiss", NULL, dismiss_cb);
}

static void
enr_sign_window_init (EnrSignWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->lifetime = g_cancellable_new ();
}

GtkWidget *
enr_sign_window_new (GtkApplication *application,
                     EnrAccount     *account)
{
  EnrSignWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (ENR_IS_ACCOUNT (account), NULL);

  self = g_object_new (ENR_TYPE_SIGN_WINDOW, "application", application, NULL);
  self->account = g_object_ref (account);
  g_signal_connect_object (enr_account_get_session (account), "notify::pin-attempts-left",
                           G_CALLBACK (update_pin_hint), self, G_CONNECT_SWAPPED);
  update_pin_hint (self);
  update_actions (self);
  return GTK_WIDGET (self);
}

GListModel *
enr_sign_window_get_items (EnrSignWindow *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_WINDOW (self), NULL);
  return enr_sign_chooser_get_items (self->chooser);
}

EnrDocumentSigning *
enr_sign_window_get_signing (EnrSignWindow *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_WINDOW (self), NULL);
  return self->signing;
}

const char *
enr_sign_window_get_view (EnrSignWindow *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->views);
}

const char *
enr_sign_window_get_status (EnrSignWindow *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_WINDOW (self), NULL);
  return gtk_widget_get_visible (self->status_box) ? gtk_label_get_text (self->status_label)
                                                   : NULL;
}

const char *
enr_sign_window_get_notice (EnrSignWindow *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_WINDOW (self), NULL);
  return gtk_revealer_get_reveal_child (self->notice_revealer)
         ? gtk_label_get_text (self->notice_label) : NULL;
}
