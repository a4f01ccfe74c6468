/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EnrSession: the object, its properties, the frame every citizen action
 * runs in, and what ends or outlives an action (checkpoints, the refresh
 * token in the store, the wipe). The steps themselves are in
 * enr-session-{login,service,contract,key,activate,certificate,resume}.c.
 */
#define G_LOG_DOMAIN "enr-session"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "enr-checkpoint.h"
#include "enr-key-wrap.h"
#include "enr-sealed-file.h"
#include "enr-citizen-id.h"
#include "enr-pin-policy.h"
#include "enr-session-impl.h"
#include "enr-state-file.h"

G_DEFINE_FINAL_TYPE (EnrSession, enr_session, G_TYPE_OBJECT)

static GParamSpec *props[N_PROPS];

#define CHECKPOINT_FILE       "enrollment.json"
#define SIGNED_CONTRACT_FILE  "signed-contract.pdf"
#define SIGNED_RECORD_FILE    "signed-acceptance-record.pdf"

void
_enr_session_set_string (char      **field,
                         const char *value)
{
  if (*field == value)
    return;
  enr_secure_clear_string (field);
  *field = g_strdup (value);
}

/* --- The object ------------------------------------------------------------- */

static void tokens_changed_cb (EnrSmartcaClient *client,
                               EnrSession       *self);

static void
enr_session_constructed (GObject *object)
{
  EnrSession *self = ENR_SESSION (object);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (enr_session_parent_class)->constructed (object);

  if (self->state_dir == NULL)
    self->state_dir = g_build_filename (g_get_user_data_dir (), "smartca-enroll", NULL);

  self->store = enr_key_store_new (self->kiosk ? ENR_KEY_STORE_EPHEMERAL : ENR_KEY_STORE_KEYRING);

  if (self->vneid_url == NULL || *self->vneid_url == '\0' ||
      self->smartca_url == NULL || *self->smartca_url == '\0')
    {
      self->config_error = _enr_session_error_from (
        enr_service_error_new (ENR_SERVICE_ERROR_NOT_CONFIGURED, NULL));
      return;
    }

  self->http = enr_http_new (self->trust_anchor, &error);
  if (self->http == NULL)
    {
      /* An anchor that cannot be read trusts nothing: no call may go out. */
      g_message ("The trust anchor cannot be used: %s", error->message);
      self->config_error = _enr_session_error_from (
        enr_service_error_new (ENR_SERVICE_ERROR_NOT_CONFIGURED, error->message));
      return;
    }
  self->vneid = enr_vneid_client_new (self->http, self->vneid_url);
  self->smartca = enr_smartca_client_new (self->http, self->smartca_url);
  g_signal_connect_object (self->smartca, "tokens-changed", G_CALLBACK (tokens_changed_cb),
                           self, G_CONNECT_DEFAULT);
}

static void cancel_work (EnrSession *self);

static void
enr_session_dispose (GObject *object)
{
  EnrSession *self = ENR_SESSION (object);

  /* Nothing is revoked: a desktop session closed mid-flow resumes later. */
  cancel_work (self);
  g_clear_object (&self->smartca);
  g_clear_object (&self->vneid);
  g_clear_object (&self->http);
  if (self->kiosk && self->store != NULL)
    enr_key_store_wipe (self->store);
  g_clear_object (&self->store);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (enr_session_parent_class)->dispose (object);
}

static void clear_progress (EnrSession *self);

static void
enr_session_finalize (GObject *object)
{
  EnrSession *self = ENR_SESSION (object);

  clear_progress (self);
  g_clear_error (&self->token_error);
  g_free (self->vneid_url);
  g_free (self->smartca_url);
  g_free (self->trust_anchor);
  g_free (self->signing_trust_anchor);
  g_free (self->state_dir);
  g_free (self->tsa_url);
  g_clear_error (&self->config_error);

  G_OBJECT_CLASS (enr_session_parent_class)->finalize (object);
}

