/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-signature-placer"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "enr-signature-box.h"
#include "enr-signature-canvas.h"
#include "enr-signature-document.h"
#include "enr-signature-placer.h"

struct _EnrSignaturePlacer
{
  GtkWidget           parent_instance;

  GtkWidget          *controls;
  GtkSpinButton      *page_spin;
  GtkLabel           *n_pages_label;
  GtkDropDown        *place_dropdown;
  GtkStack           *stack;
  EnrSignatureCanvas *canvas;
  GtkLabel           *message_label;
  GtkLabel           *where_label;

  GBytes             *pdf;
  GError             *error;
  gboolean            loading;
  guint               n_pages;
  double             *page_sizes;         /* width, height in points, per page */

  guint               page;
  EnrSignatureBox     box;
  gboolean            syncing;            /* the controls follow the placement */

  int                 rendered_width;     /* of the picture shown, 0: none yet */
  int                 rendering_width;    /* of the render on its way, if any */
  guint               render_source;
  GCancellable       *load_cancellable;
  GCancellable       *render_cancellable;
};

G_DEFINE_FINAL_TYPE (EnrSignaturePlacer, enr_signature_placer, GTK_TYPE_WIDGET)

G_DEFINE_QUARK (enr-signature-placer-error-quark, enr_signature_placer_error)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_PAGES,
  PROP_PAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PLACEMENT_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Resizing a window sends many allocations; render once it settles. */
#define RENDER_DELAY_MS 120

/* The usual places, in the order of the enum and of the list. */
static const struct
{
  const char *id;       /* placer.place's parameter */
  const char *label;    /* in the list */
  const char *phrase;   /* in the sentence that says where the box is */
} places[ENR_SIGNATURE_N_PLACES] = {
  /* Translators: where the signature goes on the page, in the "Place" list. */
  [ENR_SIGNATURE_PLACE_BOTTOM_RIGHT] = { "bottom-right", N_("Bottom right"), N_("bottom right") },
  [ENR_SIGNATURE_PLACE_BOTTOM_LEFT] = { "bottom-left", N_("Bottom left"), N_("bottom left") },
  [ENR_SIGNATURE_PLACE_BOTTOM_CENTRE] = { "bottom-centre", N_("Bottom centre"),
                                          N_("bottom centre") },
  [ENR_SIGNATURE_PLACE_TOP_RIGHT] = { "top-right", N_("Top right"), N_("top right") },
  [ENR_SIGNATURE_PLACE_TOP_LEFT] = { "top-left", N_("Top left"), N_("top left") },
};

/* The document and its pictures. */

static double
page_width (EnrSignaturePlacer *self,
            guint               page)
{
  return self->page_sizes[2 * page];
}

static double
page_height (EnrSignaturePlacer *self,
             guint               page)
{
  return self->page_sizes[2 * page + 1];
}

static gboolean
has_placement (EnrSignaturePlacer *self)
{
  return self->n_pages > 0 && !self->loading && self->error == NULL;
}

static void
render_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  EnrSignaturePlacer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(EnrPageImage) picture = NULL;

  /* Cancelled (a newer render, another page or document, dispose): the
   * placer may be gone, so nothing of it is touched. */
  picture = enr_signature_document_render_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Not cancelled: the latest render, of this page. */
  g_clear_object (&self->render_cancellable);
  if (picture == NULL)
    {
      g_debug ("cannot render page %u: %s", self->page, error->message);
      return;
    }
  /* Shown even if the canvas has changed size since: its notify has
   * scheduled another render, and a picture a little off beats none. */
  enr_signature_canvas_set_page (self->canvas, page_width (self, self->page),
                                 page_height (self, self->page), picture);
  self->rendered_width = self->rendering_width;
}

