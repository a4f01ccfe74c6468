/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The wizard's pages in process, against a spawned smartca-sandbox: what a
 * citizen checks on each page (validation as they type, buttons enabled
 * only when they should be, errors shown where they happen with the next
 * action, resume at the right step), and an accessibility walk: through a
 * whole enrollment, every control that takes the focus has a name. The
 * whole flow driven from outside is the AT-SPI test's (tests/e2e).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "enr-digit-entry.h"
#include "enr-error-area.h"
#include "enr-field.h"
#include "enr-link-window.h"
#include "enr-page.h"
#include "enr-page-table.h"
#include "enr-qr-code.h"
#include "enr-sandbox-banner.h"
#include "enr-sandbox-control.h"
#include "enr-sandbox-runner.h"
#include "enr-test-enroll.h"
#include "enr-test-sandbox.h"
#include "enr-test-ui.h"
#include "enr-wizard.h"

#define CITIZEN_ID "001093000001"
#define PASSWORD   "Matkhau@123"
#define PHONE      "0912345678"
#define TEST_PIN   "274913"

typedef struct
{
  EnrTestSandbox  sandbox;
  EnrSession     *session;
  EnrWizard      *wizard;
} Fixture;

#define store_result enr_test_store_result

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static gboolean
has_login_code (gpointer data)
{
  return enr_session_get_login_code (data) != NULL;
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  enr_test_wait_until (has_result, slot, "a call to end");
  return *slot;
}

/* The wizard on the fixture's sandbox; with its banner, as `--sandbox`
 * shows it. */
static void
open_wizard_with_banner (Fixture  *fx,
                         gboolean  banner)
{
  GtkWindow *window;

  fx->session = enr_session_new (enr_sandbox_runner_get_vneid_url (fx->sandbox.runner),
                                 enr_sandbox_runner_get_smartca_url (fx->sandbox.runner),
                                 enr_sandbox_runner_get_trust_anchor (fx->sandbox.runner),
                                 enr_sandbox_runner_get_trust_anchor (fx->sandbox.runner),
                                 FALSE, fx->sandbox.state_dir);
  fx->wizard = enr_wizard_new (NULL, fx->session, FALSE,
                               banner ? enr_sandbox_banner_new (fx->session, fx->sandbox.control)
                                      : NULL);
  window = enr_wizard_get_window (fx->wizard);
  g_object_add_weak_pointer (G_OBJECT (fx->wizard), (gpointer *) &fx->wizard);
  gtk_window_present (window);
}

static void
open_wizard (Fixture *fx)
{
  open_wizard_with_banner (fx, FALSE);
}

static void
close_wizard (Fixture *fx)
{
  if (fx->wizard != NULL)
    gtk_window_destroy (enr_wizard_get_window (fx->wizard));
  enr_test_flush ();
  g_clear_object (&fx->session);
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  enr_test_sandbox_set_up (&fx->sandbox, "pages", "200");
  open_wizard (fx);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  close_wizard (fx);
  enr_test_sandbox_tear_down (&fx->sandbox);
}

/* --- helpers ---------------------------------------------------------- */

/* The Next button follows the wizard.next action's enabled state. */
static gboolean
next_enabled (Fixture *fx)
{
  GtkWidget *button = enr_test_find_action (GTK_WIDGET (enr_wizard_get_window (fx->wizard)),
                                            "wizard.next");

  return gtk_widget_get_visible (button) && gtk_widget_get_sensitive (button);
}

static gboolean is_next_enabled (gpointer data);

/* Next, once it is enabled (the welcome page first looks for an
 * enrollment in progress). */
static void
next (Fixture *fx)
{
  enr_test_wait_until (is_next_enabled, fx, "Next to be enabled");
  gtk_widget_activate_action (GTK_WIDGET (enr_wizard_get_window (fx->wizard)), "wizard.next",
                              NULL);
}

typedef struct { Fixture *fx; const char *id; } PageWait;

static gboolean
on_page (gpointer data)
{
  PageWait *wait = data;

  return g_strcmp0 (enr_wizard_get_current_id (wait->fx->wizard), wait->id) == 0;
}

static GtkWidget *
wait_page (Fixture    *fx,
           const char *id)
{
  PageWait wait = { fx, id };

  enr_test_wait_until (on_page, &wait, id);
  enr_test_flush ();
  return GTK_WIDGET (enr_wizard_get_current_page (fx->wizard));
}

static gboolean
is_next_enabled (gpointer data)
{
  return next_enabled (data);
}

static void
wait_next_enabled (Fixture *fx)
{
  enr_test_wait_until (is_next_enabled, fx, "Next to be enabled");
}

static gboolean
sensitive (gpointer data)
{
  return gtk_widget_get_sensitive (data);
}

