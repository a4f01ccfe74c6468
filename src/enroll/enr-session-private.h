/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * What the files of EnrSession share: the instance, the action frame every
 * citizen action runs in, and the steps that more than one action takes
 * (taking the SmartCA side over, reconciling with the service, loading the
 * certificate and the acceptance record). Not for the wizard.
 */

#include "enr-kak.h"
#include "enr-key-store.h"
#include "enr-secure.h"
#include "enr-service-error.h"
#include "enr-session.h"
#include "enr-smartca-client.h"
#include "enr-vneid-client.h"

G_BEGIN_DECLS

enum
{
  PROP_0,
  PROP_VNEID_URL,
  PROP_SMARTCA_URL,
  PROP_TRUST_ANCHOR,
  PROP_KIOSK,
  PROP_STATE_DIRECTORY,
  PROP_STEP,
  PROP_BUSY,
  PROP_NEEDS_LOGIN,
  PROP_LOGIN_CODE,
  PROP_OTP,
  PROP_IDENTITY,
  PROP_REGISTRATION,
  PROP_SMARTCA_STATE,
  PROP_CONTRACT,
  PROP_SIGNED_CONTRACT,
  PROP_ACCEPTANCE_RECORD,
  PROP_SIGNED_ACCEPTANCE_RECORD,
  PROP_CERTIFICATE,
  PROP_CERTIFICATE_REPORT,
  PROP_PIN_ATTEMPTS_LEFT,
  PROP_LAST_ERROR,
  N_PROPS
};

struct _EnrSession
{
  GObject               parent_instance;

  /* Configuration (construct-only) */
  char                 *vneid_url;
  char                 *smartca_url;
  char                 *trust_anchor;
  char                 *state_dir;
  gboolean              kiosk;
  GError               *config_error;      /* why no action can run, or NULL */
  EnrHttp              *http;
  EnrVneidClient       *vneid;
  EnrSmartcaClient     *smartca;
  EnrKeyStore          *store;
  guint                 key_iterations;    /* PBKDF2 count of new handles; 0: calibrated */

  /* What runs */
  GTask                *action;            /* the citizen action under way; not owned */
  GTask                *qr_task;           /* the QR login under way; not owned */
  guint                 generation;        /* bumped by a wipe: older work is void */
  guint                 token_writes;      /* refresh tokens on their way to the store */
  GPtrArray            *token_waiters;     /* actions that end once those are stored */
  GError               *token_error;       /* why the last of them could not be stored */

  /* Progress */
  EnrSessionStep        step;
  gboolean              busy;
  gboolean              needs_login;
  char                 *citizen_id;
  char                 *device_id;
  char                 *registration_id;
  char                 *credential_id;
  char                 *contract_id;
  char                 *acceptance_tran_id;
  char                 *otp_session;       /* secret: the VNeID OTP login's session */
  EnrIdentity          *identity;
  EnrRegistration      *registration;
  char                 *smartca_state;
  EnrLoginCode         *login_code;
  EnrOtpState          *otp;
  EnrSessionDocument   *contract;
  EnrSessionDocument   *signed_contract;
  EnrSessionDocument   *acceptance_record;
  EnrSessionDocument   *signed_acceptance;
  EnrCertificate       *certificate;
  EnrCertificateReport *report;
  gint                  pin_attempts_left;
  GError               *last_error;
};

extern GParamSpec *enr_session_props[N_PROPS];

/* --- The action frame ------------------------------------------------------- */

typedef struct
{
  GCancellable    *cancellable;    /* the action's own: the caller's or a wipe cancels it */
  GSource         *caller_source;  /* fires when the caller's cancellable does */
  guint            generation;
  EnrSecureString *secret;         /* the password, OTP or PIN */
  EnrSecureString *secret2;        /* the PIN's confirmation */
  char            *text;           /* the citizen ID of a login */
  EnrKak          *kak;
  gint64           deadline_us;    /* a wait's end (monotonic) */
  guint            interval_ms;
  guint            tries;
  gboolean         found;          /* resume: there was an enrollment to resume */
} EnrAction;

