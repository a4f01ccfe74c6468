/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-crypto-error"

#include "config.h"

#include "enr-crypto-error.h"

G_DEFINE_QUARK (enr-crypto-error-quark, enr_crypto_error)

/* What the crypto layer's codes mean, in English, for the log: the
 * session tells the citizen (src/enroll/enr-session-error.c). */
const char *
enr_crypto_error_message (EnrCryptoError code)
{
  static const char * const messages[] = {
    [ENR_CRYPTO_ERROR_FAILED] = "a cryptographic operation failed",
    [ENR_CRYPTO_ERROR_PIN_POLICY] = "the PIN breaks the PIN rules",
    [ENR_CRYPTO_ERROR_WRONG_PIN] = "wrong PIN",
    [ENR_CRYPTO_ERROR_CORRUPT_HANDLE] = "the protected key is damaged",
    [ENR_CRYPTO_ERROR_UNSUPPORTED_VERSION] = "the protected key is of a newer version",
    [ENR_CRYPTO_ERROR_BAD_KEY] = "not an RSA-2048 key with e = 65537",
    [ENR_CRYPTO_ERROR_KEY_WIPED] = "the key was wiped from memory",
    [ENR_CRYPTO_ERROR_SAD_INVALID] = "the SAD is malformed or badly signed",
    [ENR_CRYPTO_ERROR_NO_TRUST_ANCHOR] = "the trust anchor cannot be read",
    [ENR_CRYPTO_ERROR_CERT_INVALID] = "not a signing certificate",
    [ENR_CRYPTO_ERROR_CERT_UNTRUSTED] = "the certificate does not chain to the trust anchor",
    [ENR_CRYPTO_ERROR_CERT_WRONG_PERSON] = "the certificate names another citizen",
    [ENR_CRYPTO_ERROR_CERT_EXPIRED] = "the certificate has expired",
    [ENR_CRYPTO_ERROR_CERT_NOT_YET_VALID] = "the certificate is not valid yet",
    [ENR_CRYPTO_ERROR_PDF_MALFORMED] = "not a PDF this program can read",
    [ENR_CRYPTO_ERROR_PDF_NOT_SIGNED] = "the PDF is not signed",
    [ENR_CRYPTO_ERROR_PDF_MODIFIED] = "the PDF was changed after it was signed",
    [ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE] = "the PDF's signature does not verify",
    [ENR_CRYPTO_ERROR_PDF_WRONG_DOCUMENT] = "not the document that was approved",
    [ENR_CRYPTO_ERROR_PDF_WRONG_SIGNER] = "signed with another certificate",
  };

  if ((guint) code < G_N_ELEMENTS (messages) && messages[code] != NULL)
    return messages[code];
  return messages[ENR_CRYPTO_ERROR_FAILED];
}

void
enr_crypto_error_set (GError       **error,
                      EnrCryptoError code,
                      const char    *format,
                      ...)
{
  g_autofree char *technical = NULL;
  va_list args;

  va_start (args, format);
  technical = g_strdup_vprintf (format, args);
  va_end (args);

  g_debug ("crypto error %d: %s", code, technical);
  g_set_error (error, ENR_CRYPTO_ERROR, code, "%s: %s", enr_crypto_error_message (code),
               technical);
}
