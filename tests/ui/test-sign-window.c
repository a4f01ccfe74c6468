/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Sign Documents…" as a person meets it, before any service is asked: two
 * PDFs in the list, each shown in the placer with its own box kept while
 * the other is looked at (moved by the placer's keyboard actions), a
 * password-protected PDF refused in plain words and keeping Continue shut
 * until it is removed, and the reason and place handed to the signing
 * with the wait said in a sentence. Then against a real sandbox, with a
 * citizen enrolled on this desktop (gnome-keyring): the confirmation lists
 * every name and fingerprint before the PIN; a wrong PIN marks the field;
 * two documents signed under one PIN are written as two -signed.pdf files
 * and a notice says where; a time-stamp service that does not answer
 * offers to sign without a trusted time, with no new PIN.
 */
#include "config.h"

#include <string.h>

#include "enr-account.h"
#include "enr-document-signing.h"
#include "enr-sign-chooser.h"
#include "enr-sign-item.h"
#include "enr-sign-window.h"
#include "enr-digit-entry.h"
#include "enr-error-area.h"
#include "enr-signature-placer.h"
#include "enr-test-enroll.h"
#include "enr-test-sandbox.h"
#include "enr-test-ui.h"

#define EPSILON 1e-6
#define PIN "274913"
#define WRONG_PIN "111111"

typedef struct
{
  EnrTestSandbox sandbox;   /* only for the tests against the sandbox */
  char          *dir;       /* copies of the fixtures: signing writes beside them */
  EnrSession    *session;
  EnrAccount    *account;
  EnrSignWindow *window;
} Fixture;

static GFile *
fixture_file (Fixture    *fixture,
              const char *name)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

  return g_file_new_for_path (path);
}

