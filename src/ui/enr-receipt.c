/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-receipt"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <gtk/gtkunixprint.h>

#include "enr-format.h"
#include "enr-receipt.h"

struct _EnrReceipt
{
  GObject  parent_instance;

  char    *title;
  char    *details;    /* "Label: value" lines */
  char    *next_steps;
  char    *text;
};

G_DEFINE_FINAL_TYPE (EnrReceipt, enr_receipt, G_TYPE_OBJECT)

static void
enr_receipt_finalize (GObject *object)
{
  EnrReceipt *self = ENR_RECEIPT (object);

  g_free (self->title);
  g_free (self->details);
  g_free (self->next_steps);
  g_free (self->text);
  G_OBJECT_CLASS (enr_receipt_parent_class)->finalize (object);
}

static void
enr_receipt_class_init (EnrReceiptClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enr_receipt_finalize;
}

static void
enr_receipt_init (EnrReceipt *self)
{
}

static void
add_line (GString    *text,
          const char *label,
          const char *value)
{
  g_string_append_printf (text, "%s: %s\n", label, value != NULL ? value : "");
}

EnrReceipt *
enr_receipt_new_from_session (EnrSession *session)
{
  const char *registration_id;
  const EnrSessionCertificate *certificate;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GString) details = g_string_new (NULL);
  g_autofree char *masked = NULL;
  g_autofree char *date = NULL;
  EnrReceipt *self;

  g_return_val_if_fail (ENR_IS_SESSION (session), NULL);

  registration_id = enr_session_get_registration_id (session);
  certificate = enr_session_get_certificate (session);
  if (registration_id == NULL || certificate == NULL)
    return NULL;

  /* The citizen ID only as the pages show it: the paper may be lost. */
  masked = enr_session_dup_masked_citizen_id (session);
  now = g_date_time_new_now_local ();
  date = enr_format_date_time (now);
  add_line (details, _("Registration ID"), registration_id);
  add_line (details, _("Certificate serial number"), certificate->serial);
  add_line (details, _("Holder"), certificate->holder);
  add_line (details, _("Citizen ID"), masked);
  add_line (details, _("Date"), date);

  self = g_object_new (ENR_TYPE_RECEIPT, NULL);
  self->title = g_strdup (_("VNPT SmartCA: Registration Receipt"));
  self->details = g_string_free (g_steal_pointer (&details), FALSE);
  self->next_steps = g_strdup (_("Your digital signature certificate is ready. Nothing of yours "
                                 "was kept at this kiosk. To sign from your own computer, "
                                 "install SmartCA Enroll there, choose “Use My SmartCA on This "
                                 "Computer”, log in with VNeID and type the code VNPT SmartCA "
                                 "sends to your phone. Keep this receipt: VNPT SmartCA support "
                                 "(18001260) asks for the registration ID."));
  self->text = g_strdup_printf ("%s\n\n%s\n%s\n", self->title, self->details, self->next_steps);
  return self;
}

const char *
enr_receipt_get_text (EnrReceipt *self)
{
  g_return_val_if_fail (ENR_IS_RECEIPT (self), NULL);
  return self->text;
}

/* --- Drawing ---------------------------------------------------------------------- */

static double
draw_block (GtkPrintContext *context,
            const char      *text,
            double           y,
            double           size,
            gboolean         bold)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  g_autoptr(PangoLayout) layout = gtk_print_context_create_pango_layout (context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans");
  int height;

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  if (bold)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (gtk_print_context_get_width (context) * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);

  cairo_move_to (cr, 0, y);
  pango_cairo_show_layout (cr, layout);
  pango_layout_get_size (layout, NULL, &height);
  return y + (double) height / PANGO_SCALE;
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_number,
              EnrReceipt        *self)
{
  double y = 0;

  y = draw_block (context, self->title, y, 16, TRUE) + 18;
  y = draw_block (context, self->details, y, 11, FALSE) + 12;
  draw_block (context, self->next_steps, y, 11, FALSE);
}

GtkPrintOperation *
enr_receipt_new_operation (EnrReceipt *self)
{
  GtkPrintOperation *operation;

  g_return_val_if_fail (ENR_IS_RECEIPT (self), NULL);

  operation = gtk_print_operation_new ();
  gtk_print_operation_set_n_pages (operation, 1);
  gtk_print_operation_set_job_name (operation, self->title);
  gtk_print_operation_set_embed_page_setup (operation, FALSE);
  g_signal_connect_object (operation, "draw-page", G_CALLBACK (draw_page_cb), self, 0);
  return operation;
}