static GtkWidget *
entry_labelled (GtkWidget  *page,
                const char *label)
{
  GtkWidget *mnemonic = enr_test_find (page, GTK_TYPE_LABEL, label);

  g_assert_nonnull (mnemonic);
  return gtk_label_get_mnemonic_widget (GTK_LABEL (mnemonic));
}

static GtkWidget *
help_of (GtkWidget *field)
{
  /* The help label is the field's next sibling in every page. */
  return gtk_widget_get_next_sibling (field);
}

static char *
latest_otp (Fixture    *fx,
            const char *purpose)
{
  for (guint tries = 0; tries < 100; tries++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) outbox = NULL;

      enr_sandbox_control_outbox_async (fx->sandbox.control, PHONE, NULL, store_result, &result);
      outbox = enr_sandbox_control_outbox_finish (fx->sandbox.control, wait_for (&result), NULL);
      for (guint i = 0; outbox != NULL && i < outbox->len; i++)
        {
          EnrSandboxOtp *otp = g_ptr_array_index (outbox, i);

          if (g_str_equal (otp->purpose, purpose))
            return g_strdup (otp->code);
        }
      g_usleep (50000);
    }
  g_error ("no %s code in the outbox", purpose);
}

static gboolean
left_login (gpointer data)
{
  Fixture *fx = data;

  return g_strcmp0 (enr_wizard_get_current_id (fx->wizard), "login") != 0;
}

static gboolean
error_shown (gpointer data)
{
  return enr_error_area_get_message (data) != NULL;
}

static void walk (Fixture    *fx,
                  const char *where,
                  GString    *unnamed);

/* Logs in with the password and the SMS code; ends on the page of the
 * session's step. With @unnamed, walks the page once the code field shows
 * (see test_accessible_names). */
static void
log_in_walking (Fixture *fx,
                GString *unnamed)
{
  GtkWidget *page = wait_page (fx, "login");
  GtkWidget *citizen = entry_labelled (page, "_Citizen ID number");
  GtkWidget *password = entry_labelled (page, "_VNeID password");
  GtkWidget *otp = entry_labelled (page, "C_ode from the SMS (mã OTP)");
  GtkWidget *send = enr_test_find (page, GTK_TYPE_BUTTON, "Send the _Code");
  g_autofree char *code = NULL;

  gtk_editable_set_text (GTK_EDITABLE (citizen), CITIZEN_ID);
  gtk_editable_set_text (GTK_EDITABLE (password), PASSWORD);
  g_assert_true (gtk_widget_get_sensitive (send));
  g_signal_emit_by_name (send, "clicked");
  enr_test_wait_until ((EnrTestCondition) gtk_widget_get_visible,
                       gtk_widget_get_parent (otp), "the code field");
  code = latest_otp (fx, "vneid-login");
  gtk_editable_set_text (GTK_EDITABLE (otp), code);
  wait_next_enabled (fx);
  if (unnamed != NULL)
    walk (fx, "login, the code sent", unnamed);
  next (fx);
  enr_test_wait_until (left_login, fx, "the login to be done");
  enr_test_flush ();
  /* The review's finding 5: the password is not kept once the login is done. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "");
}

static void
log_in (Fixture *fx)
{
  log_in_walking (fx, NULL);
}

/* --- the tests ---------------------------------------------------------- */

/* The citizen ID is checked as it is typed, with the reason; "Send me a
 * code" waits for a valid ID and a password; Next waits for the code. */
static void
test_login_validation (Fixture       *fx,
                       gconstpointer  data)
{
  GtkWidget *page;
  GtkWidget *citizen, *password, *send, *help;

  next (fx);
  page = wait_page (fx, "login");
  citizen = entry_labelled (page, "_Citizen ID number");
  password = entry_labelled (page, "_VNeID password");
  send = enr_test_find (page, GTK_TYPE_BUTTON, "Send the _Code");
  help = help_of (citizen);

  /* The first field has the focus: the window's focus widget, whether or
   * not the X server has made the window active (the UI tests share one
   * display, and another test's window may hold the input focus). */
  enr_test_wait_until ((EnrTestCondition) gtk_widget_is_focus,
                       gtk_editable_get_delegate (GTK_EDITABLE (citizen)) != NULL
                         ? GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (citizen)))
                         : citizen,
                       "the citizen ID field to have the focus");

  /* Typing: not yet wrong. */
  gtk_editable_set_text (GTK_EDITABLE (citizen), "00109");
  g_assert_false (enr_field_has_error (citizen));
  /* A letter: wrong at once, and said why. */
  gtk_editable_set_text (GTK_EDITABLE (citizen), "00109300000a");
  g_assert_true (enr_field_has_error (citizen));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (citizen), GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_TRUE);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (help)), ==,
                   "A citizen ID has digits only.");
  /* Not a province. */
  gtk_editable_set_text (GTK_EDITABLE (citizen), "003093000001");
  g_assert_true (enr_field_has_error (citizen));
  g_assert_false (gtk_widget_get_sensitive (send));

  gtk_editable_set_text (GTK_EDITABLE (citizen), CITIZEN_ID);
  g_assert_false (enr_field_has_error (citizen));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (citizen), GTK_ACCESSIBLE_STATE_INVALID,
                                    GTK_ACCESSIBLE_INVALID_FALSE);
  g_assert_false (gtk_widget_get_sensitive (send));   /* no password yet */
  gtk_editable_set_text (GTK_EDITABLE (password), PASSWORD);
  g_assert_true (gtk_widget_get_sensitive (send));
  g_assert_false (next_enabled (fx));                 /* no code yet */

  /* The QR code is there beside it, with its code in large type, once
   * VNeID has given one (the page asks for it when it is shown). */
  enr_test_wait_until (has_login_code, fx->session, "VNeID to give a QR login code");
  {
    const EnrLoginCode *code = enr_session_get_login_code (fx->session);
    EnrQrCode *qr = ENR_QR_CODE (enr_test_find (page, ENR_TYPE_QR_CODE, NULL));

    g_assert_cmpstr (enr_qr_code_get_text (qr), ==, code->verification_uri_complete);
    g_assert_nonnull (enr_test_find (page, GTK_TYPE_LABEL, code->user_code));
  }
}

