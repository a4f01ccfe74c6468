/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-ca"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <gnutls/crypto.h>
#include <string.h>

#include "sbx-ca.h"
#include "sbx-error.h"
#include "sbx-stats.h"

#define DAY_S (24 * 60 * 60)
/* Certificates start an hour in the past, so that a client whose clock is
 * a little behind does not see them as not yet valid. */
#define BACKDATE_S (60 * 60)

struct _SbxCa
{
  char                  *dir;
  char                  *root_pem_path;
  char                  *tls_cert_path;
  char                  *tls_key_path;
  gnutls_x509_crt_t      root_crt;
  gnutls_x509_privkey_t  root_key;
  gnutls_x509_crt_t      rs_crt;
  gnutls_x509_privkey_t  rs_key;
  gnutls_x509_crt_t      tsa_crt;
  gnutls_x509_privkey_t  tsa_key;
  GBytes                *root_der;
  GBytes                *rs_der;
  GMutex                 issuing_lock;   /* around signatures with rs_key */
};

typedef enum
{
  CERT_ROOT,
  CERT_ISSUING,
  CERT_TLS,
  CERT_TSA,
} CertKind;

typedef struct
{
  const char   *name;      /* file stem in ca/ */
  const char   *dn;
  unsigned int  bits;
  guint         days;
} CertProfile;

static const CertProfile profiles[] = {
  [CERT_ROOT] = { "root", "CN=SmartCA Sandbox Root CA,O=SmartCA Sandbox,C=VN", 3072, 3650 },
  [CERT_ISSUING] = { "rs", "CN=SmartCA Sandbox RS,O=SmartCA Sandbox,C=VN", 2048, 1825 },
  [CERT_TLS] = { "tls", "CN=localhost,O=SmartCA Sandbox,C=VN", 2048, 825 },
  [CERT_TSA] = { "tsa", "CN=SmartCA Sandbox TSA,O=SmartCA Sandbox,C=VN", 2048, 1825 },
};

/* Short, for the many GnuTLS calls below. */
static gboolean
check (int          ret,
       const char  *what,
       GError     **error)
{
  return sbx_check_gnutls (ret, what, error);
}

void
sbx_ca_new_serial (guint8 serial[16])
{
  do
    {
      if (gnutls_rnd (GNUTLS_RND_NONCE, serial, 16) < 0)
        g_error ("The random number generator failed");
      serial[0] &= 0x7f;
    }
  while (serial[0] == 0);
}

static gboolean
copy_subject_key_id (gnutls_x509_crt_t   from,
                     guint8             *id,
                     size_t             *id_len,
                     GError            **error)
{
  unsigned int critical;

  return check (gnutls_x509_crt_get_subject_key_id (from, id, id_len, &critical),
                "Reading a subject key identifier", error);
}

