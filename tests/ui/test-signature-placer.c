/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo-pdf.h>

#include "enr-signature-box.h"
#include "enr-signature-canvas.h"
#include "enr-signature-placer.h"
#include "enr-test-ui.h"
#include "enr-test-pdf.h"

#define A4_WIDTH 595.0
#define A4_HEIGHT 842.0
#define EPSILON 1e-6

/* Documents, made here with cairo. */

/* One page for each width and height in @sizes, each with a black bar
 * 72 points from its top-left corner, 200 × 40 points, to be seen once
 * rendered. */
static GBytes *
make_pdf (const double *sizes,
          guint         n_pages)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface = enr_test_pdf_surface_new (out, sizes[0],
                                                                  sizes[1]);
  cairo_t *cr = cairo_create (surface);

  for (guint i = 0; i < n_pages; i++)
    {
      cairo_pdf_surface_set_size (surface, sizes[2 * i], sizes[2 * i + 1]);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_rectangle (cr, 72, 72, 200, 40);
      cairo_fill (cr);
      cairo_show_page (cr);
    }

  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}

/* Three A4 pages with a landscape one third: the default is on page 4. */
static GBytes *
make_letter (void)
{
  static const double sizes[] = {
    A4_WIDTH, A4_HEIGHT, A4_WIDTH, A4_HEIGHT, A4_HEIGHT, A4_WIDTH, A4_WIDTH, A4_HEIGHT,
  };

  return make_pdf (sizes, 4);
}

/* An A4 page, then a page smaller than the default box and its margins. */
static GBytes *
make_ticket (void)
{
  static const double sizes[] = { A4_WIDTH, A4_HEIGHT, 200, 100 };

  return make_pdf (sizes, 2);
}

/* The last match's number: a PDF's last trailer says what is current. */
static gboolean
match_number (GBytes     *pdf,
              const char *pattern,
              guint      *number)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_MULTILINE | G_REGEX_RAW, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *digits = NULL;
  gsize length;
  const char *text = g_bytes_get_data (pdf, &length);

  if (!g_regex_match_full (regex, text, (gssize) length, 0, 0, &match, NULL))
    return FALSE;
  do
    {
      g_free (digits);
      digits = g_match_info_fetch (match, 1);
    }
  while (g_match_info_next (match, NULL));
  *number = (guint) g_ascii_strtoull (digits, NULL, 10);
  return TRUE;
}

/* A PDF whose contents need a password: an incremental update gives the
 * document the standard security handler, whose check of the empty user
 * password fails. */
static GBytes *
make_encrypted (void)
{
  static const double sizes[] = { A4_WIDTH, A4_HEIGHT };
  g_autoptr(GBytes) plain = make_pdf (sizes, 1);
  GString *pdf = g_string_new_len (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain));
  guint size, root, prev;
  gsize object_at, xref_at;
  const char *junk = "4142434445464748494A4B4C4D4E4F505152535455565758595A303132333435";

  g_assert_true (match_number (plain, "/Size (\\d+)", &size));
  g_assert_true (match_number (plain, "/Root (\\d+) 0 R", &root));
  g_assert_true (match_number (plain, "^startxref\\s+(\\d+)", &prev));

  object_at = pdf->len;
  g_string_append_printf (pdf, "%u 0 obj\n<< /Filter /Standard /V 1 /R 2 /P -4 /O <%s> "
                          "/U <%s> >>\nendobj\n", size, junk, junk);
  xref_at = pdf->len;
  g_string_append_printf (pdf, "xref\n0 1\n0000000000 65535 f \n%u 1\n%010" G_GSIZE_FORMAT
                          " 00000 n \ntrailer\n<< /Size %u /Root %u 0 R /Prev %u /Encrypt %u 0 R "
                          "/ID [<00112233445566778899AABBCCDDEEFF> "
                          "<00112233445566778899AABBCCDDEEFF>] >>\nstartxref\n%" G_GSIZE_FORMAT
                          "\n%%%%EOF\n", size, object_at, size + 1, root, prev, size, xref_at);
  return g_string_free_to_bytes (pdf);
}

/* Waiting. */

static gboolean
is_loaded (gpointer data)
{
  return !enr_signature_placer_get_loading (data);
}

static EnrSignatureCanvas *
canvas_of (GtkWidget *placer)
{
  return ENR_SIGNATURE_CANVAS (enr_test_find (placer, ENR_TYPE_SIGNATURE_CANVAS, NULL));
}

/* The page is shown at the canvas's size. */
static gboolean
is_drawn (gpointer data)
{
  EnrSignatureCanvas *canvas = data;
  EnrPageImage *picture = enr_signature_canvas_get_picture (canvas);

  return picture != NULL &&
         enr_page_image_get_width (picture) == enr_signature_canvas_get_render_width (canvas);
}

static void
assert_placement (GtkWidget *placer,
                  guint      page,
                  double     x1,
                  double     y1,
                  double     x2,
                  double     y2)
{
  guint shown_page = G_MAXUINT;
  double rect[4];

  g_assert_true (enr_signature_placer_get_placement (ENR_SIGNATURE_PLACER (placer), &shown_page,
                                                     rect));
  g_test_message ("page %u: %g %g %g %g", shown_page, rect[0], rect[1], rect[2], rect[3]);
  g_assert_cmpuint (shown_page, ==, page);
  g_assert_cmpfloat_with_epsilon (rect[0], x1, EPSILON);
  g_assert_cmpfloat_with_epsilon (rect[1], y1, EPSILON);
  g_assert_cmpfloat_with_epsilon (rect[2], x2, EPSILON);
  g_assert_cmpfloat_with_epsilon (rect[3], y2, EPSILON);
}

