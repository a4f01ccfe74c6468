/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "enr-session-error.h"

G_BEGIN_DECLS

/*
 * EnrSession (the README's "EnrollmentSession"): the state machine of one
 * citizen's enrollment, and the one object the wizard's pages talk to. It
 * drives the VNeID and SmartCA clients, the KAK and the key-handle store;
 * pages show its properties (connect to notify::, every property notifies
 * only when its value changes) and pass on what the citizen typed through
 * one _async/_finish pair per citizen action. No GTK.
 *
 * Steps. The session is always at one EnrSessionStep; an action that
 * completes a step on the server moves it on (notify::step). The server
 * is the truth: a resumed session, or one whose action was refused because
 * the service is at another step, goes to the step the service reports.
 *
 * One action at a time. Every action except the QR login fails at once
 * with G_IO_ERROR_BUSY while another runs; the QR login is a background
 * activity of step 1 that runs beside the password login (whichever ends
 * first wins and cancels the other). :busy is TRUE while an action runs.
 *
 * Errors. Every action fails with an ENR_SESSION_ERROR (enr-session-error.h:
 * the citizen's message, the way on, and the field, attempts left or wait
 * that go with it), G_IO_ERROR_CANCELLED, or G_IO_ERROR_BUSY (above). An
 * action's error is also kept in :last-error (cleared when the next
 * action starts).
 *
 * Login expiry. When a call needs a VNeID login that is gone (VNeID tokens
 * live 15 minutes and are never stored) or SmartCA refuses a renewal, the
 * action fails with ENR_SESSION_ERROR_LOG_IN and :needs-login
 * becomes TRUE; :step does not change. The page then offers the step-1
 * login again (QR or password + OTP, the same actions); once it succeeds
 * the session takes the SmartCA side over again if it must, :needs-login
 * becomes FALSE, and the citizen carries on at the same step (the page
 * runs its action again). A login as another citizen is refused with
 * ENR_SESSION_REASON_OTHER_CITIZEN.
 *
 * Persistence. After every step the session writes its non-secret,
 * impersonal progress (the step and opaque ids: the key handle's, the
 * registration's, the credential's, the device's) to "enrollment.json" in
 * :state-directory, atomically and readable by the user only, and keeps
 * the SmartCA refresh token, the key handle (the KAK under the PIN guard)
 * and the personal data (citizen ID, identity, the key of the signed
 * copies, which are sealed on disk) in the keyring's secret (EnrKeyStore).
 * No token, OTP, PIN, password, key or personal data is ever written to
 * the file; one an older version wrote is brought up to date on resume. A kiosk session
 * (:kiosk TRUE) writes nothing anywhere: its key store is in memory and
 * enr_session_wipe() clears it.
 *
 * Secrets passed in (password, OTP, PIN) are copied into buffers the
 * session wipes as soon as the call is done; the caller wipes its own.
 */

/* The six steps of DESIGN.md, and the end. */
typedef enum
{
  ENR_SESSION_STEP_LOGIN,          /* 1 Đăng nhập VNeID */
  ENR_SESSION_STEP_CONFIRM,        /* 2 Xác nhận việc đăng ký: :identity is set */
  ENR_SESSION_STEP_INITIALIZE,     /* 3 Khởi tạo dịch vụ: hand-off, SmartCA syncs */
  ENR_SESSION_STEP_CONTRACT,       /* 4 Ký hợp đồng điện tử */
  ENR_SESSION_STEP_ACTIVATE,       /* 5 Kích hoạt dịch vụ: PIN, certificate, acceptance
                                    *   record */
  ENR_SESSION_STEP_CERTIFICATE,    /* 6 Kiểm tra thông tin chứng thư số: record signed,
                                    *   the certificate not yet checked with both services */
  ENR_SESSION_STEP_DONE,           /*   both services report the certificate: "Khởi tạo
                                    *   dịch vụ thành công" */
} EnrSessionStep;

#define ENR_TYPE_SESSION_STEP (enr_session_step_get_type ())
GType enr_session_step_get_type (void) G_GNUC_CONST;

/* Wrong PINs in a row the key takes before it locks. */
#define ENR_SESSION_PIN_TRIES 5

/* The consent text's version the registration records (step 2). */
#define ENR_SESSION_CONSENT_VERSION "2025.1"

/* --- What the pages show (boxed property values, immutable) ------------- */