static void
copy_fixture (Fixture    *fixture,
              const char *name)
{
  g_autofree char *from = g_build_filename (UI_TEST_DATA, name, NULL);
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) target = fixture_file (fixture, name);
  g_autoptr(GError) error = NULL;

  g_file_copy (source, target, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

static void
copy_fixtures (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("sign-window-XXXXXX", &error);
  g_assert_no_error (error);
  copy_fixture (fixture, "letter.pdf");
  copy_fixture (fixture, "notice.pdf");
  copy_fixture (fixture, "protected.pdf");
}

static void
open_window (Fixture *fixture)
{
  fixture->account = enr_account_new (fixture->session);
  fixture->window = ENR_SIGN_WINDOW (enr_sign_window_new (NULL, fixture->account));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
  enr_test_flush ();
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *state = NULL;

  copy_fixtures (fixture);
  state = g_build_filename (fixture->dir, "state", NULL);
  /* Nothing here reaches a service: the addresses go nowhere. */
  fixture->session = enr_session_new ("https://vneid.invalid", "https://smartca.invalid", NULL,
                                      NULL, FALSE, state);
  open_window (fixture);
}

/* The citizen enrolled on this desktop, then the program started again:
 * a session resumed from what this computer keeps, as Your SmartCA has. */
static void
sandbox_setup (Fixture       *fixture,
               gconstpointer  data)
{
  EnrTestSandbox *sandbox = &fixture->sandbox;
  g_autoptr(EnrSession) first = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  copy_fixtures (fixture);
  enr_test_sandbox_set_up (sandbox, "sign-window", "200");
  first = enr_test_new_session (sandbox->runner, FALSE, sandbox->state_dir);
  g_assert_true (enr_test_enroll (first, sandbox->control, &ENR_TEST_AN, PIN, &error));
  g_assert_no_error (error);
  g_clear_object (&first);

  fixture->session = enr_test_new_session (sandbox->runner, FALSE, sandbox->state_dir);
  enr_session_resume_async (fixture->session, NULL, enr_test_store_result, &result);
  g_assert_true (enr_session_resume_finish (fixture->session, enr_test_wait_result (&result),
                                            &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  enr_session_set_tsa_url (fixture->session, enr_sandbox_runner_get_tsa_url (sandbox->runner));
  open_window (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  enr_test_flush ();
  g_clear_object (&fixture->account);
  g_clear_object (&fixture->session);
  if (fixture->sandbox.runner != NULL)
    enr_test_sandbox_tear_down (&fixture->sandbox);
  if (!g_test_failed ())
    enr_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* Waiting. */

static gboolean
items_settled (gpointer data)
{
  GListModel *items = enr_sign_window_get_items (data);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(EnrSignItem) item = g_list_model_get_item (items, i);

      if (enr_sign_item_get_state (item) == ENR_SIGN_ITEM_LOADING)
        return FALSE;
    }
  return TRUE;
}

static GtkWidget *
chooser_of (Fixture *fixture)
{
  return enr_test_find (GTK_WIDGET (fixture->window), ENR_TYPE_SIGN_CHOOSER, NULL);
}

static EnrSignaturePlacer *
placer_of (Fixture *fixture)
{
  return ENR_SIGNATURE_PLACER (enr_test_find (GTK_WIDGET (fixture->window),
                                              ENR_TYPE_SIGNATURE_PLACER, NULL));
}

static gboolean
placer_loaded (gpointer data)
{
  EnrSignaturePlacer *placer = data;

  return !enr_signature_placer_get_loading (placer) &&
         enr_signature_placer_get_placement (placer, NULL, NULL);
}

static gboolean
not_busy (gpointer data)
{
  return enr_sign_window_get_status (data) == NULL;
}

static void
add (Fixture    *fixture,
     const char *first,
     const char *second)
{
  GFile *files[2] = { fixture_file (fixture, first), second != NULL ? fixture_file (fixture, second)
                                                                    : NULL };

  enr_sign_window_add_files (fixture->window, files, second != NULL ? 2 : 1);
  g_clear_object (&files[0]);
  g_clear_object (&files[1]);
  enr_test_wait_until (items_settled, fixture->window, "the documents to open");
}

static EnrSignItem *
item_at (Fixture *fixture,
         guint    position)
{
  g_autoptr(EnrSignItem) item = g_list_model_get_item (enr_sign_window_get_items (fixture->window),
                                                       position);

  g_assert_nonnull (item);
  return item;   /* the list keeps it */
}

static GtkListBox *
list_of (Fixture *fixture)
{
  /* The documents' list comes first in the window. */
  return GTK_LIST_BOX (enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LIST_BOX, NULL));
}

static void
select_row (Fixture *fixture,
            guint    position)
{
  GtkListBox *list = list_of (fixture);

  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, (int) position));
  enr_test_wait_until (placer_loaded, placer_of (fixture), "the document to show");
}

static void
assert_rect (const double rect[4],
             double       x1,
             double       y1,
             double       x2,
             double       y2)
{
  g_assert_cmpfloat_with_epsilon (rect[0], x1, EPSILON);
  g_assert_cmpfloat_with_epsilon (rect[1], y1, EPSILON);
  g_assert_cmpfloat_with_epsilon (rect[2], x2, EPSILON);
  g_assert_cmpfloat_with_epsilon (rect[3], y2, EPSILON);
}

static void
assert_shown (Fixture *fixture,
              guint    page,
              double   x1,
              double   y1,
              double   x2,
              double   y2)
{
  guint shown_page;
  double rect[4];

  g_assert_true (enr_signature_placer_get_placement (placer_of (fixture), &shown_page, rect));
  g_assert_cmpuint (shown_page, ==, page);
  assert_rect (rect, x1, y1, x2, y2);
}

static gboolean
continue_sensitive (Fixture *fixture)
{
  GtkWidget *button = enr_test_find_action (GTK_WIDGET (fixture->window), "sign.continue");

  g_assert_nonnull (button);
  return gtk_widget_get_sensitive (button);
}

/* The tests. */

static void
test_list_and_placer (Fixture       *fixture,
                      gconstpointer  data)
{
  guint page;
  double rect[4];

  g_assert_false (continue_sensitive (fixture));
  g_assert_nonnull (enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL,
                                   "No document chosen yet."));

  add (fixture, "letter.pdf", "notice.pdf");
  g_assert_cmpuint (g_list_model_get_n_items (enr_sign_window_get_items (fixture->window)), ==, 2);
  g_assert_nonnull (enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL, "letter.pdf"));
  g_assert_nonnull (enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL, "notice.pdf"));
  /* Each Remove says which document it takes out. */
  gtk_test_accessible_assert_property (
    GTK_ACCESSIBLE (enr_test_find_action (GTK_WIDGET (gtk_list_box_get_row_at_index (
                                                        list_of (fixture), 1)), "chooser.remove")),
    GTK_ACCESSIBLE_PROPERTY_LABEL, "Remove “notice.pdf”");
  g_assert_true (continue_sensitive (fixture));

  /* The first is shown, at the default: last page, bottom right. */
  enr_test_wait_until (placer_loaded, placer_of (fixture), "the first document to show");
  assert_shown (fixture, 2, 339, 36, 559, 96);
  /* The one not looked at has its default too (a landscape page). */
  g_assert_true (enr_sign_item_get_placement (item_at (fixture, 1), &page, rect));
  g_assert_cmpuint (page, ==, 0);
  assert_rect (rect, 586, 36, 806, 96);

  enr_test_assert_no_wrapping_by_trial (GTK_WIDGET (fixture->window));
  enr_test_assert_borders_one_color (GTK_WIDGET (fixture->window));

  /* The same file again is not listed twice. */
  add (fixture, "letter.pdf", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (enr_sign_window_get_items (fixture->window)), ==, 2);
}

