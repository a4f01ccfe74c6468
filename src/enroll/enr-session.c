/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EnrSession: the object, its properties, the frame every citizen action
 * runs in, and what ends or outlives an action (checkpoints, the refresh
 * token in the store, the wipe). The steps themselves are in
 * enr-session-{login,service,contract,activate,resume}.c.
 */
#define G_LOG_DOMAIN "enr-session"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "enr-checkpoint.h"
#include "enr-citizen-id.h"
#include "enr-service-error.h"
#include "enr-session-private.h"
#include "enr-state-file.h"

G_DEFINE_FINAL_TYPE (EnrSession, enr_session, G_TYPE_OBJECT)

GParamSpec *enr_session_props[N_PROPS];

#define CHECKPOINT_FILE       "enrollment.json"
#define SIGNED_CONTRACT_FILE  "signed-contract.pdf"
#define SIGNED_RECORD_FILE    "signed-acceptance-record.pdf"

static void
wipe_string (char **text)
{
  if (*text != NULL)
    enr_secure_free (*text, strlen (*text));
  *text = NULL;
}

void
enr_session_set_string (char      **field,
                        const char *value)
{
  if (*field == value)
    return;
  wipe_string (field);
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
      g_set_error_literal (&self->config_error, ENR_SERVICE_ERROR,
                           ENR_SERVICE_ERROR_NOT_CONFIGURED,
                           enr_service_error_message (ENR_SERVICE_ERROR_NOT_CONFIGURED));
      return;
    }

  self->http = enr_http_new (self->trust_anchor, &error);
  if (self->http == NULL)
    {
      /* An anchor that cannot be read trusts nothing: no call may go out. */
      g_message ("The trust anchor cannot be used: %s", error->message);
      g_set_error_literal (&self->config_error, ENR_SERVICE_ERROR,
                           ENR_SERVICE_ERROR_NOT_CONFIGURED,
                           enr_service_error_message (ENR_SERVICE_ERROR_NOT_CONFIGURED));
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
  g_clear_pointer (&self->token_waiters, g_ptr_array_unref);
  g_clear_error (&self->token_error);
  g_free (self->vneid_url);
  g_free (self->smartca_url);
  g_free (self->trust_anchor);
  g_free (self->state_dir);
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
    case PROP_KIOSK:
      g_value_set_boolean (value, self->kiosk);
      break;
    case PROP_STATE_DIRECTORY:
      g_value_set_string (value, self->state_dir);
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
    case PROP_LOGIN_CODE:
      g_value_set_boxed (value, self->login_code);
      break;
    case PROP_OTP:
      g_value_set_boxed (value, self->otp);
      break;
    case PROP_IDENTITY:
      g_value_set_boxed (value, self->identity);
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
      g_value_set_object (value, self->certificate);
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
    case PROP_KIOSK:
      self->kiosk = g_value_get_boolean (value);
      break;
    case PROP_STATE_DIRECTORY:
      self->state_dir = g_value_dup_string (value);
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

  enr_session_props[PROP_VNEID_URL] =
    g_param_spec_string ("vneid-url", NULL, NULL, NULL, config);
  enr_session_props[PROP_SMARTCA_URL] =
    g_param_spec_string ("smartca-url", NULL, NULL, NULL, config);
  enr_session_props[PROP_TRUST_ANCHOR] =
    g_param_spec_string ("trust-anchor", NULL, NULL, NULL, config);
  enr_session_props[PROP_KIOSK] =
    g_param_spec_boolean ("kiosk", NULL, NULL, FALSE, config);
  enr_session_props[PROP_STATE_DIRECTORY] =
    g_param_spec_string ("state-directory", NULL, NULL, NULL, config);
  enr_session_props[PROP_STEP] =
    g_param_spec_enum ("step", NULL, NULL, ENR_TYPE_SESSION_STEP, ENR_SESSION_STEP_LOGIN, shown);
  enr_session_props[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, shown);
  enr_session_props[PROP_NEEDS_LOGIN] =
    g_param_spec_boolean ("needs-login", NULL, NULL, FALSE, shown);
  enr_session_props[PROP_LOGIN_CODE] =
    g_param_spec_boxed ("login-code", NULL, NULL, ENR_TYPE_LOGIN_CODE, shown);
  enr_session_props[PROP_OTP] =
    g_param_spec_boxed ("otp", NULL, NULL, ENR_TYPE_OTP_STATE, shown);
  enr_session_props[PROP_IDENTITY] =
    g_param_spec_boxed ("identity", NULL, NULL, ENR_TYPE_IDENTITY, shown);
  enr_session_props[PROP_REGISTRATION] =
    g_param_spec_boxed ("registration", NULL, NULL, ENR_TYPE_REGISTRATION, shown);
  enr_session_props[PROP_SMARTCA_STATE] =
    g_param_spec_string ("smartca-state", NULL, NULL, NULL, shown);
  enr_session_props[PROP_CONTRACT] =
    g_param_spec_boxed ("contract", NULL, NULL, ENR_TYPE_SESSION_DOCUMENT, shown);
  enr_session_props[PROP_SIGNED_CONTRACT] =
    g_param_spec_boxed ("signed-contract", NULL, NULL, ENR_TYPE_SESSION_DOCUMENT, shown);
  enr_session_props[PROP_ACCEPTANCE_RECORD] =
    g_param_spec_boxed ("acceptance-record", NULL, NULL, ENR_TYPE_SESSION_DOCUMENT, shown);
  enr_session_props[PROP_SIGNED_ACCEPTANCE_RECORD] =
    g_param_spec_boxed ("signed-acceptance-record", NULL, NULL, ENR_TYPE_SESSION_DOCUMENT,
                        shown);
  enr_session_props[PROP_CERTIFICATE] =
    g_param_spec_object ("certificate", NULL, NULL, ENR_TYPE_CERTIFICATE, shown);
  enr_session_props[PROP_CERTIFICATE_REPORT] =
    g_param_spec_boxed ("certificate-report", NULL, NULL, ENR_TYPE_CERTIFICATE_REPORT, shown);
  enr_session_props[PROP_PIN_ATTEMPTS_LEFT] =
    g_param_spec_int ("pin-attempts-left", NULL, NULL, -1, G_MAXINT, -1, shown);
  enr_session_props[PROP_LAST_ERROR] =
    g_param_spec_boxed ("last-error", NULL, NULL, G_TYPE_ERROR, shown);

  g_object_class_install_properties (object_class, N_PROPS, enr_session_props);
}

