/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-signature-document"

#include "config.h"

#include <math.h>

#include <cairo.h>
#include <glib/gi18n-lib.h>

#include "enr-pdf-pages.h"
#include "enr-signature-document.h"
#include "enr-signature-placer.h"

/* A page image larger than this is not sharper on any screen. */
#define MAX_RENDER_SIDE 8192

static EnrPdfPages *
open_document (GBytes  *pdf,
               GError **error)
{
  g_autoptr(GError) local_error = NULL;
  EnrPdfPages *document = enr_pdf_pages_open (pdf, &local_error);

  if (document != NULL)
    return document;
  if (g_error_matches (local_error, ENR_PDF_PAGES_ERROR, ENR_PDF_PAGES_ERROR_NO_MODULE))
    g_set_error_literal (error, ENR_SIGNATURE_PLACER_ERROR, ENR_SIGNATURE_PLACER_ERROR_DAMAGED,
                         local_error->message);
  else if (g_error_matches (local_error, ENR_PDF_PAGES_ERROR, ENR_PDF_PAGES_ERROR_ENCRYPTED))
    g_set_error_literal (error, ENR_SIGNATURE_PLACER_ERROR,
                         ENR_SIGNATURE_PLACER_ERROR_ENCRYPTED,
                         _("This document is protected by a password, so it cannot be "
                           "signed here. Save a copy without the password in the program "
                           "that made it, then choose that copy."));
  else
    g_set_error_literal (error, ENR_SIGNATURE_PLACER_ERROR,
                         ENR_SIGNATURE_PLACER_ERROR_DAMAGED,
                         _("This document cannot be opened: it is damaged, or it is not a "
                           "PDF file. Choose another copy of it."));
  return NULL;
}

/* What an opening reads, and what it learns. */
typedef struct
{
  GBytes *pdf;
  guint   n_pages;
  double *page_sizes;
} OpenJob;

static void
open_job_free (OpenJob *job)
{
  g_bytes_unref (job->pdf);
  g_free (job->page_sizes);
  g_free (job);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  OpenJob *job = task_data;
  g_autoptr(EnrPdfPages) document = NULL;
  GError *error = NULL;

  document = open_document (job->pdf, &error);
  if (document == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  job->n_pages = enr_pdf_pages_get_n_pages (document);
  if (job->n_pages == 0)
    {
      g_task_return_new_error (task, ENR_SIGNATURE_PLACER_ERROR,
                               ENR_SIGNATURE_PLACER_ERROR_DAMAGED,
                               _("This document cannot be opened: it is damaged, or it is not a "
                                 "PDF file. Choose another copy of it."));
      return;
    }

  job->page_sizes = g_new0 (double, 2 * (gsize) job->n_pages);
  for (guint i = 0; i < job->n_pages; i++)
    {
      if (g_task_return_error_if_cancelled (task))
        return;
      enr_pdf_pages_get_size (document, i, &job->page_sizes[2 * i], &job->page_sizes[2 * i + 1]);
    }

  g_task_return_boolean (task, TRUE);
}

void
enr_signature_document_open_async (GBytes              *pdf,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpenJob *job;

  g_return_if_fail (pdf != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (OpenJob, 1);
  job->pdf = g_bytes_ref (pdf);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_signature_document_open_async);
  g_task_set_task_data (task, job, (GDestroyNotify) open_job_free);
  g_task_run_in_thread (task, open_thread);
}

double *
enr_signature_document_open_finish (GAsyncResult  *result,
                                    guint         *n_pages,
                                    GError       **error)
{
  OpenJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enr_signature_document_open_async, NULL);
  g_return_val_if_fail (n_pages != NULL, NULL);

  *n_pages = 0;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  job = g_task_get_task_data (G_TASK (result));
  *n_pages = job->n_pages;
  return g_steal_pointer (&job->page_sizes);
}

/* One page to render, and its picture. */
typedef struct
{
  GBytes          *pdf;
  guint            page;
  int              width;
  cairo_surface_t *picture;
} RenderJob;

static void
render_job_free (RenderJob *job)
{
  g_bytes_unref (job->pdf);
  g_clear_pointer (&job->picture, cairo_surface_destroy);
  g_free (job);
}

static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RenderJob *job = task_data;
  g_autoptr(EnrPdfPages) document = NULL;
  GError *error = NULL;
  double page_width, page_height, scale;
  int height;

  document = open_document (job->pdf, &error);
  if (document == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!enr_pdf_pages_get_size (document, job->page, &page_width, &page_height))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "no page %u",
                               job->page);
      return;
    }

  page_width = MAX (page_width, 1.0);
  page_height = MAX (page_height, 1.0);
  scale = MIN (job->width / page_width, MAX_RENDER_SIDE / page_height);
  job->width = CLAMP ((int) ceil (page_width * scale), 1, job->width);
  height = CLAMP ((int) ceil (page_height * scale), 1, MAX_RENDER_SIDE);

  job->picture = enr_pdf_pages_render_image (document, job->page, job->width, height, scale);
  g_task_return_boolean (task, TRUE);
}

void
enr_signature_document_render_async (GBytes              *pdf,
                                     guint                page,
                                     int                  width,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RenderJob *job;

  g_return_if_fail (pdf != NULL);
  g_return_if_fail (width > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (RenderJob, 1);
  job->pdf = g_bytes_ref (pdf);
  job->page = page;
  job->width = MIN (width, MAX_RENDER_SIDE);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, enr_signature_document_render_async);
  g_task_set_task_data (task, job, (GDestroyNotify) render_job_free);
  g_task_run_in_thread (task, render_thread);
}

EnrPageImage *
enr_signature_document_render_finish (GAsyncResult  *result,
                                      GError       **error)
{
  RenderJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        enr_signature_document_render_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  job = g_task_get_task_data (G_TASK (result));
  return enr_page_image_new (job->picture);
}
