/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The inside of EnrSession, for the files it is written in
 * (enr-session*.c) and no other: the instance, its properties, and the
 * pieces its steps share. Its friends (EnrAccount, EnrDeviceLink, tests)
 * have enr-session-private.h; a meson test keeps everyone else out.
 */

#include "enr-certificate.h"
#include "enr-kak.h"
#include "enr-key-store.h"
#include "enr-secure.h"
#include "enr-service-error.h"
#include "enr-session-error-private.h"
#include "enr-session-private.h"
#include "enr-smartca-client.h"
#include "enr-vneid-client.h"

G_BEGIN_DECLS

enum
{
  PROP_0,
  PROP_VNEID_URL,
  PROP_SMARTCA_URL,
  PROP_TRUST_ANCHOR,
  PROP_SIGNING_TRUST_ANCHOR,
  PROP_KIOSK,
  PROP_STATE_DIRECTORY,
  PROP_TSA_URL,
  PROP_STEP,
  PROP_BUSY,
  PROP_NEEDS_LOGIN,
  PROP_RESUMED,
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

/* One slot an action runs in: the citizen's action, or the QR login that
 * runs beside it. */
typedef struct
{
  GTask   *task;            /* not owned; NULL when free */
  GSource *caller_source;   /* cancels the task's cancellable when the caller's is */
} EnrActionSlot;

struct _EnrSession
{
  GObject                parent_instance;

  /* Configuration (construct-only) */
  char                  *vneid_url;
  char                  *smartca_url;
  char                  *trust_anchor;
  char                  *signing_trust_anchor;  /* the certificates' and signatures' */
  char                  *state_dir;
  char                  *tsa_url;           /* the time-stamp authority's; settable */
  gboolean               kiosk;
  GError                *config_error;      /* why no action can run, or NULL */
  EnrHttp               *http;
  EnrVneidClient        *vneid;
  EnrSmartcaClient      *smartca;
  EnrKeyStore           *store;
  guint                  key_iterations;    /* PBKDF2 count of new handles; 0: calibrated */

  /* What runs */
  EnrActionSlot          action;
  EnrActionSlot          qr_login;
  guint                  token_writes;      /* refresh tokens on their way to the store */
  GQueue                 token_waiters;     /* of EnrEnding: actions that end once they are */
  GError                *token_error;       /* why the last of them could not be stored */

