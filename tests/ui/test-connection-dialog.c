/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Check the Connection" as a person sees it: against a real sandbox, six
 * lines that say they passed and the details on the clipboard; against a
 * port where nothing listens, the line that failed in words and "Check
 * Again" running the check once more.
 */
#include "config.h"

#include <string.h>

#include "enr-connection-dialog.h"
#include "enr-session.h"
#include "enr-test-sandbox.h"
#include "enr-test-ui.h"

#define N_LINES 6

static gboolean
has_report (gpointer data)
{
  return enr_connection_dialog_get_report (data) != NULL;
}

static guint
count_rows (GtkWidget *dialog)
{
  GtkWidget *list = enr_test_find (dialog, GTK_TYPE_LIST_BOX, NULL);
  guint rows = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    rows += GTK_IS_LIST_BOX_ROW (child);
  return rows;
}

/* The row a screen reader reads as "@title: @outcome. <what was found>". */
static GtkWidget *
find_row (GtkWidget  *dialog,
          const char *title,
          const char *outcome)
{
  const EnrConnectionReport *report =
    enr_connection_dialog_get_report (ENR_CONNECTION_DIALOG (dialog));
  GtkWidget *list = enr_test_find (dialog, GTK_TYPE_LIST_BOX, NULL);
  GtkWidget *row = gtk_widget_get_first_child (list);

  for (guint i = 0; i < report->lines->len && row != NULL;
       i++, row = gtk_widget_get_next_sibling (row))
    {
      const EnrConnectionLine *line = g_ptr_array_index (report->lines, i);
      g_autofree char *name = NULL;
      g_autofree char *mismatch = NULL;

      if (strcmp (line->title, title) != 0)
        continue;
      name = g_strdup_printf ("%s: %s. %s", title, outcome, line->result);
      mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (row),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL, name);
      return mismatch == NULL ? row : NULL;
    }
  return NULL;
}

static void
read_text_cb (GObject      *clipboard,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (clipboard), result, NULL);
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

static void
test_all_well (void)
{
  EnrTestSandbox sandbox = { NULL };
  g_autoptr(EnrSession) session = NULL;
  g_autofree char *pasted = NULL;
  const char *titles[] = {
    "The service’s address is found", "A connection to the service opens",
    "The service proves who it is", "VNeID answers", "VNPT SmartCA answers",
    "This computer’s clock is right",
  };
  GtkWidget *dialog, *copy, *again;

  enr_test_sandbox_set_up (&sandbox, "connection-dialog", "200");
  session = enr_session_new (enr_sandbox_runner_get_vneid_url (sandbox.runner),
                             enr_sandbox_runner_get_smartca_url (sandbox.runner),
                             enr_sandbox_runner_get_trust_anchor (sandbox.runner),
                             enr_sandbox_runner_get_trust_anchor (sandbox.runner), TRUE, NULL);
  dialog = enr_connection_dialog_new (NULL, session);
  gtk_window_present (GTK_WINDOW (dialog));
  copy = enr_test_find (dialog, GTK_TYPE_BUTTON, "_Copy Details");
  again = enr_test_find (dialog, GTK_TYPE_BUTTON, "Check _Again");
  g_assert_nonnull (copy);
  g_assert_nonnull (again);

  /* While it checks, it says so, and there is nothing to copy yet. */
  g_assert_nonnull (enr_test_find (dialog, GTK_TYPE_LABEL,
                                   "Checking the connection to VNeID and VNPT SmartCA…"));
  g_assert_false (gtk_widget_get_sensitive (copy));

  enr_test_wait_until (has_report, dialog, "the connection check");
  g_assert_cmpuint (count_rows (dialog), ==, N_LINES);
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    g_assert_nonnull (find_row (dialog, titles[i], "Passed"));
  g_assert_nonnull (enr_test_find (dialog, GTK_TYPE_LABEL, "Everything works: this computer "
                                   "reaches VNeID and VNPT SmartCA."));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (dialog)) == again);
  enr_test_assert_no_wrapping_by_trial (dialog);
  enr_test_assert_borders_one_color (dialog);

  /* "Copy Details" puts the report, with the versions, on the clipboard. */
  g_assert_true (gtk_widget_get_sensitive (copy));
  g_signal_emit_by_name (copy, "clicked");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (dialog), NULL, read_text_cb, &pasted);
  enr_test_wait_until (is_set, &pasted, "the clipboard");
  g_assert_nonnull (strstr (pasted, "SmartCA Enroll " PACKAGE_VERSION));
  g_assert_nonnull (strstr (pasted, "GnuTLS "));
  g_assert_nonnull (strstr (pasted, "\nGTK 4."));
  g_assert_nonnull (strstr (pasted, "6. This computer’s clock is right: OK"));
  g_assert_true (gtk_widget_get_visible (enr_test_find (dialog, GTK_TYPE_LABEL,
                                                        "The details are copied. Paste them "
                                                        "into a message to the person who "
                                                        "helps you.")));

  gtk_window_destroy (GTK_WINDOW (dialog));
  enr_test_flush ();
  enr_test_sandbox_tear_down (&sandbox);
}