/* @issuer_crt and @issuer_key NULL: self-signed. */
static gboolean
make_certificate (CertKind                kind,
                  gnutls_x509_crt_t       issuer_crt,
                  gnutls_x509_privkey_t   issuer_key,
                  gnutls_x509_crt_t      *out_crt,
                  gnutls_x509_privkey_t  *out_key,
                  GError                **error)
{
  const CertProfile *profile = &profiles[kind];
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  guint8 serial[16];
  guint8 key_id[64];
  size_t key_id_len = sizeof key_id;
  const char *err_pos = NULL;
  time_t now = time (NULL);
  gboolean ok = FALSE;

  g_debug ("Making the %s certificate (RSA-%u)", profile->name, profile->bits);

  if (!check (gnutls_x509_privkey_init (&key), "Key", error) ||
      !check (gnutls_x509_privkey_generate (key, GNUTLS_PK_RSA, profile->bits, 0),
              "Generating an RSA key", error) ||
      !check (gnutls_x509_crt_init (&crt), "Certificate", error))
    goto out;

  sbx_ca_new_serial (serial);
  if (!check (gnutls_x509_crt_set_version (crt, 3), "Version", error) ||
      !check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "Serial", error) ||
      !check (gnutls_x509_crt_set_activation_time (crt, now - BACKDATE_S), "Validity", error) ||
      !check (gnutls_x509_crt_set_expiration_time (crt, now + (time_t) profile->days * DAY_S),
              "Validity", error) ||
      !check (gnutls_x509_crt_set_dn (crt, profile->dn, &err_pos), "Subject", error) ||
      !check (gnutls_x509_crt_set_key (crt, key), "Public key", error))
    goto out;

  if (!check (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, key_id, &key_id_len),
              "Key identifier", error) ||
      !check (gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_len),
              "Subject key identifier", error))
    goto out;

  if (issuer_crt != NULL)
    {
      key_id_len = sizeof key_id;
      if (!copy_subject_key_id (issuer_crt, key_id, &key_id_len, error))
        goto out;
    }
  if (!check (gnutls_x509_crt_set_authority_key_id (crt, key_id, key_id_len),
              "Authority key identifier", error))
    goto out;

  switch (kind)
    {
    case CERT_ROOT:
    case CERT_ISSUING:
      /* GnuTLS marks both extensions critical. */
      if (!check (gnutls_x509_crt_set_basic_constraints (crt, 1, -1), "Basic constraints", error) ||
          !check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN |
                                                      GNUTLS_KEY_CRL_SIGN),
                  "Key usage", error))
        goto out;
      break;

    case CERT_TLS:
      {
        static const guint8 loopback[4] = { 127, 0, 0, 1 };

        if (!check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "Basic constraints",
                    error) ||
            !check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
                                                        GNUTLS_KEY_KEY_ENCIPHERMENT),
                    "Key usage", error) ||
            !check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0),
                    "Extended key usage", error) ||
            !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost", 9,
                                                          GNUTLS_FSAN_APPEND),
                    "Subject alternative name", error) ||
            !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, loopback,
                                                          sizeof loopback, GNUTLS_FSAN_APPEND),
                    "Subject alternative name", error))
          goto out;
      }
      break;

    case CERT_TSA:
      /* RFC 3161 §2.3: the one extended key usage, critical; GnuTLS marks
       * the key usage critical itself. */
      if (!check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "Basic constraints",
                  error) ||
          !check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "Key usage",
                  error) ||
          !check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TIME_STAMPING, 1),
                  "Extended key usage", error))
        goto out;
      break;

    default:
      g_assert_not_reached ();
    }

  if (!check (gnutls_x509_crt_sign2 (crt,
                                     issuer_crt != NULL ? issuer_crt : crt,
                                     issuer_key != NULL ? issuer_key : key,
                                     GNUTLS_DIG_SHA256, 0),
              "Signing the certificate", error))
    goto out;

  *out_crt = g_steal_pointer (&crt);
  *out_key = g_steal_pointer (&key);
  ok = TRUE;

out:
  g_clear_pointer (&crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&key, gnutls_x509_privkey_deinit);
  return ok;
}

static gboolean
write_datum (const char      *path,
             gnutls_datum_t  *datum,
             int              mode,
             GError         **error)
{
  /* Atomic: a crash while writing leaves the old file or the new one. */
  return g_file_set_contents_full (path, (const char *) datum->data, datum->size,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   mode, error);
}

static gboolean
write_pair (SbxCa                  *ca,
            CertKind                kind,
            gnutls_x509_crt_t       crt,
            gnutls_x509_privkey_t   key,
            GError                **error)
{
  g_autofree char *stem = g_build_filename (ca->dir, profiles[kind].name, NULL);
  g_autofree char *crt_path = g_strconcat (stem, ".pem", NULL);
  g_autofree char *key_path = g_strconcat (stem, ".key", NULL);
  gnutls_datum_t crt_pem = { NULL, 0 };
  gnutls_datum_t key_pem = { NULL, 0 };
  gboolean ok;

  /* The key first: a certificate on disk always has its key beside it. */
  ok = check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &crt_pem), "Export", error) &&
       check (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN,
                                                 &key_pem),
              "Export", error) &&
       write_datum (key_path, &key_pem, 0600, error) &&
       write_datum (crt_path, &crt_pem, 0600, error);

  if (key_pem.data != NULL)
    {
      gnutls_memset (key_pem.data, 0, key_pem.size);
      gnutls_free (key_pem.data);
    }
  gnutls_free (crt_pem.data);
  return ok;
}

