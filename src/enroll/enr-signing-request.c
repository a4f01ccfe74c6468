/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-signing-request"

#include "config.h"

#include "enr-signing-request.h"

typedef struct
{
  char *name;
  char *hash;
} Document;

struct _EnrSigningRequest
{
  GObject  parent_instance;

  char    *id;
  char    *reference;
  char    *description;
  char    *credential_id;
  gint64   requested_at;
  gint64   expires_at;
  GArray  *documents;     /* Document */
};

G_DEFINE_FINAL_TYPE (EnrSigningRequest, enr_signing_request, G_TYPE_OBJECT)

static void
document_clear (gpointer data)
{
  Document *document = data;

  g_free (document->name);
  g_free (document->hash);
}

static void
enr_signing_request_finalize (GObject *object)
{
  EnrSigningRequest *self = ENR_SIGNING_REQUEST (object);

  g_free (self->id);
  g_free (self->reference);
  g_free (self->description);
  g_free (self->credential_id);
  g_array_unref (self->documents);

  G_OBJECT_CLASS (enr_signing_request_parent_class)->finalize (object);
}

static void
enr_signing_request_class_init (EnrSigningRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enr_signing_request_finalize;
}

static void
enr_signing_request_init (EnrSigningRequest *self)
{
  self->documents = g_array_new (FALSE, TRUE, sizeof (Document));
  g_array_set_clear_func (self->documents, document_clear);
}

static gint64
parse_time (const char *text)
{
  g_autoptr(GDateTime) time = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return time != NULL ? g_date_time_to_unix (time) * G_USEC_PER_SEC : 0;
}

EnrSigningRequest *
enr_signing_request_new_from_transaction (const EnrTransaction *transaction)
{
  g_autoptr(EnrSigningRequest) self = NULL;

  g_return_val_if_fail (transaction != NULL, NULL);

  if (transaction->tran_id == NULL || transaction->documents == NULL ||
      transaction->documents->len == 0)
    return NULL;

  self = g_object_new (ENR_TYPE_SIGNING_REQUEST, NULL);
  self->id = g_strdup (transaction->tran_id);
  self->reference = g_strdup (transaction->ref_tran_id);
  self->description = g_strdup (transaction->description != NULL ? transaction->description : "");
  self->credential_id = g_strdup (transaction->credential_id);
  self->requested_at = parse_time (transaction->req_time);
  self->expires_at = parse_time (transaction->expires_at);

  for (guint i = 0; i < transaction->documents->len; i++)
    {
      EnrTransactionDocument *source = g_ptr_array_index (transaction->documents, i);
      Document document = { 0 };

      if (source->hash == NULL)
        return NULL;
      document.name = g_strdup (source->name != NULL ? source->name : "");
      document.hash = g_strdup (source->hash);
      g_array_append_val (self->documents, document);
    }
  return g_steal_pointer (&self);
}

const char *
enr_signing_request_get_id (EnrSigningRequest *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (self), NULL);
  return self->id;
}

const char *
enr_signing_request_get_reference (EnrSigningRequest *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (self), NULL);
  return self->reference;
}

const char *
enr_signing_request_get_description (EnrSigningRequest *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (self), NULL);
  return self->description;
}

const char *
enr_signing_request_get_credential_id (EnrSigningRequest *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (self), NULL);
  return self->credential_id;
}

gint64
enr_signing_request_get_requested_at (EnrSigningRequest *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (self), 0);
  return self->requested_at;
}

gint64
enr_signing_request_get_expires_at (EnrSigningRequest *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (self), 0);
  return self->expires_at;
}

guint
enr_signing_request_get_n_documents (EnrSigningRequest *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (self), 0);
  return self->documents->len;
}

const char *
enr_signing_request_get_document_name (EnrSigningRequest *self,
                                       guint              index)
{
  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (self), NULL);
  g_return_val_if_fail (index < self->documents->len, NULL);
  return g_array_index (self->documents, Document, index).name;
}

const char *
enr_signing_request_get_document_hash (EnrSigningRequest *self,
                                       guint              index)
{
  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (self), NULL);
  g_return_val_if_fail (index < self->documents->len, NULL);
  return g_array_index (self->documents, Document, index).hash;
}

gboolean
enr_signing_request_matches (EnrSigningRequest    *self,
                             const EnrTransaction *transaction)
{
  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (self), FALSE);
  g_return_val_if_fail (transaction != NULL, FALSE);

  if (g_strcmp0 (self->id, transaction->tran_id) != 0 || transaction->documents == NULL ||
      transaction->documents->len != self->documents->len)
    return FALSE;
  for (guint i = 0; i < self->documents->len; i++)
    {
      EnrTransactionDocument *document = g_ptr_array_index (transaction->documents, i);

      if (g_strcmp0 (document->hash, g_array_index (self->documents, Document, i).hash) != 0)
        return FALSE;
    }
  return TRUE;
}

GStrv
enr_signing_request_dup_hashes (EnrSigningRequest *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (self), NULL);

  for (guint i = 0; i < self->documents->len; i++)
    g_strv_builder_add (builder, g_array_index (self->documents, Document, i).hash);
  return g_strv_builder_end (builder);
}
