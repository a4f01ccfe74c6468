/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * enr-sign-tool: the signing and checking machinery of issue 14, headless,
 * for the tests and the benchmark (tests/sign/test_sign.py,
 * tests/bench/run.py --only sign). A key of tests/crypto/test-pki stands in
 * for SmartCA's remote signature: it signs exactly the hash SmartCA would
 * (enr_pades_signing_get_hash()), and the CMS is assembled around that
 * signature as around SmartCA's `sig`. The real remote path goes through
 * the session.
 *
 *   enr-sign-tool sign --pki-dir DIR [--tsa-url URL --tsa-root PEM] [--signers N]
 *                 [--page P] [--rect X1,Y1,X2,Y2] [--line TEXT]... FILE.pdf...
 *     signs each FILE into FILE-signed.pdf (with --signers 2, that again into
 *     FILE-signed-2.pdf by a second citizen), checks each result, and prints
 *     one JSON object: the files, the check, and the time spent in each part.
 *   enr-sign-tool check --trust-anchor PEM FILE.pdf
 *     prints the check as JSON; exits 0 only if every signature is valid.
 *   enr-sign-tool appearance --width W --height H --line TEXT... --pdf OUT --pgm OUT
 *     draws a signature's appearance as the signer does, as a PDF page and as
 *     a grey picture at 4 pixels per point (to compare with pdftoppm -r 288).
 *   enr-sign-tool make-pdf --pages N --megabytes M OUT.pdf
 *     a PDF of N pages whose images make it about M MB, to sign.
 */
#include "config.h"

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>
#include <locale.h>
#include <sys/resource.h>

#include "enr-http.h"
#include "enr-pades-sign.h"
#include "enr-pdf-appearance.h"
#include "enr-pdf-check.h"
#include "enr-tsa-client.h"
#include "enr-vietnam-time.h"
#include "test-pki.h"

static const TestSubject citizens[] = {
  { "001093000001", "Nguyễn Văn An", "Hà Nội", "Phường Ba Đình", 0, 0 },
  { "079194000002", "Trần Thị Bích Ngọc", "Thành phố Hồ Chí Minh", "Phường Sài Gòn", 0, 0 },
};

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* --- sign ----------------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  guint      pending;
  GPtrArray *tokens;     /* by document */
  GError    *error;
} Stamps;

typedef struct
{
  Stamps *stamps;
  guint   index;
} StampCall;

static void
stamped_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  StampCall *call = user_data;
  Stamps *stamps = call->stamps;
  GError *error = NULL;
  GBytes *token = enr_tsa_timestamp_finish (result, &error);

  if (token == NULL && stamps->error == NULL)
    stamps->error = error;
  else if (token == NULL)
    g_error_free (error);
  g_ptr_array_index (stamps->tokens, call->index) = token;
  g_free (call);
  if (--stamps->pending == 0)
    g_main_loop_quit (stamps->loop);
}

/* Time-stamps every signature at once, as the session would. */
static GPtrArray *
timestamp_all (EnrHttp     *http,
               const char  *url,
               GPtrArray   *signatures,
               GError     **error)
{
  Stamps stamps = { g_main_loop_new (NULL, FALSE), signatures->len,
                    g_ptr_array_new_full (signatures->len, (GDestroyNotify) g_bytes_unref),
                    NULL };

  g_ptr_array_set_size (stamps.tokens, signatures->len);
  for (guint i = 0; i < signatures->len; i++)
    {
      GBytes *sig = g_ptr_array_index (signatures, i);
      guint8 imprint[32];
      StampCall *call = g_new0 (StampCall, 1);

      gnutls_hash_fast (GNUTLS_DIG_SHA256, g_bytes_get_data (sig, NULL), g_bytes_get_size (sig),
                        imprint);
      call->stamps = &stamps;
      call->index = i;
      enr_tsa_timestamp_async (http, url, imprint, NULL, stamped_cb, call);
    }
  if (stamps.pending > 0)
    g_main_loop_run (stamps.loop);
  g_main_loop_unref (stamps.loop);
  if (stamps.error != NULL)
    {
      g_propagate_error (error, stamps.error);
      g_ptr_array_unref (stamps.tokens);
      return NULL;
    }
  return stamps.tokens;
}

/* SmartCA's part, played by a local key: RSA PKCS #1 v1.5 over the hash's
 * DigestInfo, which is what `sig` is. */
