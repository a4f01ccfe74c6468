/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "enr-kak.h"
#include "enr-key-handle.h"
#include "enr-pin-guard.h"

G_BEGIN_DECLS

/*
 * Where the enrollment's key handle lives: the desktop keyring (libsecret),
 * or, on a kiosk, this process's non-pageable memory only, wiped with
 * enr_key_store_wipe(). One handle per enrollment per SmartCA service,
 * named by an opaque handle ID. Every operation runs in a worker thread;
 * they run one at a time, in the order they were asked for, whichever
 * store asked.
 *
 * The store never sees a PIN. It keeps the KAK wrapped under the PIN
 * guard's key (enr-pin-guard.h): to wrap or open it, the caller brings
 * pinKey (derived from the PIN with the handle's salt and count) and
 * pinShare (which SmartCA hands out for the right PIN verifier), and both
 * are wiped once the operation is over.
 */
#define ENR_TYPE_KEY_STORE (enr_key_store_get_type ())
G_DECLARE_FINAL_TYPE (EnrKeyStore, enr_key_store, ENR, KEY_STORE, GObject)

typedef enum
{
  ENR_KEY_STORE_KEYRING,
  ENR_KEY_STORE_EPHEMERAL,
} EnrKeyStoreMode;

/* What names a new key handle. */
typedef struct
{
  const char *handle_id;
  const char *service_url;
  const char *owner;           /* the citizen ID, kept inside the secret; nullable */
  const char *credential_id;
  const char *device_id;
} EnrKeyHandleIds;

/* Points inside the operations, for tests that stop the program there (it
 * is called in the worker thread). A change of PIN goes UNWRAPPED,
 * REWRAPPED, PENDING_STORED (then the caller asks SmartCA to change the
 * verifier), then, in the open that settles it, OPENED and SETTLED. */
typedef enum
{
  ENR_KEY_STORE_STEP_UNWRAPPED,        /* add_pending: the key opened with the old PIN */
  ENR_KEY_STORE_STEP_REWRAPPED,        /* add_pending: sealed under the new PIN, not written */
  ENR_KEY_STORE_STEP_PENDING_STORED,   /* add_pending: both wrappings are kept */
  ENR_KEY_STORE_STEP_OPENED,           /* open: a wrapping opened, nothing written yet */
  ENR_KEY_STORE_STEP_SETTLED,          /* open: only the wrapping that opened is kept */
} EnrKeyStoreStep;

typedef void (*EnrKeyStoreStepFunc) (EnrKeyStoreStep step,
                                     gpointer        user_data);

EnrKeyStore     *enr_key_store_new                (EnrKeyStoreMode       mode);
EnrKeyStoreMode  enr_key_store_get_mode           (EnrKeyStore          *self);
void             enr_key_store_set_step_func      (EnrKeyStore          *self,
                                                   EnrKeyStoreStepFunc   func,
                                                   gpointer              user_data);
/*
 * A handle whose PBKDF2 count is below this (ENR_KEY_WRAP_MIN_ITERATIONS
 * unless lowered) or above ENR_KEY_WRAP_MAX_ITERATIONS is refused as
 * damaged when it is read: a count lowered behind the program's back
 * would make a stolen service database's verifiers cheap to search. For
 * tests and benchmarks, which wrap with a low count, only.
 */
void             enr_key_store_set_min_iterations (EnrKeyStore          *self,
                                                   guint                 iterations);

/*
 * Seals @kak under the wrap key of @keys' pinKey and @pin_share, bound to
 * the ids' credential and device, and keeps it with @keys' salt and count,
 * replacing any key the handle held (and, in the keyring, the owner's other
 * handles at that service); a kept refresh token and profile stay.
 */
