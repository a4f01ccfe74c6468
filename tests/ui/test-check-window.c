/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Check a Signed Document…" as a citizen sees it and a screen reader reads
 * it, over real signed PDFs (tests/sign/check_fixtures.py makes them into
 * $ENR_CHECK_FIXTURES): the sentence while it checks, with the window busy;
 * then the document's sentence with an icon labelled in words, each
 * signature's summary and verdicts, its details behind an expander, and
 * the focus on "Check Another Document…".
 */
#include "config.h"

#include <string.h>

#include "enr-check-window.h"
#include "enr-session.h"
#include "enr-test-ui.h"

static EnrSession *
session_trusting (const char *anchor)
{
  g_autofree char *path = g_build_filename (g_getenv ("ENR_CHECK_FIXTURES"), anchor, NULL);

  /* Before enrollment, no service: the check needs only the trust anchor. */
  return enr_session_new (NULL, NULL, NULL, path, TRUE, NULL);
}

static gboolean
is_checked (gpointer data)
{
  GtkWidget *spinner = enr_test_find (data, GTK_TYPE_SPINNER, NULL);

  return !gtk_widget_get_visible (spinner);
}

/* A window that has checked the fixture @pdf, shown. */
static GtkWidget *
check_window (EnrSession *session,
              const char *pdf)
{
  g_autofree char *path = g_build_filename (g_getenv ("ENR_CHECK_FIXTURES"), pdf, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *checking = g_strdup_printf ("Checking the signatures of “%s”…", pdf);
  GtkWidget *window = enr_check_window_new (NULL, session);
  g_autofree char *mismatch = NULL;

  gtk_window_present (GTK_WINDOW (window));
  enr_check_window_check_file (ENR_CHECK_WINDOW (window), file);
  /* While it checks: the sentence, the spinner, the window busy. */
  g_assert_nonnull (enr_test_find (window, GTK_TYPE_LABEL, checking));
  mismatch = gtk_test_accessible_check_state (GTK_ACCESSIBLE (window),
                                              GTK_ACCESSIBLE_STATE_BUSY, TRUE);
  g_assert_null (mismatch);
  g_assert_false (gtk_widget_get_sensitive (enr_test_find (window, GTK_TYPE_BUTTON,
                                                           "Check _Another Document…")));

  enr_test_wait_until (is_checked, window, "the check");
  mismatch = gtk_test_accessible_check_state (GTK_ACCESSIBLE (window),
                                              GTK_ACCESSIBLE_STATE_BUSY, FALSE);
  g_assert_null (mismatch);
  return window;
}

static void
assert_accessible_label (GtkWidget  *widget,
                         const char *label)
{
  g_autofree char *mismatch = NULL;

  g_assert_nonnull (widget);
  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  if (mismatch != NULL)
    g_error ("accessible label: %s", mismatch);
}

/* The first widget under @root of @type whose accessible label is @label. */
static GtkWidget *
find_accessible (GtkWidget  *root,
                 GType       type,
                 const char *label)
{
  g_autofree char *mismatch = NULL;

  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (root),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL, label);
      if (mismatch == NULL)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_accessible (child, type, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A verdict as a citizen reads it (the sentence) and a screen reader
 * hears it (its line: the level in words, then the sentence; its icon:
 * the level). */
static void
assert_verdict (GtkWidget  *window,
                const char *level,
                const char *sentence)
{
  g_autofree char *line_name = g_strdup_printf ("%s: %s", level, sentence);
  GtkWidget *label = enr_test_find (window, GTK_TYPE_LABEL, sentence);
  GtkWidget *line, *image;

  if (label == NULL)
    g_error ("no label reads “%s”", sentence);
  line = gtk_widget_get_parent (label);
  assert_accessible_label (line, line_name);
  image = gtk_widget_get_first_child (line);
  g_assert_true (GTK_IS_IMAGE (image));
  assert_accessible_label (image, level);
}

static void
test_timestamped (void)
{
  g_autoptr(EnrSession) session = session_trusting ("trust.pem");
  GtkWidget *window = check_window (session, "bt.pdf");
  const char *summary = "This document carries 1 valid signature and has not been changed since.";
  GtkWidget *another, *expander, *details;

  g_assert_nonnull (enr_check_window_get_result (ENR_CHECK_WINDOW (window)));
  /* The document in one sentence, its icon labelled in words. */
  g_assert_nonnull (enr_test_find (window, GTK_TYPE_LABEL, summary));
  g_assert_nonnull (find_accessible (window, GTK_TYPE_IMAGE, "Good"));

  /* The signature: its row read as its heading and summary. */
  g_assert_nonnull (find_accessible (window, GTK_TYPE_BOX,
                                     "Signature 1 of 1: Signed by Nguyễn Văn An (citizen ID "
                                     "001******001). This signature is valid."));
  g_assert_nonnull (enr_test_find (window, GTK_TYPE_LABEL, "Signature 1 of 1"));
  assert_verdict (window, "Good", "Signed by Nguyễn Văn An (citizen ID 001******001). This "
                                  "signature is valid.");
  assert_verdict (window, "Good", "The signature matches the content it signed.");
  assert_verdict (window, "Good", "The document has not been changed since this signature.");
  assert_verdict (window, "Good", "The certificate was issued by SmartCA Test RS, a trusted "
                                  "signing authority, and was valid at the time of signing.");

  /* The details on demand, by keyboard: the expander has a name and opens. */
  expander = find_accessible (window, GTK_TYPE_EXPANDER, "Details of signature 1");
  g_assert_nonnull (expander);
  g_assert_true (gtk_widget_get_focusable (expander) ||
                 gtk_widget_get_focusable (gtk_widget_get_first_child (expander)));
  g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (expander)));
  g_assert_true (gtk_widget_activate (expander));
  g_assert_true (gtk_expander_get_expanded (GTK_EXPANDER (expander)));
  details = gtk_expander_get_child (GTK_EXPANDER (expander));
  assert_accessible_label (details, "Technical details");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (details)),
                            "Sub-filter: ETSI.CAdES.detached"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (details)), "Time stamp: valid"));

  /* The list has a name; the focus is where Enter checks another. */
  g_assert_nonnull (find_accessible (window, GTK_TYPE_BOX, "Signatures, oldest first"));
  another = enr_test_find (window, GTK_TYPE_BUTTON, "Check _Another Document…");
  g_assert_true (gtk_widget_get_sensitive (another));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == another);
  g_assert_nonnull (enr_test_find (window, GTK_TYPE_BUTTON, "C_lose"));
  enr_test_assert_no_wrapping_by_trial (window);
  enr_test_assert_borders_one_color (window);

  gtk_window_destroy (GTK_WINDOW (window));
  enr_test_flush ();
}

