/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "enr-kak.h"
#include "enr-key-handle.h"

G_BEGIN_DECLS

/*
 * Where the citizen's key handle lives: the desktop keyring (libsecret), or,
 * on a kiosk, this process's non-pageable memory only, wiped with
 * enr_key_store_wipe(). One handle per citizen per SmartCA service. Every
 * operation runs in a worker thread; they run one at a time.
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
  const char *citizen_id;
  const char *service_url;
  const char *credential_id;
  const char *device_id;
} EnrKeyHandleIds;

/* Points inside the PIN operations, for tests that stop the program there
 * (it is called in the worker thread). */
typedef enum
{
  ENR_KEY_STORE_STEP_ATTEMPT_COUNTED,   /* the try is counted, before the PIN is checked */
  ENR_KEY_STORE_STEP_UNWRAPPED,         /* the PIN was right */
  ENR_KEY_STORE_STEP_REWRAPPED,         /* change-PIN: the key is sealed under the new PIN */
  ENR_KEY_STORE_STEP_STORED,            /* the new record is written */
} EnrKeyStoreStep;

typedef void (*EnrKeyStoreStepFunc) (EnrKeyStoreStep step,
                                     gpointer        user_data);

EnrKeyStore     *enr_key_store_new                (EnrKeyStoreMode       mode);
EnrKeyStoreMode  enr_key_store_get_mode           (EnrKeyStore          *self);
void             enr_key_store_set_step_func      (EnrKeyStore          *self,
                                                   EnrKeyStoreStepFunc   func,
                                                   gpointer              user_data);

/*
 * Protects @kak with @pin (PBKDF2 with @iterations, 0 for this machine's
 * calibrated count) and keeps it, replacing any key kept for the citizen
 * at that service; a kept refresh token stays.
 */
void             enr_key_store_create_async       (EnrKeyStore          *self,
                                                   const EnrKeyHandleIds *ids,
                                                   EnrKak               *kak,
                                                   const char           *pin,
                                                   guint                 iterations,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
EnrKeyHandle    *enr_key_store_create_finish      (EnrKeyStore          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* What is kept, without the PIN: ENR_STORE_ERROR_NOT_FOUND if nothing. */
void             enr_key_store_lookup_async       (EnrKeyStore          *self,
                                                   const char           *citizen_id,
                                                   const char           *service_url,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
EnrKeyHandle    *enr_key_store_lookup_finish      (EnrKeyStore          *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/*
 * The KAK, with the right PIN. A wrong one is counted with the handle
 * (before it is checked, so that stopping the program does not undo it):
 * ENR_STORE_ERROR_WRONG_PIN with the tries left in @attempts_left, and
 * after the fifth in a row ENR_STORE_ERROR_HANDLE_LOCKED, for good.
 */
void             enr_key_store_unlock_async       (EnrKeyStore          *self,
                                                   const char           *citizen_id,
                                                   const char           *service_url,
                                                   const char           *pin,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
EnrKak          *enr_key_store_unlock_finish      (EnrKeyStore          *self,
                                                   GAsyncResult         *result,
                                                   guint                *attempts_left,
                                                   GError              **error);

/*
 * Unwraps with @old_pin, wraps with @new_pin, and replaces the record in
 * one keyring call: whenever the program stops, the handle opens with the
 * old PIN or the new one. Tries of @old_pin count as for unlock.
 */
void             enr_key_store_change_pin_async   (EnrKeyStore          *self,
                                                   const char           *citizen_id,
                                                   const char           *service_url,
                                                   const char           *old_pin,
                                                   const char           *new_pin,
                                                   guint                 iterations,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean         enr_key_store_change_pin_finish  (EnrKeyStore          *self,
                                                   GAsyncResult         *result,
                                                   guint                *attempts_left,
                                                   GError              **error);

/* Keeps (or, with NULL, forgets) the SmartCA refresh token beside the
 * handle, even before there is a key. */
void             enr_key_store_set_refresh_token_async  (EnrKeyStore          *self,
                                                         const char           *citizen_id,
                                                         const char           *service_url,
                                                         const char           *refresh_token,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
gboolean         enr_key_store_set_refresh_token_finish (EnrKeyStore          *self,
                                                         GAsyncResult         *result,
                                                         GError              **error);

/* Forgets everything kept for the citizen at that service. */
void             enr_key_store_remove_async       (EnrKeyStore          *self,
                                                   const char           *citizen_id,
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