/* What a screen reader says of the page, and what is written under it. */
static void
assert_described (GtkWidget  *placer,
                  const char *sentence)
{
  GtkWidget *label = enr_test_find (placer, GTK_TYPE_LABEL, sentence);

  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (canvas_of (placer)),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, sentence);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_is_drawable (label));
}

/* The keys: the bindings of the focused page. A key event cannot be made
 * in GTK 4, so a key is the shortcut its binding makes, activated as the
 * shortcut controller does. */

static GtkShortcut *
find_binding (GtkWidget       *widget,
              guint            keyval,
              GdkModifierType  modifiers)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return g_steal_pointer (&shortcut);
        }
    }
  return NULL;
}

/* TRUE if the key did something; FALSE if its action is disabled, and the
 * key goes on to the widgets around. */
static gboolean
press (GtkWidget       *placer,
       guint            keyval,
       GdkModifierType  modifiers)
{
  GtkWidget *canvas = GTK_WIDGET (canvas_of (placer));
  g_autoptr(GtkShortcut) shortcut = find_binding (canvas, keyval, modifiers);
  GtkShortcutAction *action;

  g_assert_nonnull (shortcut);
  action = gtk_shortcut_get_action (shortcut);
  g_assert_true (GTK_IS_NAMED_ACTION (action));
  g_assert_true (g_str_has_prefix (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
                                   "placer."));
  return gtk_shortcut_action_activate (action, GTK_SHORTCUT_ACTION_EXCLUSIVE, canvas,
                                       gtk_shortcut_get_arguments (shortcut));
}

static void
count_cb (GObject *object,
          gpointer data)
{
  (*(guint *) data)++;
}

/* The mouse: the canvas's drag gesture, its signals emitted as a drag with
 * the primary button emits them. Positions are in the page's points. */

static GtkGesture *
drag_gesture_of (GtkWidget *canvas)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (canvas);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_DRAG (controller))
        return GTK_GESTURE (controller);
    }
  g_assert_not_reached ();
}

static void
to_canvas (EnrSignatureCanvas *canvas,
           double              x,
           double              y,
           double             *widget_x,
           double             *widget_y)
{
  g_assert_true (enr_signature_canvas_page_to_widget (canvas, x, y, widget_x, widget_y));
}

static void
drag (GtkWidget *placer,
      double     from_x,
      double     from_y,
      double     to_x,
      double     to_y)
{
  EnrSignatureCanvas *canvas = canvas_of (placer);
  GtkGesture *gesture = drag_gesture_of (GTK_WIDGET (canvas));
  double start_x, start_y, end_x, end_y;

  to_canvas (canvas, from_x, from_y, &start_x, &start_y);
  to_canvas (canvas, to_x, to_y, &end_x, &end_y);
  g_signal_emit_by_name (gesture, "drag-begin", start_x, start_y);
  g_signal_emit_by_name (gesture, "drag-update", (end_x - start_x) / 2, (end_y - start_y) / 2);
  g_signal_emit_by_name (gesture, "drag-update", end_x - start_x, end_y - start_y);
  g_signal_emit_by_name (gesture, "drag-end", end_x - start_x, end_y - start_y);
}

static void
click (GtkWidget *placer,
       double     x,
       double     y)
{
  EnrSignatureCanvas *canvas = canvas_of (placer);
  GtkGesture *gesture = drag_gesture_of (GTK_WIDGET (canvas));
  double widget_x, widget_y;

  to_canvas (canvas, x, y, &widget_x, &widget_y);
  g_signal_emit_by_name (gesture, "drag-begin", widget_x, widget_y);
  g_signal_emit_by_name (gesture, "drag-end", 0.0, 0.0);
}

/* The fixture: the four-page letter, loaded and drawn. */

typedef struct
{
  GtkWindow *window;
  GtkWidget *placer;
  GBytes    *pdf;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  GtkWidget *opening;

  fixture->pdf = make_letter ();
  fixture->placer = enr_signature_placer_new ();
  fixture->window = enr_test_window_new (fixture->placer, 700, 900);

  enr_signature_placer_set_document (ENR_SIGNATURE_PLACER (fixture->placer), fixture->pdf);
  /* Opened in a thread: the placer says so in words meanwhile. */
  g_assert_true (enr_signature_placer_get_loading (ENR_SIGNATURE_PLACER (fixture->placer)));
  g_assert_false (enr_signature_placer_get_placement (ENR_SIGNATURE_PLACER (fixture->placer),
                                                      NULL, NULL));
  opening = enr_test_find (fixture->placer, GTK_TYPE_LABEL, "Opening the document…");
  g_assert_nonnull (opening);
  g_assert_true (gtk_widget_get_mapped (opening));

  enr_test_wait_until (is_loaded, fixture->placer, "the document to load");
  enr_test_wait_until (is_drawn, canvas_of (fixture->placer), "the page to be drawn");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  enr_test_window_destroy (fixture->window);
  g_bytes_unref (fixture->pdf);
}

/* The default: the last page, bottom right, 220 × 60 points, 36 from the
 * edges; said in words. */
