/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EnrDocumentSigning: the documents the citizen chose, their reason and
 * place. Preparing them is in enr-document-signing-prepare.c, signing
 * them in enr-document-signing-run.c.
 */
#define G_LOG_DOMAIN "enr-document-signing"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-document-signing-private.h"
#include "enr-session-private.h"
#include "enr-signing-document-private.h"

G_DEFINE_FINAL_TYPE (EnrDocumentSigning, enr_document_signing, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ACCOUNT,
  PROP_DOCUMENTS,
  PROP_REASON,
  PROP_PLACE,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static void
enr_document_signing_dispose (GObject *object)
{
  EnrDocumentSigning *self = ENR_DOCUMENT_SIGNING (object);

  _enr_document_signing_clear_work (self);
  g_clear_object (&self->account);
  if (self->documents != NULL)
    g_list_store_remove_all (self->documents);

  G_OBJECT_CLASS (enr_document_signing_parent_class)->dispose (object);
}

static void
enr_document_signing_finalize (GObject *object)
{
  EnrDocumentSigning *self = ENR_DOCUMENT_SIGNING (object);

  g_clear_object (&self->documents);
  g_free (self->reason);
  g_free (self->place);

  G_OBJECT_CLASS (enr_document_signing_parent_class)->finalize (object);
}

static void
enr_document_signing_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  EnrDocumentSigning *self = ENR_DOCUMENT_SIGNING (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;
    case PROP_DOCUMENTS:
      g_value_set_object (value, self->documents);
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    case PROP_PLACE:
      g_value_set_string (value, self->place);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_document_signing_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  EnrDocumentSigning *self = ENR_DOCUMENT_SIGNING (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      self->account = g_value_dup_object (value);
      break;
    case PROP_REASON:
      enr_document_signing_set_reason (self, g_value_get_string (value));
      break;
    case PROP_PLACE:
      enr_document_signing_set_place (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_document_signing_class_init (EnrDocumentSigningClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags typed = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = enr_document_signing_dispose;
  object_class->finalize = enr_document_signing_finalize;
  object_class->get_property = enr_document_signing_get_property;
  object_class->set_property = enr_document_signing_set_property;

  props[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL, ENR_TYPE_ACCOUNT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  props[PROP_DOCUMENTS] =
    g_param_spec_object ("documents", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, typed);
  props[PROP_PLACE] = g_param_spec_string ("place", NULL, NULL, NULL, typed);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
enr_document_signing_init (EnrDocumentSigning *self)
{
  self->documents = g_list_store_new (ENR_TYPE_SIGNING_DOCUMENT);
}

EnrDocumentSigning *
enr_document_signing_new (EnrAccount *account)
{
  g_return_val_if_fail (ENR_IS_ACCOUNT (account), NULL);

  return g_object_new (ENR_TYPE_DOCUMENT_SIGNING, "account", account, NULL);
}

EnrSession *
_enr_document_signing_get_session (EnrDocumentSigning *self)
{
  return enr_account_get_session (self->account);
}

void
_enr_document_signing_clear_work (EnrDocumentSigning *self)
{
  EnrSmartcaClient *smartca = NULL;

  if (self->work == NULL)
    return;

  /* A transaction left waiting (a wrong PIN, then the documents changed or
   * the window closed) would wait among the portals' requests until it
   * lapses: it is declined, and no one waits for the answer. */
  if (self->account != NULL)
    smartca = _enr_session_get_smartca (enr_account_get_session (self->account));
  if (self->work->tran_id != NULL && self->work->signatures == NULL && smartca != NULL)
    {
      g_info ("declining the unconfirmed transaction %s", self->work->tran_id);
      enr_smartca_client_reject_transaction_async (smartca, self->work->tran_id, NULL, NULL, NULL);
    }
  g_clear_pointer (&self->work, _enr_signing_work_free);
}

gint64
_enr_document_signing_get_timing (EnrDocumentSigning *self,
                                  EnrSigningPart      part)
{
  g_return_val_if_fail (part < ENR_SIGNING_N_PARTS, 0);
  return self->timings[part];
}

GListModel *
enr_document_signing_get_documents (EnrDocumentSigning *self)
{
  g_return_val_if_fail (ENR_IS_DOCUMENT_SIGNING (self), NULL);
  return G_LIST_MODEL (self->documents);
}

guint
_enr_document_signing_get_n_documents (EnrDocumentSigning *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->documents));
}

EnrSigningDocument *
_enr_document_signing_get_document (EnrDocumentSigning *self,
                                    guint               position)
{
  g_autoptr(EnrSigningDocument) document = g_list_model_get_item (G_LIST_MODEL (self->documents),
                                                                  position);

  /* The store keeps its own reference for as long as the caller needs it. */
  return document;
}

static gboolean
find_document (EnrDocumentSigning *self,
               GFile              *file,
               guint              *position)
{
  guint n = _enr_document_signing_get_n_documents (self);

  for (guint i = 0; i < n; i++)
    {
      if (g_file_equal (enr_signing_document_get_file (_enr_document_signing_get_document (self,
                                                                                          i)),
                        file))
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

/* A change to the list or to what the appearance says makes whatever was
 * prepared stale: it is prepared again before it is signed. */
static void
unprepare (EnrDocumentSigning *self)
{
  guint n = _enr_document_signing_get_n_documents (self);

  g_assert (!self->running);
  _enr_document_signing_clear_work (self);
  for (guint i = 0; i < n; i++)
    _enr_signing_document_set_prepared (_enr_document_signing_get_document (self, i), NULL, 0);
}

EnrSigningDocument *
enr_document_signing_add (EnrDocumentSigning *self,
                          GFile              *file,
                          guint               page,
                          const double        rect[4],
                          GError            **error)
{
  g_autoptr(EnrSigningDocument) document = NULL;
  guint position;

  g_return_val_if_fail (ENR_IS_DOCUMENT_SIGNING (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (rect != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_return_val_if_fail (!self->running, NULL);

  if (find_document (self, file, &position))
    {
      g_autofree char *name = g_file_get_parse_name (file);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("“%s” is already in the list"), name);
      return NULL;
    }

  unprepare (self);
  document = _enr_signing_document_new (file, page, rect);
  g_list_store_append (self->documents, document);
  return document;
}

void
enr_document_signing_remove (EnrDocumentSigning *self,
                             EnrSigningDocument *document)
{
  guint position;

  g_return_if_fail (ENR_IS_DOCUMENT_SIGNING (self));
  g_return_if_fail (ENR_IS_SIGNING_DOCUMENT (document));
  g_return_if_fail (!self->running);

  if (!find_document (self, enr_signing_document_get_file (document), &position))
    return;
  unprepare (self);
  g_list_store_remove (self->documents, position);
}

static void
set_text (EnrDocumentSigning  *self,
          char               **field,
          const char          *text,
          GParamSpec          *pspec)
{
  g_autofree char *stripped = text != NULL ? g_strstrip (g_strdup (text)) : NULL;

  /* Blank is no reason at all: the appearance leaves the line out. */
  if (stripped != NULL && *stripped == '\0')
    g_clear_pointer (&stripped, g_free);
  if (g_strcmp0 (*field, stripped) == 0)
    return;
  g_free (*field);
  *field = g_steal_pointer (&stripped);
  unprepare (self);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

void
enr_document_signing_set_reason (EnrDocumentSigning *self,
                                 const char         *reason)
{
  g_return_if_fail (ENR_IS_DOCUMENT_SIGNING (self));
  g_return_if_fail (!self->running);
  set_text (self, &self->reason, reason, props[PROP_REASON]);
}

void
enr_document_signing_set_place (EnrDocumentSigning *self,
                                const char         *place)
{
  g_return_if_fail (ENR_IS_DOCUMENT_SIGNING (self));
  g_return_if_fail (!self->running);
  set_text (self, &self->place, place, props[PROP_PLACE]);
}
