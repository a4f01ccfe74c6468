/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "enr-http.h"
#include "enr-smartca-types.h"

G_BEGIN_DECLS

#define ENR_TYPE_SMARTCA_CLIENT (enr_smartca_client_get_type ())
G_DECLARE_FINAL_TYPE (EnrSmartcaClient, enr_smartca_client, ENR, SMARTCA_CLIENT, GObject)

/*
 * The SmartCA calls of PROTOCOL.md. Resource calls carry the access token;
 * one refused with 401 renews it once with the refresh token (one renewal
 * at a time, whatever the number of calls waiting) and is sent again. The
 * refresh token rotates, so ::tokens-changed tells the owner to store the
 * new one. A renewal that fails ends in ENR_SERVICE_ERROR_LOGIN_EXPIRED.
 */
EnrSmartcaClient *enr_smartca_client_new        (EnrHttp          *http,
                                                 const char       *base_url);
void              enr_smartca_client_set_tokens (EnrSmartcaClient *self,
                                                 const char       *access_token,
                                                 const char       *refresh_token);
gboolean          enr_smartca_client_has_tokens (EnrSmartcaClient *self);
/* A copy, for the keyring; free with a wipe. */
char             *enr_smartca_client_dup_refresh_token (EnrSmartcaClient *self);