static void
test_default (Fixture       *fixture,
              gconstpointer  data)
{
  EnrSignaturePlacer *placer = ENR_SIGNATURE_PLACER (fixture->placer);
  GtkWidget *spin = enr_test_find (fixture->placer, GTK_TYPE_SPIN_BUTTON, NULL);
  GtkWidget *list = enr_test_find (fixture->placer, GTK_TYPE_DROP_DOWN, NULL);
  guint page;

  g_assert_null (enr_signature_placer_get_error (placer));
  g_assert_cmpuint (enr_signature_placer_get_n_pages (placer), ==, 4);
  assert_placement (fixture->placer, 3, 339, 36, 559, 96);
  g_object_get (placer, "page", &page, NULL);
  g_assert_cmpuint (page, ==, 3);
  assert_described (fixture->placer, "Signature on page 4 of 4, bottom right, 220 by 60 points");

  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 4);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (list)), ==, 0);
  g_assert_nonnull (enr_test_find (fixture->placer, GTK_TYPE_LABEL, "of 4"));
}

static void
test_default_on_a_small_page (void)
{
  g_autoptr(GBytes) pdf = make_ticket ();
  GtkWidget *placer = enr_signature_placer_new ();
  GtkWindow *window = enr_test_window_new (placer, 500, 600);

  enr_signature_placer_set_document (ENR_SIGNATURE_PLACER (placer), pdf);
  enr_test_wait_until (is_loaded, placer, "the document to load");
  /* 200 × 100 points: the box shrinks to keep its margins, down to the
   * minimum height. */
  assert_placement (placer, 1, 36, 36, 164, 66);
  assert_described (placer, "Signature on page 2 of 2, bottom right, 128 by 30 points");
  enr_test_window_destroy (window);
}

/* Every key the issue names is bound on the focused page, and does what
 * it says; the words follow. */
static void
test_keys (Fixture       *fixture,
           gconstpointer  data)
{
  GtkWidget *list = enr_test_find (fixture->placer, GTK_TYPE_DROP_DOWN, NULL);
  guint changes = 0;

  g_signal_connect (fixture->placer, "placement-changed", G_CALLBACK (count_cb), &changes);

  /* The arrows are the page's only: in the spin button and the list they
   * keep their own meaning. */
  g_assert_null (find_binding (fixture->placer, GDK_KEY_Left, 0));

  g_assert_true (press (fixture->placer, GDK_KEY_Left, 0));
  assert_placement (fixture->placer, 3, 329, 36, 549, 96);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (list)), ==,
                    GTK_INVALID_LIST_POSITION);
  assert_described (fixture->placer, "Signature on page 4 of 4, 329 points from the left and 36 "
                    "from the bottom, 220 by 60 points");

  g_assert_true (press (fixture->placer, GDK_KEY_Left, GDK_CONTROL_MASK));
  assert_placement (fixture->placer, 3, 328, 36, 548, 96);
  g_assert_true (press (fixture->placer, GDK_KEY_Up, 0));
  assert_placement (fixture->placer, 3, 328, 46, 548, 106);
  g_assert_true (press (fixture->placer, GDK_KEY_Up, GDK_CONTROL_MASK));
  assert_placement (fixture->placer, 3, 328, 47, 548, 107);
  g_assert_true (press (fixture->placer, GDK_KEY_Down, 0));
  assert_placement (fixture->placer, 3, 328, 37, 548, 97);
  g_assert_true (press (fixture->placer, GDK_KEY_Right, 0));
  assert_placement (fixture->placer, 3, 338, 37, 558, 97);
  g_assert_true (press (fixture->placer, GDK_KEY_KP_Right, GDK_CONTROL_MASK));
  assert_placement (fixture->placer, 3, 339, 37, 559, 97);

  /* Shift: Right and Down grow, from the top-left corner. */
  g_assert_true (press (fixture->placer, GDK_KEY_Right, GDK_SHIFT_MASK));
  assert_placement (fixture->placer, 3, 339, 37, 569, 97);
  g_assert_true (press (fixture->placer, GDK_KEY_Down, GDK_SHIFT_MASK));
  assert_placement (fixture->placer, 3, 339, 27, 569, 97);
  g_assert_true (press (fixture->placer, GDK_KEY_Up, GDK_SHIFT_MASK | GDK_CONTROL_MASK));
  assert_placement (fixture->placer, 3, 339, 28, 569, 97);
  g_assert_true (press (fixture->placer, GDK_KEY_Left, GDK_SHIFT_MASK));
  assert_placement (fixture->placer, 3, 339, 28, 559, 97);
  assert_described (fixture->placer, "Signature on page 4 of 4, 339 points from the left and 28 "
                    "from the bottom, 220 by 69 points");

  /* Page Up and Down: to the landscape page and back. */
  g_assert_true (press (fixture->placer, GDK_KEY_Page_Up, 0));
  assert_placement (fixture->placer, 2, 339, 28, 559, 97);
  assert_described (fixture->placer, "Signature on page 3 of 4, 339 points from the left and 28 "
                    "from the bottom, 220 by 69 points");
  g_assert_true (press (fixture->placer, GDK_KEY_Page_Down, 0));
  g_assert_true (press (fixture->placer, GDK_KEY_Page_Up, 0));
  g_assert_true (press (fixture->placer, GDK_KEY_Page_Up, 0));
  g_assert_true (press (fixture->placer, GDK_KEY_KP_Page_Up, 0));
  assert_placement (fixture->placer, 0, 339, 28, 559, 97);
  /* No page before the first: the key is left to the widgets around. */
  g_assert_false (press (fixture->placer, GDK_KEY_Page_Up, 0));
  assert_placement (fixture->placer, 0, 339, 28, 559, 97);
  g_assert_cmpuint (changes, ==, 16);
}

