/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EnrDeviceLink: the change of device over a desktop EnrSession. Its
 * pieces are the session's: the VNeID login, the hand-off, the
 * reconciliation with SmartCA, the SAD, the key store. The new KAK is in
 * memory only until it is kept under the PIN and confirmed.
 */
#define G_LOG_DOMAIN "enr-device-link"

#include "config.h"

#include <string.h>

#include "enr-account-error.h"
#include "enr-device-link.h"
#include "enr-owned-action.h"
#include "enr-pin-policy.h"
#include "enr-store-error.h"

#define TXN_DEVICE "device"
#define OTP_KEY    "enr-otp"

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

/* Ends the action with the KAK, the PIN and the code gone from memory. */
static void
end (GTask  *action,
     GError *error)
{
  EnrAction *frame = enr_session_action (action);

  if (frame->kak != NULL)
    enr_kak_wipe (frame->kak);
  g_clear_object (&frame->kak);
  g_clear_pointer (&frame->secret, enr_secure_string_free);
  g_clear_pointer (&frame->secret2, enr_secure_string_free);
  g_object_set_data (G_OBJECT (action), OTP_KEY, NULL);
  enr_session_end_action (action, error);
}

static gboolean
failed (GTask  *action,
        GError *error)
{
  if (error == NULL)
    return FALSE;
  end (action, error);
  return TRUE;
}

/* --- Finding the credential ---------------------------------------------------- */

static void
reconciled_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *action = user_data;
  EnrSession *session = ENR_SESSION (object);
  EnrDeviceLink *self = enr_owned_action_get_owner (action);
  GError *error = NULL;
  gboolean linkable;

  if (!enr_session_reconcile_finish (session, result, &error))
    {
      end (action, error);
      return;
    }

  /* A KAK can be replaced once the certificate is issued (PROTOCOL.md). */
  linkable = session->credential_id != NULL &&
             (g_strcmp0 (session->smartca_state, "ACTIVE") == 0 ||
              g_strcmp0 (session->smartca_state, "ACCEPTANCE_PENDING") == 0);
  g_info ("SmartCA reports %s: %s", session->smartca_state,
          linkable ? "a credential to link" : "nothing to link yet");
  set_flag (self, &self->found, linkable, LINK_PROP_FOUND);
  end (action, linkable ? NULL : enr_account_error_new (ENR_ACCOUNT_ERROR_NOT_ENROLLED));
}

static void
taken_over_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *action = user_data;
  EnrSession *session = ENR_SESSION (object);
  GError *error = NULL;

  if (!enr_session_take_over_finish (session, result, &error))
    {
      end (action, error);
      return;
    }
  enr_session_reconcile_async (session, enr_session_action_cancellable (action), reconciled_cb,
                               action);
}

static void
registration_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *action = user_data;
  EnrSession *session = g_task_get_source_object (action);
  gpointer tag = g_object_get_data (G_OBJECT (action), "enr-call");
  g_autoptr(EnrRegistration) registration = NULL;
  GError *error = NULL;
  gboolean submitted;

  if (tag == enr_vneid_client_register_async)
    registration = enr_vneid_client_register_finish (ENR_VNEID_CLIENT (object), result, &error);
  else
    registration = enr_vneid_client_get_registration_finish (ENR_VNEID_CLIENT (object), result,
                                                             &error);
  if (failed (action, error))
    return;

  g_info ("registration %s is %s", registration->registration_id, registration->status);
  if (g_str_equal (registration->status, "REJECTED"))
    {
      enr_session_set_registration (session, g_steal_pointer (&registration));
      end (action, enr_session_service_error (ENR_SERVICE_ERROR_REJECTED));
      return;
    }
  submitted = g_str_equal (registration->status, "SUBMITTED");
  enr_session_set_registration (session, g_steal_pointer (&registration));
  if (submitted)
    {
      /* Never handed over to SmartCA: the registration goes on in the wizard. */
      enr_session_set_step (session, MAX (session->step, ENR_SESSION_STEP_INITIALIZE));
      enr_session_checkpoint (session);
      end (action, enr_account_error_new (ENR_ACCOUNT_ERROR_NOT_ENROLLED));
      return;
    }

  /* A new hand-off, whatever SmartCA login this computer held: it is what
   * proves to SmartCA that the citizen has just logged in to VNeID. */
  enr_session_take_over_async (session, enr_session_action_cancellable (action), taken_over_cb,
                               action);
}