/* Each document keeps where its box was put from the keyboard while the
 * citizen looks at another. */
static void
test_placement_per_document (Fixture       *fixture,
                             gconstpointer  data)
{
  GtkWidget *placer;
  guint page;
  double rect[4];

  add (fixture, "letter.pdf", "notice.pdf");
  placer = GTK_WIDGET (placer_of (fixture));
  enr_test_wait_until (placer_loaded, placer, "the first document to show");

  g_assert_true (gtk_widget_activate_action (placer, "placer.place", "s", "top-left"));
  g_assert_true (gtk_widget_activate_action (placer, "placer.previous-page", NULL));
  g_assert_true (gtk_widget_activate_action (placer, "placer.move", "(dd)", 10.0, -10.0));
  assert_shown (fixture, 1, 46, 736, 266, 796);
  g_assert_true (enr_sign_item_get_placement (item_at (fixture, 0), &page, rect));
  g_assert_cmpuint (page, ==, 1);
  assert_rect (rect, 46, 736, 266, 796);

  /* The other document: its own default, and moving it there leaves the
   * first alone. */
  select_row (fixture, 1);
  assert_shown (fixture, 0, 586, 36, 806, 96);
  g_assert_true (gtk_widget_activate_action (placer, "placer.place", "s", "bottom-left"));
  assert_shown (fixture, 0, 36, 36, 256, 96);

  /* Back to the first: where it was put, not the placer's default. */
  select_row (fixture, 0);
  assert_shown (fixture, 1, 46, 736, 266, 796);
  select_row (fixture, 1);
  assert_shown (fixture, 0, 36, 36, 256, 96);
}

/* A PDF that needs a password is said to be one, in the list and in place
 * of the page, and nothing goes on until it is taken out. */