/*
 * Starts a citizen action: NULL (with @callback called with the error) when
 * another runs (G_IO_ERROR_BUSY) or no service is configured; else the task,
 * with :busy TRUE and :last-error cleared. @exclusive FALSE: the QR login,
 * which has its own slot.
 */
GTask        *enr_session_begin_action  (EnrSession          *self,
                                         gboolean             exclusive,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data,
                                         gpointer             source_tag);
EnrAction    *enr_session_action        (GTask               *task);
GCancellable *enr_session_action_cancellable (GTask          *task);
/* Ends the action: takes @task and @error (NULL: success). An error of a
 * session that was wiped since is not kept; LOGIN_EXPIRED sets
 * :needs-login; WRONG_STATE first takes the session to the service's step. */
void          enr_session_end_action    (GTask               *task,
                                         GError              *error);
/* TRUE (and the action ended with @error, taken) if @error is set. */
gboolean      enr_session_action_failed (GTask               *task,
                                         GError              *error);
gboolean      enr_session_finish_action (EnrSession          *self,
                                         GAsyncResult        *result,
                                         gpointer             source_tag,
                                         GError             **error);

/* @error with "n attempts left." (or "Try again in n minutes.") added to its
 * message; takes @error. A negative count or wait adds nothing. */
GError       *enr_session_error_with_attempts (GError *error,
                                               gint64  attempts_left);
GError       *enr_session_error_with_wait     (GError *error,
                                               gint64  retry_after_s);
/* The ENR_SERVICE_ERROR @code with its citizen's message. */
GError       *enr_session_service_error       (EnrServiceError code);
/* A wrong OTP: :otp's attempts-left goes down to @attempts_left and the
 * message says it. Takes and returns @error (unchanged if not OTP_WRONG). */
GError       *enr_session_wrong_otp           (EnrSession *self,
                                               GError     *error,
                                               gint64      attempts_left);
/* A refused OTP: enr_session_wrong_otp(), and after the fifth wrong code
 * (OTP_LOCKED) :otp with no attempts left and a new code to ask for at
 * once. Takes and returns @error. */
GError       *enr_session_otp_refused         (EnrSession *self,
                                               GError     *error,
                                               gint64      attempts_left);
/* What a request for an OTP answered: :otp for @purpose from @sent, or,
 * refused with TOO_SOON, the code already sent with the resend time
 * @retry_after_s. Takes and returns @error (NULL: @sent is used). */
GError       *enr_session_take_otp_reply      (EnrSession       *self,
                                               EnrOtpPurpose     purpose,
                                               const EnrOtpSent *sent,
                                               GError           *error,
                                               gint64            retry_after_s);
/* Keeps @error in :last-error outside an action's end (a part of an action
 * that failed while the action itself succeeded). */
void          enr_session_note_error          (EnrSession   *self,
                                               const GError *error);

/* --- Properties ----------------------------------------------------------------- */

void enr_session_set_step              (EnrSession *self, EnrSessionStep step);
void enr_session_set_needs_login       (EnrSession *self, gboolean needs_login);
/* The setters below take their value. */
void enr_session_set_login_code        (EnrSession *self, EnrLoginCode *code);
void enr_session_set_otp               (EnrSession *self, EnrOtpState *otp);
void enr_session_set_identity          (EnrSession *self, EnrIdentity *identity);
void enr_session_set_registration      (EnrSession *self, EnrRegistration *registration);
void enr_session_set_smartca_state     (EnrSession *self, const char *state);
void enr_session_set_contract          (EnrSession *self, EnrSessionDocument *document);
void enr_session_set_signed_contract   (EnrSession *self, EnrSessionDocument *document);
void enr_session_set_acceptance_record (EnrSession *self, EnrSessionDocument *document);
void enr_session_set_signed_acceptance (EnrSession *self, EnrSessionDocument *document);
void enr_session_set_certificate       (EnrSession *self, EnrCertificate *certificate);
void enr_session_set_report            (EnrSession *self, EnrCertificateReport *report);
void enr_session_set_pin_attempts_left (EnrSession *self, gint attempts_left);
void enr_session_set_string            (char **field, const char *value);

