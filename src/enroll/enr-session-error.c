/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a citizen is told when an action fails, and which way on there is:
 * the one place where an error of the layers below (service, store,
 * crypto) becomes words in front of the citizen.
 */
#define G_LOG_DOMAIN "enr-session-error"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "enr-crypto-error.h"
#include "enr-pades-sign.h"
#include "enr-service-error.h"
#include "enr-session-error-private.h"
#include "enr-store-error.h"

typedef struct
{
  EnrSessionField  field;
  gint             attempts_left;
  gint64           retry_after_s;
  EnrSessionUnlock unlock;
  EnrSessionReason reason;
} EnrSessionErrorPrivate;

/* GLib hands these the error's private part, which is never NULL; the
 * checks only tell the compiler so (-Wnull-dereference). */
static void
enr_session_error_private_init (EnrSessionErrorPrivate *priv)
{
  if (priv == NULL)
    return;
  priv->attempts_left = -1;
  priv->retry_after_s = -1;
}

static void
enr_session_error_private_copy (const EnrSessionErrorPrivate *src,
                                EnrSessionErrorPrivate       *dest)
{
  if (src != NULL && dest != NULL)
    *dest = *src;
}

static void
enr_session_error_private_clear (EnrSessionErrorPrivate *priv)
{
}

G_DEFINE_EXTENDED_ERROR (EnrSessionError, enr_session_error)

/* --- Reading the details ------------------------------------------------------ */

static const EnrSessionErrorPrivate *
details_of (const GError *error)
{
  static const EnrSessionErrorPrivate none = { ENR_SESSION_FIELD_NONE, -1, -1,
                                               ENR_SESSION_UNLOCK_NONE, ENR_SESSION_REASON_NONE };
  const EnrSessionErrorPrivate *details;

  if (error == NULL || error->domain != ENR_SESSION_ERROR)
    return &none;
  details = enr_session_error_get_private (error);
  return details != NULL ? details : &none;
}

EnrSessionField
enr_session_error_get_field (const GError *error)
{
  return details_of (error)->field;
}

gint
enr_session_error_get_attempts_left (const GError *error)
{
  return details_of (error)->attempts_left;
}

gint64
enr_session_error_get_retry_after (const GError *error)
{
  return details_of (error)->retry_after_s;
}

EnrSessionUnlock
enr_session_error_get_unlock (const GError *error)
{
  return details_of (error)->unlock;
}

EnrSessionReason
enr_session_error_get_reason (const GError *error)
{
  return details_of (error)->reason;
}

/* --- Making them ----------------------------------------------------------------- */

/* What one error becomes: its code, its details, its message. */
typedef struct
{
  EnrSessionError  code;
  EnrSessionField  field;
  EnrSessionUnlock unlock;
  EnrSessionReason reason;
  const char      *message;        /* translated */
} Outcome;

/* "… 3 attempts left." */
static char *
with_attempts (const char *message,
               gint64      attempts_left)
{
  g_autofree char *left = NULL;

  if (attempts_left < 0)
    return g_strdup (message);
  left = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d attempt left.", "%d attempts left.",
                                       (gulong) attempts_left),
                          (int) attempts_left);
  return g_strdup_printf ("%s %s", message, left);
}

/* "… Try again in 5 minutes." */
static char *
with_wait (const char *message,
           gint64      retry_after_s)
{
  g_autofree char *wait = NULL;
  gint64 minutes;

  if (retry_after_s <= 0)
    return g_strdup (message);
  minutes = (retry_after_s + 59) / 60;
  wait = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Try again in %d minute.",
                                       "Try again in %d minutes.", (gulong) minutes),
                          (int) minutes);
  return g_strdup_printf ("%s %s", message, wait);
}