static void
render_now (EnrSignaturePlacer *self)
{
  int width = enr_signature_canvas_get_render_width (self->canvas);

  g_clear_handle_id (&self->render_source, g_source_remove);
  /* Not allocated yet: the canvas's notify::render-width comes back. */
  if (!has_placement (self) || width <= 0 || width == self->rendered_width)
    return;
  if (self->render_cancellable != NULL && width == self->rendering_width)
    return;

  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  self->render_cancellable = g_cancellable_new ();
  self->rendering_width = width;
  /* No reference on self: dispose cancels instead, and a closed window's
   * placer does not wait for a 100-page document's thread. */
  enr_signature_document_render_async (self->pdf, self->page, width, self->render_cancellable,
                                       render_cb, self);
}

static gboolean
render_timeout_cb (gpointer user_data)
{
  EnrSignaturePlacer *self = user_data;

  self->render_source = 0;
  render_now (self);
  return G_SOURCE_REMOVE;
}

/* The first picture of a page is wanted at once; a new one for a new
 * size, once the size settles. */
static void
render_width_changed_cb (EnrSignaturePlacer *self)
{
  g_clear_handle_id (&self->render_source, g_source_remove);
  if (self->rendered_width == 0)
    render_now (self);
  else
    self->render_source = g_timeout_add (RENDER_DELAY_MS, render_timeout_cb, self);
}

/* Words for where the box is, for the eyes and for a screen reader. */
static char *
describe_placement (EnrSignaturePlacer *self)
{
  EnrSignaturePlace place;
  int width = (int) round (enr_signature_box_get_width (&self->box));
  int height = (int) round (enr_signature_box_get_height (&self->box));

  if (enr_signature_box_find_place (&self->box, page_width (self, self->page),
                                    page_height (self, self->page), &place))
    /* Translators: the page, the page count, a place such as “bottom right”,
     * and the box's width and height in points (1/72 inch). */
    return g_strdup_printf (_("Signature on page %u of %u, %s, %d by %d points"),
                            self->page + 1, self->n_pages, _(places[place].phrase),
                            width, height);

  /* Translators: the page, the page count, the box's distances from the
   * page's left and bottom edges, then its width and height, in points. */
  return g_strdup_printf (_("Signature on page %u of %u, %d points from the left and %d from "
                            "the bottom, %d by %d points"),
                          self->page + 1, self->n_pages, (int) round (self->box.x1),
                          (int) round (self->box.y1), width, height);
}

static void
sync_controls (EnrSignaturePlacer *self)
{
  gboolean placing = has_placement (self);
  EnrSignaturePlace place;
  guint selected = GTK_INVALID_LIST_POSITION;
  g_autofree char *n_pages = NULL;
  g_autofree char *where = NULL;

  self->syncing = TRUE;
  gtk_widget_set_sensitive (self->controls, placing);
  gtk_widget_set_visible (GTK_WIDGET (self->where_label), placing);
  gtk_spin_button_set_range (self->page_spin, 1, MAX (self->n_pages, 1));
  gtk_spin_button_set_value (self->page_spin, placing ? self->page + 1 : 1);
  n_pages = g_strdup_printf (_("of %u"), self->n_pages);
  gtk_label_set_text (self->n_pages_label, placing ? n_pages : "");

  if (placing)
    {
      if (enr_signature_box_find_place (&self->box, page_width (self, self->page),
                                        page_height (self, self->page), &place))
        selected = place;
      where = describe_placement (self);
      gtk_label_set_text (self->where_label, where);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->canvas),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, where, -1);
    }
  else
    {
      gtk_label_set_text (self->where_label, "");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->canvas),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
  gtk_drop_down_set_selected (self->place_dropdown, selected);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "placer.move", placing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "placer.resize", placing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "placer.place", placing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "placer.previous-page",
                                 placing && self->page > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "placer.next-page",
                                 placing && self->page + 1 < self->n_pages);
  self->syncing = FALSE;
}

static void
show_current_child (EnrSignaturePlacer *self)
{
  const char *name;

  if (self->error != NULL)
    name = "message";
  else if (self->loading)
    name = "loading";
  else if (self->n_pages > 0)
    name = "page";
  else
    name = "empty";
  gtk_stack_set_visible_child_name (self->stack, name);
}

