/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-view"

#include "config.h"

#include <math.h>

#include <cairo.h>
#include <glib/gi18n-lib.h>

#include "enr-page-image.h"
#include "enr-pdf-pages.h"
#include "enr-pdf-view.h"

struct _EnrPdfView
{
  GtkWidget          parent_instance;

  GtkWidget         *toolbar;
  GtkStack          *stack;
  GtkScrolledWindow *pages_scroll;
  GtkBox            *pages_box;
  GtkTextView       *text_view;
  GtkLabel          *message_label;
  GtkLabel          *zoom_label;
  GtkToggleButton   *text_button;

  GBytes            *pdf;
  GError            *error;
  gboolean           loading;
  guint              n_pages;
  double            *page_sizes;        /* width, height in points, per page */
  char              *text;
  GPtrArray         *pages;             /* GtkPicture, one per page */

  double             zoom;
  int                available_width;   /* of the page column, in pixels */
  int                rendered_width;
  double             rendered_zoom;
  guint              render_source;

  GCancellable      *load_cancellable;
  GCancellable      *render_cancellable;
};

G_DEFINE_FINAL_TYPE (EnrPdfView, enr_pdf_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_N_PAGES,
  PROP_ZOOM,
  PROP_SHOW_TEXT,
  PROP_RENDERED_WIDTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const double zoom_levels[] = { 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0 };

/* Space around each page inside the scrolled column. */
#define PAGE_MARGIN 12
/* Resizing a window sends many allocations; render once it settles. */
#define RENDER_DELAY_MS 120

/* Loading, in the worker thread. */

typedef struct
{
  guint     n_pages;
  double   *page_sizes;
  char    **texts;      /* n_pages strings */
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_free (loaded->page_sizes);
  g_strfreev (loaded->texts);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Loaded, loaded_free)

static EnrPdfPages *
open_document (GBytes  *pdf,
               GError **error)
{
  g_autoptr(GError) local_error = NULL;
  EnrPdfPages *document = enr_pdf_pages_open (pdf, &local_error);

  if (document != NULL)
    return document;
  if (g_error_matches (local_error, ENR_PDF_PAGES_ERROR, ENR_PDF_PAGES_ERROR_NO_MODULE))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, local_error->message);
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _("This document cannot be shown: it is not a PDF file this "
                           "program can read."));
  return NULL;
}

/* The document a load reads. */
typedef struct
{
  GBytes *pdf;
} LoadJob;

static void
load_job_free (LoadJob *job)
{
  g_bytes_unref (job->pdf);
  g_free (job);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadJob *job = task_data;
  g_autoptr(EnrPdfPages) document = NULL;
  g_autoptr(Loaded) loaded = g_new0 (Loaded, 1);
  GError *error = NULL;

  document = open_document (job->pdf, &error);
  if (document == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  loaded->n_pages = enr_pdf_pages_get_n_pages (document);
  loaded->page_sizes = g_new0 (double, 2 * (gsize) MAX (loaded->n_pages, 1));
  loaded->texts = g_new0 (char *, (gsize) loaded->n_pages + 1);

  for (guint i = 0; i < loaded->n_pages; i++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;

      enr_pdf_pages_get_size (document, i, &loaded->page_sizes[2 * i],
                              &loaded->page_sizes[2 * i + 1]);
      loaded->texts[i] = enr_pdf_pages_get_text (document, i);
    }

  g_task_return_pointer (task, g_steal_pointer (&loaded), (GDestroyNotify) loaded_free);
}

/* Rendering, in the worker thread. */

typedef struct
{
  GBytes *pdf;
  int     width;          /* of every page image, in pixels */
} RenderJob;

static void
render_job_free (RenderJob *job)
{
  g_bytes_unref (job->pdf);
  g_free (job);
}

static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RenderJob *job = task_data;
  g_autoptr(EnrPdfPages) document = NULL;
  g_autoptr(GPtrArray) rendered =
    g_ptr_array_new_with_free_func ((GDestroyNotify) cairo_surface_destroy);
  GError *error = NULL;
  guint n_pages;

  document = open_document (job->pdf, &error);
  if (document == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  n_pages = enr_pdf_pages_get_n_pages (document);
  for (guint i = 0; i < n_pages; i++)
    {
      double page_width, page_height, scale;

      if (g_task_return_error_if_cancelled (task))
        return;

      enr_pdf_pages_get_size (document, i, &page_width, &page_height);
      scale = job->width / MAX (page_width, 1.0);
      g_ptr_array_add (rendered,
                       enr_pdf_pages_render_image (document, i, job->width,
                                                   MAX (1, (int) ceil (page_height * scale)),
                                                   scale));
    }

  g_task_return_pointer (task, g_steal_pointer (&rendered), (GDestroyNotify) g_ptr_array_unref);
}

/* The main thread. */

static int
target_width (EnrPdfView *self)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));

  return (int) round (self->available_width * self->zoom) * scale;
}

