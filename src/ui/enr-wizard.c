/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-wizard"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-page-table.h"
#include "enr-wizard.h"

/* GtkAssistant is deprecated from GTK 4.10; this file alone uses it. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS

struct _EnrWizard
{
  GObject          parent_instance;

  GtkAssistant    *assistant;       /* weak: the window owns us */
  EnrSession      *session;
  gboolean         kiosk;
  GPtrArray       *pages;           /* EnrPage, in page-table order */
  const EnrPageEntry *entries;
  guint            n_entries;

  GtkButton       *back_button;
  GtkButton       *next_button;
  GSimpleActionGroup *actions;

  EnrPage         *current;         /* the page whose signals we follow */
  GCancellable    *apply_cancellable;
  gboolean         applying;
  gboolean         wiping;
};

G_DEFINE_FINAL_TYPE (EnrWizard, enr_wizard, G_TYPE_OBJECT)

#define WIZARD_KEY "enr-wizard"

#define DEFAULT_WIDTH  1120
#define DEFAULT_HEIGHT 860

static int
index_of_id (EnrWizard  *self,
             const char *id)
{
  for (guint i = 0; i < self->n_entries; i++)
    if (g_str_equal (self->entries[i].id, id))
      return (int) i;
  return -1;
}

static int
index_of_page (EnrWizard *self,
               EnrPage   *page)
{
  guint index;

  if (page != NULL && g_ptr_array_find (self->pages, page, &index))
    return (int) index;
  return -1;
}

/* The page that shows @step; the end shows the certificate page. */
static int
index_of_step (EnrWizard      *self,
               EnrSessionStep  step)
{
  if (step == ENR_SESSION_STEP_DONE)
    step = ENR_SESSION_STEP_CERTIFICATE;
  for (guint i = 0; i < self->n_entries; i++)
    if (self->entries[i].step == (int) step)
      return (int) i;
  g_return_val_if_reached (0);
}

static int
current_index (EnrWizard *self)
{
  if (self->assistant == NULL)
    return -1;
  return gtk_assistant_get_current_page (self->assistant);
}

static gboolean
can_go_back (EnrWizard *self)
{
  int index = current_index (self);
  const char *id;

  if (index <= 0 || self->applying || self->wiping)
    return FALSE;
  id = self->entries[index].id;

  /* Nothing is done on the server before the login, and nothing is left
   * to undo after the certificate: the only ways back. */
  if (g_str_equal (id, "login"))
    return enr_session_get_step (self->session) == ENR_SESSION_STEP_LOGIN &&
           !enr_session_get_needs_login (self->session) &&
           !enr_session_get_busy (self->session);
  return g_str_equal (id, "closing");
}

static void
update_buttons (EnrWizard *self)
{
  EnrPage *page = self->current;
  const char *label;
  gboolean ready;

  if (self->assistant == NULL || page == NULL)
    return;

  label = enr_page_get_next_label (page);
  ready = enr_page_get_complete (page) && !enr_page_get_busy (page) &&
          !self->applying && !self->wiping;

  gtk_widget_set_visible (GTK_WIDGET (self->next_button), label != NULL);
  if (label != NULL)
    gtk_button_set_label (self->next_button, label);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                 G_ACTION_MAP (self->actions), "next")), ready);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                 G_ACTION_MAP (self->actions), "back")), can_go_back (self));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), can_go_back (self));
}

static void
page_notify_cb (EnrWizard *self)
{
  update_buttons (self);
}

static void
follow_page (EnrWizard *self,
             EnrPage   *page)
{
  if (self->current == page)
    return;

  if (self->current != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->current, self);
      enr_page_hidden (self->current);
      g_clear_object (&self->current);
    }

  self->current = g_object_ref (page);
  g_signal_connect_swapped (page, "notify::complete", G_CALLBACK (page_notify_cb), self);
  g_signal_connect_swapped (page, "notify::busy", G_CALLBACK (page_notify_cb), self);
  g_signal_connect_swapped (page, "notify::next-label", G_CALLBACK (page_notify_cb), self);

  gtk_window_set_title (GTK_WINDOW (self->assistant), enr_page_get_title (page));
  update_buttons (self);
  enr_page_shown (page);
}

static void
prepare_cb (GtkAssistant *assistant,
            GtkWidget    *page,
            EnrWizard    *self)
{
  follow_page (self, ENR_PAGE (page));
}

static void
show_index (EnrWizard *self,
            int        index,
            gboolean   commit)
{
  if (self->assistant == NULL || index < 0 || index == current_index (self))
    return;
  /* A step the server has done cannot be undone: forget the way back. */
  if (commit)
    gtk_assistant_commit (self->assistant);
  gtk_assistant_set_current_page (self->assistant, index);
}