/* @attempts_left and @retry_after_s: -1 when not said. */
static GError *
make (const Outcome *outcome,
      gint64         attempts_left,
      gint64         retry_after_s)
{
  g_autofree char *message = NULL;
  EnrSessionErrorPrivate *details;
  GError *error;

  if (outcome->code == ENR_SESSION_ERROR_FIELD)
    message = with_attempts (outcome->message, attempts_left);
  else if (outcome->code == ENR_SESSION_ERROR_WAIT)
    message = with_wait (outcome->message, retry_after_s);
  else
    message = g_strdup (outcome->message);

  error = g_error_new_literal (ENR_SESSION_ERROR, outcome->code, message);
  details = enr_session_error_get_private (error);
  g_assert (details != NULL);
  details->field = outcome->field;
  details->unlock = outcome->unlock;
  details->reason = outcome->reason;
  details->attempts_left = attempts_left >= 0 ? (gint) MIN (attempts_left, G_MAXINT) : -1;
  details->retry_after_s = retry_after_s;
  return error;
}

#define OUTCOME(...) ((Outcome) { __VA_ARGS__ })

static Outcome
service_outcome (EnrServiceError code)
{
  switch (code)
    {
    case ENR_SERVICE_ERROR_NOT_CONFIGURED:
      return OUTCOME (.code = ENR_SESSION_ERROR_GET_HELP,
                      .message = _("No VNeID or SmartCA service is configured on this computer. "
                                   "Ask the person who set it up, or start the program with "
                                   "--sandbox to try it out."));
    case ENR_SERVICE_ERROR_INCOMPLETE_INSTALLATION:
      /* The connection check's report says which part. */
      return OUTCOME (.code = ENR_SESSION_ERROR_GET_HELP, .reason = ENR_SESSION_REASON_CONNECTION,
                      .message = _("This program cannot reach the service: a part of it is "
                                   "missing. Install it again, or ask the person who looks "
                                   "after this computer."));
    case ENR_SERVICE_ERROR_NO_NETWORK:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY, .reason = ENR_SESSION_REASON_CONNECTION,
                      .message = _("This computer cannot reach the service. Check the network "
                                   "connection, then try again."));
    case ENR_SERVICE_ERROR_TIMEOUT:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY, .reason = ENR_SESSION_REASON_CONNECTION,
                      .message = _("The service took too long to answer. Everything you entered "
                                   "is kept: try again."));
    case ENR_SERVICE_ERROR_TLS_UNTRUSTED:
      return OUTCOME (.code = ENR_SESSION_ERROR_GET_HELP, .reason = ENR_SESSION_REASON_CONNECTION,
                      .message = _("The service could not prove who it is, so nothing was sent "
                                   "to it. Do not go on; tell the person who looks after this "
                                   "computer."));
    case ENR_SERVICE_ERROR_MALFORMED_REPLY:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("The service sent an answer this program does not understand. "
                                   "Try again later."));
    case ENR_SERVICE_ERROR_LOGIN_EXPIRED:
      return OUTCOME (.code = ENR_SESSION_ERROR_LOG_IN,
                      .message = _("Your login has expired. Log in to VNeID again: you will carry "
                                   "on where you were."));
    case ENR_SERVICE_ERROR_WRONG_PASSWORD:
      return OUTCOME (.code = ENR_SESSION_ERROR_FIELD, .field = ENR_SESSION_FIELD_PASSWORD,
                      .message = _("The citizen ID or the password is wrong. Check them and try "
                                   "again."));
    case ENR_SERVICE_ERROR_ACCOUNT_LOCKED:
      return OUTCOME (.code = ENR_SESSION_ERROR_WAIT,
                      .message = _("Too many wrong passwords or SMS codes: your VNeID account is "
                                   "locked for a while. Wait, or log in by scanning the QR code "
                                   "with the VNeID app."));
    case ENR_SERVICE_ERROR_OTP_WRONG:
      return OUTCOME (.code = ENR_SESSION_ERROR_FIELD, .field = ENR_SESSION_FIELD_CODE,
                      .message = _("The code is wrong. Check the SMS and type it again."));
    case ENR_SERVICE_ERROR_OTP_EXPIRED:
      return OUTCOME (.code = ENR_SESSION_ERROR_LOCKED, .unlock = ENR_SESSION_UNLOCK_NEW_CODE,
                      .message = _("The code has expired. Ask for a new one."));
    case ENR_SERVICE_ERROR_OTP_LOCKED:
      /* PROTOCOL.md rev 2: SmartCA also revoked the citizen's login. */
      return OUTCOME (.code = ENR_SESSION_ERROR_LOG_IN,
                      .message = _("Too many wrong codes. For your safety SmartCA has logged you "
                                   "out: log in to VNeID again, then ask for a new code. You will "
                                   "carry on where you were."));
    case ENR_SERVICE_ERROR_FRESH_LOGIN_REQUIRED:
      return OUTCOME (.code = ENR_SESSION_ERROR_LOG_IN,
                      .message = _("To link this computer, SmartCA needs a VNeID login made just "
                                   "now. Log in to VNeID again: you will carry on where you "
                                   "were."));
    case ENR_SERVICE_ERROR_PIN_WRONG:
      return OUTCOME (.code = ENR_SESSION_ERROR_FIELD, .field = ENR_SESSION_FIELD_PIN,
                      .message = _("The PIN is wrong."));
    case ENR_SERVICE_ERROR_PIN_LOCKED:
      return OUTCOME (.code = ENR_SESSION_ERROR_LOCKED, .unlock = ENR_SESSION_UNLOCK_LINK_AGAIN,
                      .message = _("The PIN was wrong five times in a row, so SmartCA has locked "
                                   "your key. Link this computer again with “Use my SmartCA on "
                                   "this computer” and choose a new PIN."));
    case ENR_SERVICE_ERROR_TOO_SOON:
      return OUTCOME (.code = ENR_SESSION_ERROR_WAIT,
                      .message = _("A code was sent a moment ago. Wait a little before asking "
                                   "for another."));
    case ENR_SERVICE_ERROR_LOGIN_DENIED:
      return OUTCOME (.code = ENR_SESSION_ERROR_REFUSED,
                      .reason = ENR_SESSION_REASON_LOGIN_DENIED,
                      .message = _("The login was refused in the VNeID app. Try again with a new "
                                   "QR code, or log in with your password."));
    case ENR_SERVICE_ERROR_IDENTITY_LEVEL:
      return OUTCOME (.code = ENR_SESSION_ERROR_REFUSED,
                      .reason = ENR_SESSION_REASON_IDENTITY_LEVEL,
                      .message = _("Your VNeID account is level 1. A SmartCA certificate needs a "
                                   "level 2 account: activate it at the police office of your "
                                   "ward or commune, then come back."));
    case ENR_SERVICE_ERROR_CONSENT_REQUIRED:
      return OUTCOME (.code = ENR_SESSION_ERROR_FIELD, .field = ENR_SESSION_FIELD_CONSENT,
                      .message = _("SmartCA needs your consent to receive your identity before it "
                                   "can register you."));
    case ENR_SERVICE_ERROR_WRONG_STATE:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("The service is at another step of your registration. The "
                                   "program will take you there."));
    case ENR_SERVICE_ERROR_NOT_FOUND:
      return OUTCOME (.code = ENR_SESSION_ERROR_START_OVER,
                      .message = _("The service does not know this registration. Start again from "
                                   "the VNeID login."));
    case ENR_SERVICE_ERROR_HASH_MISMATCH:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("The document changed while you were reading it. Read the new "
                                   "one, then sign again."));
    case ENR_SERVICE_ERROR_SAD_INVALID:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("SmartCA did not accept the approval from this computer. If "
                                   "this happens again, link this computer again with “Use my "
                                   "SmartCA on this computer”."));
    case ENR_SERVICE_ERROR_CHALLENGE_EXPIRED:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("The request waited too long and expired. Try again."));
    case ENR_SERVICE_ERROR_REJECTED:
      return OUTCOME (.code = ENR_SESSION_ERROR_START_OVER, .reason = ENR_SESSION_REASON_REJECTED,
                      .message = _("Your registration was rejected. Contact VNPT SmartCA support "
                                   "(18001260)."));
    case ENR_SERVICE_ERROR_TRANSACTION_REJECTED:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("The signing request was rejected, so nothing was signed. A "
                                   "new request is shown: approve it to go on."));
    case ENR_SERVICE_ERROR_OTHER_CITIZEN:
      return OUTCOME (.code = ENR_SESSION_ERROR_START_OVER,
                      .reason = ENR_SESSION_REASON_OTHER_CITIZEN,
                      .message = _("You logged in as another citizen. Log in with the account "
                                   "this registration belongs to, or start over."));
    case ENR_SERVICE_ERROR_UNAVAILABLE:
    case ENR_SERVICE_ERROR_LOGIN_PENDING:
    case ENR_SERVICE_ERROR_LOGIN_CODE_EXPIRED:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY, .reason = ENR_SESSION_REASON_CONNECTION,
                      .message = _("The service is busy or down for a moment. Everything you "
                                   "entered is kept: try again in a minute."));
    case ENR_SERVICE_ERROR_FAILED:
    default:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("The service refused the request. Try again; if it happens "
                                   "again, contact VNPT SmartCA support (18001260)."));
    }
}

