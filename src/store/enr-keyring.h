/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "enr-key-handle.h"

G_BEGIN_DECLS

/*
 * The key handle's record in the Secret Service (gnome-keyring, or
 * libsecret's file backend): one item per citizen and SmartCA service, of
 * the schema vn.smartca.Enroll.KeyHandle, its secret the record of
 * enr-key-handle-private.h, stored and read as binary (non-pageable).
 * Blocking calls: worker threads only, one at a time (the caller locks).
 */

const SecretSchema *enr_keyring_get_schema (void);

/* Wipes the secret @value (nullable) holds, in place, then drops the
 * reference: for a value that nothing reads any more. */
void                enr_keyring_value_wipe (SecretValue   *value);

/* The newest record for @citizen_id at @service_url; if an interrupted
 * write left an older one beside it, that one is removed. */
EnrKeyHandle       *enr_keyring_read       (const char    *citizen_id,
                                            const char    *service_url,
                                            GCancellable  *cancellable,
                                            GError       **error);
/* Replaces the record in one step, then removes any other item for the
 * same citizen and service (one whose credential or device differs). */
gboolean            enr_keyring_write      (EnrKeyHandle  *handle,
                                            GCancellable  *cancellable,
                                            GError       **error);
gboolean            enr_keyring_remove     (const char    *citizen_id,
                                            const char    *service_url,
                                            GCancellable  *cancellable,
                                            GError       **error);

G_END_DECLS