static gboolean
is_inside (GtkWidget *widget,
           GType      type)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
      return TRUE;
  return FALSE;
}

/* Tabs @n times round @window: how many expanders (and details inside
 * them) had the focus, and whether both buttons did. */
static void
tab_round (GtkWidget *window,
           guint      n,
           guint     *expanders,
           guint     *details)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GtkWidget *close = enr_test_find (window, GTK_TYPE_BUTTON, "C_lose");
  GtkWidget *another = enr_test_find (window, GTK_TYPE_BUTTON, "Check _Another Document…");
  gboolean closed = FALSE, again = FALSE;

  *details = 0;
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *focus;

      /* At the end of the chain the first call says so; the next wraps. */
      g_assert_true (gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD) ||
                     gtk_widget_child_focus (window, GTK_DIR_TAB_FORWARD));
      focus = gtk_root_get_focus (GTK_ROOT (window));
      g_assert_nonnull (focus);
      if (is_inside (focus, GTK_TYPE_EXPANDER))
        g_hash_table_add (seen, gtk_widget_get_ancestor (focus, GTK_TYPE_EXPANDER));
      *details += GTK_IS_LABEL (focus) && is_inside (focus, GTK_TYPE_EXPANDER);
      closed |= focus == close;
      again |= focus == another;
    }
  *expanders = g_hash_table_size (seen);
  g_assert_true (closed);
  g_assert_true (again);
}

/* With Tab alone the citizen reaches each signature's "Details" and both
 * buttons, round and round; open, the details too, to select and copy. */
