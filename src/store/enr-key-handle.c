/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-key-handle"

#include "config.h"

#include <string.h>

#include "enr-key-handle-private.h"
#include "enr-key-wrap.h"
#include "enr-secure.h"
#include "enr-store-error.h"

#define MAGIC "ENRH"
#define HEADER_LEN 16
/* No field we keep is near this; a bigger one is damage. */
#define MAX_FIELD_LEN (256 * 1024)

enum
{
  TAG_CITIZEN_ID = 1,
  TAG_SERVICE_URL = 2,
  TAG_CREDENTIAL_ID = 3,
  TAG_DEVICE_ID = 4,
  TAG_KEY_ID = 5,
  TAG_WRAPPED = 6,
  TAG_REFRESH_TOKEN = 7,
};

struct _EnrKeyHandle
{
  GObject          parent_instance;

  char            *citizen_id;
  char            *service_url;
  char            *credential_id;
  char            *device_id;
  GBytes          *key_id;
  GBytes          *wrapped;
  EnrSecureString *refresh_token;
  guint            failed_attempts;
  gint64           saved_at;
};

G_DEFINE_FINAL_TYPE (EnrKeyHandle, enr_key_handle, G_TYPE_OBJECT)

static void
enr_key_handle_finalize (GObject *object)
{
  EnrKeyHandle *self = ENR_KEY_HANDLE (object);

  g_free (self->citizen_id);
  g_free (self->service_url);
  g_free (self->credential_id);
  g_free (self->device_id);
  g_clear_pointer (&self->key_id, g_bytes_unref);
  g_clear_pointer (&self->wrapped, g_bytes_unref);
  g_clear_pointer (&self->refresh_token, enr_secure_string_free);

  G_OBJECT_CLASS (enr_key_handle_parent_class)->finalize (object);
}

static void
enr_key_handle_class_init (EnrKeyHandleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enr_key_handle_finalize;
}

static void
enr_key_handle_init (EnrKeyHandle *self)
{
}

EnrKeyHandle *
enr_key_handle_new (const char *citizen_id,
                    const char *service_url)
{
  EnrKeyHandle *self;

  g_return_val_if_fail (citizen_id != NULL && service_url != NULL, NULL);

  self = g_object_new (ENR_TYPE_KEY_HANDLE, NULL);
  self->citizen_id = g_strdup (citizen_id);
  self->service_url = g_strdup (service_url);
  return self;
}

EnrKeyHandle *
enr_key_handle_copy (EnrKeyHandle *self)
{
  EnrKeyHandle *copy;

  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);

  copy = enr_key_handle_new (self->citizen_id, self->service_url);
  copy->credential_id = g_strdup (self->credential_id);
  copy->device_id = g_strdup (self->device_id);
  copy->key_id = self->key_id != NULL ? g_bytes_ref (self->key_id) : NULL;
  copy->wrapped = self->wrapped != NULL ? g_bytes_ref (self->wrapped) : NULL;
  copy->refresh_token = enr_secure_strdup (self->refresh_token);
  copy->failed_attempts = self->failed_attempts;
  copy->saved_at = self->saved_at;
  return copy;
}

static void
put_u32 (guint8 *out,
         guint32 value)
{
  for (int i = 0; i < 4; i++)
    out[i] = value >> (24 - 8 * i);
}

static guint32
get_u32 (const guint8 *in)
{
  return ((guint32) in[0] << 24) | ((guint32) in[1] << 16) | ((guint32) in[2] << 8) | in[3];
}

static gsize
field_size (gsize len)
{
  return 5 + len;
}

static guint8 *
put_field (guint8       *out,
           guint8        tag,
           const void   *data,
           gsize         len)
{
  out[0] = tag;
  put_u32 (out + 1, (guint32) len);
  if (len > 0)
    memcpy (out + 5, data, len);
  return out + 5 + len;
}

