/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-store-error"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-store-error.h"

G_DEFINE_QUARK (enr-store-error-quark, enr_store_error)

const char *
enr_store_error_message (EnrStoreError code)
{
  switch (code)
    {
    case ENR_STORE_ERROR_NO_KEYRING:
      return _("This computer has no keyring to keep your SmartCA key safely. "
               "Log in to a full desktop session, or use the program at a public service counter.");
    case ENR_STORE_ERROR_KEYRING_LOCKED:
      return _("Your keyring is locked. "
               "Unlock it (it opens with your login password), then try again.");
    case ENR_STORE_ERROR_NOT_FOUND:
      return _("Your SmartCA key is not on this computer. "
               "Link this computer with “Use my SmartCA on this computer”.");
    case ENR_STORE_ERROR_NO_KEY:
      return _("Your SmartCA service is not activated on this computer yet. "
               "Continue the registration to set your PIN.");
    case ENR_STORE_ERROR_WRONG_PIN:
      return _("The PIN is wrong.");
    case ENR_STORE_ERROR_HANDLE_LOCKED:
      return _("The PIN was wrong five times, so your SmartCA key on this computer is locked. "
               "Remove it and link this computer again with “Use my SmartCA on this computer”.");
    case ENR_STORE_ERROR_CORRUPT:
      return _("What the keyring holds for your SmartCA key is damaged. "
               "Remove it and link this computer again with “Use my SmartCA on this computer”.");
    case ENR_STORE_ERROR_FAILED:
    default:
      return _("The keyring could not keep or read your SmartCA key. Try again; "
               "if it happens again, restart the computer.");
    }
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
  g_set_error_literal (error, ENR_STORE_ERROR, code, enr_store_error_message (code));
}

void
enr_store_error_set_wrong_pin (GError **error,
                               guint    attempts_left)
{
  g_debug ("wrong PIN, %u tries left", attempts_left);
  g_set_error (error, ENR_STORE_ERROR, ENR_STORE_ERROR_WRONG_PIN,
               g_dngettext (GETTEXT_PACKAGE,
                            "The PIN is wrong. %u try is left before your SmartCA key on this "
                            "computer is locked.",
                            "The PIN is wrong. %u tries are left before your SmartCA key on this "
                            "computer is locked.",
                            attempts_left),
               attempts_left);
}