/* FALSE with no error when either file is missing: the pair is then made. */
static gboolean
read_pair (SbxCa                  *ca,
           CertKind                kind,
           gnutls_x509_crt_t      *out_crt,
           gnutls_x509_privkey_t  *out_key,
           GError                **error)
{
  g_autofree char *stem = g_build_filename (ca->dir, profiles[kind].name, NULL);
  g_autofree char *crt_path = g_strconcat (stem, ".pem", NULL);
  g_autofree char *key_path = g_strconcat (stem, ".key", NULL);
  g_autofree char *crt_text = NULL;
  g_autofree char *key_text = NULL;
  gsize crt_len = 0, key_len = 0;
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t datum;
  guint8 crt_id[64], key_id[64];
  size_t crt_id_len = sizeof crt_id, key_id_len = sizeof key_id;
  gboolean ok = FALSE;

  if (!g_file_test (crt_path, G_FILE_TEST_EXISTS) || !g_file_test (key_path, G_FILE_TEST_EXISTS))
    return FALSE;

  if (!g_file_get_contents (crt_path, &crt_text, &crt_len, error) ||
      !g_file_get_contents (key_path, &key_text, &key_len, error))
    return FALSE;

  if (!check (gnutls_x509_crt_init (&crt), "Certificate", error) ||
      !check (gnutls_x509_privkey_init (&key), "Key", error))
    goto out;

  datum.data = (unsigned char *) crt_text;
  datum.size = crt_len;
  if (!check (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), crt_path, error))
    goto out;
  datum.data = (unsigned char *) key_text;
  datum.size = key_len;
  if (!check (gnutls_x509_privkey_import (key, &datum, GNUTLS_X509_FMT_PEM), key_path, error))
    goto out;

  if (!check (gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1, crt_id, &crt_id_len),
              crt_path, error) ||
      !check (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, key_id, &key_id_len),
              key_path, error))
    goto out;
  if (crt_id_len != key_id_len || memcmp (crt_id, key_id, crt_id_len) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s does not hold the key of %s", key_path, crt_path);
      goto out;
    }

  *out_crt = g_steal_pointer (&crt);
  *out_key = g_steal_pointer (&key);
  ok = TRUE;

out:
  if (key_text != NULL)
    gnutls_memset (key_text, 0, key_len);
  g_clear_pointer (&crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&key, gnutls_x509_privkey_deinit);
  return ok;
}

static gboolean
issued_by (gnutls_x509_crt_t crt,
           gnutls_x509_crt_t issuer)
{
  unsigned int status = 0;

  if (gnutls_x509_crt_verify (crt, &issuer, 1, 0, &status) < 0)
    return FALSE;
  return status == 0;
}

/* Reads the pair from disk, or makes and writes it when it is missing or
 * (for the issuing CA and the TLS certificate) not signed by @issuer_crt. */
static gboolean
load_pair (SbxCa                  *ca,
           CertKind                kind,
           gnutls_x509_crt_t       issuer_crt,
           gnutls_x509_privkey_t   issuer_key,
           gnutls_x509_crt_t      *out_crt,
           gnutls_x509_privkey_t  *out_key,
           GError                **error)
{
  GError *local_error = NULL;

  if (read_pair (ca, kind, out_crt, out_key, &local_error))
    {
      if (issuer_crt == NULL || issued_by (*out_crt, issuer_crt))
        return TRUE;
      g_message ("ca/%s.pem is not signed by the current root; making a new one",
                 profiles[kind].name);
      g_clear_pointer (out_crt, gnutls_x509_crt_deinit);
      g_clear_pointer (out_key, gnutls_x509_privkey_deinit);
    }
  else if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return make_certificate (kind, issuer_crt, issuer_key, out_crt, out_key, error) &&
         write_pair (ca, kind, *out_crt, *out_key, error);
}

static GBytes *
export_der (gnutls_x509_crt_t   crt,
            GError            **error)
{
  gnutls_datum_t der = { NULL, 0 };
  GBytes *bytes;

  if (!check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), "Export", error))
    return NULL;
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return bytes;
}