/* A wrong password is said on the password field, with the tries left. */
static void
test_login_wrong_password (Fixture       *fx,
                           gconstpointer  data)
{
  GtkWidget *page, *password, *send;

  next (fx);
  page = wait_page (fx, "login");
  password = entry_labelled (page, "_VNeID password");
  send = enr_test_find (page, GTK_TYPE_BUTTON, "Send the _Code");
  gtk_editable_set_text (GTK_EDITABLE (entry_labelled (page, "_Citizen ID number")), CITIZEN_ID);
  gtk_editable_set_text (GTK_EDITABLE (password), "Sai@mat-khau");
  g_signal_emit_by_name (send, "clicked");
  enr_test_wait_until ((EnrTestCondition) enr_field_has_error, password, "the password's error");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (help_of (password))),
                            "4 attempts left"));
  enr_test_wait_until (sensitive, send, "the button to come back");
  g_assert_false (next_enabled (fx));
}

/* The password is not kept once the page is left, the login not done. */
static void
test_login_password_forgotten (Fixture       *fx,
                               gconstpointer  data)
{
  GtkWidget *page, *citizen, *password;

  next (fx);
  page = wait_page (fx, "login");
  citizen = entry_labelled (page, "_Citizen ID number");
  password = entry_labelled (page, "_VNeID password");
  gtk_editable_set_text (GTK_EDITABLE (citizen), CITIZEN_ID);
  gtk_editable_set_text (GTK_EDITABLE (password), PASSWORD);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (enr_wizard_get_window (fx->wizard)),
                                             "wizard.back", NULL));
  wait_page (fx, "welcome");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "");
  next (fx);
  wait_page (fx, "login");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (password)), ==, "");
}

static int
natural_height (GtkWidget *widget)
{
  int natural = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, 900, NULL, &natural, NULL, NULL);
  return natural;
}

/* A page left behind asks for no room: the assistant's stack measures all
 * it holds, and text measured again is text shaped again (the worst stall
 * of an enrollment). The page shown asks for its own, again once it is
 * shown again. */
static void
test_hidden_not_measured (Fixture       *fx,
                          gconstpointer  data)
{
  GtkWidget *welcome = gtk_widget_get_parent (wait_page (fx, "welcome"));
  GtkWidget *login;

  g_assert_cmpint (natural_height (welcome), >, 0);
  next (fx);
  login = gtk_widget_get_parent (wait_page (fx, "login"));
  g_assert_cmpint (natural_height (welcome), ==, 0);
  g_assert_cmpint (natural_height (login), >, 0);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (enr_wizard_get_window (fx->wizard)),
                                             "wizard.back", NULL));
  wait_page (fx, "welcome");
  /* Its own again (not necessarily the same: the page may have changed). */
  g_assert_cmpint (natural_height (welcome), >, 0);
  g_assert_cmpint (natural_height (login), ==, 0);
}

/* A widget of height-for-width, as a wrapping label is, that notes the
 * height it was last asked its width for. */
G_DECLARE_FINAL_TYPE (Probe, probe, TEST, PROBE, GtkWidget)

struct _Probe
{
  GtkWidget parent_instance;
  int       width_asked_for;
};

