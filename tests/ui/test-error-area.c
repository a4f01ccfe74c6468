/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "enr-error-area.h"
#include "enr-service-error.h"
#include "enr-session-error-private.h"
#include "enr-store-error.h"
#include "enr-test-ui.h"

/* What the lower layers say, as the session tells it to the pages. */
static void
test_actions_for (void)
{
  struct { GQuark domain; int code; EnrErrorActions actions; } cases[] = {
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NO_NETWORK,
      ENR_ERROR_ACTION_RETRY | ENR_ERROR_ACTION_CHECK_CONNECTION },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_TIMEOUT,
      ENR_ERROR_ACTION_RETRY | ENR_ERROR_ACTION_CHECK_CONNECTION },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_UNAVAILABLE,
      ENR_ERROR_ACTION_RETRY | ENR_ERROR_ACTION_CHECK_CONNECTION },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_EXPIRED, ENR_ERROR_ACTION_LOG_IN },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_NOT_FOUND, ENR_ERROR_ACTION_START_OVER },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_REJECTED, ENR_ERROR_ACTION_START_OVER },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_TLS_UNTRUSTED, ENR_ERROR_ACTION_CHECK_CONNECTION },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_INCOMPLETE_INSTALLATION,
      ENR_ERROR_ACTION_CHECK_CONNECTION },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY, ENR_ERROR_ACTION_RETRY },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_OTP_WRONG, ENR_ERROR_ACTION_NONE },
    { ENR_STORE_ERROR, ENR_STORE_ERROR_KEYRING_LOCKED, ENR_ERROR_ACTION_RETRY },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_WRONG, ENR_ERROR_ACTION_NONE },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_LOCKED, ENR_ERROR_ACTION_START_OVER },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_OTP_LOCKED, ENR_ERROR_ACTION_LOG_IN },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_FRESH_LOGIN_REQUIRED, ENR_ERROR_ACTION_LOG_IN },
    { ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_ACCOUNT_LOCKED, ENR_ERROR_ACTION_NONE },
    { ENR_STORE_ERROR, ENR_STORE_ERROR_OUTDATED, ENR_ERROR_ACTION_START_OVER },
    { G_IO_ERROR, G_IO_ERROR_FAILED, ENR_ERROR_ACTION_RETRY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error =
        _enr_session_error_from (g_error_new_literal (cases[i].domain, cases[i].code, "x"));

      g_assert_cmpint (enr_error_actions_for (error), ==, cases[i].actions);
    }
}

typedef struct
{
  guint retried;
  guint back;
  guint start_over;
} Counts;

static void
retry_cb (EnrErrorArea *area,
          Counts       *counts)
{
  counts->retried++;
}

static void
back_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  ((Counts *) user_data)->back++;
}

static void
start_over_cb (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  ((Counts *) user_data)->start_over++;
}

/* A dropped network: the message in the citizen's words, one "Try again"
 * that has the focus, and pressing it asks the page to retry. */
static void
test_show_and_retry (void)
{
  GtkWidget *area = enr_error_area_new ();
  GtkWindow *window;
  GtkWidget *retry, *back, *start_over;
  g_autoptr(GError) error =
    _enr_session_error_from (enr_service_error_new (ENR_SERVICE_ERROR_NO_NETWORK, NULL));
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  const GActionEntry entries[] = {
    { "back", back_cb, NULL, NULL, NULL },
    { "start-over", start_over_cb, NULL, NULL, NULL },
  };
  Counts counts = { 0 };

  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries),
                                   &counts);
  window = enr_test_window_new (gtk_label_new ("page"), 400, 300);
  gtk_window_set_child (window, area);
  gtk_widget_insert_action_group (GTK_WIDGET (window), "wizard", G_ACTION_GROUP (group));
  g_signal_connect (area, "retry", G_CALLBACK (retry_cb), &counts);

  g_assert_false (gtk_widget_get_visible (area));
  g_assert_null (enr_error_area_get_message (ENR_ERROR_AREA (area)));

  enr_error_area_show_error (ENR_ERROR_AREA (area), error, ENR_ERROR_ACTION_BACK);
  enr_test_flush ();
  g_assert_true (gtk_widget_get_visible (area));
  g_assert_cmpstr (enr_error_area_get_message (ENR_ERROR_AREA (area)), ==, error->message);
  g_assert_cmpint (enr_error_area_get_actions (ENR_ERROR_AREA (area)), ==,
                   ENR_ERROR_ACTION_RETRY | ENR_ERROR_ACTION_BACK
                   | ENR_ERROR_ACTION_CHECK_CONNECTION);

  g_assert_true (gtk_widget_get_visible (enr_test_find_action (area, "app.check-connection")));
  retry = enr_test_find_action (area, "error-area.retry");
  back = enr_test_find_action (area, "wizard.back");
  start_over = enr_test_find_action (area, "wizard.start-over");
  g_assert_true (gtk_widget_get_visible (retry));
  g_assert_true (gtk_widget_get_visible (back));
  g_assert_false (gtk_widget_get_visible (start_over));
  g_assert_true (gtk_window_get_focus (window) == retry);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (area), GTK_ACCESSIBLE_ROLE_ALERT);
  enr_test_assert_no_wrapping_by_trial (area);
  enr_test_assert_borders_one_color (GTK_WIDGET (window));
  g_assert_true (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (retry),
                                                   GTK_ACCESSIBLE_RELATION_DESCRIBED_BY));

  g_signal_emit_by_name (retry, "clicked");
  g_assert_cmpuint (counts.retried, ==, 1);
  g_signal_emit_by_name (back, "clicked");
  g_assert_cmpuint (counts.back, ==, 1);

  enr_error_area_clear (ENR_ERROR_AREA (area));
  g_assert_false (gtk_widget_get_visible (area));
  g_assert_null (enr_error_area_get_message (ENR_ERROR_AREA (area)));

  /* Nothing to press: the focus goes to the message itself. */
  enr_error_area_show_message (ENR_ERROR_AREA (area), "Do not go on.", ENR_ERROR_ACTION_NONE);
  enr_test_flush ();
  g_assert_false (gtk_widget_get_visible (retry));
  g_assert_true (GTK_IS_LABEL (gtk_window_get_focus (window)));

  enr_error_area_show_message (ENR_ERROR_AREA (area), "Gone.", ENR_ERROR_ACTION_START_OVER);
  enr_test_flush ();
  g_assert_true (gtk_window_get_focus (window) == start_over);
  g_signal_emit_by_name (start_over, "clicked");
  g_assert_cmpuint (counts.start_over, ==, 1);

  enr_test_window_destroy (window);
}

int
main (int argc, char **argv)
{
  enr_test_ui_init (&argc, &argv);

  g_test_add_func ("/error-area/actions-for", test_actions_for);
  g_test_add_func ("/error-area/show-and-retry", test_show_and_retry);

  return g_test_run ();
}