static void
render_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnrPdfView) self = user_data;
  g_autoptr(GPtrArray) rendered = NULL;
  g_autoptr(GError) error = NULL;
  int scale;

  rendered = g_task_propagate_pointer (G_TASK (result), &error);
  if (rendered == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("cannot render the document: %s", error->message);
      return;
    }

  scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  for (guint i = 0; i < rendered->len && i < self->pages->len; i++)
    {
      GtkWidget *picture = g_ptr_array_index (self->pages, i);
      g_autoptr(EnrPageImage) page = enr_page_image_new (g_ptr_array_index (rendered, i));
      int width = enr_page_image_get_width (page);
      int height = enr_page_image_get_height (page);

      gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (page));
      /* The page is shown at the size it was rendered: its height always
       * (a scrolled column would give a picture its minimum height, none),
       * its width when zoomed in, so that the column scrolls sideways. */
      gtk_widget_set_size_request (picture, self->rendered_zoom > 1.0 ? width / scale : -1,
                                   height / scale);
    }

  self->rendered_width = rendered->len > 0
    ? cairo_image_surface_get_width (g_ptr_array_index (rendered, 0)) : 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RENDERED_WIDTH]);
}

static void
render_now (EnrPdfView *self)
{
  g_autoptr(GTask) task = NULL;
  RenderJob *job;
  int width = target_width (self);

  /* Not allocated yet: size_allocate() renders once the width is known. */
  if (self->pdf == NULL || self->pages->len == 0 || self->available_width <= 0)
    return;
  if (width == self->rendered_width && self->zoom == self->rendered_zoom)
    return;

  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  self->render_cancellable = g_cancellable_new ();
  self->rendered_zoom = self->zoom;

  job = g_new0 (RenderJob, 1);
  job->pdf = g_bytes_ref (self->pdf);
  job->width = width;

  task = g_task_new (NULL, self->render_cancellable, render_cb, g_object_ref (self));
  g_task_set_source_tag (task, render_now);
  g_task_set_task_data (task, job, (GDestroyNotify) render_job_free);
  g_task_run_in_thread (task, render_thread);
}

static gboolean
render_timeout_cb (gpointer user_data)
{
  EnrPdfView *self = user_data;

  self->render_source = 0;
  render_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_render (EnrPdfView *self,
                 guint       delay_ms)
{
  g_clear_handle_id (&self->render_source, g_source_remove);
  self->render_source = g_timeout_add (delay_ms, render_timeout_cb, self);
}

static void
clear_pages (EnrPdfView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->pages_box))) != NULL)
    gtk_box_remove (self->pages_box, child);
  g_ptr_array_set_size (self->pages, 0);
  self->n_pages = 0;
  self->rendered_width = 0;
  self->rendered_zoom = 0;
  g_clear_pointer (&self->page_sizes, g_free);
  g_clear_pointer (&self->text, g_free);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", -1);
}

