/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-idle-watch"

#include "config.h"

#include "enr-idle-watch.h"

struct _EnrIdleWatch
{
  GObject        parent_instance;

  guint          timeout_s;
  guint          countdown_s;
  GtkWindow     *window;        /* weak */
  GtkEventController *controller;
  EnrIdleDialog *dialog;
  gint64         last_activity;  /* monotonic µs */
  guint          tick_source;
  gulong         hooks[3];
  guint          hook_signals[3];
};

G_DEFINE_FINAL_TYPE (EnrIdleWatch, enr_idle_watch, G_TYPE_OBJECT)

enum {
  EXPIRED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
close_dialog (EnrIdleWatch *self)
{
  EnrIdleDialog *dialog = g_steal_pointer (&self->dialog);

  if (dialog == NULL)
    return;
  g_signal_handlers_disconnect_by_data (dialog, self);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_object_unref (dialog);
}

void
enr_idle_watch_poke (EnrIdleWatch *self)
{
  g_return_if_fail (ENR_IS_IDLE_WATCH (self));

  self->last_activity = g_get_monotonic_time ();
  if (self->dialog != NULL)
    {
      g_info ("the citizen is still there");
      close_dialog (self);
      if (self->window != NULL)
        gtk_window_present (self->window);
    }
}

static void
still_here_cb (EnrIdleWatch *self)
{
  enr_idle_watch_poke (self);
}

static void
dialog_expired_cb (EnrIdleWatch *self)
{
  g_info ("nobody answered: the kiosk starts over");
  close_dialog (self);
  g_signal_emit (self, signals[EXPIRED], 0);
}

static gboolean
tick_cb (gpointer user_data)
{
  EnrIdleWatch *self = user_data;

  if (self->window == NULL || self->dialog != NULL ||
      g_get_monotonic_time () - self->last_activity < (gint64) self->timeout_s * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;

  g_info ("no input for %u s: asking whether the citizen is still there", self->timeout_s);
  self->dialog = g_object_ref (ENR_IDLE_DIALOG (enr_idle_dialog_new (self->window,
                                                                    self->countdown_s)));
  g_signal_connect_swapped (self->dialog, "still-here", G_CALLBACK (still_here_cb), self);
  g_signal_connect_swapped (self->dialog, "expired", G_CALLBACK (dialog_expired_cb), self);
  gtk_window_present (GTK_WINDOW (self->dialog));
  return G_SOURCE_CONTINUE;
}

static gboolean
event_cb (GtkEventControllerLegacy *controller,
          GdkEvent                 *event,
          EnrIdleWatch             *self)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_MOTION_NOTIFY:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_UPDATE:
    case GDK_TOUCHPAD_SWIPE:
    case GDK_TOUCHPAD_PINCH:
      enr_idle_watch_poke (self);
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

/* A button pressed or a field changed through the accessibility layer
 * (a switch device, a screen reader's action) makes no input event. */
static gboolean
emission_hook_cb (GSignalInvocationHint *hint,
                  guint                  n_params,
                  const GValue          *params,
                  gpointer               user_data)
{
  EnrIdleWatch *self = user_data;
  GObject *object = n_params > 0 ? g_value_get_object (&params[0]) : NULL;

  if (self->window != NULL && GTK_IS_WIDGET (object) &&
      gtk_widget_get_root (GTK_WIDGET (object)) == GTK_ROOT (self->window))
    enr_idle_watch_poke (self);
  return TRUE;
}

static void
window_destroyed_cb (EnrIdleWatch *self)
{
  enr_idle_watch_set_window (self, NULL);
}

void
enr_idle_watch_set_window (EnrIdleWatch *self,
                           GtkWindow    *window)
{
  g_return_if_fail (ENR_IS_IDLE_WATCH (self));
  g_return_if_fail (window == NULL || GTK_IS_WINDOW (window));

  close_dialog (self);
  if (self->window != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->window, self);
      gtk_widget_remove_controller (GTK_WIDGET (self->window), self->controller);
      g_clear_object (&self->controller);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  if (window == NULL)
    return;

  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  g_signal_connect_swapped (window, "destroy", G_CALLBACK (window_destroyed_cb), self);
  self->controller = g_object_ref (gtk_event_controller_legacy_new ());
  gtk_event_controller_set_propagation_phase (self->controller, GTK_PHASE_CAPTURE);
  g_signal_connect (self->controller, "event", G_CALLBACK (event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (window), self->controller);
  self->last_activity = g_get_monotonic_time ();
}

EnrIdleDialog *
enr_idle_watch_get_dialog (EnrIdleWatch *self)
{
  g_return_val_if_fail (ENR_IS_IDLE_WATCH (self), NULL);
  return self->dialog;
}

static void
enr_idle_watch_dispose (GObject *object)
{
  EnrIdleWatch *self = ENR_IDLE_WATCH (object);

  enr_idle_watch_set_window (self, NULL);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  for (guint i = 0; i < G_N_ELEMENTS (self->hooks); i++)
    if (self->hooks[i] != 0)
      {
        g_signal_remove_emission_hook (self->hook_signals[i], self->hooks[i]);
        self->hooks[i] = 0;
      }
  G_OBJECT_CLASS (enr_idle_watch_parent_class)->dispose (object);
}

static void
enr_idle_watch_class_init (EnrIdleWatchClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = enr_idle_watch_dispose;

  signals[EXPIRED] = g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
enr_idle_watch_init (EnrIdleWatch *self)
{
}

EnrIdleWatch *
enr_idle_watch_new (guint timeout_s,
                    guint countdown_s)
{
  EnrIdleWatch *self;
  struct { GType type; const char *name; } hooked[] = {
    { GTK_TYPE_BUTTON, "clicked" },
    { GTK_TYPE_CHECK_BUTTON, "toggled" },
    { GTK_TYPE_EDITABLE, "changed" },
  };

  g_return_val_if_fail (timeout_s > 0 && countdown_s > 0, NULL);

  self = g_object_new (ENR_TYPE_IDLE_WATCH, NULL);
  self->timeout_s = timeout_s;
  self->countdown_s = countdown_s;
  self->last_activity = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (hooked); i++)
    {
      if (G_TYPE_IS_INTERFACE (hooked[i].type))
        g_type_default_interface_unref (g_type_default_interface_ref (hooked[i].type));
      else
        g_type_class_unref (g_type_class_ref (hooked[i].type));
      self->hook_signals[i] = g_signal_lookup (hooked[i].name, hooked[i].type);
      self->hooks[i] = g_signal_add_emission_hook (self->hook_signals[i], 0, emission_hook_cb,
                                                   self, NULL);
    }
  self->tick_source = g_timeout_add (250, tick_cb, self);
  return self;
}
