/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/*
 * A small certificate hierarchy made for a test, shaped like the
 * sandbox's (PROTOCOL.md): a root, an issuing CA under it, and a
 * subscriber certificate with the subject C, ST, L, CN, UID=CCCD:<id>.
 */
typedef struct
{
  gnutls_x509_privkey_t root_key;
  gnutls_x509_crt_t     root;
  gnutls_x509_privkey_t issuing_key;
  gnutls_x509_crt_t     issuing;
  gnutls_x509_privkey_t leaf_key;
  gnutls_privkey_t      leaf_privkey;
  gnutls_x509_crt_t     leaf;
  char                 *root_pem_path;   /* the root, written for trust */
} TestPki;

typedef struct
{
  const char *citizen_id;
  const char *full_name;       /* UTF-8 */
  const char *province;
  const char *locality;
  gint64      not_before;      /* seconds since 1970; 0: an hour ago */
  gint64      not_after;       /* 0: a year from now */
} TestSubject;

/* Writes the root's PEM into @dir. */
TestPki  *test_pki_new            (const char        *dir,
                                   const TestSubject *subject);
/* Another subscriber certificate under the same issuing CA. */
gboolean  test_pki_issue          (TestPki           *pki,
                                   const TestSubject *subject,
                                   gnutls_x509_privkey_t *key,
                                   gnutls_x509_crt_t *crt);
/* One shaped otherwise: @key_usage, an extended key usage (nullable), signed
 * by the issuing CA or, @by_root, by the root itself. */
gboolean  test_pki_issue_other    (TestPki           *pki,
                                   const TestSubject *subject,
                                   unsigned int       key_usage,
                                   const char        *purpose_oid,
                                   gboolean           by_root,
                                   gnutls_x509_privkey_t *key,
                                   gnutls_x509_crt_t *crt);
void      test_pki_free           (TestPki           *pki);
GBytes   *test_pki_der            (gnutls_x509_crt_t  crt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPki, test_pki_free)

G_END_DECLS
