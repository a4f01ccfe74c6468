/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-application"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "enr-account-window.h"
#include "enr-application.h"
#include "enr-check-command.h"
#include "enr-check-window.h"
#include "enr-connection-dialog.h"
#include "enr-document-check.h"
#include "enr-kiosk.h"
#include "enr-language.h"
#include "enr-link-window.h"
#include "enr-paths.h"
#include "enr-sandbox-banner.h"
#include "enr-sandbox-control.h"
#include "enr-sandbox-runner.h"
#include "enr-sign-window.h"
#include "enr-stall-watch.h"
#include "enr-startup-marks.h"
#include "enr-ui.h"
#include "enr-wizard.h"

struct _EnrApplication
{
  GtkApplication     parent_instance;

  EnrConfig         *config;
  EnrSession        *session;     /* the desktop's; a kiosk has one per citizen */
  EnrWizard         *wizard;      /* weak: its window owns it */
  EnrSandboxBanner  *banner;      /* weak: the wizard's, told when the sandbox is there */
  GtkWindow         *window;      /* weak: the wizard's, "Your SmartCA" or the link's */
  EnrWizard         *window_wizard;  /* weak: the wizard whose window that is, if one */
  EnrKiosk          *kiosk;
  EnrSandboxRunner  *runner;
  EnrSandboxControl *control;
  gboolean           starting;
  GFile             *check_file;  /* --check FILE in this, the first instance */
  gboolean           choose_document;  /* --check-document in this, the first instance */
  GPtrArray         *sign_files;  /* a window asked for (and --sign's files), until the
                                   * enrolled desktop is found */
};

G_DEFINE_FINAL_TYPE (EnrApplication, enr_application, GTK_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "sandbox", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Start a test service on this computer and use it"), NULL },
  { "kiosk", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Run as a public-counter kiosk"), NULL },
  { "vneid-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The VNeID service’s address"), N_("URL") },
  { "smartca-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The VNPT SmartCA service’s address"), N_("URL") },
  { "trust-anchor", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("A PEM file of the certificate authorities to trust"), N_("FILE") },
  { "signing-trust-anchor", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("A PEM file of the root authorities that citizens’ signing certificates must chain to"),
    N_("FILE") },
  { "tsa-url", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The time-stamp authority’s address, for signing documents"), N_("URL") },
  { "idle-timeout", 0, 0, G_OPTION_ARG_INT, NULL,
    N_("Seconds of no input before a kiosk asks whether the citizen is still there"),
    N_("SECONDS") },
  { "language", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The language to start in: vi or en"), N_("LANGUAGE") },
  { "printer", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The printer a kiosk prints receipts on"), N_("NAME") },
  { "check", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Check the signatures of a PDF document"), N_("FILE") },
  { "check-document", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Choose a PDF document and check its signatures"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --check: print the result as JSON and exit 0 only if every signature is valid"),
    NULL },
  { "sign", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open “Sign Documents” with the PDF files that follow"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[FILE…]") },
  { NULL }
};

/* The schema where GSettings looks; else the one compiled in the build
 * tree, or installed with the program into a prefix GSettings does not
 * know (enr-paths.h). */
static GSettings *
open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *dir = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL && (dir = enr_paths_get_schema_dir ()) != NULL)
    {
      g_autoptr(GSettingsSchemaSource) built = NULL;

      built = g_settings_schema_source_new_from_directory (dir, source, FALSE, NULL);
      if (built != NULL)
        schema = g_settings_schema_source_lookup (built, APP_ID, FALSE);
    }
  if (schema == NULL)
    {
      g_warning ("the settings schema %s is not installed: using its defaults", APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

/* The wizard's window on @session, at @page_id (NULL: the first page). */
static GtkWindow *
new_wizard_window (EnrApplication *self,
                   EnrSession     *session,
                   const char     *page_id)
{
  GtkWidget *banner = NULL;

  if (self->config->sandbox)
    {
      banner = enr_sandbox_banner_new (session, self->control);
      if (self->banner != NULL)
        g_object_remove_weak_pointer (G_OBJECT (self->banner), (gpointer *) &self->banner);
      self->banner = ENR_SANDBOX_BANNER (banner);
      g_object_add_weak_pointer (G_OBJECT (banner), (gpointer *) &self->banner);
    }

  if (self->wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->wizard), (gpointer *) &self->wizard);
  self->wizard = enr_wizard_new (GTK_APPLICATION (self), session, self->config->kiosk, banner);
  g_object_add_weak_pointer (G_OBJECT (self->wizard), (gpointer *) &self->wizard);
  if (page_id != NULL)
    enr_wizard_go_to (self->wizard, page_id);
  return enr_wizard_get_window (self->wizard);
}

static void
follow_window (EnrApplication *self,
               GtkWindow      *window)
{
  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  if (self->window_wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window_wizard),
                                  (gpointer *) &self->window_wizard);
  self->window = window;
  self->window_wizard = NULL;
  if (window == NULL)
    return;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  if (self->wizard != NULL && enr_wizard_get_window (self->wizard) == window)
    {
      self->window_wizard = self->wizard;
      g_object_add_weak_pointer (G_OBJECT (self->window_wizard),
                                 (gpointer *) &self->window_wizard);
    }
}