static void
enr_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  EnrSession *self = ENR_SESSION (object);

  switch (prop_id)
    {
    case PROP_VNEID_URL:
      g_value_set_string (value, self->vneid_url);
      break;
    case PROP_SMARTCA_URL:
      g_value_set_string (value, self->smartca_url);
      break;
    case PROP_TRUST_ANCHOR:
      g_value_set_string (value, self->trust_anchor);
      break;
    case PROP_SIGNING_TRUST_ANCHOR:
      g_value_set_string (value, self->signing_trust_anchor);
      break;
    case PROP_KIOSK:
      g_value_set_boolean (value, self->kiosk);
      break;
    case PROP_STATE_DIRECTORY:
      g_value_set_string (value, self->state_dir);
      break;
    case PROP_TSA_URL:
      g_value_set_string (value, self->tsa_url);
      break;
    case PROP_STEP:
      g_value_set_enum (value, self->step);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    case PROP_NEEDS_LOGIN:
      g_value_set_boolean (value, self->needs_login);
      break;
    case PROP_RESUMED:
      g_value_set_boolean (value, self->resumed);
      break;
    case PROP_LOGIN_CODE:
      g_value_set_boxed (value, self->login_code);
      break;
    case PROP_OTP:
      g_value_set_boxed (value, self->otp);
      break;
    case PROP_IDENTITY:
      g_value_set_boxed (value, self->shown_identity);
      break;
    case PROP_REGISTRATION:
      g_value_set_boxed (value, self->registration);
      break;
    case PROP_SMARTCA_STATE:
      g_value_set_string (value, self->smartca_state);
      break;
    case PROP_CONTRACT:
      g_value_set_boxed (value, self->contract);
      break;
    case PROP_SIGNED_CONTRACT:
      g_value_set_boxed (value, self->signed_contract);
      break;
    case PROP_ACCEPTANCE_RECORD:
      g_value_set_boxed (value, self->acceptance_record);
      break;
    case PROP_SIGNED_ACCEPTANCE_RECORD:
      g_value_set_boxed (value, self->signed_acceptance);
      break;
    case PROP_CERTIFICATE:
      g_value_set_boxed (value, self->shown_certificate);
      break;
    case PROP_CERTIFICATE_REPORT:
      g_value_set_boxed (value, self->report);
      break;
    case PROP_PIN_ATTEMPTS_LEFT:
      g_value_set_int (value, self->pin_attempts_left);
      break;
    case PROP_LAST_ERROR:
      g_value_set_boxed (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_session_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  EnrSession *self = ENR_SESSION (object);

  switch (prop_id)
    {
    case PROP_VNEID_URL:
      self->vneid_url = g_value_dup_string (value);
      break;
    case PROP_SMARTCA_URL:
      self->smartca_url = g_value_dup_string (value);
      break;
    case PROP_TRUST_ANCHOR:
      self->trust_anchor = g_value_dup_string (value);
      break;
    case PROP_SIGNING_TRUST_ANCHOR:
      self->signing_trust_anchor = g_value_dup_string (value);
      break;
    case PROP_KIOSK:
      self->kiosk = g_value_get_boolean (value);
      break;
    case PROP_STATE_DIRECTORY:
      self->state_dir = g_value_dup_string (value);
      break;
    case PROP_TSA_URL:
      enr_session_set_tsa_url (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_session_class_init (EnrSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags config = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;
  const GParamFlags shown = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = enr_session_constructed;
  object_class->dispose = enr_session_dispose;
  object_class->finalize = enr_session_finalize;
  object_class->get_property = enr_session_get_property;
  object_class->set_property = enr_session_set_property;

  props[PROP_VNEID_URL] = g_param_spec_string ("vneid-url", NULL, NULL, NULL, config);
  props[PROP_SMARTCA_URL] = g_param_spec_string ("smartca-url", NULL, NULL, NULL, config);
  props[PROP_TRUST_ANCHOR] = g_param_spec_string ("trust-anchor", NULL, NULL, NULL, config);
  props[PROP_SIGNING_TRUST_ANCHOR] = g_param_spec_string ("signing-trust-anchor", NULL, NULL, NULL,
                                                          config);
  props[PROP_KIOSK] = g_param_spec_boolean ("kiosk", NULL, NULL, FALSE, config);
  props[PROP_STATE_DIRECTORY] =
    g_param_spec_string ("state-directory", NULL, NULL, NULL, config);
  /* Not construct-only: the many callers of enr_session_new() that sign
   * nothing need not name it, and a changed GSettings key applies at once. */
  props[PROP_TSA_URL] =
    g_param_spec_string ("tsa-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_STEP] =
    g_param_spec_enum ("step", NULL, NULL, ENR_TYPE_SESSION_STEP, ENR_SESSION_STEP_LOGIN, shown);
  props[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, shown);
  props[PROP_NEEDS_LOGIN] = g_param_spec_boolean ("needs-login", NULL, NULL, FALSE, shown);
  props[PROP_RESUMED] = g_param_spec_boolean ("resumed", NULL, NULL, FALSE, shown);
  props[PROP_LOGIN_CODE] =
    g_param_spec_boxed ("login-code", NULL, NULL, ENR_TYPE_LOGIN_CODE, shown);
  props[PROP_OTP] = g_param_spec_boxed ("otp", NULL, NULL, ENR_TYPE_OTP_STATE, shown);
  props[PROP_IDENTITY] =
    g_param_spec_boxed ("identity", NULL, NULL, ENR_TYPE_SESSION_IDENTITY, shown);
  props[PROP_REGISTRATION] =
    g_param_spec_boxed ("registration", NULL, NULL, ENR_TYPE_SESSION_REGISTRATION, shown);
  props[PROP_SMARTCA_STATE] = g_param_spec_string ("smartca-state", NULL, NULL, NULL, shown);
  props[PROP_CONTRACT] =
    g_param_spec_boxed ("contract", NULL, NULL, ENR_TYPE_SESSION_DOCUMENT, shown);
  props[PROP_SIGNED_CONTRACT] =
    g_param_spec_boxed ("signed-contract", NULL, NULL, ENR_TYPE_SESSION_DOCUMENT, shown);
  props[PROP_ACCEPTANCE_RECORD] =
    g_param_spec_boxed ("acceptance-record", NULL, NULL, ENR_TYPE_SESSION_DOCUMENT, shown);
  props[PROP_SIGNED_ACCEPTANCE_RECORD] =
    g_param_spec_boxed ("signed-acceptance-record", NULL, NULL, ENR_TYPE_SESSION_DOCUMENT,
                        shown);
  props[PROP_CERTIFICATE] =
    g_param_spec_boxed ("certificate", NULL, NULL, ENR_TYPE_SESSION_CERTIFICATE, shown);
  props[PROP_CERTIFICATE_REPORT] =
    g_param_spec_boxed ("certificate-report", NULL, NULL, ENR_TYPE_CERTIFICATE_REPORT, shown);
  props[PROP_PIN_ATTEMPTS_LEFT] =
    g_param_spec_int ("pin-attempts-left", NULL, NULL, -1, G_MAXINT, -1, shown);
  props[PROP_LAST_ERROR] = g_param_spec_boxed ("last-error", NULL, NULL, G_TYPE_ERROR, shown);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
enr_session_init (EnrSession *self)
{
  self->pin_attempts_left = -1;
  g_queue_init (&self->token_waiters);
}

EnrSession *
enr_session_new (const char *vneid_url,
                 const char *smartca_url,
                 const char *trust_anchor,
                 const char *signing_trust_anchor,
                 gboolean    kiosk,
                 const char *state_directory)
{
  return g_object_new (ENR_TYPE_SESSION,
                       "vneid-url", vneid_url,
                       "smartca-url", smartca_url,
                       "trust-anchor", trust_anchor,
                       "signing-trust-anchor", signing_trust_anchor,
                       "kiosk", kiosk,
                       "state-directory", state_directory,
                       NULL);
}

/* --- Getters ------------------------------------------------------------------ */

EnrSessionStep
enr_session_get_step (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), ENR_SESSION_STEP_LOGIN);
  return self->step;
}

gboolean
enr_session_get_busy (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  return self->busy;
}

gboolean
enr_session_get_needs_login (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  return self->needs_login;
}

gboolean
enr_session_get_resumed (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  return self->resumed;
}

gboolean
enr_session_get_kiosk (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  return self->kiosk;
}

gboolean
enr_session_get_configured (EnrSession  *self,
                            GError     **error)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);

  if (self->config_error == NULL)
    return TRUE;
  if (error != NULL)
    *error = g_error_copy (self->config_error);
  return FALSE;
}

const char *
enr_session_get_vneid_url (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->vneid_url;
}

const char *
enr_session_get_smartca_url (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->smartca_url;
}

const char *
enr_session_get_trust_anchor (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->trust_anchor;
}

const char *
enr_session_get_tsa_url (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->tsa_url;
}

void
enr_session_set_tsa_url (EnrSession *self,
                         const char *tsa_url)
{
  g_return_if_fail (ENR_IS_SESSION (self));

  /* Empty is none, as for the services' URLs. */
  if (tsa_url != NULL && *tsa_url == '\0')
    tsa_url = NULL;
  if (g_strcmp0 (self->tsa_url, tsa_url) == 0)
    return;
  g_free (self->tsa_url);
  self->tsa_url = g_strdup (tsa_url);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TSA_URL]);
}

