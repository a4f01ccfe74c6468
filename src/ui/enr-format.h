/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "enr-session.h"

G_BEGIN_DECLS

/* What the pages show, the way Vietnamese documents write it. */

/* "1993-04-02" → "02/04/1993"; anything else as it is. */
char       *enr_format_date      (const char        *iso_date);
/* A date and time in Vietnam time: "23/11/2026 17:00", followed by
 * "(Vietnam time)" where the computer's clock is set to another zone. */
char       *enr_format_date_time (GDateTime         *date_time);
/* "male" → "Male" (translated). */
const char *enr_format_gender    (const char        *gender);
/* Street, ward, district (older records), province, one line. */
char       *enr_format_residence (const EnrSessionIdentity *identity);

/* A Base64 SHA-256 as people compare it: "3A7F 09C2 …", upper-case hex in
 * groups of four. */
char       *enr_format_hash      (const char        *base64);
/* enr_format_date_time() of g_get_real_time() µs; "" for 0. */
char       *enr_format_time_us   (gint64             time_us);

G_END_DECLS
