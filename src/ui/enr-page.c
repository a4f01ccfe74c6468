/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-error-area.h"
#include "enr-page.h"

typedef struct
{
  EnrSession *session;
  char       *title;
  char       *next_label;
  gboolean    complete;
  gboolean    busy;
  gboolean    waiting;          /* a wait is shown in the status line */
  GtkWidget  *error_area;
  GtkWidget  *status_box;       /* the page's status line, under its content */
  GtkSpinner *status_spinner;
  GtkLabel   *status_label;
  GtkButton  *status_cancel;
  GCancellable *wait_cancellable;
  GtkWidget  *focus_before;     /* weak: where the focus was when the wait began */
  GtkRoot    *root;             /* whose focus we follow, while rooted */
  gulong      after_paint_id;
  GtkAdjustment *vadjustment;   /* whose growth we follow, while mapped */
} EnrPagePrivate;

G_DEFINE_TYPE_WITH_PRIVATE (EnrPage, enr_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_TITLE,
  PROP_COMPLETE,
  PROP_BUSY,
  PROP_NEXT_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() is GLib 2.76. */
static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* The page's scrolled content takes the keyboard focus to scroll: a
 * screen reader names it after the page. */
static void
name_content (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));

  if (child != NULL && priv->title != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, priv->title,
                                    -1);
}

/* GtkViewport scrolls to the focus as soon as it moves, from where the
 * focus widget was last laid out: a field or an error that was just shown
 * has no place yet, and a page taller than the window (large text) would
 * leave it out of sight. Once the frame is laid out and painted, the page
 * scrolls again to where it really is. */
#define SCROLL_MARGIN 12

static GtkScrolledWindow *
scrolled_content (EnrPage *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));

  return GTK_IS_SCROLLED_WINDOW (child) ? GTK_SCROLLED_WINDOW (child) : NULL;
}

/* What must show with the focus: the field and the message under it (its
 * hint or error, a label of class "help" right after it or after one of
 * its containers), or the whole error area the focus is in. */
static gboolean
focus_bounds (GtkWidget       *focus,
              GtkWidget       *viewport,
              graphene_rect_t *bounds)
{
  GtkWidget *area = gtk_widget_get_ancestor (focus, ENR_TYPE_ERROR_AREA);
  GtkWidget *widget;

  if (area != NULL)
    return gtk_widget_compute_bounds (area, viewport, bounds);
  if (!gtk_widget_compute_bounds (focus, viewport, bounds))
    return FALSE;
  for (widget = focus; widget != NULL && widget != viewport;
       widget = gtk_widget_get_parent (widget))
    {
      GtkWidget *next = gtk_widget_get_next_sibling (widget);
      graphene_rect_t message;

      if (next != NULL && GTK_IS_LABEL (next) && gtk_widget_has_css_class (next, "help") &&
          gtk_widget_get_visible (next) && gtk_widget_compute_bounds (next, viewport, &message))
        {
          graphene_rect_union (bounds, &message, bounds);
          break;
        }
    }
  return TRUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                EnrPage       *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);
  GtkScrolledWindow *scrolled = scrolled_content (self);
  GtkWidget *focus = priv->root != NULL ? gtk_root_get_focus (priv->root) : NULL;
  GtkWidget *viewport;
  GtkAdjustment *adjustment;
  graphene_rect_t bounds;
  double value, page;

  g_clear_signal_handler (&priv->after_paint_id, clock);
  if (scrolled == NULL || focus == NULL || !gtk_widget_is_ancestor (focus, GTK_WIDGET (scrolled)))
    return;
  /* The viewport's own coordinates: 0 is the top of what shows. */
  viewport = gtk_scrolled_window_get_child (scrolled);
  if (viewport == NULL || !focus_bounds (focus, viewport, &bounds))
    return;

  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  value = gtk_adjustment_get_value (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  if (bounds.origin.y + bounds.size.height + SCROLL_MARGIN > page)
    value += bounds.origin.y + bounds.size.height + SCROLL_MARGIN - page;
  /* Taller than the view: its top shows, where the field is. */
  if (bounds.origin.y - SCROLL_MARGIN < value - gtk_adjustment_get_value (adjustment))
    value = gtk_adjustment_get_value (adjustment) + bounds.origin.y - SCROLL_MARGIN;
  gtk_adjustment_set_value (adjustment, value);
}

static void
focus_moved_cb (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (clock == NULL || priv->after_paint_id != 0 || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  priv->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb),
                                           self);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