static void
test_encrypted (Fixture       *fixture,
                gconstpointer  data)
{
  const char *refusal = "This document is protected by a password, so it cannot be signed "
                        "here. Save a copy without the password in the program that made it, "
                        "then choose that copy.";
  g_autofree char *row_name = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(GFile) file = NULL;
  GtkListBox *list;
  GtkStack *preview;
  GtkWidget *hint;

  add (fixture, "notice.pdf", "protected.pdf");
  g_assert_cmpint (enr_sign_item_get_state (item_at (fixture, 1)), ==, ENR_SIGN_ITEM_REFUSED);
  g_assert_cmpstr (enr_sign_item_get_problem (item_at (fixture, 1)), ==, refusal);
  g_assert_false (enr_sign_item_get_placement (item_at (fixture, 1), NULL, NULL));

  /* Under its name in the list, and where the page would be. */
  list = list_of (fixture);
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 1));
  enr_test_flush ();
  preview = GTK_STACK (gtk_widget_get_ancestor (GTK_WIDGET (placer_of (fixture)), GTK_TYPE_STACK));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (preview), ==, "refused");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_stack_get_visible_child (preview))), ==,
                   refusal);
  row_name = g_strdup_printf ("protected.pdf: %s", refusal);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (gtk_list_box_get_row_at_index (list, 1)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, row_name);

  /* Continue stays shut, and the hint beside it says why. */
  g_assert_false (continue_sensitive (fixture));
  hint = enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL,
                        "Remove the documents that cannot be signed to go on.");
  g_assert_nonnull (hint);
  g_assert_true (gtk_widget_get_mapped (hint));

  file = fixture_file (fixture, "protected.pdf");
  uri = g_file_get_uri (file);
  g_assert_true (gtk_widget_activate_action (chooser_of (fixture), "chooser.remove", "s",
                                             uri));
  g_assert_cmpuint (g_list_model_get_n_items (enr_sign_window_get_items (fixture->window)), ==, 1);
  g_assert_true (continue_sensitive (fixture));
}

/* A file that is not a PDF (or a damaged one) is said to be one. */
static void
test_damaged (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GFile) broken = fixture_file (fixture, "broken.pdf");
  g_autoptr(GError) error = NULL;

  g_file_replace_contents (broken, "%PDF-1.7\nnot really\n", 20, NULL, FALSE,
                           G_FILE_CREATE_NONE, NULL, NULL, &error);
  g_assert_no_error (error);
  add (fixture, "broken.pdf", NULL);
  g_assert_cmpint (enr_sign_item_get_state (item_at (fixture, 0)), ==, ENR_SIGN_ITEM_REFUSED);
  g_assert_cmpstr (enr_sign_item_get_problem (item_at (fixture, 0)), ==,
                   "This document cannot be opened: it is damaged, or it is not a PDF file. "
                   "Choose another copy of it.");
  g_assert_false (continue_sensitive (fixture));
}

/* One PIN signs at most ENR_DOCUMENT_SIGNING_MAX documents: one more keeps
 * Continue shut, and says so. */
static void
test_too_many (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GFile) letter = fixture_file (fixture, "letter.pdf");
  g_autofree char *hint = NULL;
  g_autofree char *uri = NULL;

  for (guint i = 0; i <= ENR_DOCUMENT_SIGNING_MAX; i++)
    {
      g_autofree char *name = g_strdup_printf ("copy-%02u.pdf", i);
      GFile *copy = fixture_file (fixture, name);
      g_autoptr(GError) error = NULL;

      g_file_copy (letter, copy, G_FILE_COPY_NONE, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (files, copy);
    }
  enr_sign_window_add_files (fixture->window, (GFile **) files->pdata, files->len);
  enr_test_wait_until (items_settled, fixture->window, "the documents to open");
  g_assert_false (continue_sensitive (fixture));
  hint = g_strdup_printf ("One PIN signs at most %d documents. Remove some to go on, and sign "
                          "them next.", ENR_DOCUMENT_SIGNING_MAX);
  g_assert_nonnull (enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL, hint));

  uri = g_file_get_uri (g_ptr_array_index (files, 0));
  g_assert_true (gtk_widget_activate_action (chooser_of (fixture), "chooser.remove", "s",
                                             uri));
  g_assert_true (continue_sensitive (fixture));
}

