/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-signature-canvas"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "enr-signature-canvas.h"

typedef enum
{
  DRAG_NONE,
  DRAG_MOVE,      /* began inside the box */
  DRAG_DRAW,      /* began on the page, and has gone far enough to draw */
  DRAG_CLICK,     /* began on the page, and has not moved yet */
} DragMode;

struct _EnrSignatureCanvas
{
  GtkWidget        parent_instance;

  double           page_width;      /* points */
  double           page_height;
  EnrPageImage    *picture;
  EnrSignatureBox  box;
  int              render_width;

  DragMode         drag_mode;
  EnrSignatureBox  drag_box;        /* the box when the drag began */
  double           drag_x;          /* where it began, in points */
  double           drag_y;
};

G_DEFINE_FINAL_TYPE (EnrSignatureCanvas, enr_signature_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RENDER_WIDTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  BOX_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Room around the page for the focus ring of a box at the page's edge. */
#define PAGE_MARGIN 8
/* A press that moves less than this (in pixels) is a click. */
#define DRAG_THRESHOLD 4
/* The frame is drawn on the paper, which is white in any theme, so its
 * colours are fixed: a blue with more than 4.5:1 contrast on white, the
 * text darker still. */
static const GdkRGBA paper = { 1, 1, 1, 1 };
static const GdkRGBA paper_edge = { 0, 0, 0, 0.35 };
static const GdkRGBA hint_colour = { 0, 0, 0, 0.6 };
static const GdkRGBA frame_colour = { 0.102, 0.373, 0.706, 1 };      /* #1a5fb4 */
static const GdkRGBA fill_colour = { 0.102, 0.373, 0.706, 0.12 };
static const GdkRGBA text_colour = { 0.055, 0.2, 0.4, 1 };
static const GdkRGBA halo_colour = { 1, 1, 1, 0.9 };

/* Where the page is on the canvas, and how many pixels a point is. */
static gboolean
page_geometry (EnrSignatureCanvas *self,
               double             *origin_x,
               double             *origin_y,
               double             *scale)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double s;

  if (self->page_width <= 0 || self->page_height <= 0 ||
      width <= 2 * PAGE_MARGIN || height <= 2 * PAGE_MARGIN)
    return FALSE;

  s = MIN ((width - 2 * PAGE_MARGIN) / self->page_width,
           (height - 2 * PAGE_MARGIN) / self->page_height);
  *origin_x = round ((width - self->page_width * s) / 2);
  *origin_y = round ((height - self->page_height * s) / 2);
  *scale = s;
  return TRUE;
}

gboolean
enr_signature_canvas_page_to_widget (EnrSignatureCanvas *self,
                                     double              x,
                                     double              y,
                                     double             *widget_x,
                                     double             *widget_y)
{
  double origin_x, origin_y, scale;

  g_return_val_if_fail (ENR_IS_SIGNATURE_CANVAS (self), FALSE);

  if (!page_geometry (self, &origin_x, &origin_y, &scale))
    return FALSE;
  if (widget_x != NULL)
    *widget_x = origin_x + x * scale;
  if (widget_y != NULL)
    *widget_y = origin_y + (self->page_height - y) * scale;
  return TRUE;
}

static gboolean
widget_to_page (EnrSignatureCanvas *self,
                double              widget_x,
                double              widget_y,
                double             *x,
                double             *y)
{
  double origin_x, origin_y, scale;

  if (!page_geometry (self, &origin_x, &origin_y, &scale))
    return FALSE;
  *x = CLAMP ((widget_x - origin_x) / scale, 0, self->page_width);
  *y = CLAMP (self->page_height - (widget_y - origin_y) / scale, 0, self->page_height);
  return TRUE;
}

static graphene_rect_t
box_on_canvas (EnrSignatureCanvas *self)
{
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;

  enr_signature_canvas_page_to_widget (self, self->box.x1, self->box.y2, &x1, &y1);
  enr_signature_canvas_page_to_widget (self, self->box.x2, self->box.y1, &x2, &y2);
  return GRAPHENE_RECT_INIT (x1, y1, x2 - x1, y2 - y1);
}