  /* Progress */
  EnrSessionStep         step;
  gboolean               busy;
  gboolean               needs_login;
  gboolean               resumed;
  char                  *citizen_id;
  char                  *handle_id;         /* the key handle's: opaque, in the checkpoint */
  GBytes                *profile_kept;      /* the personal data last given to the store */
  GBytes                *documents_key;     /* seals the signed copies on disk (the profile's) */
  char                  *device_id;
  char                  *registration_id;
  char                  *credential_id;
  char                  *contract_id;
  char                  *acceptance_tran_id;
  char                  *otp_session;       /* secret: the VNeID OTP login's session */
  EnrIdentity           *identity;          /* as VNeID gave it (kept in the keyring's profile) */
  EnrSessionIdentity    *shown_identity;    /* :identity */
  EnrSessionRegistration *registration;
  char                  *smartca_state;
  EnrLoginCode          *login_code;
  EnrOtpState           *otp;
  EnrSessionDocument    *contract;
  EnrSessionDocument    *signed_contract;
  EnrSessionDocument    *acceptance_record;
  EnrSessionDocument    *signed_acceptance;
  EnrCertificate        *certificate;       /* verified */
  EnrSessionCertificate *shown_certificate; /* :certificate */
  EnrCertificateReport  *report;
  gint                   pin_attempts_left;
  GError                *last_error;
};

/* --- Actions (enr-session.c) ---------------------------------------------------------- */

/* The QR login's own slot, beside the citizen's action. */
GTask    *_enr_session_begin_qr_login     (EnrSession          *self,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data,
                                           gpointer             source_tag);
/* Cancels the other login under way: whichever ends first wins. */
void      _enr_session_cancel_other_login (EnrSession          *self,
                                           GTask               *winner);
/* TRUE when the session holds a SmartCA login; else ends @task with
 * LOGIN_EXPIRED (a new VNeID login brings one) and returns FALSE. */
gboolean  _enr_session_need_smartca       (EnrSession          *self,
                                           GTask               *task);
gboolean  _enr_session_finish_action      (EnrSession          *self,
                                           GAsyncResult        *result,
                                           gpointer             source_tag,
                                           GError             **error);

/* --- Properties (enr-session.c) ------------------------------------------------------- */

void _enr_session_set_needs_login       (EnrSession *self, gboolean needs_login);
void _enr_session_set_resumed           (EnrSession *self, gboolean resumed);
void _enr_session_set_string            (char **field, const char *value);
/* The setters below take their value. */
void _enr_session_set_login_code        (EnrSession *self, EnrLoginCode *code);
void _enr_session_set_identity          (EnrSession *self, EnrIdentity *identity);
void _enr_session_set_smartca_state     (EnrSession *self, const char *state);
void _enr_session_set_contract          (EnrSession *self, EnrSessionDocument *document);
void _enr_session_set_signed_contract   (EnrSession *self, EnrSessionDocument *document);
void _enr_session_set_acceptance_record (EnrSession *self, EnrSessionDocument *document);
void _enr_session_set_signed_acceptance (EnrSession *self, EnrSessionDocument *document);
void _enr_session_set_certificate       (EnrSession *self, EnrCertificate *certificate);
void _enr_session_set_report            (EnrSession *self, EnrCertificateReport *report);

/* A wrong OTP: :otp's attempts-left goes down to what @error says, and
 * after the fifth (OTP_LOCKED) a new code may be asked for at once.
 * @error is left as it is. */
void _enr_session_otp_refused           (EnrSession *self, const GError *error);

/* --- Persistence (enr-session.c) ------------------------------------------------------ */

/* Keeps a signed document beside the checkpoint (nothing in kiosk mode). */
void        _enr_session_keep_document  (EnrSession               *self,
                                         gboolean                  acceptance,
                                         const EnrSessionDocument *document);
/* Where that document is kept. */
char       *_enr_session_document_path  (EnrSession               *self,
                                         gboolean                  acceptance);
/* What was read from that file: the document (*@was_sealed TRUE), or, for a
 * file a version before this one wrote in clear, the same bytes. */
GBytes     *_enr_session_open_document  (EnrSession               *self,
                                         gboolean                  acceptance,
                                         GBytes                   *contents,
                                         gboolean                 *was_sealed,
                                         GError                  **error);

/* --- Shared steps ----------------------------------------------------------------------- */

/* Waits @ms on the main context; cancellable at once. */
void     _enr_session_sleep_async       (guint                ms,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean _enr_session_sleep_finish      (GAsyncResult        *result,
                                         GError             **error);

/* Fetches the acceptance record's transaction, checks that its hash is
 * that of the prepared PDF's signed bytes (in a thread), and shows it in
 * :acceptance-record. (enr-session-certificate.c) */
void     _enr_session_load_acceptance_record_async  (EnrSession          *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
gboolean _enr_session_load_acceptance_record_finish (EnrSession          *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

/* Checks a signed PDF in a thread (PAdES): signed by the certificate,
 * which chains to the trust anchor, over @approved_hash (the Base64
 * SHA-256 the citizen approved; NULL: not checked). */
void     _enr_session_verify_signed_async  (EnrSession          *self,
                                            GBytes              *pdf,
                                            const char          *approved_hash,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean _enr_session_verify_signed_finish (EnrSession          *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Completes a VNeID login (either way) with @access_token: the identity,
 * then the step, or the SmartCA side taken over again after :needs-login.
 * (enr-session-login.c) */
void     _enr_session_complete_login_async  (EnrSession          *self,
                                             const char          *access_token,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean _enr_session_complete_login_finish (EnrSession          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* The citizen's date of birth as VNeID gave it, for the PIN rules; NULL
 * when not known. */
GDate   *_enr_session_dup_date_of_birth     (EnrSession          *self);

/* The key handle's opaque id, made the first time it is needed. */
const char *_enr_session_ensure_handle_id   (EnrSession          *self);
/* The session no longer holds a SmartCA login it may use: the service
 * revoked it (the fifth wrong SMS code), or a change of device needs a
 * fresh one. The next VNeID login brings a new hand-off. */
void     _enr_session_forget_smartca_login  (EnrSession          *self);

/* Recomputes, in a thread, the hash of the prepared PDF @pdf's signed bytes
 * (the Base64 SHA-256 a SAD approves for it). (enr-session-certificate.c) */
void     _enr_session_digest_pdf_async      (EnrSession          *self,
                                             GBytes              *pdf,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
char    *_enr_session_digest_pdf_finish     (EnrSession          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* --- The values the properties show (enr-session-types.c) ----------------------------- */

EnrSessionIdentity     *_enr_session_identity_new_from     (const EnrIdentity     *identity);
EnrSessionRegistration *_enr_session_registration_new_from (const EnrRegistration *registration);
EnrSessionCertificate  *_enr_session_certificate_new_from  (EnrCertificate        *certificate);

G_END_DECLS