/* Where the session is, shown: the page of its step, unless a new login
 * is asked for (then the login page stays until it is done). */
static void
follow_session (EnrWizard *self,
                gboolean   after_apply)
{
  int index = current_index (self);
  int target;

  if (index < 0 || self->applying || self->wiping)
    return;
  if (self->entries[index].step == ENR_PAGE_NO_STEP && !after_apply)
    return;
  /* A login that is gone is given again on the login page; the step
   * waits for it there. */
  if (enr_session_get_needs_login (self->session))
    {
      if (after_apply)
        show_index (self, index_of_id (self, "login"), FALSE);
      return;
    }

  target = index_of_step (self, enr_session_get_step (self->session));
  show_index (self, target, target > index);
}

static void
session_notify_cb (EnrWizard *self)
{
  follow_session (self, FALSE);
  update_buttons (self);
}

static void
apply_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(EnrWizard) self = user_data;
  EnrPage *page = ENR_PAGE (source);
  g_autoptr(GError) error = NULL;
  const char *id;
  int index;

  self->applying = FALSE;
  g_clear_object (&self->apply_cancellable);

  if (!enr_page_apply_finish (page, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->assistant != NULL)
        enr_page_show_error (page, error);
      update_buttons (self);
      return;
    }

  index = index_of_page (self, page);
  if (self->assistant == NULL || index < 0 || index != current_index (self))
    return;

  id = self->entries[index].id;
  if (g_str_equal (id, "closing"))
    gtk_window_destroy (GTK_WINDOW (self->assistant));
  else if (g_str_equal (id, "certificate"))
    show_index (self, index_of_id (self, "closing"), TRUE);
  else
    follow_session (self, TRUE);
  update_buttons (self);
}

static void
next_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  EnrWizard *self = user_data;
  EnrPage *page = self->current;

  if (page == NULL || self->applying || !enr_page_get_complete (page) ||
      enr_page_get_busy (page))
    return;

  self->applying = TRUE;
  self->apply_cancellable = g_cancellable_new ();
  update_buttons (self);
  enr_page_apply_async (page, self->apply_cancellable, apply_cb, g_object_ref (self));
}

static void
back_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  EnrWizard *self = user_data;

  if (can_go_back (self))
    gtk_assistant_set_current_page (self->assistant, current_index (self) - 1);
}

static void
cancel_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  EnrWizard *self = user_data;

  g_cancellable_cancel (self->apply_cancellable);
}

static void
wipe_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(EnrWizard) self = user_data;

  enr_session_wipe_finish (ENR_SESSION (source), result, NULL);
  self->wiping = FALSE;
  if (self->assistant == NULL)
    return;
  show_index (self, index_of_id (self, "login"), TRUE);
  update_buttons (self);
}

static void
start_over_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  EnrWizard *self = user_data;

  if (self->wiping)
    return;
  g_cancellable_cancel (self->apply_cancellable);
  self->wiping = TRUE;
  update_buttons (self);
  enr_session_wipe_async (self->session, NULL, wipe_cb, g_object_ref (self));
}

static void
log_in_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  EnrWizard *self = user_data;

  /* The session keeps the step; once the login is done, :needs-login
   * falls and follow_session() brings the citizen back. */
  show_index (self, index_of_id (self, "login"), FALSE);
}

static void
close_cb (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  EnrWizard *self = user_data;

  if (self->assistant != NULL)
    gtk_window_destroy (GTK_WINDOW (self->assistant));
}

/* GtkAssistant turns a close request (the title bar's button, Escape)
 * into "cancel" and refuses it: the window goes here. Whatever step it
 * was at is in the session's checkpoint; a kiosk is not closed by the
 * citizen. */
static void
cancel_requested_cb (GtkAssistant *assistant,
                     EnrWizard    *self)
{
  if (!self->kiosk)
    gtk_window_destroy (GTK_WINDOW (assistant));
}

static void
enr_wizard_dispose (GObject *object)
{
  EnrWizard *self = ENR_WIZARD (object);

  g_cancellable_cancel (self->apply_cancellable);
  if (self->current != NULL)
    g_signal_handlers_disconnect_by_data (self->current, self);
  g_clear_object (&self->current);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);

  G_OBJECT_CLASS (enr_wizard_parent_class)->dispose (object);
}

static void
enr_wizard_finalize (GObject *object)
{
  EnrWizard *self = ENR_WIZARD (object);

  g_clear_object (&self->apply_cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->actions);
  g_clear_pointer (&self->pages, g_ptr_array_unref);

  G_OBJECT_CLASS (enr_wizard_parent_class)->finalize (object);
}