/* What VNeID holds of the citizen (steps 2 on). */
typedef struct
{
  char  *citizen_id;
  char  *full_name;
  char  *date_of_birth;   /* YYYY-MM-DD */
  char  *gender;          /* "male" | "female" */
  char  *nationality;
  char  *province;
  char  *ward;
  char  *street;
  char  *district;        /* older records only; NULL otherwise */
  char  *phone;
  char  *email;           /* NULL: none */
  gint   identity_level;  /* 1 or 2; a certificate needs 2 */
} EnrSessionIdentity;

#define ENR_TYPE_SESSION_IDENTITY (enr_session_identity_get_type ())
GType               enr_session_identity_get_type (void) G_GNUC_CONST;
EnrSessionIdentity *enr_session_identity_copy     (const EnrSessionIdentity *identity);
void                enr_session_identity_free     (EnrSessionIdentity       *identity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrSessionIdentity, enr_session_identity_free)

/* The registration at VNeID (steps 3 on). */
typedef struct
{
  char *registration_id;
  char *status;           /* SUBMITTED SYNCED CONTRACT_SIGNED ACTIVE REJECTED */
} EnrSessionRegistration;

#define ENR_TYPE_SESSION_REGISTRATION (enr_session_registration_get_type ())
GType                   enr_session_registration_get_type (void) G_GNUC_CONST;
EnrSessionRegistration *enr_session_registration_copy     (const EnrSessionRegistration *reg);
void                    enr_session_registration_free     (EnrSessionRegistration       *reg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrSessionRegistration, enr_session_registration_free)

/* The citizen's certificate, verified (it chains to the trust anchor and
 * names the citizen), as the pages show and save it. */
typedef struct
{
  char      *holder;        /* the subject's common name: the full name */
  char      *subject;       /* the whole subject DN */
  char      *issuer;        /* the issuing CA's common name (its DN if it has none) */
  char      *serial;        /* upper-case hex */
  GDateTime *not_before;
  GDateTime *not_after;
  char      *fingerprint;   /* SHA-256, "AB:CD:…" */
  GBytes    *der;
  char      *pem;
} EnrSessionCertificate;

#define ENR_TYPE_SESSION_CERTIFICATE (enr_session_certificate_get_type ())
GType                  enr_session_certificate_get_type (void) G_GNUC_CONST;
EnrSessionCertificate *enr_session_certificate_copy     (const EnrSessionCertificate *cert);
void                   enr_session_certificate_free     (EnrSessionCertificate       *cert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrSessionCertificate, enr_session_certificate_free)

/* Step 1, the QR login: what to show while the citizen scans. */
typedef struct
{
  char   *user_code;                   /* "ABCD-EFGH", in large type */
  char   *verification_uri;            /* where to type the code by hand */
  char   *verification_uri_complete;   /* the QR code's content */
  gint64  expires_at;                  /* g_get_real_time() µs; renewed by the session */
} EnrLoginCode;

#define ENR_TYPE_LOGIN_CODE (enr_login_code_get_type ())
GType         enr_login_code_get_type (void) G_GNUC_CONST;
EnrLoginCode *enr_login_code_copy     (const EnrLoginCode *code);
void          enr_login_code_free     (EnrLoginCode       *code);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrLoginCode, enr_login_code_free)

typedef enum
{
  ENR_OTP_PURPOSE_LOGIN,       /* the VNeID password login (step 1) */
  ENR_OTP_PURPOSE_CONTRACT,    /* signing the contract (step 4) */
  ENR_OTP_PURPOSE_DEVICE,      /* linking this computer (change of device) */
} EnrOtpPurpose;

#define ENR_TYPE_OTP_PURPOSE (enr_otp_purpose_get_type ())
GType enr_otp_purpose_get_type (void) G_GNUC_CONST;

/* The OTP the service last sent, and what the citizen may still do with it. */
typedef struct
{
  EnrOtpPurpose purpose;
  char         *sent_to;          /* masked by the service: "09******21" */
  gint64        expires_at;       /* g_get_real_time() µs */
  gint64        resend_after;     /* µs; 0: a new code may be asked for at once */
  gint          attempts_left;    /* wrong codes the service still accepts (5 at first) */
} EnrOtpState;

#define ENR_TYPE_OTP_STATE (enr_otp_state_get_type ())
GType        enr_otp_state_get_type (void) G_GNUC_CONST;
EnrOtpState *enr_otp_state_copy     (const EnrOtpState *state);
void         enr_otp_state_free     (EnrOtpState       *state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrOtpState, enr_otp_state_free)