/* The box never leaves the page, and is never smaller than the minimum. */
static void
test_edges_and_sizes (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkWidget *placer = fixture->placer;

  g_assert_true (gtk_widget_activate_action (placer, "placer.move", "(dd)", 1000.0, 1000.0));
  assert_placement (placer, 3, A4_WIDTH - 220, A4_HEIGHT - 60, A4_WIDTH, A4_HEIGHT);
  g_assert_true (press (placer, GDK_KEY_Right, 0));
  g_assert_true (press (placer, GDK_KEY_Up, 0));
  assert_placement (placer, 3, A4_WIDTH - 220, A4_HEIGHT - 60, A4_WIDTH, A4_HEIGHT);

  gtk_widget_activate_action (placer, "placer.move", "(dd)", -5000.0, -5000.0);
  assert_placement (placer, 3, 0, 0, 220, 60);
  g_assert_true (press (placer, GDK_KEY_Left, GDK_CONTROL_MASK));
  g_assert_true (press (placer, GDK_KEY_Down, 0));
  assert_placement (placer, 3, 0, 0, 220, 60);

  /* Growing down from the bottom edge grows up instead. */
  g_assert_true (press (placer, GDK_KEY_Down, GDK_SHIFT_MASK));
  assert_placement (placer, 3, 0, 0, 220, 70);

  gtk_widget_activate_action (placer, "placer.resize", "(dd)", -1000.0, -1000.0);
  assert_placement (placer, 3, 0, 40, 100, 70);
  g_assert_true (press (placer, GDK_KEY_Left, GDK_SHIFT_MASK));
  g_assert_true (press (placer, GDK_KEY_Up, GDK_SHIFT_MASK));
  assert_placement (placer, 3, 0, 40, 100, 70);
  assert_described (placer, "Signature on page 4 of 4, 0 points from the left and 40 from the "
                    "bottom, 100 by 30 points");

  gtk_widget_activate_action (placer, "placer.resize", "(dd)", 5000.0, 5000.0);
  assert_placement (placer, 3, 0, 0, A4_WIDTH, A4_HEIGHT);

  /* A placement from outside is made to fit too. */
  enr_signature_placer_set_placement (ENR_SIGNATURE_PLACER (placer), 1,
                                      (double[4]) { 580, -20, 600, 0 });
  assert_placement (placer, 1, A4_WIDTH - 100, 0, A4_WIDTH, 30);
}

/* The list of usual places, and the same through placer.place. */
static void
test_usual_places (Fixture       *fixture,
                   gconstpointer  data)
{
  static const struct
  {
    const char *id;
    double      rect[4];
    const char *sentence;
  } expected[] = {
    { "bottom-right", { 339, 36, 559, 96 }, "bottom right" },
    { "bottom-left", { 36, 36, 256, 96 }, "bottom left" },
    { "bottom-centre", { 187.5, 36, 407.5, 96 }, "bottom centre" },
    { "top-right", { 339, 746, 559, 806 }, "top right" },
    { "top-left", { 36, 746, 256, 806 }, "top left" },
  };
  GtkWidget *list = enr_test_find (fixture->placer, GTK_TYPE_DROP_DOWN, NULL);
  GListModel *model = gtk_drop_down_get_model (GTK_DROP_DOWN (list));

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (expected));
  gtk_widget_activate_action (fixture->placer, "placer.move", "(dd)", -100.0, 100.0);

  /* In reverse, so that each choice moves the box. */
  for (guint i = G_N_ELEMENTS (expected); i > 0; i--)
    {
      const double *r = expected[i - 1].rect;
      g_autofree char *sentence = g_strdup_printf ("Signature on page 4 of 4, %s, 220 by 60 "
                                                   "points", expected[i - 1].sentence);

      gtk_drop_down_set_selected (GTK_DROP_DOWN (list), i - 1);
      assert_placement (fixture->placer, 3, r[0], r[1], r[2], r[3]);
      assert_described (fixture->placer, sentence);
    }

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const double *r = expected[i].rect;

      gtk_widget_activate_action (fixture->placer, "placer.move", "(dd)", 5.0, 5.0);
      g_assert_true (gtk_widget_activate_action (fixture->placer, "placer.place", "s",
                                                 expected[i].id));
      assert_placement (fixture->placer, 3, r[0], r[1], r[2], r[3]);
      g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (list)), ==, i);
    }

  /* A larger box keeps its size at a usual place. */
  gtk_widget_activate_action (fixture->placer, "placer.resize", "(dd)", 80.0, 40.0);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (list), ENR_SIGNATURE_PLACE_BOTTOM_RIGHT);
  assert_placement (fixture->placer, 3, 259, 36, 559, 136);
}

static void
page_notified_cb (GObject    *object,
                  GParamSpec *pspec,
                  gpointer    data)
{
  (*(guint *) data)++;
}

