/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the verdict engine (enr-pdf-check.c) found about a signature, said
 * to a citizen: one plain sentence per verdict, in the UI language, with
 * a level and an icon whose shape, not only its colour, tells good from
 * bad; and the technical details for whoever asks for them.
 */
#define G_LOG_DOMAIN "enr-document-check"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-citizen-id.h"
#include "enr-document-check-private.h"
#include "enr-vietnam-time.h"

static const char *
icon_for (EnrCheckLevel level)
{
  switch (level)
    {
    case ENR_CHECK_GOOD:
      return "emblem-ok-symbolic";
    case ENR_CHECK_WARNING:
      return "dialog-warning-symbolic";
    case ENR_CHECK_BAD:
    default:
      return "dialog-error-symbolic";
    }
}

static void
verdict_set (EnrCheckVerdict *verdict,
             EnrCheckLevel    level,
             char            *sentence)
{
  verdict->level = level;
  verdict->sentence = sentence;
  verdict->icon_name = icon_for (level);
}

static EnrCheckVerdict *
verdict_new (EnrCheckLevel  level,
             char          *sentence)
{
  EnrCheckVerdict *verdict = g_new0 (EnrCheckVerdict, 1);

  verdict_set (verdict, level, sentence);
  return verdict;
}

void
_enr_check_verdict_clear (EnrCheckVerdict *verdict)
{
  g_clear_pointer (&verdict->sentence, g_free);
}

static void
verdict_free (EnrCheckVerdict *verdict)
{
  _enr_check_verdict_clear (verdict);
  g_free (verdict);
}

/* A signature's time as the citizen compares it with their papers: Vietnam
 * time, to the second (two signatures a minute apart must not look the
 * same), said to be Vietnam's on a computer set to another zone. */
static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) vietnam = enr_vietnam_time_from (time);
  g_autofree char *text = g_date_time_format (vietnam, "%d/%m/%Y %H:%M:%S");

  if (enr_vietnam_time_is_local (time))
    return g_steal_pointer (&text);
  return g_strdup_printf (_("%s (Vietnam time)"), text);
}

/* --- The verdicts ------------------------------------------------------------------ */

static EnrCheckVerdict *
integrity_verdict (const EnrPdfCheckSignature *signature)
{
  switch (signature->integrity)
    {
    case ENR_PDF_CHECK_INTACT:
      return verdict_new (ENR_CHECK_GOOD,
                          g_strdup (_("The signature matches the content it signed.")));
    case ENR_PDF_CHECK_ALTERED:
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup (_("The signed content has been altered: it is no longer "
                                      "what was signed.")));
    case ENR_PDF_CHECK_BAD_SIGNATURE:
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup (_("The signature is damaged or was not made with the key of "
                                      "the certificate it carries.")));
    case ENR_PDF_CHECK_UNREADABLE:
    default:
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup (_("This signature is of a kind this program cannot check.")));
    }
}

static EnrCheckVerdict *
change_verdict (const EnrPdfCheckSignature *signature)
{
  switch (signature->change)
    {
    case ENR_PDF_CHECK_UNCHANGED:
      return verdict_new (ENR_CHECK_GOOD,
                          g_strdup (_("The document has not been changed since this signature.")));
    case ENR_PDF_CHECK_ONLY_SIGNATURES:
      return verdict_new (ENR_CHECK_GOOD,
                          g_strdup (_("Since this signature, the document has only been signed "
                                      "again; its content has not been changed.")));
    case ENR_PDF_CHECK_NOT_WHOLE_REVISION:
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup (_("This signature leaves out part of the document, which "
                                      "could have been changed.")));
    case ENR_PDF_CHECK_CHANGED:
    default:
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup (_("The document has been changed since this signature.")));
    }
}

static EnrCheckVerdict *
trust_verdict (const EnrPdfCheckSignature *signature)
{
  g_autofree char *fallback = NULL;
  const char *issuer = signature->issuer_name;

  if (issuer == NULL)
    issuer = fallback = g_strdup (_("an unknown authority"));

  switch (signature->trust)
    {
    case ENR_PDF_CHECK_TRUSTED:
      /* Translators: %s is a certificate authority's name. */
      return verdict_new (ENR_CHECK_GOOD,
                          g_strdup_printf (_("The certificate was issued by %s, a trusted "
                                             "signing authority, and was valid at the time of "
                                             "signing."), issuer));
    case ENR_PDF_CHECK_UNTRUSTED:
      /* Translators: %s is a certificate authority's name. */
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup_printf (_("The certificate was issued by %s, which is not a "
                                             "trusted signing authority."), issuer));
    case ENR_PDF_CHECK_EXPIRED:
      /* Translators: %s is a certificate authority's name. */
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup_printf (_("The certificate, issued by %s, had expired at the "
                                             "time of signing."), issuer));
    case ENR_PDF_CHECK_NOT_YET_VALID:
      /* Translators: %s is a certificate authority's name. */
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup_printf (_("The certificate, issued by %s, was not yet valid at "
                                             "the time of signing."), issuer));
    case ENR_PDF_CHECK_NOT_FOR_SIGNING:
      /* Translators: %s is a certificate authority's name. */
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup_printf (_("The certificate, issued by %s, is not meant for "
                                             "signing documents."), issuer));
    case ENR_PDF_CHECK_NO_CERTIFICATE:
    default:
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup (_("The signer’s certificate is missing from the signature, "
                                      "so who signed cannot be known.")));
    }
}

