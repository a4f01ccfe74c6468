/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-sign-item"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "enr-sign-item.h"
#include "enr-signature-box.h"
#include "enr-signature-document.h"

struct _EnrSignItem
{
  GObject           parent_instance;

  GFile            *file;
  char             *name;
  EnrSignItemState  state;
  char             *problem;
  GBytes           *bytes;
  GCancellable     *cancellable;
  guint             page;
  double            rect[4];
};

G_DEFINE_FINAL_TYPE (EnrSignItem, enr_sign_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
finish_loading (EnrSignItem      *self,
                EnrSignItemState  state,
                const char       *problem)
{
  g_clear_object (&self->cancellable);
  self->state = state;
  self->problem = g_strdup (problem);
  if (state == ENR_SIGN_ITEM_REFUSED)
    g_clear_pointer (&self->bytes, g_bytes_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnrSignItem) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree double *sizes = NULL;
  EnrSignatureBox box;
  guint n_pages = 0;

  sizes = enr_signature_document_open_finish (result, &n_pages, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (sizes == NULL)
    {
      /* The placer's errors are already the citizen's sentences. */
      finish_loading (self, ENR_SIGN_ITEM_REFUSED, error->message);
      return;
    }

  /* The default the placer would choose, so that a document the citizen
   * never looked at is signed where the issue says: last page, bottom right. */
  enr_signature_box_init_default (&box, sizes[2 * (n_pages - 1)], sizes[2 * (n_pages - 1) + 1]);
  self->page = n_pages - 1;
  self->rect[0] = box.x1;
  self->rect[1] = box.y1;
  self->rect[2] = box.x2;
  self->rect[3] = box.y2;
  finish_loading (self, ENR_SIGN_ITEM_READY, NULL);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnrSignItem) self = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (bytes == NULL)
    {
      g_debug ("cannot read %s: %s", self->name, error->message);
      finish_loading (self, ENR_SIGN_ITEM_REFUSED,
                      _("This file cannot be read. Check that it is still there, then "
                        "choose it again."));
      return;
    }
  self->bytes = bytes;
  enr_signature_document_open_async (bytes, self->cancellable, opened_cb, g_object_ref (self));
}

static void
enr_sign_item_dispose (GObject *object)
{
  EnrSignItem *self = ENR_SIGN_ITEM (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  G_OBJECT_CLASS (enr_sign_item_parent_class)->dispose (object);
}

static void
enr_sign_item_finalize (GObject *object)
{
  EnrSignItem *self = ENR_SIGN_ITEM (object);

  g_clear_object (&self->file);
  g_free (self->name);
  g_free (self->problem);
  G_OBJECT_CLASS (enr_sign_item_parent_class)->finalize (object);
}

static void
enr_sign_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  EnrSignItem *self = ENR_SIGN_ITEM (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_sign_item_class_init (EnrSignItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = enr_sign_item_dispose;
  object_class->finalize = enr_sign_item_finalize;
  object_class->get_property = enr_sign_item_get_property;

  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, ENR_SIGN_ITEM_LOADING, ENR_SIGN_ITEM_REFUSED,
                      ENR_SIGN_ITEM_LOADING,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enr_sign_item_init (EnrSignItem *self)
{
}

EnrSignItem *
enr_sign_item_new (GFile *file)
{
  EnrSignItem *self;
  g_autofree char *basename = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (ENR_TYPE_SIGN_ITEM, NULL);
  self->file = g_object_ref (file);
  basename = g_file_get_basename (file);
  self->name = g_filename_display_name (basename != NULL ? basename : "");
  self->cancellable = g_cancellable_new ();
  g_file_load_bytes_async (file, self->cancellable, loaded_cb, g_object_ref (self));
  return self;
}

GFile *
enr_sign_item_get_file (EnrSignItem *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_ITEM (self), NULL);
  return self->file;
}

const char *
enr_sign_item_get_name (EnrSignItem *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_ITEM (self), NULL);
  return self->name;
}

EnrSignItemState
enr_sign_item_get_state (EnrSignItem *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_ITEM (self), ENR_SIGN_ITEM_REFUSED);
  return self->state;
}

const char *
enr_sign_item_get_problem (EnrSignItem *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_ITEM (self), NULL);
  return self->problem;
}

GBytes *
enr_sign_item_get_bytes (EnrSignItem *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_ITEM (self), NULL);
  return self->state == ENR_SIGN_ITEM_READY ? self->bytes : NULL;
}

gboolean
enr_sign_item_get_placement (EnrSignItem *self,
                             guint       *page,
                             double       rect[4])
{
  g_return_val_if_fail (ENR_IS_SIGN_ITEM (self), FALSE);

  if (self->state != ENR_SIGN_ITEM_READY)
    return FALSE;
  if (page != NULL)
    *page = self->page;
  if (rect != NULL)
    memcpy (rect, self->rect, sizeof self->rect);
  return TRUE;
}

void
enr_sign_item_set_placement (EnrSignItem  *self,
                             guint         page,
                             const double  rect[4])
{
  g_return_if_fail (ENR_IS_SIGN_ITEM (self));
  g_return_if_fail (rect != NULL);

  self->page = page;
  memcpy (self->rect, rect, sizeof self->rect);
}

void
enr_sign_item_cancel (EnrSignItem *self)
{
  g_return_if_fail (ENR_IS_SIGN_ITEM (self));
  g_cancellable_cancel (self->cancellable);
}