SbxCa *
sbx_ca_load_or_create (const char  *data_dir,
                       GError     **error)
{
  g_autoptr(SbxCa) ca = NULL;
  g_autofree char *root_key_path = NULL;
  gnutls_x509_crt_t tls_crt = NULL;
  gnutls_x509_privkey_t tls_key = NULL;
  gboolean root_is_new;
  gboolean ok;

  g_return_val_if_fail (data_dir != NULL, NULL);

  ca = g_new0 (SbxCa, 1);
  g_mutex_init (&ca->issuing_lock);
  ca->dir = g_build_filename (data_dir, "ca", NULL);
  ca->root_pem_path = g_build_filename (ca->dir, "root.pem", NULL);
  ca->tls_cert_path = g_build_filename (ca->dir, "tls.pem", NULL);
  ca->tls_key_path = g_build_filename (ca->dir, "tls.key", NULL);
  root_key_path = g_build_filename (ca->dir, "root.key", NULL);

  if (g_mkdir_with_parents (ca->dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create %s: %s", ca->dir, g_strerror (saved_errno));
      return NULL;
    }

  root_is_new = !g_file_test (ca->root_pem_path, G_FILE_TEST_EXISTS) ||
                !g_file_test (root_key_path, G_FILE_TEST_EXISTS);
  if (!load_pair (ca, CERT_ROOT, NULL, NULL, &ca->root_crt, &ca->root_key, error))
    return NULL;
  if (root_is_new)
    g_message ("Made a new sandbox root CA in %s", ca->dir);

  if (!load_pair (ca, CERT_ISSUING, ca->root_crt, ca->root_key, &ca->rs_crt, &ca->rs_key, error))
    return NULL;

  ok = load_pair (ca, CERT_TLS, ca->root_crt, ca->root_key, &tls_crt, &tls_key, error);
  g_clear_pointer (&tls_crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&tls_key, gnutls_x509_privkey_deinit);
  if (!ok)
    return NULL;

  /* Made here too for a data directory of a sandbox that had no TSA. */
  if (!load_pair (ca, CERT_TSA, ca->root_crt, ca->root_key, &ca->tsa_crt, &ca->tsa_key, error))
    return NULL;

  ca->root_der = export_der (ca->root_crt, error);
  if (ca->root_der == NULL)
    return NULL;
  ca->rs_der = export_der (ca->rs_crt, error);
  if (ca->rs_der == NULL)
    return NULL;

  return g_steal_pointer (&ca);
}

void
sbx_ca_free (SbxCa *ca)
{
  if (ca == NULL)
    return;

  g_clear_pointer (&ca->root_crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&ca->root_key, gnutls_x509_privkey_deinit);
  g_clear_pointer (&ca->rs_crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&ca->rs_key, gnutls_x509_privkey_deinit);
  g_clear_pointer (&ca->tsa_crt, gnutls_x509_crt_deinit);
  g_clear_pointer (&ca->tsa_key, gnutls_x509_privkey_deinit);
  g_clear_pointer (&ca->root_der, g_bytes_unref);
  g_clear_pointer (&ca->rs_der, g_bytes_unref);
  g_free (ca->dir);
  g_free (ca->root_pem_path);
  g_free (ca->tls_cert_path);
  g_free (ca->tls_key_path);
  g_mutex_clear (&ca->issuing_lock);
  g_free (ca);
}

gnutls_x509_crt_t
sbx_ca_get_root_certificate (SbxCa *ca)
{
  g_return_val_if_fail (ca != NULL, NULL);
  return ca->root_crt;
}

gnutls_x509_privkey_t
sbx_ca_get_root_key (SbxCa *ca)
{
  g_return_val_if_fail (ca != NULL, NULL);
  return ca->root_key;
}

gnutls_x509_crt_t
sbx_ca_get_tsa_certificate (SbxCa *ca)
{
  g_return_val_if_fail (ca != NULL, NULL);
  return ca->tsa_crt;
}

gnutls_x509_privkey_t
sbx_ca_get_tsa_key (SbxCa *ca)
{
  g_return_val_if_fail (ca != NULL, NULL);
  return ca->tsa_key;
}

gnutls_x509_crt_t
sbx_ca_get_issuing_certificate (SbxCa *ca)
{
  g_return_val_if_fail (ca != NULL, NULL);
  return ca->rs_crt;
}

gnutls_x509_privkey_t
sbx_ca_get_issuing_key (SbxCa *ca)
{
  g_return_val_if_fail (ca != NULL, NULL);
  return ca->rs_key;
}

GBytes *
sbx_ca_get_root_der (SbxCa *ca)
{
  g_return_val_if_fail (ca != NULL, NULL);
  return g_bytes_ref (ca->root_der);
}

GBytes *
sbx_ca_get_issuing_der (SbxCa *ca)
{
  g_return_val_if_fail (ca != NULL, NULL);
  return g_bytes_ref (ca->rs_der);
}

const char *
sbx_ca_get_root_pem_path (SbxCa *ca)
{
  g_return_val_if_fail (ca != NULL, NULL);
  return ca->root_pem_path;
}

const char *
sbx_ca_get_tls_cert_path (SbxCa *ca)
{
  g_return_val_if_fail (ca != NULL, NULL);
  return ca->tls_cert_path;
}

const char *
sbx_ca_get_tls_key_path (SbxCa *ca)
{
  g_return_val_if_fail (ca != NULL, NULL);
  return ca->tls_key_path;
}

/* Subscriber certificates */

/* Reads a DER tag and length at *pos: on @tag, *pos moves to the value. */
static gboolean
der_enter (const guint8 *der,
           gsize         der_len,
           gsize        *pos,
           guint8        tag,
           gsize        *len)
{
  gsize p = *pos, n;

  if (p + 2 > der_len || der[p] != tag)
    return FALSE;
  n = der[p + 1];
  p += 2;
  if (n & 0x80)
    {
      guint bytes = n & 0x7f;

      if (bytes == 0 || bytes > 3 || p + bytes > der_len)
        return FALSE;
      n = 0;
      for (guint i = 0; i < bytes; i++)
        n = (n << 8) | der[p++];
    }
  if (n > der_len - p)
    return FALSE;
  *pos = p;
  *len = n;
  return TRUE;
}

/* Moves *pos past the element there. */
static gboolean
der_skip (const guint8 *der,
          gsize         der_len,
          gsize        *pos)
{
  gsize len;

  if (*pos >= der_len || !der_enter (der, der_len, pos, der[*pos], &len))
    return FALSE;
  *pos += len;
  return TRUE;
}

/* @value as a DER UTF8String, for gnutls_x509_crt_set_dn_by_oid's raw
 * form: given text, GnuTLS writes an ASCII value as a PrintableString. */
static GBytes *
utf8_string_der (const char *value)
{
  GByteArray *der = g_byte_array_new ();
  gsize len = strlen (value);
  guint8 header[4] = { 0x0c };
  guint header_len;

  if (len < 0x80)
    {
      header[1] = (guint8) len;
      header_len = 2;
    }
  else if (len < 0x100)
    {
      header[1] = 0x81;
      header[2] = (guint8) len;
      header_len = 3;
    }
  else
    {
      header[1] = 0x82;
      header[2] = (guint8) (len >> 8);
      header[3] = (guint8) len;
      header_len = 4;
    }
  g_byte_array_append (der, header, header_len);
  g_byte_array_append (der, (const guint8 *) value, len);
  return g_byte_array_free_to_bytes (der);
}

static gboolean
set_utf8_attribute (gnutls_x509_crt_t   crt,
                    const char         *oid,
                    const char         *value,
                    const char         *what,
                    GError            **error)
{
  g_autofree char *nfc = NULL;
  g_autoptr(GBytes) der = NULL;
  gsize len;
  const void *data;

  nfc = value != NULL ? g_utf8_normalize (value, -1, G_NORMALIZE_NFC) : NULL;
  if (nfc == NULL || *nfc == '\0' || strlen (nfc) > 0xffff)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The subscriber's %s is empty or not UTF-8", what);
      return FALSE;
    }
  der = utf8_string_der (nfc);
  data = g_bytes_get_data (der, &len);
  return check (gnutls_x509_crt_set_dn_by_oid (crt, oid, 1, data, (unsigned int) len), what,
                error);
}