const char *
_enr_session_get_signing_trust_anchor (EnrSession *self)
{
  return self->signing_trust_anchor;
}

const char *
enr_session_get_state_directory (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->state_dir;
}

const char *
enr_session_get_registration_id (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->registration_id;
}

const EnrLoginCode *
enr_session_get_login_code (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->login_code;
}

const EnrOtpState *
enr_session_get_otp (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->otp;
}

const EnrSessionIdentity *
enr_session_get_identity (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->shown_identity;
}

const EnrSessionRegistration *
enr_session_get_registration (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->registration;
}

const char *
enr_session_get_smartca_state (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->smartca_state;
}

const EnrSessionDocument *
enr_session_get_contract (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->contract;
}

const EnrSessionDocument *
enr_session_get_signed_contract (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->signed_contract;
}

const EnrSessionDocument *
enr_session_get_acceptance_record (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->acceptance_record;
}

const EnrSessionDocument *
enr_session_get_signed_acceptance_record (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->signed_acceptance;
}

const EnrSessionCertificate *
enr_session_get_certificate (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->shown_certificate;
}

const EnrCertificateReport *
enr_session_get_certificate_report (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->report;
}

gint
enr_session_get_pin_attempts_left (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), -1);
  return self->pin_attempts_left;
}

const GError *
enr_session_get_last_error (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->last_error;
}

char *
enr_session_dup_masked_citizen_id (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->citizen_id != NULL ? enr_citizen_id_mask (self->citizen_id) : NULL;
}

EnrSessionPinVerdict
enr_session_check_new_pin (EnrSession  *self,
                           const char  *pin,
                           const char  *confirmation,
                           const char **reason)
{
  g_autoptr(GDate) birth = NULL;
  EnrPinPolicyStatus status;
  EnrSessionPinVerdict verdict;

  g_return_val_if_fail (ENR_IS_SESSION (self), ENR_SESSION_PIN_REFUSED);

  birth = _enr_session_dup_date_of_birth (self);
  status = enr_pin_policy_check (pin != NULL ? pin : "", confirmation, birth);
  switch (status)
    {
    case ENR_PIN_POLICY_OK:
      verdict = ENR_SESSION_PIN_OK;
      break;
    case ENR_PIN_POLICY_EMPTY:
    case ENR_PIN_POLICY_TOO_SHORT:
      verdict = ENR_SESSION_PIN_UNFINISHED;
      break;
    case ENR_PIN_POLICY_MISMATCH:
      verdict = ENR_SESSION_PIN_MISMATCH;
      break;
    default:
      verdict = ENR_SESSION_PIN_REFUSED;
      break;
    }
  if (reason != NULL)
    *reason = verdict == ENR_SESSION_PIN_REFUSED || verdict == ENR_SESSION_PIN_MISMATCH
              ? enr_pin_policy_message (status) : NULL;
  return verdict;
}

/* --- Friends' getters ------------------------------------------------------------- */

EnrVneidClient *
_enr_session_get_vneid (EnrSession *self)
{
  return self->vneid;
}

EnrSmartcaClient *
_enr_session_get_smartca (EnrSession *self)
{
  return self->smartca;
}

EnrKeyStore *
_enr_session_get_store (EnrSession *self)
{
  return self->store;
}

EnrHttp *
_enr_session_get_http (EnrSession *self)
{
  return self->http;
}

const char *
_enr_session_get_citizen_id (EnrSession *self)
{
  return self->citizen_id;
}

const char *
_enr_session_get_credential_id (EnrSession *self)
{
  return self->credential_id;
}

const char *
_enr_session_get_acceptance_tran_id (EnrSession *self)
{
  return self->acceptance_tran_id;
}

guint
_enr_session_get_key_iterations (EnrSession *self)
{
  return self->key_iterations;
}

