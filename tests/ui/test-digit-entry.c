/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "enr-digit-entry.h"
#include "enr-field.h"
#include "enr-test-ui.h"

static void
test_digits_only (void)
{
  GtkWidget *entry = g_object_ref_sink (enr_digit_entry_new (FALSE));

  enr_test_type (entry, "12a3 4");
  g_assert_cmpstr (enr_digit_entry_get_digits (ENR_DIGIT_ENTRY (entry)), ==, "1234");
  g_assert_false (enr_digit_entry_get_complete (ENR_DIGIT_ENTRY (entry)));

  /* Letters alone insert nothing. */
  enr_test_type (entry, "xy");
  g_assert_cmpstr (enr_digit_entry_get_digits (ENR_DIGIT_ENTRY (entry)), ==, "1234");

  /* A code pasted from an SMS, with its separator, and one digit too many. */
  enr_digit_entry_clear (ENR_DIGIT_ENTRY (entry));
  enr_test_type (entry, "482 9137");
  g_assert_cmpstr (enr_digit_entry_get_digits (ENR_DIGIT_ENTRY (entry)), ==, "482913");
  g_assert_true (enr_digit_entry_get_complete (ENR_DIGIT_ENTRY (entry)));

  g_object_unref (entry);
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          guint      *count)
{
  (*count)++;
}

static void
test_complete_notifies (void)
{
  GtkWidget *entry = g_object_ref_sink (enr_digit_entry_new (TRUE));
  guint count = 0;

  g_signal_connect (entry, "notify::complete", G_CALLBACK (count_cb), &count);
  enr_test_type (entry, "12345");
  g_assert_cmpuint (count, ==, 0);
  enr_test_type (entry, "6");
  g_assert_cmpuint (count, ==, 1);
  g_assert_true (enr_digit_entry_get_complete (ENR_DIGIT_ENTRY (entry)));
  gtk_editable_delete_text (GTK_EDITABLE (entry), 5, 6);
  g_assert_cmpuint (count, ==, 2);
  g_assert_false (enr_digit_entry_get_complete (ENR_DIGIT_ENTRY (entry)));

  enr_digit_entry_set_length (ENR_DIGIT_ENTRY (entry), 5);
  g_assert_true (enr_digit_entry_get_complete (ENR_DIGIT_ENTRY (entry)));
  g_assert_cmpint (gtk_entry_get_max_length (GTK_ENTRY (entry)), ==, 5);
  g_object_unref (entry);
}

/* A PIN is dots, GTK_INPUT_PURPOSE_PIN and the secure buffer; an SMS code
 * is shown, GTK_INPUT_PURPOSE_DIGITS, and just as secure underneath. */
static void
test_masked (void)
{
  GtkWidget *pin = g_object_ref_sink (enr_digit_entry_new (TRUE));
  GtkWidget *otp = g_object_ref_sink (enr_digit_entry_new (FALSE));

  g_assert_false (gtk_entry_get_visibility (GTK_ENTRY (pin)));
  g_assert_cmpint (gtk_entry_get_input_purpose (GTK_ENTRY (pin)), ==, GTK_INPUT_PURPOSE_PIN);
  g_assert_true (gtk_entry_get_visibility (GTK_ENTRY (otp)));
  g_assert_cmpint (gtk_entry_get_input_purpose (GTK_ENTRY (otp)), ==, GTK_INPUT_PURPOSE_DIGITS);

  g_assert_true (GTK_IS_PASSWORD_ENTRY_BUFFER (gtk_entry_get_buffer (GTK_ENTRY (pin))));
  g_assert_true (GTK_IS_PASSWORD_ENTRY_BUFFER (gtk_entry_get_buffer (GTK_ENTRY (otp))));
  g_assert_false (gtk_editable_get_enable_undo (GTK_EDITABLE (pin)));
  g_assert_false (gtk_editable_get_enable_undo (GTK_EDITABLE (otp)));
  g_assert_cmpint (gtk_entry_get_max_length (GTK_ENTRY (pin)), ==, 6);

  enr_digit_entry_set_masked (ENR_DIGIT_ENTRY (otp), TRUE);
  g_assert_false (gtk_entry_get_visibility (GTK_ENTRY (otp)));
  g_assert_cmpint (gtk_entry_get_input_purpose (GTK_ENTRY (otp)), ==, GTK_INPUT_PURPOSE_PIN);

  g_object_unref (pin);
  g_object_unref (otp);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
clicked_cb (GtkButton *button,
            gboolean  *clicked)
{
  *clicked = TRUE;
}

/* Enter in the field presses the window's default button: "Enter moves on". */
static void
test_enter_activates_default (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *entry = enr_digit_entry_new (TRUE);
  GtkWidget *button = gtk_button_new_with_label ("Next");
  GtkWindow *window;
  gboolean clicked = FALSE;

  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), button);
  window = enr_test_window_new (box, 300, 100);
  gtk_window_set_default_widget (window, button);
  g_signal_connect (button, "clicked", G_CALLBACK (clicked_cb), &clicked);

  g_assert_true (gtk_entry_get_activates_default (GTK_ENTRY (entry)));
  g_signal_emit_by_name (gtk_editable_get_delegate (GTK_EDITABLE (entry)), "activate");
  /* A button activated from the keyboard shows itself pressed, briefly. */
  enr_test_wait_until (is_true, &clicked, "the default button to be clicked");

  enr_test_window_destroy (window);
}

/* The error is in the style, in the accessible state and in the linked
 * help text; clearing it gives the hint back. */
static void
test_field_error (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *entry = enr_digit_entry_new (TRUE);
  GtkWidget *help = gtk_label_new ("Six digits");
  GtkWindow *window;

  gtk_box_append (GTK_BOX (box), entry);
  gtk_box_append (GTK_BOX (box), help);
  window = enr_test_window_new (box, 300, 100);

  enr_field_set_error (entry, GTK_LABEL (help), "The two PINs are not the same.");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  g_assert_true (gtk_widget_has_css_class (help, "error"));
  g_assert_true (enr_field_has_error (entry));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_TRUE);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (help)), ==, "The two PINs are not the same.");
  g_assert_true (gtk_widget_get_visible (help));

  enr_field_clear_error (entry, GTK_LABEL (help), "Six digits");
  g_assert_false (gtk_widget_has_css_class (entry, "error"));
  g_assert_false (gtk_widget_has_css_class (help, "error"));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_FALSE);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (help)), ==, "Six digits");

  enr_field_clear_error (entry, GTK_LABEL (help), NULL);
  g_assert_false (gtk_widget_get_visible (help));

  enr_test_window_destroy (window);
}

int
main (int argc, char **argv)
{
  enr_test_ui_init (&argc, &argv);

  g_test_add_func ("/digit-entry/digits-only", test_digits_only);
  g_test_add_func ("/digit-entry/complete-notifies", test_complete_notifies);
  g_test_add_func ("/digit-entry/masked", test_masked);
  g_test_add_func ("/digit-entry/enter-activates-default", test_enter_activates_default);
  g_test_add_func ("/digit-entry/field-error", test_field_error);

  return g_test_run ();
}
