/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EnrDeviceLink: the change of device over a desktop EnrSession. Its
 * pieces are the session's: the VNeID login, finding the credential, the
 * key pipeline it shares with activation (enr-session-key.c). The new KAK
 * is in memory only until it is kept under the PIN.
 */
#define G_LOG_DOMAIN "enr-device-link"

#include "config.h"

#include <string.h>

#include "enr-device-link.h"
#include "enr-secure.h"
#include "enr-service-error.h"
#include "enr-session-private.h"

#define TXN_DEVICE "device"

struct _EnrDeviceLink
{
  GObject     parent_instance;

  EnrSession *session;
  gboolean    found;
  gboolean    linked;
};

enum
{
  LINK_PROP_0,
  LINK_PROP_SESSION,
  LINK_PROP_FOUND,
  LINK_PROP_LINKED,
  LINK_N_PROPS
};

static GParamSpec *props[LINK_N_PROPS];

G_DEFINE_FINAL_TYPE (EnrDeviceLink, enr_device_link, G_TYPE_OBJECT)

static void
enr_device_link_dispose (GObject *object)
{
  EnrDeviceLink *self = ENR_DEVICE_LINK (object);

  g_clear_object (&self->session);
  G_OBJECT_CLASS (enr_device_link_parent_class)->dispose (object);
}

