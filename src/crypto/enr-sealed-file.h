/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A file's contents sealed with AES-256-GCM under a 32-byte key kept
 * elsewhere (the signed documents beside the checkpoint, under a key the
 * keyring's secret holds): what a copy of the user's files gives without
 * the keyring is not the citizen's name or ID.
 *
 *   "ENRF" | version (1) | 0 0 0 | nonce (12) | ciphertext || tag (16)
 *
 * The additional data is the caller's (which file it is), so one sealed
 * file cannot pass for another.
 */

#define ENR_SEALED_FILE_KEY_LENGTH 32

/* A new random key, in bytes that wipe themselves. */
GBytes   *enr_sealed_file_new_key (void);
gboolean  enr_sealed_file_is_sealed (GBytes  *contents);
GBytes   *enr_sealed_file_seal    (GBytes      *plain,
                                   GBytes      *key,
                                   const char  *aad,
                                   GError     **error);
/* ENR_CRYPTO_ERROR_CORRUPT_HANDLE for damage, another key or another file. */
GBytes   *enr_sealed_file_open    (GBytes      *sealed,
                                   GBytes      *key,
                                   const char  *aad,
                                   GError     **error);

G_END_DECLS