static void
type_into (Fixture    *fixture,
           const char *label,
           const char *text)
{
  GtkWidget *title = enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL, label);
  GtkWidget *entry;

  g_assert_nonnull (title);
  entry = gtk_label_get_mnemonic_widget (GTK_LABEL (title));
  g_assert_true (GTK_IS_ENTRY (entry));
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
}

/* What the citizen typed goes to the signing, trimmed; the wait is said in
 * a sentence, and the window is busy for assistive technology meanwhile. */
static void
test_reason_and_place (Fixture       *fixture,
                       gconstpointer  data)
{
  EnrDocumentSigning *signing;
  g_autofree char *reason = NULL;
  g_autofree char *place = NULL;
  GListModel *documents;

  add (fixture, "letter.pdf", "notice.pdf");
  type_into (fixture, "_Reason (if you want one)", "  Tôi đồng ý với hợp đồng này ");
  type_into (fixture, "_Place of signing (if you want one)", "Hà Nội");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "sign.continue", NULL));
  g_assert_cmpstr (enr_sign_window_get_status (fixture->window), ==, "Preparing your documents…");
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (fixture->window), GTK_ACCESSIBLE_STATE_BUSY,
                                    TRUE);
  signing = enr_sign_window_get_signing (fixture->window);
  g_assert_nonnull (signing);
  g_object_get (signing, "reason", &reason, "place", &place, NULL);
  g_assert_cmpstr (reason, ==, "Tôi đồng ý với hợp đồng này");
  g_assert_cmpstr (place, ==, "Hà Nội");
  documents = enr_document_signing_get_documents (signing);
  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, 2);

  /* Without a service the preparation ends, one way or the other; the
   * window is not busy any more. */
  enr_test_wait_until (not_busy, fixture->window, "the preparation to end");
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (fixture->window), GTK_ACCESSIBLE_STATE_BUSY,
                                    FALSE);
}

/* Preparing may be cancelled: back to choosing, nothing kept. */
static void
test_cancel_preparing (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *cancel;

  add (fixture, "letter.pdf", NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "sign.continue", NULL));
  cancel = enr_test_find_action (GTK_WIDGET (fixture->window), "sign.cancel");
  g_assert_true (gtk_widget_get_mapped (cancel));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (fixture->window)) == cancel);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "sign.cancel", NULL));
  g_assert_null (enr_sign_window_get_status (fixture->window));
  g_assert_null (enr_sign_window_get_signing (fixture->window));
  g_assert_cmpstr (enr_sign_window_get_view (fixture->window), ==, "choose");
  enr_test_flush ();
  g_assert_cmpstr (enr_sign_window_get_view (fixture->window), ==, "choose");
  g_assert_true (continue_sensitive (fixture));
}

/* Every control has a name a screen reader can say. */
static void
test_accessible_names (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *actions[] = { "chooser.choose", "sign.continue", "sign.back", "sign.sign",
                            "sign.try-again", "sign.without-time", "sign.restart",
                            "sign.dismiss", "sign.cancel" };

  add (fixture, "letter.pdf", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GtkWidget *button = enr_test_find_action (GTK_WIDGET (fixture->window), actions[i]);
      const char *label;

      g_assert_nonnull (button);
      label = gtk_button_get_label (GTK_BUTTON (button));
      if (label == NULL)
        gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button),
                                             GTK_ACCESSIBLE_PROPERTY_LABEL, "Hide this notice");
      else
        g_assert_nonnull (strchr (label, '_'));
    }
}

/* --- Against the sandbox ------------------------------------------------------------- */

/* Waits until the window waits for nothing (what runs, runs at once). */
static void
wait_idle (Fixture    *fixture,
           const char *what)
{
  enr_test_wait_until (not_busy, fixture->window, what);
}

