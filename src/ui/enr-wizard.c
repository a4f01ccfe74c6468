/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-wizard"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-page-runner.h"
#include "enr-page-slot.h"
#include "enr-page-table.h"
#include "enr-wizard.h"

/* GtkAssistant is deprecated from GTK 4.10; this file alone uses it. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS

struct _EnrWizard
{
  GObject             parent_instance;

  GtkAssistant       *assistant;       /* weak: the window owns us */
  EnrSession         *session;
  gboolean            kiosk;
  GPtrArray          *slots;           /* EnrPageSlot, in page-table order */
  const EnrPageEntry *entries;
  guint               n_entries;
  EnrPageRunner      *runner;          /* the current page's buttons and actions */
  gboolean            wiping;
  guint               close_source;    /* the window closing, a page per turn */
};

G_DEFINE_FINAL_TYPE (EnrWizard, enr_wizard, G_TYPE_OBJECT)

enum {
  SIGNAL_PAGE_BUILT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
  if (page == NULL)
    return -1;
  for (guint i = 0; i < self->slots->len; i++)
    if (enr_page_slot_get_page (g_ptr_array_index (self->slots, i)) == page)
      return (int) i;
  return -1;
}

/* The page that shows @step; the end shows the certificate's. */
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

/* Where a VNeID login is given (again). */
static int
index_of_login (EnrWizard *self)
{
  for (guint i = 0; i < self->n_entries; i++)
    if (self->entries[i].login)
      return (int) i;
  g_return_val_if_reached (0);
}

/* Whether the window is there for the citizen: not gone, not closing. */
static gboolean
is_open (EnrWizard *self)
{
  return self->assistant != NULL && self->close_source == 0;
}

static int
current_index (EnrWizard *self)
{
  if (!is_open (self))
    return -1;
  return gtk_assistant_get_current_page (self->assistant);
}

static gboolean
can_go_back (EnrWizard *self)
{
  int index = current_index (self);

  if (index <= 0 || self->wiping)
    return FALSE;
  switch (self->entries[index].back)
    {
    case ENR_PAGE_BACK_ALWAYS:
      return TRUE;
    case ENR_PAGE_BACK_BEFORE_LOGIN:
      /* Nothing is done on the server before the login. */
      return enr_session_get_step (self->session) == ENR_SESSION_STEP_LOGIN &&
             !enr_session_get_needs_login (self->session);
    case ENR_PAGE_BACK_BEFORE_SUBMIT:
      /* Only the login is done: a new one undoes nothing on the server. */
      return enr_session_get_step (self->session) == (EnrSessionStep) self->entries[index].step &&
             !enr_session_get_needs_login (self->session);
    case ENR_PAGE_BACK_NEVER:
    default:
      return FALSE;
    }
}

static void
update_buttons (EnrWizard *self)
{
  if (!is_open (self))
    return;
  enr_page_runner_set_held (self->runner, self->wiping);
  enr_page_runner_set_can_go_back (self->runner, can_go_back (self));
}

/* GtkAssistant titles the window with the sidebar's title, which numbers
 * the step; the window, as the page's heading, keeps VNPT's name alone. */
static void
window_title_cb (GtkWindow *window,
                 GParamSpec *pspec,
                 EnrWizard *self)
{
  EnrPage *page = enr_page_runner_get_page (self->runner);
  const char *title = page != NULL ? enr_page_get_title (page) : NULL;

  if (title != NULL && g_strcmp0 (gtk_window_get_title (window), title) != 0)
    gtk_window_set_title (window, title);
}

/* A page is built the first time the citizen goes to it. */
static EnrPage *
ensure_page (EnrWizard   *self,
             EnrPageSlot *slot)
{
  EnrPage *page = enr_page_slot_get_page (slot);
  guint index;

  if (page != NULL)
    return page;
  page = enr_page_slot_ensure_page (slot);
  if (g_ptr_array_find (self->slots, slot, &index))
    g_signal_emit (self, signals[SIGNAL_PAGE_BUILT], 0, self->entries[index].id, page);
  return page;
}

static void
prepare_cb (GtkAssistant *assistant,
            GtkWidget    *slot,
            EnrWizard    *self)
{
  EnrPage *page = ensure_page (self, ENR_PAGE_SLOT (slot));

  gtk_window_set_title (GTK_WINDOW (assistant), enr_page_get_title (page));
  update_buttons (self);
  enr_page_runner_set_page (self->runner, page);
}