void
_enr_session_set_key_iterations (EnrSession *self,
                                 guint       iterations)
{
  self->key_iterations = iterations;
  /* The store refuses a handle below its floor: the tests' cheap count
   * must pass it. */
  if (iterations > 0 && self->store != NULL)
    enr_key_store_set_min_iterations (self->store, MIN (iterations, ENR_KEY_WRAP_MIN_ITERATIONS));
}

const char *
_enr_session_get_handle_id (EnrSession *self)
{
  return self->handle_id;
}

const char *
_enr_session_ensure_handle_id (EnrSession *self)
{
  /* Random, so that nothing in the keyring's clear attributes or in the
   * checkpoint tells who the citizen is. */
  if (self->handle_id == NULL)
    self->handle_id = g_uuid_string_random ();
  return self->handle_id;
}

/* --- Setters (notify only on a change) ------------------------------------------ */

static void
notify (EnrSession *self,
        guint       prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), props[prop]);
}

static void
set_flag (EnrSession *self,
          gboolean   *flag,
          gboolean    value,
          guint       prop)
{
  if (*flag == value)
    return;
  *flag = value;
  notify (self, prop);
}

void
_enr_session_set_step (EnrSession     *self,
                       EnrSessionStep  step)
{
  if (self->step == step)
    return;
  g_info ("step %d -> %d", self->step, step);
  self->step = step;
  notify (self, PROP_STEP);
}

void
_enr_session_set_needs_login (EnrSession *self,
                              gboolean    needs_login)
{
  set_flag (self, &self->needs_login, needs_login, PROP_NEEDS_LOGIN);
}

#define TAKE_BOXED(field, value, free_func, prop) \
  G_STMT_START { \
    if ((field) == NULL && (value) == NULL) \
      return; \
    g_clear_pointer (&(field), free_func); \
    (field) = (value); \
    notify (self, prop); \
  } G_STMT_END

void
_enr_session_set_login_code (EnrSession   *self,
                             EnrLoginCode *code)
{
  TAKE_BOXED (self->login_code, code, enr_login_code_free, PROP_LOGIN_CODE);
}

void
_enr_session_set_otp (EnrSession  *self,
                      EnrOtpState *otp)
{
  TAKE_BOXED (self->otp, otp, enr_otp_state_free, PROP_OTP);
}

void
_enr_session_set_identity (EnrSession  *self,
                           EnrIdentity *identity)
{
  EnrSessionIdentity *shown = identity != NULL ? _enr_session_identity_new_from (identity)
                                                : NULL;

  g_clear_pointer (&self->identity, enr_identity_free);
  self->identity = identity;
  TAKE_BOXED (self->shown_identity, shown, enr_session_identity_free, PROP_IDENTITY);
}

void
_enr_session_set_registration (EnrSession      *self,
                               EnrRegistration *registration)
{
  EnrSessionRegistration *shown = NULL;

  if (registration != NULL)
    {
      _enr_session_set_string (&self->registration_id, registration->registration_id);
      shown = _enr_session_registration_new_from (registration);
      /* The session keeps the id and what a page shows; the rest goes. */
      enr_registration_free (registration);
    }
  TAKE_BOXED (self->registration, shown, enr_session_registration_free, PROP_REGISTRATION);
}

void
_enr_session_set_smartca_state (EnrSession *self,
                                const char *state)
{
  if (g_strcmp0 (self->smartca_state, state) == 0)
    return;
  _enr_session_set_string (&self->smartca_state, state);
  notify (self, PROP_SMARTCA_STATE);
}

void
_enr_session_set_contract (EnrSession         *self,
                           EnrSessionDocument *document)
{
  TAKE_BOXED (self->contract, document, enr_session_document_free, PROP_CONTRACT);
}

void
_enr_session_set_signed_contract (EnrSession         *self,
                                  EnrSessionDocument *document)
{
  TAKE_BOXED (self->signed_contract, document, enr_session_document_free,
              PROP_SIGNED_CONTRACT);
}

void
_enr_session_set_acceptance_record (EnrSession         *self,
                                    EnrSessionDocument *document)
{
  TAKE_BOXED (self->acceptance_record, document, enr_session_document_free,
              PROP_ACCEPTANCE_RECORD);
}

void
_enr_session_set_signed_acceptance (EnrSession         *self,
                                    EnrSessionDocument *document)
{
  TAKE_BOXED (self->signed_acceptance, document, enr_session_document_free,
              PROP_SIGNED_ACCEPTANCE_RECORD);
}

void
_enr_session_set_certificate (EnrSession     *self,
                              EnrCertificate *certificate)
{
  if (!g_set_object (&self->certificate, certificate))
    return;
  g_clear_pointer (&self->shown_certificate, enr_session_certificate_free);
  if (certificate != NULL)
    self->shown_certificate = _enr_session_certificate_new_from (certificate);
  notify (self, PROP_CERTIFICATE);
}

void
_enr_session_set_report (EnrSession           *self,
                         EnrCertificateReport *report)
{
  TAKE_BOXED (self->report, report, enr_certificate_report_free, PROP_CERTIFICATE_REPORT);
}

void
_enr_session_set_pin_attempts_left (EnrSession *self,
                                    gint        attempts_left)
{
  if (self->pin_attempts_left == attempts_left)
    return;
  self->pin_attempts_left = attempts_left;
  notify (self, PROP_PIN_ATTEMPTS_LEFT);
}

static void
set_last_error (EnrSession   *self,
                const GError *error)
{
  if (self->last_error == NULL && error == NULL)
    return;
  g_clear_error (&self->last_error);
  self->last_error = error != NULL ? g_error_copy (error) : NULL;
  notify (self, PROP_LAST_ERROR);
}