static void
forget_root (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (priv->after_paint_id != 0 && clock != NULL)
    g_clear_signal_handler (&priv->after_paint_id, clock);
  priv->after_paint_id = 0;
  if (priv->root != NULL)
    g_signal_handlers_disconnect_by_func (priv->root, focus_moved_cb, self);
  priv->root = NULL;
}

static void
enr_page_root (GtkWidget *widget)
{
  EnrPage *self = ENR_PAGE (widget);
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  GTK_WIDGET_CLASS (enr_page_parent_class)->root (widget);
  priv->root = gtk_widget_get_root (widget);
  g_signal_connect_swapped (priv->root, "notify::focus-widget", G_CALLBACK (focus_moved_cb),
                            self);
}

static void
enr_page_unroot (GtkWidget *widget)
{
  forget_root (ENR_PAGE (widget));
  GTK_WIDGET_CLASS (enr_page_parent_class)->unroot (widget);
}

/* A page shown with its first field focused: that field too; and again
 * when the content grows, as when a QR code arrives above the focus. */
static void
enr_page_map (GtkWidget *widget)
{
  EnrPage *self = ENR_PAGE (widget);
  EnrPagePrivate *priv = enr_page_get_instance_private (self);
  GtkScrolledWindow *scrolled = scrolled_content (self);

  GTK_WIDGET_CLASS (enr_page_parent_class)->map (widget);
  if (scrolled != NULL)
    {
      priv->vadjustment = g_object_ref (gtk_scrolled_window_get_vadjustment (scrolled));
      g_signal_connect_swapped (priv->vadjustment, "notify::upper", G_CALLBACK (focus_moved_cb),
                                self);
    }
  focus_moved_cb (self);
}

static void
enr_page_unmap (GtkWidget *widget)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (ENR_PAGE (widget));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  if (priv->after_paint_id != 0 && clock != NULL)
    g_clear_signal_handler (&priv->after_paint_id, clock);
  priv->after_paint_id = 0;
  if (priv->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (priv->vadjustment, focus_moved_cb, widget);
  g_clear_object (&priv->vadjustment);
  GTK_WIDGET_CLASS (enr_page_parent_class)->unmap (widget);
}

static void
status_cancel_cb (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_cancellable_cancel (priv->wait_cancellable);
}

/* The status line goes under the page's content, after the subclass's
 * template: it shows whatever the scroll position, next to the buttons
 * the citizen just pressed. */
static void
add_status_line (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);
  GtkWidget *content = gtk_widget_get_first_child (GTK_WIDGET (self));

  if (content != NULL)
    gtk_widget_set_vexpand (content, TRUE);

  /* A grid, not a horizontal box: its text wraps (enr-ui.h). */
  priv->status_box = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (priv->status_box), 12);
  gtk_widget_add_css_class (priv->status_box, "page-status");
  gtk_widget_set_visible (priv->status_box, FALSE);
  priv->status_spinner = GTK_SPINNER (gtk_spinner_new ());
  gtk_widget_set_valign (GTK_WIDGET (priv->status_spinner), GTK_ALIGN_CENTER);
  gtk_grid_attach (GTK_GRID (priv->status_box), GTK_WIDGET (priv->status_spinner), 0, 0, 1, 1);
  priv->status_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (priv->status_label, TRUE);
  gtk_label_set_xalign (priv->status_label, 0);
  /* It can take the focus, so that a screen reader reads it when a wait
   * starts (GTK 4.8 has no way to announce a text); select-on-focus is off
   * (enr-application.c), so nothing shows selected. */
  gtk_label_set_selectable (priv->status_label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (priv->status_label), TRUE);
  gtk_widget_set_name (GTK_WIDGET (priv->status_label), "page-status");
  gtk_grid_attach (GTK_GRID (priv->status_box), GTK_WIDGET (priv->status_label), 1, 0, 1, 1);
  priv->status_cancel = GTK_BUTTON (gtk_button_new_with_mnemonic (_("_Cancel")));
  gtk_widget_set_valign (GTK_WIDGET (priv->status_cancel), GTK_ALIGN_CENTER);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (priv->status_cancel),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, priv->status_label, NULL,
                                  -1);
  g_signal_connect_swapped (priv->status_cancel, "clicked", G_CALLBACK (status_cancel_cb), self);
  gtk_grid_attach (GTK_GRID (priv->status_box), GTK_WIDGET (priv->status_cancel), 2, 0, 1, 1);
  gtk_widget_set_parent (priv->status_box, GTK_WIDGET (self));
}