static void
enr_device_link_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  EnrDeviceLink *self = ENR_DEVICE_LINK (object);

  switch (prop_id)
    {
    case LINK_PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case LINK_PROP_FOUND:
      g_value_set_boolean (value, self->found);
      break;
    case LINK_PROP_LINKED:
      g_value_set_boolean (value, self->linked);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_device_link_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  EnrDeviceLink *self = ENR_DEVICE_LINK (object);

  switch (prop_id)
    {
    case LINK_PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_device_link_class_init (EnrDeviceLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags shown = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = enr_device_link_dispose;
  object_class->get_property = enr_device_link_get_property;
  object_class->set_property = enr_device_link_set_property;

  props[LINK_PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, ENR_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[LINK_PROP_FOUND] = g_param_spec_boolean ("found", NULL, NULL, FALSE, shown);
  props[LINK_PROP_LINKED] = g_param_spec_boolean ("linked", NULL, NULL, FALSE, shown);

  g_object_class_install_properties (object_class, LINK_N_PROPS, props);
}

static void
enr_device_link_init (EnrDeviceLink *self)
{
}

EnrDeviceLink *
enr_device_link_new (EnrSession *session)
{
  g_return_val_if_fail (ENR_IS_SESSION (session), NULL);

  return g_object_new (ENR_TYPE_DEVICE_LINK, "session", session, NULL);
}

EnrSession *
enr_device_link_get_session (EnrDeviceLink *self)
{
  g_return_val_if_fail (ENR_IS_DEVICE_LINK (self), NULL);
  return self->session;
}

gboolean
enr_device_link_get_found (EnrDeviceLink *self)
{
  g_return_val_if_fail (ENR_IS_DEVICE_LINK (self), FALSE);
  return self->found;
}

gboolean
enr_device_link_get_linked (EnrDeviceLink *self)
{
  g_return_val_if_fail (ENR_IS_DEVICE_LINK (self), FALSE);
  return self->linked;
}

static void
set_flag (EnrDeviceLink *self,
          gboolean      *flag,
          gboolean       value,
          guint          prop)
{
  if (*flag == value)
    return;
  *flag = value;
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static gboolean
finish (EnrDeviceLink  *self,
        GAsyncResult   *result,
        gpointer        source_tag,
        GError        **error)
{
  g_return_val_if_fail (ENR_IS_DEVICE_LINK (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- Finding the credential ---------------------------------------------------- */

static void
found_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GTask *task = user_data;
  EnrDeviceLink *self = g_task_get_source_object (task);
  GError *error = NULL;
  gboolean found;

  found = _enr_session_find_credential_finish (self->session, result, &error);
  set_flag (self, &self->found, found, LINK_PROP_FOUND);
  _enr_session_end_action (self->session, task, error);
}

void
enr_device_link_find_async (EnrDeviceLink       *self,
                            gboolean             share_identity,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_DEVICE_LINK (self));

  task = _enr_session_begin_action (self->session, self, cancellable, callback, user_data,
                                    enr_device_link_find_async);
  if (task == NULL)
    return;
  set_flag (self, &self->found, FALSE, LINK_PROP_FOUND);

  if (!share_identity)
    {
      _enr_session_end_action (self->session, task,
                               enr_service_error_new (ENR_SERVICE_ERROR_CONSENT_REQUIRED, NULL));
      return;
    }
  _enr_session_find_credential_async (self->session, g_task_get_cancellable (task), found_cb,
                                      task);
}

gboolean
enr_device_link_find_finish (EnrDeviceLink  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  return finish (self, result, enr_device_link_find_async, error);
}

/* --- The code --------------------------------------------------------------------- */

/* An action that needs the credential found and a SmartCA login. */
static GTask *
begin_linking (EnrDeviceLink       *self,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  GTask *task = _enr_session_begin_action (self->session, self, cancellable, callback, user_data,
                                           source_tag);

  if (task == NULL)
    return NULL;
  if (!self->found)
    {
      _enr_session_end_action (self->session, task,
                               enr_service_error_new (ENR_SERVICE_ERROR_WRONG_STATE, NULL));
      return NULL;
    }
  if (!enr_smartca_client_has_tokens (_enr_session_get_smartca (self->session)))
    {
      _enr_session_end_action (self->session, task,
                               enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED, NULL));
      return NULL;
    }
  return task;
}

static void
code_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *session = ENR_SESSION (object);
  GError *error = NULL;

  _enr_session_send_device_code_finish (session, result, &error);
  _enr_session_end_action (session, task, error);
}

void
enr_device_link_send_code_async (EnrDeviceLink       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (ENR_IS_DEVICE_LINK (self));

  task = begin_linking (self, cancellable, callback, user_data, enr_device_link_send_code_async);
  if (task != NULL)
    _enr_session_send_device_code_async (self->session, g_task_get_cancellable (task),
                                         code_sent_cb, task);
}

gboolean
enr_device_link_send_code_finish (EnrDeviceLink  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return finish (self, result, enr_device_link_send_code_async, error);
}

/* --- Linking --------------------------------------------------------------------- */

static void
certificate_checked_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *session = ENR_SESSION (object);
  g_autoptr(GError) error = NULL;

  /* Linked: that both services' views could not be compared just now is
   * for "Your SmartCA" to show, not a failure of the link. */
  if (!_enr_session_check_certificate_finish (session, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_info ("the certificate could not be checked with both services yet: %s",
              error->message);
      _enr_session_note_error (session, error);
    }
  _enr_session_end_action (session, task, NULL);
}

static void
device_confirmed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  EnrDeviceLink *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!enr_smartca_client_confirm_device_finish (ENR_SMARTCA_CLIENT (object), result, &error))
    {
      _enr_session_end_action (self->session, task, error);
      return;
    }

  g_info ("credential %s is linked to this computer",
          _enr_session_get_credential_id (self->session));
  _enr_session_set_otp (self->session, NULL);
  set_flag (self, &self->linked, TRUE, LINK_PROP_LINKED);
  _enr_session_checkpoint (self->session);
  _enr_session_check_certificate_async (self->session, g_task_get_cancellable (task),
                                        certificate_checked_cb, task);
}

static void
key_enrolled_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  EnrSession *session = ENR_SESSION (object);
  g_autoptr(EnrSecureString) sad = NULL;
  GError *error = NULL;

  sad = _enr_session_enrol_key_finish (session, result, &error);
  if (sad == NULL)
    {
      _enr_session_end_action (session, task, error);
      return;
    }
  enr_smartca_client_confirm_device_async (_enr_session_get_smartca (session),
                                           _enr_session_get_credential_id (session), sad,
                                           g_task_get_cancellable (task), device_confirmed_cb,
                                           task);
}

void
enr_device_link_link_async (EnrDeviceLink       *self,
                            const char          *otp,
                            const char          *pin,
                            const char          *confirmation,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (ENR_IS_DEVICE_LINK (self));
  g_return_if_fail (otp != NULL && pin != NULL);

  task = begin_linking (self, cancellable, callback, user_data, enr_device_link_link_async);
  if (task == NULL)
    return;

  /* The rules first: a refused PIN costs no key, no call and no code. */
  if (!_enr_session_validate_new_pin (self->session, pin, confirmation, &error))
    {
      _enr_session_end_action (self->session, task, error);
      return;
    }

  set_flag (self, &self->linked, FALSE, LINK_PROP_LINKED);
  _enr_session_enrol_key_async (self->session, pin, otp, TXN_DEVICE,
                                g_task_get_cancellable (task), key_enrolled_cb, task);
}

gboolean
enr_device_link_link_finish (EnrDeviceLink  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  return finish (self, result, enr_device_link_link_async, error);
}