void
enr_device_link_find_async (EnrDeviceLink       *self,
                            gboolean             share_identity,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  EnrSession *session;
  GTask *action;

  g_return_if_fail (ENR_IS_DEVICE_LINK (self));

  session = self->session;
  action = enr_owned_action_begin (self, session, cancellable, callback, user_data,
                                   enr_device_link_find_async);
  if (action == NULL)
    return;
  set_flag (self, &self->found, FALSE, LINK_PROP_FOUND);

  if (!share_identity)
    {
      end (action, enr_session_service_error (ENR_SERVICE_ERROR_CONSENT_REQUIRED));
      return;
    }
  if (session->identity == NULL || !enr_vneid_client_has_access_token (session->vneid))
    {
      end (action, enr_session_service_error (ENR_SERVICE_ERROR_LOGIN_EXPIRED));
      return;
    }

  /* VNeID answers a registration request with the citizen's registration
   * when there is one (PROTOCOL.md): it is how a computer that never saw
   * it finds it. */
  if (session->registration_id == NULL)
    {
      g_object_set_data (G_OBJECT (action), "enr-call", enr_vneid_client_register_async);
      enr_vneid_client_register_async (session->vneid, ENR_SESSION_CONSENT_VERSION,
                                       enr_session_action_cancellable (action), registration_cb,
                                       action);
    }
  else
    enr_vneid_client_get_registration_async (session->vneid, session->registration_id,
                                             enr_session_action_cancellable (action),
                                             registration_cb, action);
}

gboolean
enr_device_link_find_finish (EnrDeviceLink  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  return enr_owned_action_finish (self, result, enr_device_link_find_async, error);
}

/* --- The code --------------------------------------------------------------------- */

static void
code_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *action = user_data;
  EnrSession *session = g_task_get_source_object (action);
  g_autoptr(EnrOtpSent) sent = NULL;
  GError *error = NULL;

  sent = enr_smartca_client_send_device_otp_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  error = enr_session_take_otp_reply (session, ENR_OTP_PURPOSE_DEVICE, sent, error,
                                      enr_refusal_get (result)->retry_after_s);
  end (action, error);
}

/* An action that needs the credential found and a SmartCA login. */
static GTask *
begin_linking (EnrDeviceLink       *self,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  GTask *action = enr_owned_action_begin (self, self->session, cancellable, callback, user_data,
                                          source_tag);

  if (action == NULL)
    return NULL;
  if (!self->found)
    {
      end (action, enr_session_service_error (ENR_SERVICE_ERROR_WRONG_STATE));
      return NULL;
    }
  if (!enr_smartca_client_has_tokens (self->session->smartca))
    {
      end (action, enr_session_service_error (ENR_SERVICE_ERROR_LOGIN_EXPIRED));
      return NULL;
    }
  return action;
}

void
enr_device_link_send_code_async (EnrDeviceLink       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *action;

  g_return_if_fail (ENR_IS_DEVICE_LINK (self));

  action = begin_linking (self, cancellable, callback, user_data,
                          enr_device_link_send_code_async);
  if (action == NULL)
    return;
  enr_smartca_client_send_device_otp_async (self->session->smartca,
                                            enr_session_action_cancellable (action),
                                            code_sent_cb, action);
}

gboolean
enr_device_link_send_code_finish (EnrDeviceLink  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  return enr_owned_action_finish (self, result, enr_device_link_send_code_async, error);
}

/* --- Linking --------------------------------------------------------------------- */

static void
certificate_checked_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  GTask *action = user_data;
  EnrSession *session = ENR_SESSION (object);
  g_autoptr(GError) error = NULL;

  /* Linked: that both services' views could not be compared just now is
   * for "Your SmartCA" to show, not a failure of the link. */
  if (!enr_session_check_certificate_finish (session, result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_info ("the certificate could not be checked with both services yet: %s",
              error->message);
      enr_session_note_error (session, error);
    }
  end (action, NULL);
}

static void
device_confirmed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *action = user_data;
  EnrSession *session = g_task_get_source_object (action);
  EnrDeviceLink *self = enr_owned_action_get_owner (action);
  GError *error = NULL;

  if (!enr_smartca_client_confirm_device_finish (ENR_SMARTCA_CLIENT (object), result, &error))
    {
      end (action, error);
      return;
    }

  g_info ("credential %s is linked to this computer", session->credential_id);
  enr_session_set_otp (session, NULL);
  set_flag (self, &self->linked, TRUE, LINK_PROP_LINKED);
  enr_session_checkpoint (session);
  enr_session_check_certificate_async (session, enr_session_action_cancellable (action),
                                       certificate_checked_cb, action);
}