G_DEFINE_FINAL_TYPE (Probe, probe, GTK_TYPE_WIDGET)

static void
probe_measure (GtkWidget      *widget,
               GtkOrientation  orientation,
               int             for_size,
               int            *minimum,
               int            *natural,
               int            *minimum_baseline,
               int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    TEST_PROBE (widget)->width_asked_for = for_size;
  *minimum = *natural = 10;
}

static GtkSizeRequestMode
probe_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
probe_class_init (ProbeClass *klass)
{
  GTK_WIDGET_CLASS (klass)->measure = probe_measure;
  GTK_WIDGET_CLASS (klass)->get_request_mode = probe_get_request_mode;
}

static void
probe_init (Probe *self)
{
}

/* Runs @check on the link window, the other window that hosts a page. */
static void
check_link_window (Fixture *fx,
                   void   (*check) (GtkWidget *window))
{
  GtkWidget *link = enr_link_window_new (NULL, fx->session);

  gtk_window_present (GTK_WINDOW (link));
  enr_test_flush ();
  check (link);
  gtk_window_destroy (GTK_WINDOW (link));
  enr_test_flush ();
}

/* No wrapping text is laid out by trial (src/ui/enr-ui.h): that made the
 * first frame of the confirm page, whose consent is a check button with a
 * long label, twice as long (bench-ui.py). A page asked for its width;
 * then every page, in the window as `--sandbox` shows it (with the
 * banner), and the link window, hidden parts too (error areas, status
 * lines, the code fields). */
static void
test_wrapping_text (Fixture       *fx,
                    gconstpointer  data)
{
  const EnrPageEntry *entries;
  guint n_entries;
  GtkWidget *welcome = wait_page (fx, "welcome");
  Probe *probe = g_object_new (probe_get_type (), NULL);

  /* The assistant holds its pages in a horizontal box, which asks each
   * slot how narrow it can be at its height: the slot asks its page's
   * width for no height (a probe beside the page's content). */
  gtk_widget_set_parent (GTK_WIDGET (probe), welcome);
  gtk_widget_measure (gtk_widget_get_parent (welcome), GTK_ORIENTATION_HORIZONTAL, 400,
                      NULL, NULL, NULL, NULL);
  g_assert_cmpint (probe->width_asked_for, ==, -1);
  gtk_widget_unparent (GTK_WIDGET (probe));

  close_wizard (fx);
  open_wizard_with_banner (fx, TRUE);
  entries = enr_page_table_get (&n_entries);
  /* A page is built when first shown; the wizard may then move on to the
   * session's step, and the page stays built in its slot. */
  for (guint i = 0; i < n_entries; i++)
    {
      enr_wizard_go_to (fx->wizard, entries[i].id);
      enr_test_flush ();
      g_assert_nonnull (enr_wizard_get_page (fx->wizard, entries[i].id));
    }
  enr_test_assert_no_wrapping_by_trial (GTK_WIDGET (enr_wizard_get_window (fx->wizard)));

  /* The other window that hosts a page: "Use My SmartCA on This
   * Computer", its views hidden or not. */
  check_link_window (fx, enr_test_assert_no_wrapping_by_trial);
}

static guint
count_built_pages (EnrWizard *wizard)
{
  const EnrPageEntry *entries;
  guint n_entries, n = 0;

  entries = enr_page_table_get (&n_entries);
  for (guint i = 0; i < n_entries; i++)
    if (enr_wizard_get_page (wizard, entries[i].id) != NULL)
      n++;
  return n;
}

/* Closing leaves the screen at once and then lets go of the pages one per
 * turn of the main loop: tearing the whole window down in one turn was
 * the worst stall of an enrollment (bench-ui.py). Nothing is built again
 * while it closes, and the window and the wizard go in the end. */
static void
test_close_in_turns (Fixture       *fx,
                     gconstpointer  data)
{
  const EnrPageEntry *entries;
  guint n_entries, built, turns = 0;
  GtkWindow *window = enr_wizard_get_window (fx->wizard);

  entries = enr_page_table_get (&n_entries);
  for (guint i = 0; i < n_entries; i++)
    enr_wizard_go_to (fx->wizard, entries[i].id);
  enr_test_flush ();
  built = count_built_pages (fx->wizard);
  g_assert_cmpuint (built, ==, n_entries);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  enr_wizard_close (fx->wizard);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_null (enr_wizard_get_current_page (fx->wizard));
  g_assert_cmpuint (count_built_pages (fx->wizard), ==, built);
  /* A page asked for now is not built again. */
  enr_wizard_go_to (fx->wizard, entries[0].id);
  g_assert_null (enr_wizard_get_current_page (fx->wizard));

  while (window != NULL)
    {
      guint left;

      g_assert_cmpuint (++turns, <, 10000);
      g_main_context_iteration (NULL, TRUE);
      if (fx->wizard == NULL)
        break;
      left = count_built_pages (fx->wizard);
      g_assert_cmpuint (left, <=, built);
      g_assert_cmpuint (built - left, <=, 1);
      built = left;
    }
  /* The last turn destroyed the window with its last page gone. */
  g_assert_cmpuint (built, ==, 0);
  enr_test_flush ();
  g_assert_null (window);
  g_assert_null (fx->wizard);
}

