/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-key-handle"

#include "config.h"

#include <string.h>

#include "enr-key-handle-private.h"
#include "enr-key-wrap.h"
#include "enr-pin-guard.h"
#include "enr-secure.h"
#include "enr-store-error.h"

#define MAGIC "ENRH"
#define HEADER_LEN 16
/* No field we keep is near this; a bigger one is damage. */
#define MAX_FIELD_LEN (256 * 1024)

enum
{
  TAG_OWNER = 1,
  TAG_SERVICE_URL = 2,
  TAG_CREDENTIAL_ID = 3,
  TAG_DEVICE_ID = 4,
  TAG_KEY_ID = 5,
  TAG_V1_WRAPPED = 6,
  TAG_REFRESH_TOKEN = 7,
  TAG_HANDLE_ID = 8,
  TAG_SALT = 9,
  TAG_ITERATIONS = 10,
  TAG_WRAPPING = 11,
  TAG_PENDING = 12,
  TAG_PROFILE = 13,
  TAG_OUTDATED = 14,
};

struct _EnrKeyHandle
{
  GObject          parent_instance;

  guint            record_version;
  char            *handle_id;
  char            *service_url;
  EnrSecureString *owner;
  char            *credential_id;
  char            *device_id;
  GBytes          *key_id;
  GBytes          *salt;
  guint            iterations;
  GBytes          *wrapping;
  GBytes          *pending;
  gboolean         outdated;
  EnrSecureString *refresh_token;
  GBytes          *profile;
  gint64           saved_at;
};

G_DEFINE_FINAL_TYPE (EnrKeyHandle, enr_key_handle, G_TYPE_OBJECT)

static void
enr_key_handle_finalize (GObject *object)
{
  EnrKeyHandle *self = ENR_KEY_HANDLE (object);

  g_free (self->handle_id);
  g_free (self->service_url);
  g_clear_pointer (&self->owner, enr_secure_string_free);
  g_free (self->credential_id);
  g_free (self->device_id);
  g_clear_pointer (&self->key_id, g_bytes_unref);
  g_clear_pointer (&self->salt, g_bytes_unref);
  g_clear_pointer (&self->wrapping, g_bytes_unref);
  g_clear_pointer (&self->pending, g_bytes_unref);
  g_clear_pointer (&self->refresh_token, enr_secure_string_free);
  g_clear_pointer (&self->profile, g_bytes_unref);

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
  self->record_version = ENR_KEY_HANDLE_RECORD_VERSION;
}

EnrKeyHandle *
enr_key_handle_new (const char *handle_id,
                    const char *service_url)
{
  EnrKeyHandle *self;

  g_return_val_if_fail (handle_id != NULL && service_url != NULL, NULL);

  self = g_object_new (ENR_TYPE_KEY_HANDLE, NULL);
  self->handle_id = g_strdup (handle_id);
  self->service_url = g_strdup (service_url);
  return self;
}

static GBytes *
ref_or_null (GBytes *bytes)
{
  return bytes != NULL ? g_bytes_ref (bytes) : NULL;
}

EnrKeyHandle *
enr_key_handle_copy (EnrKeyHandle *self)
{
  EnrKeyHandle *copy;

  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);

  copy = g_object_new (ENR_TYPE_KEY_HANDLE, NULL);
  copy->record_version = self->record_version;
  copy->handle_id = g_strdup (self->handle_id);
  copy->service_url = g_strdup (self->service_url);
  copy->owner = enr_secure_strdup (self->owner);
  copy->credential_id = g_strdup (self->credential_id);
  copy->device_id = g_strdup (self->device_id);
  copy->key_id = ref_or_null (self->key_id);
  copy->salt = ref_or_null (self->salt);
  copy->iterations = self->iterations;
  copy->wrapping = ref_or_null (self->wrapping);
  copy->pending = ref_or_null (self->pending);
  copy->outdated = self->outdated;
  copy->refresh_token = enr_secure_strdup (self->refresh_token);
  copy->profile = ref_or_null (self->profile);
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
  struct { guint8 tag; const void *data; gsize len; } fields[16];
  guint8 iterations[4];
  guint8 outdated = 1;
  guint n = 0;
  gsize total = HEADER_LEN;
  guint8 *buffer;
  guint8 *out;

  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  g_return_val_if_fail (self->handle_id != NULL, NULL);
  g_return_val_if_fail (len != NULL, NULL);

#define ADD_DATA(t, d, l) \
  { fields[n].tag = (t); fields[n].data = (d); fields[n].len = (l); n++; }
#define ADD_STRING(t, s) \
  if ((s) != NULL) ADD_DATA ((t), (s), strlen (s))
