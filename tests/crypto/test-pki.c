/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pki"

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "test-pki.h"

/* RSA keys are made once per process and handed out in turn: a test
 * program makes dozens of hierarchies, and a 2048-bit key costs a tenth of
 * a second (seconds under valgrind). Any POOL_SIZE keys handed out one
 * after the other differ, which is more than a test holds at once (two
 * hierarchies and a few more subscribers). */
#define POOL_SIZE 12

static gnutls_x509_privkey_t pool[POOL_SIZE];
static guint pool_next;
G_LOCK_DEFINE_STATIC (pool);

static gnutls_x509_privkey_t
new_key (void)
{
  gnutls_x509_privkey_t key;

  G_LOCK (pool);
  if (pool[pool_next] == NULL)
    {
      g_assert_cmpint (gnutls_x509_privkey_init (&pool[pool_next]), ==, 0);
      g_assert_cmpint (gnutls_x509_privkey_generate2 (pool[pool_next], GNUTLS_PK_RSA, 2048, 0,
                                                      NULL, 0), ==, 0);
    }
  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_cpy (key, pool[pool_next]), ==, 0);
  pool_next = (pool_next + 1) % POOL_SIZE;
  G_UNLOCK (pool);
  return key;
}

/* A UTF8String, DER-encoded, for gnutls_x509_crt_set_dn_by_oid's raw form:
 * otherwise GnuTLS writes ASCII values as PrintableString. */
static void
set_utf8 (gnutls_x509_crt_t crt,
          const char       *oid,
          const char       *value)
{
  gsize len = strlen (value);
  g_autofree guint8 *der = g_malloc (len + 4);
  gsize header = 2;

  g_assert_cmpuint (len, <, 65536);
  der[0] = 0x0c;
  if (len < 0x80)
    der[1] = len;
  else if (len < 0x100)
    {
      der[1] = 0x81;
      der[2] = len;
      header = 3;
    }
  else
    {
      der[1] = 0x82;
      der[2] = len >> 8;
      der[3] = len & 0xff;
      header = 4;
    }
  memcpy (der + header, value, len);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, oid, 1, der, header + len), ==, 0);
}

static void
set_common (gnutls_x509_crt_t     crt,
            gnutls_x509_privkey_t key,
            gint64                not_before,
            gint64                not_after)
{
  guint8 serial[16];

  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), ==, 0);
  serial[0] = (serial[0] & 0x7f) | 0x01;
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, (time_t) not_before), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, (time_t) not_after), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  {
    guint8 id[64];
    size_t id_len = sizeof id;

    g_assert_cmpint (gnutls_x509_crt_get_key_id (crt, 0, id, &id_len), ==, 0);
    g_assert_cmpint (gnutls_x509_crt_set_subject_key_id (crt, id, id_len), ==, 0);
  }
}

static void
sign_with (gnutls_x509_crt_t     crt,
           gnutls_x509_crt_t     issuer,
           gnutls_x509_privkey_t issuer_key)
{
  guint8 id[64];
  size_t id_len = sizeof id;

  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (issuer, id, &id_len, NULL), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_authority_key_id (crt, id, id_len), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, issuer, issuer_key, GNUTLS_DIG_SHA256, 0), ==, 0);
}

static gnutls_x509_crt_t
new_ca (const char            *name,
        gnutls_x509_privkey_t  key,
        gnutls_x509_crt_t      issuer,
        gnutls_x509_privkey_t  issuer_key)
{
  gnutls_x509_crt_t crt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  set_common (crt, key, now - 86400, now + 5 * 365 * 86400);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COUNTRY_NAME, 0, "VN", 2),
                   ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                                  "SmartCA Test", strlen ("SmartCA Test")), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, name,
                                                  strlen (name)), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, 1, -1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN |
                                                  GNUTLS_KEY_CRL_SIGN), ==, 0);
  if (issuer == NULL)
    {
      guint8 id[64];
      size_t id_len = sizeof id;

      g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (crt, id, &id_len, NULL), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_set_authority_key_id (crt, id, id_len), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);
    }
  else
    sign_with (crt, issuer, issuer_key);
  return crt;
}