static EnrCheckVerdict *
time_verdict (const EnrPdfCheckSignature *signature)
{
  g_autofree char *when = NULL;

  if (signature->time == NULL || signature->time_source == ENR_PDF_CHECK_TIME_NONE)
    return verdict_new (ENR_CHECK_WARNING,
                        g_strdup (_("The signature does not say when it was made.")));

  when = format_time (signature->time);
  if (signature->time_source == ENR_PDF_CHECK_TIME_TRUSTED)
    {
      if (signature->tsa_name != NULL)
        /* Translators: "Signed on 06/12/2026 10:00:00, a trusted time from
         * the time-stamp authority VNPT TSA." */
        return verdict_new (ENR_CHECK_GOOD,
                            g_strdup_printf (_("Signed on %s, a trusted time from the "
                                               "time-stamp authority %s."),
                                             when, signature->tsa_name));
      return verdict_new (ENR_CHECK_GOOD,
                          g_strdup_printf (_("Signed on %s, a trusted time from a time-stamp "
                                             "authority."), when));
    }
  /* Translators: %s is a date and time. */
  return verdict_new (ENR_CHECK_WARNING,
                      g_strdup_printf (_("Signed on %s, as the signer’s computer claims: no "
                                         "trusted time confirms it."), when));
}

/* Only a time stamp that is there and not right has something to say
 * beside the time itself. */
static EnrCheckVerdict *
timestamp_verdict (const EnrPdfCheckSignature *signature)
{
  switch (signature->timestamp)
    {
    case ENR_PDF_CHECK_TIMESTAMP_INVALID:
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup (_("The signature’s time stamp does not match it or is "
                                      "damaged.")));
    case ENR_PDF_CHECK_TIMESTAMP_UNTRUSTED:
      return verdict_new (ENR_CHECK_BAD,
                          g_strdup (_("The signature’s time stamp comes from an authority that "
                                      "is not trusted.")));
    case ENR_PDF_CHECK_TIMESTAMP_NONE:
    case ENR_PDF_CHECK_TIMESTAMP_VALID:
    default:
      return NULL;
    }
}

/* --- The signature's summary and details ------------------------------------------- */

static char *
signer_words (const EnrPdfCheckSignature *signature,
              const char                 *masked_id)
{
  const char *name = signature->signer_name;

  if (signature->kind == ENR_PDF_CHECK_KIND_DOCUMENT_TIMESTAMP)
    return name != NULL
      /* Translators: %s is a time-stamp authority's name. */
      ? g_strdup_printf (_("A time stamp over the document by %s."), name)
      : g_strdup (_("A time stamp over the document by an unknown authority."));
  if (name != NULL && masked_id != NULL)
    /* Translators: "Signed by Nguyễn Văn An (citizen ID 001******001)." */
    return g_strdup_printf (_("Signed by %s (citizen ID %s)."), name, masked_id);
  if (name != NULL)
    /* Translators: %s is the signer's name. */
    return g_strdup_printf (_("Signed by %s."), name);
  return g_strdup (_("Signed by an unknown signer."));
}

static char *
summary_words (const EnrPdfCheckSignature *signature,
               const char                 *masked_id,
               gboolean                    valid)
{
  g_autofree char *who = signer_words (signature, masked_id);

  if (valid)
    /* Translators: "Signed by … (citizen ID …)." then this. */
    return g_strdup_printf (_("%s This signature is valid."), who);
  /* Translators: "Signed by … (citizen ID …)." then this. */
  return g_strdup_printf (_("%s This signature cannot be relied on."), who);
}

/* Labels for the person who looks after the computer; the values are the
 * stable names of --check --json, the same in every language. */
static char *
details_text (const EnrPdfCheckSignature *signature,
              gsize                       file_size)
{
  GString *text = g_string_new (NULL);

#define LINE(label, value) \
  if ((value) != NULL) \
    g_string_append_printf (text, "%s: %s\n", (label), (value))

  LINE (_("Kind"), signature->kind == ENR_PDF_CHECK_KIND_DOCUMENT_TIMESTAMP
                   ? "document-timestamp" : "signature");
  LINE (_("Sub-filter"), signature->sub_filter);
  if (signature->certificate != NULL)
    {
      LINE (_("Subject"), enr_certificate_get_subject (signature->certificate));
      LINE (_("Serial number"), enr_certificate_get_serial (signature->certificate));
      LINE (_("Issuer"), enr_certificate_get_issuer (signature->certificate));
    }
  LINE (_("Time-stamp authority"), signature->tsa_name);
  LINE (_("Integrity"), enr_pdf_check_integrity_to_string (signature->integrity));
  LINE (_("Changes after it"), enr_pdf_check_change_to_string (signature->change));
  LINE (_("Certificate"), enr_pdf_check_trust_to_string (signature->trust));
  LINE (_("Time source"), enr_pdf_check_time_source_to_string (signature->time_source));
  LINE (_("Time stamp"), enr_pdf_check_timestamp_to_string (signature->timestamp));
  if (signature->time != NULL)
    {
      g_autofree char *iso = g_date_time_format_iso8601 (signature->time);

      LINE (_("Time"), iso);
    }
#undef LINE
  /* Translators: "Covers bytes: 0–3456 of 5678". */
  g_string_append_printf (text, _("Covers bytes: 0–%llu of %llu"),
                          (unsigned long long) signature->revision_end,
                          (unsigned long long) file_size);
  return g_string_free (text, FALSE);
}