static void
handle_created_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *action = user_data;
  EnrSession *session = g_task_get_source_object (action);
  EnrAction *frame = enr_session_action (action);
  g_autoptr(EnrKeyHandle) handle = NULL;
  g_autofree char *sad = NULL;
  GError *error = NULL;

  handle = enr_key_store_create_finish (ENR_KEY_STORE (object), result, &error);
  if (failed (action, error))
    return;
  enr_session_set_pin_attempts_left (session, (gint) enr_key_handle_get_attempts_left (handle));

  sad = enr_session_make_sad (session, frame->kak, TXN_DEVICE, frame->text, &error);
  if (failed (action, error))
    return;
  enr_kak_wipe (frame->kak);
  g_clear_object (&frame->kak);
  enr_smartca_client_confirm_device_async (session->smartca, session->credential_id, sad,
                                           frame->cancellable, device_confirmed_cb, action);
  enr_secure_wipe (sad, strlen (sad));
}

static void
activated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *action = user_data;
  EnrSession *session = g_task_get_source_object (action);
  EnrAction *frame = enr_session_action (action);
  g_autoptr(EnrActivation) activation = NULL;
  EnrKeyHandleIds ids = { 0 };
  GError *error = NULL;

  activation = enr_smartca_client_activate_finish (ENR_SMARTCA_CLIENT (object), result, &error);
  g_object_set_data (G_OBJECT (action), OTP_KEY, NULL);
  if (activation == NULL)
    {
      end (action, enr_session_otp_refused (session, error,
                                            enr_refusal_get (result)->attempts_left));
      return;
    }

  /* The same credential; the new KAK waits for its confirmation. */
  g_info ("a new key for credential %s awaits its confirmation", activation->credential_id);
  enr_session_set_string (&session->credential_id, activation->credential_id);
  g_free (frame->text);
  frame->text = g_strdup (activation->challenge);

  ids.citizen_id = session->citizen_id;
  ids.service_url = session->smartca_url;
  ids.credential_id = session->credential_id;
  ids.device_id = session->device_id;
  enr_key_store_create_async (session->store, &ids, frame->kak, frame->secret,
                              session->key_iterations, frame->cancellable, handle_created_cb,
                              action);
}

static void
kak_made_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *action = user_data;
  EnrSession *session = g_task_get_source_object (action);
  EnrAction *frame = enr_session_action (action);
  g_autoptr(GBytes) public_key = NULL;
  GError *error = NULL;

  frame->kak = enr_kak_generate_finish (result, &error);
  if (failed (action, error))
    return;

  if (session->device_id == NULL)
    session->device_id = g_uuid_string_random ();
  public_key = enr_kak_get_public_key (frame->kak);
  enr_smartca_client_activate_async (session->smartca, public_key, session->device_id,
                                     g_get_host_name (), "linux-desktop",
                                     g_object_get_data (G_OBJECT (action), OTP_KEY),
                                     frame->cancellable, activated_cb, action);
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
  g_autoptr(GDate) birth = NULL;
  EnrAction *frame;
  GError *error = NULL;
  GTask *action;

  g_return_if_fail (ENR_IS_DEVICE_LINK (self));
  g_return_if_fail (otp != NULL && pin != NULL);

  action = begin_linking (self, cancellable, callback, user_data, enr_device_link_link_async);
  if (action == NULL)
    return;

  /* The policy first: a refused PIN costs no key, no call and no code. */
  birth = enr_session_dup_date_of_birth (self->session);
  if (!enr_pin_policy_validate (pin, confirmation, birth, &error))
    {
      end (action, error);
      return;
    }

  frame = enr_session_action (action);
  frame->secret = enr_secure_strdup (pin);
  g_object_set_data_full (G_OBJECT (action), OTP_KEY, enr_secure_strdup (otp),
                          (GDestroyNotify) enr_secure_string_free);
  set_flag (self, &self->linked, FALSE, LINK_PROP_LINKED);
  enr_kak_generate_async (frame->cancellable, kak_made_cb, action);
}

gboolean
enr_device_link_link_finish (EnrDeviceLink  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  return enr_owned_action_finish (self, result, enr_device_link_link_async, error);
}