static Outcome
store_outcome (EnrStoreError code)
{
  switch (code)
    {
    case ENR_STORE_ERROR_NO_KEYRING:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("This computer has no keyring to keep your SmartCA key safely. "
                                   "Log in to a full desktop session, or use the program at a "
                                   "public service counter."));
    case ENR_STORE_ERROR_KEYRING_LOCKED:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("Your keyring is locked. Unlock it (it opens with your login "
                                   "password), then try again."));
    case ENR_STORE_ERROR_NOT_FOUND:
      return OUTCOME (.code = ENR_SESSION_ERROR_START_OVER,
                      .message = _("Your SmartCA key is not on this computer. Link this computer "
                                   "with “Use my SmartCA on this computer”."));
    case ENR_STORE_ERROR_NO_KEY:
      return OUTCOME (.code = ENR_SESSION_ERROR_START_OVER,
                      .message = _("Your SmartCA service is not activated on this computer yet. "
                                   "Continue the registration to set your PIN."));
    case ENR_STORE_ERROR_OUTDATED:
      return OUTCOME (.code = ENR_SESSION_ERROR_LOCKED, .unlock = ENR_SESSION_UNLOCK_LINK_AGAIN,
                      .message = _("Your SmartCA key on this computer was made by an older version "
                                   "of this program, without SmartCA’s PIN protection, so it is no "
                                   "longer used. Link this computer again with “Use my SmartCA on "
                                   "this computer”."));
    case ENR_STORE_ERROR_CORRUPT:
      return OUTCOME (.code = ENR_SESSION_ERROR_LOCKED, .unlock = ENR_SESSION_UNLOCK_LINK_AGAIN,
                      .message = _("What the keyring holds for your SmartCA key is damaged. "
                                   "Remove it and link this computer again with “Use my SmartCA "
                                   "on this computer”."));
    case ENR_STORE_ERROR_FAILED:
    default:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("The keyring could not keep or read your SmartCA key. Try "
                                   "again; if it happens again, restart the computer."));
    }
}