static void
test_keyboard (void)
{
  g_autoptr(EnrSession) session = session_trusting ("trust.pem");
  GtkWidget *window = check_window (session, "twice.pdf");
  guint expanders, details;

  tab_round (window, 12, &expanders, &details);
  g_assert_cmpuint (expanders, ==, 2);
  g_assert_cmpuint (details, ==, 0);

  for (GtkWidget *expander = enr_test_find (window, GTK_TYPE_EXPANDER, NULL); expander != NULL;
       expander = enr_test_find (window, GTK_TYPE_EXPANDER, NULL))
    {
      if (gtk_expander_get_expanded (GTK_EXPANDER (expander)))
        break;
      gtk_widget_activate (expander);
    }
  tab_round (window, 16, &expanders, &details);
  g_assert_cmpuint (details, >, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  enr_test_flush ();
}

static void
test_trusted_time_sentence (void)
{
  g_autoptr(EnrSession) session = session_trusting ("trust.pem");
  GtkWidget *window = check_window (session, "twice.pdf");
  GtkWidget *list = find_accessible (window, GTK_TYPE_BOX, "Signatures, oldest first");
  guint rows = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    rows++;
  g_assert_cmpuint (rows, ==, 2);
  /* Oldest first. */
  g_assert_nonnull (enr_test_find (window, GTK_TYPE_LABEL, "Signature 1 of 2"));
  g_assert_nonnull (find_accessible (window, GTK_TYPE_BOX,
                                     "Signature 2 of 2: Signed by Trần Thị Bích Ngọc (citizen "
                                     "ID 079******002). This signature is valid."));
  assert_verdict (window, "Good", "Since this signature, the document has only been signed "
                                  "again; its content has not been changed.");
  g_assert_nonnull (enr_test_find (window, GTK_TYPE_LABEL, "This document carries 2 valid "
                                   "signatures and has not been changed since."));

  gtk_window_destroy (GTK_WINDOW (window));
  enr_test_flush ();
}

static void
test_claimed_time (void)
{
  g_autoptr(EnrSession) session = session_trusting ("other.pem");
  GtkWidget *window = check_window (session, "nss.pdf");

  /* Signed by pdfsig (NSS): valid, but its time is only claimed. */
  g_assert_nonnull (find_accessible (window, GTK_TYPE_IMAGE, "Take note"));
  g_assert_true (enr_test_find (window, GTK_TYPE_LABEL,
                                "This document carries 1 valid signature and has not been "
                                "changed since, but when it was made is only what the "
                                "signer’s computer claims.") != NULL);
  assert_verdict (window, "Good", "The certificate was issued by Other Signing Root, a trusted "
                                  "signing authority, and was valid at the time of signing.");

  gtk_window_destroy (GTK_WINDOW (window));
  enr_test_flush ();
}

static void
test_tampered (void)
{
  g_autoptr(EnrSession) session = session_trusting ("trust.pem");
  GtkWidget *window = check_window (session, "tampered.pdf");

  g_assert_nonnull (enr_test_find (window, GTK_TYPE_LABEL,
                                   "2 of this document’s 2 signatures cannot be relied on."));
  g_assert_nonnull (find_accessible (window, GTK_TYPE_IMAGE, "Problem"));
  assert_verdict (window, "Problem", "The signed content has been altered: it is no longer "
                                     "what was signed.");

  gtk_window_destroy (GTK_WINDOW (window));
  enr_test_flush ();
}

static void
test_not_a_pdf (void)
{
  g_autoptr(EnrSession) session = session_trusting ("trust.pem");
  GtkWidget *window = check_window (session, "not-a-pdf.pdf");

  g_assert_null (enr_check_window_get_result (ENR_CHECK_WINDOW (window)));
  g_assert_nonnull (enr_test_find (window, GTK_TYPE_LABEL, "“not-a-pdf.pdf” is not a PDF "
                                   "document, or it is damaged: it cannot be checked."));
  g_assert_nonnull (find_accessible (window, GTK_TYPE_IMAGE, "Problem"));
  g_assert_false (gtk_widget_get_visible (find_accessible (window, GTK_TYPE_BOX,
                                                          "Signatures, oldest first")));

  gtk_window_destroy (GTK_WINDOW (window));
  enr_test_flush ();
}

int
main (int argc, char **argv)
{
  g_setenv ("LANGUAGE", "en", TRUE);
  enr_test_ui_init (&argc, &argv);

  g_test_add_func ("/check-window/timestamped", test_timestamped);
  g_test_add_func ("/check-window/twice-signed", test_trusted_time_sentence);
  g_test_add_func ("/check-window/keyboard", test_keyboard);
  g_test_add_func ("/check-window/claimed-time", test_claimed_time);
  g_test_add_func ("/check-window/tampered", test_tampered);
  g_test_add_func ("/check-window/not-a-pdf", test_not_a_pdf);

  return g_test_run ();
}