/* Every page, as `--sandbox` shows it (with the banner), and the link
 * window draw no border whose sides differ in color: GTK 4.8's cairo
 * renderer draws one side by side through clips, and the sidebar's alone
 * took 12 to 24 ms of every frame that drew the window (src/ui/style.css,
 * bench-border-draw.c). */
static void
test_borders_one_color (Fixture       *fx,
                        gconstpointer  data)
{
  const EnrPageEntry *entries;
  guint n_entries;

  close_wizard (fx);
  open_wizard_with_banner (fx, TRUE);
  entries = enr_page_table_get (&n_entries);
  for (guint i = 0; i < n_entries; i++)
    {
      GtkWidget *page, *error_area;

      enr_wizard_go_to (fx->wizard, entries[i].id);
      enr_test_flush ();
      /* Its status line and error area shown, as they are while it works. */
      page = GTK_WIDGET (enr_wizard_get_page (fx->wizard, entries[i].id));
      enr_page_show_status (ENR_PAGE (page), "…");
      error_area = enr_page_get_error_area (ENR_PAGE (page));
      if (error_area != NULL)
        gtk_widget_set_visible (error_area, TRUE);
      enr_test_flush ();
      enr_test_assert_borders_one_color (GTK_WIDGET (enr_wizard_get_window (fx->wizard)));
    }

  check_link_window (fx, enr_test_assert_borders_one_color);
}

/* Step 2: Confirm waits for the consent; a service that is down is said
 * in the page, with Try Again, and nothing typed is lost. */
static void
test_confirm_consent_and_retry (Fixture       *fx,
                                gconstpointer  data)
{
  const EnrSandboxFaults down = { 1.0, 0, 503, FALSE, 0 };
  g_autoptr(GAsyncResult) result = NULL;
  GtkWidget *page, *consent, *area, *retry;

  next (fx);
  log_in (fx);
  page = wait_page (fx, "confirm");
  g_assert_nonnull (enr_test_find (page, GTK_TYPE_LABEL, "Nguyễn Văn An"));
  consent = enr_test_find (page, GTK_TYPE_CHECK_BUTTON, NULL);
  g_assert_false (next_enabled (fx));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (consent), TRUE);
  g_assert_true (next_enabled (fx));

  enr_sandbox_control_set_faults_async (fx->sandbox.control, &down, NULL, store_result, &result);
  g_assert_true (enr_sandbox_control_set_faults_finish (fx->sandbox.control, wait_for (&result), NULL));
  g_clear_object (&result);
  next (fx);
  area = enr_page_get_error_area (ENR_PAGE (page));
  enr_test_wait_until (error_shown, area, "the error");
  g_assert_cmpint (enr_error_area_get_actions (ENR_ERROR_AREA (area)) & ENR_ERROR_ACTION_RETRY,
                   !=, 0);
  g_assert_cmpstr (enr_wizard_get_current_id (fx->wizard), ==, "confirm");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (consent)));

  enr_sandbox_control_set_faults_async (fx->sandbox.control, NULL, NULL, store_result, &result);
  g_assert_true (enr_sandbox_control_set_faults_finish (fx->sandbox.control, wait_for (&result), NULL));
  retry = enr_test_find_action (area, "error-area.retry");
  g_signal_emit_by_name (retry, "clicked");
  wait_page (fx, "initialize");
  g_assert_false (gtk_widget_get_visible (area));
}

/* A wait says what it waits for in the page's status line, marks the page
 * busy, keeps Back in its place but insensitive, offers Cancel for what may
 * be cancelled, and leaves nothing behind when it ends. */
