/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Making the errors of enr-session-error.h, for src/enroll only. Every
 * citizen message lives in enr-session-error.c.
 */

#include "enr-session-error.h"

G_BEGIN_DECLS

/* @error as the citizen is told it: takes @error and returns an
 * ENR_SESSION_ERROR (G_IO_ERROR_CANCELLED, G_IO_ERROR_BUSY and errors
 * already of that domain pass unchanged). The original goes to the debug
 * log. */
GError *_enr_session_error_from            (GError           *error);
/* The VNeID login's code session is void: only the password brings a
 * new code. */
GError *_enr_session_error_login_code_void (void);
/* A document the citizen chose could not be signed (ENR_PADES_SIGN_ERROR,
 * or ENR_CRYPTO_ERROR from the check of the signed copy): REFUSED or
 * RETRY, reason DOCUMENT, naming it by @name (nullable). Takes @error;
 * other errors go to _enr_session_error_from(). */
GError *_enr_session_error_for_document    (GError           *error,
                                            const char       *name);
/* The time-stamp authority was not reached or refused (@error, taken; NULL:
 * none is configured): RETRY, reason TIMESTAMP. */
GError *_enr_session_error_timestamp       (GError           *error);
/* ENR_SESSION_ERROR_REFUSED for @reason (NOT_ENROLLED, REQUEST_GONE). */
GError *_enr_session_error_refused         (EnrSessionReason  reason);

G_END_DECLS
