/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "sbx-db.h"

G_BEGIN_DECLS

/* The OTPs the service "sends" through the outbox (PROTOCOL.md). */

typedef enum
{
  SBX_OTP_OK,
  SBX_OTP_WRONG,        /* attempts_left says how many remain (>= 1) */
  SBX_OTP_LOCKED,       /* this was the 5th wrong one: a new OTP is needed */
  SBX_OTP_EXPIRED,
  SBX_OTP_NONE,         /* no open OTP for that subject */
} SbxOtpResult;

/* Replaces any open OTP of (@purpose, @subject), stores the new one hashed,
 * writes it to @phone's outbox. Valid for @ttl_ms. In the caller's transaction. */
void          sbx_otp_issue    (SbxDb       *db,
                                const char  *purpose,
                                const char  *subject,
                                const char  *citizen_id,
                                const char  *phone,
                                const char  *scope,
                                gint64       ttl_ms);
/* Checks @otp against the open OTP of (@purpose, @subject). A correct one is
 * consumed only when @consume is TRUE: callers that may still refuse the
 * request for another reason check first and consume on success. */
SbxOtpResult  sbx_otp_check    (SbxDb       *db,
                                const char  *purpose,
                                const char  *subject,
                                const char  *otp,
                                gboolean     consume,
                                guint       *attempts_left);
/* The time the last OTP of (@purpose, @subject) was sent, or 0. */
gint64        sbx_otp_last_sent (SbxDb      *db,
                                 const char *purpose,
                                 const char *subject);

G_END_DECLS