static GBytes *
remote_signature (gnutls_privkey_t  key,
                  const guint8     *hash)
{
  gnutls_datum_t digest = { (unsigned char *) hash, 32 };
  gnutls_datum_t sig = { NULL, 0 };
  GBytes *bytes;

  if (gnutls_privkey_sign_hash2 (key, GNUTLS_SIGN_RSA_SHA256, 0, &digest, &sig) < 0)
    g_error ("the stand-in signature failed");
  bytes = g_bytes_new (sig.data, sig.size);
  gnutls_free (sig.data);
  return bytes;
}

static char *
output_name (const char *input,
             guint       round)
{
  g_autofree char *base = g_str_has_suffix (input, ".pdf")
                            ? g_strndup (input, strlen (input) - 4) : g_strdup (input);

  if (round == 0)
    return g_strconcat (base, "-signed.pdf", NULL);
  /* The second signer signs the first's output. */
  if (g_str_has_suffix (base, "-signed"))
    base[strlen (base) - strlen ("-signed")] = '\0';
  return g_strdup_printf ("%s-signed-%u.pdf", base, round + 1);
}

static void
add_timing (JsonBuilder *builder,
            const char  *name,
            gint64       us)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, us / 1000.0);
}

static void add_report (JsonBuilder *builder, const EnrPdfCheckReport *report);