static void
update_render_width (EnrSignatureCanvas *self)
{
  double origin_x, origin_y, scale;
  int render_width = 0;

  if (page_geometry (self, &origin_x, &origin_y, &scale))
    render_width = (int) ceil (self->page_width * scale) *
                   gtk_widget_get_scale_factor (GTK_WIDGET (self));

  if (render_width == self->render_width)
    return;
  self->render_width = render_width;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RENDER_WIDTH]);
}

static void
set_box_from_drag (EnrSignatureCanvas    *self,
                   const EnrSignatureBox *box)
{
  if (enr_signature_box_equal (box, &self->box))
    return;
  self->box = *box;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[BOX_CHANGED], 0);
}

/* The mouse. The handlers use their arguments only, not the gesture's
 * state, so that a test can emit the gesture's signals as a drag does. */

static void
drag_begin_cb (GtkGestureDrag     *gesture,
               double              start_x,
               double              start_y,
               EnrSignatureCanvas *self)
{
  if (!widget_to_page (self, start_x, start_y, &self->drag_x, &self->drag_y))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->drag_box = self->box;
  self->drag_mode = enr_signature_box_contains (&self->box, self->drag_x, self->drag_y)
                    ? DRAG_MOVE : DRAG_CLICK;
}

static void
drag_update_cb (GtkGestureDrag     *gesture,
                double              offset_x,
                double              offset_y,
                EnrSignatureCanvas *self)
{
  EnrSignatureBox box = self->drag_box;
  double origin_x, origin_y, scale;

  if (self->drag_mode == DRAG_NONE || !page_geometry (self, &origin_x, &origin_y, &scale))
    return;

  if (self->drag_mode == DRAG_CLICK && hypot (offset_x, offset_y) >= DRAG_THRESHOLD)
    self->drag_mode = DRAG_DRAW;

  if (self->drag_mode == DRAG_MOVE)
    enr_signature_box_move (&box, offset_x / scale, -offset_y / scale,
                            self->page_width, self->page_height);
  else if (self->drag_mode == DRAG_DRAW)
    enr_signature_box_from_corners (&box, self->drag_x, self->drag_y,
                                    self->drag_x + offset_x / scale,
                                    self->drag_y - offset_y / scale,
                                    self->page_width, self->page_height);
  else
    return;

  set_box_from_drag (self, &box);
}

static void
drag_end_cb (GtkGestureDrag     *gesture,
             double              offset_x,
             double              offset_y,
             EnrSignatureCanvas *self)
{
  drag_update_cb (gesture, offset_x, offset_y, self);

  /* A click on the page puts the box, as it is, where the click was. */
  if (self->drag_mode == DRAG_CLICK)
    {
      EnrSignatureBox box = self->drag_box;

      enr_signature_box_move (&box,
                              self->drag_x - (box.x1 + box.x2) / 2,
                              self->drag_y - (box.y1 + box.y2) / 2,
                              self->page_width, self->page_height);
      set_box_from_drag (self, &box);
    }
  self->drag_mode = DRAG_NONE;
}

static void
drag_cancel_cb (GtkGesture         *gesture,
                GdkEventSequence   *sequence,
                EnrSignatureCanvas *self)
{
  self->drag_mode = DRAG_NONE;
}

/* The pointer says what a drag would do. */
static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           EnrSignatureCanvas       *self)
{
  double page_x, page_y;
  const char *cursor = NULL;

  if (widget_to_page (self, x, y, &page_x, &page_y))
    cursor = enr_signature_box_contains (&self->box, page_x, page_y) ? "move" : "crosshair";
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), cursor);
}

/* Drawing. */

static void
append_frame (GtkSnapshot           *snapshot,
              const graphene_rect_t *rect,
              float                  outset,
              float                  width,
              const GdkRGBA         *colour)
{
  GskRoundedRect outline;
  const float widths[4] = { width, width, width, width };
  const GdkRGBA colours[4] = { *colour, *colour, *colour, *colour };
  graphene_rect_t bounds;

  graphene_rect_inset_r (rect, -outset, -outset, &bounds);
  gsk_rounded_rect_init_from_rect (&outline, &bounds, 0);
  gtk_snapshot_append_border (snapshot, &outline, widths, colours);
}