static void
enr_session_init (EnrSession *self)
{
  self->pin_attempts_left = -1;
  self->token_waiters = g_ptr_array_new ();
}

EnrSession *
enr_session_new (const char *vneid_url,
                 const char *smartca_url,
                 const char *trust_anchor,
                 gboolean    kiosk,
                 const char *state_directory)
{
  return g_object_new (ENR_TYPE_SESSION,
                       "vneid-url", vneid_url,
                       "smartca-url", smartca_url,
                       "trust-anchor", trust_anchor,
                       "kiosk", kiosk,
                       "state-directory", state_directory,
                       NULL);
}

void
enr_session_set_key_iterations (EnrSession *self,
                                guint       iterations)
{
  g_return_if_fail (ENR_IS_SESSION (self));
  self->key_iterations = iterations;
}

EnrHttp *
enr_session_get_http (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->http;
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
enr_session_get_kiosk (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), FALSE);
  return self->kiosk;
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
enr_session_get_state_directory (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->state_dir;
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

const EnrIdentity *
enr_session_get_identity (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->identity;
}

const EnrRegistration *
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

EnrCertificate *
enr_session_get_certificate (EnrSession *self)
{
  g_return_val_if_fail (ENR_IS_SESSION (self), NULL);
  return self->certificate;
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

/* --- Setters (notify only on a change) ------------------------------------------ */

static void
notify (EnrSession *self,
        guint       prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), enr_session_props[prop]);
}

