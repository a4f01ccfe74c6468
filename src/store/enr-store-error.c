/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-store-error"

#include "config.h"

#include "enr-store-error.h"

G_DEFINE_QUARK (enr-store-error-quark, enr_store_error)

/* What the keyring layer's codes mean, in English, for the log: the
 * session tells the citizen (src/enroll/enr-session-error.c). */
const char *
enr_store_error_message (EnrStoreError code)
{
  static const char * const messages[] = {
    [ENR_STORE_ERROR_FAILED] = "the keyring failed",
    [ENR_STORE_ERROR_NO_KEYRING] = "no Secret Service in this session",
    [ENR_STORE_ERROR_KEYRING_LOCKED] = "the keyring is locked",
    [ENR_STORE_ERROR_NOT_FOUND] = "nothing is kept for this enrollment and service",
    [ENR_STORE_ERROR_NO_KEY] = "a login is kept, but no key handle",
    [ENR_STORE_ERROR_CORRUPT] = "the key handle cannot be read",
    [ENR_STORE_ERROR_OUTDATED] = "the key handle was made before the PIN guard",
  };

  if ((guint) code < G_N_ELEMENTS (messages) && messages[code] != NULL)
    return messages[code];
  return messages[ENR_STORE_ERROR_FAILED];
}

void
enr_store_error_set (GError       **error,
                     EnrStoreError  code,
                     const char    *format,
                     ...)
{
  g_autofree char *technical = NULL;
  va_list args;

  va_start (args, format);
  technical = g_strdup_vprintf (format, args);
  va_end (args);

  g_debug ("store error %d: %s", code, technical);
  g_set_error (error, ENR_STORE_ERROR, code, "%s: %s", enr_store_error_message (code),
               technical);
}