guint8 *
enr_key_handle_serialize (EnrKeyHandle *self,
                          gsize        *len)
{
  struct { guint8 tag; const void *data; gsize len; } fields[7];
  guint n = 0;
  gsize total = HEADER_LEN;
  guint8 *buffer;
  guint8 *out;

  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  g_return_val_if_fail (len != NULL, NULL);

#define ADD_STRING(t, s) \
  if ((s) != NULL) { fields[n].tag = (t); fields[n].data = (s); fields[n].len = strlen (s); n++; }
#define ADD_BYTES(t, b) \
  if ((b) != NULL) \
    { fields[n].tag = (t); fields[n].data = g_bytes_get_data ((b), &fields[n].len); n++; }

  ADD_STRING (TAG_CITIZEN_ID, self->citizen_id);
  ADD_STRING (TAG_SERVICE_URL, self->service_url);
  ADD_STRING (TAG_CREDENTIAL_ID, self->credential_id);
  ADD_STRING (TAG_DEVICE_ID, self->device_id);
  ADD_BYTES (TAG_KEY_ID, self->key_id);
  ADD_BYTES (TAG_WRAPPED, self->wrapped);
  ADD_STRING (TAG_REFRESH_TOKEN, self->refresh_token);

#undef ADD_STRING
#undef ADD_BYTES

  for (guint i = 0; i < n; i++)
    total += field_size (fields[i].len);

  buffer = g_malloc0 (total);
  memcpy (buffer, MAGIC, 4);
  buffer[4] = ENR_KEY_HANDLE_RECORD_VERSION;
  buffer[5] = (guint8) MIN (self->failed_attempts, 255);
  put_u32 (buffer + 8, (guint32) ((guint64) self->saved_at >> 32));
  put_u32 (buffer + 12, (guint32) ((guint64) self->saved_at & 0xffffffff));
  out = buffer + HEADER_LEN;
  for (guint i = 0; i < n; i++)
    out = put_field (out, fields[i].tag, fields[i].data, fields[i].len);

  *len = total;
  return buffer;
}

static char *
field_string (const guint8 *data,
              gsize         len)
{
  if (memchr (data, '\0', len) != NULL || !g_utf8_validate ((const char *) data, len, NULL))
    return NULL;
  return g_strndup ((const char *) data, len);
}

EnrKeyHandle *
enr_key_handle_parse (const guint8  *data,
                      gsize          len,
                      GError       **error)
{
  g_autoptr(EnrKeyHandle) self = NULL;
  gsize pos = HEADER_LEN;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len < HEADER_LEN || memcmp (data, MAGIC, 4) != 0 ||
      data[4] != ENR_KEY_HANDLE_RECORD_VERSION)
    {
      enr_store_error_set (error, ENR_STORE_ERROR_CORRUPT, "record header (%" G_GSIZE_FORMAT
                           " bytes, version %u)", len, len > 4 ? data[4] : 0);
      return NULL;
    }

  self = g_object_new (ENR_TYPE_KEY_HANDLE, NULL);
  self->failed_attempts = data[5];
  self->saved_at = (gint64) (((guint64) get_u32 (data + 8) << 32) | get_u32 (data + 12));

  while (pos < len)
    {
      guint8 tag;
      gsize field_len;
      const guint8 *value;
      char **string_slot = NULL;
      gboolean ok = TRUE;

      if (len - pos < 5)
        goto corrupt;
      tag = data[pos];
      field_len = get_u32 (data + pos + 1);
      if (field_len > MAX_FIELD_LEN || field_len > len - pos - 5)
        goto corrupt;
      value = data + pos + 5;
      pos += 5 + field_len;

      switch (tag)
        {
        case TAG_CITIZEN_ID: string_slot = &self->citizen_id; break;
        case TAG_SERVICE_URL: string_slot = &self->service_url; break;
        case TAG_CREDENTIAL_ID: string_slot = &self->credential_id; break;
        case TAG_DEVICE_ID: string_slot = &self->device_id; break;
        case TAG_KEY_ID:
          g_clear_pointer (&self->key_id, g_bytes_unref);
          self->key_id = g_bytes_new (value, field_len);
          break;
        case TAG_WRAPPED:
          g_clear_pointer (&self->wrapped, g_bytes_unref);
          self->wrapped = g_bytes_new (value, field_len);
          break;
        case TAG_REFRESH_TOKEN:
          g_clear_pointer (&self->refresh_token, enr_secure_string_free);
          if (field_len > 0 && memchr (value, '\0', field_len) == NULL)
            {
              self->refresh_token = g_malloc (field_len + 1);
              memcpy (self->refresh_token, value, field_len);
              self->refresh_token[field_len] = '\0';
            }
          else
            ok = FALSE;
          break;
        default:
          /* A field from a later version. */
          break;
        }
      if (string_slot != NULL)
        {
          g_free (*string_slot);
          *string_slot = field_string (value, field_len);
          ok = *string_slot != NULL;
        }
      if (!ok)
        goto corrupt;
    }

  if (self->citizen_id == NULL || self->service_url == NULL ||
      (self->wrapped != NULL && (self->device_id == NULL || self->key_id == NULL)))
    goto corrupt;
  return g_steal_pointer (&self);

