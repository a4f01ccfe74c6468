/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "enr-digit-entry.h"
#include "enr-page-image.h"
#include "enr-pdf-view.h"
#include "enr-test-ui.h"
#include "enr-test-pdf.h"

static const char *page_texts[] = {
  "Hợp đồng cung cấp dịch vụ chứng thư số",
  "Điều 2. Quyền và nghĩa vụ của các bên",
  "Điều 3. Hiệu lực của hợp đồng",
};

/* An A4 PDF of three pages, one line of Vietnamese on each. */
static GBytes *
make_pdf (void)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface = enr_test_pdf_surface_new (out, 595, 842);
  cairo_t *cr = cairo_create (surface);

  for (guint i = 0; i < G_N_ELEMENTS (page_texts); i++)
    {
      PangoLayout *layout = pango_cairo_create_layout (cr);
      PangoFontDescription *font = pango_font_description_from_string ("DejaVu Sans 14");

      pango_layout_set_font_description (layout, font);
      pango_layout_set_text (layout, page_texts[i], -1);
      cairo_move_to (cr, 72, 72);
      pango_cairo_show_layout (cr, layout);
      pango_font_description_free (font);
      g_object_unref (layout);
      cairo_show_page (cr);
    }

  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
is_loaded (gpointer data)
{
  return !enr_pdf_view_get_loading (data);
}

static gboolean
is_rendered_at (gpointer data)
{
  EnrPdfView *view = data;
  int want = GPOINTER_TO_INT (g_object_get_data (data, "want-width"));

  return enr_pdf_view_get_rendered_width (view) == want;
}

static void
wait_rendered (GtkWidget *view,
               int        width)
{
  g_object_set_data (G_OBJECT (view), "want-width", GINT_TO_POINTER (width));
  enr_test_wait_until (is_rendered_at, view, "the pages to be rendered");
}

static gboolean
shown_at_full_size (gpointer data)
{
  GdkPaintable *paintable = gtk_picture_get_paintable (data);

  return gtk_widget_get_height (data) == gdk_paintable_get_intrinsic_height (paintable) &&
         gtk_widget_get_width (data) == gdk_paintable_get_intrinsic_width (paintable);
}

static gboolean
width_changed (gpointer data)
{
  return gtk_widget_get_width (data) != GPOINTER_TO_INT (g_object_get_data (data, "old-width"));
}

static gboolean
scrolls_sideways (gpointer data)
{
  return gtk_adjustment_get_upper (data) > gtk_adjustment_get_page_size (data) + 1;
}

typedef struct
{
  GtkWindow *window;
  GtkWidget *view;
  GBytes    *pdf;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->pdf = make_pdf ();
  fixture->view = enr_pdf_view_new ();
  fixture->window = enr_test_window_new (fixture->view, 624, 700);

  enr_pdf_view_set_document (ENR_PDF_VIEW (fixture->view), fixture->pdf);
  /* Parsing and rendering are in a thread: nothing is there yet. */
  g_assert_true (enr_pdf_view_get_loading (ENR_PDF_VIEW (fixture->view)));
  g_assert_cmpuint (enr_pdf_view_get_n_pages (ENR_PDF_VIEW (fixture->view)), ==, 0);
  enr_test_wait_until (is_loaded, fixture->view, "the document to load");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  enr_test_window_destroy (fixture->window);
  g_bytes_unref (fixture->pdf);
}

static void
test_pages_and_text (Fixture       *fixture,
                     gconstpointer  data)
{
  EnrPdfView *view = ENR_PDF_VIEW (fixture->view);
  const char *text;

  g_assert_null (enr_pdf_view_get_error (view));
  g_assert_cmpuint (enr_pdf_view_get_n_pages (view), ==, 3);
  text = enr_pdf_view_get_text (view);
  for (guint i = 0; i < G_N_ELEMENTS (page_texts); i++)
    g_assert_nonnull (strstr (text, page_texts[i]));
  g_assert_nonnull (strstr (text, "Page 2 of 3"));

  for (guint i = 0; i < 3; i++)
    {
      GtkWidget *page = enr_pdf_view_get_page (view, i);

      g_assert_true (gtk_widget_get_focusable (page));
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (page),
                                                       GTK_ACCESSIBLE_PROPERTY_LABEL));
      /* A screen reader reads the page's text with the page. */
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (page),
                                           GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                           strstr (text, page_texts[i]) ? page_texts[i] : "");
    }
  g_assert_null (enr_pdf_view_get_page (view, 3));
}

