/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * What EnrSession lends its friends in src/enroll (EnrAccount,
 * EnrDeviceLink) and the tests: the action frame, the service clients and
 * the key store it owns, the ids they need, and the steps they share with
 * the wizard's actions. Never the instance's fields (enr-session-impl.h);
 * never for src/ui.
 */

#include "enr-kak.h"
#include "enr-key-store.h"
#include "enr-session.h"
#include "enr-smartca-client.h"
#include "enr-vneid-client.h"

G_BEGIN_DECLS

/* --- The action frame ------------------------------------------------------------ */

/*
 * Starts a citizen action in the session's one slot: the task the caller
 * sees (with @source_object, the session or its friend, and @source_tag),
 * with a cancellable of its own that the caller's cancellable and a wipe
 * both cancel (g_task_get_cancellable()); :busy is TRUE and :last-error
 * cleared. NULL when it cannot start (another action runs, or no service
 * is configured): @callback then gets the error.
 */
GTask        *_enr_session_begin_action   (EnrSession          *self,
                                           gpointer             source_object,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data,
                                           gpointer             source_tag);
/*
 * Ends the action: takes @task and @error (NULL: success). The error is
 * told the way the citizen meets it (ENR_SESSION_ERROR), kept in
 * :last-error and, for LOG_IN, sets :needs-login — unless the session was
 * wiped since. When the service was at another step than the session
 * thought, the session goes there first; and the action ends only once a
 * SmartCA refresh token it made the service rotate is kept.
 */
void          _enr_session_end_action     (EnrSession          *self,
                                           GTask               *task,
                                           GError              *error);
/* Whether @task is still the session's action (no wipe came since). */
gboolean      _enr_session_action_is_current (EnrSession       *self,
                                              GTask            *task);
/* Keeps @error in :last-error outside an action's end (a part of an
 * action that failed while the action itself succeeded). */
void          _enr_session_note_error     (EnrSession          *self,
                                           const GError        *error);

/* --- What the session owns ---------------------------------------------------------- */

EnrVneidClient   *_enr_session_get_vneid              (EnrSession *self);
EnrSmartcaClient *_enr_session_get_smartca            (EnrSession *self);
EnrKeyStore      *_enr_session_get_store              (EnrSession *self);
EnrHttp          *_enr_session_get_http               (EnrSession *self);
const char       *_enr_session_get_citizen_id         (EnrSession *self);
/* The key handle's opaque id (NULL until something is kept). */
const char       *_enr_session_get_handle_id          (EnrSession *self);
const char       *_enr_session_get_credential_id      (EnrSession *self);
/* The PEM file of signing (and time-stamping) roots signatures are checked
 * against; NULL: the system's. */
const char       *_enr_session_get_signing_trust_anchor (EnrSession *self);
/* The acceptance record's transaction, which the wizard signs, not the
 * enrolled desktop. */
const char       *_enr_session_get_acceptance_tran_id (EnrSession *self);
/* The PBKDF2 cost of new key handles (0: the calibrated one). */
guint             _enr_session_get_key_iterations     (EnrSession *self);
/* For tests and the benchmark: a cheaper PBKDF2 for new key handles. */
void              _enr_session_set_key_iterations     (EnrSession *self,
                                                       guint       iterations);

void _enr_session_set_step              (EnrSession *self, EnrSessionStep step);
void _enr_session_set_otp               (EnrSession *self, EnrOtpState *otp);
void _enr_session_set_pin_attempts_left (EnrSession *self, gint attempts_left);
/* Takes @registration (the service's) and shows it in :registration. */
void _enr_session_set_registration      (EnrSession *self, EnrRegistration *registration);
/* Writes the checkpoint (nothing in kiosk mode). */
void _enr_session_checkpoint            (EnrSession *self);
/* What a request for an OTP answered: :otp for @purpose from @sent, or,
 * refused because one was sent a moment ago, the resend time that @error
 * says. @error is left as it is. */
void _enr_session_take_otp_reply        (EnrSession       *self,
                                         EnrOtpPurpose     purpose,
                                         const EnrOtpSent *sent,
                                         const GError     *error);

/* --- Steps shared with the wizard's actions --------------------------------------------- */

/* VNeID hands the registration over; the code becomes SmartCA tokens,
 * kept in the store. LOGIN_EXPIRED without a VNeID login. */
