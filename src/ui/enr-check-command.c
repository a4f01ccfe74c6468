/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-check-command"

#include "config.h"

#include <stdio.h>

#include "enr-check-command.h"
#include "enr-document-check.h"

static void
store_result_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

int
enr_check_command_run (const char *signing_trust_anchor,
                       GFile      *file)
{
  /* A session of the configuration alone: a kiosk's, so that nothing is
   * read from or written to this computer's state or keyring. */
  g_autoptr(EnrSession) session = enr_session_new (NULL, NULL, NULL, signing_trust_anchor, TRUE,
                                                   NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(EnrDocumentCheck) check = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (G_IS_FILE (file), 2);

  enr_document_check_file_async (session, file, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  check = enr_document_check_file_finish (result, &error);
  if (check == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  root = enr_document_check_to_json (check);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
  fflush (stdout);
  return enr_document_check_is_valid (check) ? 0 : 1;
}