static void
enr_wizard_class_init (EnrWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enr_wizard_dispose;
  object_class->finalize = enr_wizard_finalize;
}

static void
enr_wizard_init (EnrWizard *self)
{
  self->pages = g_ptr_array_new ();
}

/* GTK 4.8's gtk_assistant_insert_page() returns before it drops its own
 * reference to the GtkAssistantPage it makes (the g_object_unref() after
 * its return statement never runs), and that page holds our page: every
 * page, and all it showed, would outlive the window. At a kiosk the next
 * citizen's process would keep the last one's pages in memory. The extra
 * reference is dropped where it is there (4.8: the assistant's list holds
 * one, the leak the other). */
static void
drop_leaked_reference (GtkAssistantPage *assistant_page)
{
  if (gtk_get_major_version () == 4 && gtk_get_minor_version () <= 8 &&
      G_OBJECT (assistant_page)->ref_count == 2)
    g_object_unref (assistant_page);
}

/* The window's first size: 1120 × 860 at the usual 96 dpi, room for the
 * contract at a readable width and for step 6's certificate with its save
 * buttons, and as much bigger as the desktop's text is (its text scaling
 * factor reaches GTK as gtk-xft-dpi), so that a page at 200% shows as much
 * as at 100%; but no bigger than the screen (a 1024 × 768 one, say), and
 * then maximized: the pages scroll. */
static void
default_size (int      *width,
              int      *height,
              gboolean *maximize)
{
  GdkDisplay *display = gdk_display_get_default ();
  GListModel *monitors = display != NULL ? gdk_display_get_monitors (display) : NULL;
  int dpi = -1;
  double scale;

  if (display != NULL)
    g_object_get (gtk_settings_get_for_display (display), "gtk-xft-dpi", &dpi, NULL);
  scale = dpi > 0 ? MAX (1.0, dpi / (96.0 * 1024)) : 1.0;
  *width = (int) (DEFAULT_WIDTH * scale);
  *height = (int) (DEFAULT_HEIGHT * scale);
  *maximize = FALSE;

  if (monitors != NULL && g_list_model_get_n_items (monitors) > 0)
    {
      g_autoptr(GdkMonitor) monitor = g_list_model_get_item (monitors, 0);
      GdkRectangle area;

      gdk_monitor_get_geometry (monitor, &area);
      if (*width >= area.width || *height >= area.height)
        {
          *width = MIN (*width, area.width);
          *height = MIN (*height, area.height);
          *maximize = TRUE;
        }
    }
}

/* The window goes first, its pages with it; the wizard lets go of them
 * and stops what runs, then goes too when the window's data is freed. */
static void
window_destroy_cb (GtkWidget *window,
                   EnrWizard *self)
{
  self->assistant = NULL;
  g_cancellable_cancel (self->apply_cancellable);
  if (self->current != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->current, self);
      enr_page_hidden (self->current);
    }
  g_clear_object (&self->current);
  g_ptr_array_set_size (self->pages, 0);
}