static gboolean
is_landscape_drawn (gpointer data)
{
  EnrPageImage *picture = enr_signature_canvas_get_picture (data);

  return is_drawn (data) &&
         enr_page_image_get_width (picture) > enr_page_image_get_height (picture);
}

/* Another page: the box keeps its usual place there, or its position as
 * far as the page allows; the new page is drawn. */
static void
test_other_page (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *spin = enr_test_find (fixture->placer, GTK_TYPE_SPIN_BUTTON, NULL);
  EnrSignatureCanvas *canvas = canvas_of (fixture->placer);
  guint notified = 0;

  g_signal_connect (fixture->placer, "notify::page", G_CALLBACK (page_notified_cb), &notified);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 3);
  g_assert_cmpuint (notified, ==, 1);
  /* 842 × 595: still bottom right. */
  assert_placement (fixture->placer, 2, 842 - 36 - 220, 36, 842 - 36, 96);
  assert_described (fixture->placer, "Signature on page 3 of 4, bottom right, 220 by 60 points");
  /* The A4 picture is gone at once; the landscape page is drawn. */
  g_assert_true (enr_signature_canvas_get_picture (canvas) == NULL ||
                 !is_landscape_drawn (canvas));
  enr_test_wait_until (is_landscape_drawn, canvas, "the landscape page to be drawn");

  /* Out of the portrait page's width: pushed back onto it. */
  enr_signature_placer_set_placement (ENR_SIGNATURE_PLACER (fixture->placer), 2,
                                      (double[4]) { 600, 500, 820, 560 });
  gtk_widget_activate_action (fixture->placer, "placer.next-page", NULL);
  assert_placement (fixture->placer, 3, A4_WIDTH - 220, 500, A4_WIDTH, 560);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 4);
  g_assert_cmpuint (notified, ==, 2);
  enr_test_wait_until (is_drawn, canvas, "the last page to be drawn again");

  /* No page after the last. */
  g_assert_false (press (fixture->placer, GDK_KEY_Page_Down, 0));
  g_assert_cmpuint (notified, ==, 2);
}

typedef struct
{
  EnrSignatureCanvas *canvas;
  int                 before;
} Resize;

static gboolean
width_changed (gpointer data)
{
  Resize *resize = data;

  return enr_signature_canvas_get_render_width (resize->canvas) != resize->before;
}

/* A larger window draws the page again, at its new size. */
static void
test_follows_width (Fixture       *fixture,
                    gconstpointer  data)
{
  EnrSignatureCanvas *canvas = canvas_of (fixture->placer);
  Resize resize = { canvas, enr_signature_canvas_get_render_width (canvas) };

  g_assert_cmpint (resize.before, >, 100);
  gtk_window_set_default_size (fixture->window, 900, 1200);
  enr_test_wait_until (width_changed, &resize, "the page to be shown larger");
  g_assert_cmpint (enr_signature_canvas_get_render_width (canvas), >, resize.before);
  enr_test_wait_until (is_drawn, canvas, "the page to be drawn at its new size");
}

/* The mouse: a drag in the box moves it, a drag on the page draws a box
 * (no smaller than the minimum), a click puts the box there. */
static void
test_mouse (Fixture       *fixture,
            gconstpointer  data)
{
  GtkWidget *placer = fixture->placer;

  drag (placer, 449, 66, 399, 86);
  assert_placement (placer, 3, 289, 56, 509, 116);
  /* Dragged past the edge, it stops there. */
  drag (placer, 300, 60, 300 + 1000, 60 + 2000);
  assert_placement (placer, 3, A4_WIDTH - 220, A4_HEIGHT - 60, A4_WIDTH, A4_HEIGHT);

  drag (placer, 100, 500, 300, 600);
  assert_placement (placer, 3, 100, 500, 300, 600);
  /* From bottom-right to top-left, as well. */
  drag (placer, 300, 300, 80, 350);
  assert_placement (placer, 3, 80, 300, 300, 350);
  /* Too small: the minimum, in the direction of the drag. */
  drag (placer, 200, 200, 180, 210);
  assert_placement (placer, 3, 100, 200, 200, 230);
  assert_described (placer, "Signature on page 4 of 4, 100 points from the left and 200 from "
                    "the bottom, 100 by 30 points");

  click (placer, 400, 400);
  assert_placement (placer, 3, 350, 385, 450, 415);
  click (placer, 0, 0);
  assert_placement (placer, 3, 0, 0, 100, 30);
  /* The page has the focus, for the keys. */
  g_assert_true (gtk_window_get_focus (fixture->window) == GTK_WIDGET (canvas_of (placer)));
}

/* What the page looks like: the document, the frame, its fill, and a
 * second frame while the page has the focus. */

static void
pixel (cairo_surface_t *surface,
       double           x,
       double           y,
       int              rgb[3])
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 argb = *(const guint32 *) (data + (int) y * stride + (int) x * 4);

  rgb[0] = (argb >> 16) & 0xff;
  rgb[1] = (argb >> 8) & 0xff;
  rgb[2] = argb & 0xff;
}

/* What the canvas draws now. (enr_test_render() shows the last frame
 * drawn, and none is drawn until the frame clock ticks after a change.) */
static cairo_surface_t *
draw (EnrSignatureCanvas *canvas)
{
  GtkWidget *widget = GTK_WIDGET (canvas);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return enr_test_draw_node (node, gtk_widget_get_width (widget),
                             gtk_widget_get_height (widget));
}

