/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target: the checkpoint reader, and the reader of the profile
 * the keyring keeps, on arbitrary bytes. The file is the user's, but a
 * program started again must never crash on what it finds there, whoever
 * wrote it.
 */
#include "config.h"

#include "enr-checkpoint.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(EnrCheckpoint) checkpoint = enr_checkpoint_from_bytes (bytes, NULL);
  g_autoptr(EnrProfile) profile = enr_profile_from_bytes (bytes, NULL);

  /* What was read back writes out again. */
  if (checkpoint != NULL)
    g_bytes_unref (enr_checkpoint_to_bytes (checkpoint));
  if (profile != NULL)
    g_bytes_unref (enr_profile_to_bytes (profile));
  return 0;
}