static void
show_index (EnrWizard *self,
            int        index,
            gboolean   commit)
{
  if (!is_open (self) || index < 0 || index == current_index (self))
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

  if (index < 0 || enr_page_runner_get_applying (self->runner) || self->wiping)
    return;
  if (self->entries[index].step == ENR_PAGE_NO_STEP && !after_apply)
    return;
  /* A login that is gone is given again on the login page; the step
   * waits for it there. */
  if (enr_session_get_needs_login (self->session))
    {
      if (after_apply)
        show_index (self, index_of_login (self), FALSE);
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
applied_cb (EnrPageRunner *runner,
            EnrPage       *page,
            EnrWizard     *self)
{
  int index = index_of_page (self, page);

  if (!is_open (self) || index < 0 || index != current_index (self))
    return;

  switch (self->entries[index].then)
    {
    case ENR_PAGE_THEN_CLOSE:
      enr_wizard_close (self);
      return;
    case ENR_PAGE_THEN_NEXT:
      show_index (self, index + 1, TRUE);
      break;
    case ENR_PAGE_THEN_FOLLOW_STEP:
    default:
      follow_session (self, TRUE);
      break;
    }
  update_buttons (self);
}

static void start_over_cb (EnrWizard *self);

static void
back_cb (EnrWizard *self)
{
  if (!can_go_back (self))
    return;
  /* Back from the identity VNeID showed is a login as someone else: the
   * one given is forgotten, as Start Over does, and the login page shows. */
  if (self->entries[current_index (self)].back == ENR_PAGE_BACK_BEFORE_SUBMIT)
    start_over_cb (self);
  else
    gtk_assistant_set_current_page (self->assistant, current_index (self) - 1);
}

static void
wipe_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(EnrWizard) self = user_data;

  enr_session_wipe_finish (ENR_SESSION (source), result, NULL);
  self->wiping = FALSE;
  if (!is_open (self))
    return;
  show_index (self, index_of_login (self), TRUE);
  update_buttons (self);
}

static void
start_over_cb (EnrWizard *self)
{
  if (self->wiping)
    return;
  self->wiping = TRUE;
  update_buttons (self);
  enr_session_wipe_async (self->session, NULL, wipe_cb, g_object_ref (self));
}

static void
log_in_cb (EnrWizard *self)
{
  /* The session keeps the step; once the login is done, :needs-login
   * falls and follow_session() brings the citizen back. */
  show_index (self, index_of_login (self), FALSE);
}

static void
close_cb (EnrWizard *self)
{
  enr_wizard_close (self);
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
    enr_wizard_close (self);
}

static void
enr_wizard_dispose (GObject *object)
{
  EnrWizard *self = ENR_WIZARD (object);

  if (self->runner != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->runner, self);
      enr_page_runner_set_page (self->runner, NULL);
    }
  g_clear_object (&self->runner);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);

  G_OBJECT_CLASS (enr_wizard_parent_class)->dispose (object);
}

static void
enr_wizard_finalize (GObject *object)
{
  EnrWizard *self = ENR_WIZARD (object);

  g_clear_object (&self->session);
  g_clear_pointer (&self->slots, g_ptr_array_unref);

  G_OBJECT_CLASS (enr_wizard_parent_class)->finalize (object);
}

static void
enr_wizard_class_init (EnrWizardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enr_wizard_dispose;
  object_class->finalize = enr_wizard_finalize;

  /*
   * EnrWizard::page-built:
   * @id: the page's id in the page table
   * @page: the page, just built (the first time the citizen goes to it)
   */
  signals[SIGNAL_PAGE_BUILT] =
    g_signal_new ("page-built", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, ENR_TYPE_PAGE);
}

static void
enr_wizard_init (EnrWizard *self)
{
  self->slots = g_ptr_array_new ();
  self->runner = enr_page_runner_new ();
  g_signal_connect (self->runner, "applied", G_CALLBACK (applied_cb), self);
  g_signal_connect_swapped (self->runner, "back", G_CALLBACK (back_cb), self);
  g_signal_connect_swapped (self->runner, "start-over", G_CALLBACK (start_over_cb), self);
  g_signal_connect_swapped (self->runner, "log-in", G_CALLBACK (log_in_cb), self);
  g_signal_connect_swapped (self->runner, "close", G_CALLBACK (close_cb), self);
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
  g_clear_handle_id (&self->close_source, g_source_remove);
  enr_page_runner_cancel (self->runner);
  enr_page_runner_set_page (self->runner, NULL);
  g_ptr_array_set_size (self->slots, 0);
}

static void
window_finalized_cb (gpointer  user_data,
                     GObject  *window)
{
  g_object_unref (user_data);
}

/* The sidebar numbers VNPT's six steps as the welcome page lists them
 * ("1. Đăng nhập VNeID"); the page's heading and the window keep the name.
 * It lists every page from the start, built or not. */
static char *
sidebar_title (const EnrPageEntry *entry)
{
  if (entry->step >= 0)
    return g_strdup_printf ("%d. %s", entry->step + 1, _(entry->title));
  return g_strdup (_(entry->title));
}

