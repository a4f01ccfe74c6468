/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-kiosk"

#include "config.h"

#include <glib/gi18n-lib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "enr-closing-page.h"
#include "enr-keypad.h"
#include "enr-kiosk.h"
#include "enr-language.h"
#include "enr-receipt.h"
#include "enr-secure.h"
#include "enr-wizard.h"

/* How long a reset waits for the last citizen's session to be freed
 * (requests in flight end once cancelled; revocations are answered). */
#define SETTLE_TIMEOUT_S 15

struct _EnrKiosk
{
  GObject          parent_instance;

  GtkApplication  *application;
  EnrKioskHooks    hooks;
  gpointer         user_data;
  char            *language;
  char            *printer;
  gboolean         shuffle;

  EnrSession      *session;
  GtkWindow       *window;           /* weak: GTK disposes a window once its last
                                      * reference goes, and only then says so */
  EnrWizard       *wizard;           /* weak: its window owns it */
  EnrIdleWatch    *watch;
  EnrKeypad       *keypad;
  EnrClosingPage  *closing_page;     /* weak */
  GCancellable    *print_cancellable;

  gboolean         resetting;
  gboolean         session_gone;
  gint64           settle_deadline;
};

G_DEFINE_FINAL_TYPE (EnrKiosk, enr_kiosk, G_TYPE_OBJECT)

enum {
  RESET_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- The receipt ------------------------------------------------------------------- */

static void
printed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(EnrKiosk) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!enr_receipt_print_finish (ENR_RECEIPT (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->closing_page != NULL)
    enr_closing_page_show_print_result (self->closing_page, error);
}

static void
print_receipt_cb (EnrKiosk *self)
{
  g_autoptr(EnrReceipt) receipt = NULL;

  receipt = self->session != NULL ? enr_receipt_new_from_session (self->session) : NULL;
  if (receipt == NULL)
    return;
  g_cancellable_cancel (self->print_cancellable);
  g_clear_object (&self->print_cancellable);
  self->print_cancellable = g_cancellable_new ();
  enr_receipt_print_async (receipt, self->window, self->printer, self->print_cancellable,
                           printed_cb, g_object_ref (self));
}

/* --- The window -------------------------------------------------------------------- */

static void
window_destroyed_cb (EnrKiosk *self)
{
  /* "Finish", or anything else that closed it: the next citizen's turn. */
  enr_kiosk_reset (self);
}

static void
expired_cb (EnrKiosk *self)
{
  enr_kiosk_reset (self);
}

/* The closing page prints the receipt; the wizard builds it when the
 * citizen gets there. */
static void
attach_closing_page (EnrKiosk *self,
                     EnrPage  *closing)
{
  self->closing_page = ENR_CLOSING_PAGE (closing);
  g_object_add_weak_pointer (G_OBJECT (closing), (gpointer *) &self->closing_page);
  g_signal_connect_swapped (closing, "print-receipt", G_CALLBACK (print_receipt_cb), self);
}

static void
page_built_cb (EnrWizard  *wizard,
               const char *id,
               EnrPage    *page,
               EnrKiosk   *self)
{
  if (g_str_equal (id, "closing") && self->closing_page == NULL)
    attach_closing_page (self, page);
}

static void
attach_wizard (EnrKiosk  *self,
               EnrWizard *wizard)
{
  GtkWindow *window = enr_wizard_get_window (wizard);
  EnrPage *closing = enr_wizard_get_page (wizard, "closing");

  self->wizard = wizard;
  g_object_add_weak_pointer (G_OBJECT (wizard), (gpointer *) &self->wizard);
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  gtk_widget_add_css_class (GTK_WIDGET (window), "kiosk");
  g_signal_connect_swapped (window, "destroy", G_CALLBACK (window_destroyed_cb), self);
  enr_idle_watch_set_window (self->watch, window);

  self->keypad = g_object_ref_sink (ENR_KEYPAD (enr_keypad_new (self->shuffle)));
  enr_keypad_follow_focus (self->keypad, window);

  g_signal_connect (wizard, "page-built", G_CALLBACK (page_built_cb), self);
  if (closing != NULL)
    attach_closing_page (self, closing);
}

/* Returns the window, no longer followed. */
static GtkWindow *
detach_window (EnrKiosk *self)
{
  GtkWindow *window = self->window;

  if (self->wizard != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->wizard, self);
      g_object_remove_weak_pointer (G_OBJECT (self->wizard), (gpointer *) &self->wizard);
    }
  self->wizard = NULL;
  if (window == NULL)
    return NULL;
  g_object_remove_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  self->window = NULL;
  g_signal_handlers_disconnect_by_data (window, self);
  enr_idle_watch_set_window (self->watch, NULL);
  if (self->keypad != NULL)
    {
      enr_keypad_follow_focus (self->keypad, NULL);
      g_clear_object (&self->keypad);
    }
  if (self->closing_page != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->closing_page, self);
      g_object_remove_weak_pointer (G_OBJECT (self->closing_page),
                                    (gpointer *) &self->closing_page);
      self->closing_page = NULL;
    }
  return window;
}