static void
enr_page_constructed (GObject *object)
{
  G_OBJECT_CLASS (enr_page_parent_class)->constructed (object);
  add_status_line (ENR_PAGE (object));
  name_content (ENR_PAGE (object));
}

static void
enr_page_real_show_error (EnrPage      *self,
                          const GError *error)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  if (priv->error_area != NULL)
    enr_error_area_show_error (ENR_ERROR_AREA (priv->error_area), error, ENR_ERROR_ACTION_NONE);
  else
    g_warning ("%s has no error area for: %s", G_OBJECT_TYPE_NAME (self), error->message);
}

static void
enr_page_real_apply_async (EnrPage             *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, enr_page_real_apply_async);
  g_task_return_boolean (task, TRUE);
}

static gboolean
enr_page_real_apply_finish (EnrPage       *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
enr_page_dispose (GObject *object)
{
  EnrPage *self = ENR_PAGE (object);
  EnrPagePrivate *priv = enr_page_get_instance_private (self);
  GtkWidget *child;

  /* A page outlives its window while a call holds it; the session's
   * notifications must not reach its disposed children. */
  if (priv->session != NULL)
    g_signal_handlers_disconnect_by_data (priv->session, self);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  priv->error_area = NULL;
  priv->status_box = NULL;
  priv->status_spinner = NULL;
  priv->status_label = NULL;
  priv->status_cancel = NULL;
  g_clear_object (&priv->wait_cancellable);
  g_clear_weak_pointer (&priv->focus_before);

  G_OBJECT_CLASS (enr_page_parent_class)->dispose (object);
}

static void
enr_page_finalize (GObject *object)
{
  EnrPage *self = ENR_PAGE (object);
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_clear_object (&priv->session);
  g_clear_pointer (&priv->title, g_free);
  g_clear_pointer (&priv->next_label, g_free);

  G_OBJECT_CLASS (enr_page_parent_class)->finalize (object);
}

static void
enr_page_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  EnrPage *self = ENR_PAGE (object);
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, priv->session);
      break;
    case PROP_TITLE:
      g_value_set_string (value, priv->title);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, priv->complete);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, priv->busy || priv->waiting);
      break;
    case PROP_NEXT_LABEL:
      g_value_set_string (value, priv->next_label);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_page_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  EnrPage *self = ENR_PAGE (object);
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_SESSION:
      priv->session = g_value_dup_object (value);
      break;
    case PROP_TITLE:
      enr_page_set_title (self, g_value_get_string (value));
      break;
    case PROP_COMPLETE:
      enr_page_set_complete (self, g_value_get_boolean (value));
      break;
    case PROP_BUSY:
      enr_page_set_busy (self, g_value_get_boolean (value));
      break;
    case PROP_NEXT_LABEL:
      enr_page_set_next_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_page_class_init (EnrPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = enr_page_constructed;
  object_class->dispose = enr_page_dispose;
  object_class->finalize = enr_page_finalize;
  object_class->get_property = enr_page_get_property;
  object_class->set_property = enr_page_set_property;
  widget_class->root = enr_page_root;
  widget_class->unroot = enr_page_unroot;
  widget_class->map = enr_page_map;
  widget_class->unmap = enr_page_unmap;

  klass->apply_async = enr_page_real_apply_async;
  klass->apply_finish = enr_page_real_apply_finish;
  klass->show_error = enr_page_real_show_error;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ENR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NEXT_LABEL] =
    g_param_spec_string ("next-label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static void
enr_page_init (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  priv->next_label = g_strdup (_("_Next"));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (
                                    GTK_WIDGET (self))), GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

EnrSession *
enr_page_get_session (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_val_if_fail (ENR_IS_PAGE (self), NULL);
  return priv->session;
}

const char *
enr_page_get_title (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_val_if_fail (ENR_IS_PAGE (self), NULL);
  return priv->title;
}

void
enr_page_set_title (EnrPage    *self,
                    const char *title)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_if_fail (ENR_IS_PAGE (self));

  if (!set_string (&priv->title, title))
    return;
  name_content (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

gboolean
enr_page_get_complete (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_val_if_fail (ENR_IS_PAGE (self), FALSE);
  return priv->complete;
}

void
enr_page_set_complete (EnrPage  *self,
                       gboolean  complete)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_if_fail (ENR_IS_PAGE (self));

  complete = !!complete;
  if (priv->complete == complete)
    return;
  priv->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

gboolean
enr_page_get_busy (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_val_if_fail (ENR_IS_PAGE (self), FALSE);
  return priv->busy || priv->waiting;
}

/* Busy for assistive technology too: the page, while it waits. */
static void
update_busy (EnrPage  *self,
             gboolean  was_busy)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);
  gboolean busy = priv->busy || priv->waiting;

  if (busy == was_busy)
    return;
  gtk_accessible_update_state (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_STATE_BUSY, busy, -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
enr_page_set_busy (EnrPage  *self,
                   gboolean  busy)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);
  gboolean was_busy;

  g_return_if_fail (ENR_IS_PAGE (self));

  was_busy = priv->busy || priv->waiting;
  priv->busy = !!busy;
  update_busy (self, was_busy);
}