/* Step 3: the VNeID hand-off code for tokens, which the client keeps. */
void                    enr_smartca_client_exchange_code_async (EnrSmartcaClient    *self,
                                                                const char          *code,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
gboolean                enr_smartca_client_exchange_code_finish (EnrSmartcaClient *self,
                                                                 GAsyncResult     *result,
                                                                 GError          **error);

/* Revokes the refresh and the access token, and forgets both. */
void                    enr_smartca_client_revoke_async (EnrSmartcaClient    *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean                enr_smartca_client_revoke_finish (EnrSmartcaClient *self,
                                                          GAsyncResult     *result,
                                                          GError          **error);

void                    enr_smartca_client_get_user_async (EnrSmartcaClient    *self,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
EnrSmartcaUser *        enr_smartca_client_get_user_finish (EnrSmartcaClient *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                    enr_smartca_client_get_status_async (EnrSmartcaClient    *self,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
EnrEnrollmentStatus *   enr_smartca_client_get_status_finish (EnrSmartcaClient *self,
                                                              GAsyncResult     *result,
                                                              GError          **error);

/* Step 4: the contract, its OTP, its signature. */
void                    enr_smartca_client_get_contract_async (EnrSmartcaClient    *self,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
EnrContract *           enr_smartca_client_get_contract_finish (EnrSmartcaClient *self,
                                                                GAsyncResult     *result,
                                                                GError          **error);

void                    enr_smartca_client_send_contract_otp_async (EnrSmartcaClient    *self,
                                                                    const char          *contract_id,
                                                                    GCancellable        *cancellable,
                                                                    GAsyncReadyCallback  callback,
                                                                    gpointer             user_data);
EnrOtpSent *            enr_smartca_client_send_contract_otp_finish (EnrSmartcaClient *self,
                                                                     GAsyncResult     *result,
                                                                     GError          **error);

void                    enr_smartca_client_sign_contract_async (EnrSmartcaClient    *self,
                                                                const char          *contract_id,
                                                                const char          *otp,
                                                                const char          *hash,
                                                                GCancellable        *cancellable,
                                                                GAsyncReadyCallback  callback,
                                                                gpointer             user_data);
EnrContractSigned *     enr_smartca_client_sign_contract_finish (EnrSmartcaClient *self,
                                                                 GAsyncResult     *result,
                                                                 GError          **error);

/* Step 5. With an @otp (nullable) this is the change of device's activation.
 * @pin_verifier: the new PIN guard's (32 bytes); the answer holds its share. */
void                    enr_smartca_client_activate_async (EnrSmartcaClient    *self,
                                                           GBytes              *kak_public_key,
                                                           const char          *device_id,
                                                           const char          *device_name,
                                                           const char          *platform,
                                                           GBytes              *pin_verifier,
                                                           const char          *otp,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
EnrActivation *         enr_smartca_client_activate_finish (EnrSmartcaClient *self,
                                                            GAsyncResult     *result,
                                                            GError          **error);

void                    enr_smartca_client_request_certificate_async (EnrSmartcaClient    *self,
                                                                      const char          *credential_id,
                                                                      const char          *sad,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);
EnrIssuedCertificate *  enr_smartca_client_request_certificate_finish (EnrSmartcaClient *self,
                                                                       GAsyncResult     *result,
                                                                       GError          **error);

void                    enr_smartca_client_get_acceptance_async (EnrSmartcaClient    *self,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
EnrAcceptance *         enr_smartca_client_get_acceptance_finish (EnrSmartcaClient *self,
                                                                  GAsyncResult     *result,
                                                                  GError          **error);

/*
 * The PIN guard (PROTOCOL.md rev 2): the share for the right verifier, or
 * ENR_SERVICE_ERROR_PIN_WRONG (details: attempts left), PIN_LOCKED, or
 * WRONG_STATE for a credential without a guard. Never sent again on its
 * own after a connection broke with the request sent. Free the share (it
 * wipes itself) with g_bytes_unref().
 */
void                    enr_smartca_client_verify_pin_async (EnrSmartcaClient    *self,
                                                             const char          *credential_id,
                                                             GBytes              *pin_verifier,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
GBytes *                enr_smartca_client_verify_pin_finish (EnrSmartcaClient *self,
                                                              GAsyncResult     *result,
                                                              GError          **error);
/* From then on only @new_pin_verifier is accepted; the share is the same. */
void                    enr_smartca_client_change_pin_async (EnrSmartcaClient    *self,
                                                             const char          *credential_id,
                                                             GBytes              *pin_verifier,
                                                             GBytes              *new_pin_verifier,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);
GBytes *                enr_smartca_client_change_pin_finish (EnrSmartcaClient *self,
                                                              GAsyncResult     *result,
                                                              GError          **error);

/* The change of device. */
void                    enr_smartca_client_send_device_otp_async (EnrSmartcaClient    *self,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
EnrOtpSent *            enr_smartca_client_send_device_otp_finish (EnrSmartcaClient *self,
                                                                   GAsyncResult     *result,
                                                                   GError          **error);

void                    enr_smartca_client_confirm_device_async (EnrSmartcaClient    *self,
                                                                 const char          *credential_id,
                                                                 const char          *sad,
                                                                 GCancellable        *cancellable,
                                                                 GAsyncReadyCallback  callback,
                                                                 gpointer             user_data);
gboolean                enr_smartca_client_confirm_device_finish (EnrSmartcaClient *self,
                                                                  GAsyncResult     *result,
                                                                  GError          **error);

/* Waiting transactions: the acceptance record, portal signing requests. */
void                    enr_smartca_client_list_waiting_async (EnrSmartcaClient    *self,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
GPtrArray *             enr_smartca_client_list_waiting_finish (EnrSmartcaClient *self,
                                                                GAsyncResult     *result,
                                                                GError          **error);

void                    enr_smartca_client_get_transaction_async (EnrSmartcaClient    *self,
                                                                  const char          *tran_id,
                                                                  GCancellable        *cancellable,
                                                                  GAsyncReadyCallback  callback,
                                                                  gpointer             user_data);
EnrTransaction *        enr_smartca_client_get_transaction_finish (EnrSmartcaClient *self,
                                                                   GAsyncResult     *result,
                                                                   GError          **error);

void                    enr_smartca_client_confirm_transaction_async (EnrSmartcaClient    *self,
                                                                      const char          *tran_id,
                                                                      const char          *credential_id,
                                                                      const char          *sad,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);
EnrTransactionResult *  enr_smartca_client_confirm_transaction_finish (EnrSmartcaClient *self,
                                                                       GAsyncResult     *result,
                                                                       GError          **error);

void                    enr_smartca_client_reject_transaction_async (EnrSmartcaClient    *self,
                                                                     const char          *tran_id,
                                                                     GCancellable        *cancellable,
                                                                     GAsyncReadyCallback  callback,
                                                                     gpointer             user_data);
EnrTransactionResult *  enr_smartca_client_reject_transaction_finish (EnrSmartcaClient *self,
                                                                      GAsyncResult     *result,
                                                                      GError          **error);

/*
 * An app's own signing request (PROTOCOL.md rev 2, "The citizen's own
 * documents"): csc/signature/signhash for @credential_id with one entry per
 * @names[i] and @hashes[i] (Base64 SHA-256; as many of each, 1 to 50).
 * @ref_tran_id is a fresh UUID the caller keeps: a resend with it answers
 * the first transaction, so the call is retried safely. The tranId.
 */
void                    enr_smartca_client_sign_hash_async (EnrSmartcaClient    *self,
                                                            const char          *credential_id,
                                                            const char          *ref_tran_id,
                                                            const char          *description,
                                                            const char * const  *names,
                                                            const char * const  *hashes,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
char *                  enr_smartca_client_sign_hash_finish (EnrSmartcaClient *self,
                                                             GAsyncResult     *result,
                                                             GError          **error);

/* csc/credentials/gettraninfo: a signhash transaction and, once it
 * succeeded, each hash's `sig`. */
void                    enr_smartca_client_get_transaction_info_async (EnrSmartcaClient    *self,
                                                                       const char          *tran_id,
                                                                       GCancellable        *cancellable,
                                                                       GAsyncReadyCallback  callback,
                                                                       gpointer             user_data);
EnrTransactionInfo *    enr_smartca_client_get_transaction_info_finish (EnrSmartcaClient *self,
                                                                        GAsyncResult     *result,
                                                                        GError          **error);

/* Credentials. */
void                    enr_smartca_client_list_credentials_async (EnrSmartcaClient    *self,
                                                                   GCancellable        *cancellable,
                                                                   GAsyncReadyCallback  callback,
                                                                   gpointer             user_data);
GStrv                   enr_smartca_client_list_credentials_finish (EnrSmartcaClient *self,
                                                                    GAsyncResult     *result,
                                                                    GError          **error);

void                    enr_smartca_client_get_credential_info_async (EnrSmartcaClient    *self,
                                                                      const char          *credential_id,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);
EnrCredentialInfo *     enr_smartca_client_get_credential_info_finish (EnrSmartcaClient *self,
                                                                       GAsyncResult     *result,
                                                                       GError          **error);

G_END_DECLS