static void
test_wait (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GtkWidget *window, *page, *back, *status, *cancel;

  next (fx);
  page = wait_page (fx, "login");
  window = GTK_WIDGET (enr_wizard_get_window (fx->wizard));
  back = enr_test_find_action (window, "wizard.back");
  enr_test_wait_until ((EnrTestCondition) gtk_widget_get_sensitive, back, "Back to be enabled");

  enr_page_begin_wait (ENR_PAGE (page), "Waiting for the test…", cancellable);
  g_assert_true (enr_page_get_busy (ENR_PAGE (page)));
  g_assert_cmpstr (enr_page_get_status (ENR_PAGE (page)), ==, "Waiting for the test…");
  g_assert_true (gtk_widget_get_visible (back));
  g_assert_false (gtk_widget_get_sensitive (back));
  g_assert_false (next_enabled (fx));
  status = enr_test_find (page, GTK_TYPE_LABEL, "Waiting for the test…");
  g_assert_nonnull (status);
  g_assert_true (gtk_widget_is_visible (status));
  cancel = enr_test_find (page, GTK_TYPE_BUTTON, "_Cancel");
  g_assert_nonnull (cancel);
  g_assert_true (gtk_widget_is_visible (cancel));
  g_signal_emit_by_name (cancel, "clicked");
  g_assert_true (g_cancellable_is_cancelled (cancellable));

  enr_page_end_wait (ENR_PAGE (page));
  g_assert_false (enr_page_get_busy (ENR_PAGE (page)));
  g_assert_null (enr_page_get_status (ENR_PAGE (page)));
  g_assert_true (gtk_widget_get_sensitive (back));

  /* Without a cancellable, nothing to cancel. */
  enr_page_begin_wait (ENR_PAGE (page), "Waiting again…", NULL);
  g_assert_false (gtk_widget_get_visible (cancel));
  enr_page_end_wait (ENR_PAGE (page));

  /* What just happened stays until the next wait. */
  enr_page_show_status (ENR_PAGE (page), "Saved: /tmp/x.pdf");
  g_assert_cmpstr (enr_page_get_status (ENR_PAGE (page)), ==, "Saved: /tmp/x.pdf");
  g_assert_false (enr_page_get_busy (ENR_PAGE (page)));
}

/* Started again with an unfinished enrollment, the welcome page offers to
 * continue at its step, and Continue goes there. */
static void
test_resume (Fixture       *fx,
             gconstpointer  data)
{
  GtkWidget *page;
  g_autofree char *expected = NULL;

  next (fx);
  log_in (fx);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (enr_test_find (
    GTK_WIDGET (enr_wizard_get_current_page (fx->wizard)), GTK_TYPE_CHECK_BUTTON, NULL)), TRUE);
  next (fx);
  wait_page (fx, "initialize");
  close_wizard (fx);

  /* The program is started again. */
  open_wizard (fx);
  page = wait_page (fx, "welcome");
  wait_next_enabled (fx);
  g_assert_cmpstr (enr_page_get_next_label (ENR_PAGE (page)), ==, "_Continue");
  expected = g_strdup_printf ("You have a registration in progress, at step 3: “%s”. "
                              "Continue where you left it, or start over.",
                              "Set Up the VNPT SmartCA Service");
  g_assert_nonnull (enr_test_find (page, GTK_TYPE_LABEL, expected));
  g_assert_nonnull (enr_test_find_action (page, "wizard.start-over"));
  next (fx);
  /* The VNeID login is never kept: the step comes after a new one. */
  if (enr_session_get_needs_login (fx->session))
    log_in (fx);
  wait_page (fx, "initialize");
}

/* --- the accessibility walk -------------------------------------------- */

/* Where GTK 4.8 takes an accessible name from: the label property (a
 * label's text, an accessible label in a template) or the widgets the
 * control is labelled by (a mnemonic label, a button's or a check box's
 * own label). A control with neither reads as its type name. */
static gboolean
has_accessible_name (GtkWidget *widget)
{
  return gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                           GTK_ACCESSIBLE_PROPERTY_LABEL) ||
         gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                           GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

/* Every control under @root that is shown and takes the focus, with no
 * name, appended to @unnamed. An entry's inner GtkText takes the focus
 * for it: the entry is what a screen reader names. */
static void
find_unnamed (GtkWidget *root,
              const char *where,
              GString   *unnamed,
              guint     *n_focusable)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child))
        continue;
      if (gtk_widget_get_focusable (child))
        {
          GtkWidget *named = child;

          if (GTK_IS_TEXT (child) && GTK_IS_EDITABLE (root) &&
              gtk_editable_get_delegate (GTK_EDITABLE (root)) == GTK_EDITABLE (child))
            named = root;
          (*n_focusable)++;
          if (!has_accessible_name (named))
            g_string_append_printf (unnamed, "\n  on “%s”: a %s", where,
                                    G_OBJECT_TYPE_NAME (named));
        }
      find_unnamed (child, where, unnamed, n_focusable);
    }
}

/* The window as it is now: its page, the buttons below, the banner. */
static void
walk (Fixture    *fx,
      const char *where,
      GString    *unnamed)
{
  guint n_focusable = 0;

  enr_test_flush ();
  find_unnamed (GTK_WIDGET (enr_wizard_get_window (fx->wizard)), where, unnamed, &n_focusable);
  g_test_message ("%s: %u controls take the focus", where, n_focusable);
  /* The walk sees controls: a page with none would be a walk gone wrong. */
  g_assert_cmpuint (n_focusable, >, 1);
}

