/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-config"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-config.h"
#include "enr-language.h"

/* The schema's range for idle-timeout. */
#define IDLE_MIN 30
#define IDLE_MAX 3600

EnrConfig *
enr_config_new_from_settings (GSettings *settings)
{
  EnrConfig *config = g_new0 (EnrConfig, 1);

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  if (settings == NULL)
    {
      config->vneid_url = g_strdup ("");
      config->smartca_url = g_strdup ("");
      config->trust_anchor = g_strdup ("");
      config->signing_trust_anchor = g_strdup ("");
      config->tsa_url = g_strdup ("");
      config->idle_timeout = 120;
      config->language = g_strdup ("");
      config->printer = g_strdup ("");
      return config;
    }

  config->vneid_url = g_settings_get_string (settings, "vneid-url");
  config->smartca_url = g_settings_get_string (settings, "smartca-url");
  config->trust_anchor = g_settings_get_string (settings, "trust-anchor");
  config->signing_trust_anchor = g_settings_get_string (settings, "signing-trust-anchor");
  config->tsa_url = g_settings_get_string (settings, "tsa-url");
  config->kiosk = g_settings_get_boolean (settings, "kiosk-mode");
  config->idle_timeout = g_settings_get_uint (settings, "idle-timeout");
  config->language = g_settings_get_string (settings, "language");
  config->printer = g_settings_get_string (settings, "printer");
  config->keypad_shuffle = g_settings_get_boolean (settings, "keypad-shuffle");
  return config;
}

static gboolean
check_url (const char  *option,
           const char  *url,
           GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  if (*url == '\0')
    return TRUE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 ||
      g_uri_get_host (uri) == NULL)
    {
      /* Translators: %s is an option such as --vneid-url. */
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s needs an https:// address."), option);
      return FALSE;
    }
  return TRUE;
}

static void
take_string (GVariantDict  *options,
             const char    *name,
             char         **field)
{
  char *value = NULL;

  if (g_variant_dict_lookup (options, name, "s", &value) ||
      g_variant_dict_lookup (options, name, "^ay", &value))
    {
      g_free (*field);
      *field = value;
    }
}

gboolean
enr_config_apply_options (EnrConfig     *config,
                          GVariantDict  *options,
                          GError       **error)
{
  gint idle;
  gboolean urls_given;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (options != NULL, FALSE);

  urls_given = g_variant_dict_contains (options, "vneid-url") ||
               g_variant_dict_contains (options, "smartca-url") ||
               g_variant_dict_contains (options, "trust-anchor") ||
               g_variant_dict_contains (options, "signing-trust-anchor") ||
               g_variant_dict_contains (options, "tsa-url");
  take_string (options, "vneid-url", &config->vneid_url);
  take_string (options, "smartca-url", &config->smartca_url);
  take_string (options, "trust-anchor", &config->trust_anchor);
  take_string (options, "signing-trust-anchor", &config->signing_trust_anchor);
  take_string (options, "tsa-url", &config->tsa_url);
  take_string (options, "language", &config->language);
  take_string (options, "printer", &config->printer);
  if (g_variant_dict_contains (options, "kiosk"))
    config->kiosk = TRUE;
  if (g_variant_dict_contains (options, "sandbox"))
    config->sandbox = TRUE;

  if (g_variant_dict_lookup (options, "idle-timeout", "i", &idle))
    {
      if (idle < IDLE_MIN || idle > IDLE_MAX)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--idle-timeout takes seconds from %d to %d."), IDLE_MIN, IDLE_MAX);
          return FALSE;
        }
      config->idle_timeout = (guint) idle;
    }

  if (config->sandbox && urls_given)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--sandbox brings its own services: give it no service address "
                             "or trust anchor."));
      return FALSE;
    }
  if (!check_url ("--vneid-url", config->vneid_url, error) ||
      !check_url ("--smartca-url", config->smartca_url, error) ||
      !check_url ("--tsa-url", config->tsa_url, error))
    return FALSE;
  if (*config->trust_anchor != '\0' && !g_path_is_absolute (config->trust_anchor))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--trust-anchor needs an absolute path."));
      return FALSE;
    }
  if (*config->signing_trust_anchor != '\0' && !g_path_is_absolute (config->signing_trust_anchor))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--signing-trust-anchor needs an absolute path."));
      return FALSE;
    }
  if (!enr_language_is_valid (config->language))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--language takes vi or en."));
      return FALSE;
    }
  return TRUE;
}

void
enr_config_free (EnrConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->vneid_url);
  g_free (config->smartca_url);
  g_free (config->trust_anchor);
  g_free (config->signing_trust_anchor);
  g_free (config->tsa_url);
  g_free (config->language);
  g_free (config->printer);
  g_free (config);
}