static EnrDigitEntry *
pin_entry_of (Fixture *fixture)
{
  return ENR_DIGIT_ENTRY (enr_test_find (GTK_WIDGET (fixture->window), ENR_TYPE_DIGIT_ENTRY,
                                         NULL));
}

static gboolean
file_exists (Fixture    *fixture,
             const char *name)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Two documents to the confirmation: the letter's box put by the keyboard. */
static void
prepare_two (Fixture *fixture)
{
  GtkWidget *placer;

  add (fixture, "letter.pdf", "notice.pdf");
  placer = GTK_WIDGET (placer_of (fixture));
  enr_test_wait_until (placer_loaded, placer, "the first document to show");
  g_assert_true (gtk_widget_activate_action (placer, "placer.place", "s", "top-left"));
  type_into (fixture, "_Reason (if you want one)", "Tôi đồng ý");
  type_into (fixture, "_Place of signing (if you want one)", "Hà Nội");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "sign.continue", NULL));
  wait_idle (fixture, "the preparation");
  g_assert_cmpstr (enr_sign_window_get_view (fixture->window), ==, "confirm");
}

static void
type_pin_and_sign (Fixture    *fixture,
                   const char *pin)
{
  enr_test_type (GTK_WIDGET (pin_entry_of (fixture)), pin);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "sign.sign", NULL));
  g_assert_cmpstr (enr_sign_window_get_status (fixture->window), ==,
                   "Signing 2 documents with VNPT SmartCA…");
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (fixture->window), GTK_ACCESSIBLE_STATE_BUSY,
                                    TRUE);
  wait_idle (fixture, "the signing");
}

/* Every document by name and fingerprint, what the signature will say,
 * and only then the PIN, which has the focus. */
static void
test_confirmation (Fixture       *fixture,
                   gconstpointer  data)
{
  GListModel *documents;
  GtkWidget *pin;

  prepare_two (fixture);
  documents = enr_document_signing_get_documents (enr_sign_window_get_signing (fixture->window));
  g_assert_cmpuint (g_list_model_get_n_items (documents), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(EnrSigningDocument) document = g_list_model_get_item (documents, i);
      const char *hash = enr_signing_document_get_hash (document);
      g_autofree char *line = NULL;
      GtkWidget *label;

      g_assert_nonnull (hash);
      /* SHA-256 in groups of four: 64 digits and 15 spaces. */
      g_assert_cmpuint (strlen (hash), ==, 79);
      line = g_strdup_printf ("Fingerprint (SHA-256): %s", hash);
      label = enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL, line);
      g_assert_nonnull (label);
      g_assert_true (gtk_widget_get_mapped (label));
      g_assert_true (gtk_widget_get_mapped (
        enr_test_find (gtk_widget_get_parent (label), GTK_TYPE_LABEL,
                       enr_signing_document_get_display_name (document))));
    }
  g_assert_nonnull (enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL,
                                   "Each signature shows your name as in your certificate and "
                                   "the date and time of signing. Reason: “Tôi đồng ý”. "
                                   "Place: “Hà Nội”."));
  pin = GTK_WIDGET (pin_entry_of (fixture));
  g_assert_true (gtk_widget_get_mapped (pin));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (fixture->window)) == pin ||
                 gtk_widget_is_ancestor (gtk_window_get_focus (GTK_WINDOW (fixture->window)),
                                         pin));
  g_assert_false (gtk_widget_get_sensitive (
    enr_test_find_action (GTK_WIDGET (fixture->window), "sign.sign")));
  enr_test_assert_no_wrapping_by_trial (GTK_WIDGET (fixture->window));
  enr_test_assert_borders_one_color (GTK_WIDGET (fixture->window));
  /* Enter in the PIN field signs. */
  g_assert_true (gtk_window_get_default_widget (GTK_WINDOW (fixture->window)) ==
                 enr_test_find_action (GTK_WIDGET (fixture->window), "sign.sign"));

  /* Back: the documents and their places are as they were. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "sign.back", NULL));
  g_assert_cmpstr (enr_sign_window_get_view (fixture->window), ==, "choose");
  g_assert_null (enr_sign_window_get_signing (fixture->window));
  g_assert_cmpuint (g_list_model_get_n_items (enr_sign_window_get_items (fixture->window)), ==, 2);
}

/* A wrong PIN: the field says so, with the attempts left; nothing written. */
static void
test_wrong_pin (Fixture       *fixture,
                gconstpointer  data)
{
  GtkWidget *pin;

  prepare_two (fixture);
  type_pin_and_sign (fixture, WRONG_PIN);
  g_assert_cmpstr (enr_sign_window_get_view (fixture->window), ==, "confirm");
  pin = GTK_WIDGET (pin_entry_of (fixture));
  g_assert_true (gtk_widget_has_css_class (pin, "error"));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (pin), GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_TRUE);
  g_assert_cmpint (enr_session_get_pin_attempts_left (fixture->session), ==, 4);
  g_assert_cmpstr (enr_digit_entry_get_digits (ENR_DIGIT_ENTRY (pin)), ==, "");
  g_assert_false (file_exists (fixture, "letter-signed.pdf"));
  g_assert_false (file_exists (fixture, "notice-signed.pdf"));

  /* The right one then signs. */
  type_pin_and_sign (fixture, PIN);
  g_assert_cmpstr (enr_sign_window_get_view (fixture->window), ==, "done");
}