/* The pages fit the view's width, and follow it when the window changes. */
static void
test_fits_width (Fixture       *fixture,
                 gconstpointer  data)
{
  EnrPdfView *view = ENR_PDF_VIEW (fixture->view);
  GtkWidget *page;
  GdkPaintable *paintable;
  int width = gtk_widget_get_width (fixture->view) - 24;

  wait_rendered (fixture->view, width);
  page = enr_pdf_view_get_page (view, 0);
  paintable = gtk_picture_get_paintable (GTK_PICTURE (page));
  /* Drawn as a cairo node, not a texture (test-page-image.c says why). */
  g_assert_true (ENR_IS_PAGE_IMAGE (paintable));
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, width);
  /* The pages follow the view; they never make the window wider. */
  {
    int minimum, natural;

    gtk_widget_measure (fixture->view, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural,
                        NULL, NULL);
    g_test_message ("minimum %d natural %d", minimum, natural);
    g_assert_cmpint (minimum, <, 400);
    g_assert_cmpint (natural, ==, minimum);
  }
  /* A4 keeps its shape, and is shown at the size it was drawn. */
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==,
                   (int) ceil (842.0 * width / 595.0));
  enr_test_wait_until (shown_at_full_size, page, "the page to be shown at its size");

  g_object_set_data (G_OBJECT (fixture->view), "old-width", GINT_TO_POINTER (width + 24));
  gtk_window_set_default_size (fixture->window, 824, 700);
  enr_test_wait_until (width_changed, fixture->view, "the window to grow");
  wait_rendered (fixture->view, gtk_widget_get_width (fixture->view) - 24);
}

/* Zoomed in, the page is wider than the view and scrolls sideways. */
static void
test_zoom (Fixture       *fixture,
           gconstpointer  data)
{
  EnrPdfView *view = ENR_PDF_VIEW (fixture->view);
  int width = gtk_widget_get_width (fixture->view) - 24;
  GtkScrolledWindow *scroll;
  GtkAdjustment *h;

  wait_rendered (fixture->view, width);
  enr_pdf_view_zoom_in (view);
  g_assert_cmpfloat (enr_pdf_view_get_zoom (view), ==, 1.25);
  wait_rendered (fixture->view, (int) round (width * 1.25));
  enr_test_flush ();

  scroll = GTK_SCROLLED_WINDOW (gtk_widget_get_ancestor (enr_pdf_view_get_page (view, 0),
                                                         GTK_TYPE_SCROLLED_WINDOW));
  h = gtk_scrolled_window_get_hadjustment (scroll);
  enr_test_wait_until (scrolls_sideways, h, "the column to scroll sideways");

  enr_pdf_view_zoom_out (view);
  enr_pdf_view_zoom_out (view);
  g_assert_cmpfloat (enr_pdf_view_get_zoom (view), ==, 0.75);
  wait_rendered (fixture->view, (int) round (width * 0.75));

  /* Ctrl+0 is "fit the width" again. */
  gtk_widget_activate_action (fixture->view, "pdf.zoom-fit", NULL);
  g_assert_cmpfloat (enr_pdf_view_get_zoom (view), ==, 1.0);
  wait_rendered (fixture->view, width);

  for (guint i = 0; i < 10; i++)
    enr_pdf_view_zoom_out (view);
  g_assert_cmpfloat (enr_pdf_view_get_zoom (view), ==, 0.5);
}