/* Every change of placement comes here: the box is made to fit @page. */
static void
place (EnrSignaturePlacer    *self,
       guint                  page,
       const EnrSignatureBox *box)
{
  EnrSignatureBox fitted = *box;
  gboolean new_page = page != self->page;

  g_assert (page < self->n_pages);

  enr_signature_box_clamp (&fitted, page_width (self, page), page_height (self, page));
  if (!new_page && memcmp (&fitted, &self->box, sizeof fitted) == 0)
    return;

  self->page = page;
  self->box = fitted;
  if (new_page)
    {
      /* The old picture would show the wrong page: blank until drawn. */
      g_cancellable_cancel (self->render_cancellable);
      g_clear_object (&self->render_cancellable);
      self->rendered_width = 0;
      enr_signature_canvas_set_page (self->canvas, page_width (self, page),
                                     page_height (self, page), NULL);
      render_now (self);
    }
  enr_signature_canvas_set_box (self->canvas, &self->box);
  sync_controls (self);

  if (new_page)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
  g_signal_emit (self, signals[PLACEMENT_CHANGED], 0);
}

/* On another page, a box at a usual place goes to the same place there;
 * any other keeps its position as far as the page allows. */
static void
turn_to (EnrSignaturePlacer *self,
         guint               page)
{
  EnrSignatureBox box = self->box;
  EnrSignaturePlace usual;

  if (page >= self->n_pages || page == self->page)
    return;
  if (enr_signature_box_find_place (&box, page_width (self, self->page),
                                    page_height (self, self->page), &usual))
    enr_signature_box_place (&box, usual, page_width (self, page), page_height (self, page));
  place (self, page, &box);
}

static void
move_to_place (EnrSignaturePlacer *self,
               EnrSignaturePlace   usual)
{
  EnrSignatureBox box = self->box;

  enr_signature_box_place (&box, usual, page_width (self, self->page),
                           page_height (self, self->page));
  place (self, self->page, &box);
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  EnrSignaturePlacer *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree double *page_sizes = NULL;
  EnrSignatureBox box;
  guint n_pages;

  /* As in render_cb: a cancelled load touches nothing. */
  page_sizes = enr_signature_document_open_finish (result, &n_pages, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  if (page_sizes == NULL)
    {
      self->error = g_steal_pointer (&error);
      gtk_label_set_text (self->message_label, self->error->message);
      show_current_child (self);
      sync_controls (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
      return;
    }

  self->n_pages = n_pages;
  self->page_sizes = g_steal_pointer (&page_sizes);
  show_current_child (self);
  /* No page yet: place() takes the last as a new one, and renders it. */
  self->page = G_MAXUINT;
  enr_signature_box_init_default (&box, page_width (self, n_pages - 1),
                                  page_height (self, n_pages - 1));
  place (self, n_pages - 1, &box);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
}

/* The controls and the canvas. */

static void
page_spin_changed_cb (EnrSignaturePlacer *self)
{
  if (!self->syncing && has_placement (self))
    turn_to (self, (guint) gtk_spin_button_get_value_as_int (self->page_spin) - 1);
}

static void
place_selected_cb (EnrSignaturePlacer *self)
{
  guint selected = gtk_drop_down_get_selected (self->place_dropdown);

  if (!self->syncing && has_placement (self) && selected < ENR_SIGNATURE_N_PLACES)
    move_to_place (self, selected);
}

static void
canvas_box_changed_cb (EnrSignaturePlacer *self)
{
  if (has_placement (self))
    place (self, self->page, enr_signature_canvas_get_box (self->canvas));
}

/* The actions. */

static void
move_cb (GtkWidget  *widget,
         const char *action_name,
         GVariant   *parameter)
{
  EnrSignaturePlacer *self = ENR_SIGNATURE_PLACER (widget);
  EnrSignatureBox box = self->box;
  double dx, dy;

  g_variant_get (parameter, "(dd)", &dx, &dy);
  enr_signature_box_move (&box, dx, dy, page_width (self, self->page),
                          page_height (self, self->page));
  place (self, self->page, &box);
}

static void
resize_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  EnrSignaturePlacer *self = ENR_SIGNATURE_PLACER (widget);
  EnrSignatureBox box = self->box;
  double dw, dh;

  g_variant_get (parameter, "(dd)", &dw, &dh);
  enr_signature_box_resize (&box, dw, dh, page_width (self, self->page),
                            page_height (self, self->page));
  place (self, self->page, &box);
}

static void
place_cb (GtkWidget  *widget,
          const char *action_name,
          GVariant   *parameter)
{
  EnrSignaturePlacer *self = ENR_SIGNATURE_PLACER (widget);
  const char *id = g_variant_get_string (parameter, NULL);

  for (EnrSignaturePlace p = 0; p < ENR_SIGNATURE_N_PLACES; p++)
    if (g_str_equal (id, places[p].id))
      {
        move_to_place (self, p);
        return;
      }
  g_warning ("no place called “%s”", id);
}

static void
previous_page_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  EnrSignaturePlacer *self = ENR_SIGNATURE_PLACER (widget);

  if (self->page > 0)
    turn_to (self, self->page - 1);
}

