/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "enr-key-handle.h"

G_BEGIN_DECLS

/*
 * The key handle's record in the Secret Service (gnome-keyring, or
 * libsecret's file backend): one item per enrollment and SmartCA service, of
 * the schema vn.smartca.Enroll.KeyHandle, its secret the record of
 * enr-key-handle-private.h, stored and read as binary (non-pageable).
 *
 * gnome-keyring keeps attributes unencrypted (as unsalted MD5, reversed in
 * seconds for a citizen ID): an item's attributes are opaque, "handle-id"
 * (random) and "service-url", and everything personal is inside its
 * secret. Items written before (attributes "citizen-id", "credential-id",
 * "device-id", "service-url": the legacy schema) are read once to be
 * brought up to date, then removed.
 *
 * Blocking calls: worker threads only, one at a time (the caller locks).
 */

const SecretSchema *enr_keyring_get_schema        (void);
const SecretSchema *enr_keyring_get_legacy_schema (void);

/* Wipes the secret @value (nullable) holds, in place, then drops the
 * reference: for a value that nothing reads any more. */
void                enr_keyring_value_wipe (SecretValue   *value);

/* The newest record for @handle_id at @service_url; if an interrupted
 * write left an older one beside it, that one is removed. */
EnrKeyHandle       *enr_keyring_read       (const char    *handle_id,
                                            const char    *service_url,
                                            GCancellable  *cancellable,
                                            GError       **error);
/* Replaces the record in one step. With @drop_others, then removes every
 * other item at the same service whose secret names the same owner (one
 * key handle per citizen per service). */
gboolean            enr_keyring_write      (EnrKeyHandle  *handle,
                                            gboolean       drop_others,
                                            GCancellable  *cancellable,
                                            GError       **error);
gboolean            enr_keyring_remove     (const char    *handle_id,
                                            const char    *service_url,
                                            GCancellable  *cancellable,
                                            GError       **error);

/* The newest item of the legacy schema for @citizen_id at @service_url
 * (its record, of version 1 or 2), or ENR_STORE_ERROR_NOT_FOUND. */
EnrKeyHandle       *enr_keyring_read_legacy   (const char    *citizen_id,
                                               const char    *service_url,
                                               GCancellable  *cancellable,
                                               GError       **error);
gboolean            enr_keyring_remove_legacy (const char    *citizen_id,
                                               const char    *service_url,
                                               GCancellable  *cancellable,
                                               GError       **error);

G_END_DECLS