/* @text centred in @rect, on one line, cut to fit. */
static void
append_words (GtkWidget             *widget,
              GtkSnapshot           *snapshot,
              const char            *text,
              const graphene_rect_t *rect,
              const GdkRGBA         *colour)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  int text_width, text_height;

  if (rect->size.width <= 8 || rect->size.height <= 4)
    return;

  pango_layout_set_width (layout, (int) ((rect->size.width - 8) * PANGO_SCALE));
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (layout, &text_width, &text_height);

  gtk_snapshot_push_clip (snapshot, rect);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (rect->origin.x + 4,
                                                rect->origin.y +
                                                (rect->size.height - text_height) / 2));
  gtk_snapshot_append_layout (snapshot, layout, colour);
  gtk_snapshot_restore (snapshot);
  gtk_snapshot_pop (snapshot);
}

static void
enr_signature_canvas_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  EnrSignatureCanvas *self = ENR_SIGNATURE_CANVAS (widget);
  double origin_x, origin_y, scale;
  graphene_rect_t page, box;

  if (!page_geometry (self, &origin_x, &origin_y, &scale))
    return;

  page = GRAPHENE_RECT_INIT (origin_x, origin_y, self->page_width * scale,
                             self->page_height * scale);
  append_frame (snapshot, &page, 1, 1, &paper_edge);
  gtk_snapshot_append_color (snapshot, &paper, &page);
  if (self->picture != NULL)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &page.origin);
      gdk_paintable_snapshot (GDK_PAINTABLE (self->picture), snapshot,
                              page.size.width, page.size.height);
      gtk_snapshot_restore (snapshot);
    }
  else
    append_words (widget, snapshot, _("Drawing the page…"), &page, &hint_colour);

  /* The box is a frame with words in it, whatever the colours; the focus
   * is a second frame around it. Each frame has a white edge, to be seen
   * on a dark page too. */
  box = box_on_canvas (self);
  gtk_snapshot_append_color (snapshot, &fill_colour, &box);
  append_frame (snapshot, &box, 1, 1, &halo_colour);
  append_frame (snapshot, &box, 0, 2, &frame_colour);
  append_words (widget, snapshot, _("Your signature"), &box, &text_colour);
  if (gtk_widget_has_focus (widget))
    {
      append_frame (snapshot, &box, 6, 1, &halo_colour);
      append_frame (snapshot, &box, 5, 2, &frame_colour);
    }
}

static void
enr_signature_canvas_state_flags_changed (GtkWidget     *widget,
                                          GtkStateFlags  previous)
{
  GtkStateFlags now = gtk_widget_get_state_flags (widget);

  if ((now ^ previous) & (GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE))
    gtk_widget_queue_draw (widget);
  GTK_WIDGET_CLASS (enr_signature_canvas_parent_class)->state_flags_changed (widget, previous);
}

static GtkSizeRequestMode
enr_signature_canvas_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
enr_signature_canvas_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  EnrSignatureCanvas *self = ENR_SIGNATURE_CANVAS (widget);

  /* Small enough for a narrow window; the page takes what it is given. */
  *minimum = 160;
  *natural = 420;
  if (orientation == GTK_ORIENTATION_VERTICAL && self->page_width > 0)
    {
      int width = for_size >= 0 ? for_size : 420;

      *natural = MAX (*minimum, (int) ceil ((width - 2 * PAGE_MARGIN) * self->page_height /
                                            self->page_width) + 2 * PAGE_MARGIN);
    }
}

static void
enr_signature_canvas_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  update_render_width (ENR_SIGNATURE_CANVAS (widget));
}

static void
scale_factor_changed_cb (EnrSignatureCanvas *self)
{
  update_render_width (self);
}