corrupt:
  enr_store_error_set (error, ENR_STORE_ERROR_CORRUPT, "record fields at byte %" G_GSIZE_FORMAT,
                       pos);
  return NULL;
}

const char *
enr_key_handle_get_citizen_id (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return self->citizen_id;
}

const char *
enr_key_handle_get_service_url (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return self->service_url;
}

const char *
enr_key_handle_get_credential_id (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return self->credential_id;
}

const char *
enr_key_handle_get_device_id (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return self->device_id;
}

GBytes *
enr_key_handle_get_key_id (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return self->key_id != NULL ? g_bytes_ref (self->key_id) : NULL;
}

GBytes *
enr_key_handle_compute_key_id (GBytes *public_key)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_return_val_if_fail (public_key != NULL, NULL);

  g_checksum_update (checksum, g_bytes_get_data (public_key, NULL), g_bytes_get_size (public_key));
  g_checksum_get_digest (checksum, digest, &digest_len);
  return g_bytes_new (digest, digest_len);
}

gboolean
enr_key_handle_has_key (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), FALSE);
  return self->wrapped != NULL;
}

guint
enr_key_handle_get_iterations (EnrKeyHandle *self)
{
  EnrKeyWrapInfo info = { 0 };

  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), 0);

  if (self->wrapped == NULL || !enr_key_wrap_inspect (self->wrapped, &info, NULL))
    return 0;
  return info.iterations;
}

const char *
enr_key_handle_get_refresh_token (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return self->refresh_token;
}

guint
enr_key_handle_get_attempts_left (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), 0);
  return self->failed_attempts >= ENR_KEY_HANDLE_MAX_ATTEMPTS ?
         0 : ENR_KEY_HANDLE_MAX_ATTEMPTS - self->failed_attempts;
}

gboolean
enr_key_handle_is_locked (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), TRUE);
  return self->failed_attempts >= ENR_KEY_HANDLE_MAX_ATTEMPTS;
}

gint64
enr_key_handle_get_saved_at (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), 0);
  return self->saved_at;
}

GBytes *
enr_key_handle_get_wrapped (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return self->wrapped != NULL ? g_bytes_ref (self->wrapped) : NULL;
}

GBytes *
enr_key_handle_get_context (EnrKeyHandle *self)
{
  static const char label[] = "vn.smartca.Enroll.KeyHandle";
  GByteArray *context;

  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);

  /* NULs between the parts keep "ab"+"c" and "a"+"bc" apart. */
  context = g_byte_array_new ();
  g_byte_array_append (context, (const guint8 *) label, sizeof label);
  g_byte_array_append (context, (const guint8 *) self->citizen_id, strlen (self->citizen_id) + 1);
  if (self->device_id != NULL)
    g_byte_array_append (context, (const guint8 *) self->device_id, strlen (self->device_id));
  return g_byte_array_free_to_bytes (context);
}

guint
enr_key_handle_get_failed_attempts (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), 0);
  return self->failed_attempts;
}

void
enr_key_handle_set_key (EnrKeyHandle *self,
                        const char   *credential_id,
                        const char   *device_id,
                        GBytes       *public_key,
                        GBytes       *wrapped)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));

  g_free (self->credential_id);
  self->credential_id = g_strdup (credential_id);
  g_free (self->device_id);
  self->device_id = g_strdup (device_id);
  g_clear_pointer (&self->key_id, g_bytes_unref);
  self->key_id = public_key != NULL ? enr_key_handle_compute_key_id (public_key) : NULL;
  enr_key_handle_set_wrapped (self, wrapped);
}

void
enr_key_handle_set_wrapped (EnrKeyHandle *self,
                            GBytes       *wrapped)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));

  g_clear_pointer (&self->wrapped, g_bytes_unref);
  self->wrapped = wrapped != NULL ? g_bytes_ref (wrapped) : NULL;
}

void
enr_key_handle_set_refresh_token (EnrKeyHandle *self,
                                  const char   *refresh_token)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));

  g_clear_pointer (&self->refresh_token, enr_secure_string_free);
  self->refresh_token = refresh_token != NULL && refresh_token[0] != '\0' ?
                        enr_secure_strdup (refresh_token) : NULL;
}

void
enr_key_handle_set_failed_attempts (EnrKeyHandle *self,
                                    guint         failed)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));
  self->failed_attempts = MIN (failed, 255);
}

void
enr_key_handle_set_saved_at (EnrKeyHandle *self,
                             gint64        saved_at)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));
  self->saved_at = saved_at;
}