void
enr_session_set_step (EnrSession     *self,
                      EnrSessionStep  step)
{
  if (self->step == step)
    return;
  g_info ("step %d -> %d", self->step, step);
  self->step = step;
  notify (self, PROP_STEP);
}

static void
set_busy (EnrSession *self,
          gboolean    busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  notify (self, PROP_BUSY);
}

void
enr_session_set_needs_login (EnrSession *self,
                             gboolean    needs_login)
{
  if (self->needs_login == needs_login)
    return;
  self->needs_login = needs_login;
  notify (self, PROP_NEEDS_LOGIN);
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
enr_session_set_login_code (EnrSession   *self,
                            EnrLoginCode *code)
{
  TAKE_BOXED (self->login_code, code, enr_login_code_free, PROP_LOGIN_CODE);
}

void
enr_session_set_otp (EnrSession  *self,
                     EnrOtpState *otp)
{
  TAKE_BOXED (self->otp, otp, enr_otp_state_free, PROP_OTP);
}

void
enr_session_set_identity (EnrSession  *self,
                          EnrIdentity *identity)
{
  TAKE_BOXED (self->identity, identity, enr_identity_free, PROP_IDENTITY);
}

void
enr_session_set_registration (EnrSession      *self,
                              EnrRegistration *registration)
{
  if (registration != NULL)
    enr_session_set_string (&self->registration_id, registration->registration_id);
  TAKE_BOXED (self->registration, registration, enr_registration_free, PROP_REGISTRATION);
}

void
enr_session_set_smartca_state (EnrSession *self,
                               const char *state)
{
  if (g_strcmp0 (self->smartca_state, state) == 0)
    return;
  enr_session_set_string (&self->smartca_state, state);
  notify (self, PROP_SMARTCA_STATE);
}

void
enr_session_set_contract (EnrSession         *self,
                          EnrSessionDocument *document)
{
  TAKE_BOXED (self->contract, document, enr_session_document_free, PROP_CONTRACT);
}

void
enr_session_set_signed_contract (EnrSession         *self,
                                 EnrSessionDocument *document)
{
  TAKE_BOXED (self->signed_contract, document, enr_session_document_free, PROP_SIGNED_CONTRACT);
}

void
enr_session_set_acceptance_record (EnrSession         *self,
                                   EnrSessionDocument *document)
{
  TAKE_BOXED (self->acceptance_record, document, enr_session_document_free,
              PROP_ACCEPTANCE_RECORD);
}

void
enr_session_set_signed_acceptance (EnrSession         *self,
                                   EnrSessionDocument *document)
{
  TAKE_BOXED (self->signed_acceptance, document, enr_session_document_free,
              PROP_SIGNED_ACCEPTANCE_RECORD);
}

void
enr_session_set_certificate (EnrSession     *self,
                             EnrCertificate *certificate)
{
  if (g_set_object (&self->certificate, certificate))
    notify (self, PROP_CERTIFICATE);
}

void
enr_session_set_report (EnrSession           *self,
                        EnrCertificateReport *report)
{
  TAKE_BOXED (self->report, report, enr_certificate_report_free, PROP_CERTIFICATE_REPORT);
}

void
enr_session_set_pin_attempts_left (EnrSession *self,
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

/* The refusal's message, with what the citizen may still do. */
GError *
enr_session_error_with_attempts (GError *error,
                                 gint64  attempts_left)
{
  g_autofree char *left = NULL;
  GError *told;

  if (attempts_left < 0)
    return error;
  left = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d attempt left.", "%d attempts left.",
                                       (gulong) attempts_left),
                          (int) attempts_left);
  told = g_error_new (error->domain, error->code, "%s %s", error->message, left);
  g_error_free (error);
  return told;
}