/* RFC 5280 §4.2.1.2, method (1): the SHA-1 of the subjectPublicKey BIT
 * STRING's value, as OpenSSL and most CAs make it (GnuTLS's own key id
 * hashes something else). */
static gboolean
subject_key_id (gnutls_pubkey_t   public_key,
                guint8           *id,
                size_t           *id_len,
                GError          **error)
{
  gnutls_datum_t spki = { NULL, 0 };
  gsize pos = 0, len;
  gboolean ok = FALSE;

  if (!check (gnutls_pubkey_export2 (public_key, GNUTLS_X509_FMT_DER, &spki), "Public key",
              error))
    return FALSE;
  /* SEQUENCE { AlgorithmIdentifier, BIT STRING }, long lengths as DER has them. */
  if (der_enter (spki.data, spki.size, &pos, 0x30, &len) &&
      der_skip (spki.data, spki.size, &pos) &&
      der_enter (spki.data, spki.size, &pos, 0x03, &len) && len > 1 && *id_len >= 20)
    {
      gnutls_hash_fast (GNUTLS_DIG_SHA1, spki.data + pos + 1, len - 1, id);
      *id_len = 20;
      ok = TRUE;
    }
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "The public key is not a SubjectPublicKeyInfo");
  gnutls_free (spki.data);
  return ok;
}