/* The fifth wrong PIN locks the key: the error area says so, the PIN field
 * is shut, and linking this computer again is the way on. */
static void
test_locked (Fixture       *fixture,
             gconstpointer  data)
{
  GtkWidget *link, *error_area;

  prepare_two (fixture);
  for (guint i = 0; i < ENR_SESSION_PIN_TRIES; i++)
    type_pin_and_sign (fixture, WRONG_PIN);
  g_assert_cmpstr (enr_sign_window_get_view (fixture->window), ==, "confirm");
  g_assert_cmpint (enr_session_get_pin_attempts_left (fixture->session), ==, 0);
  error_area = enr_test_find (GTK_WIDGET (fixture->window), ENR_TYPE_ERROR_AREA, NULL);
  g_assert_nonnull (enr_error_area_get_message (ENR_ERROR_AREA (error_area)));
  link = enr_test_find_action (GTK_WIDGET (fixture->window), "app.link");
  g_assert_nonnull (link);
  g_assert_true (gtk_widget_get_visible (link));
  g_assert_nonnull (enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL,
                                   enr_error_area_get_message (ENR_ERROR_AREA (error_area))));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (fixture->window)) ==
                 enr_error_area_get_focus_widget (ENR_ERROR_AREA (error_area)));
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (pin_entry_of (fixture))));
  g_assert_false (file_exists (fixture, "letter-signed.pdf"));
}

/* One PIN, two signed files beside the originals, and a notice of where. */
static void
test_sign_two (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *folder = g_path_get_basename (fixture->dir);
  g_autofree char *notice = NULL;
  GtkWidget *open;

  prepare_two (fixture);
  type_pin_and_sign (fixture, PIN);
  g_assert_cmpstr (enr_sign_window_get_view (fixture->window), ==, "done");
  g_assert_true (file_exists (fixture, "letter-signed.pdf"));
  g_assert_true (file_exists (fixture, "notice-signed.pdf"));

  notice = g_strdup_printf ("Saved as “letter-signed.pdf” in %s\n"
                            "Saved as “notice-signed.pdf” in %s", folder, folder);
  g_assert_cmpstr (enr_sign_window_get_notice (fixture->window), ==, notice);
  g_assert_nonnull (enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL,
                                   "Signed, with a trusted time."));
  /* The focus on the first Open, which the notice describes. */
  open = enr_test_find_action (GTK_WIDGET (fixture->window), "sign.open");
  g_assert_nonnull (open);
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (fixture->window)) == open);
  g_assert_nonnull (enr_test_find_action (GTK_WIDGET (fixture->window), "sign.show"));
  enr_test_assert_no_wrapping_by_trial (GTK_WIDGET (fixture->window));
  enr_test_assert_borders_one_color (GTK_WIDGET (fixture->window));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (fixture->window), GTK_ACCESSIBLE_STATE_BUSY,
                                    FALSE);
}