static int
sign_main (int    argc,
           char **argv)
{
  g_autofree char *pki_dir = NULL;
  g_autofree char *tsa_url = NULL;
  g_autofree char *tsa_root = NULL;
  g_autofree char *rect_text = NULL;
  g_auto(GStrv) lines = NULL;
  int signers = 1;
  int page = -1;
  gboolean no_check = FALSE;
  GOptionEntry entries[] = {
    { "pki-dir", 0, 0, G_OPTION_ARG_FILENAME, &pki_dir, "Where the test PKI's root goes", "DIR" },
    { "tsa-url", 0, 0, G_OPTION_ARG_STRING, &tsa_url, "The TSA (none: B-B)", "URL" },
    { "tsa-root", 0, 0, G_OPTION_ARG_FILENAME, &tsa_root, "The TSA's root (PEM)", "FILE" },
    { "signers", 0, 0, G_OPTION_ARG_INT, &signers, "How many citizens sign in turn", "N" },
    { "page", 0, 0, G_OPTION_ARG_INT, &page, "The page (default: the last)", "P" },
    { "rect", 0, 0, G_OPTION_ARG_STRING, &rect_text, "The box (default: bottom right)",
      "X1,Y1,X2,Y2" },
    { "line", 0, 0, G_OPTION_ARG_STRING_ARRAY, &lines, "A line of the appearance", "TEXT" },
    { "no-check", 0, 0, G_OPTION_ARG_NONE, &no_check, "Do not check the results", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE.pdf…");
  g_autoptr(GError) error = NULL;
  g_autoptr(TestPki) pki = NULL;
  g_autoptr(EnrHttp) http = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *trust_path = NULL;
  g_autofree char *json = NULL;
  gnutls_privkey_t keys[G_N_ELEMENTS (citizens)] = { NULL, };
  gnutls_x509_crt_t certs[G_N_ELEMENTS (citizens)] = { NULL, };
  gint64 prepare_us = 0, remote_us = 0, tsa_us = 0, write_us = 0, check_us = 0;
  gboolean all_valid = TRUE;
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  struct rusage usage;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2 || pki_dir == NULL ||
      signers < 1 || signers > (int) G_N_ELEMENTS (citizens) ||
      (tsa_url != NULL && tsa_root == NULL))
    {
      g_printerr ("sign: %s\n", error != NULL ? error->message : "see --help");
      return 2;
    }

  /* The test PKI: a root, an issuing CA and one certificate per citizen;
   * trust.pem holds its root and the TSA's, as the program's trust anchor. */
  g_mkdir_with_parents (pki_dir, 0700);
  pki = test_pki_new (pki_dir, &citizens[0]);
  keys[0] = pki->leaf_privkey;
  certs[0] = pki->leaf;
  for (int s = 1; s < signers; s++)
    {
      gnutls_x509_privkey_t x509_key = NULL;

      if (!test_pki_issue (pki, &citizens[s], &x509_key, &certs[s]) ||
          gnutls_privkey_init (&keys[s]) < 0 ||
          gnutls_privkey_import_x509 (keys[s], x509_key, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE) < 0)
        g_error ("a second citizen's certificate");
    }
  {
    g_autofree char *root_pem = NULL;
    g_autofree char *tsa_pem = NULL;
    g_autofree char *both = NULL;

    trust_path = g_build_filename (pki_dir, "trust.pem", NULL);
    if (!g_file_get_contents (pki->root_pem_path, &root_pem, NULL, &error) ||
        (tsa_root != NULL && !g_file_get_contents (tsa_root, &tsa_pem, NULL, &error)))
      g_error ("%s", error->message);
    both = g_strconcat (root_pem, tsa_pem != NULL ? tsa_pem : "", NULL);
    if (!g_file_set_contents (trust_path, both, -1, &error))
      g_error ("%s", error->message);
  }
  if (tsa_url != NULL)
    {
      http = enr_http_new (tsa_root, &error);
      if (http == NULL)
        g_error ("%s", error->message);
    }

  for (int i = 1; i < argc; i++)
    g_ptr_array_add (inputs, g_strdup (argv[i]));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "trust_anchor");
  json_builder_add_string_value (builder, trust_path);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_array (builder);

  for (int round = 0; round < signers; round++)
    {
      g_autoptr(GPtrArray) signings = g_ptr_array_new_with_free_func (
        (GDestroyNotify) enr_pades_signing_free);
      g_autoptr(GPtrArray) signatures = g_ptr_array_new_with_free_func (
        (GDestroyNotify) g_bytes_unref);
      g_autoptr(GPtrArray) tokens = NULL;
      g_autoptr(GPtrArray) outputs = g_ptr_array_new_with_free_func (g_free);
      gnutls_x509_crt_t chain[] = { pki->issuing, pki->root };
      gint64 started;

      /* 1. Prepare every document and hash it: the hashes go to SmartCA
       *    in one signhash transaction. */
      started = now_us ();
      for (guint d = 0; d < inputs->len; d++)
        {
          const char *input = g_ptr_array_index (inputs, d);
          g_autoptr(GFile) file = g_file_new_for_path (input);
          g_autoptr(GDateTime) signing_time = g_date_time_new_now_utc ();
          g_autoptr(GDateTime) local = enr_vietnam_time_from (signing_time);
          g_autofree char *when = g_date_time_format (local, "%d/%m/%Y %H:%M (giờ Việt Nam)");
          g_autofree char *who = g_strdup_printf ("Ký bởi: %s", citizens[round].full_name);
          g_autofree char *date_line = g_strdup_printf ("Ngày ký: %s", when);
          const char *default_lines[] = { who, date_line, "Lý do: Tôi đồng ý", NULL };
          g_autoptr(GBytes) appearance = NULL;
          EnrPdfSignatureWidget widget = { 0 };
          EnrPdfSignatureParams params = { 0 };
          g_autoptr(GMappedFile) mapped = NULL;
          EnrPdfPageInfo info = { 0 };
          guint n_pages = 0;
          EnrPdfSignatureStatus status;
          EnrPadesSigning *signing;

          mapped = g_mapped_file_new (input, FALSE, &error);
          if (mapped == NULL)
            g_error ("%s", error->message);
          status = enr_pdf_signature_page_info ((const guint8 *) g_mapped_file_get_contents (mapped),
                                                g_mapped_file_get_length (mapped), 0, &n_pages,
                                                &info);
          if (status == ENR_PDF_SIGNATURE_OK)
            {
              widget.page = page >= 0 ? (guint) page : n_pages - 1;
              status = enr_pdf_signature_page_info (
                (const guint8 *) g_mapped_file_get_contents (mapped),
                g_mapped_file_get_length (mapped), widget.page, &n_pages, &info);
            }
          g_clear_pointer (&mapped, g_mapped_file_unref);
          if (status != ENR_PDF_SIGNATURE_OK)
            {
              enr_pades_sign_set_status_error (&error, status);
              g_printerr ("%s: %s\n", input, error->message);
              return 1;
            }
          if (rect_text != NULL)
            {
              g_auto(GStrv) parts = g_strsplit (rect_text, ",", 4);

              for (int k = 0; k < 4 && parts[k] != NULL; k++)
                widget.rect[k] = g_ascii_strtod (parts[k], NULL);
            }
          else
            {
              /* The usual place: bottom right of the page as shown, above the
               * margin; a second signer's box to the left of the first's. */
              widget.rect[2] = info.width - 36 - round * 230;
              widget.rect[0] = widget.rect[2] - 220;
              widget.rect[1] = 36;
              widget.rect[3] = widget.rect[1] + 60;
            }
          appearance = enr_pdf_appearance_draw (widget.rect[2] - widget.rect[0],
                                                widget.rect[3] - widget.rect[1],
                                                lines != NULL ? (const char *const *) lines
                                                              : default_lines,
                                                &error);
          if (appearance == NULL)
            g_error ("%s", error->message);
          widget.appearance = g_bytes_get_data (appearance, &widget.appearance_len);
          params.signing_time = signing_time;
          params.signer_name = citizens[round].full_name;
          params.reason = "Tôi đồng ý";
          params.widget = &widget;
          signing = enr_pades_signing_new (file, &params, certs[round], &error);
          if (signing == NULL)
            {
              g_printerr ("%s: %s\n", input, error->message);
              return 1;
            }
          g_ptr_array_add (signings, signing);
        }
      prepare_us += now_us () - started;

      /* 2. SmartCA signs each hash (here: the stand-in key). */
      started = now_us ();
      for (guint d = 0; d < signings->len; d++)
        g_ptr_array_add (signatures,
                         remote_signature (keys[round],
                                           enr_pades_signing_get_hash (g_ptr_array_index (signings,
                                                                                          d))));
      remote_us += now_us () - started;

      /* 3. The TSA stamps every signature value. */
      if (http != NULL)
        {
          started = now_us ();
          tokens = timestamp_all (http, tsa_url, signatures, &error);
          tsa_us += now_us () - started;
          if (tokens == NULL)
            {
              g_printerr ("TSA: %s\n", error->message);
              return 1;
            }
        }

      /* 4. The CMS and the signed file. */
      started = now_us ();
      for (guint d = 0; d < signings->len; d++)
        {
          g_autofree char *out = output_name (g_ptr_array_index (inputs, d), round);
          g_autoptr(GFile) file = g_file_new_for_path (out);

          if (!enr_pades_signing_write (g_ptr_array_index (signings, d),
                                        g_ptr_array_index (signatures, d), chain,
                                        G_N_ELEMENTS (chain),
                                        tokens != NULL ? g_ptr_array_index (tokens, d) : NULL,
                                        file, NULL, &error))
            {
              g_printerr ("%s: %s\n", out, error->message);
              return 1;
            }
          g_ptr_array_add (outputs, g_steal_pointer (&out));
        }
      write_us += now_us () - started;
      g_ptr_array_set_size (signings, 0);

      /* 5. The program checks its own output before it says "signed". */
      for (guint d = 0; d < outputs->len; d++)
        {
          const char *out = g_ptr_array_index (outputs, d);
          g_autoptr(GFile) file = g_file_new_for_path (out);
          g_autoptr(EnrPdfCheckReport) report = NULL;

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "path");
          json_builder_add_string_value (builder, out);
          if (!no_check)
            {
              started = now_us ();
              report = enr_pdf_check_file (file, trust_path, &error);
              check_us += now_us () - started;
              if (report == NULL)
                g_error ("%s", error->message);
              all_valid &= enr_pdf_check_report_is_valid (report);
              json_builder_set_member_name (builder, "check");
              add_report (builder, report);
            }
          json_builder_end_object (builder);
          g_free (inputs->pdata[d]);
          inputs->pdata[d] = g_strdup (out);
        }
    }
  json_builder_end_array (builder);

  getrusage (RUSAGE_SELF, &usage);
  json_builder_set_member_name (builder, "ms");
  json_builder_begin_object (builder);
  add_timing (builder, "prepare", prepare_us);
  add_timing (builder, "remote_signature", remote_us);
  add_timing (builder, "tsa", tsa_us);
  add_timing (builder, "write", write_us);
  add_timing (builder, "check", check_us);
  add_timing (builder, "local_pdf", prepare_us + write_us + check_us);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "max_rss_kib");
  json_builder_add_int_value (builder, usage.ru_maxrss);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, all_valid);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  printf ("%s\n", json);
  for (int s = 1; s < signers; s++)
    {
      gnutls_privkey_deinit (keys[s]);
      gnutls_x509_crt_deinit (certs[s]);
    }
  return all_valid ? 0 : 1;
}

