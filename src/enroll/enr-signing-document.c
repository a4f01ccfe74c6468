/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EnrSigningDocument: one PDF the citizen chose to sign, what the
 * confirmation screen lists about it, and where its signed copy goes.
 * EnrDocumentSigning drives it through enr-signing-document-private.h.
 */
#define G_LOG_DOMAIN "enr-signing-document"

#include "config.h"

#include "enr-document-signing.h"
#include "enr-signing-document-private.h"

struct _EnrSigningDocument
{
  GObject                 parent_instance;

  GFile                  *file;
  char                   *display_name;
  GFile                  *output;
  gboolean                output_chosen;
  guint                   page;
  double                  rect[4];
  char                   *hash;
  EnrSigningDocumentState state;
  gboolean                timestamped;
};

enum
{
  PROP_0,
  PROP_FILE,
  PROP_DISPLAY_NAME,
  PROP_OUTPUT,
  PROP_PAGE,
  PROP_HASH,
  PROP_STATE,
  PROP_TIMESTAMPED,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (EnrSigningDocument, enr_signing_document, G_TYPE_OBJECT)

static void
enr_signing_document_finalize (GObject *object)
{
  EnrSigningDocument *self = ENR_SIGNING_DOCUMENT (object);

  g_clear_object (&self->file);
  g_clear_object (&self->output);
  g_free (self->display_name);
  g_free (self->hash);

  G_OBJECT_CLASS (enr_signing_document_parent_class)->finalize (object);
}

static void
enr_signing_document_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  EnrSigningDocument *self = ENR_SIGNING_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_OUTPUT:
      g_value_set_object (value, self->output);
      break;
    case PROP_PAGE:
      g_value_set_uint (value, self->page);
      break;
    case PROP_HASH:
      g_value_set_string (value, self->hash);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_TIMESTAMPED:
      g_value_set_boolean (value, self->timestamped);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_signing_document_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  EnrSigningDocument *self = ENR_SIGNING_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_OUTPUT:
      enr_signing_document_set_output (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_signing_document_class_init (EnrSigningDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags shown = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = enr_signing_document_finalize;
  object_class->get_property = enr_signing_document_get_property;
  object_class->set_property = enr_signing_document_set_property;

  props[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, shown);
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, shown);
  props[PROP_OUTPUT] =
    g_param_spec_object ("output", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  props[PROP_PAGE] = g_param_spec_uint ("page", NULL, NULL, 0, G_MAXUINT, 0, shown);
  props[PROP_HASH] = g_param_spec_string ("hash", NULL, NULL, NULL, shown);
  /* An int, not a registered enum: nothing but this header needs the type. */
  props[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, ENR_SIGNING_DOCUMENT_CHOSEN,
                      ENR_SIGNING_DOCUMENT_SIGNED, ENR_SIGNING_DOCUMENT_CHOSEN, shown);
  props[PROP_TIMESTAMPED] = g_param_spec_boolean ("timestamped", NULL, NULL, FALSE, shown);

  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
enr_signing_document_init (EnrSigningDocument *self)
{
}

/* The name the citizen knows the file by, even where it has no path. */
static char *
display_name_of (GFile *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *shown = basename != NULL ? g_filename_display_name (basename) : NULL;

  return shown != NULL ? g_steal_pointer (&shown) : g_file_get_parse_name (file);
}

EnrSigningDocument *
_enr_signing_document_new (GFile        *file,
                           guint         page,
                           const double  rect[4])
{
  EnrSigningDocument *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (rect != NULL, NULL);

  self = g_object_new (ENR_TYPE_SIGNING_DOCUMENT, NULL);
  self->file = g_object_ref (file);
  self->display_name = display_name_of (file);
  self->page = page;
  for (guint i = 0; i < 4; i++)
    self->rect[i] = rect[i];
  return self;
}

GFile *
enr_signing_document_get_file (EnrSigningDocument *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_DOCUMENT (self), NULL);
  return self->file;
}

const char *
enr_signing_document_get_display_name (EnrSigningDocument *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_DOCUMENT (self), NULL);
  return self->display_name;
}

GFile *
enr_signing_document_get_output (EnrSigningDocument *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_DOCUMENT (self), NULL);
  return self->output;
}

void
enr_signing_document_set_output (EnrSigningDocument *self,
                                 GFile              *output)
{
  g_return_if_fail (ENR_IS_SIGNING_DOCUMENT (self));
  g_return_if_fail (output == NULL || G_IS_FILE (output));

  /* The original is never written: an output that is the input is no choice. */
  if (output != NULL && g_file_equal (output, self->file))
    {
      g_warning ("a signed document's output cannot be its original");
      return;
    }
  if (g_set_object (&self->output, output))
    {
      self->output_chosen = output != NULL;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OUTPUT]);
    }
}

gboolean
_enr_signing_document_get_output_chosen (EnrSigningDocument *self)
{
  return self->output_chosen;
}

void
_enr_signing_document_take_default_output (EnrSigningDocument *self,
                                           GFile              *output)
{
  g_set_object (&self->output, output);
  g_object_unref (output);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_OUTPUT]);
}

guint
enr_signing_document_get_page (EnrSigningDocument *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_DOCUMENT (self), 0);
  return self->page;
}

void
enr_signing_document_get_rect (EnrSigningDocument *self,
                               double              rect[4])
{
  g_return_if_fail (ENR_IS_SIGNING_DOCUMENT (self));
  for (guint i = 0; i < 4; i++)
    rect[i] = self->rect[i];
}

const char *
enr_signing_document_get_hash (EnrSigningDocument *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_DOCUMENT (self), NULL);
  return self->hash;
}

/* Upper-case hex in groups of four: read aloud, or compared by eye. */
static char *
hash_for_people (const guint8 *hash,
                 gsize         length)
{
  GString *text = g_string_sized_new (length * 2 + length / 2);

  for (gsize i = 0; i < length; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, "%02X", hash[i]);
    }
  return g_string_free (text, FALSE);
}

void
_enr_signing_document_set_prepared (EnrSigningDocument *self,
                                    const guint8       *hash,
                                    gsize               length)
{
  g_free (self->hash);
  self->hash = hash != NULL ? hash_for_people (hash, length) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HASH]);
  _enr_signing_document_set_state (self, hash != NULL ? ENR_SIGNING_DOCUMENT_PREPARED
                                                      : ENR_SIGNING_DOCUMENT_CHOSEN);
}

EnrSigningDocumentState
enr_signing_document_get_state (EnrSigningDocument *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_DOCUMENT (self), ENR_SIGNING_DOCUMENT_CHOSEN);
  return self->state;
}

void
_enr_signing_document_set_state (EnrSigningDocument      *self,
                                 EnrSigningDocumentState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

gboolean
enr_signing_document_get_timestamped (EnrSigningDocument *self)
{
  g_return_val_if_fail (ENR_IS_SIGNING_DOCUMENT (self), FALSE);
  return self->timestamped;
}

void
_enr_signing_document_set_signed (EnrSigningDocument *self,
                                  gboolean            timestamped)
{
  if (self->timestamped != timestamped)
    {
      self->timestamped = timestamped;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TIMESTAMPED]);
    }
  _enr_signing_document_set_state (self, ENR_SIGNING_DOCUMENT_SIGNED);
}
