/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The kiosk's pieces in process: the idle watch and its "Are You Still
 * There?" countdown, the on-screen keypad, the receipt (printed to a PDF
 * by the test, checked with pdftotext; the kiosk itself refuses a printer
 * that writes files), and the reset between two citizens, against a
 * spawned smartca-sandbox. What a whole kiosk run leaves in files and in
 * memory is the end-to-end test's (tests/e2e/kiosk.py).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "enr-digit-entry.h"
#include "enr-idle-watch.h"
#include "enr-keypad.h"
#include "enr-kiosk.h"
#include "enr-language.h"
#include "enr-receipt.h"
#include "enr-test-enroll.h"
#include "enr-test-sandbox.h"
#include "enr-test-ui.h"
#include "enr-wizard.h"

#define PIN "274913"

/* --- The idle watch ------------------------------------------------------------- */

static gboolean
has_dialog (gpointer data)
{
  return enr_idle_watch_get_dialog (data) != NULL;
}

static gboolean
has_no_dialog (gpointer data)
{
  return enr_idle_watch_get_dialog (data) == NULL;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

static void
test_idle_countdown (void)
{
  GtkWidget *button = gtk_button_new_with_label ("Something");
  GtkWindow *window = enr_test_window_new (button, 400, 300);
  g_autoptr(EnrIdleWatch) watch = enr_idle_watch_new (1, 3);
  EnrIdleDialog *dialog;
  GtkWidget *here;
  gboolean expired = FALSE;
  guint first;

  g_signal_connect_swapped (watch, "expired", G_CALLBACK (set_true), &expired);
  enr_idle_watch_set_window (watch, window);

  /* A second without input: the question, modal, with the focus on the answer. */
  enr_test_wait_until (has_dialog, watch, "the idle dialog");
  dialog = enr_idle_watch_get_dialog (watch);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == window);
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (dialog)), ==,
                   GTK_ACCESSIBLE_ROLE_ALERT_DIALOG);
  here = enr_test_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "_I Am Still Here");
  g_assert_nonnull (here);
  enr_test_wait_until ((EnrTestCondition) gtk_widget_is_focus, here, "the answer's focus");
  first = enr_idle_dialog_get_seconds_left (dialog);
  g_assert_cmpuint (first, <=, 3);
  g_assert_nonnull (enr_test_find (GTK_WIDGET (dialog), GTK_TYPE_LABEL, "3"));

  /* Using the window counts: the question goes. */
  gtk_widget_activate (button);
  enr_test_wait_until (has_no_dialog, watch, "the dialog to go on input");
  g_assert_false (expired);

  /* Nobody answers: the countdown ends. */
  enr_test_wait_until (has_dialog, watch, "the idle dialog again");
  enr_test_wait_until (is_true, &expired, "the countdown to end");
  g_assert_null (enr_idle_watch_get_dialog (watch));

  enr_idle_watch_set_window (watch, NULL);
  enr_test_window_destroy (window);
}

static void
test_idle_still_here (void)
{
  GtkWindow *window = enr_test_window_new (gtk_label_new ("Idle"), 400, 300);
  g_autoptr(EnrIdleWatch) watch = enr_idle_watch_new (1, 30);
  gboolean expired = FALSE;

  g_signal_connect_swapped (watch, "expired", G_CALLBACK (set_true), &expired);
  enr_idle_watch_set_window (watch, window);
  enr_test_wait_until (has_dialog, watch, "the idle dialog");
  gtk_widget_activate (enr_test_find (GTK_WIDGET (enr_idle_watch_get_dialog (watch)),
                                      GTK_TYPE_BUTTON, "_I Am Still Here"));
  enr_test_wait_until (has_no_dialog, watch, "the dialog to go");
  g_assert_false (expired);
  enr_idle_watch_set_window (watch, NULL);
  enr_test_window_destroy (window);
}

/* --- The keypad --------------------------------------------------------------------- */

/* A key pressed (gtk_widget_activate() clicks a button only after its
 * press animation). */
static void
press (GtkWidget *key)
{
  g_signal_emit_by_name (key, "clicked");
}

static gboolean
target_is (gpointer data)
{
  gpointer *pair = data;

  return enr_keypad_get_target (pair[0]) == pair[1];
}

static void
wait_target (EnrKeypad     *keypad,
             EnrDigitEntry *entry)
{
  gpointer pair[2] = { keypad, entry };

  enr_test_wait_until (target_is, pair, "the keypad to follow the focus");
}