static gboolean
destroy_window_cb (gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

/* Tearing a window down holds the main loop about as long as building one
 * (a window rebuilt in another language: 10 to 20 ms each on a 2-core
 * computer without a GPU). The window goes from the screen at once and is
 * torn down after the new one's turn; a wizard's (@wizard, the window's
 * when it is one) a page per turn. */
static void
retire_window (GtkWindow *window,
               EnrWizard *wizard)
{
  if (wizard != NULL)
    {
      enr_wizard_close (wizard);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  g_idle_add_full (G_PRIORITY_LOW, destroy_window_cb, g_object_ref (window), g_object_unref);
}

/* The desktop shows one window at a time: @window replaces the last one. */
static void
show_window (EnrApplication *self,
             GtkWindow      *window)
{
  GtkWindow *old = self->window;
  EnrWizard *old_wizard = self->window_wizard;

  if (old == window)
    {
      gtk_window_present (window);
      return;
    }
  follow_window (self, window);
  enr_startup_mark ("window built");
  gtk_window_present (window);
  enr_startup_mark_last ("window shown");
  /* Only once the new one is shown: the application ends with its last. */
  if (old != NULL)
    retire_window (old, old_wizard);
}

static void
open_window (EnrApplication *self,
             const char     *page_id)
{
  show_window (self, new_wizard_window (self, self->session, page_id));
}

/* A sandbox is new every run: so is what the client remembers of it, kept
 * in the sandbox's own data directory. */
static char *
sandbox_state_dir (EnrSandboxRunner *runner)
{
  return g_build_filename (enr_sandbox_runner_get_data_dir (runner), "client", NULL);
}

static EnrSession *
new_session (EnrApplication *self)
{
  g_autofree char *state_dir = NULL;
  const char *vneid = self->config->vneid_url;
  const char *smartca = self->config->smartca_url;
  const char *trust = self->config->trust_anchor;
  const char *signing = self->config->signing_trust_anchor;
  const char *tsa = self->config->tsa_url;
  EnrSession *session;

  /* The desktop's window shows before its sandbox listens (the session is
   * configured then); a kiosk waits for it. */
  if (self->config->sandbox &&
      (self->runner == NULL || enr_sandbox_runner_get_vneid_url (self->runner) == NULL))
    return enr_session_new_awaiting_service (self->config->kiosk);

  if (self->runner != NULL)
    {
      /* Its root signs both its TLS certificate and its issuing CA. */
      vneid = enr_sandbox_runner_get_vneid_url (self->runner);
      smartca = enr_sandbox_runner_get_smartca_url (self->runner);
      trust = enr_sandbox_runner_get_trust_anchor (self->runner);
      signing = trust;
      tsa = enr_sandbox_runner_get_tsa_url (self->runner);
      state_dir = sandbox_state_dir (self->runner);
    }

  session = enr_session_new (vneid, smartca, *trust != '\0' ? trust : NULL,
                             *signing != '\0' ? signing : NULL, self->config->kiosk, state_dir);
  enr_session_set_tsa_url (session, tsa);
  return session;
}

static void
make_session (EnrApplication *self)
{
  self->session = new_session (self);
}

/* --- The kiosk ----------------------------------------------------------------- */

static EnrSession *
kiosk_new_session_cb (gpointer user_data)
{
  return new_session (user_data);
}

static EnrWizard *
kiosk_open_wizard_cb (EnrSession *session,
                      gpointer    user_data)
{
  EnrApplication *self = user_data;
  GtkWindow *window = new_wizard_window (self, session, NULL);

  follow_window (self, window);
  gtk_window_present (window);
  return self->wizard;
}

static void
start_kiosk (EnrApplication *self)
{
  static const EnrKioskHooks hooks = { kiosk_new_session_cb, kiosk_open_wizard_cb };

  self->kiosk = enr_kiosk_new (GTK_APPLICATION (self), self->config->idle_timeout,
                               self->config->language, self->config->printer,
                               self->config->keypad_shuffle, &hooks, self);
  enr_kiosk_start (self->kiosk);
}

/* --- The desktop's windows --------------------------------------------------------- */

/* "Sign Documents…" beside the window shown, on the account of "Your
 * SmartCA" when that is it (one account, one action at a time). */
static void
open_sign_window (EnrApplication *self)
{
  g_autoptr(GPtrArray) files = g_steal_pointer (&self->sign_files);
  g_autoptr(EnrAccount) account = NULL;
  GtkWidget *window;

  if (ENR_IS_ACCOUNT_WINDOW (self->window))
    account = g_object_ref (enr_account_window_get_account (ENR_ACCOUNT_WINDOW (self->window)));
  else
    account = enr_account_new (self->session);
  window = enr_sign_window_new (GTK_APPLICATION (self), account);
  gtk_window_set_transient_for (GTK_WINDOW (window), self->window);
  if (files != NULL)
    enr_sign_window_add_files (ENR_SIGN_WINDOW (window), (GFile **) files->pdata, files->len);
  if (self->window == NULL)
    follow_window (self, GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
}

/* Only an enrolled desktop signs. Until the start-up question is settled
 * the wizard asks it (its welcome page), and "Your SmartCA", once found,
 * opens the window with the files kept for it. */
static void
sign_documents (EnrApplication  *self,
                GFile          **files,
                guint            n_files)
{
  if (self->kiosk != NULL || self->config->kiosk)
    {
      g_printerr ("%s\n", _("A kiosk signs no documents of its own."));
      return;
    }
  /* Kept even empty: the window is asked for, with or without files. */
  if (self->sign_files == NULL)
    self->sign_files = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_files; i++)
    g_ptr_array_add (self->sign_files, g_object_ref (files[i]));
  if (self->session != NULL && enr_session_get_resumed (self->session) &&
      enr_account_session_is_enrolled (self->session))
    {
      open_sign_window (self);
      return;
    }
  if (self->window == NULL)
    g_application_activate (G_APPLICATION (self));
}

static void
sign_documents_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  sign_documents (user_data, NULL, 0);
}

static void
your_smartca_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  EnrApplication *self = user_data;

  if (self->kiosk != NULL || self->session == NULL)
    return;
  show_window (self, GTK_WINDOW (enr_account_window_new (GTK_APPLICATION (self), self->session,
                                                         self->control)));
  if (self->sign_files != NULL)
    open_sign_window (self);
}