static Outcome
crypto_outcome (EnrCryptoError code)
{
  switch (code)
    {
    case ENR_CRYPTO_ERROR_PIN_POLICY:
      return OUTCOME (.code = ENR_SESSION_ERROR_FIELD, .field = ENR_SESSION_FIELD_NEW_PIN,
                      .message = _("This PIN cannot be used. Choose another one."));
    case ENR_CRYPTO_ERROR_WRONG_PIN:
      return OUTCOME (.code = ENR_SESSION_ERROR_FIELD, .field = ENR_SESSION_FIELD_PIN,
                      .message = _("The PIN is wrong. Check it and try again."));
    case ENR_CRYPTO_ERROR_CORRUPT_HANDLE:
      return OUTCOME (.code = ENR_SESSION_ERROR_LOCKED, .unlock = ENR_SESSION_UNLOCK_LINK_AGAIN,
                      .message = _("The protected SmartCA key on this computer is damaged and "
                                   "cannot be used. Remove it, then link this computer again with "
                                   "“Use my SmartCA on this computer”."));
    case ENR_CRYPTO_ERROR_UNSUPPORTED_VERSION:
      return OUTCOME (.code = ENR_SESSION_ERROR_GET_HELP,
                      .message = _("The SmartCA key on this computer was saved by a newer version "
                                   "of this program. Update the program, then try again."));
    case ENR_CRYPTO_ERROR_BAD_KEY:
      return OUTCOME (.code = ENR_SESSION_ERROR_LOCKED, .unlock = ENR_SESSION_UNLOCK_LINK_AGAIN,
                      .message = _("The key on this computer is not one SmartCA accepts. Link this "
                                   "computer again with “Use my SmartCA on this computer”."));
    case ENR_CRYPTO_ERROR_KEY_WIPED:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("For your safety the key was cleared from memory. Enter your "
                                   "PIN again."));
    case ENR_CRYPTO_ERROR_NO_TRUST_ANCHOR:
      return OUTCOME (.code = ENR_SESSION_ERROR_GET_HELP,
                      .message = _("The list of trusted certificate authorities on this computer "
                                   "cannot be read. Tell the person who looks after this "
                                   "computer."));
    case ENR_CRYPTO_ERROR_CERT_INVALID:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("The certificate SmartCA sent cannot be read or is not a "
                                   "signing certificate. Try again later; if it happens again, "
                                   "contact VNPT SmartCA support (18001260)."));
    case ENR_CRYPTO_ERROR_CERT_UNTRUSTED:
      return OUTCOME (.code = ENR_SESSION_ERROR_GET_HELP,
                      .message = _("The certificate was not issued by an authority this computer "
                                   "trusts, so it is not shown as yours. Contact VNPT SmartCA "
                                   "support (18001260)."));
    case ENR_CRYPTO_ERROR_CERT_WRONG_PERSON:
      return OUTCOME (.code = ENR_SESSION_ERROR_GET_HELP,
                      .message = _("The certificate SmartCA sent is in someone else’s name. Do "
                                   "not use it; contact VNPT SmartCA support (18001260)."));
    case ENR_CRYPTO_ERROR_CERT_EXPIRED:
      return OUTCOME (.code = ENR_SESSION_ERROR_GET_HELP,
                      .message = _("The certificate has expired. Renew your SmartCA service."));
    case ENR_CRYPTO_ERROR_CERT_NOT_YET_VALID:
      return OUTCOME (.code = ENR_SESSION_ERROR_GET_HELP,
                      .message = _("The certificate is not valid yet. Check that this computer’s "
                                   "date and time are right."));
    case ENR_CRYPTO_ERROR_SAD_INVALID:
    case ENR_CRYPTO_ERROR_PDF_MALFORMED:
    case ENR_CRYPTO_ERROR_PDF_NOT_SIGNED:
    case ENR_CRYPTO_ERROR_PDF_MODIFIED:
    case ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE:
    case ENR_CRYPTO_ERROR_PDF_WRONG_DOCUMENT:
    case ENR_CRYPTO_ERROR_PDF_WRONG_SIGNER:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("SmartCA sent back a signed document that does not check out, "
                                   "so it is not kept. Try again; if it happens again, contact "
                                   "VNPT SmartCA support (18001260)."));
    case ENR_CRYPTO_ERROR_FAILED:
    default:
      return OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                      .message = _("A security operation failed on this computer. Try again; if "
                                   "it happens again, restart the program."));
    }
}