EnrCheckedSignature *
_enr_checked_signature_new (const EnrPdfCheckSignature *signature,
                            gsize                       file_size)
{
  EnrCheckedSignature *checked = g_new0 (EnrCheckedSignature, 1);
  EnrCheckVerdict *timestamp;
  EnrCheckLevel worst = ENR_CHECK_GOOD;

  checked->signer_name = g_strdup (signature->signer_name);
  if (signature->citizen_id != NULL)
    checked->masked_citizen_id = enr_citizen_id_mask (signature->citizen_id);
  checked->issuer_name = g_strdup (signature->issuer_name);
  if (signature->time != NULL)
    checked->time = enr_vietnam_time_from (signature->time);
  checked->time_trusted = signature->time_source == ENR_PDF_CHECK_TIME_TRUSTED;
  checked->valid = enr_pdf_check_signature_is_valid (signature);

  checked->verdicts = g_ptr_array_new_with_free_func ((GDestroyNotify) verdict_free);
  g_ptr_array_add (checked->verdicts, integrity_verdict (signature));
  g_ptr_array_add (checked->verdicts, change_verdict (signature));
  g_ptr_array_add (checked->verdicts, trust_verdict (signature));
  g_ptr_array_add (checked->verdicts, time_verdict (signature));
  if ((timestamp = timestamp_verdict (signature)) != NULL)
    g_ptr_array_add (checked->verdicts, timestamp);
  for (guint i = 0; i < checked->verdicts->len; i++)
    worst = MAX (worst, ((EnrCheckVerdict *) g_ptr_array_index (checked->verdicts, i))->level);

  /* The summary is never better than the engine's own judgement. */
  if (!checked->valid)
    worst = ENR_CHECK_BAD;
  verdict_set (&checked->summary, worst,
               summary_words (signature, checked->masked_citizen_id, checked->valid));
  checked->details = details_text (signature, file_size);
  return checked;
}

void
_enr_checked_signature_free (EnrCheckedSignature *signature)
{
  if (signature == NULL)
    return;
  g_free (signature->signer_name);
  g_free (signature->masked_citizen_id);
  g_free (signature->issuer_name);
  g_clear_pointer (&signature->time, g_date_time_unref);
  _enr_check_verdict_clear (&signature->summary);
  g_clear_pointer (&signature->verdicts, g_ptr_array_unref);
  g_free (signature->details);
  g_free (signature);
}

/* --- The document ------------------------------------------------------------------- */

void
_enr_check_summarize (GPtrArray       *signatures,
                      EnrCheckVerdict *summary)
{
  guint count = signatures->len;
  guint bad = 0, claimed = 0;

  for (guint i = 0; i < count; i++)
    {
      EnrCheckedSignature *signature = g_ptr_array_index (signatures, i);

      if (!signature->valid)
        bad++;
      else if (!signature->time_trusted)
        claimed++;
    }

  if (count == 0)
    verdict_set (summary, ENR_CHECK_BAD,
                 g_strdup (_("This document carries no signature: nothing shows who it comes "
                             "from or that it is unchanged.")));
  else if (bad == 1 && count == 1)
    verdict_set (summary, ENR_CHECK_BAD,
                 g_strdup (_("The signature of this document cannot be relied on.")));
  else if (bad > 0)
    verdict_set (summary, ENR_CHECK_BAD,
                 g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%u of this document’s %u signatures cannot be "
                                               "relied on.",
                                               "%u of this document’s %u signatures cannot be "
                                               "relied on.", bad), bad, count));
  else if (claimed > 0)
    verdict_set (summary, ENR_CHECK_WARNING,
                 g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "This document carries %u valid signature and "
                                               "has not been changed since, but when it was "
                                               "made is only what the signer’s computer claims.",
                                               "This document carries %u valid signatures and "
                                               "has not been changed since, but when some were "
                                               "made is only what the signers’ computers claim.",
                                               count), count));
  else
    verdict_set (summary, ENR_CHECK_GOOD,
                 g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "This document carries %u valid signature and "
                                               "has not been changed since.",
                                               "This document carries %u valid signatures and "
                                               "has not been changed since.", count), count));
}
