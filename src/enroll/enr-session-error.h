/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ENR_SESSION_ERROR (enr_session_error_quark ())

/*
 * Every error an action of EnrSession, EnrAccount or EnrDeviceLink ends
 * with (but G_IO_ERROR_CANCELLED), said the way a citizen meets it: the
 * message tells what happened and what to do next, in the UI language,
 * and the code tells which way on there is. What the lower layers said is
 * in the log (G_MESSAGES_DEBUG=all), never in front of the citizen.
 *
 * An error of this domain is an extended error: the details below travel
 * in it, so a page needs nothing else to mark the right field or show a
 * countdown.
 */
typedef enum
{
  ENR_SESSION_ERROR_RETRY,        /* try the same again: the network, the service, the keyring */
  ENR_SESSION_ERROR_LOG_IN,       /* log in to VNeID again; the step is kept */
  ENR_SESSION_ERROR_START_OVER,   /* this registration cannot go on here: start again */
  ENR_SESSION_ERROR_WAIT,         /* wait enr_session_error_get_retry_after() seconds */
  ENR_SESSION_ERROR_FIELD,        /* what was typed is wrong: enr_session_error_get_field() */
  ENR_SESSION_ERROR_LOCKED,       /* too many tries: enr_session_error_get_unlock() says what
                                   * unlocks it */
  ENR_SESSION_ERROR_REFUSED,      /* refused for good: enr_session_error_get_reason() says why */
  ENR_SESSION_ERROR_GET_HELP,     /* this computer cannot go on: no service configured, a server
                                   * or a certificate that is not trusted; someone must act */
} EnrSessionError;

/* The field whose content was refused (ENR_SESSION_ERROR_FIELD). */
typedef enum
{
  ENR_SESSION_FIELD_NONE,
  ENR_SESSION_FIELD_PASSWORD,     /* the citizen ID or the VNeID password */
  ENR_SESSION_FIELD_CODE,         /* the SMS code (OTP) */
  ENR_SESSION_FIELD_PIN,          /* the PIN that opens the key */
  ENR_SESSION_FIELD_NEW_PIN,      /* a new PIN, refused by the PIN rules */
  ENR_SESSION_FIELD_CONSENT,      /* the consent to share the identity */
} EnrSessionField;

/* What unlocks a lock (ENR_SESSION_ERROR_LOCKED). */
typedef enum
{
  ENR_SESSION_UNLOCK_NONE,
  ENR_SESSION_UNLOCK_NEW_CODE,    /* ask for a new SMS code */
  ENR_SESSION_UNLOCK_PASSWORD,    /* log in with the password again for a new code */
  ENR_SESSION_UNLOCK_LINK_AGAIN,  /* link this computer again (change of device) */
} EnrSessionUnlock;

/* Why, where it matters to the page (any code). */
typedef enum
{
  ENR_SESSION_REASON_NONE,
  ENR_SESSION_REASON_IDENTITY_LEVEL,   /* a level-1 VNeID account */
  ENR_SESSION_REASON_REJECTED,         /* the registration was rejected */
  ENR_SESSION_REASON_LOGIN_DENIED,     /* the QR login was refused on the phone */
  ENR_SESSION_REASON_OTHER_CITIZEN,    /* a new login named another citizen */
  ENR_SESSION_REASON_NOT_ENROLLED,     /* nothing to link yet: register first */
  ENR_SESSION_REASON_REQUEST_GONE,     /* a signing request expired or was answered elsewhere */
  ENR_SESSION_REASON_CONNECTION,       /* the service was not reached: check the connection */
  ENR_SESSION_REASON_TIMESTAMP,        /* the time-stamp authority was not reached: retry it,
                                        * or sign without a trusted time */
  ENR_SESSION_REASON_DOCUMENT,         /* a document cannot be signed or checked (encrypted,
                                        * damaged, not a PDF): the message names it */
} EnrSessionReason;

GQuark            enr_session_error_quark             (void);

/* The details of an ENR_SESSION_ERROR; the "none" value (-1 for the
 * numbers) for one that has none or an error of another domain. */
EnrSessionField   enr_session_error_get_field         (const GError *error);
/* Tries the service still takes (wrong codes, passwords, PINs). */
gint              enr_session_error_get_attempts_left (const GError *error);
/* Seconds to wait (WAIT; also a lock that ends by itself). */
gint64            enr_session_error_get_retry_after   (const GError *error);
EnrSessionUnlock  enr_session_error_get_unlock        (const GError *error);
EnrSessionReason  enr_session_error_get_reason        (const GError *error);

G_END_DECLS