/* --- Printing --------------------------------------------------------------------- */

typedef struct
{
  char      *wanted;      /* NULL: the default */
  char      *found;
  gboolean   only_virtual;
  GtkWindow *parent;
} PrintJob;

static void
print_job_free (PrintJob *job)
{
  g_free (job->wanted);
  g_free (job->found);
  g_clear_object (&job->parent);
  g_free (job);
}

static GError *
no_printer_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                              _("No receipt printer is set up at this kiosk, so no receipt was "
                                "printed. Ask the counter staff: your registration is complete "
                                "anyway."));
}

static void
print_done_cb (GtkPrintOperation       *operation,
               GtkPrintOperationResult  result,
               GTask                   *task)
{
  g_autoptr(GError) error = NULL;

  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      gtk_print_operation_get_error (operation, &error);
      g_info ("the receipt could not be printed: %s", error != NULL ? error->message : "");
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               _("The receipt could not be printed. Ask the counter staff to "
                                 "check the printer: your registration is complete anyway."));
    }
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
run_operation (GTask *task)
{
  EnrReceipt *self = g_task_get_source_object (task);
  PrintJob *job = g_task_get_task_data (task);
  g_autoptr(GtkPrintOperation) operation = enr_receipt_new_operation (self);
  g_autoptr(GtkPrintSettings) settings = gtk_print_settings_new ();
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;

  gtk_print_settings_set_printer (settings, job->found);
  gtk_print_operation_set_print_settings (operation, settings);
  gtk_print_operation_set_allow_async (operation, TRUE);
  g_signal_connect (operation, "done", G_CALLBACK (print_done_cb), g_object_ref (task));
  g_info ("printing a receipt on %s", job->found);
  result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT, job->parent,
                                    &error);
  if (result == GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    return;
  /* Done at once: "done" was emitted, or will not be. */
  if (!g_task_had_error (task) && !g_task_get_completed (task) &&
      result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_signal_handlers_disconnect_by_func (operation, print_done_cb, task);
      g_info ("the receipt could not be printed: %s", error != NULL ? error->message : "");
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               _("The receipt could not be printed. Ask the counter staff to "
                                 "check the printer: your registration is complete anyway."));
      g_object_unref (task);
    }
}

static gboolean
printer_cb (GtkPrinter *printer,
            gpointer    user_data)
{
  PrintJob *job = g_task_get_task_data (G_TASK (user_data));
  gboolean wanted = job->wanted != NULL ? g_str_equal (gtk_printer_get_name (printer), job->wanted)
                                        : gtk_printer_is_default (printer);

  if (!wanted)
    return FALSE;
  /* "Print to File" and its kind are virtual: a receipt is never a file. */
  if (gtk_printer_is_virtual (printer))
    {
      job->only_virtual = TRUE;
      return FALSE;
    }
  g_free (job->found);
  job->found = g_strdup (gtk_printer_get_name (printer));
  return TRUE;
}

static void
printers_listed_cb (gpointer user_data)
{
  GTask *task = user_data;
  PrintJob *job = g_task_get_task_data (task);

  if (job->found == NULL)
    {
      if (job->only_virtual)
        g_message ("The configured receipt printer is not a printer: nothing printed");
      g_task_return_error (task, no_printer_error ());
      g_object_unref (task);
      return;
    }
  run_operation (task);
  g_object_unref (task);
}

void
enr_receipt_print_async (EnrReceipt          *self,
                         GtkWindow           *parent,
                         const char          *printer,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;
  PrintJob *job;

  g_return_if_fail (ENR_IS_RECEIPT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_receipt_print_async);
  job = g_new0 (PrintJob, 1);
  job->wanted = printer != NULL && *printer != '\0' ? g_strdup (printer) : NULL;
  job->parent = parent != NULL ? g_object_ref (parent) : NULL;
  g_task_set_task_data (task, job, (GDestroyNotify) print_job_free);
  gtk_enumerate_printers (printer_cb, task, printers_listed_cb, FALSE);
}

gboolean
enr_receipt_print_finish (EnrReceipt    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
