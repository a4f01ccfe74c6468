/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Why a string is not a citizen ID, one reason a citizen can act on. */
typedef enum
{
  ENR_CITIZEN_ID_OK = 0,
  ENR_CITIZEN_ID_EMPTY,
  ENR_CITIZEN_ID_NOT_DIGITS,
  ENR_CITIZEN_ID_TOO_SHORT,
  ENR_CITIZEN_ID_TOO_LONG,
  ENR_CITIZEN_ID_UNKNOWN_PROVINCE,
  ENR_CITIZEN_ID_FUTURE_YEAR,
  ENR_CITIZEN_ID_BIRTH_YEAR_MISMATCH,
} EnrCitizenIdStatus;

/* What the twelve digits say about their holder. */
typedef struct
{
  guint    place_code;   /* digits 1-3 */
  gboolean in_vietnam;   /* a province code, not a foreign-country code */
  gboolean female;
  guint    birth_year;   /* the full year, century included */
} EnrCitizenIdInfo;

EnrCitizenIdStatus enr_citizen_id_check        (const char       *text,
                                                GDate            *date_of_birth,
                                                GDate            *today,
                                                EnrCitizenIdInfo *info);
gboolean           enr_citizen_id_is_province  (guint             code);
const char        *enr_citizen_id_status_message (EnrCitizenIdStatus status);
char              *enr_citizen_id_mask         (const char       *text);

G_END_DECLS