GError *
enr_session_error_with_wait (GError *error,
                             gint64  retry_after_s)
{
  g_autofree char *wait = NULL;
  GError *told;
  gint64 minutes;

  if (retry_after_s <= 0)
    return error;
  minutes = (retry_after_s + 59) / 60;
  wait = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Try again in %d minute.",
                                       "Try again in %d minutes.", (gulong) minutes),
                          (int) minutes);
  told = g_error_new (error->domain, error->code, "%s %s", error->message, wait);
  g_error_free (error);
  return told;
}

GError *
enr_session_service_error (EnrServiceError code)
{
  return g_error_new_literal (ENR_SERVICE_ERROR, code, enr_service_error_message (code));
}

GError *
enr_session_wrong_otp (EnrSession *self,
                       GError     *error,
                       gint64      attempts_left)
{
  EnrOtpState *otp;

  if (!g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_OTP_WRONG) ||
      self->otp == NULL || attempts_left < 0)
    return error;
  otp = enr_otp_state_copy (self->otp);
  otp->attempts_left = (gint) attempts_left;
  enr_session_set_otp (self, otp);
  return enr_session_error_with_attempts (error, attempts_left);
}

GError *
enr_session_otp_refused (EnrSession *self,
                         GError     *error,
                         gint64      attempts_left)
{
  error = enr_session_wrong_otp (self, error, attempts_left);
  if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_OTP_LOCKED) &&
      self->otp != NULL)
    {
      EnrOtpState *otp = enr_otp_state_copy (self->otp);

      otp->attempts_left = 0;
      otp->resend_after = 0;
      enr_session_set_otp (self, otp);
    }
  return error;
}

GError *
enr_session_take_otp_reply (EnrSession       *self,
                            EnrOtpPurpose     purpose,
                            const EnrOtpSent *sent,
                            GError           *error,
                            gint64            retry_after_s)
{
  gint64 now = g_get_real_time ();
  EnrOtpState *otp;

  if (error != NULL)
    {
      /* The code sent a moment ago is still good: say when another may come. */
      if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_TOO_SOON) &&
          self->otp != NULL && retry_after_s > 0)
        {
          otp = enr_otp_state_copy (self->otp);
          otp->resend_after = now + retry_after_s * G_USEC_PER_SEC;
          enr_session_set_otp (self, otp);
        }
      return error;
    }

  otp = g_new0 (EnrOtpState, 1);
  otp->purpose = purpose;
  otp->sent_to = g_strdup (sent->otp_sent_to);
  otp->expires_at = now + sent->expires_in * G_USEC_PER_SEC;
  otp->resend_after = now + sent->resend_after * G_USEC_PER_SEC;
  otp->attempts_left = 5;
  enr_session_set_otp (self, otp);
  return NULL;
}

void
enr_session_note_error (EnrSession   *self,
                        const GError *error)
{
  if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_EXPIRED))
    enr_session_set_needs_login (self, TRUE);
  set_last_error (self, error);
}

/* --- The action frame ------------------------------------------------------------ */

static void
enr_action_free (EnrAction *action)
{
  if (action->caller_source != NULL)
    g_source_destroy (action->caller_source);
  g_clear_pointer (&action->caller_source, g_source_unref);
  g_clear_object (&action->cancellable);
  g_clear_pointer (&action->secret, enr_secure_string_free);
  g_clear_pointer (&action->secret2, enr_secure_string_free);
  wipe_string (&action->text);
  if (action->kak != NULL)
    enr_kak_wipe (action->kak);
  g_clear_object (&action->kak);
  g_free (action);
}

/* A source, not a signal handler: the caller's cancel reaches the action
 * from the main loop, never from inside someone's g_cancellable_cancel(). */
static gboolean
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  EnrAction *action = user_data;

  g_cancellable_cancel (action->cancellable);
  return G_SOURCE_REMOVE;
}