static void
link_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  EnrApplication *self = user_data;

  /* A kiosk never keeps a citizen's key: it has nothing to link. */
  if (self->kiosk != NULL || self->session == NULL)
    return;
  show_window (self, GTK_WINDOW (enr_link_window_new (GTK_APPLICATION (self), self->session)));
}

/* From an error that says the service was not reached, or from "Your
 * SmartCA"; at a kiosk too, for the clerk: it shows nothing of a citizen. */
static void
check_connection_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  EnrApplication *self = user_data;
  EnrSession *session = enr_application_get_session (self);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (session == NULL)
    return;
  gtk_window_present (GTK_WINDOW (enr_connection_dialog_new (parent, session)));
}

/* "Check a Signed Document…": needs only the session's configuration,
 * so it works before enrollment and beside any other window (not at a
 * kiosk, where the computer's files are no citizen's). */
static EnrCheckWindow *
open_check_window (EnrApplication *self)
{
  GtkWidget *window;

  if (self->session == NULL && self->kiosk == NULL)
    make_session (self);
  window = enr_check_window_new (GTK_APPLICATION (self), enr_application_get_session (self));
  gtk_window_present (GTK_WINDOW (window));
  return ENR_CHECK_WINDOW (window);
}

static void
check_document_cb (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  EnrApplication *self = user_data;

  /* A kiosk shows no file chooser: its files are no citizen's. */
  if (self->starting || self->config->kiosk)
    return;
  enr_check_window_choose (open_check_window (self));
}