void
_enr_session_otp_refused (EnrSession   *self,
                          const GError *error)
{
  const EnrServiceErrorDetails *said = enr_service_error_get_details (error);
  EnrOtpState *otp;

  if (self->otp == NULL || said == NULL)
    return;
  if (error->code == ENR_SERVICE_ERROR_OTP_WRONG && said->attempts_left >= 0)
    {
      otp = enr_otp_state_copy (self->otp);
      otp->attempts_left = (gint) said->attempts_left;
      _enr_session_set_otp (self, otp);
    }
  else if (error->code == ENR_SERVICE_ERROR_OTP_LOCKED)
    {
      /* The fifth wrong code: a new one may be asked for at once. */
      otp = enr_otp_state_copy (self->otp);
      otp->attempts_left = 0;
      otp->resend_after = 0;
      _enr_session_set_otp (self, otp);
    }
}

void
_enr_session_take_otp_reply (EnrSession       *self,
                             EnrOtpPurpose     purpose,
                             const EnrOtpSent *sent,
                             const GError     *error)
{
  const EnrServiceErrorDetails *said = error ? enr_service_error_get_details (error) : NULL;
  gint64 now = g_get_real_time ();
  EnrOtpState *otp;

  if (error != NULL)
    {
      /* The code sent a moment ago is still good: say when another may come. */
      if (said != NULL && error->code == ENR_SERVICE_ERROR_TOO_SOON && self->otp != NULL &&
          said->retry_after_s > 0)
        {
          otp = enr_otp_state_copy (self->otp);
          otp->resend_after = now + said->retry_after_s * G_USEC_PER_SEC;
          _enr_session_set_otp (self, otp);
        }
      return;
    }

  otp = g_new0 (EnrOtpState, 1);
  otp->purpose = purpose;
  otp->sent_to = g_strdup (sent->otp_sent_to);
  otp->expires_at = now + sent->expires_in * G_USEC_PER_SEC;
  otp->resend_after = now + sent->resend_after * G_USEC_PER_SEC;
  otp->attempts_left = 5;
  _enr_session_set_otp (self, otp);
}

void
_enr_session_note_error (EnrSession   *self,
                         const GError *error)
{
  g_autoptr(GError) told = _enr_session_error_from (g_error_copy (error));

  if (g_error_matches (told, ENR_SESSION_ERROR, ENR_SESSION_ERROR_LOG_IN))
    _enr_session_set_needs_login (self, TRUE);
  set_last_error (self, told);
}

/* --- The action frame ------------------------------------------------------------ */

/* A source, not a signal handler: the caller's cancel reaches the action
 * from the main loop, never from inside someone's g_cancellable_cancel(). */
static gboolean
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
  return G_SOURCE_REMOVE;
}

/* Frees @slot for the next action; its task, if still running, keeps its
 * cancellable. */
static void
release_slot (EnrActionSlot *slot)
{
  if (slot->caller_source != NULL)
    g_source_destroy (slot->caller_source);
  g_clear_pointer (&slot->caller_source, g_source_unref);
  slot->task = NULL;
}

static GTask *
begin (EnrSession          *self,
       EnrActionSlot       *slot,
       gpointer             source_object,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             source_tag)
{
  g_autoptr(GCancellable) own = g_cancellable_new ();
  g_autoptr(GTask) task = g_task_new (source_object, own, callback, user_data);

  g_task_set_source_tag (task, source_tag);

  if (slot->task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY, "%s",
                               _("Another step is still under way. Wait for it to finish."));
      return NULL;
    }
  if (self->config_error != NULL)
    {
      set_last_error (self, self->config_error);
      g_task_return_error (task, g_error_copy (self->config_error));
      return NULL;
    }

  slot->task = task;
  if (cancellable != NULL)
    {
      slot->caller_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (slot->caller_source, G_SOURCE_FUNC (caller_cancelled_cb),
                             g_object_ref (own), g_object_unref);
      g_source_attach (slot->caller_source, g_main_context_get_thread_default ());
    }
  set_last_error (self, NULL);
  return g_steal_pointer (&task);
}

GTask *
_enr_session_begin_action (EnrSession          *self,
                           gpointer             source_object,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data,
                           gpointer             source_tag)
{
  GTask *task = begin (self, &self->action, source_object, cancellable, callback, user_data,
                       source_tag);

  if (task != NULL)
    set_flag (self, &self->busy, TRUE, PROP_BUSY);
  return task;
}

GTask *
_enr_session_begin_qr_login (EnrSession          *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data,
                             gpointer             source_tag)
{
  return begin (self, &self->qr_login, self, cancellable, callback, user_data, source_tag);
}

gboolean
_enr_session_action_is_current (EnrSession *self,
                                GTask      *task)
{
  return task != NULL && (self->action.task == task || self->qr_login.task == task);
}

void
_enr_session_cancel_other_login (EnrSession *self,
                                 GTask      *winner)
{
  GTask *other = self->action.task == winner ? self->qr_login.task : self->action.task;

  if (other != NULL && other != winner)
    g_cancellable_cancel (g_task_get_cancellable (other));
}

/* How an action ends, kept while the session first goes to the service's
 * step or waits for a refresh token to be kept. */
typedef struct
{
  EnrSession *self;
  GTask      *task;
  GError     *error;
} EnrEnding;

static EnrEnding *
ending_new (EnrSession *self,
            GTask      *task,
            GError     *error)
{
  EnrEnding *ending = g_new0 (EnrEnding, 1);

  ending->self = g_object_ref (self);
  ending->task = task;
  ending->error = error;
  return ending;
}

/* The action's last moment: its slot is free, its error told, and the
 * reference the action held on @task let go. */