static gboolean
is_blue (const int rgb[3])
{
  return rgb[2] > rgb[0] + 80 && rgb[2] > 150;
}

static gboolean
is_white (const int rgb[3])
{
  return rgb[0] > 245 && rgb[1] > 245 && rgb[2] > 245;
}

/* Presents @window again until it is active: another test's window may
 * have been presented since. */
static gboolean
is_active (gpointer data)
{
  if (gtk_window_is_active (data))
    return TRUE;
  gtk_window_present (data);
  return FALSE;
}

static void
test_drawing (Fixture       *fixture,
              gconstpointer  data)
{
  EnrSignatureCanvas *canvas = canvas_of (fixture->placer);
  cairo_surface_t *surface;
  double left, top, right, bottom, bar_x, bar_y;
  int rgb[3];

  to_canvas (canvas, 339, 96, &left, &top);
  to_canvas (canvas, 559, 36, &right, &bottom);
  to_canvas (canvas, 172, A4_HEIGHT - 92, &bar_x, &bar_y);

  gtk_widget_grab_focus (enr_test_find (fixture->placer, GTK_TYPE_SPIN_BUTTON, NULL));
  enr_test_flush ();
  surface = draw (canvas);
  pixel (surface, bar_x, bar_y, rgb);
  g_assert_cmpint (rgb[0] + rgb[1] + rgb[2], <, 100);
  pixel (surface, floor (left) + 1, (top + bottom) / 2, rgb);
  g_assert_true (is_blue (rgb));
  pixel (surface, floor (right) - 1, (top + bottom) / 2, rgb);
  g_assert_true (is_blue (rgb));
  pixel (surface, floor (left) + 5, floor (top) + 4, rgb);
  g_assert_false (is_white (rgb));
  g_assert_cmpint (rgb[2], >, rgb[0]);
  /* No focus: the page around the frame is the page. */
  pixel (surface, floor (left) - 4, (top + bottom) / 2, rgb);
  g_assert_true (is_white (rgb));
  cairo_surface_destroy (surface);

  /* Only an active window shows its focus, and the tests share one X
   * display: the window is made active, then focused and drawn at once,
   * with no event in between to take the activation away. */
  enr_test_wait_until (is_active, fixture->window, "the window to be active");
  gtk_widget_grab_focus (GTK_WIDGET (canvas));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (canvas)));
  surface = draw (canvas);
  pixel (surface, floor (left) - 4, (top + bottom) / 2, rgb);
  g_assert_true (is_blue (rgb));
  pixel (surface, floor (right) + 4, (top + bottom) / 2, rgb);
  g_assert_true (is_blue (rgb));
  cairo_surface_destroy (surface);
}

/* Every control has a name, a visible label with a mnemonic, and the
 * page is focusable. */
static void
test_accessible (Fixture       *fixture,
                 gconstpointer  data)
{
  GtkWidget *spin = enr_test_find (fixture->placer, GTK_TYPE_SPIN_BUTTON, NULL);
  GtkWidget *list = enr_test_find (fixture->placer, GTK_TYPE_DROP_DOWN, NULL);
  GtkWidget *canvas = GTK_WIDGET (canvas_of (fixture->placer));
  GtkWidget *page_label = enr_test_find (fixture->placer, GTK_TYPE_LABEL, "_Page");
  GtkWidget *place_label = enr_test_find (fixture->placer, GTK_TYPE_LABEL, "P_lace");

  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Page");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Place of the signature");
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (canvas), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "Where your signature goes");
  g_assert_true (gtk_widget_get_focusable (canvas));
  g_assert_true (gtk_widget_is_sensitive (spin) && gtk_widget_is_sensitive (list));

  g_assert_nonnull (page_label);
  g_assert_true (gtk_label_get_use_underline (GTK_LABEL (page_label)));
  g_assert_true (gtk_label_get_mnemonic_widget (GTK_LABEL (page_label)) == spin);
  g_assert_nonnull (place_label);
  g_assert_true (gtk_label_get_use_underline (GTK_LABEL (place_label)));
  g_assert_true (gtk_label_get_mnemonic_widget (GTK_LABEL (place_label)) == list);

  /* Tab reaches the page. */
  gtk_widget_grab_focus (spin);
  for (guint i = 0; i < 10 && gtk_window_get_focus (fixture->window) != canvas; i++)
    gtk_widget_child_focus (GTK_WIDGET (fixture->window), GTK_DIR_TAB_FORWARD);
  g_assert_true (gtk_window_get_focus (fixture->window) == canvas);
}

/* Documents that cannot be used: a sentence, the error, no placement, and
 * nothing the keys or the list can do. */