static void
enroll_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  EnrApplication *self = user_data;

  if (self->kiosk != NULL || self->session == NULL)
    return;
  /* The wizard follows the session: a registration found while linking
   * carries on at its step. */
  open_window (self, NULL);
}

/* One line of JSON on stdout, the sandbox's own, so that a person (or a
 * test) can reach its control endpoints and data beside the window. */
static void
announce_sandbox (EnrSandboxRunner *runner)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "vneid_url");
  json_builder_add_string_value (builder, enr_sandbox_runner_get_vneid_url (runner));
  json_builder_set_member_name (builder, "smartca_url");
  json_builder_add_string_value (builder, enr_sandbox_runner_get_smartca_url (runner));
  json_builder_set_member_name (builder, "control_url");
  json_builder_add_string_value (builder, enr_sandbox_runner_get_control_url (runner));
  json_builder_set_member_name (builder, "trust_anchor");
  json_builder_add_string_value (builder, enr_sandbox_runner_get_trust_anchor (runner));
  json_builder_set_member_name (builder, "data_dir");
  json_builder_add_string_value (builder, enr_sandbox_runner_get_data_dir (runner));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  line = json_generator_to_data (generator, NULL);
  g_print ("%s\n", line);
  fflush (stdout);
}

static void
peeked_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnrApplication) self = user_data;

  self->starting = FALSE;
  if (enr_session_peek_enrolled_finish (ENR_SESSION (source), result))
    {
      show_window (self, GTK_WINDOW (enr_account_window_new (GTK_APPLICATION (self),
                                                             self->session, self->control)));
      /* `--sign`, waiting for the enrolled desktop. */
      if (self->sign_files != NULL)
        open_sign_window (self);
    }
  else
    open_window (self, NULL);
  g_application_release (G_APPLICATION (self));
}

/* The desktop's first window: "Your SmartCA" on a computer that finished
 * its enrollment, else the wizard. The checkpoint file alone decides, so
 * that neither the keyring nor the service stands between the citizen and
 * a window; the window then resumes the session. */
static void
open_first_window (EnrApplication *self)
{
  self->starting = TRUE;
  g_application_hold (G_APPLICATION (self));
  enr_session_peek_enrolled_async (self->session, NULL, peeked_cb, g_object_ref (self));
}

static gboolean
check_asked (EnrApplication *self)
{
  return self->check_file != NULL || self->choose_document;
}

/* The check of the document given with --check (or asked for with
 * --check-document), else the desktop's first window. */
static void
open_start_window (EnrApplication *self)
{
  g_autoptr(GFile) file = g_steal_pointer (&self->check_file);

  if (file != NULL)
    enr_check_window_check_file (open_check_window (self), file);
  else if (self->choose_document)
    enr_check_window_choose (open_check_window (self));
  else
    open_first_window (self);
}