#define ADD_BYTES(t, b) \
  if ((b) != NULL) ADD_DATA ((t), g_bytes_get_data ((b), NULL), g_bytes_get_size (b))

  ADD_STRING (TAG_HANDLE_ID, self->handle_id);
  ADD_STRING (TAG_SERVICE_URL, self->service_url);
  ADD_STRING (TAG_OWNER, self->owner);
  ADD_STRING (TAG_CREDENTIAL_ID, self->credential_id);
  ADD_STRING (TAG_DEVICE_ID, self->device_id);
  ADD_BYTES (TAG_KEY_ID, self->key_id);
  ADD_BYTES (TAG_SALT, self->salt);
  if (self->iterations > 0)
    {
      put_u32 (iterations, self->iterations);
      ADD_DATA (TAG_ITERATIONS, iterations, sizeof iterations);
    }
  ADD_BYTES (TAG_WRAPPING, self->wrapping);
  ADD_BYTES (TAG_PENDING, self->pending);
  if (self->outdated)
    ADD_DATA (TAG_OUTDATED, &outdated, 1);
  ADD_STRING (TAG_REFRESH_TOKEN, self->refresh_token);
  ADD_BYTES (TAG_PROFILE, self->profile);

#undef ADD_DATA
#undef ADD_STRING
#undef ADD_BYTES

  for (guint i = 0; i < n; i++)
    total += 5 + fields[i].len;

  buffer = g_malloc0 (total);
  memcpy (buffer, MAGIC, 4);
  buffer[4] = ENR_KEY_HANDLE_RECORD_VERSION;
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
  if (len == 0 || memchr (data, '\0', len) != NULL ||
      !g_utf8_validate ((const char *) data, len, NULL))
    return NULL;
  return g_strndup ((const char *) data, len);
}

static void
set_bytes (GBytes      **slot,
           const guint8 *data,
           gsize         len,
           gboolean      secret)
{
  g_clear_pointer (slot, g_bytes_unref);
  *slot = secret ? enr_secure_bytes_new (data, len) : g_bytes_new (data, len);
}

static void
set_secret_string (EnrSecureString **slot,
                   char             *value)
{
  g_clear_pointer (slot, enr_secure_string_free);
  *slot = value;
}

EnrKeyHandle *
enr_key_handle_parse (const guint8  *data,
                      gsize          len,
                      GError       **error)
{
  g_autoptr(EnrKeyHandle) self = NULL;
  gsize pos = HEADER_LEN;
  guint version;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  version = len > 4 ? data[4] : 0;
  if (len < HEADER_LEN || memcmp (data, MAGIC, 4) != 0 ||
      (version != 1 && version != ENR_KEY_HANDLE_RECORD_VERSION))
    {
      enr_store_error_set (error, ENR_STORE_ERROR_CORRUPT, "record header (%" G_GSIZE_FORMAT
                           " bytes, version %u)", len, version);
      return NULL;
    }

  self = g_object_new (ENR_TYPE_KEY_HANDLE, NULL);
  self->record_version = version;
  /* Version 1's byte 5 counted wrong PINs: SmartCA counts them now. */
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
        case TAG_HANDLE_ID: string_slot = &self->handle_id; break;
        case TAG_SERVICE_URL: string_slot = &self->service_url; break;
        case TAG_CREDENTIAL_ID: string_slot = &self->credential_id; break;
        case TAG_DEVICE_ID: string_slot = &self->device_id; break;
        case TAG_OWNER:
          set_secret_string (&self->owner, field_string (value, field_len));
          ok = self->owner != NULL;
          break;
        case TAG_REFRESH_TOKEN:
          set_secret_string (&self->refresh_token, field_string (value, field_len));
          ok = self->refresh_token != NULL;
          break;
        case TAG_KEY_ID:
          set_bytes (&self->key_id, value, field_len, FALSE);
          break;
        case TAG_SALT:
          ok = field_len == ENR_PIN_GUARD_SALT_LENGTH;
          set_bytes (&self->salt, value, field_len, FALSE);
          break;
        case TAG_ITERATIONS:
          ok = field_len == 4;
          self->iterations = ok ? get_u32 (value) : 0;
          break;
        case TAG_WRAPPING:
          set_bytes (&self->wrapping, value, field_len, FALSE);
          break;
        case TAG_PENDING:
          set_bytes (&self->pending, value, field_len, FALSE);
          break;
        case TAG_PROFILE:
          set_bytes (&self->profile, value, field_len, TRUE);
          break;
        case TAG_OUTDATED:
          self->outdated = TRUE;
          break;
        case TAG_V1_WRAPPED:
          /* A KAK under the PIN alone: a copy of it could be tested against
           * every PIN offline. It is never read, and goes with the next
           * write. */
          self->outdated = version == 1;
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

  if (self->service_url == NULL || (version == 1 && self->owner == NULL) ||
      (version != 1 && self->handle_id == NULL) ||
      (self->wrapping == NULL && self->pending != NULL) ||
      (self->wrapping != NULL && (self->credential_id == NULL || self->device_id == NULL ||
                                  self->key_id == NULL || self->salt == NULL ||
                                  self->iterations == 0)))
    goto corrupt;
  return g_steal_pointer (&self);

corrupt:
  enr_store_error_set (error, ENR_STORE_ERROR_CORRUPT, "record fields at byte %" G_GSIZE_FORMAT,
                       pos);
  return NULL;
}