/*
 * A document the citizen reads, approves or keeps: the contract (step 4),
 * the acceptance record's prepared PDF (step 5), and their signed copies.
 */
typedef struct
{
  char   *name;          /* a plain file name, as the service gave it */
  GBytes *data;          /* the PDF */
  char   *hash;          /* Base64 SHA-256 the citizen approves; NULL for a signed copy */
  char   *description;   /* the transaction's description; NULL but for the record */
  gint64  expires_at;    /* the record's transaction: g_get_real_time() µs; 0 otherwise */
} EnrSessionDocument;

#define ENR_TYPE_SESSION_DOCUMENT (enr_session_document_get_type ())
GType               enr_session_document_get_type (void) G_GNUC_CONST;
EnrSessionDocument *enr_session_document_copy     (const EnrSessionDocument *document);
void                enr_session_document_free     (EnrSessionDocument       *document);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrSessionDocument, enr_session_document_free)

/* Step 6: the certificate as each service reports it (beside :certificate,
 * the certificate itself, checked against the trust anchor). */
typedef struct
{
  char    *vneid_status;       /* the registration's certificate: "VALID"; NULL: not reported */
  char    *vneid_serial;       /* uppercase hex */
  char    *smartca_status;     /* csc/credentials/info cert.status: "VALID" */
  char    *smartca_serial;
  char    *credential_status;  /* csc/credentials/info status */
  gboolean consistent;         /* both report VALID and the certificate's serial */
} EnrCertificateReport;

#define ENR_TYPE_CERTIFICATE_REPORT (enr_certificate_report_get_type ())
GType                 enr_certificate_report_get_type (void) G_GNUC_CONST;
EnrCertificateReport *enr_certificate_report_copy     (const EnrCertificateReport *report);
void                  enr_certificate_report_free     (EnrCertificateReport       *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrCertificateReport, enr_certificate_report_free)

/* --- The session ---------------------------------------------------------- */

#define ENR_TYPE_SESSION (enr_session_get_type ())
G_DECLARE_FINAL_TYPE (EnrSession, enr_session, ENR, SESSION, GObject)

/*
 * Construct-only properties:
 *   vneid-url, smartca-url  (string) the services' base URLs; NULL or empty: none is
 *                           configured, and every action fails with
 *                           ENR_SESSION_ERROR_GET_HELP (see also :configured)
 *   trust-anchor   (string) absolute path of a PEM file of CAs to trust instead of the
 *                           system store for the services' TLS; NULL: the system
 *   signing-trust-anchor (string) the same for the citizen's certificate and the signatures
 *                           on documents, which must also have the subscriber profile
 *                           (nonRepudiation, from an issuing CA); NULL: the system
 *   kiosk          (boolean) nothing on disk, the key store in memory (default FALSE)
 *   state-directory (string) where the checkpoint lives; NULL: the default,
 *                           g_get_user_data_dir()/smartca-enroll (ignored in kiosk mode)
 *
 * Read-write property:
 *   tsa-url        (string) the time-stamp authority (RFC 3161 over HTTPS, trusted
 *                           like the services) that dates the citizen's own signatures;
 *                           NULL or empty: none, and signatures are offered without a
 *                           trusted time
 *
 * Read-only properties, each with notify:
 *   step             EnrSessionStep
 *   busy             boolean      an action is running
 *   needs-login      boolean      a new VNeID login is needed to go on (see above)
 *   login-code       EnrLoginCode the QR login's current code; NULL when none runs
 *   otp              EnrOtpState  the OTP last sent; NULL when none is open
 *   resumed          boolean      the start-up question is settled: the session was
 *                                 resumed (enr_session_resume_async() succeeded) or
 *                                 is a fresh start
 *   identity         EnrSessionIdentity  what VNeID holds (steps 2 on)
 *   registration     EnrSessionRegistration  the VNeID registration (steps 3 on)
 *   smartca-state    string       the SmartCA enrollment state ("SYNCING", …) or NULL
 *   contract         EnrSessionDocument  the contract to read and sign (step 4)
 *   signed-contract  EnrSessionDocument
 *   acceptance-record EnrSessionDocument the prepared record to approve (step 5)
 *   signed-acceptance-record EnrSessionDocument  checked PAdES, signed by :certificate
 *   certificate      EnrSessionCertificate  verified: chains to the trust anchor, names
 *                                 the citizen
 *   certificate-report EnrCertificateReport
 *   pin-attempts-left int         wrong PINs SmartCA's PIN guard still takes, as it last
 *                                 said (5 for a key kept and no wrong PIN known; 0 locked;
 *                                 -1: no key here)
 *   last-error       GError       the last action's error, or NULL
 */