static void
set_loading (EnrPdfView *self,
             gboolean    loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
show_current_child (EnrPdfView *self)
{
  const char *name;

  if (self->error != NULL)
    name = "message";
  else if (self->loading)
    name = "loading";
  else if (gtk_toggle_button_get_active (self->text_button))
    name = "text";
  else
    name = "pages";
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_widget_set_sensitive (self->toolbar, self->error == NULL && !self->loading);
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(EnrPdfView) self = user_data;
  g_autoptr(Loaded) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = NULL;

  loaded = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (loaded == NULL)
    {
      self->error = g_steal_pointer (&error);
      gtk_label_set_text (self->message_label, self->error->message);
      set_loading (self, FALSE);
      show_current_child (self);
      return;
    }

  self->n_pages = loaded->n_pages;
  self->page_sizes = g_steal_pointer (&loaded->page_sizes);
  text = g_string_new (NULL);

  for (guint i = 0; i < self->n_pages; i++)
    {
      g_autofree char *title = g_strdup_printf (_("Page %u of %u"), i + 1, self->n_pages);
      GtkWidget *picture = gtk_picture_new ();

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_widget_set_focusable (picture, TRUE);
      gtk_widget_set_halign (picture, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (picture, "pdf-page");
      /* Until the first render, reserve the page's shape. */
      if (self->available_width > 0)
        gtk_widget_set_size_request (picture, -1,
                                     (int) (self->available_width * self->page_sizes[2 * i + 1] /
                                            MAX (self->page_sizes[2 * i], 1.0)));
      gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, loaded->texts[i],
                                      -1);
      gtk_box_append (self->pages_box, picture);
      g_ptr_array_add (self->pages, picture);

      g_string_append_printf (text, "%s\n\n%s\n\n", title, loaded->texts[i]);
    }

  self->text = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), self->text, -1);

  set_loading (self, FALSE);
  show_current_child (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
  render_now (self);
}

static void
update_zoom_label (EnrPdfView *self)
{
  g_autofree char *label = g_strdup_printf ("%d %%", (int) round (self->zoom * 100));

  gtk_label_set_text (self->zoom_label, label);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pdf.zoom-in",
                                 self->zoom < zoom_levels[G_N_ELEMENTS (zoom_levels) - 1]);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pdf.zoom-out",
                                 self->zoom > zoom_levels[0]);
}

static void
zoom_in_cb (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  enr_pdf_view_zoom_in (ENR_PDF_VIEW (widget));
}

static void
zoom_out_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  enr_pdf_view_zoom_out (ENR_PDF_VIEW (widget));
}

static void
zoom_fit_cb (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  enr_pdf_view_set_zoom (ENR_PDF_VIEW (widget), 1.0);
}

static void
text_button_toggled_cb (EnrPdfView *self)
{
  show_current_child (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_TEXT]);
}

static void
scroll_by (EnrPdfView *self,
           double      pages,
           double      steps)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->pages_scroll);
  double value = gtk_adjustment_get_value (adjustment);

  value += pages * gtk_adjustment_get_page_increment (adjustment);
  value += steps * MAX (gtk_adjustment_get_step_increment (adjustment), 40);
  gtk_adjustment_set_value (adjustment, value);
}

/* A page taller than the view must be readable to its end from the
 * keyboard; arrows and Page Up/Down scroll, Tab goes to the next page. */