static void
next_page_cb (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  EnrSignaturePlacer *self = ENR_SIGNATURE_PLACER (widget);

  turn_to (self, self->page + 1);
}

/* The object. */

static void
clear_document (EnrSignaturePlacer *self)
{
  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->render_cancellable);
  g_clear_handle_id (&self->render_source, g_source_remove);
  g_clear_pointer (&self->pdf, g_bytes_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->page_sizes, g_free);
  self->n_pages = 0;
  self->page = 0;
  self->rendered_width = 0;
  if (self->canvas != NULL)
    enr_signature_canvas_set_page (self->canvas, 0, 0, NULL);
}

static void
enr_signature_placer_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  EnrSignaturePlacer *self = ENR_SIGNATURE_PLACER (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_N_PAGES:
      g_value_set_uint (value, enr_signature_placer_get_n_pages (self));
      break;
    case PROP_PAGE:
      g_value_set_uint (value, self->page);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_signature_placer_dispose (GObject *object)
{
  EnrSignaturePlacer *self = ENR_SIGNATURE_PLACER (object);
  GtkWidget *child;

  clear_document (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_SIGNATURE_PLACER);
  /* The template's unnamed top-level box is ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (enr_signature_placer_parent_class)->dispose (object);
}

static void
enr_signature_placer_class_init (EnrSignaturePlacerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_signature_placer_dispose;
  object_class->get_property = enr_signature_placer_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_PAGES] =
    g_param_spec_uint ("n-pages", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PAGE] =
    g_param_spec_uint ("page", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PLACEMENT_CHANGED] = g_signal_new ("placement-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);

  g_type_ensure (ENR_TYPE_SIGNATURE_CANVAS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-signature-placer.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrSignaturePlacer, controls);
  gtk_widget_class_bind_template_child (widget_class, EnrSignaturePlacer, page_spin);
  gtk_widget_class_bind_template_child (widget_class, EnrSignaturePlacer, n_pages_label);
  gtk_widget_class_bind_template_child (widget_class, EnrSignaturePlacer, place_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EnrSignaturePlacer, stack);
  gtk_widget_class_bind_template_child (widget_class, EnrSignaturePlacer, canvas);
  gtk_widget_class_bind_template_child (widget_class, EnrSignaturePlacer, message_label);
  gtk_widget_class_bind_template_child (widget_class, EnrSignaturePlacer, where_label);
  gtk_widget_class_bind_template_callback (widget_class, page_spin_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, place_selected_cb);

  /* The keys that use them are the canvas's: enr-signature-canvas.c. */
  gtk_widget_class_install_action (widget_class, "placer.move", "(dd)", move_cb);
  gtk_widget_class_install_action (widget_class, "placer.resize", "(dd)", resize_cb);
  gtk_widget_class_install_action (widget_class, "placer.place", "s", place_cb);
  gtk_widget_class_install_action (widget_class, "placer.previous-page", NULL,
                                   previous_page_cb);
  gtk_widget_class_install_action (widget_class, "placer.next-page", NULL, next_page_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "signatureplacer");
}

static void
enr_signature_placer_init (EnrSignaturePlacer *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (EnrSignaturePlace p = 0; p < ENR_SIGNATURE_N_PLACES; p++)
    gtk_string_list_append (labels, _(places[p].label));
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->place_dropdown, G_LIST_MODEL (labels));
  self->syncing = FALSE;

  g_signal_connect_object (self->canvas, "box-changed", G_CALLBACK (canvas_box_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::render-width",
                           G_CALLBACK (render_width_changed_cb), self, G_CONNECT_SWAPPED);
  sync_controls (self);
  show_current_child (self);
}

GtkWidget *
enr_signature_placer_new (void)
{
  return g_object_new (ENR_TYPE_SIGNATURE_PLACER, NULL);
}

void
enr_signature_placer_set_document (EnrSignaturePlacer *self,
                                   GBytes             *pdf)
{
  gboolean had_placement;

  g_return_if_fail (ENR_IS_SIGNATURE_PLACER (self));

  if (pdf != NULL && self->pdf != NULL && g_bytes_equal (pdf, self->pdf))
    return;

  had_placement = has_placement (self);
  clear_document (self);
  self->loading = pdf != NULL;
  show_current_child (self);
  sync_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
  if (had_placement)
    g_signal_emit (self, signals[PLACEMENT_CHANGED], 0);
  if (pdf == NULL)
    return;

  self->pdf = g_bytes_ref (pdf);
  self->load_cancellable = g_cancellable_new ();
  /* No reference on self, as in render_now(). */
  enr_signature_document_open_async (pdf, self->load_cancellable, load_cb, self);
}

gboolean
enr_signature_placer_get_loading (EnrSignaturePlacer *self)
{
  g_return_val_if_fail (ENR_IS_SIGNATURE_PLACER (self), FALSE);
  return self->loading;
}

const GError *
enr_signature_placer_get_error (EnrSignaturePlacer *self)
{
  g_return_val_if_fail (ENR_IS_SIGNATURE_PLACER (self), NULL);
  return self->error;
}

guint
enr_signature_placer_get_n_pages (EnrSignaturePlacer *self)
{
  g_return_val_if_fail (ENR_IS_SIGNATURE_PLACER (self), 0);
  return has_placement (self) ? self->n_pages : 0;
}

gboolean
enr_signature_placer_get_placement (EnrSignaturePlacer *self,
                                    guint              *page,
                                    double              rect[4])
{
  g_return_val_if_fail (ENR_IS_SIGNATURE_PLACER (self), FALSE);

  if (!has_placement (self))
    return FALSE;
  if (page != NULL)
    *page = self->page;
  if (rect != NULL)
    {
      rect[0] = self->box.x1;
      rect[1] = self->box.y1;
      rect[2] = self->box.x2;
      rect[3] = self->box.y2;
    }
  return TRUE;
}

void
enr_signature_placer_set_placement (EnrSignaturePlacer *self,
                                    guint               page,
                                    const double        rect[4])
{
  EnrSignatureBox box;

  g_return_if_fail (ENR_IS_SIGNATURE_PLACER (self));
  g_return_if_fail (rect != NULL);
  g_return_if_fail (has_placement (self));
  g_return_if_fail (page < self->n_pages);

  box = (EnrSignatureBox) { rect[0], rect[1], rect[2], rect[3] };
  place (self, page, &box);
}