static void
check_refused (GBytes                  *pdf,
               EnrSignaturePlacerError  code)
{
  GtkWidget *placer = enr_signature_placer_new ();
  GtkWindow *window = enr_test_window_new (placer, 500, 600);
  const GError *error;
  GtkWidget *message;

  enr_signature_placer_set_document (ENR_SIGNATURE_PLACER (placer), pdf);
  enr_test_wait_until (is_loaded, placer, "the document to be refused");
  error = enr_signature_placer_get_error (ENR_SIGNATURE_PLACER (placer));
  g_assert_error ((GError *) error, ENR_SIGNATURE_PLACER_ERROR, (int) code);
  g_test_message ("%s", error->message);
  message = enr_test_find (placer, GTK_TYPE_LABEL, error->message);
  g_assert_nonnull (message);
  enr_test_flush ();
  g_assert_true (gtk_widget_is_drawable (message));

  g_assert_cmpuint (enr_signature_placer_get_n_pages (ENR_SIGNATURE_PLACER (placer)), ==, 0);
  g_assert_false (enr_signature_placer_get_placement (ENR_SIGNATURE_PLACER (placer), NULL, NULL));
  g_assert_false (press (placer, GDK_KEY_Left, 0));
  g_assert_false (gtk_widget_is_sensitive (enr_test_find (placer, GTK_TYPE_DROP_DOWN, NULL)));

  /* Nothing: no error either. */
  enr_signature_placer_set_document (ENR_SIGNATURE_PLACER (placer), NULL);
  g_assert_null (enr_signature_placer_get_error (ENR_SIGNATURE_PLACER (placer)));
  g_assert_false (enr_signature_placer_get_loading (ENR_SIGNATURE_PLACER (placer)));
  enr_test_window_destroy (window);
}

static void
test_damaged (void)
{
  static const double sizes[] = { A4_WIDTH, A4_HEIGHT };
  g_autoptr(GBytes) junk = g_bytes_new_static ("%PDF-1.7 this is not a PDF", 26);
  g_autoptr(GBytes) pdf = make_pdf (sizes, 1);
  g_autoptr(GBytes) half = g_bytes_new_from_bytes (pdf, 0, 40);

  check_refused (junk, ENR_SIGNATURE_PLACER_ERROR_DAMAGED);
  check_refused (half, ENR_SIGNATURE_PLACER_ERROR_DAMAGED);
}

static void
test_encrypted (void)
{
  g_autoptr(GBytes) pdf = make_encrypted ();

  check_refused (pdf, ENR_SIGNATURE_PLACER_ERROR_ENCRYPTED);
}

/* Closing a window while a large document opens or a page renders: the
 * placer goes at once, the threads end, and their results are dropped. */

/* Bytes that say when they are freed. */
typedef struct
{
  GBytes *inner;
  gint   *freed;
} Watched;

static void
watched_free (gpointer data)
{
  Watched *watched = data;

  g_bytes_unref (watched->inner);
  g_atomic_int_set (watched->freed, TRUE);
  /* The last reference may go in a worker thread. */
  g_main_context_wakeup (NULL);
  g_free (watched);
}

static gboolean
is_set (gpointer data)
{
  return g_atomic_int_get ((gint *) data);
}

static GBytes *
make_large (gint *freed)
{
  double sizes[2 * 100];
  Watched *watched = g_new0 (Watched, 1);

  for (guint i = 0; i < 100; i++)
    {
      sizes[2 * i] = A4_WIDTH;
      sizes[2 * i + 1] = A4_HEIGHT;
    }
  watched->inner = make_pdf (sizes, 100);
  watched->freed = freed;
  return g_bytes_new_with_free_func (g_bytes_get_data (watched->inner, NULL),
                                     g_bytes_get_size (watched->inner), watched_free, watched);
}

static void
test_gone_while_opening (void)
{
  gint freed = FALSE;
  GBytes *pdf = make_large (&freed);
  GtkWidget *placer = g_object_ref_sink (enr_signature_placer_new ());

  enr_signature_placer_set_document (ENR_SIGNATURE_PLACER (placer), pdf);
  g_bytes_unref (pdf);
  g_assert_true (enr_signature_placer_get_loading (ENR_SIGNATURE_PLACER (placer)));
  g_object_add_weak_pointer (G_OBJECT (placer), (gpointer *) &placer);
  g_object_unref (placer);
  g_assert_null (placer);

  g_assert_false (g_atomic_int_get (&freed));
  enr_test_wait_until (is_set, &freed, "the opening thread to end");
  enr_test_flush ();
}

static gboolean
has_size (gpointer data)
{
  return enr_signature_canvas_get_render_width (data) > 0;
}

static void
test_gone_while_rendering (void)
{
  gint freed = FALSE;
  GBytes *pdf = make_large (&freed);
  GtkWidget *placer = enr_signature_placer_new ();
  GtkWindow *window = enr_test_window_new (placer, 500, 700);
  EnrSignatureCanvas *canvas = canvas_of (placer);

  enr_signature_placer_set_document (ENR_SIGNATURE_PLACER (placer), pdf);
  g_bytes_unref (pdf);
  enr_test_wait_until (is_loaded, placer, "the document to load");
  /* The first render starts as the page gets its size, and its result
   * cannot come before the main loop turns again. */
  enr_test_wait_until (has_size, canvas, "the page to have a size");
  g_assert_null (enr_signature_canvas_get_picture (canvas));

  g_object_add_weak_pointer (G_OBJECT (placer), (gpointer *) &placer);
  gtk_window_set_child (window, NULL);
  g_assert_null (placer);
  enr_test_wait_until (is_set, &freed, "the rendering thread to end");
  enr_test_window_destroy (window);
}

