/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Check the Connection": the service layer's diagnosis
 * (enr-connection-check.c), told line by line in the citizen's words, and
 * as a report to copy for support.
 */
#define G_LOG_DOMAIN "enr-session-connection"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <json-glib/json-glib.h>

#include "enr-connection-check.h"
#include "enr-http-transport.h"
#include "enr-session-impl.h"

G_DEFINE_BOXED_TYPE (EnrConnectionReport, enr_connection_report, enr_connection_report_copy,
                     enr_connection_report_free)

static void
line_free (EnrConnectionLine *line)
{
  g_free (line->title);
  g_free (line->result);
  g_free (line->detail);
  g_free (line);
}

static EnrConnectionLine *
line_new (EnrConnectionLineOutcome  outcome,
          const char               *title,
          const char               *result,
          const char               *detail)
{
  EnrConnectionLine *line = g_new0 (EnrConnectionLine, 1);

  line->outcome = outcome;
  line->title = g_strdup (title);
  line->result = g_strdup (result);
  line->detail = g_strdup (detail);
  return line;
}

static EnrConnectionReport *
report_new (void)
{
  EnrConnectionReport *report = g_new0 (EnrConnectionReport, 1);

  report->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  return report;
}

EnrConnectionReport *
enr_connection_report_copy (const EnrConnectionReport *report)
{
  EnrConnectionReport *copy = report_new ();

  for (guint i = 0; i < report->lines->len; i++)
    {
      const EnrConnectionLine *line = g_ptr_array_index (report->lines, i);

      g_ptr_array_add (copy->lines, line_new (line->outcome, line->title, line->result,
                                              line->detail));
    }
  copy->ok = report->ok;
  copy->summary = g_strdup (report->summary);
  return copy;
}

void
enr_connection_report_free (EnrConnectionReport *report)
{
  if (report == NULL)
    return;
  g_ptr_array_unref (report->lines);
  g_free (report->summary);
  g_free (report);
}

/* --- The words ---------------------------------------------------------------------- */

/* What each step checks, and what its failure asks of the citizen or the
 * clerk: the one place these are worded. */
static const struct
{
  const char *title;
  const char *ok;
  const char *failed;
} words[ENR_CONNECTION_N_STEPS] = {
  [ENR_CONNECTION_STEP_RESOLVE] = {
    N_("The service’s address is found"),
    N_("Found."),
    N_("The address cannot be found. Check that this computer is connected to the Internet; "
       "if it is, tell the person who looks after it that the name does not resolve."),
  },
  [ENR_CONNECTION_STEP_CONNECT] = {
    N_("A connection to the service opens"),
    N_("Connected."),
    N_("No connection opens. A firewall or the network’s proxy may block it: tell the person "
       "who looks after this computer."),
  },
  [ENR_CONNECTION_STEP_IDENTITY] = {
    N_("The service proves who it is"),
    N_("Its certificate is trusted."),
    N_("The service could not prove who it is, so nothing will be sent to it. Do not go on; "
       "tell the person who looks after this computer."),
  },
  [ENR_CONNECTION_STEP_VNEID] = {
    N_("VNeID answers"),
    N_("VNeID answers."),
    N_("VNeID does not answer as it should. It may be down for a moment: try again in a few "
       "minutes."),
  },
  [ENR_CONNECTION_STEP_SMARTCA] = {
    N_("VNPT SmartCA answers"),
    N_("VNPT SmartCA answers."),
    N_("VNPT SmartCA does not answer as it should. It may be down for a moment: try again in a "
       "few minutes."),
  },
  [ENR_CONNECTION_STEP_CLOCK] = {
    N_("This computer’s clock is right"),
    N_("It agrees with the service’s to within a minute."),
    N_("It is more than a minute off the service’s, so your approvals would be refused. "
       "Set the date and time of this computer right, then try again."),
  },
};

static EnrConnectionReport *
report_from (const EnrConnectionCheck *check)
{
  EnrConnectionReport *report = report_new ();
  gboolean all_ok = TRUE;

  for (guint step = 0; step < ENR_CONNECTION_N_STEPS; step++)
    {
      EnrConnectionOutcome outcome = check->outcomes[step];
      const char *result;

      switch (outcome)
        {
        case ENR_CONNECTION_OK:
          result = _(words[step].ok);
          break;
        case ENR_CONNECTION_FAILED:
          result = _(words[step].failed);
          all_ok = FALSE;
          break;
        case ENR_CONNECTION_NOT_RUN:
        default:
          result = _("Not checked: an earlier check failed.");
          all_ok = FALSE;
          break;
        }
      g_ptr_array_add (report->lines,
                       line_new (outcome == ENR_CONNECTION_OK ? ENR_CONNECTION_LINE_OK
                                 : outcome == ENR_CONNECTION_FAILED ? ENR_CONNECTION_LINE_FAILED
                                 : ENR_CONNECTION_LINE_NOT_RUN,
                                 _(words[step].title), result, check->details[step]));
    }
  report->ok = all_ok;
  report->summary = g_strdup (all_ok ? _("Everything works: this computer reaches VNeID and "
                                         "VNPT SmartCA.")
                                     : _("Something stands in the way. The first line that "
                                         "failed says what to do."));
  return report;
}

char *
enr_connection_report_to_text (const EnrConnectionReport *report)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const EnrHttpTransport *http = enr_http_transport_peek ();
  g_autofree char *http_version = http != NULL ? http->describe () : NULL;

  g_return_val_if_fail (report != NULL, NULL);

  g_string_append_printf (text, "SmartCA Enroll %s — %s\n", PACKAGE_VERSION, report->summary);
  /* The HTTP module is loaded by the check a report is made of. */
  g_string_append_printf (text, "GLib %u.%u.%u, %s, GnuTLS %s, json-glib %d.%d.%d\n",
                          glib_major_version, glib_minor_version, glib_micro_version,
                          http_version != NULL ? http_version : "libsoup (not loaded)",
                          gnutls_check_version (NULL),
                          JSON_MAJOR_VERSION, JSON_MINOR_VERSION, JSON_MICRO_VERSION);
  for (guint i = 0; i < report->lines->len; i++)
    {
      const EnrConnectionLine *line = g_ptr_array_index (report->lines, i);
      const char *mark = line->outcome == ENR_CONNECTION_LINE_OK ? "OK"
                         : line->outcome == ENR_CONNECTION_LINE_FAILED ? "FAILED" : "-";

      g_string_append_printf (text, "%u. %s: %s — %s\n", i + 1, line->title, mark, line->result);
      if (line->detail != NULL)
        g_string_append_printf (text, "   %s\n", line->detail);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* --- The check ---------------------------------------------------------------------- */

static void
checked_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(EnrConnectionCheck) check = NULL;
  GError *error = NULL;

  check = enr_connection_check_finish (result, &error);
  if (check == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint step = 0; step < ENR_CONNECTION_N_STEPS; step++)
    g_info ("connection check %u: %d %s", step, check->outcomes[step],
            check->details[step] != NULL ? check->details[step] : "");
  g_task_return_pointer (task, report_from (check), (GDestroyNotify) enr_connection_report_free);
}

void
enr_session_check_connection_async (EnrSession          *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_session_check_connection_async);
  enr_connection_check_async (self->vneid_url, self->smartca_url, self->trust_anchor, cancellable,
                              checked_cb, task);
}

EnrConnectionReport *
enr_session_check_connection_finish (EnrSession    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