/* --- check ---------------------------------------------------------------- */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_report (JsonBuilder             *builder,
            const EnrPdfCheckReport *report)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "valid");
  json_builder_add_boolean_value (builder, enr_pdf_check_report_is_valid (report));
  json_builder_set_member_name (builder, "signatures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < report->signatures->len; i++)
    {
      const EnrPdfCheckSignature *s = g_ptr_array_index (report->signatures, i);
      g_autofree char *time = s->time != NULL ? g_date_time_format_iso8601 (s->time) : NULL;

      json_builder_begin_object (builder);
      add_string (builder, "kind", s->kind == ENR_PDF_CHECK_KIND_SIGNATURE ? "signature"
                                                                          : "document-timestamp");
      add_string (builder, "sub_filter", s->sub_filter);
      add_string (builder, "signer", s->signer_name);
      add_string (builder, "citizen_id", s->citizen_id);
      add_string (builder, "issuer", s->issuer_name);
      add_string (builder, "time", time);
      add_string (builder, "time_source", enr_pdf_check_time_source_to_string (s->time_source));
      add_string (builder, "timestamp", enr_pdf_check_timestamp_to_string (s->timestamp));
      add_string (builder, "tsa", s->tsa_name);
      add_string (builder, "integrity", enr_pdf_check_integrity_to_string (s->integrity));
      add_string (builder, "change", enr_pdf_check_change_to_string (s->change));
      add_string (builder, "trust", enr_pdf_check_trust_to_string (s->trust));
      json_builder_set_member_name (builder, "revision_end");
      json_builder_add_int_value (builder, s->revision_end);
      json_builder_set_member_name (builder, "valid");
      json_builder_add_boolean_value (builder, enr_pdf_check_signature_is_valid (s));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

static int
check_main (int    argc,
            char **argv)
{
  g_autofree char *trust_anchor = NULL;
  GOptionEntry entries[] = {
    { "trust-anchor", 0, 0, G_OPTION_ARG_FILENAME, &trust_anchor, "Roots to trust", "PEM" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE.pdf");
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(EnrPdfCheckReport) report = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("check: %s\n", error != NULL ? error->message : "one file");
      return 2;
    }
  file = g_file_new_for_commandline_arg (argv[1]);
  report = enr_pdf_check_file (file, trust_anchor, &error);
  if (report == NULL)
    {
      g_printerr ("%s: %s\n", argv[1], error->message);
      return 2;
    }
  add_report (builder, report);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json = json_generator_to_data (generator, NULL);
  printf ("%s\n", json);
  return enr_pdf_check_report_is_valid (report) ? 0 : 1;
}

/* --- appearance, make-pdf --------------------------------------------------- */

static int
appearance_main (int    argc,
                 char **argv)
{
  double width = 220, height = 60;
  g_auto(GStrv) lines = NULL;
  g_autofree char *pdf_path = NULL;
  g_autofree char *pgm_path = NULL;
  GOptionEntry entries[] = {
    { "width", 0, 0, G_OPTION_ARG_DOUBLE, &width, "Points", "W" },
    { "height", 0, 0, G_OPTION_ARG_DOUBLE, &height, "Points", "H" },
    { "line", 0, 0, G_OPTION_ARG_STRING_ARRAY, &lines, "A line", "TEXT" },
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf_path, "The page", "FILE" },
    { "pgm", 0, 0, G_OPTION_ARG_FILENAME, &pgm_path, "The picture, grey, 4 px/pt", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || lines == NULL)
    {
      g_printerr ("appearance: %s\n", error != NULL ? error->message : "no --line");
      return 2;
    }
  if (pdf_path != NULL)
    {
      g_autoptr(GBytes) pdf = enr_pdf_appearance_draw (width, height,
                                                       (const char *const *) lines, &error);

      if (pdf == NULL || !g_file_set_contents (pdf_path, g_bytes_get_data (pdf, NULL),
                                               g_bytes_get_size (pdf), &error))
        g_error ("%s", error->message);
    }
  if (pgm_path != NULL)
    {
      /* Grey, 4 pixels a point: what `pdftoppm -r 288 -gray` gives of it. */
      int w = (int) (width * 4), h = (int) (height * 4);
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      cairo_t *cr = cairo_create (surface);
      g_autoptr(GString) pgm = g_string_new (NULL);
      const guint8 *pixels;
      int stride;

      cairo_scale (cr, 4, 4);
      enr_pdf_appearance_paint (cr, width, height, (const char *const *) lines);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      pixels = cairo_image_surface_get_data (surface);
      stride = cairo_image_surface_get_stride (surface);
      g_string_append_printf (pgm, "P5\n%d %d\n255\n", w, h);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            guint32 p = *(const guint32 *) (pixels + y * stride + 4 * x);
            guint8 grey = (guint8) ((((p >> 16) & 0xff) * 299 + ((p >> 8) & 0xff) * 587 +
                                     (p & 0xff) * 114) / 1000);

            g_string_append_c (pgm, (char) grey);
          }
      cairo_surface_destroy (surface);
      if (!g_file_set_contents (pgm_path, pgm->str, pgm->len, &error))
        g_error ("%s", error->message);
    }
  return 0;
}

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  return fwrite (data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                     : CAIRO_STATUS_WRITE_ERROR;
}

static int
make_pdf_main (int    argc,
               char **argv)
{
  int pages = 1;
  double megabytes = 0;
  GOptionEntry entries[] = {
    { "pages", 0, 0, G_OPTION_ARG_INT, &pages, "Pages", "N" },
    { "megabytes", 0, 0, G_OPTION_ARG_DOUBLE, &megabytes, "About how large", "M" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("OUT.pdf");
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;
  FILE *out;
  int side;
  GRand *rand = g_rand_new_with_seed (14);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || pages < 1)
    {
      g_printerr ("make-pdf: %s\n", error != NULL ? error->message : "one output");
      return 2;
    }
  out = fopen (argv[1], "wb");
  if (out == NULL)
    g_error ("%s", argv[1]);
  /* Noise does not compress: each page's picture adds its size. */
  side = (int) sqrt (MAX (1.0, megabytes * 1024 * 1024 / pages / 3));
  surface = cairo_pdf_surface_create_for_stream (write_cb, out, 595, 842);
  cr = cairo_create (surface);
  for (int p = 0; p < pages; p++)
    {
      g_autofree char *title = g_strdup_printf ("Trang %d / %d — Văn bản thử nghiệm", p + 1,
                                                pages);
      PangoLayout *layout = pango_cairo_create_layout (cr);
      PangoFontDescription *font = pango_font_description_from_string ("DejaVu Sans 14");

      pango_layout_set_font_description (layout, font);
      pango_layout_set_text (layout, title, -1);
      cairo_move_to (cr, 72, 72);
      pango_cairo_show_layout (cr, layout);
      pango_font_description_free (font);
      g_object_unref (layout);
      if (megabytes > 0)
        {
          cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, side, side);
          guint8 *pixels = cairo_image_surface_get_data (image);
          int stride = cairo_image_surface_get_stride (image);

          cairo_surface_flush (image);
          for (int y = 0; y < side; y++)
            for (int x = 0; x < stride; x++)
              pixels[y * stride + x] = (guint8) g_rand_int (rand);
          cairo_surface_mark_dirty (image);
          cairo_save (cr);
          cairo_translate (cr, 72, 120);
          cairo_scale (cr, 400.0 / side, 400.0 / side);
          cairo_set_source_surface (cr, image, 0, 0);
          cairo_paint (cr);
          cairo_restore (cr);
          cairo_surface_destroy (image);
        }
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    g_error ("cairo: %s", cairo_status_to_string (cairo_surface_status (surface)));
  cairo_surface_destroy (surface);
  fclose (out);
  g_rand_free (rand);
  return 0;
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  if (argc < 2)
    {
      g_printerr ("usage: enr-sign-tool sign|check|appearance|make-pdf …\n");
      return 2;
    }
  if (strcmp (argv[1], "sign") == 0)
    return sign_main (argc - 1, argv + 1);
  if (strcmp (argv[1], "check") == 0)
    return check_main (argc - 1, argv + 1);
  if (strcmp (argv[1], "appearance") == 0)
    return appearance_main (argc - 1, argv + 1);
  if (strcmp (argv[1], "make-pdf") == 0)
    return make_pdf_main (argc - 1, argv + 1);
  g_printerr ("unknown command %s\n", argv[1]);
  return 2;
}
