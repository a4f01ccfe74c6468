/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * pin-tool: one PIN operation of the enrolled desktop per run, against a
 * running smartca-sandbox, for test-pin-change.py: every run is a start of
 * the program (a session resumed from the state directory and the keyring),
 * and a change of PIN can be killed (SIGKILL, for real) at a step of the
 * key store. Prints one line of JSON.
 *
 *   pin-tool SANDBOX_JSON STATE_DIR enroll CITIZEN PIN
 *   pin-tool SANDBOX_JSON STATE_DIR change OLD NEW [unwrapped|rewrapped|pending-stored|opened|settled]
 *   pin-tool SANDBOX_JSON STATE_DIR unlock PIN
 *   pin-tool SANDBOX_JSON STATE_DIR login CITIZEN
 *   pin-tool SANDBOX_JSON STATE_DIR renew-unkept
 *
 * "unlock" goes through SmartCA's PIN guard as an approval does, and says
 * whether the key handle still holds a change of PIN to settle. "login" is
 * the new VNeID login a citizen is asked for when the SmartCA login is lost.
 * "renew-unkept" renews the SmartCA login and does not keep the new refresh
 * token: what a kill after SmartCA's answer and before the keyring write
 * leaves (the service voided the token the keyring holds).
 */
#define G_LOG_DOMAIN "pin-tool"

#include "config.h"

#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

#include "enr-account.h"
#include "enr-key-store.h"
#include "enr-service-error.h"
#include "enr-smartca-client.h"
#include "enr-session-private.h"
#include "enr-store-error.h"
#include "enr-test-enroll.h"

#define WAIT(res) enr_test_wait_result (&(res))

static const char *kill_at;

static void
step_cb (EnrKeyStoreStep step,
         gpointer        user_data)
{
  const char *names[] = { "unwrapped", "rewrapped", "pending-stored", "opened", "settled" };

  if (kill_at != NULL && g_strcmp0 (names[step], kill_at) == 0)
    raise (SIGKILL);
}

static const EnrTestCitizen *
find_citizen (const char *id)
{
  const EnrTestCitizen *all[] = { &ENR_TEST_AN, &ENR_TEST_NGOC, &ENR_TEST_NHUNG, &ENR_TEST_BAO };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_str_equal (all[i]->id, id))
      return all[i];
  g_error ("no built-in citizen %s", id);
}

static void
print_error (const GError *error)
{
  const char *result = "error";
  gint64 attempts_left = -1;

  if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_WRONG))
    {
      result = "wrong-pin";
      attempts_left = enr_service_error_get_details (error)->attempts_left;
    }
  else if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_PIN_LOCKED))
    result = "locked";
  else if (g_error_matches (error, ENR_STORE_ERROR, ENR_STORE_ERROR_CORRUPT))
    result = "not-opened";
  else if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_EXPIRED))
    result = "logged-out";
  g_print ("{\"result\":\"%s\",\"attempts_left\":%" G_GINT64_FORMAT ",\"domain\":\"%s\","
           "\"code\":%d}\n", result, attempts_left, g_quark_to_string (error->domain),
           error->code);
}

static EnrSandboxControl *
sandbox_control (JsonObject *urls)
{
  g_autoptr(GError) error = NULL;
  EnrSandboxControl *control;

  control = enr_sandbox_control_new (json_object_get_string_member (urls, "control_url"),
                                     json_object_get_string_member (urls, "trust_anchor"),
                                     &error);
  g_assert_no_error (error);
  return control;
}

static EnrSession *
resume (JsonObject *urls,
        const char *state_dir)
{
  g_autoptr(EnrSession) session = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  session = enr_test_new_session_for (json_object_get_string_member (urls, "vneid_url"),
                                      json_object_get_string_member (urls, "smartca_url"),
                                      json_object_get_string_member (urls, "trust_anchor"),
                                      FALSE, state_dir);
  enr_session_resume_async (session, NULL, enr_test_store_result, &res);
  g_assert_true (enr_session_resume_finish (session, WAIT (res), &found, &error));
  g_assert_no_error (error);
  g_assert_true (found);
  g_assert_true (enr_account_session_is_enrolled (session));
  return g_steal_pointer (&session);
}

