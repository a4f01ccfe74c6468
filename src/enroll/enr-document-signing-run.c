/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The work of EnrDocumentSigning: preparing each document in a thread,
 * one signhash transaction under one PIN, the time stamps, writing and
 * checking each signed file.
 */
#define G_LOG_DOMAIN "enr-document-signing"

#include "config.h"

#include "enr-document-signing-private.h"

void
_enr_document_signing_clear_work (EnrDocumentSigning *self)
{
  g_assert (self->work == NULL);
}

static void
not_yet (gpointer             source,
         GAsyncReadyCallback  callback,
         gpointer             user_data,
         gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (source, NULL, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not implemented yet");
}

void
enr_document_signing_prepare_async (EnrDocumentSigning  *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (ENR_IS_DOCUMENT_SIGNING (self));
  not_yet (self, callback, user_data, enr_document_signing_prepare_async);
}

gboolean
enr_document_signing_prepare_finish (EnrDocumentSigning  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enr_document_signing_sign_async (EnrDocumentSigning  *self,
                                 const char          *pin,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (ENR_IS_DOCUMENT_SIGNING (self));
  not_yet (self, callback, user_data, enr_document_signing_sign_async);
}

gboolean
enr_document_signing_sign_finish (EnrDocumentSigning  *self,
                                  GAsyncResult        *result,
                                  GError             **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
enr_document_signing_finish_async (EnrDocumentSigning  *self,
                                   gboolean             with_timestamp,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (ENR_IS_DOCUMENT_SIGNING (self));
  not_yet (self, callback, user_data, enr_document_signing_finish_async);
}

gboolean
enr_document_signing_finish_finish (EnrDocumentSigning  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}