static void
return_action (EnrSession *self,
               GTask      *task,
               GError     *error)
{
  gboolean current = _enr_session_action_is_current (self, task);

  if (self->action.task == task)
    {
      release_slot (&self->action);
      set_flag (self, &self->busy, FALSE, PROP_BUSY);
    }
  if (self->qr_login.task == task)
    release_slot (&self->qr_login);

  if (error == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  error = _enr_session_error_from (error);
  /* A wiped session keeps nothing of what happened before the wipe. */
  if (current && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_info ("action failed: %d", error->code);
      if (g_error_matches (error, ENR_SESSION_ERROR, ENR_SESSION_ERROR_LOG_IN))
        _enr_session_set_needs_login (self, TRUE);
      set_last_error (self, error);
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

static void
finish_ending (EnrEnding *ending)
{
  g_autoptr(EnrSession) self = ending->self;

  return_action (self, ending->task, ending->error);
  g_free (ending);
}

/* A step is done once its secret parts are kept: a session made right
 * after this one must find the refresh token the service holds now. */
static void
return_when_tokens_kept (EnrEnding *ending)
{
  EnrSession *self = ending->self;
  gboolean current = _enr_session_action_is_current (self, ending->task);

  if (self->token_writes > 0 && current)
    {
      g_queue_push_tail (&self->token_waiters, ending);
      return;
    }
  if (ending->error == NULL && self->token_error != NULL && current)
    ending->error = g_steal_pointer (&self->token_error);
  finish_ending (ending);
}

static void
reconciled_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  EnrEnding *ending = user_data;
  g_autoptr(GError) error = NULL;

  if (!_enr_session_reconcile_finish (ENR_SESSION (object), result, &error))
    g_info ("could not find out the service's step: %s", error->message);
  return_when_tokens_kept (ending);
}

void
_enr_session_end_action (EnrSession *self,
                         GTask      *task,
                         GError     *error)
{
  EnrEnding *ending = ending_new (self, task, error);

  /* SmartCA revoked the citizen's tokens (the fifth wrong SMS code), or a
   * change of device needs a login from a fresh hand-off: the login held
   * is of no use, and the next VNeID login takes the SmartCA side over
   * again. */
  if (_enr_session_action_is_current (self, task) &&
      (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_OTP_LOCKED) ||
       g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_FRESH_LOGIN_REQUIRED)))
    _enr_session_forget_smartca_login (self);

  if (error != NULL && _enr_session_action_is_current (self, task) &&
      g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_WRONG_STATE) &&
      self->smartca != NULL && enr_smartca_client_has_tokens (self->smartca))
    {
      /* The service is at another step than this session thought: go there,
       * so the page the citizen sees next is the right one. */
      _enr_session_reconcile_async (self, g_task_get_cancellable (task), reconciled_cb, ending);
      return;
    }
  return_when_tokens_kept (ending);
}

gboolean
_enr_session_need_smartca (EnrSession *self,
                           GTask      *task)
{
  if (enr_smartca_client_has_tokens (self->smartca))
    return TRUE;
  _enr_session_end_action (self, task,
                           enr_service_error_new (ENR_SERVICE_ERROR_LOGIN_EXPIRED, NULL));
  return FALSE;
}

gboolean
_enr_session_finish_action (EnrSession    *self,
                            GAsyncResult  *result,
                            gpointer       source_tag,
                            GError       **error)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- Sleeping ----------------------------------------------------------------------- */

typedef struct
{
  GSource *timeout;
  GSource *cancel;
} Sleep;

static void
sleep_free (Sleep *sleep)
{
  if (sleep->timeout != NULL)
    g_source_destroy (sleep->timeout);
  g_clear_pointer (&sleep->timeout, g_source_unref);
  if (sleep->cancel != NULL)
    g_source_destroy (sleep->cancel);
  g_clear_pointer (&sleep->cancel, g_source_unref);
  g_free (sleep);
}

static gboolean
slept_cb (gpointer user_data)
{
  GTask *task = user_data;

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static gboolean
sleep_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Sleep *sleep = g_task_get_task_data (task);

  /* The timeout holds the task: destroying it drops that reference. */
  g_object_ref (task);
  g_source_destroy (sleep->timeout);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

void
_enr_session_sleep_async (guint                ms,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Sleep *sleep = g_new0 (Sleep, 1);

  g_task_set_source_tag (task, _enr_session_sleep_async);
  g_task_set_task_data (task, sleep, (GDestroyNotify) sleep_free);

  sleep->timeout = g_timeout_source_new (ms);
  g_source_set_callback (sleep->timeout, slept_cb, task, NULL);
  g_source_attach (sleep->timeout, g_main_context_get_thread_default ());
  if (cancellable != NULL)
    {
      sleep->cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (sleep->cancel, G_SOURCE_FUNC (sleep_cancelled_cb), task, NULL);
      g_source_attach (sleep->cancel, g_main_context_get_thread_default ());
    }
}

gboolean
_enr_session_sleep_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- Persistence ----------------------------------------------------------------------- */

static char *
state_path (EnrSession *self,
            const char *name)
{
  return g_build_filename (self->state_dir, name, NULL);
}

static void
profile_kept_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(EnrSession) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!enr_key_store_set_profile_finish (ENR_KEY_STORE (object), result, &error))
    {
      /* Written again with the next checkpoint; meanwhile a restart asks
       * VNeID for the identity again. */
      g_info ("could not keep the enrollment's personal data: %s", error->message);
      g_clear_pointer (&self->profile_kept, g_bytes_unref);
    }
}

/* The personal part of the progress goes inside the keyring's secret, and
 * only when it changed. */