static void
test_nothing_listens (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(EnrSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *vneid = NULL;
  g_autofree char *smartca = NULL;
  GtkWidget *dialog, *again;
  guint16 port;

  /* A free port: taken, then given back. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  vneid = g_strdup_printf ("https://127.0.0.1:%u/vneid", port);
  smartca = g_strdup_printf ("https://127.0.0.1:%u/smartca", port);
  session = enr_session_new (vneid, smartca, NULL, NULL, TRUE, NULL);

  dialog = enr_connection_dialog_new (NULL, session);
  gtk_window_present (GTK_WINDOW (dialog));
  enr_test_wait_until (has_report, dialog, "the connection check");
  g_assert_nonnull (find_row (dialog, "The service’s address is found", "Passed"));
  g_assert_nonnull (find_row (dialog, "A connection to the service opens", "Failed"));
  g_assert_nonnull (find_row (dialog, "VNeID answers", "Not checked"));
  g_assert_nonnull (enr_test_find (dialog, GTK_TYPE_LABEL, "Something stands in the way. The "
                                   "first line that failed says what to do."));

  /* "Check Again" clears the lines and checks once more. */
  again = enr_test_find (dialog, GTK_TYPE_BUTTON, "Check _Again");
  g_signal_emit_by_name (again, "clicked");
  g_assert_null (enr_connection_dialog_get_report (ENR_CONNECTION_DIALOG (dialog)));
  g_assert_false (gtk_widget_get_sensitive (again));
  enr_test_wait_until (has_report, dialog, "the second connection check");
  g_assert_nonnull (find_row (dialog, "A connection to the service opens", "Failed"));
  g_assert_cmpuint (count_rows (dialog), ==, N_LINES);

  gtk_window_destroy (GTK_WINDOW (dialog));
  enr_test_flush ();
}

static gboolean
is_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

/* Closed while it checks: the check is cancelled, and the dialog goes
 * once the cancelled check has returned. */
static void
test_close_while_checking (void)
{
  g_autoptr(EnrSession) session =
    enr_session_new ("https://127.0.0.1:9/vneid", "https://127.0.0.1:9/smartca", NULL, NULL,
                     TRUE, NULL);
  GtkWidget *dialog = enr_connection_dialog_new (NULL, session);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
  enr_test_wait_until (is_gone, &dialog, "the dialog to go");
}

int
main (int argc, char **argv)
{
  enr_test_ui_init (&argc, &argv);

  g_test_add_func ("/connection-dialog/all-well", test_all_well);
  g_test_add_func ("/connection-dialog/nothing-listens", test_nothing_listens);
  g_test_add_func ("/connection-dialog/close-while-checking", test_close_while_checking);

  return g_test_run ();
}