static void
runner_started_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(EnrApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  self->starting = FALSE;
  if (!enr_sandbox_runner_start_finish (ENR_SANDBOX_RUNNER (source), result, &error))
    {
      g_printerr (_("The sandbox could not start: %s\n"), error->message);
      g_application_release (G_APPLICATION (self));
      g_application_quit (G_APPLICATION (self));
      return;
    }

  announce_sandbox (self->runner);
  self->control = enr_sandbox_control_new (enr_sandbox_runner_get_control_url (self->runner),
                                           enr_sandbox_runner_get_trust_anchor (self->runner),
                                           &error);
  if (self->control == NULL)
    g_warning ("no sandbox banner: %s", error->message);
  else if (self->banner != NULL)
    enr_sandbox_banner_set_control (self->banner, self->control);
  if (self->config->kiosk)
    start_kiosk (self);
  else
    {
      g_autofree char *state_dir = sandbox_state_dir (self->runner);
      const char *trust = enr_sandbox_runner_get_trust_anchor (self->runner);

      /* Its root signs both its TLS certificate and its issuing CA. */
      enr_session_configure (self->session, enr_sandbox_runner_get_vneid_url (self->runner),
                             enr_sandbox_runner_get_smartca_url (self->runner), trust, trust,
                             state_dir);
      enr_session_set_tsa_url (self->session, enr_sandbox_runner_get_tsa_url (self->runner));
      if (check_asked (self))
        open_start_window (self);
    }
  g_application_release (G_APPLICATION (self));
}

static void
start_sandbox (EnrApplication *self)
{
  g_autofree char *program = NULL;

  /* The one built or installed with this program (SMARTCA_SANDBOX names
   * another). */
  if (g_getenv ("SMARTCA_SANDBOX") == NULL)
    program = enr_paths_get_sandbox_program ();
  self->runner = enr_sandbox_runner_new (program, NULL);
  self->starting = TRUE;
  g_application_hold (G_APPLICATION (self));
  enr_sandbox_runner_start_async (self->runner, NULL, runner_started_cb, g_object_ref (self));
}

/* The sandbox (whose first start makes its CAs: a second of one core)
 * starts once the window has drawn its first frame, not before. */
static void
first_frame_cb (GdkFrameClock  *clock,
                EnrApplication *self)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, self);
  if (self->runner == NULL)
    start_sandbox (self);
}

static void
enr_application_activate (GApplication *application)
{
  EnrApplication *self = ENR_APPLICATION (application);

  if (self->window != NULL)
    {
      gtk_window_present (self->window);
      return;
    }
  if (self->starting || self->kiosk != NULL)
    return;

  if (self->config->sandbox && self->runner == NULL)
    {
      GtkWindow *window;

      /* A kiosk's citizen starts on a service that is there; so does the
       * check of a document, against the sandbox's root. */
      if (self->config->kiosk || check_asked (self))
        {
          if (!self->config->kiosk)
            make_session (self);
          start_sandbox (self);
          return;
        }
      /* The window first, usable at once: what needs the service waits
       * for it (the welcome page's Start). */
      make_session (self);
      window = new_wizard_window (self, self->session, NULL);
      show_window (self, window);
      g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                        G_CALLBACK (first_frame_cb), self);
      return;
    }

  if (self->config->kiosk)
    {
      start_kiosk (self);
      return;
    }
  if (self->session == NULL)
    make_session (self);
  open_start_window (self);
}

/* `--sign FILE…` ("sign"): documents to sign. Otherwise a file manager's
 * "Open With", or --check FILE handed on by a second instance: documents
 * to check. */
static void
enr_application_open (GApplication  *application,
                      GFile        **files,
                      gint           n_files,
                      const gchar   *hint)
{
  EnrApplication *self = ENR_APPLICATION (application);

  if (g_strcmp0 (hint, "sign") == 0)
    {
      sign_documents (self, files, (guint) n_files);
      return;
    }
  if (self->starting || self->config->kiosk)
    return;
  for (gint i = 0; i < n_files; i++)
    enr_check_window_check_file (open_check_window (self), files[i]);
}