static void
keep_profile (EnrSession *self)
{
  g_autoptr(GBytes) bytes = NULL;
  EnrProfile profile = { 0 };

  if (self->citizen_id == NULL)
    return;
  profile.citizen_id = self->citizen_id;
  profile.identity = self->identity;
  profile.signed_contract_name = self->signed_contract ? self->signed_contract->name : NULL;
  profile.signed_record_name = self->signed_acceptance ? self->signed_acceptance->name : NULL;
  profile.documents_key = self->documents_key;
  bytes = enr_profile_to_bytes (&profile);
  if (self->profile_kept != NULL && g_bytes_equal (bytes, self->profile_kept))
    return;

  g_clear_pointer (&self->profile_kept, g_bytes_unref);
  self->profile_kept = g_bytes_ref (bytes);
  /* Not cancellable, like the refresh token: what the checkpoint names
   * must be in the keyring. */
  enr_key_store_set_profile_async (self->store, _enr_session_ensure_handle_id (self),
                                   self->smartca_url, self->citizen_id, bytes, NULL,
                                   profile_kept_cb, g_object_ref (self));
}

void
_enr_session_checkpoint (EnrSession *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  EnrCheckpoint checkpoint = { 0 };

  /* Before a registration there is nothing a new start could resume. */
  if (self->kiosk || self->registration_id == NULL)
    return;

  keep_profile (self);

  path = state_path (self, CHECKPOINT_FILE);
  checkpoint.smartca_url = self->smartca_url;
  checkpoint.step = self->step;
  checkpoint.handle_id = (char *) _enr_session_ensure_handle_id (self);
  checkpoint.device_id = self->device_id;
  checkpoint.registration_id = self->registration_id;
  checkpoint.credential_id = self->credential_id;
  checkpoint.saved_at = g_get_real_time ();

  bytes = enr_checkpoint_to_bytes (&checkpoint);
  enr_state_file_write (path, bytes);
}

char *
_enr_session_document_path (EnrSession *self,
                            gboolean    acceptance)
{
  return state_path (self, acceptance ? SIGNED_RECORD_FILE : SIGNED_CONTRACT_FILE);
}

/* Which file a sealed copy is, bound into its seal. */
static const char *
document_role (gboolean acceptance)
{
  return acceptance ? SIGNED_RECORD_FILE : SIGNED_CONTRACT_FILE;
}

void
_enr_session_keep_document (EnrSession               *self,
                            gboolean                  acceptance,
                            const EnrSessionDocument *document)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) error = NULL;

  if (self->kiosk)
    return;
  path = _enr_session_document_path (self, acceptance);
  if (document == NULL)
    {
      enr_state_file_write (path, NULL);
      return;
    }

  /* The copies name the citizen: on disk they are sealed under a key that
   * only the keyring's secret holds. */
  if (self->documents_key == NULL)
    self->documents_key = enr_sealed_file_new_key ();
  keep_profile (self);
  sealed = enr_sealed_file_seal (document->data, self->documents_key, document_role (acceptance),
                                 &error);
  if (sealed == NULL)
    {
      g_message ("A signed copy could not be sealed: %s", error->message);
      return;
    }
  enr_state_file_write (path, sealed);
}

GBytes *
_enr_session_open_document (EnrSession  *self,
                            gboolean     acceptance,
                            GBytes      *contents,
                            gboolean    *was_sealed,
                            GError     **error)
{
  *was_sealed = enr_sealed_file_is_sealed (contents);
  /* Kept in clear by a version before this one: read, and sealed again. */
  if (!*was_sealed)
    return g_bytes_ref (contents);
  if (self->documents_key == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "the key of the signed copies is not in the keyring");
      return NULL;
    }
  return enr_sealed_file_open (contents, self->documents_key, document_role (acceptance), error);
}

static void
refresh_token_stored_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(EnrSession) self = user_data;
  g_autoptr(GError) error = NULL;
  GQueue waiters = G_QUEUE_INIT;
  EnrEnding *ending;
  gboolean any;

  /* The action that is waiting for it fails with the keyring's error: the
   * citizen must know that a restart would lose the login. */
  g_clear_error (&self->token_error);
  if (!enr_key_store_set_refresh_token_finish (ENR_KEY_STORE (object), result, &error))
    {
      g_info ("could not keep the SmartCA login: %s", error->message);
      self->token_error = g_steal_pointer (&error);
    }

  if (--self->token_writes > 0)
    return;

  waiters = self->token_waiters;
  g_queue_init (&self->token_waiters);
  any = waiters.length > 0;
  while ((ending = g_queue_pop_head (&waiters)) != NULL)
    {
      if (ending->error == NULL && self->token_error != NULL)
        ending->error = g_error_copy (self->token_error);
      finish_ending (ending);
    }
  if (any)
    g_clear_error (&self->token_error);
}

static void
store_refresh_token (EnrSession *self)
{
  g_autofree char *token = NULL;

  if (self->store == NULL || self->smartca == NULL)
    return;

  token = enr_smartca_client_dup_refresh_token (self->smartca);
  self->token_writes++;
  /* Not cancellable: a token the service rotated must be kept, whatever
   * happens to the action that made it rotate. */
  enr_key_store_set_refresh_token_async (self->store, _enr_session_ensure_handle_id (self),
                                         self->smartca_url, token, NULL,
                                         refresh_token_stored_cb, g_object_ref (self));
  if (token != NULL)
    enr_secure_wipe (token, strlen (token));
}

static void
tokens_changed_cb (EnrSmartcaClient *client,
                   EnrSession       *self)
{
  g_debug ("SmartCA tokens renewed");
  store_refresh_token (self);
}