/* No time-stamp service: said plainly; signing without one needs no PIN. */
static void
test_no_timestamp (Fixture       *fixture,
                   gconstpointer  data)
{
  /* Nothing listens on the discard port. */
  enr_session_set_tsa_url (fixture->session, "https://127.0.0.1:9/tsa");
  prepare_two (fixture);
  type_pin_and_sign (fixture, PIN);
  g_assert_cmpstr (enr_sign_window_get_view (fixture->window), ==, "timestamp");
  g_assert_false (file_exists (fixture, "letter-signed.pdf"));
  g_assert_nonnull (enr_test_find_action (GTK_WIDGET (fixture->window), "sign.try-again"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "sign.without-time",
                                             NULL));
  g_assert_cmpstr (enr_sign_window_get_status (fixture->window), ==,
                   "Saving your documents without a trusted time…");
  wait_idle (fixture, "the signing without a time");
  g_assert_cmpstr (enr_sign_window_get_view (fixture->window), ==, "done");
  g_assert_true (file_exists (fixture, "letter-signed.pdf"));
  g_assert_true (file_exists (fixture, "notice-signed.pdf"));
  g_assert_nonnull (enr_test_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL,
                                   "Signed, without a trusted time: the time in the signature is "
                                   "your computer’s."));
}

int
main (int    argc,
      char **argv)
{
  enr_test_ui_init (&argc, &argv);

  g_test_add ("/sign-window/list-and-placer", Fixture, NULL, fixture_setup,
              test_list_and_placer, fixture_teardown);
  g_test_add ("/sign-window/placement-per-document", Fixture, NULL, fixture_setup,
              test_placement_per_document, fixture_teardown);
  g_test_add ("/sign-window/encrypted", Fixture, NULL, fixture_setup, test_encrypted,
              fixture_teardown);
  g_test_add ("/sign-window/damaged", Fixture, NULL, fixture_setup, test_damaged,
              fixture_teardown);
  g_test_add ("/sign-window/too-many", Fixture, NULL, fixture_setup, test_too_many,
              fixture_teardown);
  g_test_add ("/sign-window/reason-and-place", Fixture, NULL, fixture_setup,
              test_reason_and_place, fixture_teardown);
  g_test_add ("/sign-window/cancel-preparing", Fixture, NULL, fixture_setup,
              test_cancel_preparing, fixture_teardown);
  g_test_add ("/sign-window/accessible-names", Fixture, NULL, fixture_setup,
              test_accessible_names, fixture_teardown);
  g_test_add ("/sign-window/sandbox/confirmation", Fixture, NULL, sandbox_setup,
              test_confirmation, fixture_teardown);
  g_test_add ("/sign-window/sandbox/wrong-pin", Fixture, NULL, sandbox_setup, test_wrong_pin,
              fixture_teardown);
  g_test_add ("/sign-window/sandbox/locked", Fixture, NULL, sandbox_setup, test_locked,
              fixture_teardown);
  g_test_add ("/sign-window/sandbox/sign-two", Fixture, NULL, sandbox_setup, test_sign_two,
              fixture_teardown);
  g_test_add ("/sign-window/sandbox/no-timestamp", Fixture, NULL, sandbox_setup,
              test_no_timestamp, fixture_teardown);
  return g_test_run ();
}