static void
test_keypad (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *pin = enr_digit_entry_new (TRUE);
  GtkWidget *otp = enr_digit_entry_new (FALSE);
  GtkWidget *other = gtk_entry_new ();
  g_autoptr(EnrKeypad) keypad = g_object_ref_sink (ENR_KEYPAD (enr_keypad_new (FALSE)));
  GtkWindow *window;

  gtk_box_append (GTK_BOX (box), pin);
  gtk_box_append (GTK_BOX (box), otp);
  gtk_box_append (GTK_BOX (box), other);
  window = enr_test_window_new (box, 500, 600);
  enr_keypad_follow_focus (keypad, window);

  gtk_widget_grab_focus (pin);
  wait_target (keypad, ENR_DIGIT_ENTRY (pin));
  enr_test_wait_until ((EnrTestCondition) gtk_widget_get_mapped, keypad, "the keypad shown");

  /* Keys type through the entry's own filter, and never take the focus. */
  for (guint digit = 0; digit < 10; digit++)
    g_assert_false (gtk_widget_get_focusable (enr_keypad_get_key (keypad, digit)));
  press (enr_keypad_get_key (keypad, 2));
  press (enr_keypad_get_key (keypad, 7));
  press (enr_keypad_get_key (keypad, 4));
  g_assert_cmpstr (enr_digit_entry_get_digits (ENR_DIGIT_ENTRY (pin)), ==, "274");
  g_assert_true (enr_digit_entry_get_masked (ENR_DIGIT_ENTRY (pin)));
  press (enr_test_find (GTK_WIDGET (keypad), GTK_TYPE_BUTTON, "⌫"));
  g_assert_cmpstr (enr_digit_entry_get_digits (ENR_DIGIT_ENTRY (pin)), ==, "27");
  for (guint i = 0; i < 8; i++)
    press (enr_keypad_get_key (keypad, 9));
  g_assert_cmpstr (enr_digit_entry_get_digits (ENR_DIGIT_ENTRY (pin)), ==, "279999");
  g_assert_true (enr_digit_entry_get_complete (ENR_DIGIT_ENTRY (pin)));
  enr_test_flush ();
  g_assert_true (gtk_widget_is_focus (GTK_WIDGET (gtk_editable_get_delegate (
                   GTK_EDITABLE (pin)))));

  /* It moves to the field that takes the focus, and goes elsewhere. */
  gtk_widget_grab_focus (otp);
  wait_target (keypad, ENR_DIGIT_ENTRY (otp));
  press (enr_keypad_get_key (keypad, 5));
  g_assert_cmpstr (enr_digit_entry_get_digits (ENR_DIGIT_ENTRY (otp)), ==, "5");
  g_assert_cmpstr (enr_digit_entry_get_digits (ENR_DIGIT_ENTRY (pin)), ==, "279999");
  press (enr_test_find (GTK_WIDGET (keypad), GTK_TYPE_BUTTON, "Clear"));
  g_assert_cmpstr (enr_digit_entry_get_digits (ENR_DIGIT_ENTRY (otp)), ==, "");
  gtk_widget_grab_focus (other);
  wait_target (keypad, NULL);

  enr_keypad_follow_focus (keypad, NULL);
  enr_test_window_destroy (window);
}

static void
test_keypad_shuffle (void)
{
  g_autoptr(EnrKeypad) plain = g_object_ref_sink (ENR_KEYPAD (enr_keypad_new (FALSE)));
  GtkWidget *grid = gtk_popover_get_child (GTK_POPOVER (plain));
  int column, row;

  /* 1 2 3 / 4 5 6 / 7 8 9 / _ 0 _ unless shuffling is on. */
  gtk_grid_query_child (GTK_GRID (grid), enr_keypad_get_key (plain, 1), &column, &row, NULL,
                        NULL);
  g_assert_cmpint (column, ==, 0);
  g_assert_cmpint (row, ==, 0);
  gtk_grid_query_child (GTK_GRID (grid), enr_keypad_get_key (plain, 0), &column, &row, NULL,
                        NULL);
  g_assert_cmpint (column, ==, 1);
  g_assert_cmpint (row, ==, 3);
}

/* --- With a sandbox --------------------------------------------------------------------- */

typedef struct
{
  EnrTestSandbox sandbox;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  enr_test_sandbox_set_up (&fx->sandbox, "kiosk", "200");
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  enr_test_sandbox_tear_down (&fx->sandbox);
}

static char *
run_pdftotext (const char *pdf)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "pdftotext", "-enc", "UTF-8", pdf, "-", NULL };
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &text, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&text);
}