gnutls_x509_crt_t
sbx_ca_issue (SbxCa               *ca,
              gnutls_pubkey_t      public_key,
              const SbxSubscriber *subscriber,
              gint64               not_before,
              guint                days,
              GError             **error)
{
  gnutls_x509_crt_t crt = NULL;
  g_autofree char *uid = NULL;
  guint8 serial[16];
  guint8 key_id[64];
  size_t key_id_len = sizeof key_id;
  gboolean ok = FALSE;
  gint64 started;

  g_return_val_if_fail (ca != NULL, NULL);
  g_return_val_if_fail (public_key != NULL && subscriber != NULL, NULL);
  g_return_val_if_fail (subscriber->citizen_id != NULL, NULL);

  uid = g_strconcat ("CCCD:", subscriber->citizen_id, NULL);
  sbx_ca_new_serial (serial);

  /* The subject in the order of PROTOCOL.md: C, ST, L, CN, UID. */
  if (!check (gnutls_x509_crt_init (&crt), "Certificate", error) ||
      !check (gnutls_x509_crt_set_version (crt, 3), "Version", error) ||
      !check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "Serial", error) ||
      !check (gnutls_x509_crt_set_activation_time (crt, (time_t) not_before), "Validity", error) ||
      !check (gnutls_x509_crt_set_expiration_time (crt, (time_t) (not_before +
                                                                  (gint64) days * DAY_S)),
              "Validity", error) ||
      !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COUNTRY_NAME, 0, "VN", 2),
              "Country", error) ||
      !set_utf8_attribute (crt, GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME, subscriber->province,
                           "province", error) ||
      !set_utf8_attribute (crt, GNUTLS_OID_X520_LOCALITY_NAME, subscriber->locality,
                           "locality", error) ||
      !set_utf8_attribute (crt, GNUTLS_OID_X520_COMMON_NAME, subscriber->full_name, "name",
                           error) ||
      !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_LDAP_UID, 0, uid, strlen (uid)),
              "UID", error) ||
      !check (gnutls_x509_crt_set_pubkey (crt, public_key), "Public key", error) ||
      /* Both marked critical by GnuTLS. */
      !check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "Basic constraints", error) ||
      !check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
                                                  GNUTLS_KEY_NON_REPUDIATION),
              "Key usage", error) ||
      !subject_key_id (public_key, key_id, &key_id_len, error) ||
      !check (gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_len),
              "Subject key identifier", error))
    goto out;

  key_id_len = sizeof key_id;
  if (!copy_subject_key_id (ca->rs_crt, key_id, &key_id_len, error) ||
      !check (gnutls_x509_crt_set_authority_key_id (crt, key_id, key_id_len),
              "Authority key identifier", error))
    goto out;

  g_mutex_lock (&ca->issuing_lock);
  started = sbx_stats_thread_cpu_us ();
  ok = check (gnutls_x509_crt_sign2 (crt, ca->rs_crt, ca->rs_key, GNUTLS_DIG_SHA256, 0),
              "Signing the certificate", error);
  if (ok)
    sbx_stats_add_since (SBX_STAT_CERTIFICATE_SIGNATURE, started);
  g_mutex_unlock (&ca->issuing_lock);

out:
  if (!ok)
    g_clear_pointer (&crt, gnutls_x509_crt_deinit);
  return crt;
}