static gboolean
rebuild_cb (gpointer user_data)
{
  g_autoptr(EnrApplication) self = user_data;
  g_autofree char *page_id = NULL;

  if (self->wizard == NULL || self->window != enr_wizard_get_window (self->wizard))
    return G_SOURCE_REMOVE;

  /* The window is built anew in the new language, where the old one was;
   * what matters lives in the session. */
  page_id = g_strdup (enr_wizard_get_current_id (self->wizard));
  if (self->kiosk != NULL)
    {
      g_autoptr(GtkWindow) old = g_object_ref (self->window);
      EnrWizard *old_wizard = self->window_wizard;
      EnrWizard *wizard;

      wizard = kiosk_open_wizard_cb (enr_kiosk_get_session (self->kiosk), self);
      enr_wizard_go_to (wizard, page_id);
      enr_kiosk_replace_wizard (self->kiosk, wizard);
      retire_window (old, old_wizard);
      return G_SOURCE_REMOVE;
    }
  open_window (self, page_id);
  return G_SOURCE_REMOVE;
}

static void
language_change_cb (GSimpleAction *action,
                    GVariant      *value,
                    gpointer       user_data)
{
  EnrApplication *self = user_data;
  const char *language = g_variant_get_string (value, NULL);

  if (!enr_language_is_valid (language) || *language == '\0')
    return;
  g_simple_action_set_state (action, value);
  enr_language_apply (language);
  /* Not from inside the button's own signal: its window is destroyed. */
  g_idle_add (rebuild_cb, g_object_ref (self));
}

static void
quit_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
enr_application_startup (GApplication *application)
{
  EnrApplication *self = ENR_APPLICATION (application);
  const GActionEntry entries[] = {
    { "language", NULL, "s", "'vi'", language_change_cb },
    { "quit", quit_cb, NULL, NULL, NULL },
    { "your-smartca", your_smartca_cb, NULL, NULL, NULL },
    { "link", link_cb, NULL, NULL, NULL },
    { "enroll", enroll_cb, NULL, NULL, NULL },
    { "check-connection", check_connection_cb, NULL, NULL, NULL },
    { "check-document", check_document_cb, NULL, NULL, NULL },
    { "sign-documents", sign_documents_cb, NULL, NULL, NULL },
  };
  const char *quit_accels[] = { "<Control>q", NULL };
  GAction *language;

  G_APPLICATION_CLASS (enr_application_parent_class)->startup (application);
  enr_startup_mark ("toolkit started");
  enr_stall_watch_follow (GTK_APPLICATION (self));

  enr_ui_init (NULL);
  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  /* A citizen at a kiosk does not end the program (the README says how a
   * clerk does). */
  if (!self->config->kiosk)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);

  if (*self->config->language != '\0')
    enr_language_apply (self->config->language);
  language = g_action_map_lookup_action (G_ACTION_MAP (self), "language");
  g_simple_action_set_state (G_SIMPLE_ACTION (language),
                             g_variant_new_string (enr_language_is_vietnamese () ? "vi" : "en"));
}

/* The first file named on the command line without an option, or NULL. */
static char *
first_remaining_path (GVariantDict *options)
{
  g_autofree const char **paths = NULL;

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &paths);
  return paths != NULL && paths[0] != NULL ? g_strdup (paths[0]) : NULL;
}

/* `--sign FILE…`: the files go to the instance that runs (this one, or
 * the one already running) as an "open" with the hint "sign". */