static void
test_receipt (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(EnrSession) session = enr_test_new_session (fx->sandbox.runner, TRUE, NULL);
  g_autoptr(EnrReceipt) receipt = NULL;
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = enr_test_output_path ("kiosk-receipt.pdf");
  g_autofree char *text = NULL;
  g_autofree char *masked = NULL;
  const char *registration_id;
  const char *serial;

  g_assert_null (enr_receipt_new_from_session (session));
  g_assert_true (enr_test_enroll (session, fx->sandbox.control, &ENR_TEST_AN, PIN, &error));
  g_assert_no_error (error);
  registration_id = enr_session_get_registration (session)->registration_id;
  serial = enr_session_get_certificate (session)->serial;
  masked = enr_session_dup_masked_citizen_id (session);

  receipt = enr_receipt_new_from_session (session);
  g_assert_nonnull (receipt);
  g_assert_nonnull (strstr (enr_receipt_get_text (receipt), registration_id));
  g_assert_null (strstr (enr_receipt_get_text (receipt), ENR_TEST_AN.id));

  /* What the kiosk's printer receives, printed to a PDF here. */
  operation = enr_receipt_new_operation (receipt);
  gtk_print_operation_set_export_filename (operation, pdf);
  g_assert_cmpint (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL,
                                            &error), ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);
  text = run_pdftotext (pdf);
  g_assert_nonnull (strstr (text, registration_id));
  g_assert_nonnull (strstr (text, serial));
  g_assert_nonnull (strstr (text, masked));
  g_assert_nonnull (strstr (text, ENR_TEST_AN.full_name));
  g_assert_null (strstr (text, ENR_TEST_AN.id));
  g_assert_null (strstr (text, PIN));
  g_assert_nonnull (strstr (text, "Use My SmartCA on This Computer"));
  g_remove (pdf);
  enr_session_wipe (session);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
test_receipt_never_to_a_file (Fixture       *fx,
                              gconstpointer  data)
{
  g_autoptr(EnrSession) session = enr_test_new_session (fx->sandbox.runner, TRUE, NULL);
  g_autoptr(EnrReceipt) receipt = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *home_pdf = g_build_filename (g_get_home_dir (), "output.pdf", NULL);
  const char *printers[] = { "Print to File", "", "no such printer" };

  g_assert_true (enr_test_enroll (session, fx->sandbox.control, &ENR_TEST_NGOC, PIN, &error));
  g_assert_no_error (error);
  receipt = enr_receipt_new_from_session (session);

  /* GTK's file printer is the one printer this machine has: refused, and
   * so is a default that is not a real printer, and a missing one. */
  for (guint i = 0; i < G_N_ELEMENTS (printers); i++)
    {
      g_clear_object (&res);
      enr_receipt_print_async (receipt, NULL, printers[i], NULL, enr_test_store_result, &res);
      enr_test_wait_until (has_result, &res, "the receipt's printing to end");
      g_assert_false (enr_receipt_print_finish (receipt, res, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "printer"));
      g_clear_error (&error);
    }
  g_assert_false (g_file_test (home_pdf, G_FILE_TEST_EXISTS));
  enr_session_wipe (session);
}

/* --- The reset -------------------------------------------------------------------------- */

typedef struct
{
  Fixture  *fx;
  GPtrArray *sessions;
} KioskData;

static EnrSession *
new_session_cb (gpointer user_data)
{
  KioskData *data = user_data;
  EnrSession *session = enr_test_new_session (data->fx->sandbox.runner, TRUE, NULL);

  g_ptr_array_add (data->sessions, session);
  g_object_add_weak_pointer (G_OBJECT (session),
                             &g_ptr_array_index (data->sessions, data->sessions->len - 1));
  return session;
}

static EnrWizard *
open_wizard_cb (EnrSession *session,
                gpointer    user_data)
{
  EnrWizard *wizard = enr_wizard_new (NULL, session, TRUE, NULL);

  gtk_window_present (enr_wizard_get_window (wizard));
  return wizard;
}

static gboolean
keyring_holds (const char *citizen_id)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;
  gboolean found;

  /* Nothing of the key handle's schema at all: a kiosk keeps nothing. */
  g_hash_table_insert (attributes, "xdg:schema", "vn.smartca.Enroll.KeyHandle");
  items = secret_service_search_sync (NULL, NULL, attributes, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  found = items != NULL;
  g_list_free_full (items, g_object_unref);
  return found;
}

