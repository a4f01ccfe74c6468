/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "enr-session.h"

G_BEGIN_DECLS

/*
 * "Use my SmartCA on this computer": the change of device of PROTOCOL.md,
 * which links a credential made elsewhere (at a kiosk, on another
 * computer) to this one, and is also the way out of a forgotten PIN or a
 * locked key handle. No GTK.
 *
 * It works on a desktop EnrSession, after a VNeID login made with the
 * session's own login actions (QR code, or password and SMS code):
 * enr_device_link_find_async() finds the citizen's registration, takes
 * the SmartCA side over with a new hand-off and checks that SmartCA holds
 * a credential to link; enr_device_link_send_code_async() asks for the
 * SMS code (the session's :otp, purpose DEVICE); and
 * enr_device_link_link_async() makes a new KAK, registers it with the
 * code, keeps it under the new PIN and confirms it with a SAD. The old
 * KAK, wherever it is, signs nothing from then on. The session is then at
 * the end of an enrollment, as EnrAccount wants it.
 *
 * The actions are the session's (one at a time, :busy, :last-error).
 */
#define ENR_TYPE_DEVICE_LINK (enr_device_link_get_type ())
G_DECLARE_FINAL_TYPE (EnrDeviceLink, enr_device_link, ENR, DEVICE_LINK, GObject)

/*
 * Properties:
 *   session  (EnrSession, construct-only)
 *   found    boolean: SmartCA holds a credential to link (notify)
 *   linked   boolean: this computer holds its new key handle (notify)
 */
EnrDeviceLink *enr_device_link_new        (EnrSession    *session);
EnrSession    *enr_device_link_get_session (EnrDeviceLink *self);
gboolean       enr_device_link_get_found  (EnrDeviceLink *self);
gboolean       enr_device_link_get_linked (EnrDeviceLink *self);

/*
 * Needs the VNeID login. @share_identity: the citizen's consent that VNeID
 * hands their identity to SmartCA again. Errors: CONSENT_REQUIRED,
 * LOGIN_EXPIRED, REJECTED, ENR_ACCOUNT_ERROR_NOT_ENROLLED (no credential
 * yet: the session is then at the step where the wizard carries on).
 */
void      enr_device_link_find_async       (EnrDeviceLink       *self,
                                            gboolean             share_identity,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean  enr_device_link_find_finish      (EnrDeviceLink       *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* The SMS code of the change of device. TOO_SOON before :otp's resend-after. */
void      enr_device_link_send_code_async  (EnrDeviceLink       *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean  enr_device_link_send_code_finish (EnrDeviceLink       *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/*
 * Links this computer with the SMS code @otp and the new PIN (@pin twice).
 * Errors: ENR_CRYPTO_ERROR_PIN_POLICY (nothing sent), OTP_WRONG (:otp's
 * attempts-left), OTP_LOCKED / OTP_EXPIRED (ask for a new code),
 * NO_KEYRING / KEYRING_LOCKED.
 */
void      enr_device_link_link_async       (EnrDeviceLink       *self,
                                            const char          *otp,
                                            const char          *pin,
                                            const char          *confirmation,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean  enr_device_link_link_finish      (EnrDeviceLink       *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS
