/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-pdf-check"

#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "enr-cms.h"
#include "enr-crypto-error.h"
#include "enr-pdf-check.h"
#include "enr-pdf-lexer.h"
#include "enr-pdf-signature.h"
#include "enr-pdf-xref.h"
#include "enr-tsp.h"

/* More signatures than this in one file is not a document but an attack. */
#define MAX_SIGNATURES 500

#define OID_KP_TIME_STAMPING "1.3.6.1.5.5.7.3.8"

/* --- Names ------------------------------------------------------------- */

const char *
enr_pdf_check_integrity_to_string (EnrPdfCheckIntegrity value)
{
  static const char *const names[] = { "intact", "altered", "bad-signature", "unreadable" };

  return value < G_N_ELEMENTS (names) ? names[value] : "unknown";
}

const char *
enr_pdf_check_change_to_string (EnrPdfCheckChange value)
{
  static const char *const names[] = { "unchanged", "only-signatures", "changed",
                                       "not-whole-revision" };

  return value < G_N_ELEMENTS (names) ? names[value] : "unknown";
}

const char *
enr_pdf_check_time_source_to_string (EnrPdfCheckTimeSource value)
{
  static const char *const names[] = { "none", "claimed", "trusted" };

  return value < G_N_ELEMENTS (names) ? names[value] : "unknown";
}

const char *
enr_pdf_check_timestamp_to_string (EnrPdfCheckTimestamp value)
{
  static const char *const names[] = { "none", "valid", "invalid", "untrusted" };

  return value < G_N_ELEMENTS (names) ? names[value] : "unknown";
}

const char *
enr_pdf_check_trust_to_string (EnrPdfCheckTrust value)
{
  static const char *const names[] = { "trusted", "untrusted", "expired", "not-yet-valid",
                                       "not-for-signing", "no-certificate" };

  return value < G_N_ELEMENTS (names) ? names[value] : "unknown";
}

static void
signature_free (EnrPdfCheckSignature *signature)
{
  g_free (signature->sub_filter);
  g_clear_object (&signature->certificate);
  g_free (signature->signer_name);
  g_free (signature->citizen_id);
  g_free (signature->issuer_name);
  g_clear_pointer (&signature->time, g_date_time_unref);
  g_free (signature->tsa_name);
  g_free (signature);
}

void
enr_pdf_check_report_free (EnrPdfCheckReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->signatures, g_ptr_array_unref);
  g_free (report);
}

gboolean
enr_pdf_check_signature_is_valid (const EnrPdfCheckSignature *signature)
{
  g_return_val_if_fail (signature != NULL, FALSE);

  return signature->integrity == ENR_PDF_CHECK_INTACT &&
         signature->trust == ENR_PDF_CHECK_TRUSTED &&
         (signature->change == ENR_PDF_CHECK_UNCHANGED ||
          signature->change == ENR_PDF_CHECK_ONLY_SIGNATURES) &&
         (signature->timestamp == ENR_PDF_CHECK_TIMESTAMP_NONE ||
          signature->timestamp == ENR_PDF_CHECK_TIMESTAMP_VALID);
}

gboolean
enr_pdf_check_report_is_valid (const EnrPdfCheckReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  if (report->signatures->len == 0)
    return FALSE;
  for (guint i = 0; i < report->signatures->len; i++)
    {
      if (!enr_pdf_check_signature_is_valid (g_ptr_array_index (report->signatures, i)))
        return FALSE;
    }
  return TRUE;
}

/* --- What changed after a revision ------------------------------------- */

/* Whether two values (spans of @a and @b: the file, or decoded object
 * streams) say the same, white space and the writing of numbers aside:
 * another writer may save an object again in its own way, or compress it. */
static gboolean
values_equal (const guint8 *a_data,
              gsize         a_start,
              gsize         a_end,
              const guint8 *b_data,
              gsize         b_start,
              gsize         b_end)
{
  EnrPdfLexer a = { a_data, a_end, a_start };
  EnrPdfLexer b = { b_data, b_end, b_start };

  for (guint n = 0; n < 100000; n++)
    {
      EnrPdfToken x = enr_pdf_next_token (&a);
      EnrPdfToken y = enr_pdf_next_token (&b);

      if (x.type != y.type || x.type == ENR_PDF_TOKEN_ERROR)
        return FALSE;
      if (x.type == ENR_PDF_TOKEN_EOF)
        return TRUE;
      if (x.type == ENR_PDF_TOKEN_NUMBER)
        {
          g_autofree char *xs = g_strndup ((const char *) a_data + x.start, x.end - x.start);
          g_autofree char *ys = g_strndup ((const char *) b_data + y.start, y.end - y.start);

          if (ABS (g_ascii_strtod (xs, NULL) - g_ascii_strtod (ys, NULL)) > 1e-6)
            return FALSE;
        }
      else if (x.end - x.start != y.end - y.start ||
               memcmp (a_data + x.start, b_data + y.start, x.end - x.start) != 0)
        return FALSE;
    }
  return FALSE;
}

/* Whether the dictionaries say the same but for the keys in @ignored. */
static gboolean
dicts_equal_but (const EnrPdfDict   *a,
                 const EnrPdfDict   *b,
                 const char *const  *ignored)
{
  for (int pass = 0; pass < 2; pass++)
    {
      const EnrPdfDict *from = pass == 0 ? a : b;
      const EnrPdfDict *to = pass == 0 ? b : a;

      for (guint i = 0; i < from->entries->len; i++)
        {
          const EnrPdfDictEntry *entry = &g_array_index (from->entries, EnrPdfDictEntry, i);
          g_autofree char *key = g_strndup ((const char *) from->data + entry->key_start + 1,
                                            entry->key_end - entry->key_start - 1);
          const EnrPdfDictEntry *other;

          if (ignored != NULL && g_strv_contains (ignored, key))
            continue;
          other = enr_pdf_dict_lookup (to, key);
          if (other == NULL ||
              !values_equal (from->data, entry->value_start, entry->value_end,
                             to->data, other->value_start, other->value_end))
            return FALSE;
        }
    }
  return TRUE;
}

/* The references of an array's text, in order. */
static GArray *
array_references (const GString *text)
{
  GArray *refs = g_array_new (FALSE, FALSE, sizeof (gsize));
  EnrPdfLexer lx = { (const guint8 *) text->str, text->len, 0 };

  enr_pdf_next_token (&lx);   /* [ */
  for (;;)
    {
      EnrPdfToken tok = enr_pdf_next_token (&lx);
      gsize number;
      gsize generation;

      if (tok.type != ENR_PDF_TOKEN_NUMBER ||
          !enr_pdf_token_to_size (&lx, tok, &number) ||
          !enr_pdf_token_to_size (&lx, enr_pdf_next_token (&lx), &generation) ||
          !enr_pdf_token_is (&lx, enr_pdf_next_token (&lx), ENR_PDF_TOKEN_KEYWORD, "R"))
        return refs;
      g_array_append_val (refs, number);
    }
}

/* Whether object @number of @doc is a signature field or its widget. */
static gboolean
is_signature_widget (const EnrPdfDocument *doc,
                     gsize                 number)
{
  for (guint depth = 0; depth < 4; depth++)
    {
      g_auto(EnrPdfDict) dict = { 0 };
      g_autofree char *field_type = NULL;
      gsize generation;

      if (!enr_pdf_document_read_dict (doc, number, &generation, &dict))
        return FALSE;
      field_type = enr_pdf_dict_get_name (&dict, "FT");
      if (field_type != NULL)
        return strcmp (field_type, "Sig") == 0;
      if (!enr_pdf_dict_get_reference (&dict, "Parent", &number, &generation))
        return FALSE;
    }
  return FALSE;
}

/* Whether the annotations @after lists are those @before lists, in order,
 * and signature widgets after them. */
static gboolean
annots_add_only_signatures (const EnrPdfDocument *doc,
                            const GString        *before,
                            const GString        *after)
{
  g_autoptr(GArray) old = before != NULL ? array_references (before) : g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) now = after != NULL ? array_references (after) : g_array_new (FALSE, FALSE, sizeof (gsize));

  if (now->len < old->len)
    return FALSE;
  for (guint i = 0; i < now->len; i++)
    {
      gsize number = g_array_index (now, gsize, i);

      if (i < old->len ? number != g_array_index (old, gsize, i)
                       : !is_signature_widget (doc, number))
        return FALSE;
    }
  return TRUE;
}

static GString *
annots_text (const EnrPdfDocument *doc,
             const EnrPdfDict     *page)
{
  const EnrPdfDictEntry *entry = enr_pdf_dict_lookup (page, "Annots");

  return entry != NULL ? enr_pdf_document_array_text (doc, page, entry) : NULL;
}

/* Whether a later revision's version of object @number only serves a
 * signature: the catalog's form and DSS, a page's annotations, the form's
 * fields, a signature field's value and appearance. */
static gboolean
change_is_for_signatures (const EnrPdfDocument *before,
                          const EnrPdfDocument *after,
                          gsize                 number)
{
  static const char *const catalog_keys[] = { "AcroForm", "DSS", "Perms", "Extensions", NULL };
  static const char *const page_keys[] = { "Annots", NULL };
  static const char *const form_keys[] = { "Fields", "SigFlags", "DR", "DA", "NeedAppearances",
                                           NULL };
  static const char *const field_keys[] = { "V", "AP", "AS", "F", "Lock", "SV", "Kids", "P",
                                            "MK", "DA", NULL };
  g_auto(EnrPdfDict) old = { 0 };
  g_auto(EnrPdfDict) now = { 0 };
  g_autofree char *type = NULL;
  g_autofree char *field_type = NULL;
  gsize generation;

  if (!enr_pdf_document_read_dict (before, number, &generation, &old) ||
      !enr_pdf_document_read_dict (after, number, &generation, &now))
    {
      /* An indirect /Annots array, written again with widgets added. */
      g_autoptr(GString) old_text = enr_pdf_document_read_array (before, number);
      g_autoptr(GString) new_text = enr_pdf_document_read_array (after, number);

      return old_text != NULL && new_text != NULL &&
             annots_add_only_signatures (after, old_text, new_text);
    }

  if (number == after->root_number)
    return dicts_equal_but (&old, &now, catalog_keys);

  type = enr_pdf_dict_get_name (&now, "Type");
  if (g_strcmp0 (type, "Page") == 0)
    {
      g_autoptr(GString) old_annots = annots_text (before, &old);
      g_autoptr(GString) new_annots = annots_text (after, &now);

      return dicts_equal_but (&old, &now, page_keys) &&
             annots_add_only_signatures (after, old_annots, new_annots);
    }
  if (enr_pdf_dict_lookup (&old, "Fields") != NULL)
    return dicts_equal_but (&old, &now, form_keys);
  field_type = enr_pdf_dict_get_name (&old, "FT");
  if (g_strcmp0 (field_type, "Sig") == 0 || is_signature_widget (before, number))
    return dicts_equal_but (&old, &now, field_keys);
  return FALSE;
}

/* Whether the file ends with "%EOF" and at most an end of line. */
static gboolean
ends_with_eof (const guint8 *pdf,
               gsize         len)
{
  while (len > 0 && (pdf[len - 1] == '\n' || pdf[len - 1] == '\r' || pdf[len - 1] == ' '))
    len--;
  return len >= 4 && memcmp (pdf + len - 4, "%EOF", 4) == 0;
}

static EnrPdfCheckChange
changes_after (const guint8 *pdf,
               gsize         len,
               gsize         end)
{
  g_auto(EnrPdfDocument) before = { 0 };
  g_auto(EnrPdfDocument) after = { 0 };
  g_autoptr(GArray) objects = NULL;

  if (end >= len)
    return ENR_PDF_CHECK_UNCHANGED;
  /* Only what a revision's own cross-reference section says can be
   * compared: a file written otherwise is said to have changed. */
  if (enr_pdf_document_read (&before, pdf, end) != ENR_PDF_SIGNATURE_OK ||
      enr_pdf_document_read (&after, pdf, len) != ENR_PDF_SIGNATURE_OK ||
      before.root_number != after.root_number)
    return ENR_PDF_CHECK_CHANGED;
  /* Bytes after the revision that no cross-reference section of theirs
   * describes, or that do not end as a file does, are not an update. */
  if (after.last_xref < end || !ends_with_eof (pdf, len))
    return ENR_PDF_CHECK_CHANGED;

  objects = enr_pdf_document_objects (&after);
  for (guint i = 0; i < objects->len; i++)
    {
      const EnrPdfObjectEntry *object = &g_array_index (objects, EnrPdfObjectEntry, i);

      if (!enr_pdf_document_has_object (&before, object->number))
        continue;   /* new: nothing shows it unless a page changed */
      /* Freed since: an object taken away is a change. */
      if (object->offset == G_MAXSIZE)
        return ENR_PDF_CHECK_CHANGED;
      /* As it was: the same definition, whatever kind of section names it
       * (an older one, not one from before it came back). */
      if (enr_pdf_document_same_object (&before, &after, object->number))
        continue;
      if (!change_is_for_signatures (&before, &after, object->number))
        {
          g_debug ("object %" G_GSIZE_FORMAT " changed after the signature", object->number);
          return ENR_PDF_CHECK_CHANGED;
        }
    }
  return ENR_PDF_CHECK_ONLY_SIGNATURES;
}

/* --- Certificates and time stamps -------------------------------------- */

static EnrCertificate *
find_certificate (const EnrCmsInfo *info,
                  GPtrArray       **chain)
{
  EnrCertificate *signer = NULL;

  *chain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  for (guint i = 0; i < info->certificates->len; i++)
    {
      GBytes *der = g_ptr_array_index (info->certificates, i);
      g_autoptr(EnrCertificate) cert = enr_certificate_new_from_der (der, NULL);

      if (cert != NULL && signer == NULL &&
          enr_cms_info_names_signer (info, enr_certificate_get_x509 (cert)))
        signer = g_steal_pointer (&cert);
      else
        g_ptr_array_add (*chain, g_bytes_ref (der));
    }
  return signer;
}

/*
 * The trust anchors of one check, read once, when a chain is first
 * checked, and let go with the report: not each time a certificate is
 * (a file with several signatures and time stamps checks several chains).
 */
typedef struct
{
  const char               *file;     /* NULL: the system's store */
  gnutls_x509_trust_list_t  list;     /* NULL until read, or when it cannot be */
  gboolean                  read;
} Anchors;

static void
anchors_clear (Anchors *anchors)
{
  if (anchors->list != NULL)
    gnutls_x509_trust_list_deinit (anchors->list, 1);
  anchors->list = NULL;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Anchors, anchors_clear)

static gnutls_x509_trust_list_t
anchors_get (Anchors *anchors)
{
  int ret;

  if (anchors->read)
    return anchors->list;
  anchors->read = TRUE;
  if (gnutls_x509_trust_list_init (&anchors->list, 0) < 0)
    {
      anchors->list = NULL;
      return NULL;
    }
  ret = anchors->file != NULL
          ? gnutls_x509_trust_list_add_trust_file (anchors->list, anchors->file, NULL,
                                                   GNUTLS_X509_FMT_PEM, 0, 0)
          : gnutls_x509_trust_list_add_system_trust (anchors->list, 0, 0);
  if (ret <= 0)
    {
      g_debug ("trust anchors %s: %s", anchors->file != NULL ? anchors->file : "of the system",
               ret < 0 ? gnutls_strerror (ret) : "none");
      anchors_clear (anchors);
    }
  return anchors->list;
}

/* Whether @crt is valid at @when (seconds since 1970). */
static EnrPdfCheckTrust
valid_at (gnutls_x509_crt_t crt,
          gint64            when)
{
  if (when < gnutls_x509_crt_get_activation_time (crt))
    return ENR_PDF_CHECK_NOT_YET_VALID;
  if (when > gnutls_x509_crt_get_expiration_time (crt))
    return ENR_PDF_CHECK_EXPIRED;
  return ENR_PDF_CHECK_TRUSTED;
}