const char *
enr_page_get_next_label (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_val_if_fail (ENR_IS_PAGE (self), NULL);
  return priv->next_label;
}

void
enr_page_set_next_label (EnrPage    *self,
                         const char *label)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_if_fail (ENR_IS_PAGE (self));

  if (set_string (&priv->next_label, label))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEXT_LABEL]);
}

void
enr_page_set_error_area (EnrPage   *self,
                         GtkWidget *error_area)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_if_fail (ENR_IS_PAGE (self));
  g_return_if_fail (error_area == NULL || ENR_IS_ERROR_AREA (error_area));

  priv->error_area = error_area;
}

GtkWidget *
enr_page_get_error_area (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_val_if_fail (ENR_IS_PAGE (self), NULL);
  return priv->error_area;
}

void
enr_page_shown (EnrPage *self)
{
  g_return_if_fail (ENR_IS_PAGE (self));

  if (ENR_PAGE_GET_CLASS (self)->shown != NULL)
    ENR_PAGE_GET_CLASS (self)->shown (self);
}

void
enr_page_hidden (EnrPage *self)
{
  g_return_if_fail (ENR_IS_PAGE (self));

  if (ENR_PAGE_GET_CLASS (self)->hidden != NULL)
    ENR_PAGE_GET_CLASS (self)->hidden (self);
}

void
enr_page_apply_async (EnrPage             *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_return_if_fail (ENR_IS_PAGE (self));

  enr_page_clear_error (self);
  ENR_PAGE_GET_CLASS (self)->apply_async (self, cancellable, callback, user_data);
}

gboolean
enr_page_apply_finish (EnrPage       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (ENR_IS_PAGE (self), FALSE);
  return ENR_PAGE_GET_CLASS (self)->apply_finish (self, result, error);
}

void
enr_page_show_error (EnrPage      *self,
                     const GError *error)
{
  g_return_if_fail (ENR_IS_PAGE (self));
  g_return_if_fail (error != NULL);

  ENR_PAGE_GET_CLASS (self)->show_error (self, error);
}

void
enr_page_clear_error (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_if_fail (ENR_IS_PAGE (self));

  if (priv->error_area != NULL)
    enr_error_area_clear (ENR_ERROR_AREA (priv->error_area));
}

/* An apply that is one session action. */
typedef struct
{
  EnrPageSessionFinish finish;
} SessionApply;

GTask *
enr_page_session_apply_new (EnrPage              *self,
                            EnrPageSessionFinish  finish,
                            GCancellable         *cancellable,
                            GAsyncReadyCallback   callback,
                            gpointer              user_data)
{
  GTask *task;
  SessionApply *apply;

  g_return_val_if_fail (ENR_IS_PAGE (self), NULL);
  g_return_val_if_fail (finish != NULL, NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_page_session_apply_new);
  apply = g_new0 (SessionApply, 1);
  apply->finish = finish;
  g_task_set_task_data (task, apply, g_free);
  return task;
}