/* --- The reset ----------------------------------------------------------------------- */

/* What the citizen's data passed through on its way (formatted strings,
 * parsed replies) lies below the main thread's stack pointer until the
 * stack grows over it again: overwrite it now. */
static G_GNUC_NO_INLINE void
scrub_stack (void)
{
  volatile guint8 area[256 * 1024];

  enr_secure_wipe ((gpointer) area, sizeof area);
}

static void
clear_clipboards (void)
{
  GdkDisplay *display = gdk_display_get_default ();

  if (display == NULL)
    return;
  gdk_clipboard_set_content (gdk_display_get_clipboard (display), NULL);
  gdk_clipboard_set_content (gdk_display_get_primary_clipboard (display), NULL);
}

static void
set_language (EnrKiosk *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self->application), "language");

  enr_language_apply (self->language);
  if (G_IS_SIMPLE_ACTION (action))
    g_simple_action_set_state (G_SIMPLE_ACTION (action),
                               g_variant_new_string (enr_language_is_vietnamese () ? "vi"
                                                                                    : "en"));
}

static void
open_next (EnrKiosk *self)
{
  self->session = self->hooks.new_session (self->user_data);
  attach_wizard (self, self->hooks.open_wizard (self->session, self->user_data));
}

static void
finish_reset (EnrKiosk *self)
{
  set_language (self);

  /* Freed memory is overwritten by glibc itself when the kiosk runs with
   * the README's malloc settings; what is left is handed back. */
  scrub_stack ();
  g_thread_pool_stop_unused_threads ();
#ifdef __GLIBC__
  malloc_trim (0);
#endif

  open_next (self);
  self->resetting = FALSE;
  g_info ("ready for the next citizen");
  g_signal_emit (self, signals[RESET_DONE], 0);
  g_application_release (G_APPLICATION (self->application));
}

static void
session_gone_cb (gpointer  data,
                 GObject  *where_the_object_was)
{
  EnrKiosk *self = data;

  self->session_gone = TRUE;
}

