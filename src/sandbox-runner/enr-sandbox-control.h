/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The sandbox's control endpoints (PROTOCOL.md, "The sandbox"): what the
 * wizard's sandbox banner and the tests use to play the citizen's phone
 * (the OTP outbox, approving a QR login) and to make the service misbehave.
 * Never used against a real service. Errors are ENR_SERVICE_ERROR codes.
 */
#define ENR_TYPE_SANDBOX_CONTROL (enr_sandbox_control_get_type ())
G_DECLARE_FINAL_TYPE (EnrSandboxControl, enr_sandbox_control, ENR, SANDBOX_CONTROL, GObject)

/* One OTP the service "sent" by SMS. */
typedef struct
{
  char  *to;         /* the phone number */
  char  *code;       /* six digits */
  char  *purpose;    /* "vneid-login" | "contract" | "device" */
  char  *sent_at;    /* RFC 3339 */
} EnrSandboxOtp;

void enr_sandbox_otp_free (EnrSandboxOtp *otp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrSandboxOtp, enr_sandbox_otp_free)

/* What to break: PROTOCOL.md's POST CONTROL/faults; all zero: nothing. */
typedef struct
{
  double   fail_rate;          /* 0 … 1 */
  guint    latency_ms;
  guint    status;             /* 0: 503 */
  gboolean drop_connection;
  guint    seed;
} EnrSandboxFaults;

/* @trust_anchor: the sandbox's root (absolute path). */
EnrSandboxControl *enr_sandbox_control_new          (const char          *control_url,
                                                     const char          *trust_anchor,
                                                     GError             **error);

/* The OTPs sent to @phone, newest first (EnrSandboxOtp). */
void               enr_sandbox_control_outbox_async  (EnrSandboxControl   *self,
                                                      const char          *phone,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray         *enr_sandbox_control_outbox_finish (EnrSandboxControl   *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

/* The citizen @citizen_id approves (or, @approve FALSE, denies) the QR
 * login showing @user_code, as the VNeID app would. */
void               enr_sandbox_control_answer_login_async  (EnrSandboxControl   *self,
                                                            const char          *user_code,
                                                            const char          *citizen_id,
                                                            gboolean             approve,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean           enr_sandbox_control_answer_login_finish (EnrSandboxControl   *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

/* @faults: NULL turns faults off. */
void               enr_sandbox_control_set_faults_async  (EnrSandboxControl      *self,
                                                          const EnrSandboxFaults *faults,
                                                          GCancellable           *cancellable,
                                                          GAsyncReadyCallback     callback,
                                                          gpointer                user_data);
gboolean           enr_sandbox_control_set_faults_finish (EnrSandboxControl      *self,
                                                          GAsyncResult           *result,
                                                          GError                **error);

/* Moves the sandbox's clock forward (the README's extension, for expiry). */
void               enr_sandbox_control_advance_clock_async  (EnrSandboxControl   *self,
                                                             guint                seconds,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
gboolean           enr_sandbox_control_advance_clock_finish (EnrSandboxControl   *self,
                                                             GAsyncResult        *result,
                                                             GError             **error);

/* The public-service portal's side of a signing request
 * (CONTROL/portal/…): what a person or a test asks the citizen to sign. */
typedef struct
{
  char      *tran_id;
  gint64     status;              /* tranStatus: 1 SUCCESS, 4000 waiting, 4002 rejected… */
  char      *status_desc;         /* "SUCCESS", "SIGNER_REJECTED", … */
  GPtrArray *signatures;          /* GBytes (RSA PKCS#1 v1.5), one per hash; empty until
                                   * signed */
} EnrSandboxPortalTransaction;

void enr_sandbox_portal_transaction_free (EnrSandboxPortalTransaction *transaction);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrSandboxPortalTransaction, enr_sandbox_portal_transaction_free)

/* A portal asks @citizen_id to sign @hashes (Base64 SHA-256, each named by
 * @names, both NULL-terminated and as long); the tranId. */
void               enr_sandbox_control_portal_sign_async   (EnrSandboxControl   *self,
                                                            const char          *citizen_id,
                                                            const char          *description,
                                                            const char * const  *names,
                                                            const char * const  *hashes,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
char              *enr_sandbox_control_portal_sign_finish  (EnrSandboxControl   *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

void               enr_sandbox_control_portal_transaction_async  (EnrSandboxControl   *self,
                                                                  const char          *tran_id,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
EnrSandboxPortalTransaction *
                   enr_sandbox_control_portal_transaction_finish (EnrSandboxControl   *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);

G_END_DECLS