/* A document the citizen chose, named as they know it (@name; NULL: "the
 * document"): what is wrong with it, and that nothing was written. The
 * message is kept in *@message. */
static Outcome
document_outcome (EnrPadesSignError   code,
                  const char         *name,
                  char              **message)
{
  g_autofree char *quoted = NULL;
  EnrSessionError kind = ENR_SESSION_ERROR_REFUSED;

  /* Translators: a file's name as the citizen sees it, in quotes. */
  quoted = name != NULL ? g_strdup_printf (_("“%s”"), name) : g_strdup (_("The document"));
  switch (code)
    {
    case ENR_PADES_SIGN_ERROR_NOT_PDF:
      /* Translators: %s is a file's name in quotes, or "The document". */
      *message = g_strdup_printf (_("%s is not a PDF document, so it cannot be signed. Nothing "
                                    "was written."), quoted);
      break;
    case ENR_PADES_SIGN_ERROR_DAMAGED:
      *message = g_strdup_printf (_("%s is damaged and cannot be read, so it cannot be signed. "
                                    "Nothing was written."), quoted);
      break;
    case ENR_PADES_SIGN_ERROR_ENCRYPTED:
      *message = g_strdup_printf (_("%s is protected by a password or encryption, so it cannot "
                                    "be signed. Nothing was written."), quoted);
      break;
    case ENR_PADES_SIGN_ERROR_UNSUPPORTED:
      *message = g_strdup_printf (_("%s is made in a way this program cannot sign. Nothing was "
                                    "written."), quoted);
      break;
    case ENR_PADES_SIGN_ERROR_BAD_PLACEMENT:
      *message = g_strdup_printf (_("The signature box of %s is not on a page of the document. "
                                    "Place it again."), quoted);
      break;
    case ENR_PADES_SIGN_ERROR_CHANGED:
      kind = ENR_SESSION_ERROR_RETRY;
      *message = g_strdup_printf (_("%s changed after it was made ready for signing, so it was "
                                    "not signed. Sign it again."), quoted);
      break;
    case ENR_PADES_SIGN_ERROR_IO:
    default:
      kind = ENR_SESSION_ERROR_RETRY;
      *message = g_strdup_printf (_("%s could not be read, or its signed copy could not be "
                                    "saved. Check that the folder can be written to and the disk "
                                    "is not full, then try again."), quoted);
      break;
    }
  return OUTCOME (.code = kind, .reason = ENR_SESSION_REASON_DOCUMENT, .message = *message);
}