/*
 * Whether @cert signs documents (not a CA; digitalSignature or
 * nonRepudiation) and chains through @chain (DER) to an anchor, it and
 * its chain valid at @when (NULL: now). The policy for any signer's
 * document signature or time stamp, apart from the one for the citizen's
 * own certificate (enr_certificate_verify()).
 */
static EnrPdfCheckTrust
trust_at (EnrCertificate *cert,
          GPtrArray      *chain,
          Anchors        *anchors,
          GDateTime      *when)
{
  gnutls_x509_trust_list_t list = anchors_get (anchors);
  gnutls_x509_crt_t crt = enr_certificate_get_x509 (cert);
  g_autofree gnutls_x509_crt_t *path = g_new0 (gnutls_x509_crt_t, 1 + chain->len);
  EnrPdfCheckTrust trust = ENR_PDF_CHECK_TRUSTED;
  unsigned int key_usage = 0;
  unsigned int critical = 0;
  unsigned int status = 0;
  unsigned int flags = 0;
  guint n = 1;

  if (gnutls_x509_crt_get_basic_constraints (crt, &critical, NULL, NULL) > 0 ||
      gnutls_x509_crt_get_key_usage (crt, &key_usage, &critical) < 0 ||
      (key_usage & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION)) == 0)
    return ENR_PDF_CHECK_NOT_FOR_SIGNING;
  if (list == NULL)
    return ENR_PDF_CHECK_UNTRUSTED;

  path[0] = crt;
  for (guint i = 0; i < chain->len; i++)
    {
      gsize len;
      const guint8 *der = g_bytes_get_data (g_ptr_array_index (chain, i), &len);
      gnutls_datum_t datum = { (unsigned char *) der, len };

      if (gnutls_x509_crt_init (&path[n]) < 0)
        break;
      if (gnutls_x509_crt_import (path[n], &datum, GNUTLS_X509_FMT_DER) < 0)
        {
          gnutls_x509_crt_deinit (path[n]);
          continue;
        }
      n++;
    }

  /* With a time of its own, the signature's is the only clock that counts. */
  if (when != NULL)
    flags |= GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;
  if (gnutls_x509_trust_list_verify_crt2 (list, path, n, NULL, 0, flags, &status, NULL) < 0)
    trust = ENR_PDF_CHECK_UNTRUSTED;
  else if (status != 0)
    trust = (status & ~GNUTLS_CERT_INVALID) == GNUTLS_CERT_EXPIRED ? ENR_PDF_CHECK_EXPIRED
            : (status & ~GNUTLS_CERT_INVALID) == GNUTLS_CERT_NOT_ACTIVATED
              ? ENR_PDF_CHECK_NOT_YET_VALID
              : ENR_PDF_CHECK_UNTRUSTED;
  for (guint i = 0; i < n && trust == ENR_PDF_CHECK_TRUSTED && when != NULL; i++)
    trust = valid_at (path[i], g_date_time_to_unix (when));
  for (guint i = 1; i < n; i++)
    gnutls_x509_crt_deinit (path[i]);
  return trust;
}