static gboolean
page_in_sight (gpointer data)
{
  GtkWidget *page = data;
  GtkWidget *view = gtk_widget_get_ancestor (page, ENR_TYPE_PDF_VIEW);
  graphene_point_t point;

  if (!gtk_widget_compute_point (page, view, &GRAPHENE_POINT_INIT (0, 0), &point))
    return FALSE;
  return point.y < gtk_widget_get_height (view) && point.y + gtk_widget_get_height (page) > 0;
}

/* Tab from the toolbar reaches every page in order, and the view scrolls
 * each one into sight. */
static void
test_every_page_by_keyboard (Fixture       *fixture,
                             gconstpointer  data)
{
  EnrPdfView *view = ENR_PDF_VIEW (fixture->view);
  guint next_page = 0;

  wait_rendered (fixture->view, gtk_widget_get_width (fixture->view) - 24);
  gtk_widget_child_focus (GTK_WIDGET (fixture->window), GTK_DIR_TAB_FORWARD);
  for (guint i = 0; i < 20 && next_page < 3; i++)
    {
      GtkWidget *focus = gtk_window_get_focus (fixture->window);

      if (focus == enr_pdf_view_get_page (view, next_page))
        {
          /* The view scrolls (perhaps animated) to the focused page. */
          enr_test_wait_until (page_in_sight, focus, "the focused page to scroll into sight");
          next_page++;
        }
      gtk_widget_child_focus (GTK_WIDGET (fixture->window), GTK_DIR_TAB_FORWARD);
    }
  g_assert_cmpuint (next_page, ==, 3);
}

/* The text, for a screen reader and for large type. */
static void
test_show_text (Fixture       *fixture,
                gconstpointer  data)
{
  EnrPdfView *view = ENR_PDF_VIEW (fixture->view);
  GtkWidget *text_view = enr_test_find (fixture->view, GTK_TYPE_TEXT_VIEW, NULL);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (text_view));
  g_autofree char *shown = NULL;
  GtkTextIter start, end;

  g_assert_false (gtk_widget_is_drawable (text_view));
  enr_pdf_view_set_show_text (view, TRUE);
  enr_test_flush ();
  g_assert_true (gtk_widget_is_drawable (text_view));
  g_assert_false (gtk_widget_is_drawable (enr_pdf_view_get_page (view, 0)));

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (shown, ==, enr_pdf_view_get_text (view));
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (text_view),
                                                   GTK_ACCESSIBLE_PROPERTY_LABEL));
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (text_view)));

  enr_pdf_view_set_show_text (view, FALSE);
  enr_test_flush ();
  g_assert_true (gtk_widget_is_drawable (enr_pdf_view_get_page (view, 0)));
}

/* A page fetches its document before it is shown: the pages still fit
 * the width the view gets once it is. */
static void
test_document_before_shown (void)
{
  g_autoptr(GBytes) pdf = make_pdf ();
  GtkWidget *view = enr_pdf_view_new ();
  GtkWindow *window;

  g_object_ref_sink (view);
  enr_pdf_view_set_document (ENR_PDF_VIEW (view), pdf);
  enr_test_wait_until (is_loaded, view, "the document to load");
  g_assert_cmpint (enr_pdf_view_get_rendered_width (ENR_PDF_VIEW (view)), ==, 0);

  window = enr_test_window_new (view, 624, 700);
  wait_rendered (view, gtk_widget_get_width (view) - 24);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (
                     gtk_picture_get_paintable (GTK_PICTURE (
                       enr_pdf_view_get_page (ENR_PDF_VIEW (view), 0)))), ==,
                   gtk_widget_get_width (view) - 24);
  enr_test_window_destroy (window);
  g_object_unref (view);
}

static gboolean
fits (gpointer data)
{
  int width = gtk_widget_get_width (data);

  return width > 24 && enr_pdf_view_get_rendered_width (data) == width - 24;
}

/* In a page: a short view above a field, in a column that scrolls
 * vertically only, shown once loaded. Rendering the pages never widens the
 * column. (A GtkStack between them would: it asks its children for their
 * natural widths, so the pages' phases are boxes shown in turn.) */