void     _enr_session_take_over_async   (EnrSession          *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean _enr_session_take_over_finish  (EnrSession          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Asks SmartCA where the enrollment stands and goes to that step, with
 * what the step shows (the certificate, the acceptance record). */
void     _enr_session_reconcile_async   (EnrSession          *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean _enr_session_reconcile_finish  (EnrSession          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/*
 * The change of device's first part: finds the citizen's registration
 * (VNeID answers a registration request with the one there is), takes
 * the SmartCA side over with a new hand-off and reconciles. TRUE when
 * SmartCA holds a credential whose key can be replaced; else
 * ENR_SESSION_REASON_NOT_ENROLLED, with the session at the step where the
 * wizard carries on.
 */
void     _enr_session_find_credential_async  (EnrSession          *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean _enr_session_find_credential_finish (EnrSession          *self,
                                              GAsyncResult        *result,
                                              GError             **error);

/* Asks SmartCA for the change of device's SMS code (:otp, purpose DEVICE). */
void     _enr_session_send_device_code_async  (EnrSession          *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean _enr_session_send_device_code_finish (EnrSession          *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Parses and verifies (in a thread) a certificate and its chain (GBytes
 * DER, the issuing CA first) into :certificate. */
void     _enr_session_load_certificate_async  (EnrSession          *self,
                                               GBytes              *der,
                                               GPtrArray           *chain,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean _enr_session_load_certificate_finish (EnrSession          *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Both services' report of the certificate; DONE when consistent. */
void     _enr_session_check_certificate_async  (EnrSession          *self,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean _enr_session_check_certificate_finish (EnrSession          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* --- The key ------------------------------------------------------------------------- */

/* Checks a new PIN and its confirmation against the PIN rules (with the
 * citizen's date of birth): FALSE with the rule it breaks. */
gboolean _enr_session_validate_new_pin (EnrSession          *self,
                                        const char          *pin,
                                        const char          *confirmation,
                                        GError             **error);

/*
 * The key pipeline of activation and of the change of device: makes a new
 * KAK (in a thread), registers its public half with SmartCA (with the SMS
 * code @otp for a change of device, NULL for activation), keeps it under
 * @pin in the key store, and signs the approval of @txn ("activation" or
 * "device") over the service's challenge. Returns that SAD; the KAK is
 * wiped before the call completes. A refused @otp updates :otp.
 */
void     _enr_session_enrol_key_async  (EnrSession          *self,
                                        const char          *pin,
                                        const char          *otp,
                                        const char          *txn,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
char    *_enr_session_enrol_key_finish (EnrSession          *self,
                                        GAsyncResult        *result,
                                        GError             **error);

/* Wrong PINs SmartCA's PIN guard takes in a row before it locks. */
#define ENR_SESSION_PIN_ATTEMPTS 5

/*
 * Opens the key with @pin through the PIN guard: the handle's salt and
 * count give the PIN's verifier and pinKey, SmartCA hands the share out
 * for the verifier (ssa/sic/pin/verify, counting wrong ones), and the
 * wrapping that opens with both is the KAK (a change of PIN cut short is
 * settled here). :pin-attempts-left follows what SmartCA said. Errors:
 * ENR_SERVICE_ERROR_PIN_WRONG (its details: the attempts left),
 * PIN_LOCKED, ENR_STORE_ERROR_OUTDATED (no guard yet), NO_KEY, CORRUPT.
 */
void     _enr_session_unlock_async     (EnrSession          *self,
                                        const char          *pin,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
EnrKak  *_enr_session_unlock_finish    (EnrSession          *self,
                                        GAsyncResult        *result,
                                        GError             **error);

/*
 * Changes the PIN, crash-safe (PROTOCOL.md, "PIN guard"): checks @old_pin
 * with ssa/sic/pin/verify, keeps the KAK wrapped under @new_pin beside the
 * old wrapping, asks SmartCA (ssa/sic/pin/change, never sent again on its
 * own), then keeps the new wrapping alone. Wherever it stops, the key
 * opens with whichever PIN SmartCA accepts. Errors as for unlocking.
 */
void     _enr_session_change_pin_async  (EnrSession          *self,
                                         const char          *old_pin,
                                         const char          *new_pin,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean _enr_session_change_pin_finish (EnrSession          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Opens the key with @pin (_enr_session_unlock_async()), then fetches the
 * transaction @tran_id as the service now holds it, for the caller to
 * check against what the citizen was shown before *@kak signs. */
void     _enr_session_open_transaction_async  (EnrSession          *self,
                                               const char          *pin,
                                               const char          *tran_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
EnrTransaction *_enr_session_open_transaction_finish (EnrSession    *self,
                                                      GAsyncResult  *result,
                                                      EnrKak       **kak,
                                                      GError       **error);

/* Approves @transaction with a SAD signed by @kak over its challenge and
 * @hashes (ssa/sic/signconfirm): the Base64 SHA-256 of every document as
 * the citizen was shown it, in the transaction's order, NULL-terminated.
 * The service's answer. */
void     _enr_session_approve_async    (EnrSession           *self,
                                        EnrKak               *kak,
                                        const EnrTransaction *transaction,
                                        const char * const   *hashes,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data);
EnrTransactionResult *_enr_session_approve_finish (EnrSession    *self,
                                                   GAsyncResult  *result,
                                                   GError       **error);

G_END_DECLS