void
_enr_session_forget_smartca_login (EnrSession *self)
{
  if (self->smartca == NULL || !enr_smartca_client_has_tokens (self->smartca))
    return;
  g_info ("the SmartCA login can no longer be used: a new VNeID login will bring one");
  enr_smartca_client_set_tokens (self->smartca, NULL, NULL);
  store_refresh_token (self);
}

/* --- Wipe ----------------------------------------------------------------------------- */

static void
cancel_work (EnrSession *self)
{
  EnrActionSlot *slots[] = { &self->action, &self->qr_login };

  /* Work begun before now finds itself void when it comes back. */
  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      GTask *task = slots[i]->task;

      release_slot (slots[i]);
      if (task != NULL)
        g_cancellable_cancel (g_task_get_cancellable (task));
    }
}

static void
clear_progress (EnrSession *self)
{
  enr_secure_clear_string (&self->citizen_id);
  enr_secure_clear_string (&self->handle_id);
  g_clear_pointer (&self->profile_kept, g_bytes_unref);
  g_clear_pointer (&self->documents_key, g_bytes_unref);
  enr_secure_clear_string (&self->device_id);
  enr_secure_clear_string (&self->registration_id);
  enr_secure_clear_string (&self->credential_id);
  enr_secure_clear_string (&self->contract_id);
  enr_secure_clear_string (&self->acceptance_tran_id);
  enr_secure_clear_string (&self->otp_session);
  enr_secure_clear_string (&self->smartca_state);
  g_clear_pointer (&self->identity, enr_identity_free);
  g_clear_pointer (&self->shown_identity, enr_session_identity_free);
  g_clear_pointer (&self->registration, enr_session_registration_free);
  g_clear_pointer (&self->login_code, enr_login_code_free);
  g_clear_pointer (&self->otp, enr_otp_state_free);
  g_clear_pointer (&self->contract, enr_session_document_free);
  g_clear_pointer (&self->signed_contract, enr_session_document_free);
  g_clear_pointer (&self->acceptance_record, enr_session_document_free);
  g_clear_pointer (&self->signed_acceptance, enr_session_document_free);
  g_clear_pointer (&self->shown_certificate, enr_session_certificate_free);
  g_clear_pointer (&self->report, enr_certificate_report_free);
  g_clear_error (&self->last_error);
}

/* The revocations and the removal still under way. */
typedef struct
{
  guint pending;
} Wipe;

static void
wipe_part_done (GTask *task)
{
  Wipe *wipe = g_task_get_task_data (task);

  if (--wipe->pending == 0)
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
vneid_revoked_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!enr_vneid_client_revoke_finish (ENR_VNEID_CLIENT (object), result, &error))
    g_info ("revoking the VNeID login: %s", error->message);
  wipe_part_done (user_data);
}

static void
smartca_revoked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!enr_smartca_client_revoke_finish (ENR_SMARTCA_CLIENT (object), result, &error))
    g_info ("revoking the SmartCA login: %s", error->message);
  wipe_part_done (user_data);
}

static void
handle_removed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!enr_key_store_remove_finish (ENR_KEY_STORE (object), result, &error))
    g_info ("removing the key handle: %s", error->message);
  wipe_part_done (user_data);
}

void
enr_session_wipe_async (EnrSession          *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Wipe *wipe;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_session_wipe_async);
  /* Revocations go on whatever the caller cancels: best effort, but made. */
  g_task_set_check_cancellable (task, FALSE);
  wipe = g_new0 (Wipe, 1);
  wipe->pending = 1;
  g_task_set_task_data (task, wipe, g_free);

  g_info ("wiping the session");
  cancel_work (self);

  if (self->vneid != NULL && enr_vneid_client_has_access_token (self->vneid))
    {
      wipe->pending++;
      enr_vneid_client_revoke_async (self->vneid, NULL, vneid_revoked_cb, g_object_ref (task));
    }
  if (self->smartca != NULL && enr_smartca_client_has_tokens (self->smartca))
    {
      wipe->pending++;
      enr_smartca_client_revoke_async (self->smartca, NULL, smartca_revoked_cb,
                                       g_object_ref (task));
    }

  if (self->kiosk)
    enr_key_store_wipe (self->store);
  else if (self->handle_id != NULL)
    {
      wipe->pending++;
      enr_key_store_remove_async (self->store, self->handle_id, self->smartca_url, NULL,
                                  handle_removed_cb, g_object_ref (task));
    }

  if (!self->kiosk)
    {
      g_autofree char *checkpoint = state_path (self, CHECKPOINT_FILE);
      g_autofree char *contract = _enr_session_document_path (self, FALSE);
      g_autofree char *record = _enr_session_document_path (self, TRUE);

      enr_state_file_write (checkpoint, NULL);
      enr_state_file_write (contract, NULL);
      enr_state_file_write (record, NULL);
    }

  clear_progress (self);
  g_clear_object (&self->certificate);
  self->step = ENR_SESSION_STEP_LOGIN;
  self->busy = FALSE;
  self->needs_login = FALSE;
  self->pin_attempts_left = -1;

  /* Every property a page shows is back to its first value; :resumed
   * stays: a fresh start is a settled one. */
  g_object_freeze_notify (G_OBJECT (self));
  for (guint prop = PROP_STEP; prop < N_PROPS; prop++)
    if (prop != PROP_RESUMED)
      notify (self, prop);
  g_object_thaw_notify (G_OBJECT (self));

  wipe_part_done (g_steal_pointer (&task));
}

gboolean
enr_session_wipe_finish (EnrSession    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enr_session_wipe (EnrSession *self)
{
  enr_session_wipe_async (self, NULL, NULL, NULL);
}

void
_enr_session_set_resumed (EnrSession *self,
                          gboolean    resumed)
{
  set_flag (self, &self->resumed, resumed, PROP_RESUMED);
}
