/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-digit-entry"

#include "config.h"

#include <string.h>

#include "enr-digit-entry.h"
#include "enr-secure.h"

struct _EnrDigitEntry
{
  GtkEntry  parent_instance;

  gboolean  masked;
  guint     length;
  gboolean  complete;
};

G_DEFINE_FINAL_TYPE (EnrDigitEntry, enr_digit_entry, GTK_TYPE_ENTRY)

enum {
  PROP_0,
  PROP_MASKED,
  PROP_LENGTH,
  PROP_COMPLETE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DEFAULT_LENGTH 6

static void
update_complete (EnrDigitEntry *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self));
  gboolean complete = text != NULL && strlen (text) == self->length;

  if (complete == self->complete)
    return;
  self->complete = complete;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETE]);
}

/* Drops every character that is not an ASCII digit, so that "123 456"
 * pasted from an SMS becomes 123456 and a letter typed by mistake never
 * reaches the service. Runs on the delegate GtkText, where text arrives. */
static void
insert_text_cb (GtkEditable   *editable,
                const char    *text,
                int            length,
                int           *position,
                EnrDigitEntry *self)
{
  gsize len = length < 0 ? strlen (text) : (gsize) length;
  gsize kept = 0;
  char *digits;

  /* The digits are a PIN or an SMS code: the copy is wiped, not just freed. */
  digits = g_malloc (len + 1);
  for (gsize i = 0; i < len; i++)
    if (g_ascii_isdigit (text[i]))
      digits[kept++] = text[i];
  digits[kept] = '\0';

  if (kept != len)
    {
      g_signal_handlers_block_by_func (editable, insert_text_cb, self);
      if (kept > 0)
        gtk_editable_insert_text (editable, digits, (int) kept, position);
      else
        gtk_widget_error_bell (GTK_WIDGET (self));
      g_signal_handlers_unblock_by_func (editable, insert_text_cb, self);
      g_signal_stop_emission_by_name (editable, "insert-text");
    }
  enr_secure_free (digits, len + 1);
}

static void
text_changed_cb (EnrDigitEntry *self)
{
  update_complete (self);
}

static void
apply_mask (EnrDigitEntry *self)
{
  gtk_entry_set_visibility (GTK_ENTRY (self), !self->masked);
  gtk_entry_set_input_purpose (GTK_ENTRY (self),
                               self->masked ? GTK_INPUT_PURPOSE_PIN : GTK_INPUT_PURPOSE_DIGITS);
}

static void
enr_digit_entry_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  EnrDigitEntry *self = ENR_DIGIT_ENTRY (object);

  switch (prop_id)
    {
    case PROP_MASKED:
      g_value_set_boolean (value, self->masked);
      break;
    case PROP_LENGTH:
      g_value_set_uint (value, self->length);
      break;
    case PROP_COMPLETE:
      g_value_set_boolean (value, self->complete);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_digit_entry_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  EnrDigitEntry *self = ENR_DIGIT_ENTRY (object);

  switch (prop_id)
    {
    case PROP_MASKED:
      enr_digit_entry_set_masked (self, g_value_get_boolean (value));
      break;
    case PROP_LENGTH:
      enr_digit_entry_set_length (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* In constructed(), not init(): GtkEntry's construct properties (its
 * buffer among them) are set after every init() has run. */
static void
enr_digit_entry_constructed (GObject *object)
{
  EnrDigitEntry *self = ENR_DIGIT_ENTRY (object);
  g_autoptr(GtkEntryBuffer) buffer = gtk_password_entry_buffer_new ();
  GtkEditable *delegate;

  G_OBJECT_CLASS (enr_digit_entry_parent_class)->constructed (object);

  /* The secure buffer keeps the digits out of swap and wipes them when
   * they are deleted, for a one-time code as much as for a PIN. */
  gtk_entry_set_buffer (GTK_ENTRY (self), buffer);
  gtk_entry_set_max_length (GTK_ENTRY (self), (int) self->length);
  gtk_entry_set_activates_default (GTK_ENTRY (self), TRUE);
  gtk_entry_set_input_hints (GTK_ENTRY (self),
                             GTK_INPUT_HINT_NO_SPELLCHECK | GTK_INPUT_HINT_NO_EMOJI);
  gtk_editable_set_width_chars (GTK_EDITABLE (self), (int) self->length + 2);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (self), (int) self->length + 2);
  /* An undo history would keep copies of the digits outside the buffer. */
  gtk_editable_set_enable_undo (GTK_EDITABLE (self), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self), "digits");
  apply_mask (self);
  update_complete (self);

  delegate = gtk_editable_get_delegate (GTK_EDITABLE (self));
  g_signal_connect (delegate, "insert-text", G_CALLBACK (insert_text_cb), self);
  g_signal_connect_swapped (self, "notify::text", G_CALLBACK (text_changed_cb), self);
}

