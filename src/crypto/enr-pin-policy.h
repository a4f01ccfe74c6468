/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ENR_PIN_LENGTH 6

/* Why a PIN is refused, one reason a citizen can act on. */
typedef enum
{
  ENR_PIN_POLICY_OK = 0,
  ENR_PIN_POLICY_EMPTY,
  ENR_PIN_POLICY_NOT_DIGITS,
  ENR_PIN_POLICY_TOO_SHORT,
  ENR_PIN_POLICY_TOO_LONG,
  ENR_PIN_POLICY_ALL_SAME,        /* 111111 */
  ENR_PIN_POLICY_SEQUENCE,        /* 123456, 987654 */
  ENR_PIN_POLICY_DATE_OF_BIRTH,   /* DDMMYY or YYMMDD */
  ENR_PIN_POLICY_MISMATCH,        /* the confirmation differs */
} EnrPinPolicyStatus;

/*
 * Checks @pin: exactly six ASCII digits, not all the same, not a run up or
 * down, not @date_of_birth (nullable) as DDMMYY or YYMMDD, and equal to
 * @confirmation (nullable: not checked). The PIN's own faults come first,
 * so the citizen fixes the PIN before retyping it.
 */
EnrPinPolicyStatus enr_pin_policy_check    (const char          *pin,
                                            const char          *confirmation,
                                            const GDate         *date_of_birth);
/* The reason, translated. */
const char        *enr_pin_policy_message  (EnrPinPolicyStatus   status);
/* The same check as a GError (ENR_CRYPTO_ERROR_PIN_POLICY, the reason as
 * its message). */
gboolean           enr_pin_policy_validate (const char          *pin,
                                            const char          *confirmation,
                                            const GDate         *date_of_birth,
                                            GError             **error);

G_END_DECLS