EnrSession           *enr_session_new                  (const char   *vneid_url,
                                                        const char   *smartca_url,
                                                        const char   *trust_anchor,
                                                        const char   *signing_trust_anchor,
                                                        gboolean      kiosk,
                                                        const char   *state_directory);

EnrSessionStep        enr_session_get_step             (EnrSession   *self);
gboolean              enr_session_get_busy             (EnrSession   *self);
gboolean              enr_session_get_needs_login      (EnrSession   *self);
gboolean              enr_session_get_kiosk            (EnrSession   *self);
const char           *enr_session_get_vneid_url        (EnrSession   *self);
const char           *enr_session_get_smartca_url      (EnrSession   *self);
const char           *enr_session_get_trust_anchor     (EnrSession   *self);
const char           *enr_session_get_state_directory  (EnrSession   *self);
const char           *enr_session_get_tsa_url          (EnrSession   *self);
void                  enr_session_set_tsa_url          (EnrSession   *self,
                                                        const char   *tsa_url);
/* The registration's id, for the receipt; NULL before the registration. */
const char           *enr_session_get_registration_id  (EnrSession   *self);
/* The getters below return borrowed values (NULL when not known yet),
 * valid until the property next notifies. */
const EnrLoginCode   *enr_session_get_login_code       (EnrSession   *self);
const EnrOtpState    *enr_session_get_otp              (EnrSession   *self);
gboolean              enr_session_get_resumed          (EnrSession   *self);
const EnrSessionIdentity *enr_session_get_identity     (EnrSession   *self);
const EnrSessionRegistration *enr_session_get_registration (EnrSession *self);
const char           *enr_session_get_smartca_state    (EnrSession   *self);
const EnrSessionDocument *enr_session_get_contract     (EnrSession   *self);
const EnrSessionDocument *enr_session_get_signed_contract (EnrSession *self);
const EnrSessionDocument *enr_session_get_acceptance_record (EnrSession *self);
const EnrSessionDocument *enr_session_get_signed_acceptance_record (EnrSession *self);
const EnrSessionCertificate *enr_session_get_certificate (EnrSession *self);
const EnrCertificateReport *enr_session_get_certificate_report (EnrSession *self);
gint                  enr_session_get_pin_attempts_left (EnrSession  *self);
const GError         *enr_session_get_last_error       (EnrSession   *self);
/* The citizen ID masked for display ("001******001"); NULL before login. */
char                 *enr_session_dup_masked_citizen_id (EnrSession  *self);
/* Whether a service is configured: FALSE, every action fails with
 * ENR_SESSION_ERROR_GET_HELP, and this says why. */
gboolean              enr_session_get_configured       (EnrSession   *self,
                                                        GError      **error);

/* What a new PIN is worth as the citizen types it. */
typedef enum
{
  ENR_SESSION_PIN_OK,           /* it can be used (and the confirmation matches) */
  ENR_SESSION_PIN_UNFINISHED,   /* fewer than six digits so far: nothing to say yet */
  ENR_SESSION_PIN_REFUSED,      /* it breaks one of the PIN rules */
  ENR_SESSION_PIN_MISMATCH,     /* the confirmation is not the same PIN */
} EnrSessionPinVerdict;

/*
 * Checks a new @pin against the PIN rules (with the citizen's date of
 * birth) and, when @confirmation is not NULL, against it; *@reason (if
 * not NULL) is set to why it is REFUSED or MISMATCH, translated, else NULL.
 * The actions that take a new PIN check it the same way.
 */
EnrSessionPinVerdict  enr_session_check_new_pin        (EnrSession   *self,
                                                        const char   *pin,
                                                        const char   *confirmation,
                                                        const char  **reason);

/*
 * Start-up: reads the checkpoint, if any, and reconciles it with what the
 * services report (the server is the truth: a checkpoint at step 4 whose
 * enrollment SmartCA reports ACTIVATION_PENDING resumes at step 5). TRUE
 * with *@found TRUE when there was an unfinished or finished enrollment to
 * resume (the page then offers to continue at :step or to start over with
 * enr_session_wipe()); *@found FALSE: a fresh start at step 1. If the
 * services cannot be reached, :step is the checkpoint's and the error is
 * returned: run it again to reconcile. A kiosk never finds anything.
 */