static void
enr_signature_canvas_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  EnrSignatureCanvas *self = ENR_SIGNATURE_CANVAS (object);

  switch (prop_id)
    {
    case PROP_RENDER_WIDTH:
      g_value_set_int (value, self->render_width);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_signature_canvas_finalize (GObject *object)
{
  EnrSignatureCanvas *self = ENR_SIGNATURE_CANVAS (object);

  g_clear_object (&self->picture);
  G_OBJECT_CLASS (enr_signature_canvas_parent_class)->finalize (object);
}

/* The arrow keys, and which way each moves the box (y up, as in a PDF). */
static const struct
{
  guint  keyvals[2];
  double dx;
  double dy;
} arrows[] = {
  { { GDK_KEY_Left, GDK_KEY_KP_Left }, -1, 0 },
  { { GDK_KEY_Right, GDK_KEY_KP_Right }, 1, 0 },
  { { GDK_KEY_Up, GDK_KEY_KP_Up }, 0, 1 },
  { { GDK_KEY_Down, GDK_KEY_KP_Down }, 0, -1 },
};

static void
enr_signature_canvas_class_init (EnrSignatureCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = enr_signature_canvas_finalize;
  object_class->get_property = enr_signature_canvas_get_property;

  widget_class->snapshot = enr_signature_canvas_snapshot;
  widget_class->state_flags_changed = enr_signature_canvas_state_flags_changed;
  widget_class->get_request_mode = enr_signature_canvas_get_request_mode;
  widget_class->measure = enr_signature_canvas_measure;
  widget_class->size_allocate = enr_signature_canvas_size_allocate;

  properties[PROP_RENDER_WIDTH] =
    g_param_spec_int ("render-width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[BOX_CHANGED] = g_signal_new ("box-changed", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* The keys act on the focused page only: in the spin button and the
   * list around it, the arrows keep their own meaning. */
  for (guint i = 0; i < G_N_ELEMENTS (arrows); i++)
    for (guint k = 0; k < 2; k++)
      {
        guint keyval = arrows[i].keyvals[k];
        double dx = arrows[i].dx, dy = arrows[i].dy;

        gtk_widget_class_add_binding_action (widget_class, keyval, 0,
                                             "placer.move", "(dd)", 10 * dx, 10 * dy);
        gtk_widget_class_add_binding_action (widget_class, keyval, GDK_CONTROL_MASK,
                                             "placer.move", "(dd)", dx, dy);
        /* Right and Down grow the box, as they grow a window. */
        gtk_widget_class_add_binding_action (widget_class, keyval, GDK_SHIFT_MASK,
                                             "placer.resize", "(dd)", 10 * dx, -10 * dy);
        gtk_widget_class_add_binding_action (widget_class, keyval,
                                             GDK_SHIFT_MASK | GDK_CONTROL_MASK,
                                             "placer.resize", "(dd)", dx, -dy);
      }
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0,
                                       "placer.previous-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Page_Up, 0,
                                       "placer.previous-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0,
                                       "placer.next-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Page_Down, 0,
                                       "placer.next-page", NULL);

  gtk_widget_class_set_css_name (widget_class, "signaturecanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
enr_signature_canvas_init (EnrSignatureCanvas *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (drag_cancel_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (scale_factor_changed_cb), NULL);
}

GtkWidget *
enr_signature_canvas_new (void)
{
  return g_object_new (ENR_TYPE_SIGNATURE_CANVAS, NULL);
}

void
enr_signature_canvas_set_page (EnrSignatureCanvas *self,
                               double              width,
                               double              height,
                               EnrPageImage       *picture)
{
  g_return_if_fail (ENR_IS_SIGNATURE_CANVAS (self));
  g_return_if_fail (picture == NULL || ENR_IS_PAGE_IMAGE (picture));

  g_set_object (&self->picture, picture);
  if (width != self->page_width || height != self->page_height)
    {
      self->page_width = MAX (width, 0);
      self->page_height = MAX (height, 0);
      self->drag_mode = DRAG_NONE;
      gtk_widget_queue_resize (GTK_WIDGET (self));
      update_render_width (self);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

EnrPageImage *
enr_signature_canvas_get_picture (EnrSignatureCanvas *self)
{
  g_return_val_if_fail (ENR_IS_SIGNATURE_CANVAS (self), NULL);
  return self->picture;
}

void
enr_signature_canvas_set_box (EnrSignatureCanvas    *self,
                              const EnrSignatureBox *box)
{
  g_return_if_fail (ENR_IS_SIGNATURE_CANVAS (self));
  g_return_if_fail (box != NULL);

  self->box = *box;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const EnrSignatureBox *
enr_signature_canvas_get_box (EnrSignatureCanvas *self)
{
  g_return_val_if_fail (ENR_IS_SIGNATURE_CANVAS (self), NULL);
  return &self->box;
}

int
enr_signature_canvas_get_render_width (EnrSignatureCanvas *self)
{
  g_return_val_if_fail (ENR_IS_SIGNATURE_CANVAS (self), 0);
  return self->render_width;
}