static void
test_reset (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(GtkApplication) app = gtk_application_new ("vn.smartca.Enroll.TestKiosk",
                                                       G_APPLICATION_NON_UNIQUE);
  static const EnrKioskHooks hooks = { new_session_cb, open_wizard_cb };
  KioskData kiosk_data = { fx, g_ptr_array_new () };
  g_autoptr(EnrKiosk) kiosk = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSimpleAction) language = g_simple_action_new_stateful (
    "language", G_VARIANT_TYPE_STRING, g_variant_new_string ("vi"));
  GdkClipboard *clipboard = gdk_display_get_clipboard (gdk_display_get_default ());
  GtkWindow *first_window;
  EnrSession *first;
  gboolean reset_done = FALSE;

  g_action_map_add_action (G_ACTION_MAP (app), G_ACTION (language));
  kiosk = enr_kiosk_new (app, 120, "vi", NULL, FALSE, &hooks, &kiosk_data);
  g_signal_connect_swapped (kiosk, "reset-done", G_CALLBACK (set_true), &reset_done);
  enr_kiosk_start (kiosk);
  g_assert_true (enr_language_is_vietnamese ());
  first = enr_kiosk_get_session (kiosk);
  first_window = enr_kiosk_get_window (kiosk);
  g_object_add_weak_pointer (G_OBJECT (first_window), (gpointer *) &first_window);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (first_window), "kiosk"));

  /* The first citizen, in English, copies something, and finishes. */
  enr_language_apply ("en");
  g_assert_true (enr_test_enroll (first, fx->sandbox.control, &ENR_TEST_AN, PIN, &error));
  g_assert_no_error (error);
  gdk_clipboard_set_text (clipboard, ENR_TEST_AN.full_name);
  g_assert_nonnull (gdk_clipboard_get_content (clipboard));
  g_assert_false (keyring_holds (ENR_TEST_AN.id));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (first_window), "wizard.close", NULL));
  enr_test_wait_until (is_true, &reset_done, "the kiosk to start over");

  /* Nothing of the first citizen is held: the session went, with its window. */
  g_assert_null (g_ptr_array_index (kiosk_data.sessions, 0));
  g_assert_null (first_window);
  g_assert_null (gdk_clipboard_get_content (clipboard));
  g_assert_false (keyring_holds (ENR_TEST_AN.id));
  g_assert_true (enr_language_is_vietnamese ());
  g_assert_cmpstr (g_variant_get_string (g_action_get_state (G_ACTION (language)), NULL), ==,
                   "vi");

  /* The next citizen starts at the welcome page, on a new session. */
  g_assert_cmpuint (kiosk_data.sessions->len, ==, 2);
  g_assert_true (enr_kiosk_get_session (kiosk) == g_ptr_array_index (kiosk_data.sessions, 1));
  g_assert_cmpint (enr_session_get_step (enr_kiosk_get_session (kiosk)), ==,
                   ENR_SESSION_STEP_LOGIN);
  g_assert_null (enr_session_get_identity (enr_kiosk_get_session (kiosk)));
  g_assert_cmpstr (enr_wizard_get_current_id (enr_kiosk_get_wizard (kiosk)), ==, "welcome");

  /* A second reset, from the idle watch's expiry this time. */
  reset_done = FALSE;
  g_signal_emit_by_name (enr_kiosk_get_idle_watch (kiosk), "expired");
  enr_test_wait_until (is_true, &reset_done, "the kiosk to start over again");
  g_assert_null (g_ptr_array_index (kiosk_data.sessions, 1));
  g_assert_cmpuint (kiosk_data.sessions->len, ==, 3);

  /* The kiosk goes first: a window closed under it would start it over. */
  {
    GtkWindow *last = enr_kiosk_get_window (kiosk);

    g_clear_object (&kiosk);
    gtk_window_destroy (last);
  }
  enr_test_flush ();
  for (guint i = 0; i < kiosk_data.sessions->len; i++)
    if (g_ptr_array_index (kiosk_data.sessions, i) != NULL)
      g_object_remove_weak_pointer (g_ptr_array_index (kiosk_data.sessions, i),
                                    &g_ptr_array_index (kiosk_data.sessions, i));
  g_ptr_array_unref (kiosk_data.sessions);
  enr_language_apply ("");
}

int
main (int    argc,
      char **argv)
{
  enr_test_ui_init (&argc, &argv);

  g_test_add_func ("/kiosk/idle-countdown", test_idle_countdown);
  g_test_add_func ("/kiosk/idle-still-here", test_idle_still_here);
  g_test_add_func ("/kiosk/keypad", test_keypad);
  g_test_add_func ("/kiosk/keypad-layout", test_keypad_shuffle);
  g_test_add ("/kiosk/receipt", Fixture, NULL, fixture_set_up, test_receipt,
              fixture_tear_down);
  g_test_add ("/kiosk/receipt-never-to-a-file", Fixture, NULL, fixture_set_up,
              test_receipt_never_to_a_file, fixture_tear_down);
  g_test_add ("/kiosk/reset", Fixture, NULL, fixture_set_up, test_reset, fixture_tear_down);
  return g_test_run ();
}
