/* SPDX-License-Identifier: GPL-3.0-or-later */

/*
 * enroll-tool: a built-in citizen's whole enrollment against a running
 * smartca-sandbox, through EnrSession as the wizard drives it, so that an
 * end-to-end test can start from an enrolled desktop (the key handle in
 * the keyring, the checkpoint in the state directory) or from a citizen
 * enrolled at a kiosk (--kiosk: nothing kept here).
 *
 *   enroll-tool --sandbox SANDBOX_JSON --citizen ID --pin PIN [--kiosk] [--state-dir DIR]
 *
 * SANDBOX_JSON is the line smartca-sandbox printed. Prints the serial of
 * the certificate issued.
 */
#define G_LOG_DOMAIN "enroll-tool"

#include "config.h"

#include <json-glib/json-glib.h>

#include "enr-key-wrap.h"
#include "enr-session-private.h"
#include "enr-test-enroll.h"

static const EnrTestCitizen *
find_citizen (const char *id)
{
  const EnrTestCitizen *all[] = { &ENR_TEST_AN, &ENR_TEST_NGOC, &ENR_TEST_NHUNG, &ENR_TEST_BAO };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_str_equal (all[i]->id, id))
      return all[i];
  return NULL;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *sandbox = NULL;
  g_autofree char *citizen_id = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *state_dir = NULL;
  gboolean kiosk = FALSE;
  GOptionEntry entries[] = {
    { "sandbox", 0, 0, G_OPTION_ARG_STRING, &sandbox, "The sandbox's line of JSON", "JSON" },
    { "citizen", 0, 0, G_OPTION_ARG_STRING, &citizen_id, "A built-in citizen", "ID" },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin, "The PIN", "PIN" },
    { "kiosk", 0, 0, G_OPTION_ARG_NONE, &kiosk, "Enroll as a kiosk does", NULL },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir, "The checkpoint's directory", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(EnrSandboxControl) control = NULL;
  g_autoptr(EnrSession) session = NULL;
  g_autoptr(GError) error = NULL;
  const EnrTestCitizen *citizen;
  JsonObject *urls;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || sandbox == NULL ||
      citizen_id == NULL || pin == NULL || (citizen = find_citizen (citizen_id)) == NULL)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--sandbox, --citizen and --pin");
      return 2;
    }
  if (!json_parser_load_from_data (parser, sandbox, -1, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  urls = json_node_get_object (json_parser_get_root (parser));

  control = enr_sandbox_control_new (json_object_get_string_member (urls, "control_url"),
                                     json_object_get_string_member (urls, "trust_anchor"),
                                     &error);
  g_assert_no_error (error);
  session = enr_test_new_session_for (json_object_get_string_member (urls, "vneid_url"),
                                      json_object_get_string_member (urls, "smartca_url"),
                                      json_object_get_string_member (urls, "trust_anchor"),
                                      kiosk, state_dir);
  /* The program started afterwards refuses a key wrapped with fewer
   * PBKDF2 rounds than its floor: the tests' cheap count would read as a
   * damaged key there. */
  _enr_session_set_key_iterations (session, ENR_KEY_WRAP_MIN_ITERATIONS);
  if (!enr_test_enroll (session, control, citizen, pin, &error))
    {
      g_printerr ("enrollment failed: %s\n", error->message);
      return 1;
    }
  g_print ("%s\n", enr_session_get_certificate (session)->serial);
  if (kiosk)
    enr_session_wipe (session);
  return 0;
}
