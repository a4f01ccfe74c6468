/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The settings of one run: the GSettings keys of vn.smartca.Enroll (which
 * a kiosk fleet locks with dconf), then what the command line overrides
 * for this run only (nothing is written back).
 */
typedef struct
{
  char     *vneid_url;
  char     *smartca_url;
  char     *trust_anchor;
  char     *signing_trust_anchor;  /* the citizen's certificates' and signatures' roots */
  char     *tsa_url;               /* the time-stamp authority; "" for none */
  gboolean  kiosk;
  guint     idle_timeout;
  char     *language;        /* "vi", "en" or "" */
  char     *printer;
  gboolean  keypad_shuffle;  /* a kiosk's keypad changes its digits' places */
  gboolean  sandbox;         /* --sandbox: start one and use it */
} EnrConfig;

/* @settings: (nullable): NULL gives the schema's defaults. */
EnrConfig *enr_config_new_from_settings (GSettings     *settings);
/*
 * Applies the command line's --vneid-url, --smartca-url, --trust-anchor,
 * --signing-trust-anchor, --tsa-url, --kiosk, --idle-timeout, --language, --printer and --sandbox from
 * @options, refusing values the schema would refuse (with a message for
 * the person who typed them, G_OPTION_ERROR_BAD_VALUE).
 */
gboolean   enr_config_apply_options     (EnrConfig     *config,
                                         GVariantDict  *options,
                                         GError       **error);
void       enr_config_free              (EnrConfig     *config);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrConfig, enr_config_free)

G_END_DECLS