static gboolean
has_pdf_page (gpointer data)
{
  GtkWidget *found = enr_test_find (data, GTK_TYPE_PICTURE, NULL);

  return found != NULL && gtk_widget_get_mapped (found);
}

static gboolean
mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* Every page of a whole enrollment, in each of its states (the login with
 * the banner's menu open and the code field shown, the contract before
 * and after the code is sent, the PIN and then the acceptance record): every
 * control that takes the focus has an accessible name. */
static void
test_accessible_names (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GString) unnamed = g_string_new (NULL);
  g_autofree char *code = NULL;
  GtkWidget *page, *menu, *otp, *pin, *again, *record_pin;

  /* The program as `--sandbox` shows it, with the banner. */
  close_wizard (fx);
  open_wizard_with_banner (fx, TRUE);

  page = wait_page (fx, "welcome");
  wait_next_enabled (fx);
  walk (fx, "welcome", unnamed);
  next (fx);

  page = wait_page (fx, "login");
  enr_test_wait_until (has_login_code, fx->session, "VNeID to give a QR login code");
  walk (fx, "login", unnamed);
  menu = enr_test_find (GTK_WIDGET (enr_wizard_get_window (fx->wizard)), GTK_TYPE_MENU_BUTTON,
                        NULL);
  g_assert_nonnull (menu);
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu));
  enr_test_wait_until (mapped, gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu)),
                       "the banner's menu");
  walk (fx, "login, the banner's menu open", unnamed);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (menu));
  log_in_walking (fx, unnamed);

  page = wait_page (fx, "confirm");
  walk (fx, "confirm", unnamed);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (enr_test_find (page, GTK_TYPE_CHECK_BUTTON,
                                                                NULL)), TRUE);
  next (fx);

  page = wait_page (fx, "initialize");
  wait_next_enabled (fx);
  walk (fx, "initialize", unnamed);
  next (fx);

  page = wait_page (fx, "contract");
  enr_test_wait_until (has_pdf_page, page, "the contract's first page");
  walk (fx, "contract", unnamed);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (enr_test_find (page, GTK_TYPE_CHECK_BUTTON,
                                                                NULL)), TRUE);
  g_signal_emit_by_name (enr_test_find (page, GTK_TYPE_BUTTON, "Send the _Code"), "clicked");
  otp = entry_labelled (page, "C_ode from the SMS (mã OTP)");
  enr_test_wait_until (mapped, otp, "the contract's code field");
  walk (fx, "contract, the code sent", unnamed);
  code = latest_otp (fx, "contract");
  gtk_editable_set_text (GTK_EDITABLE (otp), code);
  wait_next_enabled (fx);
  next (fx);

  page = wait_page (fx, "activate");
  walk (fx, "activate", unnamed);
  pin = entry_labelled (page, "New _PIN");
  again = entry_labelled (page, "The same PIN _again");
  gtk_editable_set_text (GTK_EDITABLE (pin), TEST_PIN);
  gtk_editable_set_text (GTK_EDITABLE (again), TEST_PIN);
  wait_next_enabled (fx);
  next (fx);
  record_pin = entry_labelled (page, "Your _PIN");
  enr_test_wait_until (mapped, record_pin, "the acceptance record");
  enr_test_wait_until (has_pdf_page, page, "the acceptance record's first page");
  walk (fx, "activate, the acceptance record", unnamed);
  gtk_editable_set_text (GTK_EDITABLE (record_pin), TEST_PIN);
  wait_next_enabled (fx);
  next (fx);

  wait_page (fx, "certificate");
  wait_next_enabled (fx);
  walk (fx, "certificate", unnamed);
  next (fx);

  wait_page (fx, "closing");
  walk (fx, "closing", unnamed);

  /* The list of what has no name, or nothing. */
  g_assert_cmpstr (unnamed->str, ==, "");
}

/* `--sandbox` shows its window before its sandbox listens: the welcome
 * page is usable at once (Start enabled, the banner there), Start waits
 * for the service and says so, and goes on to the login once the session
 * is given it; the other pages were not built before they were shown. */
