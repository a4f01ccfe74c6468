/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ENR_STORE_ERROR (enr_store_error_quark ())

/*
 * What went wrong keeping the key handle, as a citizen meets it. Errors of
 * the layer below (ENR_CRYPTO_ERROR: a damaged handle) pass through
 * unchanged. Wrong PINs are not this layer's: SmartCA's PIN guard counts
 * them (PROTOCOL.md rev 2), and the store never sees a PIN.
 */
typedef enum
{
  ENR_STORE_ERROR_FAILED,
  ENR_STORE_ERROR_NO_KEYRING,       /* no Secret Service (gnome-keyring) in the session */
  ENR_STORE_ERROR_KEYRING_LOCKED,   /* the keyring is locked and was not unlocked */
  ENR_STORE_ERROR_NOT_FOUND,        /* nothing kept for this citizen and service */
  ENR_STORE_ERROR_NO_KEY,           /* a login is kept, but no key handle yet */
  ENR_STORE_ERROR_CORRUPT,          /* what the keyring holds cannot be read, or no wrapping
                                     * opens with the share SmartCA gave for the PIN */
  ENR_STORE_ERROR_OUTDATED,         /* a key kept before the PIN guard: link the computer again */
} EnrStoreError;

GQuark      enr_store_error_quark   (void);
const char *enr_store_error_message (EnrStoreError code);

void        enr_store_error_set     (GError       **error,
                                     EnrStoreError  code,
                                     const char    *format,
                                     ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