void
enr_page_session_done_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SessionApply *apply = g_task_get_task_data (task);
  GError *error = NULL;

  if (apply->finish (ENR_SESSION (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
grab_focus_cb (gpointer user_data)
{
  g_autoptr(GtkWidget) widget = user_data;

  if (gtk_widget_get_mapped (widget))
    gtk_widget_grab_focus (widget);
  /* No page opens with its text selected. */
  if (GTK_IS_LABEL (widget) && gtk_label_get_selectable (GTK_LABEL (widget)))
    gtk_label_select_region (GTK_LABEL (widget), 0, 0);
  return G_SOURCE_REMOVE;
}

void
enr_page_focus (EnrPage   *self,
                GtkWidget *widget)
{
  g_return_if_fail (ENR_IS_PAGE (self));
  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* GtkAssistant maps the page after "prepare": focus once it is shown. */
  g_idle_add (grab_focus_cb, g_object_ref (widget));
}

void
enr_page_focus_default (EnrPage *self)
{
  GtkRoot *root;
  GtkWidget *button;

  g_return_if_fail (ENR_IS_PAGE (self));

  root = gtk_widget_get_root (GTK_WIDGET (self));
  button = GTK_IS_WINDOW (root) ? gtk_window_get_default_widget (GTK_WINDOW (root)) : NULL;
  if (button != NULL)
    enr_page_focus (self, button);
}

static void
show_status_line (EnrPage    *self,
                  const char *text,
                  gboolean    waiting,
                  gboolean    can_cancel)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  if (priv->status_box == NULL)
    return;
  gtk_label_set_text (priv->status_label, text != NULL ? text : "");
  gtk_spinner_set_spinning (priv->status_spinner, waiting);
  gtk_widget_set_visible (GTK_WIDGET (priv->status_spinner), waiting);
  gtk_widget_set_visible (GTK_WIDGET (priv->status_cancel), can_cancel);
  gtk_widget_set_visible (priv->status_box, text != NULL && *text != '\0');
}

void
enr_page_begin_wait (EnrPage      *self,
                     const char   *sentence,
                     GCancellable *cancellable)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);
  gboolean was_busy;
  GtkWidget *focus = NULL;

  g_return_if_fail (ENR_IS_PAGE (self));
  g_return_if_fail (sentence != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  was_busy = priv->busy || priv->waiting;
  priv->waiting = TRUE;
  g_set_object (&priv->wait_cancellable, cancellable);
  show_status_line (self, sentence, TRUE, cancellable != NULL);

  /* The sentence is read out: the focus goes to it, or to the Cancel
   * that it describes, from a button that is insensitive now. */
  if (priv->root != NULL)
    focus = gtk_root_get_focus (priv->root);
  if (priv->status_box != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      (focus == NULL || !gtk_widget_is_ancestor (focus, priv->status_box)))
    {
      g_set_weak_pointer (&priv->focus_before, focus);
      gtk_widget_grab_focus (cancellable != NULL ? GTK_WIDGET (priv->status_cancel)
                                                 : GTK_WIDGET (priv->status_label));
      gtk_label_select_region (priv->status_label, 0, 0);
    }
  update_busy (self, was_busy);
}

void
enr_page_end_wait (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);
  GtkWidget *focus = NULL;
  gboolean was_busy;

  g_return_if_fail (ENR_IS_PAGE (self));

  if (!priv->waiting)
    return;
  was_busy = priv->busy || priv->waiting;
  priv->waiting = FALSE;
  g_clear_object (&priv->wait_cancellable);
  if (priv->root != NULL)
    focus = gtk_root_get_focus (priv->root);
  show_status_line (self, NULL, FALSE, FALSE);
  update_busy (self, was_busy);
  /* Nobody moved the focus on (to a field in error, the next page): back
   * to where it was. */
  if (focus != NULL && priv->status_box != NULL && gtk_widget_is_ancestor (focus, priv->status_box) &&
      priv->focus_before != NULL && gtk_widget_get_mapped (priv->focus_before))
    gtk_widget_grab_focus (priv->focus_before);
  g_clear_weak_pointer (&priv->focus_before);
}

void
enr_page_show_status (EnrPage    *self,
                      const char *text)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_if_fail (ENR_IS_PAGE (self));

  if (priv->waiting)
    return;
  show_status_line (self, text, FALSE, FALSE);
}

void
enr_page_show_saved (EnrPage *self,
                     GFile   *file)
{
  g_autofree char *where = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (ENR_IS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  where = g_file_get_parse_name (file);
  /* Translators: %s is where a file was saved, such as /home/an/contract.pdf. */
  text = g_strdup_printf (_("Saved: %s"), where);
  enr_page_show_status (self, text);
}

const char *
enr_page_get_status (EnrPage *self)
{
  EnrPagePrivate *priv = enr_page_get_instance_private (self);

  g_return_val_if_fail (ENR_IS_PAGE (self), NULL);

  if (priv->status_box == NULL || !gtk_widget_get_visible (priv->status_box))
    return NULL;
  return gtk_label_get_text (priv->status_label);
}