static void
enr_digit_entry_class_init (EnrDigitEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = enr_digit_entry_constructed;
  object_class->get_property = enr_digit_entry_get_property;
  object_class->set_property = enr_digit_entry_set_property;

  properties[PROP_MASKED] =
    g_param_spec_boolean ("masked", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LENGTH] =
    g_param_spec_uint ("length", NULL, NULL, 1, 64, DEFAULT_LENGTH,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_COMPLETE] =
    g_param_spec_boolean ("complete", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
enr_digit_entry_init (EnrDigitEntry *self)
{
  self->length = DEFAULT_LENGTH;
}

GtkWidget *
enr_digit_entry_new (gboolean masked)
{
  return g_object_new (ENR_TYPE_DIGIT_ENTRY, "masked", masked, NULL);
}

gboolean
enr_digit_entry_get_masked (EnrDigitEntry *self)
{
  g_return_val_if_fail (ENR_IS_DIGIT_ENTRY (self), FALSE);
  return self->masked;
}

void
enr_digit_entry_set_masked (EnrDigitEntry *self,
                            gboolean       masked)
{
  g_return_if_fail (ENR_IS_DIGIT_ENTRY (self));

  masked = !!masked;
  if (self->masked == masked)
    return;
  self->masked = masked;
  apply_mask (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MASKED]);
}

guint
enr_digit_entry_get_length (EnrDigitEntry *self)
{
  g_return_val_if_fail (ENR_IS_DIGIT_ENTRY (self), DEFAULT_LENGTH);
  return self->length;
}

void
enr_digit_entry_set_length (EnrDigitEntry *self,
                            guint          length)
{
  g_return_if_fail (ENR_IS_DIGIT_ENTRY (self));
  g_return_if_fail (length > 0);

  if (self->length == length)
    return;
  self->length = length;
  gtk_entry_set_max_length (GTK_ENTRY (self), (int) length);
  gtk_editable_set_width_chars (GTK_EDITABLE (self), (int) length + 2);
  gtk_editable_set_max_width_chars (GTK_EDITABLE (self), (int) length + 2);
  update_complete (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LENGTH]);
}

gboolean
enr_digit_entry_get_complete (EnrDigitEntry *self)
{
  const char *text;

  g_return_val_if_fail (ENR_IS_DIGIT_ENTRY (self), FALSE);

  /* From the text itself: "changed" handlers run before notify::text. */
  text = gtk_editable_get_text (GTK_EDITABLE (self));
  return text != NULL && strlen (text) == self->length;
}

const char *
enr_digit_entry_get_digits (EnrDigitEntry *self)
{
  g_return_val_if_fail (ENR_IS_DIGIT_ENTRY (self), "");
  return gtk_editable_get_text (GTK_EDITABLE (self));
}

void
enr_digit_entry_clear (EnrDigitEntry *self)
{
  g_return_if_fail (ENR_IS_DIGIT_ENTRY (self));
  gtk_editable_delete_text (GTK_EDITABLE (self), 0, -1);
}