GTask *
enr_session_begin_action (EnrSession          *self,
                          gboolean             exclusive,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data,
                          gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  EnrAction *action;

  g_task_set_source_tag (task, source_tag);

  if ((exclusive && self->action != NULL) || (!exclusive && self->qr_task != NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("Another step is still under way. Wait for it to finish."));
      return NULL;
    }
  if (self->config_error != NULL)
    {
      set_last_error (self, self->config_error);
      g_task_return_error (task, g_error_copy (self->config_error));
      return NULL;
    }

  action = g_new0 (EnrAction, 1);
  action->cancellable = g_cancellable_new ();
  action->generation = self->generation;
  if (cancellable != NULL)
    {
      action->caller_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (action->caller_source, G_SOURCE_FUNC (caller_cancelled_cb),
                             action, NULL);
      g_source_attach (action->caller_source, g_main_context_get_thread_default ());
    }
  g_task_set_task_data (task, action, (GDestroyNotify) enr_action_free);

  if (exclusive)
    {
      self->action = task;
      set_busy (self, TRUE);
    }
  else
    self->qr_task = task;
  set_last_error (self, NULL);
  return g_steal_pointer (&task);
}

EnrAction *
enr_session_action (GTask *task)
{
  return g_task_get_task_data (task);
}

GCancellable *
enr_session_action_cancellable (GTask *task)
{
  return enr_session_action (task)->cancellable;
}

static void
return_action (GTask  *task,
               GError *error)
{
  EnrSession *self = g_task_get_source_object (task);
  EnrAction *action = enr_session_action (task);
  gboolean current = action->generation == self->generation;

  if (self->action == task)
    {
      self->action = NULL;
      set_busy (self, FALSE);
    }
  if (self->qr_task == task)
    self->qr_task = NULL;

  if (error == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  /* A wiped session keeps nothing of what happened before the wipe. */
  if (current && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_info ("action failed: %s %d", g_quark_to_string (error->domain), error->code);
      if (g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_LOGIN_EXPIRED))
        enr_session_set_needs_login (self, TRUE);
      set_last_error (self, error);
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

#define PENDING_ERROR "enr-pending-error"

/* A step is done once its secret parts are kept: a session made right
 * after this one must find the refresh token the service holds now. */
static void
return_when_tokens_kept (GTask  *task,
                         GError *error)
{
  EnrSession *self = g_task_get_source_object (task);

  if (self->token_writes > 0 && enr_session_action (task)->generation == self->generation)
    {
      g_object_set_data (G_OBJECT (task), PENDING_ERROR, error);
      g_ptr_array_add (self->token_waiters, task);
      return;
    }
  if (error == NULL && self->token_error != NULL &&
      enr_session_action (task)->generation == self->generation)
    error = g_steal_pointer (&self->token_error);
  return_action (task, error);
}

static void
reconciled_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GError) error = NULL;

  if (!enr_session_reconcile_finish (ENR_SESSION (object), result, &error))
    g_info ("could not find out the service's step: %s", error->message);

  return_when_tokens_kept (task, g_object_steal_data (G_OBJECT (task), PENDING_ERROR));
}

void
enr_session_end_action (GTask  *task,
                        GError *error)
{
  EnrSession *self = g_task_get_source_object (task);
  EnrAction *action = enr_session_action (task);

  if (action->generation == self->generation && error != NULL &&
      g_error_matches (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_WRONG_STATE) &&
      self->smartca != NULL && enr_smartca_client_has_tokens (self->smartca))
    {
      /* The service is at another step than this session thought: go there,
       * so the page the citizen sees next is the right one. */
      g_object_set_data (G_OBJECT (task), PENDING_ERROR, error);
      enr_session_reconcile_async (self, action->cancellable, reconciled_cb, task);
      return;
    }

  return_when_tokens_kept (task, error);
}