static gboolean
pending_left (EnrSession *session)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autoptr(GError) error = NULL;

  enr_key_store_lookup_async (_enr_session_get_store (session),
                              _enr_session_get_handle_id (session),
                              enr_session_get_smartca_url (session), NULL,
                              enr_test_store_result, &res);
  handle = enr_key_store_lookup_finish (_enr_session_get_store (session), WAIT (res), &error);
  g_assert_no_error (error);
  return enr_key_handle_has_pending (handle);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *urls;
  const char *state_dir;
  const char *command;

  if (argc < 4)
    {
      g_printerr ("usage: %s SANDBOX_JSON STATE_DIR enroll|change|unlock|login|renew-unkept …\n", argv[0]);
      return 2;
    }
  if (!json_parser_load_from_data (parser, argv[1], -1, &error))
    g_error ("%s", error->message);
  urls = json_node_get_object (json_parser_get_root (parser));
  state_dir = argv[2];
  command = argv[3];

  if (g_str_equal (command, "enroll") && argc >= 6)
    {
      g_autoptr(EnrSandboxControl) control = sandbox_control (urls);
      g_autoptr(EnrSession) session = NULL;

      session = enr_test_new_session_for (json_object_get_string_member (urls, "vneid_url"),
                                          json_object_get_string_member (urls, "smartca_url"),
                                          json_object_get_string_member (urls, "trust_anchor"),
                                          FALSE, state_dir);
      if (!enr_test_enroll (session, control, find_citizen (argv[4]), argv[5], &error))
        print_error (error);
      else
        g_print ("{\"result\":\"ok\"}\n");
      return 0;
    }

  if (g_str_equal (command, "change") && argc >= 6)
    {
      g_autoptr(EnrSession) session = resume (urls, state_dir);
      g_autoptr(EnrAccount) account = enr_account_new (session);
      g_autoptr(GAsyncResult) res = NULL;

      kill_at = argc >= 7 ? argv[6] : NULL;
      enr_key_store_set_step_func (_enr_session_get_store (session), step_cb, NULL);
      enr_account_change_pin_async (account, argv[4], argv[5], argv[5], NULL,
                                    enr_test_store_result, &res);
      if (!enr_account_change_pin_finish (account, WAIT (res), &error))
        g_print ("{\"result\":\"error\",\"message\":\"%s\"}\n", error->message);
      else
        g_print ("{\"result\":\"ok\",\"pending\":%s}\n",
                 pending_left (session) ? "true" : "false");
      return 0;
    }

  if (g_str_equal (command, "unlock") && argc >= 5)
    {
      g_autoptr(EnrSession) session = resume (urls, state_dir);
      g_autoptr(GAsyncResult) res = NULL;
      g_autoptr(EnrKak) kak = NULL;

      _enr_session_unlock_async (session, argv[4], NULL, enr_test_store_result, &res);
      kak = _enr_session_unlock_finish (session, WAIT (res), &error);
      if (kak == NULL)
        print_error (error);
      else
        g_print ("{\"result\":\"ok\",\"pending\":%s}\n",
                 pending_left (session) ? "true" : "false");
      return 0;
    }

  if (g_str_equal (command, "login") && argc >= 5)
    {
      g_autoptr(EnrSandboxControl) control = sandbox_control (urls);
      g_autoptr(EnrSession) session = resume (urls, state_dir);

      if (!enr_test_log_in (session, control, find_citizen (argv[4]), &error))
        print_error (error);
      else
        g_print ("{\"result\":\"ok\"}\n");
      return 0;
    }

  if (g_str_equal (command, "renew-unkept"))
    {
      g_autoptr(EnrSession) session = resume (urls, state_dir);
      EnrSmartcaClient *smartca = _enr_session_get_smartca (session);
      g_autofree char *refresh_token = enr_smartca_client_dup_refresh_token (smartca);
      g_autoptr(GAsyncResult) res = NULL;
      g_autoptr(EnrSmartcaUser) user = NULL;

      /* The session stores a renewed token from ::tokens-changed. */
      g_signal_handlers_block_matched (smartca, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, session);
      enr_smartca_client_set_tokens (smartca, "expired-access-token", refresh_token);
      enr_smartca_client_get_user_async (smartca, NULL, enr_test_store_result, &res);
      user = enr_smartca_client_get_user_finish (smartca, WAIT (res), &error);
      if (user == NULL)
        print_error (error);
      else
        g_print ("{\"result\":\"ok\"}\n");
      return 0;
    }

  g_printerr ("unknown command %s\n", command);
  return 2;
}