static gint
sign_from_command_line (EnrApplication *self,
                        GVariantDict   *options)
{
  g_autofree const char **paths = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  if (!g_variant_dict_contains (options, "sign"))
    return -1;
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &paths);
  if (!g_application_register (G_APPLICATION (self), NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    g_ptr_array_add (files, g_file_new_for_commandline_arg (paths[i]));
  if (files->len == 0)
    g_action_group_activate_action (G_ACTION_GROUP (self), "sign-documents", NULL);
  else
    g_application_open (G_APPLICATION (self), (GFile **) files->pdata, (gint) files->len, "sign");
  /* Handed over to the instance already running, or this one runs. */
  return g_application_get_is_remote (G_APPLICATION (self)) ? 0 : -1;
}

static gint
enr_application_handle_local_options (GApplication *application,
                                      GVariantDict *options)
{
  EnrApplication *self = ENR_APPLICATION (application);
  g_autoptr(GSettings) settings = open_settings ();
  g_autoptr(GError) error = NULL;

  g_autofree char *check_path = NULL;

  self->config = enr_config_new_from_settings (settings);
  if (!enr_config_apply_options (self->config, options, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  g_variant_dict_lookup (options, "check", "^ay", &check_path);
  if (g_variant_dict_contains (options, "json"))
    {
      g_autoptr(GFile) file = NULL;

      if (check_path == NULL)
        {
          g_printerr ("%s\n", _("--json goes with --check FILE."));
          return 2;
        }
      /* Before the application registers: no display, no second instance. */
      file = g_file_new_for_commandline_arg (check_path);
      return enr_check_command_run (*self->config->signing_trust_anchor != '\0'
                                    ? self->config->signing_trust_anchor : NULL, file);
    }

  /* Each sandbox and each kiosk is a world of its own: no second
   * instance hands its window to the first. */
  if (self->config->sandbox || self->config->kiosk)
    g_application_set_flags (application,
                             g_application_get_flags (application) | G_APPLICATION_NON_UNIQUE);

  /* A file manager's "Open With" gives the file alone: a document to
   * check. The desktop file's "Check a Signed Document" action gives none:
   * it asks. */
  if (check_path == NULL && !g_variant_dict_contains (options, "sign"))
    check_path = first_remaining_path (options);
  self->choose_document = g_variant_dict_contains (options, "check-document");
  if (check_path != NULL || self->choose_document)
    {
      g_autoptr(GFile) file = NULL;

      if (check_path != NULL)
        file = g_file_new_for_commandline_arg (check_path);
      if (!g_application_register (application, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }
      /* The program already runs: its window checks the document. */
      if (g_application_get_is_remote (application))
        {
          if (file != NULL)
            g_application_open (application, &file, 1, "check");
          else
            g_action_group_activate_action (G_ACTION_GROUP (application), "check-document",
                                            NULL);
          return 0;
        }
      self->check_file = g_steal_pointer (&file);
      return -1;
    }
  return sign_from_command_line (self, options);
}

static void
enr_application_shutdown (GApplication *application)
{
  EnrApplication *self = ENR_APPLICATION (application);

  /* A kiosk's session wipes itself when it goes; the sandbox gets SIGTERM. */
  g_clear_object (&self->kiosk);
  g_clear_object (&self->session);
  g_clear_object (&self->control);
  g_clear_object (&self->runner);

  G_APPLICATION_CLASS (enr_application_parent_class)->shutdown (application);
}

static void
enr_application_finalize (GObject *object)
{
  EnrApplication *self = ENR_APPLICATION (object);

  g_clear_object (&self->kiosk);
  g_clear_object (&self->session);
  g_clear_object (&self->control);
  g_clear_object (&self->runner);
  g_clear_pointer (&self->sign_files, g_ptr_array_unref);
  g_clear_pointer (&self->config, enr_config_free);
  g_clear_object (&self->check_file);

  G_OBJECT_CLASS (enr_application_parent_class)->finalize (object);
}

static void
enr_application_class_init (EnrApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = enr_application_finalize;
  app_class->activate = enr_application_activate;
  app_class->open = enr_application_open;
  app_class->startup = enr_application_startup;
  app_class->shutdown = enr_application_shutdown;
  app_class->handle_local_options = enr_application_handle_local_options;
}

static void
enr_application_init (EnrApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Register a VNPT SmartCA digital signature with "
                                              "your VNeID identity."));
}

EnrApplication *
enr_application_new (void)
{
  return g_object_new (ENR_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/vn/smartca/Enroll",
                       NULL);
}

const EnrConfig *
enr_application_get_config (EnrApplication *self)
{
  g_return_val_if_fail (ENR_IS_APPLICATION (self), NULL);
  return self->config;
}

EnrSession *
enr_application_get_session (EnrApplication *self)
{
  g_return_val_if_fail (ENR_IS_APPLICATION (self), NULL);
  return self->kiosk != NULL ? enr_kiosk_get_session (self->kiosk) : self->session;
}

GtkWindow *
enr_application_get_window (EnrApplication *self)
{
  g_return_val_if_fail (ENR_IS_APPLICATION (self), NULL);
  return self->window;
}
