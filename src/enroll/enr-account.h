/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "enr-session.h"
#include "enr-signing-request.h"

G_BEGIN_DECLS

/*
 * The enrolled desktop: what "Your SmartCA" shows and does once this
 * computer holds the citizen's key handle. The certificate and its status
 * as SmartCA reports it (csc/credentials/info), the signing requests that
 * wait for the citizen (ssa/sic/waitingtrans), approved with the PIN or
 * rejected, the change of PIN, and the removal from this computer. No GTK.
 *
 * It works on an EnrSession resumed at the end of an enrollment (or linked
 * through EnrDeviceLink): the session keeps the ids, the SmartCA login
 * and the key store, and its :busy, :last-error and :pin-attempts-left
 * are those of the actions below, which run one at a time with the
 * session's (G_IO_ERROR_BUSY otherwise). Errors are those of EnrSession,
 * plus ENR_ACCOUNT_ERROR_REQUEST_GONE.
 */

/* The credential as SmartCA reports it. */
typedef struct
{
  char   *certificate_status;   /* cert.status: "VALID", "REVOKED", … */
  char   *key_status;           /* key.status: "ENABLED", … */
  char   *credential_status;    /* status */
  char   *serial;               /* upper-case hex */
  gint64  valid_to;             /* g_get_real_time() µs; 0: not reported */
} EnrAccountStatus;

#define ENR_TYPE_ACCOUNT_STATUS (enr_account_status_get_type ())
GType             enr_account_status_get_type (void) G_GNUC_CONST;
EnrAccountStatus *enr_account_status_copy     (const EnrAccountStatus *status);
void              enr_account_status_free     (EnrAccountStatus       *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrAccountStatus, enr_account_status_free)

#define ENR_TYPE_ACCOUNT (enr_account_get_type ())
G_DECLARE_FINAL_TYPE (EnrAccount, enr_account, ENR, ACCOUNT, GObject)

/* TRUE when @session (resumed) holds a finished enrollment whose key
 * handle this computer keeps (possibly locked by wrong PINs). */
gboolean                enr_account_session_is_enrolled (EnrSession *session);

/*
 * Properties:
 *   session     (EnrSession, construct-only)
 *   status      EnrAccountStatus, NULL until the first refresh (notify)
 *   requests    GListModel of EnrSigningRequest, oldest first: kept in
 *               place across refreshes, so a list shown stays put
 *   refreshing  boolean (notify)
 */
EnrAccount             *enr_account_new            (EnrSession          *session);
EnrSession             *enr_account_get_session    (EnrAccount          *self);
const EnrAccountStatus *enr_account_get_status     (EnrAccount          *self);
GListModel             *enr_account_get_requests   (EnrAccount          *self);
gboolean                enr_account_get_refreshing (EnrAccount          *self);

/* Asks SmartCA for the credential's status and the waiting requests (and
 * the certificate, verified, if the session does not hold it yet). Not an
 * action of the session: it runs beside one. */
void      enr_account_refresh_async     (EnrAccount          *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  enr_account_refresh_finish    (EnrAccount          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/*
 * Approves @request with @pin: the key opens through SmartCA's PIN guard,
 * the request is fetched again and must ask for exactly what was shown
 * (else ENR_SERVICE_ERROR_HASH_MISMATCH), and a SAD over its challenge and
 * the hashes shown confirms it; then it leaves :requests. Errors (as the
 * session tells them): FIELD PIN with the attempts SmartCA said
 * (:pin-attempts-left), LOCKED LINK_AGAIN (the fifth wrong PIN, a key from
 * before the PIN guard), RETRY for a SAD refused (the key was replaced by
 * another computer's), REFUSED REQUEST_GONE (then it leaves :requests too).
 */
void      enr_account_approve_async     (EnrAccount          *self,
                                         EnrSigningRequest   *request,
                                         const char          *pin,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  enr_account_approve_finish    (EnrAccount          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Rejects @request (SmartCA then reports SIGNER_REJECTED to the portal). */
void      enr_account_reject_async      (EnrAccount          *self,
                                         EnrSigningRequest   *request,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  enr_account_reject_finish     (EnrAccount          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Checks @new_pin against the PIN policy and @confirmation, then changes
 * the PIN with SmartCA's PIN guard (crash-safe: the key opens afterwards
 * with whichever PIN SmartCA accepts); @old_pin tries count as for an
 * approval. */
void      enr_account_change_pin_async  (EnrAccount          *self,
                                         const char          *old_pin,
                                         const char          *new_pin,
                                         const char          *confirmation,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  enr_account_change_pin_finish (EnrAccount          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

/* Removes SmartCA from this computer: revokes its login, forgets the key
 * handle and the saved enrollment (enr_session_wipe_async()). The
 * credential stays with SmartCA, to be linked again elsewhere. */
void      enr_account_remove_async      (EnrAccount          *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean  enr_account_remove_finish     (EnrAccount          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