gboolean
enr_session_action_failed (GTask  *task,
                           GError *error)
{
  if (error == NULL)
    return FALSE;
  enr_session_end_action (task, error);
  return TRUE;
}

gboolean
enr_session_finish_action (EnrSession    *self,
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
} SleepData;

static void
sleep_data_free (SleepData *data)
{
  if (data->timeout != NULL)
    g_source_destroy (data->timeout);
  g_clear_pointer (&data->timeout, g_source_unref);
  if (data->cancel != NULL)
    g_source_destroy (data->cancel);
  g_clear_pointer (&data->cancel, g_source_unref);
  g_free (data);
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
  SleepData *data = g_task_get_task_data (task);

  /* The timeout holds the task: destroying it drops that reference. */
  g_object_ref (task);
  g_source_destroy (data->timeout);
  g_task_return_error_if_cancelled (task);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

void
enr_session_sleep_async (guint                ms,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  SleepData *data = g_new0 (SleepData, 1);

  g_task_set_source_tag (task, enr_session_sleep_async);
  g_task_set_task_data (task, data, (GDestroyNotify) sleep_data_free);

  data->timeout = g_timeout_source_new (ms);
  g_source_set_callback (data->timeout, slept_cb, task, NULL);
  g_source_attach (data->timeout, g_main_context_get_thread_default ());
  if (cancellable != NULL)
    {
      data->cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (data->cancel, G_SOURCE_FUNC (sleep_cancelled_cb), task, NULL);
      g_source_attach (data->cancel, g_main_context_get_thread_default ());
    }
}

gboolean
enr_session_sleep_finish (GAsyncResult  *result,
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

void
enr_session_checkpoint (EnrSession *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  EnrCheckpoint checkpoint = { 0 };

  if (self->kiosk)
    return;

  /* Before a registration there is nothing a new start could resume. */
  path = state_path (self, CHECKPOINT_FILE);
  if (self->registration_id == NULL)
    return;

  checkpoint.smartca_url = self->smartca_url;
  checkpoint.step = self->step;
  checkpoint.citizen_id = self->citizen_id;
  checkpoint.device_id = self->device_id;
  checkpoint.registration_id = self->registration_id;
  checkpoint.credential_id = self->credential_id;
  checkpoint.identity = self->identity;
  checkpoint.signed_contract_name = self->signed_contract ? self->signed_contract->name : NULL;
  checkpoint.signed_record_name = self->signed_acceptance ? self->signed_acceptance->name : NULL;
  checkpoint.saved_at = g_get_real_time ();

  bytes = enr_checkpoint_to_bytes (&checkpoint);
  enr_state_file_write (path, bytes);
}

void
enr_session_keep_document (EnrSession               *self,
                           const char               *file_name,
                           const EnrSessionDocument *document)
{
  g_autofree char *path = NULL;

  if (self->kiosk)
    return;
  path = state_path (self, file_name);
  enr_state_file_write (path, document != NULL ? document->data : NULL);
}

const char *
enr_session_document_file (gboolean acceptance)
{
  return acceptance ? SIGNED_RECORD_FILE : SIGNED_CONTRACT_FILE;
}

static void
refresh_token_stored_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(EnrSession) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiters = NULL;

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

  waiters = g_steal_pointer (&self->token_waiters);
  self->token_waiters = g_ptr_array_new ();
  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);
      GError *pending = g_object_steal_data (G_OBJECT (task), PENDING_ERROR);

      if (pending == NULL && self->token_error != NULL)
        pending = g_error_copy (self->token_error);
      return_action (task, pending);
    }
  if (waiters->len > 0)
    g_clear_error (&self->token_error);
}

