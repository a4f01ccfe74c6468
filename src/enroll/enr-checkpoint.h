/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-session.h"
#include "enr-vneid-types.h"

G_BEGIN_DECLS

/*
 * What the session keeps of an enrollment, in two parts.
 *
 * The checkpoint (enrollment.json): a session's non-secret, impersonal
 * progress, what a program started again needs to resume: the step and
 * opaque ids. By construction it has no room for a token, an OTP, a PIN, a
 * password, a key, nor anything that says who the citizen is.
 *
 * The profile: the enrollment's personal data (the citizen ID, the identity
 * VNeID showed, the signed documents' names and the key they are sealed
 * under on disk, enr-sealed-file.h), kept inside the key handle's
 * secret in the keyring (enr-key-store.h), which the keyring encrypts; on a
 * kiosk, nowhere.
 */

typedef struct
{
  char        *citizen_id;
  EnrIdentity *identity;               /* nullable */
  char        *signed_contract_name;   /* nullable: the signed copies kept beside the checkpoint */
  char        *signed_record_name;
  GBytes      *documents_key;          /* nullable: the key those copies are sealed under */
} EnrProfile;

typedef struct
{
  char           *smartca_url;       /* the service it belongs to */
  EnrSessionStep  step;
  char           *handle_id;         /* the key handle's: opaque, random */
  char           *device_id;         /* nullable: made at activation */
  char           *registration_id;   /* nullable */
  char           *credential_id;     /* nullable */
  gint64          saved_at;          /* g_get_real_time() µs */
  /* Read from a version-1 file, which held the personal data in clear:
   * to be moved into the keyring, and the file written again. */
  EnrProfile     *legacy;
} EnrCheckpoint;

#define ENR_CHECKPOINT_VERSION 2

GBytes        *enr_checkpoint_to_bytes   (const EnrCheckpoint *checkpoint);
/* G_IO_ERROR_INVALID_DATA for a file that is not a checkpoint this
 * version can read (version 1 is read, with its personal data in
 * ->legacy and no handle ID). */
EnrCheckpoint *enr_checkpoint_from_bytes (GBytes              *bytes,
                                          GError             **error);
void           enr_checkpoint_free       (EnrCheckpoint       *checkpoint);

/* The profile as JSON, in bytes that wipe themselves. */
GBytes        *enr_profile_to_bytes      (const EnrProfile    *profile);
EnrProfile    *enr_profile_from_bytes    (GBytes              *bytes,
                                          GError             **error);
void           enr_profile_free          (EnrProfile          *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrCheckpoint, enr_checkpoint_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrProfile, enr_profile_free)

G_END_DECLS