static gboolean
settle_cb (gpointer user_data)
{
  EnrKiosk *self = user_data;

  if (!self->session_gone && g_get_monotonic_time () < self->settle_deadline)
    return G_SOURCE_CONTINUE;
  if (!self->session_gone)
    g_warning ("the last citizen's session is still held after %d s", SETTLE_TIMEOUT_S);
  finish_reset (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
wiped_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  EnrKiosk *self = user_data;
  EnrSession *session = ENR_SESSION (source);

  enr_session_wipe_finish (session, result, NULL);
  /* The session goes once the last cancelled request lets go of it. */
  self->session_gone = FALSE;
  g_object_weak_ref (G_OBJECT (session), session_gone_cb, self);
  g_object_unref (session);
  self->settle_deadline = g_get_monotonic_time () + SETTLE_TIMEOUT_S * G_USEC_PER_SEC;
  g_timeout_add (50, settle_cb, self);
}

void
enr_kiosk_reset (EnrKiosk *self)
{
  EnrWizard *wizard;
  GtkWindow *window;
  EnrSession *session;

  g_return_if_fail (ENR_IS_KIOSK (self));

  if (self->resetting)
    return;
  self->resetting = TRUE;
  g_info ("starting over for the next citizen");
  g_application_hold (G_APPLICATION (self->application));

  g_cancellable_cancel (self->print_cancellable);
  g_clear_object (&self->print_cancellable);
  wizard = self->wizard;
  window = detach_window (self);
  if (wizard != NULL)
    enr_wizard_close (wizard);
  else if (window != NULL)
    gtk_window_destroy (window);
  clear_clipboards ();

  session = g_steal_pointer (&self->session);
  if (session == NULL)
    {
      self->session_gone = TRUE;
      g_timeout_add (0, settle_cb, g_object_ref (self));
      return;
    }
  /* The wipe holds the session until the revocations are answered. */
  enr_session_wipe_async (session, NULL, wiped_cb, g_object_ref (self));
}

/* --- The object ------------------------------------------------------------------------- */

static void
enr_kiosk_dispose (GObject *object)
{
  EnrKiosk *self = ENR_KIOSK (object);

  detach_window (self);
  g_cancellable_cancel (self->print_cancellable);
  g_clear_object (&self->print_cancellable);
  g_clear_object (&self->watch);
  if (self->session != NULL)
    enr_session_wipe (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->application);
  G_OBJECT_CLASS (enr_kiosk_parent_class)->dispose (object);
}

static void
enr_kiosk_finalize (GObject *object)
{
  EnrKiosk *self = ENR_KIOSK (object);

  g_free (self->language);
  g_free (self->printer);
  G_OBJECT_CLASS (enr_kiosk_parent_class)->finalize (object);
}

static void
enr_kiosk_class_init (EnrKioskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enr_kiosk_dispose;
  object_class->finalize = enr_kiosk_finalize;

  signals[RESET_DONE] = g_signal_new ("reset-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
enr_kiosk_init (EnrKiosk *self)
{
}

EnrKiosk *
enr_kiosk_new (GtkApplication      *application,
               guint                idle_timeout_s,
               const char          *language,
               const char          *printer,
               gboolean             shuffle_keypad,
               const EnrKioskHooks *hooks,
               gpointer             user_data)
{
  EnrKiosk *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (hooks != NULL && hooks->new_session != NULL && hooks->open_wizard != NULL,
                        NULL);

  self = g_object_new (ENR_TYPE_KIOSK, NULL);
  self->application = g_object_ref (application);
  self->hooks = *hooks;
  self->user_data = user_data;
  self->language = g_strdup (language != NULL ? language : "");
  self->printer = g_strdup (printer != NULL ? printer : "");
  self->shuffle = shuffle_keypad;
  self->watch = enr_idle_watch_new (idle_timeout_s, ENR_IDLE_WATCH_COUNTDOWN);
  g_signal_connect_swapped (self->watch, "expired", G_CALLBACK (expired_cb), self);
  return self;
}

void
enr_kiosk_start (EnrKiosk *self)
{
  g_return_if_fail (ENR_IS_KIOSK (self));
  g_return_if_fail (self->session == NULL);

  set_language (self);
  open_next (self);
}

EnrSession *
enr_kiosk_get_session (EnrKiosk *self)
{
  g_return_val_if_fail (ENR_IS_KIOSK (self), NULL);
  return self->session;
}

GtkWindow *
enr_kiosk_get_window (EnrKiosk *self)
{
  g_return_val_if_fail (ENR_IS_KIOSK (self), NULL);
  return self->window;
}

EnrWizard *
enr_kiosk_get_wizard (EnrKiosk *self)
{
  g_return_val_if_fail (ENR_IS_KIOSK (self), NULL);
  return self->wizard;
}

EnrIdleWatch *
enr_kiosk_get_idle_watch (EnrKiosk *self)
{
  g_return_val_if_fail (ENR_IS_KIOSK (self), NULL);
  return self->watch;
}

void
enr_kiosk_replace_wizard (EnrKiosk  *self,
                          EnrWizard *wizard)
{
  g_return_if_fail (ENR_IS_KIOSK (self));
  g_return_if_fail (ENR_IS_WIZARD (wizard));

  detach_window (self);
  attach_wizard (self, wizard);
}

gboolean
enr_kiosk_get_resetting (EnrKiosk *self)
{
  g_return_val_if_fail (ENR_IS_KIOSK (self), FALSE);
  return self->resetting;
}