EnrWizard *
enr_wizard_new (GtkApplication *application,
                EnrSession     *session,
                gboolean        kiosk,
                GtkWidget      *banner)
{
  const GActionEntry entries[] = {
    { "next", next_cb, NULL, NULL, NULL },
    { "back", back_cb, NULL, NULL, NULL },
    { "cancel", cancel_cb, NULL, NULL, NULL },
    { "start-over", start_over_cb, NULL, NULL, NULL },
    { "log-in", log_in_cb, NULL, NULL, NULL },
    { "close", close_cb, NULL, NULL, NULL },
  };
  EnrWizard *self;
  int width, height;
  gboolean maximize;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (ENR_IS_SESSION (session), NULL);
  g_return_val_if_fail (banner == NULL || GTK_IS_WIDGET (banner), NULL);

  self = g_object_new (ENR_TYPE_WIZARD, NULL);
  self->session = g_object_ref (session);
  self->kiosk = kiosk;
  self->entries = enr_page_table_get (&self->n_entries);

  default_size (&width, &height, &maximize);
  self->assistant = g_object_new (GTK_TYPE_ASSISTANT,
                                  "application", application,
                                  "use-header-bar", FALSE,
                                  "default-width", width,
                                  "default-height", height,
                                  "deletable", !kiosk,
                                  NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->assistant), "enrollment");
  if (kiosk)
    gtk_window_fullscreen (GTK_WINDOW (self->assistant));
  else if (maximize)
    gtk_window_maximize (GTK_WINDOW (self->assistant));

  if (banner != NULL)
    {
      GtkWidget *titlebar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

      gtk_box_append (GTK_BOX (titlebar), gtk_header_bar_new ());
      gtk_box_append (GTK_BOX (titlebar), banner);
      gtk_window_set_titlebar (GTK_WINDOW (self->assistant), titlebar);
    }

  self->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (self->actions), entries, G_N_ELEMENTS (entries),
                                   self);
  gtk_widget_insert_action_group (GTK_WIDGET (self->assistant), "wizard",
                                  G_ACTION_GROUP (self->actions));

  self->back_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Back")));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->back_button), "wizard.back");
  gtk_assistant_add_action_widget (self->assistant, GTK_WIDGET (self->back_button));

  self->next_button = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Next")));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->next_button), "wizard.next");
  gtk_widget_add_css_class (GTK_WIDGET (self->next_button), "suggested-action");
  gtk_assistant_add_action_widget (self->assistant, GTK_WIDGET (self->next_button));
  gtk_window_set_default_widget (GTK_WINDOW (self->assistant), GTK_WIDGET (self->next_button));

  for (guint i = 0; i < self->n_entries; i++)
    {
      EnrPage *page = g_object_new (self->entries[i].get_type (),
                                    "session", session,
                                    "title", _(self->entries[i].title),
                                    NULL);
      GtkAssistantPage *assistant_page;

      gtk_widget_set_name (GTK_WIDGET (page), self->entries[i].id);
      gtk_assistant_append_page (self->assistant, GTK_WIDGET (page));
      gtk_assistant_set_page_type (self->assistant, GTK_WIDGET (page),
                                   GTK_ASSISTANT_PAGE_CUSTOM);
      assistant_page = gtk_assistant_get_page (self->assistant, GTK_WIDGET (page));
      drop_leaked_reference (assistant_page);
      g_object_bind_property (page, "title", assistant_page, "title", G_BINDING_SYNC_CREATE);
      g_ptr_array_add (self->pages, page);
    }

  g_signal_connect_object (self->assistant, "prepare", G_CALLBACK (prepare_cb), self, 0);
  g_signal_connect_object (self->assistant, "cancel", G_CALLBACK (cancel_requested_cb), self, 0);
  g_signal_connect_swapped (session, "notify::step", G_CALLBACK (session_notify_cb), self);
  g_signal_connect_swapped (session, "notify::needs-login", G_CALLBACK (session_notify_cb), self);
  g_signal_connect_swapped (session, "notify::busy", G_CALLBACK (session_notify_cb), self);

  /* The window holds the one reference. */
  g_signal_connect (self->assistant, "destroy", G_CALLBACK (window_destroy_cb), self);
  g_object_set_data_full (G_OBJECT (self->assistant), WIZARD_KEY, self, g_object_unref);

  /* GtkAssistant shows its first page when mapped; follow it now. */
  follow_page (self, g_ptr_array_index (self->pages, 0));
  return self;
}

GtkWindow *
enr_wizard_get_window (EnrWizard *self)
{
  g_return_val_if_fail (ENR_IS_WIZARD (self), NULL);
  return GTK_WINDOW (self->assistant);
}

EnrSession *
enr_wizard_get_session (EnrWizard *self)
{
  g_return_val_if_fail (ENR_IS_WIZARD (self), NULL);
  return self->session;
}

EnrPage *
enr_wizard_get_current_page (EnrWizard *self)
{
  g_return_val_if_fail (ENR_IS_WIZARD (self), NULL);
  return self->current;
}

const char *
enr_wizard_get_current_id (EnrWizard *self)
{
  int index;

  g_return_val_if_fail (ENR_IS_WIZARD (self), NULL);

  index = index_of_page (self, self->current);
  return index >= 0 ? self->entries[index].id : NULL;
}

EnrPage *
enr_wizard_get_page (EnrWizard  *self,
                     const char *id)
{
  int index;

  g_return_val_if_fail (ENR_IS_WIZARD (self), NULL);

  index = index_of_id (self, id);
  if (index < 0 || (guint) index >= self->pages->len)
    return NULL;
  return g_ptr_array_index (self->pages, index);
}

void
enr_wizard_go_to (EnrWizard  *self,
                  const char *id)
{
  int index;

  g_return_if_fail (ENR_IS_WIZARD (self));

  index = index_of_id (self, id);
  g_return_if_fail (index >= 0);
  gtk_assistant_set_current_page (self->assistant, index);
}

EnrWizard *
enr_wizard_from_window (GtkWindow *window)
{
  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);
  return g_object_get_data (G_OBJECT (window), WIZARD_KEY);
}

G_GNUC_END_IGNORE_DEPRECATIONS
