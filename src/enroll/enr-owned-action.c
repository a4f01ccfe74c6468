/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-owned-action"

#include "config.h"

#include "enr-owned-action.h"

#define OWNER_KEY "enr-owner"

static void
action_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (enr_session_finish_action (ENR_SESSION (source), result, g_task_get_source_tag (task),
                                 &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

GTask *
enr_owned_action_begin (gpointer             owner,
                        EnrSession          *session,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data,
                        gpointer             source_tag)
{
  GTask *task = g_task_new (owner, cancellable, callback, user_data);
  GTask *action;

  g_task_set_source_tag (task, source_tag);
  action = enr_session_begin_action (session, TRUE, cancellable, action_done_cb, task,
                                     source_tag);
  /* The owner outlives the action: its task holds it until the action ends. */
  if (action != NULL)
    g_object_set_data (G_OBJECT (action), OWNER_KEY, owner);
  return action;
}

gpointer
enr_owned_action_get_owner (GTask *action)
{
  return g_object_get_data (G_OBJECT (action), OWNER_KEY);
}

gboolean
enr_owned_action_finish (gpointer       owner,
                         GAsyncResult  *result,
                         gpointer       source_tag,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, owner), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
