/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "sbx-db.h"
#include "sbx-hsm.h"
#include "sbx-request.h"

G_BEGIN_DECLS

/*
 * A credential's PIN guard (PROTOCOL.md rev 2, "PIN guard"): SHA-256 of the
 * client's pinVerifier, the pinShare the service hands out for the right
 * one (kept sealed, sbx-hsm.h), and the wrong PINs in a row, which lock it
 * at the fifth. A change of device makes a pending guard that replaces the
 * current one on device/confirm; nothing else ever reads a pending guard.
 */

#define SBX_PIN_MAX_WRONG     5
#define SBX_PIN_VERIFIER_SIZE 32

/* @field of @object, Base64 of 32 bytes (else 400 / 30000 naming it, and
 * FALSE): its SHA-256 in @hash. The decoded verifier is wiped. */
gboolean  sbx_pin_guard_read_verifier (SbxRequest   *req,
                                       JsonObject   *object,
                                       const char   *field,
                                       guint8        hash[32]);

/* A new guard with a new share for @credential_id, in the caller's
 * transaction: the current one (unlocked), or the pending one. Returns the
 * share as Base64, to hand out once (wipe it), or NULL on a failure. */
char     *sbx_pin_guard_new           (SbxDb        *db,
                                       SbxHsm       *hsm,
                                       const char   *credential_id,
                                       const guint8  verifier_hash[32],
                                       gboolean      pending);

/* enrollment/device/confirm: the pending guard becomes the current one,
 * unlocked. */
gboolean  sbx_pin_guard_confirm       (SbxDb        *db,
                                       const char   *credential_id);

G_END_DECLS
