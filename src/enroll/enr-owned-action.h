/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * A session action run on behalf of another object (EnrAccount,
 * EnrDeviceLink): it takes the session's one action slot, so its :busy,
 * :last-error, cancellation by a wipe and the wait for a rotated SmartCA
 * token are the session's; but its GTask, the one the caller sees, has
 * @owner as its source object. Not for the wizard.
 */

#include "enr-session-private.h"

G_BEGIN_DECLS

/*
 * Returns the session's action task (as enr_session_begin_action() does,
 * NULL when it could not start, and then @callback gets the error); end
 * it with enr_session_end_action(). @callback is called with @owner.
 */
GTask    *enr_owned_action_begin     (gpointer             owner,
                                      EnrSession          *session,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data,
                                      gpointer             source_tag);
/* The owner of @action (a task enr_owned_action_begin() returned). */
gpointer  enr_owned_action_get_owner (GTask               *action);
gboolean  enr_owned_action_finish    (gpointer             owner,
                                      GAsyncResult        *result,
                                      gpointer             source_tag,
                                      GError             **error);

G_END_DECLS