static gboolean
has_time_stamping_purpose (EnrCertificate *cert)
{
  for (guint i = 0; i < 32; i++)
    {
      char oid[128];
      size_t oid_len = sizeof oid;
      unsigned critical;

      if (gnutls_x509_crt_get_key_purpose_oid (enr_certificate_get_x509 (cert), i, oid,
                                               &oid_len, &critical) < 0)
        return FALSE;
      if (strcmp (oid, OID_KP_TIME_STAMPING) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The hash of a CMS's content, by the algorithm its signer names. */
static gboolean
hash_with (gnutls_digest_algorithm_t  algorithm,
           const guint8              *data,
           gsize                      len,
           guint8                    *digest)
{
  return algorithm != GNUTLS_DIG_UNKNOWN && gnutls_hash_fast (algorithm, data, len, digest) >= 0;
}

/*
 * Checks a time-stamp token that should be over @imprint (a SHA-256): its
 * signature by its TSA's certificate, that certificate's purpose and
 * chain at the token's own time. Sets the time and the TSA's name.
 */
static EnrPdfCheckTimestamp
check_token (GBytes      *token,
             const guint8 imprint[ENR_TSP_IMPRINT_LENGTH],
             Anchors     *anchors,
             GDateTime  **gen_time,
             char       **tsa_name)
{
  g_autoptr(EnrTstInfo) tst = NULL;
  g_autoptr(EnrCmsInfo) cms = NULL;
  g_autoptr(EnrCertificate) tsa = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GError) error = NULL;
  guint8 digest[64];

  tst = enr_tsp_token_parse (g_bytes_get_data (token, NULL), g_bytes_get_size (token), &error);
  cms = enr_cms_parse (g_bytes_get_data (token, NULL), g_bytes_get_size (token), NULL);
  if (tst == NULL || cms == NULL || memcmp (tst->imprint, imprint, ENR_TSP_IMPRINT_LENGTH) != 0)
    {
      g_debug ("time stamp: %s", error != NULL ? error->message : "another imprint");
      return ENR_PDF_CHECK_TIMESTAMP_INVALID;
    }
  tsa = find_certificate (cms, &chain);
  if (tsa == NULL ||
      !hash_with (cms->digest, g_bytes_get_data (tst->tst_info, NULL),
                  g_bytes_get_size (tst->tst_info), digest) ||
      !enr_cms_info_verify (cms, enr_certificate_get_x509 (tsa), digest,
                            gnutls_hash_get_len (cms->digest), &error))
    {
      g_debug ("time stamp: %s", error != NULL ? error->message : "no TSA certificate");
      return ENR_PDF_CHECK_TIMESTAMP_INVALID;
    }
  *gen_time = g_date_time_ref (tst->gen_time);
  *tsa_name = g_strdup (enr_certificate_get_common_name (tsa));
  if (!has_time_stamping_purpose (tsa) ||
      trust_at (tsa, chain, anchors, tst->gen_time) != ENR_PDF_CHECK_TRUSTED)
    return ENR_PDF_CHECK_TIMESTAMP_UNTRUSTED;
  return ENR_PDF_CHECK_TIMESTAMP_VALID;
}

/* --- One signature ------------------------------------------------------ */

static gboolean
hash_ranges (gnutls_digest_algorithm_t  algorithm,
             const guint8              *pdf,
             gsize                      len,
             const gsize                range[4],
             guint8                    *digest)
{
  gnutls_hash_hd_t hash;

  if (algorithm == GNUTLS_DIG_UNKNOWN || range[0] > len || range[1] > len - range[0] ||
      range[2] > len || range[3] > len - range[2] || gnutls_hash_init (&hash, algorithm) < 0)
    return FALSE;
  gnutls_hash (hash, pdf + range[0], range[1]);
  gnutls_hash (hash, pdf + range[2], range[3]);
  gnutls_hash_deinit (hash, digest);
  return TRUE;
}

static void
describe_signer (EnrPdfCheckSignature *result,
                 EnrCertificate       *cert)
{
  const char *uid = enr_certificate_get_uid (cert);

  result->certificate = g_object_ref (cert);
  result->signer_name = g_strdup (enr_certificate_get_common_name (cert));
  result->issuer_name = g_strdup (enr_certificate_get_issuer_common_name (cert));
  if (uid != NULL)
    result->citizen_id = g_strdup (g_str_has_prefix (uid, "CCCD:") ? uid + 5 : uid);
}

/* ETSI.RFC3161: the contents are a time stamp over the byte range. */
static void
check_document_timestamp (EnrPdfCheckSignature  *result,
                          const EnrPdfSignature *sig,
                          const guint8          *pdf,
                          gsize                  len,
                          Anchors               *anchors)
{
  g_autoptr(EnrTstInfo) tst = NULL;
  g_autoptr(EnrCmsInfo) cms = NULL;
  g_autoptr(EnrCertificate) tsa = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  guint8 digest[32];
  guint8 token_digest[64];
  const guint8 *data = g_bytes_get_data (sig->contents, NULL);
  gsize size = g_bytes_get_size (sig->contents);

  result->kind = ENR_PDF_CHECK_KIND_DOCUMENT_TIMESTAMP;
  result->integrity = ENR_PDF_CHECK_UNREADABLE;
  result->trust = ENR_PDF_CHECK_NO_CERTIFICATE;
  tst = enr_tsp_token_parse (data, size, NULL);
  cms = enr_cms_parse (data, size, NULL);
  if (tst == NULL || cms == NULL || !hash_ranges (GNUTLS_DIG_SHA256, pdf, len, sig->byte_range,
                                                  digest))
    return;
  tsa = find_certificate (cms, &chain);
  if (tsa == NULL)
    return;
  describe_signer (result, tsa);
  result->integrity = ENR_PDF_CHECK_BAD_SIGNATURE;
  if (!hash_with (cms->digest, g_bytes_get_data (tst->tst_info, NULL),
                  g_bytes_get_size (tst->tst_info), token_digest) ||
      !enr_cms_info_verify (cms, enr_certificate_get_x509 (tsa), token_digest,
                            gnutls_hash_get_len (cms->digest), NULL))
    return;
  result->integrity = memcmp (tst->imprint, digest, sizeof digest) == 0 ? ENR_PDF_CHECK_INTACT
                                                                       : ENR_PDF_CHECK_ALTERED;
  result->time = g_date_time_ref (tst->gen_time);
  result->time_source = ENR_PDF_CHECK_TIME_TRUSTED;
  result->trust = has_time_stamping_purpose (tsa)
                    ? trust_at (tsa, chain, anchors, tst->gen_time)
                    : ENR_PDF_CHECK_NOT_FOR_SIGNING;
}

static EnrPdfCheckSignature *
check_signature (const EnrPdfSignature *sig,
                 const guint8          *pdf,
                 gsize                  len,
                 Anchors               *anchors)
{
  EnrPdfCheckSignature *result = g_new0 (EnrPdfCheckSignature, 1);
  g_autoptr(EnrCmsInfo) cms = NULL;
  g_autoptr(EnrCertificate) signer = NULL;
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GError) error = NULL;
  guint8 digest[64];

  result->sub_filter = g_strdup (sig->sub_filter);
  result->revision_end = MIN (len, sig->byte_range[2] + sig->byte_range[3]);
  result->change = sig->whole_revision ? changes_after (pdf, len, result->revision_end)
                                       : ENR_PDF_CHECK_NOT_WHOLE_REVISION;
  result->integrity = ENR_PDF_CHECK_UNREADABLE;
  result->trust = ENR_PDF_CHECK_NO_CERTIFICATE;

  if (g_strcmp0 (sig->sub_filter, "ETSI.RFC3161") == 0)
    {
      check_document_timestamp (result, sig, pdf, len, anchors);
      return result;
    }

  /* The signer's own claim, until a time stamp says better. */
  result->time = enr_pdf_signature_parse_date (sig->signing_time);
  result->time_source = result->time != NULL ? ENR_PDF_CHECK_TIME_CLAIMED
                                             : ENR_PDF_CHECK_TIME_NONE;

  if ((g_strcmp0 (sig->sub_filter, "ETSI.CAdES.detached") != 0 &&
       g_strcmp0 (sig->sub_filter, "adbe.pkcs7.detached") != 0) ||
      sig->contents == NULL)
    return result;
  cms = enr_cms_parse (g_bytes_get_data (sig->contents, NULL),
                       g_bytes_get_size (sig->contents), &error);
  if (cms == NULL || cms->signer_count != 1 || cms->content != NULL)
    {
      g_debug ("signature %s: %s", sig->sub_filter,
               error != NULL ? error->message : "not one detached signer");
      return result;
    }
  if (result->time == NULL && cms->signing_time != NULL)
    {
      result->time = g_date_time_ref (cms->signing_time);
      result->time_source = ENR_PDF_CHECK_TIME_CLAIMED;
    }

  signer = find_certificate (cms, &chain);
  if (signer == NULL)
    return result;
  describe_signer (result, signer);

  if (!hash_ranges (cms->digest, pdf, len, sig->byte_range, digest))
    return result;
  if (!enr_cms_info_verify (cms, enr_certificate_get_x509 (signer), digest,
                            gnutls_hash_get_len (cms->digest), &error))
    {
      result->integrity = g_error_matches (error, ENR_CMS_ERROR, ENR_CMS_ERROR_MALFORMED)
                            ? ENR_PDF_CHECK_UNREADABLE
                            : cms->message_digest != NULL &&
                              (g_bytes_get_size (cms->message_digest) !=
                                 gnutls_hash_get_len (cms->digest) ||
                               memcmp (g_bytes_get_data (cms->message_digest, NULL), digest,
                                       gnutls_hash_get_len (cms->digest)) != 0)
                                ? ENR_PDF_CHECK_ALTERED
                                : ENR_PDF_CHECK_BAD_SIGNATURE;
      g_debug ("signature: %s", error->message);
    }
  else
    result->integrity = ENR_PDF_CHECK_INTACT;

  /* B-T: the time stamp is over the signature value (ETSI EN 319 122-1). */
  if (cms->timestamp_token != NULL)
    {
      guint8 imprint[ENR_TSP_IMPRINT_LENGTH];
      g_autoptr(GDateTime) gen_time = NULL;

      gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (cms->signature, NULL),
                        g_bytes_get_size (cms->signature), imprint);
      result->timestamp = check_token (cms->timestamp_token, imprint, anchors,
                                       &gen_time, &result->tsa_name);
      if (result->timestamp == ENR_PDF_CHECK_TIMESTAMP_VALID)
        {
          g_clear_pointer (&result->time, g_date_time_unref);
          result->time = g_steal_pointer (&gen_time);
          result->time_source = ENR_PDF_CHECK_TIME_TRUSTED;
        }
    }

  result->trust = trust_at (signer, chain, anchors, result->time);
  return result;
}