GError *
_enr_session_error_for_document (GError     *error,
                                 const char *name)
{
  g_autofree char *message = NULL;
  Outcome outcome;
  GError *told;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == ENR_PADES_SIGN_ERROR)
    outcome = document_outcome ((EnrPadesSignError) error->code, name, &message);
  else if (error->domain == ENR_CRYPTO_ERROR)
    {
      /* The program's own check of what it wrote said no: it is not kept. */
      g_autofree char *quoted = name != NULL ? g_strdup_printf (_("“%s”"), name)
                                             : g_strdup (_("The document"));

      /* Translators: %s is a file's name in quotes, or "The document". */
      message = g_strdup_printf (_("The signed copy of %s did not pass this program’s own check, "
                                   "so it was not kept. Try again; if it happens again, contact "
                                   "VNPT SmartCA support (18001260)."), quoted);
      outcome = OUTCOME (.code = ENR_SESSION_ERROR_RETRY, .reason = ENR_SESSION_REASON_DOCUMENT,
                         .message = message);
    }
  else
    return _enr_session_error_from (error);

  told = make (&outcome, -1, -1);
  g_debug ("%s %d (%s) is told as %d: %s", g_quark_to_string (error->domain), error->code,
           error->message, told->code, told->message);
  g_error_free (error);
  return told;
}

GError *
_enr_session_error_timestamp (GError *error)
{
  Outcome outcome;

  if (error != NULL && (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                        error->domain == ENR_SESSION_ERROR))
    return error;

  if (error == NULL)
    outcome = OUTCOME (.code = ENR_SESSION_ERROR_RETRY, .reason = ENR_SESSION_REASON_TIMESTAMP,
                       .message = _("No time service is set up on this computer, so your "
                                    "signatures cannot carry a trusted time. You can sign "
                                    "without a trusted time."));
  else
    outcome = OUTCOME (.code = ENR_SESSION_ERROR_RETRY, .reason = ENR_SESSION_REASON_TIMESTAMP,
                       .message = _("The time service that gives your signatures a trusted "
                                    "time was not reached. Try again, or sign without a trusted "
                                    "time."));
  if (error != NULL)
    {
      g_debug ("the TSA: %s %d (%s)", g_quark_to_string (error->domain), error->code,
               error->message);
      g_error_free (error);
    }
  return make (&outcome, -1, -1);
}