/* A new document while one opens: the first one's result never shows. */
static void
test_new_document_while_opening (void)
{
  gint freed = FALSE;
  GBytes *large = make_large (&freed);
  g_autoptr(GBytes) ticket = make_ticket ();
  GtkWidget *placer = enr_signature_placer_new ();
  GtkWindow *window = enr_test_window_new (placer, 500, 600);
  guint loaded = 0;

  g_signal_connect (placer, "placement-changed", G_CALLBACK (count_cb), &loaded);
  enr_signature_placer_set_document (ENR_SIGNATURE_PLACER (placer), large);
  g_bytes_unref (large);
  enr_signature_placer_set_document (ENR_SIGNATURE_PLACER (placer), ticket);
  enr_test_wait_until (is_loaded, placer, "the second document to load");
  enr_test_wait_until (is_set, &freed, "the first document's thread to end");
  enr_test_flush ();

  g_assert_cmpuint (loaded, ==, 1);
  g_assert_cmpuint (enr_signature_placer_get_n_pages (ENR_SIGNATURE_PLACER (placer)), ==, 2);
  assert_placement (placer, 1, 36, 36, 164, 66);
  enr_test_window_destroy (window);
}

/* The arithmetic alone. */
static void
test_box (void)
{
  EnrSignatureBox box;
  EnrSignaturePlace place;

  enr_signature_box_init_default (&box, A4_WIDTH, A4_HEIGHT);
  g_assert_cmpfloat (box.x1, ==, 339);
  g_assert_cmpfloat (box.y1, ==, 36);
  g_assert_cmpfloat (box.x2, ==, 559);
  g_assert_cmpfloat (box.y2, ==, 96);
  g_assert_true (enr_signature_box_find_place (&box, A4_WIDTH, A4_HEIGHT, &place));
  g_assert_cmpint (place, ==, ENR_SIGNATURE_PLACE_BOTTOM_RIGHT);

  /* A page smaller than the minimum: the whole page. */
  enr_signature_box_init_default (&box, 80, 20);
  g_assert_cmpfloat (box.x1, ==, 0);
  g_assert_cmpfloat (box.y1, ==, 0);
  g_assert_cmpfloat (box.x2, ==, 80);
  g_assert_cmpfloat (box.y2, ==, 20);

  /* Corners either way round; clamping keeps the size. */
  box = (EnrSignatureBox) { 500, 900, 300, 700 };
  enr_signature_box_clamp (&box, A4_WIDTH, A4_HEIGHT);
  g_assert_cmpfloat (box.x1, ==, 300);
  g_assert_cmpfloat (box.y1, ==, A4_HEIGHT - 200);
  g_assert_cmpfloat (box.x2, ==, 500);
  g_assert_cmpfloat (box.y2, ==, A4_HEIGHT);
  g_assert_false (enr_signature_box_find_place (&box, A4_WIDTH, A4_HEIGHT, NULL));

  /* A drag that starts off the page starts at its edge. */
  enr_signature_box_from_corners (&box, -50, -50, 10, 10, A4_WIDTH, A4_HEIGHT);
  g_assert_cmpfloat (box.x1, ==, 0);
  g_assert_cmpfloat (box.y1, ==, 0);
  g_assert_cmpfloat (box.x2, ==, 100);
  g_assert_cmpfloat (box.y2, ==, 30);
  g_assert_true (enr_signature_box_contains (&box, 50, 15));
  g_assert_false (enr_signature_box_contains (&box, 150, 15));

  /* Growing at the right edge moves the box left. */
  box = (EnrSignatureBox) { 495, 0, 595, 30 };
  enr_signature_box_resize (&box, 50, 0, A4_WIDTH, A4_HEIGHT);
  g_assert_cmpfloat (box.x1, ==, 445);
  g_assert_cmpfloat (box.x2, ==, 595);
}

int
main (int argc, char **argv)
{
  enr_test_ui_init (&argc, &argv);

  g_test_add_func ("/signature-placer/box", test_box);
  g_test_add ("/signature-placer/default", Fixture, NULL,
              fixture_setup, test_default, fixture_teardown);
  g_test_add_func ("/signature-placer/default-on-a-small-page", test_default_on_a_small_page);
  g_test_add ("/signature-placer/keys", Fixture, NULL,
              fixture_setup, test_keys, fixture_teardown);
  g_test_add ("/signature-placer/edges-and-sizes", Fixture, NULL,
              fixture_setup, test_edges_and_sizes, fixture_teardown);
  g_test_add ("/signature-placer/usual-places", Fixture, NULL,
              fixture_setup, test_usual_places, fixture_teardown);
  g_test_add ("/signature-placer/other-page", Fixture, NULL,
              fixture_setup, test_other_page, fixture_teardown);
  g_test_add ("/signature-placer/follows-width", Fixture, NULL,
              fixture_setup, test_follows_width, fixture_teardown);
  g_test_add ("/signature-placer/mouse", Fixture, NULL,
              fixture_setup, test_mouse, fixture_teardown);
  g_test_add ("/signature-placer/drawing", Fixture, NULL,
              fixture_setup, test_drawing, fixture_teardown);
  g_test_add ("/signature-placer/accessible", Fixture, NULL,
              fixture_setup, test_accessible, fixture_teardown);
  g_test_add_func ("/signature-placer/damaged", test_damaged);
  g_test_add_func ("/signature-placer/encrypted", test_encrypted);
  g_test_add_func ("/signature-placer/gone-while-opening", test_gone_while_opening);
  g_test_add_func ("/signature-placer/gone-while-rendering", test_gone_while_rendering);
  g_test_add_func ("/signature-placer/new-document-while-opening",
                   test_new_document_while_opening);

  return g_test_run ();
}
