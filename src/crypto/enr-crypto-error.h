/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ENR_CRYPTO_ERROR (enr_crypto_error_quark ())

/*
 * What went wrong with the citizen's key, PIN, certificate or a signed
 * document. Each code has a message a citizen understands
 * (enr_crypto_error_message()); the technical detail goes to the log.
 */
typedef enum
{
  ENR_CRYPTO_ERROR_FAILED,                 /* a cryptographic operation failed */
  ENR_CRYPTO_ERROR_PIN_POLICY,             /* the new PIN is refused: the message says why */
  ENR_CRYPTO_ERROR_WRONG_PIN,
  ENR_CRYPTO_ERROR_CORRUPT_HANDLE,         /* the protected key is damaged or cut short */
  ENR_CRYPTO_ERROR_UNSUPPORTED_VERSION,    /* written by a newer version of this program */
  ENR_CRYPTO_ERROR_BAD_KEY,                /* not an RSA-2048 key with e = 65537 */
  ENR_CRYPTO_ERROR_KEY_WIPED,              /* the key was wiped from memory */
  ENR_CRYPTO_ERROR_SAD_INVALID,            /* a SAD that is malformed or badly signed */
  ENR_CRYPTO_ERROR_NO_TRUST_ANCHOR,        /* the configured CA file cannot be read */
  ENR_CRYPTO_ERROR_CERT_INVALID,           /* not a certificate, or not for signing */
  ENR_CRYPTO_ERROR_CERT_UNTRUSTED,         /* does not chain to the trust anchor */
  ENR_CRYPTO_ERROR_CERT_WRONG_PERSON,      /* names another citizen */
  ENR_CRYPTO_ERROR_CERT_EXPIRED,
  ENR_CRYPTO_ERROR_CERT_NOT_YET_VALID,
  ENR_CRYPTO_ERROR_PDF_MALFORMED,          /* not a PDF this program can read */
  ENR_CRYPTO_ERROR_PDF_NOT_SIGNED,
  ENR_CRYPTO_ERROR_PDF_MODIFIED,           /* changed after it was signed */
  ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE,      /* a signature that does not verify */
  ENR_CRYPTO_ERROR_PDF_WRONG_DOCUMENT,     /* not the document the citizen approved */
  ENR_CRYPTO_ERROR_PDF_WRONG_SIGNER,       /* signed, but not with the citizen's certificate */
} EnrCryptoError;

GQuark      enr_crypto_error_quark   (void);
const char *enr_crypto_error_message (EnrCryptoError code);

/* Sets @error to @code with the citizen's message, and logs @format (the
 * technical detail, which must hold no secret) with g_debug. */
void        enr_crypto_error_set     (GError       **error,
                                      EnrCryptoError code,
                                      const char    *format,
                                      ...) G_GNUC_PRINTF (3, 4);

G_END_DECLS