EnrWizard *
enr_wizard_new (GtkApplication *application,
                EnrSession     *session,
                gboolean        kiosk,
                GtkWidget      *banner)
{
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

  gtk_widget_insert_action_group (GTK_WIDGET (self->assistant), "wizard",
                                  enr_page_runner_get_actions (self->runner));
  gtk_assistant_add_action_widget (self->assistant,
                                   enr_page_runner_get_back_button (self->runner));
  gtk_assistant_add_action_widget (self->assistant,
                                   enr_page_runner_get_next_button (self->runner));
  gtk_window_set_default_widget (GTK_WINDOW (self->assistant),
                                 enr_page_runner_get_next_button (self->runner));

  for (guint i = 0; i < self->n_entries; i++)
    {
      GtkWidget *slot = enr_page_slot_new (&self->entries[i], session,
                                           _(self->entries[i].title));
      g_autofree char *title = sidebar_title (&self->entries[i]);

      gtk_assistant_append_page (self->assistant, slot);
      gtk_assistant_set_page_type (self->assistant, slot, GTK_ASSISTANT_PAGE_CUSTOM);
      gtk_assistant_set_page_title (self->assistant, slot, title);
      drop_leaked_reference (gtk_assistant_get_page (self->assistant, slot));
      g_ptr_array_add (self->slots, slot);
    }

  g_signal_connect_object (self->assistant, "prepare", G_CALLBACK (prepare_cb), self, 0);
  g_signal_connect_object (self->assistant, "cancel", G_CALLBACK (cancel_requested_cb), self, 0);
  g_signal_connect_object (self->assistant, "notify::title", G_CALLBACK (window_title_cb), self, 0);
  g_signal_connect_swapped (session, "notify::step", G_CALLBACK (session_notify_cb), self);
  g_signal_connect_swapped (session, "notify::needs-login", G_CALLBACK (session_notify_cb), self);
  g_signal_connect_swapped (session, "notify::busy", G_CALLBACK (session_notify_cb), self);

  /* The window holds the one reference, until it is finalized. */
  g_signal_connect (self->assistant, "destroy", G_CALLBACK (window_destroy_cb), self);
  g_object_weak_ref (G_OBJECT (self->assistant), window_finalized_cb, self);

  /* GtkAssistant shows its first page when mapped; follow it now. */
  prepare_cb (self->assistant, g_ptr_array_index (self->slots, 0), self);
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
  return enr_page_runner_get_page (self->runner);
}

const char *
enr_wizard_get_current_id (EnrWizard *self)
{
  int index;

  g_return_val_if_fail (ENR_IS_WIZARD (self), NULL);

  index = index_of_page (self, enr_page_runner_get_page (self->runner));
  return index >= 0 ? self->entries[index].id : NULL;
}

EnrPage *
enr_wizard_get_page (EnrWizard  *self,
                     const char *id)
{
  int index;

  g_return_val_if_fail (ENR_IS_WIZARD (self), NULL);

  index = index_of_id (self, id);
  if (index < 0 || (guint) index >= self->slots->len)
    return NULL;
  return enr_page_slot_get_page (g_ptr_array_index (self->slots, index));
}

void
enr_wizard_go_to (EnrWizard  *self,
                  const char *id)
{
  int index;

  g_return_if_fail (ENR_IS_WIZARD (self));

  index = index_of_id (self, id);
  g_return_if_fail (index >= 0);
  if (is_open (self))
    gtk_assistant_set_current_page (self->assistant, index);
}

/* Tearing the window down in one go held the main loop for 40 to 50 ms on
 * a computer without a GPU, the worst stall of an enrollment (bench-ui.py,
 * after Close): every built page's widgets, and their objects leaving the
 * accessibility bus. A page goes per turn of the main loop, at low
 * priority, then the window with what is left. */
static gboolean
close_step_cb (gpointer user_data)
{
  EnrWizard *self = user_data;

  for (guint i = 0; i < self->slots->len; i++)
    {
      EnrPageSlot *slot = g_ptr_array_index (self->slots, i);

      if (enr_page_slot_get_page (slot) != NULL)
        {
          enr_page_slot_drop_page (slot);
          return G_SOURCE_CONTINUE;
        }
    }
  self->close_source = 0;
  /* The window owns the wizard: this may be its end. */
  gtk_window_destroy (GTK_WINDOW (self->assistant));
  return G_SOURCE_REMOVE;
}

void
enr_wizard_close (EnrWizard *self)
{
  g_return_if_fail (ENR_IS_WIZARD (self));

  if (!is_open (self))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->assistant), FALSE);
  enr_page_runner_cancel (self->runner);
  enr_page_runner_set_page (self->runner, NULL);
  self->close_source = g_idle_add_full (G_PRIORITY_LOW, close_step_cb, self, NULL);
}

G_GNUC_END_IGNORE_DEPRECATIONS