void             enr_key_store_create_async       (EnrKeyStore          *self,
                                                   const EnrKeyHandleIds *ids,
                                                   EnrKak               *kak,
                                                   EnrPinGuardKeys      *keys,
                                                   GBytes               *pin_share,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
EnrKeyHandle    *enr_key_store_create_finish      (EnrKeyStore          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* What is kept: ENR_STORE_ERROR_NOT_FOUND if nothing; a key whose count is
 * out of bounds is ENR_STORE_ERROR_CORRUPT. */
void             enr_key_store_lookup_async       (EnrKeyStore          *self,
                                                   const char           *handle_id,
                                                   const char           *service_url,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
EnrKeyHandle    *enr_key_store_lookup_finish      (EnrKeyStore          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/*
 * The KAK: tries each wrapping the handle holds with @pin_key and
 * @pin_share and keeps the one that opens (a change of PIN cut short
 * leaves two; the share SmartCA gave proves which PIN it accepts). None
 * opening is ENR_STORE_ERROR_CORRUPT: SmartCA accepted the PIN, so the
 * handle is not the one it guards. NO_KEY without a key, OUTDATED for one
 * kept before the PIN guard.
 */
void             enr_key_store_open_async         (EnrKeyStore          *self,
                                                   const char           *handle_id,
                                                   const char           *service_url,
                                                   GBytes               *pin_key,
                                                   GBytes               *pin_share,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
EnrKak          *enr_key_store_open_finish        (EnrKeyStore          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/*
 * The first half of a change of PIN, before SmartCA is asked: opens the KAK
 * with @old_pin_key and @pin_share, seals it under @new_pin_key and the
 * same share, and keeps that wrapping beside the one that opened. Whatever
 * then happens to the call, the next open keeps the wrapping of the PIN
 * SmartCA accepts.
 */
void             enr_key_store_add_pending_async  (EnrKeyStore          *self,
                                                   const char           *handle_id,
                                                   const char           *service_url,
                                                   GBytes               *old_pin_key,
                                                   GBytes               *new_pin_key,
                                                   GBytes               *pin_share,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         enr_key_store_add_pending_finish (EnrKeyStore          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Keeps (or, with NULL, forgets) the SmartCA refresh token in the handle,
 * even before there is a key. */
void             enr_key_store_set_refresh_token_async  (EnrKeyStore          *self,
                                                         const char           *handle_id,
                                                         const char           *service_url,
                                                         const char           *refresh_token,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean         enr_key_store_set_refresh_token_finish (EnrKeyStore          *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* Keeps @profile (the session's personal data; NULL forgets it) and
 * @owner (nullable: unchanged) in the handle, even before there is a key. */
void             enr_key_store_set_profile_async  (EnrKeyStore          *self,
                                                   const char           *handle_id,
                                                   const char           *service_url,
                                                   const char           *owner,
                                                   GBytes               *profile,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         enr_key_store_set_profile_finish (EnrKeyStore          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/*
 * Brings up to date what a version before the PIN guard kept for
 * @citizen_id at @service_url (an item named by the citizen ID in clear):
 * the same refresh token, ids and owner under the new @handle_id, without
 * its KAK (wrapped under the PIN alone, so never to be kept: the handle is
 * then "outdated" until a change of device), and the old item removed.
 * ENR_STORE_ERROR_NOT_FOUND when there is none. The keyring only.
 */
void             enr_key_store_migrate_async      (EnrKeyStore          *self,
                                                   const char           *citizen_id,
                                                   const char           *service_url,
                                                   const char           *handle_id,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
EnrKeyHandle    *enr_key_store_migrate_finish     (EnrKeyStore          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Forgets everything kept under @handle_id at that service. */
void             enr_key_store_remove_async       (EnrKeyStore          *self,
                                                   const char           *handle_id,
                                                   const char           *service_url,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         enr_key_store_remove_finish      (EnrKeyStore          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* Ephemeral mode: zeroes and drops every handle now. Does nothing to a keyring. */
void             enr_key_store_wipe               (EnrKeyStore          *self);

G_END_DECLS
