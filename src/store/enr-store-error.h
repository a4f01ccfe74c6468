/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ENR_STORE_ERROR (enr_store_error_quark ())

/*
 * What went wrong keeping the key handle, as a citizen meets it. Errors of
 * the layer below (ENR_CRYPTO_ERROR: a damaged handle, a PIN the policy
 * refuses) pass through unchanged; a wrong PIN is ENR_STORE_ERROR_WRONG_PIN
 * here, as only this layer counts tries.
 */
typedef enum
{
  ENR_STORE_ERROR_FAILED,
  ENR_STORE_ERROR_NO_KEYRING,       /* no Secret Service (gnome-keyring) in the session */
  ENR_STORE_ERROR_KEYRING_LOCKED,   /* the keyring is locked and was not unlocked */
  ENR_STORE_ERROR_NOT_FOUND,        /* nothing kept for this citizen and service */
  ENR_STORE_ERROR_NO_KEY,           /* a login is kept, but no key handle yet */
  ENR_STORE_ERROR_WRONG_PIN,        /* the message says how many tries are left */
  ENR_STORE_ERROR_HANDLE_LOCKED,    /* five wrong PINs: remove it and link the computer again */
  ENR_STORE_ERROR_CORRUPT,          /* what the keyring holds cannot be read */
} EnrStoreError;

GQuark      enr_store_error_quark   (void);
const char *enr_store_error_message (EnrStoreError code);

void        enr_store_error_set     (GError       **error,
                                     EnrStoreError  code,
                                     const char    *format,
                                     ...) G_GNUC_PRINTF (3, 4);
/* ENR_STORE_ERROR_WRONG_PIN with "n tries left" in its message. */
void        enr_store_error_set_wrong_pin (GError **error,
                                           guint    attempts_left);

G_END_DECLS