static void
test_in_a_page (void)
{
  g_autoptr(GBytes) pdf = make_pdf ();
  GtkWidget *scroll = gtk_scrolled_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new ("A long line of text that wraps to the width of the column "
                                    "it is in, whatever that width is, and never sets it.");
  GtkWidget *view = enr_pdf_view_new ();
  GtkWidget *first, *inner;
  GtkWindow *window;
  int minimum, natural, before;

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_size_request (view, -1, 380);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroll), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  first = gtk_label_new ("First phase");
  gtk_box_append (GTK_BOX (box), first);
  inner = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (inner), label);
  gtk_box_append (GTK_BOX (inner), view);
  gtk_box_append (GTK_BOX (inner), enr_digit_entry_new (TRUE));
  gtk_widget_set_visible (inner, FALSE);
  gtk_box_append (GTK_BOX (box), inner);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroll), box);
  window = enr_test_window_new (scroll, 500, 600);
  before = gtk_widget_get_width (GTK_WIDGET (window));

  /* As a page with two phases does: the document first, then its phase. */
  enr_pdf_view_set_document (ENR_PDF_VIEW (view), pdf);
  gtk_widget_set_visible (first, FALSE);
  gtk_widget_set_visible (inner, TRUE);
  enr_test_wait_until (is_loaded, view, "the document to load");
  enr_test_wait_until (fits, view, "the pages to fit the view");
  enr_test_flush ();

  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural,
                      NULL, NULL);
  g_test_message ("window minimum %d natural %d width %d", minimum, natural,
                  gtk_widget_get_width (GTK_WIDGET (window)));
  g_assert_cmpint (minimum, <=, before);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, before);
  enr_test_window_destroy (window);
}

static void
test_not_a_pdf (void)
{
  GtkWidget *view = enr_pdf_view_new ();
  GtkWindow *window = enr_test_window_new (view, 400, 400);
  g_autoptr(GBytes) junk = g_bytes_new_static ("%PDF-1.7 this is not a PDF", 26);

  enr_pdf_view_set_document (ENR_PDF_VIEW (view), junk);
  enr_test_wait_until (is_loaded, view, "the document to fail");
  g_assert_nonnull (enr_pdf_view_get_error (ENR_PDF_VIEW (view)));
  g_assert_cmpuint (enr_pdf_view_get_n_pages (ENR_PDF_VIEW (view)), ==, 0);
  g_assert_nonnull (enr_test_find (view, GTK_TYPE_LABEL,
                                   enr_pdf_view_get_error (ENR_PDF_VIEW (view))->message));

  enr_pdf_view_set_document (ENR_PDF_VIEW (view), NULL);
  g_assert_null (enr_pdf_view_get_error (ENR_PDF_VIEW (view)));
  enr_test_window_destroy (window);
}

int
main (int argc, char **argv)
{
  enr_test_ui_init (&argc, &argv);

  g_test_add ("/pdf-view/pages-and-text", Fixture, NULL,
              fixture_setup, test_pages_and_text, fixture_teardown);
  g_test_add ("/pdf-view/fits-width", Fixture, NULL,
              fixture_setup, test_fits_width, fixture_teardown);
  g_test_add ("/pdf-view/zoom", Fixture, NULL,
              fixture_setup, test_zoom, fixture_teardown);
  g_test_add ("/pdf-view/every-page-by-keyboard", Fixture, NULL,
              fixture_setup, test_every_page_by_keyboard, fixture_teardown);
  g_test_add ("/pdf-view/show-text", Fixture, NULL,
              fixture_setup, test_show_text, fixture_teardown);
  g_test_add_func ("/pdf-view/document-before-shown", test_document_before_shown);
  g_test_add_func ("/pdf-view/in-a-page", test_in_a_page);
  g_test_add_func ("/pdf-view/not-a-pdf", test_not_a_pdf);

  return g_test_run ();
}