/* A SAD (PROTOCOL.md) signed with @kak for this session's device and
 * credential, approving @txn ("activation", "device" or a tranId) over the
 * service's @challenge. */
char        *enr_session_make_sad          (EnrSession  *self,
                                            EnrKak      *kak,
                                            const char  *txn,
                                            const char  *challenge,
                                            GError     **error);
/* The citizen's date of birth as VNeID gave it, for the PIN policy; NULL
 * when not known. */
GDate       *enr_session_dup_date_of_birth (EnrSession  *self);

/* --- Persistence ------------------------------------------------------------------- */

/* Writes the checkpoint (nothing in kiosk mode). */
void enr_session_checkpoint            (EnrSession *self);
/* Keeps a signed document beside it (nothing in kiosk mode). */
void enr_session_keep_document         (EnrSession *self,
                                        const char *file_name,
                                        const EnrSessionDocument *document);
/* The file name a signed document is kept under in the state directory. */
const char *enr_session_document_file  (gboolean acceptance);
/* The SmartCA refresh token, to the key store; actions that end meanwhile
 * wait for it. Called whenever the SmartCA client's tokens change. */
void enr_session_store_refresh_token   (EnrSession *self);

/* --- Steps shared by several actions ------------------------------------------------ */

/* Waits @ms on the main context; cancellable at once. */
void     enr_session_sleep_async       (guint                ms,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean enr_session_sleep_finish      (GAsyncResult        *result,
                                        GError             **error);

/* VNeID hands the registration over; the code becomes SmartCA tokens,
 * kept in the store. LOGIN_EXPIRED without a VNeID login. */
void     enr_session_take_over_async   (EnrSession          *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean enr_session_take_over_finish  (EnrSession          *self,
                                        GAsyncResult        *result,
                                        GError             **error);

/* Asks SmartCA where the enrollment stands and goes to that step, with what
 * the step shows (the certificate, the acceptance record); checkpoints. */
void     enr_session_reconcile_async   (EnrSession          *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean enr_session_reconcile_finish  (EnrSession          *self,
                                        GAsyncResult        *result,
                                        GError             **error);

/* Parses and verifies (in a thread) the issued certificate and its chain
 * (GBytes DER, the issuing CA first) into :certificate. */
void     enr_session_load_certificate_async  (EnrSession          *self,
                                              GBytes              *der,
                                              GPtrArray           *chain,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean enr_session_load_certificate_finish (EnrSession          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Fetches the acceptance record's transaction, checks that its hash is
 * that of the prepared PDF's signed bytes (in a thread), and shows it in
 * :acceptance-record. */
void     enr_session_load_acceptance_record_async  (EnrSession          *self,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean enr_session_load_acceptance_record_finish (EnrSession          *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

/* Checks a signed PDF in a thread (PAdES): signed by :certificate, which
 * chains to the trust anchor, over @approved_hash (the Base64 SHA-256 the
 * citizen approved; NULL: not checked). */
void     enr_session_verify_signed_async  (EnrSession          *self,
                                           GBytes              *pdf,
                                           const char          *approved_hash,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean enr_session_verify_signed_finish (EnrSession          *self,
                                           GAsyncResult        *result,
                                           GError             **error);

/* Both services' report of the certificate; DONE when consistent. */
void     enr_session_check_certificate_async  (EnrSession          *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean enr_session_check_certificate_finish (EnrSession          *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Completes a VNeID login (either way) with @tokens: identity, then the
 * step, or the SmartCA side taken over again after :needs-login. */
void     enr_session_complete_login_async  (EnrSession          *self,
                                            const char          *access_token,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean enr_session_complete_login_finish (EnrSession          *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* For tests and the benchmark: the PBKDF2 cost of new key handles (0: the
 * calibrated one), and the HTTP core, to shorten its retry waits. */
void     enr_session_set_key_iterations (EnrSession *self,
                                         guint       iterations);
EnrHttp *enr_session_get_http           (EnrSession *self);

G_END_DECLS