GError *
_enr_session_error_from (GError *error)
{
  const EnrServiceErrorDetails *said;
  gint64 attempts_left = -1;
  gint64 retry_after_s = -1;
  Outcome outcome;
  GError *told;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == ENR_SESSION_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY))
    return error;

  if (error->domain == ENR_SERVICE_ERROR)
    {
      said = enr_service_error_get_details (error);
      outcome = service_outcome ((EnrServiceError) error->code);
      attempts_left = said->attempts_left;
      retry_after_s = said->retry_after_s;
      if (error->code == ENR_SERVICE_ERROR_PIN_LOCKED)
        attempts_left = 0;
    }
  else if (error->domain == ENR_STORE_ERROR)
    outcome = store_outcome ((EnrStoreError) error->code);
  else if (error->domain == ENR_PADES_SIGN_ERROR)
    return _enr_session_error_for_document (error, NULL);
  else if (error->domain == ENR_CRYPTO_ERROR)
    {
      outcome = crypto_outcome ((EnrCryptoError) error->code);
      /* The PIN rules say themselves which one the PIN breaks. */
      if (error->code == ENR_CRYPTO_ERROR_PIN_POLICY)
        outcome.message = error->message;
    }
  else
    outcome = OUTCOME (.code = ENR_SESSION_ERROR_RETRY,
                       .message = _("Something went wrong on this computer. Try again; if it "
                                    "happens again, restart the program."));

  told = make (&outcome, attempts_left, retry_after_s);
  g_debug ("%s %d (%s) is told as %d: %s", g_quark_to_string (error->domain), error->code,
           error->message, told->code, told->message);
  g_error_free (error);
  return told;
}

GError *
_enr_session_error_login_code_void (void)
{
  return make (&OUTCOME (.code = ENR_SESSION_ERROR_LOCKED, .unlock = ENR_SESSION_UNLOCK_PASSWORD,
                         .message = _("The code can no longer be used. Log in with your password "
                                      "again to get a new one.")), -1, -1);
}

GError *
_enr_session_error_refused (EnrSessionReason reason)
{
  switch (reason)
    {
    case ENR_SESSION_REASON_NOT_ENROLLED:
      return make (&OUTCOME (.code = ENR_SESSION_ERROR_REFUSED, .reason = reason,
                             .message = _("You have no VNPT SmartCA certificate to use on this "
                                          "computer yet, or its registration is not finished. "
                                          "Register with this program: it carries on where you "
                                          "left off.")), -1, -1);
    case ENR_SESSION_REASON_REQUEST_GONE:
      return make (&OUTCOME (.code = ENR_SESSION_ERROR_REFUSED, .reason = reason,
                             .message = _("This signing request is no longer waiting: it expired, "
                                          "or it was answered elsewhere. Nothing was signed from "
                                          "this computer.")), -1, -1);
    default:
      /* Only the reasons above are ever asked for: REQUEST_GONE's is the
       * one that blames no one. */
      g_return_val_if_reached (_enr_session_error_refused (ENR_SESSION_REASON_REQUEST_GONE));
    }
}

GError *
_enr_session_error_unchecked_document (const char *display_name,
                                       gboolean    readable)
{
  g_autofree char *message = NULL;

  if (readable)
    /* Translators: %s is a file's name. */
    message = g_strdup_printf (_("“%s” is not a PDF document, or it is damaged: it cannot be "
                                 "checked."), display_name);
  else
    /* Translators: %s is a file's name. */
    message = g_strdup_printf (_("“%s” could not be read. Check that the file is still there "
                                 "and that you may open it."), display_name);
  return make (&OUTCOME (.code = ENR_SESSION_ERROR_REFUSED, .reason = ENR_SESSION_REASON_DOCUMENT,
                         .message = message), -1, -1);
}