static gboolean
pages_key_pressed_cb (GtkEventControllerKey *controller,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      EnrPdfView            *self)
{
  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      scroll_by (self, 0, -1);
      return TRUE;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      scroll_by (self, 0, 1);
      return TRUE;
    case GDK_KEY_Page_Up:
    case GDK_KEY_KP_Page_Up:
      scroll_by (self, -0.9, 0);
      return TRUE;
    case GDK_KEY_Page_Down:
    case GDK_KEY_KP_Page_Down:
    case GDK_KEY_space:
      scroll_by (self, 0.9, 0);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
enr_pdf_view_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  gtk_widget_measure (child, orientation, for_size, minimum, natural, NULL, NULL);
  /* The pages are rendered at the width the view gets; were their width
   * its natural one, a window would grow to each new render, and render
   * again at the new width. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = *minimum;
}

static void
enr_pdf_view_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  EnrPdfView *self = ENR_PDF_VIEW (widget);
  GtkWidget *child = gtk_widget_get_first_child (widget);
  int available = MAX (width - 2 * PAGE_MARGIN, 1);

  gtk_widget_allocate (child, width, height, baseline, NULL);

  if (available != self->available_width)
    {
      self->available_width = available;
      schedule_render (self, self->rendered_width == 0 ? 0 : RENDER_DELAY_MS);
    }
}

static void
enr_pdf_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  EnrPdfView *self = ENR_PDF_VIEW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_N_PAGES:
      g_value_set_uint (value, self->n_pages);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_SHOW_TEXT:
      g_value_set_boolean (value, enr_pdf_view_get_show_text (self));
      break;
    case PROP_RENDERED_WIDTH:
      g_value_set_int (value, self->rendered_width);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_pdf_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  EnrPdfView *self = ENR_PDF_VIEW (object);

  switch (prop_id)
    {
    case PROP_ZOOM:
      enr_pdf_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_SHOW_TEXT:
      enr_pdf_view_set_show_text (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_pdf_view_dispose (GObject *object)
{
  GtkWidget *child;
  EnrPdfView *self = ENR_PDF_VIEW (object);

  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->render_cancellable);
  g_clear_handle_id (&self->render_source, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_PDF_VIEW);
  /* The template's unnamed top-level box is ours to unparent. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (enr_pdf_view_parent_class)->dispose (object);
}

static void
enr_pdf_view_finalize (GObject *object)
{
  EnrPdfView *self = ENR_PDF_VIEW (object);

  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->render_cancellable);
  g_clear_pointer (&self->pdf, g_bytes_unref);
  g_clear_error (&self->error);
  g_clear_pointer (&self->page_sizes, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->pages, g_ptr_array_unref);

  G_OBJECT_CLASS (enr_pdf_view_parent_class)->finalize (object);
}

static void
enr_pdf_view_class_init (EnrPdfViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_pdf_view_dispose;
  object_class->finalize = enr_pdf_view_finalize;
  object_class->get_property = enr_pdf_view_get_property;
  object_class->set_property = enr_pdf_view_set_property;

  widget_class->measure = enr_pdf_view_measure;
  widget_class->size_allocate = enr_pdf_view_size_allocate;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_PAGES] =
    g_param_spec_uint ("n-pages", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0.5, 3.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SHOW_TEXT] =
    g_param_spec_boolean ("show-text", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RENDERED_WIDTH] =
    g_param_spec_int ("rendered-width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-pdf-view.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrPdfView, toolbar);
  gtk_widget_class_bind_template_child (widget_class, EnrPdfView, stack);
  gtk_widget_class_bind_template_child (widget_class, EnrPdfView, pages_scroll);
  gtk_widget_class_bind_template_child (widget_class, EnrPdfView, pages_box);
  gtk_widget_class_bind_template_child (widget_class, EnrPdfView, text_view);
  gtk_widget_class_bind_template_child (widget_class, EnrPdfView, message_label);
  gtk_widget_class_bind_template_child (widget_class, EnrPdfView, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, EnrPdfView, text_button);
  gtk_widget_class_bind_template_callback (widget_class, text_button_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, pages_key_pressed_cb);

  gtk_widget_class_install_action (widget_class, "pdf.zoom-in", NULL, zoom_in_cb);
  gtk_widget_class_install_action (widget_class, "pdf.zoom-out", NULL, zoom_out_cb);
  gtk_widget_class_install_action (widget_class, "pdf.zoom-fit", NULL, zoom_fit_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK,
                                       "pdf.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK,
                                       "pdf.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK,
                                       "pdf.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK,
                                       "pdf.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK,
                                       "pdf.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK,
                                       "pdf.zoom-fit", NULL);

  gtk_widget_class_set_css_name (widget_class, "pdfview");
}

static void
enr_pdf_view_init (EnrPdfView *self)
{
  self->zoom = 1.0;
  self->pages = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  update_zoom_label (self);
  show_current_child (self);
}

GtkWidget *
enr_pdf_view_new (void)
{
  return g_object_new (ENR_TYPE_PDF_VIEW, NULL);
}

void
enr_pdf_view_set_document (EnrPdfView *self,
                           GBytes     *pdf)
{
  g_autoptr(GTask) task = NULL;
  LoadJob *job;

  g_return_if_fail (ENR_IS_PDF_VIEW (self));

  if (pdf != NULL && self->pdf != NULL && g_bytes_equal (pdf, self->pdf))
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->render_source, g_source_remove);
  g_clear_pointer (&self->pdf, g_bytes_unref);
  g_clear_error (&self->error);
  clear_pages (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);

  if (pdf == NULL)
    {
      set_loading (self, FALSE);
      show_current_child (self);
      return;
    }

  self->pdf = g_bytes_ref (pdf);
  self->load_cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  show_current_child (self);

  task = g_task_new (NULL, self->load_cancellable, load_cb, g_object_ref (self));
  g_task_set_source_tag (task, enr_pdf_view_set_document);
  job = g_new0 (LoadJob, 1);
  job->pdf = g_bytes_ref (pdf);
  g_task_set_task_data (task, job, (GDestroyNotify) load_job_free);
  g_task_run_in_thread (task, load_thread);
}

GBytes *
enr_pdf_view_get_document (EnrPdfView *self)
{
  g_return_val_if_fail (ENR_IS_PDF_VIEW (self), NULL);
  return self->pdf;
}

gboolean
enr_pdf_view_get_loading (EnrPdfView *self)
{
  g_return_val_if_fail (ENR_IS_PDF_VIEW (self), FALSE);
  return self->loading;
}

const GError *
enr_pdf_view_get_error (EnrPdfView *self)
{
  g_return_val_if_fail (ENR_IS_PDF_VIEW (self), NULL);
  return self->error;
}

guint
enr_pdf_view_get_n_pages (EnrPdfView *self)
{
  g_return_val_if_fail (ENR_IS_PDF_VIEW (self), 0);
  return self->n_pages;
}

const char *
enr_pdf_view_get_text (EnrPdfView *self)
{
  g_return_val_if_fail (ENR_IS_PDF_VIEW (self), NULL);
  return self->text;
}

GtkWidget *
enr_pdf_view_get_page (EnrPdfView *self,
                       guint       index)
{
  g_return_val_if_fail (ENR_IS_PDF_VIEW (self), NULL);

  if (index >= self->pages->len)
    return NULL;
  return g_ptr_array_index (self->pages, index);
}

double
enr_pdf_view_get_zoom (EnrPdfView *self)
{
  g_return_val_if_fail (ENR_IS_PDF_VIEW (self), 1.0);
  return self->zoom;
}

void
enr_pdf_view_set_zoom (EnrPdfView *self,
                       double      zoom)
{
  g_return_if_fail (ENR_IS_PDF_VIEW (self));

  zoom = CLAMP (zoom, zoom_levels[0], zoom_levels[G_N_ELEMENTS (zoom_levels) - 1]);
  if (zoom == self->zoom)
    return;

  self->zoom = zoom;
  update_zoom_label (self);
  schedule_render (self, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

void
enr_pdf_view_zoom_in (EnrPdfView *self)
{
  g_return_if_fail (ENR_IS_PDF_VIEW (self));

  for (guint i = 0; i < G_N_ELEMENTS (zoom_levels); i++)
    if (zoom_levels[i] > self->zoom + 0.001)
      {
        enr_pdf_view_set_zoom (self, zoom_levels[i]);
        return;
      }
}

void
enr_pdf_view_zoom_out (EnrPdfView *self)
{
  g_return_if_fail (ENR_IS_PDF_VIEW (self));

  for (guint i = G_N_ELEMENTS (zoom_levels); i > 0; i--)
    if (zoom_levels[i - 1] < self->zoom - 0.001)
      {
        enr_pdf_view_set_zoom (self, zoom_levels[i - 1]);
        return;
      }
}

gboolean
enr_pdf_view_get_show_text (EnrPdfView *self)
{
  g_return_val_if_fail (ENR_IS_PDF_VIEW (self), FALSE);
  return gtk_toggle_button_get_active (self->text_button);
}

void
enr_pdf_view_set_show_text (EnrPdfView *self,
                            gboolean    show_text)
{
  g_return_if_fail (ENR_IS_PDF_VIEW (self));
  gtk_toggle_button_set_active (self->text_button, show_text);
}

int
enr_pdf_view_get_rendered_width (EnrPdfView *self)
{
  g_return_val_if_fail (ENR_IS_PDF_VIEW (self), 0);
  return self->rendered_width;
}
