/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-crypto-error"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-crypto-error.h"

G_DEFINE_QUARK (enr-crypto-error-quark, enr_crypto_error)

const char *
enr_crypto_error_message (EnrCryptoError code)
{
  switch (code)
    {
    case ENR_CRYPTO_ERROR_PIN_POLICY:
      return _("This PIN cannot be used. Choose another one.");
    case ENR_CRYPTO_ERROR_WRONG_PIN:
      return _("The PIN is wrong. Check it and try again.");
    case ENR_CRYPTO_ERROR_CORRUPT_HANDLE:
      return _("The protected SmartCA key on this computer is damaged and cannot be used. "
               "Remove it, then link this computer again with “Use my SmartCA on this computer”.");
    case ENR_CRYPTO_ERROR_UNSUPPORTED_VERSION:
      return _("The SmartCA key on this computer was saved by a newer version of this program. "
               "Update the program, then try again.");
    case ENR_CRYPTO_ERROR_BAD_KEY:
      return _("The key on this computer is not one SmartCA accepts. "
               "Link this computer again with “Use my SmartCA on this computer”.");
    case ENR_CRYPTO_ERROR_KEY_WIPED:
      return _("For your safety the key was cleared from memory. Enter your PIN again.");
    case ENR_CRYPTO_ERROR_SAD_INVALID:
      return _("The approval could not be checked: it is damaged or was not made with your key.");
    case ENR_CRYPTO_ERROR_NO_TRUST_ANCHOR:
      return _("The list of trusted certificate authorities on this computer cannot be read. "
               "Tell the person who looks after this computer.");
    case ENR_CRYPTO_ERROR_CERT_INVALID:
      return _("The certificate SmartCA sent cannot be read or is not a signing certificate. "
               "Try again later; if it happens again, contact VNPT SmartCA support (18001260).");
    case ENR_CRYPTO_ERROR_CERT_UNTRUSTED:
      return _("The certificate was not issued by an authority this computer trusts, so it is "
               "not shown as yours. Contact VNPT SmartCA support (18001260).");
    case ENR_CRYPTO_ERROR_CERT_WRONG_PERSON:
      return _("The certificate SmartCA sent is in someone else’s name. Do not use it; "
               "contact VNPT SmartCA support (18001260).");
    case ENR_CRYPTO_ERROR_CERT_EXPIRED:
      return _("The certificate has expired. Renew your SmartCA service.");
    case ENR_CRYPTO_ERROR_CERT_NOT_YET_VALID:
      return _("The certificate is not valid yet. "
               "Check that this computer’s date and time are right.");
    case ENR_CRYPTO_ERROR_PDF_MALFORMED:
      return _("The document is not a PDF file this program can read.");
    case ENR_CRYPTO_ERROR_PDF_NOT_SIGNED:
      return _("The document has no signature.");
    case ENR_CRYPTO_ERROR_PDF_MODIFIED:
      return _("The document was changed after it was signed. Do not rely on it.");
    case ENR_CRYPTO_ERROR_PDF_BAD_SIGNATURE:
      return _("The document’s signature is not valid. Do not rely on it.");
    case ENR_CRYPTO_ERROR_PDF_WRONG_DOCUMENT:
      return _("The signed document is not the one you approved. Do not rely on it.");
    case ENR_CRYPTO_ERROR_PDF_WRONG_SIGNER:
      return _("The document was not signed with your certificate. Do not rely on it.");
    case ENR_CRYPTO_ERROR_FAILED:
    default:
      return _("A security operation failed on this computer. Try again; if it happens again, "
               "restart the program.");
    }
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
  g_set_error_literal (error, ENR_CRYPTO_ERROR, code, enr_crypto_error_message (code));
}