void
enr_session_store_refresh_token (EnrSession *self)
{
  g_autofree char *token = NULL;

  if (self->citizen_id == NULL || self->store == NULL)
    return;

  token = enr_smartca_client_dup_refresh_token (self->smartca);
  self->token_writes++;
  /* Not cancellable: a token the service rotated must be kept, whatever
   * happens to the action that made it rotate. */
  enr_key_store_set_refresh_token_async (self->store, self->citizen_id, self->smartca_url, token,
                                         NULL, refresh_token_stored_cb, g_object_ref (self));
  if (token != NULL)
    enr_secure_wipe (token, strlen (token));
}

static void
tokens_changed_cb (EnrSmartcaClient *client,
                   EnrSession       *self)
{
  g_debug ("SmartCA tokens renewed");
  enr_session_store_refresh_token (self);
}

/* --- Wipe ----------------------------------------------------------------------------- */

static void
cancel_work (EnrSession *self)
{
  GTask *tasks[] = { self->action, self->qr_task };

  /* Work begun before now finds itself void when it comes back. */
  self->generation++;
  self->action = NULL;
  self->qr_task = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    if (tasks[i] != NULL)
      g_cancellable_cancel (enr_session_action_cancellable (tasks[i]));
}

static void
clear_progress (EnrSession *self)
{
  wipe_string (&self->citizen_id);
  wipe_string (&self->device_id);
  wipe_string (&self->registration_id);
  wipe_string (&self->credential_id);
  wipe_string (&self->contract_id);
  wipe_string (&self->acceptance_tran_id);
  wipe_string (&self->otp_session);
  wipe_string (&self->smartca_state);
  g_clear_pointer (&self->identity, enr_identity_free);
  g_clear_pointer (&self->registration, enr_registration_free);
  g_clear_pointer (&self->login_code, enr_login_code_free);
  g_clear_pointer (&self->otp, enr_otp_state_free);
  g_clear_pointer (&self->contract, enr_session_document_free);
  g_clear_pointer (&self->signed_contract, enr_session_document_free);
  g_clear_pointer (&self->acceptance_record, enr_session_document_free);
  g_clear_pointer (&self->signed_acceptance, enr_session_document_free);
  g_clear_pointer (&self->report, enr_certificate_report_free);
  g_clear_error (&self->last_error);
}

typedef struct
{
  guint pending;
} WipeData;

static void
wipe_part_done (GTask *task)
{
  WipeData *data = g_task_get_task_data (task);

  if (--data->pending == 0)
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
  WipeData *data;
  guint prop;

  g_return_if_fail (ENR_IS_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_session_wipe_async);
  /* Revocations go on whatever the caller cancels: best effort, but made. */
  g_task_set_check_cancellable (task, FALSE);
  data = g_new0 (WipeData, 1);
  data->pending = 1;
  g_task_set_task_data (task, data, g_free);

  g_info ("wiping the session");
  cancel_work (self);

  if (self->vneid != NULL && enr_vneid_client_has_access_token (self->vneid))
    {
      data->pending++;
      enr_vneid_client_revoke_async (self->vneid, NULL, vneid_revoked_cb, g_object_ref (task));
    }
  if (self->smartca != NULL && enr_smartca_client_has_tokens (self->smartca))
    {
      data->pending++;
      enr_smartca_client_revoke_async (self->smartca, NULL, smartca_revoked_cb,
                                       g_object_ref (task));
    }

  if (self->kiosk)
    enr_key_store_wipe (self->store);
  else if (self->citizen_id != NULL)
    {
      data->pending++;
      enr_key_store_remove_async (self->store, self->citizen_id, self->smartca_url, NULL,
                                  handle_removed_cb, g_object_ref (task));
    }

  if (!self->kiosk)
    {
      g_autofree char *checkpoint = state_path (self, CHECKPOINT_FILE);
      g_autofree char *contract = state_path (self, SIGNED_CONTRACT_FILE);
      g_autofree char *record = state_path (self, SIGNED_RECORD_FILE);

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

  /* Every property a page shows is back to its first value. */
  g_object_freeze_notify (G_OBJECT (self));
  for (prop = PROP_STEP; prop < N_PROPS; prop++)
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
