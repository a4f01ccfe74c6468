/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ENR_SERVICE_ERROR (enr_service_error_quark ())

/*
 * What went wrong talking to VNeID or SmartCA. The messages are technical,
 * for the log: the session (src/enroll, enr-session-error.c) decides what
 * a citizen is told and what they can do about it. An error of this domain
 * carries what the refusal said besides its code (an extended error:
 * enr_service_error_get_details()).
 */
typedef enum
{
  ENR_SERVICE_ERROR_NOT_CONFIGURED,      /* no service URLs and no --sandbox */
  ENR_SERVICE_ERROR_NO_NETWORK,          /* no route, no DNS, no connection */
  ENR_SERVICE_ERROR_UNAVAILABLE,         /* 5xx, 429 or refused after every retry */
  ENR_SERVICE_ERROR_TIMEOUT,
  ENR_SERVICE_ERROR_TLS_UNTRUSTED,       /* the server's certificate is not trusted */
  ENR_SERVICE_ERROR_MALFORMED_REPLY,     /* the server's answer is not what PROTOCOL.md says */
  ENR_SERVICE_ERROR_LOGIN_EXPIRED,       /* a token was refused and could not be renewed */
  ENR_SERVICE_ERROR_WRONG_PASSWORD,
  ENR_SERVICE_ERROR_ACCOUNT_LOCKED,
  ENR_SERVICE_ERROR_OTP_WRONG,
  ENR_SERVICE_ERROR_OTP_EXPIRED,         /* also: an OTP session voided by too many tries */
  ENR_SERVICE_ERROR_OTP_LOCKED,          /* a new OTP is needed */
  ENR_SERVICE_ERROR_TOO_SOON,            /* wait before asking for another OTP */
  ENR_SERVICE_ERROR_LOGIN_PENDING,       /* the QR code has not been approved yet */
  ENR_SERVICE_ERROR_LOGIN_DENIED,        /* the QR login was refused on the phone */
  ENR_SERVICE_ERROR_LOGIN_CODE_EXPIRED,  /* the QR code expired: show a new one */
  ENR_SERVICE_ERROR_IDENTITY_LEVEL,      /* VNeID level 1 cannot register */
  ENR_SERVICE_ERROR_CONSENT_REQUIRED,
  ENR_SERVICE_ERROR_WRONG_STATE,         /* the service is at another step */
  ENR_SERVICE_ERROR_NOT_FOUND,
  ENR_SERVICE_ERROR_HASH_MISMATCH,       /* the document changed under the citizen */
  ENR_SERVICE_ERROR_SAD_INVALID,         /* the key handle's approval was refused */
  ENR_SERVICE_ERROR_CHALLENGE_EXPIRED,
  ENR_SERVICE_ERROR_REJECTED,            /* the registration was rejected */
  ENR_SERVICE_ERROR_FAILED,              /* anything else the service refused */
  ENR_SERVICE_ERROR_TRANSACTION_REJECTED, /* a signing request was rejected */
  ENR_SERVICE_ERROR_OTHER_CITIZEN,       /* a new login named another citizen */
  ENR_SERVICE_ERROR_PIN_WRONG,           /* the PIN guard refused the verifier (attempts left) */
  ENR_SERVICE_ERROR_PIN_LOCKED,          /* five wrong PINs: only a change of device unlocks */
  ENR_SERVICE_ERROR_FRESH_LOGIN_REQUIRED, /* a change of device needs a fresh VNeID hand-off */
  ENR_SERVICE_ERROR_INCOMPLETE_INSTALLATION, /* this program's HTTP module cannot be loaded */
} EnrServiceError;

GQuark      enr_service_error_quark   (void);
/* What @code means, in English, for the log. */
const char *enr_service_error_message (EnrServiceError code);

/* What a refusal said besides its code: "3 attempts left", "wait 40 s". */
typedef struct
{
  gint64    attempts_left;   /* -1: not said */
  gint64    retry_after_s;   /* -1: not said */
  gboolean  slow_down;       /* a device-code poll came too soon (RFC 8628) */
  char     *state;           /* the service's state with WRONG_STATE, or NULL */
} EnrServiceErrorDetails;

/* The details of an ENR_SERVICE_ERROR (all unsaid for one made without
 * them); NULL for an error of another domain. */
const EnrServiceErrorDetails *enr_service_error_get_details (const GError *error);
/* An error of @code whose message is @code's, with @technical after it. */
GError     *enr_service_error_new           (EnrServiceError  code,
                                             const char      *technical);

/*
 * The two error shapes of PROTOCOL.md, turned into one GError with the
 * details the reply gave (attempts_left/attemptsLeft, retry_after/
 * retryAfter, the state, slow_down). @status is the HTTP status and @body
 * the parsed reply (may be NULL). They never return NULL: an unknown error
 * becomes ENR_SERVICE_ERROR_FAILED (or UNAVAILABLE for a 5xx).
 */
GError     *enr_service_error_from_oauth    (guint       status,
                                             JsonObject *body);
GError     *enr_service_error_from_envelope (guint       status,
                                             JsonObject *body);

G_END_DECLS