guint
enr_key_handle_get_record_version (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), 0);
  return self->record_version;
}

const char *
enr_key_handle_get_handle_id (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return self->handle_id;
}

const char *
enr_key_handle_get_service_url (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return self->service_url;
}

const char *
enr_key_handle_get_owner (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return self->owner;
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
  return ref_or_null (self->key_id);
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
  return self->wrapping != NULL;
}

gboolean
enr_key_handle_is_outdated (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), FALSE);
  return self->wrapping == NULL && self->outdated;
}

GBytes *
enr_key_handle_get_salt (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return ref_or_null (self->salt);
}

guint
enr_key_handle_get_iterations (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), 0);
  return self->wrapping != NULL ? self->iterations : 0;
}

gboolean
enr_key_handle_has_pending (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), FALSE);
  return self->pending != NULL;
}

const char *
enr_key_handle_get_refresh_token (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return self->refresh_token;
}

GBytes *
enr_key_handle_get_profile (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return ref_or_null (self->profile);
}

gint64
enr_key_handle_get_saved_at (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), 0);
  return self->saved_at;
}

GBytes *
enr_key_handle_get_wrapping (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return ref_or_null (self->wrapping);
}

GBytes *
enr_key_handle_get_pending (EnrKeyHandle *self)
{
  g_return_val_if_fail (ENR_IS_KEY_HANDLE (self), NULL);
  return ref_or_null (self->pending);
}

void
enr_key_handle_set_handle_id (EnrKeyHandle *self,
                              const char   *handle_id)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));
  g_return_if_fail (handle_id != NULL);

  g_free (self->handle_id);
  self->handle_id = g_strdup (handle_id);
}

void
enr_key_handle_set_owner (EnrKeyHandle *self,
                          const char   *owner)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));
  set_secret_string (&self->owner, owner != NULL ? enr_secure_strdup (owner) : NULL);
}

static void
replace_bytes (GBytes **slot,
               GBytes  *value)
{
  GBytes *old = *slot;

  *slot = ref_or_null (value);
  if (old != NULL)
    g_bytes_unref (old);
}

void
enr_key_handle_set_key (EnrKeyHandle *self,
                        const char   *credential_id,
                        const char   *device_id,
                        GBytes       *public_key,
                        GBytes       *salt,
                        guint         iterations,
                        GBytes       *wrapping)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));

  g_free (self->credential_id);
  self->credential_id = g_strdup (credential_id);
  g_free (self->device_id);
  self->device_id = g_strdup (device_id);
  g_clear_pointer (&self->key_id, g_bytes_unref);
  self->key_id = public_key != NULL ? enr_key_handle_compute_key_id (public_key) : NULL;
  replace_bytes (&self->salt, salt);
  self->iterations = iterations;
  replace_bytes (&self->wrapping, wrapping);
  g_clear_pointer (&self->pending, g_bytes_unref);
  self->outdated = FALSE;
}

void
enr_key_handle_set_wrapping (EnrKeyHandle *self,
                             GBytes       *wrapping)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));
  replace_bytes (&self->wrapping, wrapping);
}

void
enr_key_handle_set_pending (EnrKeyHandle *self,
                            GBytes       *pending)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));
  replace_bytes (&self->pending, pending);
}

void
enr_key_handle_set_outdated (EnrKeyHandle *self,
                             gboolean      outdated)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));
  self->outdated = outdated;
}

void
enr_key_handle_set_refresh_token (EnrKeyHandle *self,
                                  const char   *refresh_token)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));

  set_secret_string (&self->refresh_token,
                     refresh_token != NULL && refresh_token[0] != '\0' ?
                     enr_secure_strdup (refresh_token) : NULL);
}

void
enr_key_handle_set_profile (EnrKeyHandle *self,
                            GBytes       *profile)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));
  replace_bytes (&self->profile, profile);
}

void
enr_key_handle_set_saved_at (EnrKeyHandle *self,
                             gint64        saved_at)
{
  g_return_if_fail (ENR_IS_KEY_HANDLE (self));
  self->saved_at = saved_at;
}