void      enr_session_resume_async               (EnrSession          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_resume_finish              (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  gboolean            *found,
                                                  GError             **error);

/*
 * Step 1a, the QR login. Shows a code in :login-code and waits for the
 * citizen to approve it in the VNeID app, renewing the code when it
 * expires; completes when the login is done (then :identity is set and
 * :step is CONFIRM, or, for a login that :needs-login asked for, the step
 * carries on) or fails with ENR_SESSION_REASON_LOGIN_DENIED when the
 * citizen refused it on the phone. Runs beside the other actions of step 1;
 * stopped by its cancellable or enr_session_cancel_qr_login() (then
 * G_IO_ERROR_CANCELLED and :login-code NULL).
 */
void      enr_session_start_qr_login_async       (EnrSession          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_start_qr_login_finish      (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
void      enr_session_cancel_qr_login            (EnrSession          *self);

/*
 * Step 1b, the password login: VNeID checks the citizen ID and password
 * and sends an OTP to the phone (:otp, purpose LOGIN). Errors: FIELD
 * (PASSWORD, with the attempts left), WAIT (the account is locked).
 */
void      enr_session_log_in_async               (EnrSession          *self,
                                                  const char          *citizen_id,
                                                  const char          *password,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_log_in_finish              (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/*
 * The OTP of the password login. Completes the login as the QR login does.
 * Errors: FIELD CODE (:otp's attempts-left goes down), LOCKED PASSWORD
 * (the code expired, or the fifth was wrong: log in with the password
 * again).
 */
void      enr_session_submit_login_otp_async     (EnrSession          *self,
                                                  const char          *otp,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_submit_login_otp_finish    (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/*
 * Step 2: the citizen checked :identity and consents (@share_identity) to
 * share it with SmartCA. Submits the registration (never a second one)
 * and moves to INITIALIZE. Errors: FIELD CONSENT (without consent, nothing
 * is sent), REFUSED IDENTITY_LEVEL (a level-1 account), START_OVER
 * REJECTED.
 */
void      enr_session_confirm_registration_async (EnrSession          *self,
                                                  gboolean             share_identity,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_confirm_registration_finish (EnrSession         *self,
                                                   GAsyncResult       *result,
                                                   GError            **error);

/*
 * Step 3, "Truy cập ứng dụng VNPT SmartCA": VNeID hands the registration
 * over, this program logs in to SmartCA with the hand-off code, and waits
 * (honouring pollAfterMs; :smartca-state is "SYNCING" meanwhile) until
 * SmartCA has synced; then moves to CONTRACT.
 */
void      enr_session_start_service_async        (EnrSession          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_start_service_finish       (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Step 4: fetches the contract into :contract (the same until it is signed). */
void      enr_session_fetch_contract_async       (EnrSession          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_fetch_contract_finish      (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/* Sends the contract's OTP (:otp, purpose CONTRACT; a new one replaces the
 * last). WAIT before :otp's resend-after. Fetches the contract first
 * if that was not done. */
void      enr_session_send_contract_otp_async    (EnrSession          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_send_contract_otp_finish   (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/*
 * Signs :contract with the OTP: :signed-contract is set, :step ACTIVATE.
 * Errors: FIELD CODE, LOCKED NEW_CODE (the code expired, or the fifth was
 * wrong), RETRY when the contract changed (:contract is fetched again:
 * show it again).
 */
void      enr_session_sign_contract_async        (EnrSession          *self,
                                                  const char          *otp,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_sign_contract_finish       (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/*
 * Step 5, activation: checks @pin against the PIN policy (with the
 * citizen's date of birth) and @confirmation; makes a new KAK (in a
 * thread) and the PIN guard's verifier, registers both, keeps the KAK
 * under the key the PIN and SmartCA's share make (EnrKeyStore), approves
 * the activation with a SAD, and receives the
 * certificate, which is verified before :certificate is set; then fetches
 * the acceptance record into :acceptance-record. :step stays ACTIVATE.
 * Errors: FIELD NEW_PIN (the rule the PIN breaks in the message; nothing
 * was sent), RETRY (no keyring, a locked keyring), GET_HELP when the
 * issued certificate does not check out.
 */
void      enr_session_activate_async             (EnrSession          *self,
                                                  const char          *pin,
                                                  const char          *confirmation,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_activate_finish            (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);
/*
 * Step 5, the acceptance record: unlocks the key with @pin through SmartCA's
 * PIN guard, approves :acceptance-record's transaction with a SAD over its
 * challenge and the record's hash recomputed from the bytes shown (a
 * transaction that asks for another is refused), fetches the signed
 * record and checks it (PAdES, signed by :certificate over the approved
 * hash) into :signed-acceptance-record; :step CERTIFICATE, then, once both
 * services report the certificate (as enr_session_refresh_certificate_async
 * does), DONE. The record is signed even if that report could not be had:
 * the action then succeeds at CERTIFICATE with the report's error in
 * :last-error (LOG_IN and :needs-login when the VNeID login ran out, as
 * after a resume). Errors: FIELD PIN with the attempts SmartCA said
 * (:pin-attempts-left), LOCKED LINK_AGAIN (the fifth wrong PIN, or a key
 * kept before the PIN guard); RETRY when the record expired or was rejected (a new record
 * is fetched into :acceptance-record: approve that one).
 */
void      enr_session_sign_acceptance_async      (EnrSession          *self,
                                                  const char          *pin,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_sign_acceptance_finish     (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/*
 * Step 6: asks VNeID (the registration) and SmartCA (the credential) what
 * they report about the certificate, into :certificate-report (and
 * :certificate, verified, if the session did not hold it yet); DONE when
 * both report it valid with its serial. Before DONE, VNeID's view needs a
 * VNeID login (LOG_IN without one); once DONE (a later start, the
 * enrolled desktop), SmartCA's view alone is enough, and VNeID's fields are
 * NULL unless the citizen has logged in since.
 */
void      enr_session_refresh_certificate_async  (EnrSession          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_refresh_certificate_finish (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* --- The connection check ------------------------------------------------ */

typedef enum
{
  ENR_CONNECTION_LINE_NOT_RUN,   /* an earlier line failed */
  ENR_CONNECTION_LINE_OK,
  ENR_CONNECTION_LINE_FAILED,
} EnrConnectionLineOutcome;

/* One thing the check looked at, in the citizen's words. */
typedef struct
{
  EnrConnectionLineOutcome outcome;
  char                    *title;    /* what was checked: "The service's name is found" */
  char                    *result;   /* what came of it, and what to do when it failed */
  char                    *detail;   /* technical, for the copied report; no secret */
} EnrConnectionLine;

/* What "Check the Connection" found: the name resolves, a connection
 * opens (through the system proxy, if set), the server proves who it is,
 * VNeID answers, SmartCA answers, this computer's clock is right. */
typedef struct
{
  GPtrArray *lines;      /* EnrConnectionLine, in that order */
  gboolean   ok;         /* every line OK */
  char      *summary;    /* one sentence for the whole */
} EnrConnectionReport;

#define ENR_TYPE_CONNECTION_REPORT (enr_connection_report_get_type ())
GType                enr_connection_report_get_type (void) G_GNUC_CONST;
EnrConnectionReport *enr_connection_report_copy     (const EnrConnectionReport *report);
void                 enr_connection_report_free     (EnrConnectionReport       *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrConnectionReport, enr_connection_report_free)

/* The report as text to paste into a message to support: the program's
 * and its libraries' versions, the services' addresses, each line with its
 * detail; never a token, a code or a citizen ID. */
char                *enr_connection_report_to_text  (const EnrConnectionReport *report);

/*
 * Checks the way to the configured services, each request once and without
 * a login; runs beside any action (it is not one). Fails only when
 * cancelled; a service that is not configured is the first line's failure.
 */
void                 enr_session_check_connection_async  (EnrSession          *self,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
EnrConnectionReport *enr_session_check_connection_finish (EnrSession          *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/*
 * Start over, and the kiosk's reset: cancels every action, revokes the
 * tokens (best effort, in the background), zeroes every secret and personal
 * field, wipes the in-memory key store, removes the checkpoint, and returns
 * to step 1 with every property cleared. The desktop keyring's handle is
 * removed too (start over means the enrollment on this computer is
 * abandoned). The async form completes when the revocations have been
 * answered or have failed; it never fails.
 */
void      enr_session_wipe                       (EnrSession          *self);
void      enr_session_wipe_async                 (EnrSession          *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean  enr_session_wipe_finish                (EnrSession          *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

G_END_DECLS
