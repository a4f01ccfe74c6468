/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "enr-http.h"
#include "enr-vneid-types.h"

G_BEGIN_DECLS

#define ENR_TYPE_VNEID_CLIENT (enr_vneid_client_get_type ())
G_DECLARE_FINAL_TYPE (EnrVneidClient, enr_vneid_client, ENR, VNEID_CLIENT, GObject)

/*
 * The VNeID calls of PROTOCOL.md. Every call is _async/_finish and
 * cancellable; failures are ENR_SERVICE_ERROR codes. Where the service
 * says how many attempts are left or how long to wait, the error's
 * details tell (enr_service_error_get_details()).
 */
EnrVneidClient         *enr_vneid_client_new                 (EnrHttp         *http,
                                                              const char      *base_url);
/* The access token the api/v1 calls carry; NULL to forget it. */
void                    enr_vneid_client_set_access_token    (EnrVneidClient  *self,
                                                              const char      *token);
gboolean                enr_vneid_client_has_access_token    (EnrVneidClient  *self);

/* Step 1a: the QR login (RFC 8628). */
void                    enr_vneid_client_start_device_login_async  (EnrVneidClient *self,
                                                                    GCancellable   *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer        user_data);
EnrDeviceAuthorization *enr_vneid_client_start_device_login_finish (EnrVneidClient *self,
                                                                    GAsyncResult   *result,
                                                                    GError        **error);
/* LOGIN_PENDING while the citizen has not answered; the error's details'
 * slow_down is set when the service asks for a longer interval (add 5 s). */
void                    enr_vneid_client_poll_device_login_async   (EnrVneidClient *self,
                                                                    const char     *device_code,
                                                                    GCancellable   *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer        user_data);
EnrVneidTokens         *enr_vneid_client_poll_device_login_finish  (EnrVneidClient *self,
                                                                    GAsyncResult   *result,
                                                                    GError        **error);

/* Step 1b: citizen ID and password, then the OTP sent to the phone. */
void                    enr_vneid_client_password_login_async      (EnrVneidClient *self,
                                                                    const char     *citizen_id,
                                                                    const char     *password,
                                                                    GCancellable   *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer        user_data);
EnrOtpChallenge        *enr_vneid_client_password_login_finish     (EnrVneidClient *self,
                                                                    GAsyncResult   *result,
                                                                    GError        **error);
void                    enr_vneid_client_otp_login_async           (EnrVneidClient *self,
                                                                    const char     *otp_session,
                                                                    const char     *otp,
                                                                    GCancellable   *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer        user_data);
EnrVneidTokens         *enr_vneid_client_otp_login_finish          (EnrVneidClient *self,
                                                                    GAsyncResult   *result,
                                                                    GError        **error);

/* Steps 1-2: identity and registration. */
void                    enr_vneid_client_get_identity_async        (EnrVneidClient *self,
                                                                    GCancellable   *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer        user_data);
EnrIdentity            *enr_vneid_client_get_identity_finish       (EnrVneidClient *self,
                                                                    GAsyncResult   *result,
                                                                    GError        **error);
void                    enr_vneid_client_register_async            (EnrVneidClient *self,
                                                                    const char     *terms_version,
                                                                    GCancellable   *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer        user_data);
EnrRegistration        *enr_vneid_client_register_finish           (EnrVneidClient *self,
                                                                    GAsyncResult   *result,
                                                                    GError        **error);
void                    enr_vneid_client_get_registration_async    (EnrVneidClient *self,
                                                                    const char     *registration_id,
                                                                    GCancellable   *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer        user_data);
EnrRegistration        *enr_vneid_client_get_registration_finish   (EnrVneidClient *self,
                                                                    GAsyncResult   *result,
                                                                    GError        **error);
/* Step 3: a one-time code with which SmartCA takes the registration over. */
void                    enr_vneid_client_handoff_async             (EnrVneidClient *self,
                                                                    const char     *registration_id,
                                                                    GCancellable   *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer        user_data);
char                   *enr_vneid_client_handoff_finish            (EnrVneidClient *self,
                                                                    GAsyncResult   *result,
                                                                    GError        **error);
/* Revokes the access token (RFC 7009) and forgets it. */
void                    enr_vneid_client_revoke_async              (EnrVneidClient *self,
                                                                    GCancellable   *cancellable,
                                                                    GAsyncReadyCallback callback,
                                                                    gpointer        user_data);
gboolean                enr_vneid_client_revoke_finish             (EnrVneidClient *self,
                                                                    GAsyncResult   *result,
                                                                    GError        **error);

G_END_DECLS