/* --- The document ------------------------------------------------------ */

EnrPdfCheckReport *
enr_pdf_check (const guint8  *pdf,
               gsize          len,
               const char    *trust_anchor_file,
               GError       **error)
{
  g_autoptr(EnrPdfCheckReport) report = NULL;
  g_autoptr(GPtrArray) signatures = NULL;
  g_auto(Anchors) anchors = { trust_anchor_file, NULL, FALSE };

  g_return_val_if_fail (pdf != NULL || len == 0, NULL);

  if (!enr_pdf_has_header (pdf, len))
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_PDF_MALFORMED, "no %%PDF- header");
      return NULL;
    }
  report = g_new0 (EnrPdfCheckReport, 1);
  report->size = len;
  report->signatures = g_ptr_array_new_with_free_func ((GDestroyNotify) signature_free);
  signatures = enr_pdf_signature_locate_all (pdf, len, MAX_SIGNATURES);
  for (guint i = 0; i < signatures->len; i++)
    g_ptr_array_add (report->signatures,
                     check_signature (g_ptr_array_index (signatures, i), pdf, len,
                                      &anchors));
  return g_steal_pointer (&report);
}

EnrPdfCheckReport *
enr_pdf_check_file (GFile       *file,
                    const char  *trust_anchor_file,
                    GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  path = g_file_get_path (file);
  if (path == NULL || (mapped = g_mapped_file_new (path, FALSE, &local)) == NULL)
    {
      enr_crypto_error_set (error, ENR_CRYPTO_ERROR_PDF_MALFORMED, "reading: %s",
                            local != NULL ? local->message : "not a local file");
      return NULL;
    }
  return enr_pdf_check ((const guint8 *) g_mapped_file_get_contents (mapped),
                        g_mapped_file_get_length (mapped), trust_anchor_file, error);
}

typedef struct
{
  GFile *file;
  char  *trust_anchor_file;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_object_unref (data->file);
  g_free (data->trust_anchor_file);
  g_free (data);
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CheckData *data = task_data;
  GError *error = NULL;
  EnrPdfCheckReport *report = enr_pdf_check_file (data->file, data->trust_anchor_file, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify) enr_pdf_check_report_free);
}

void
enr_pdf_check_file_async (GFile               *file,
                          const char          *trust_anchor_file,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CheckData *data;

  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (CheckData, 1);
  data->file = g_object_ref (file);
  data->trust_anchor_file = g_strdup (trust_anchor_file);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_pdf_check_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, check_thread);
}

EnrPdfCheckReport *
enr_pdf_check_file_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == enr_pdf_check_file_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