gboolean
test_pki_issue (TestPki               *pki,
                const TestSubject     *subject,
                gnutls_x509_privkey_t *key_out,
                gnutls_x509_crt_t     *crt_out)
{
  return test_pki_issue_other (pki, subject, GNUTLS_KEY_DIGITAL_SIGNATURE |
                               GNUTLS_KEY_NON_REPUDIATION, NULL, FALSE, key_out, crt_out);
}

gboolean
test_pki_issue_other (TestPki               *pki,
                      const TestSubject     *subject,
                      unsigned int           key_usage,
                      const char            *purpose_oid,
                      gboolean               by_root,
                      gnutls_x509_privkey_t *key_out,
                      gnutls_x509_crt_t     *crt_out)
{
  gnutls_x509_privkey_t key = new_key ();
  gnutls_x509_crt_t crt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *uid = g_strconcat ("CCCD:", subject->citizen_id, NULL);

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  set_common (crt, key,
              subject->not_before != 0 ? subject->not_before : now - 3600,
              subject->not_after != 0 ? subject->not_after : now + 365 * 86400);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COUNTRY_NAME, 0, "VN", 2),
                   ==, 0);
  set_utf8 (crt, GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME,
            subject->province != NULL ? subject->province : "Hà Nội");
  set_utf8 (crt, GNUTLS_OID_X520_LOCALITY_NAME,
            subject->locality != NULL ? subject->locality : "Phường Ba Đình");
  set_utf8 (crt, GNUTLS_OID_X520_COMMON_NAME, subject->full_name);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_LDAP_UID, 0, uid, strlen (uid)),
                   ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, key_usage), ==, 0);
  if (purpose_oid != NULL)
    g_assert_cmpint (gnutls_x509_crt_set_key_purpose_oid (crt, purpose_oid, 0), ==, 0);
  if (by_root)
    sign_with (crt, pki->root, pki->root_key);
  else
    sign_with (crt, pki->issuing, pki->issuing_key);
  *key_out = key;
  *crt_out = crt;
  return TRUE;
}

TestPki *
test_pki_new (const char        *dir,
              const TestSubject *subject)
{
  TestPki *pki = g_new0 (TestPki, 1);
  gnutls_datum_t pem = { NULL, 0 };

  pki->root_key = new_key ();
  pki->root = new_ca ("SmartCA Test Root CA", pki->root_key, NULL, NULL);
  pki->issuing_key = new_key ();
  pki->issuing = new_ca ("SmartCA Test RS", pki->issuing_key, pki->root, pki->root_key);
  test_pki_issue (pki, subject, &pki->leaf_key, &pki->leaf);
  g_assert_cmpint (gnutls_privkey_init (&pki->leaf_privkey), ==, 0);
  g_assert_cmpint (gnutls_privkey_import_x509 (pki->leaf_privkey, pki->leaf_key, 0), ==, 0);

  g_assert_cmpint (gnutls_x509_crt_export2 (pki->root, GNUTLS_X509_FMT_PEM, &pem), ==, 0);
  pki->root_pem_path = g_build_filename (dir, "root.pem", NULL);
  g_assert_true (g_file_set_contents (pki->root_pem_path, (const char *) pem.data, pem.size, NULL));
  gnutls_free (pem.data);
  return pki;
}

void
test_pki_free (TestPki *pki)
{
  if (pki == NULL)
    return;
  gnutls_privkey_deinit (pki->leaf_privkey);
  gnutls_x509_crt_deinit (pki->leaf);
  gnutls_x509_privkey_deinit (pki->leaf_key);
  gnutls_x509_crt_deinit (pki->issuing);
  gnutls_x509_privkey_deinit (pki->issuing_key);
  gnutls_x509_crt_deinit (pki->root);
  gnutls_x509_privkey_deinit (pki->root_key);
  g_free (pki->root_pem_path);
  g_free (pki);
}

GBytes *
test_pki_der (gnutls_x509_crt_t crt)
{
  gnutls_datum_t der = { NULL, 0 };
  GBytes *bytes;

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return bytes;
}