static void
test_service_starting (Fixture       *fx,
                       gconstpointer  data)
{
  GtkWidget *banner, *page, *status;

  close_wizard (fx);
  fx->session = enr_session_new_awaiting_service (FALSE);
  g_assert_true (enr_session_get_awaiting_service (fx->session));
  banner = enr_sandbox_banner_new (fx->session, NULL);
  fx->wizard = enr_wizard_new (NULL, fx->session, FALSE, banner);
  g_object_add_weak_pointer (G_OBJECT (fx->wizard), (gpointer *) &fx->wizard);
  gtk_window_present (enr_wizard_get_window (fx->wizard));

  page = wait_page (fx, "welcome");
  g_assert_null (enr_wizard_get_page (fx->wizard, "login"));
  g_assert_null (enr_wizard_get_page (fx->wizard, "closing"));
  g_assert_false (enr_page_get_busy (ENR_PAGE (page)));
  g_assert_true (next_enabled (fx));
  g_assert_false (gtk_widget_get_visible (enr_page_get_error_area (ENR_PAGE (page))));

  next (fx);
  enr_test_flush ();
  g_assert_cmpstr (enr_wizard_get_current_id (fx->wizard), ==, "welcome");
  g_assert_true (enr_page_get_busy (ENR_PAGE (page)));
  g_assert_cmpstr (enr_page_get_status (ENR_PAGE (page)), ==, "Starting the practice service…");
  status = enr_test_find (page, GTK_TYPE_LABEL, "Starting the practice service…");
  g_assert_nonnull (status);
  g_assert_true (gtk_widget_is_visible (status));
  g_assert_false (next_enabled (fx));

  enr_session_configure (fx->session, enr_sandbox_runner_get_vneid_url (fx->sandbox.runner),
                         enr_sandbox_runner_get_smartca_url (fx->sandbox.runner),
                         enr_sandbox_runner_get_trust_anchor (fx->sandbox.runner),
                         enr_sandbox_runner_get_trust_anchor (fx->sandbox.runner),
                         fx->sandbox.state_dir);
  enr_sandbox_banner_set_control (ENR_SANDBOX_BANNER (banner), fx->sandbox.control);
  g_assert_false (enr_session_get_awaiting_service (fx->session));
  g_assert_true (enr_session_get_configured (fx->session, NULL));

  wait_page (fx, "login");
  g_assert_nonnull (enr_wizard_get_page (fx->wizard, "login"));
  g_assert_false (enr_page_get_busy (ENR_PAGE (page)));
  enr_test_wait_until (has_login_code, fx->session, "VNeID to give a QR login code");
}

/* No service configured: the welcome page says so at once, with what to
 * do, the command on a line of its own, and offers no Start. */
static void
test_not_configured (void)
{
  g_autofree char *dir = g_dir_make_tmp ("enr-pages-XXXXXX", NULL);
  g_autoptr(EnrSession) session = enr_session_new (NULL, NULL, NULL, NULL, FALSE, dir);
  EnrWizard *wizard = enr_wizard_new (NULL, session, FALSE, NULL);
  GtkWindow *window = enr_wizard_get_window (wizard);
  GtkWidget *page, *command, *next_button;

  g_assert_false (enr_session_get_configured (session, NULL));
  gtk_window_present (window);
  enr_test_flush ();
  page = GTK_WIDGET (enr_wizard_get_current_page (wizard));
  command = enr_test_find (page, GTK_TYPE_LABEL, "smartca-enroll --sandbox");
  g_assert_nonnull (command);
  g_assert_true (gtk_widget_is_visible (command));
  g_assert_false (gtk_label_get_wrap (GTK_LABEL (command)));
  g_assert_false (gtk_widget_get_visible (enr_page_get_error_area (ENR_PAGE (page))));
  next_button = enr_test_find_action (GTK_WIDGET (window), "wizard.next");
  g_assert_false (gtk_widget_get_visible (next_button) && gtk_widget_get_sensitive (next_button));
  gtk_window_destroy (window);
  enr_test_flush ();
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  enr_test_ui_init (&argc, &argv);

#define ADD(path, test) \
  g_test_add (path, Fixture, NULL, fixture_set_up, test, fixture_tear_down)
  ADD ("/pages/login-validation", test_login_validation);
  ADD ("/pages/login-wrong-password", test_login_wrong_password);
  ADD ("/pages/login-password-forgotten", test_login_password_forgotten);
  ADD ("/pages/hidden-not-measured", test_hidden_not_measured);
  ADD ("/pages/wrapping-text", test_wrapping_text);
  ADD ("/pages/close-in-turns", test_close_in_turns);
  ADD ("/pages/borders-one-color", test_borders_one_color);
  ADD ("/pages/confirm-consent-and-retry", test_confirm_consent_and_retry);
  ADD ("/pages/resume", test_resume);
  ADD ("/pages/wait", test_wait);
  ADD ("/pages/accessible-names", test_accessible_names);
  ADD ("/pages/service-starting", test_service_starting);
#undef ADD
  g_test_add_func ("/pages/not-configured", test_not_configured);

  return g_test_run ();
}
