/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-session.h"
#include "enr-vneid-types.h"

G_BEGIN_DECLS

/*
 * A session's non-secret progress, as JSON: what a program started again
 * needs to resume. By construction it has no room for a token, an OTP, a
 * PIN, a password or a key: those live in the keyring or nowhere.
 */
typedef struct
{
  char           *smartca_url;       /* the service it belongs to */
  EnrSessionStep  step;
  char           *citizen_id;
  char           *device_id;         /* nullable: made at activation */
  char           *registration_id;   /* nullable */
  char           *credential_id;     /* nullable */
  EnrIdentity    *identity;          /* nullable */
  char           *signed_contract_name;  /* nullable: the signed copies kept beside it */
  char           *signed_record_name;
  gint64          saved_at;          /* g_get_real_time() µs */
} EnrCheckpoint;

#define ENR_CHECKPOINT_VERSION 1

GBytes        *enr_checkpoint_to_bytes   (const EnrCheckpoint *checkpoint);
/* G_IO_ERROR_INVALID_DATA for a file that is not a checkpoint this
 * version can read. */
EnrCheckpoint *enr_checkpoint_from_bytes (GBytes              *bytes,
                                          GError             **error);
void           enr_checkpoint_free       (EnrCheckpoint       *checkpoint);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrCheckpoint, enr_checkpoint_free)

G_END_DECLS
