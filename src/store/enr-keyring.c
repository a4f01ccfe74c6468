/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-keyring"

#include "config.h"

#include <string.h>

#include "enr-key-handle-private.h"
#include "enr-keyring.h"
#include "enr-secure.h"
#include "enr-store-error.h"

#define SCHEMA_NAME "vn.smartca.Enroll.KeyHandle"
#define ATTR_HANDLE_ID "handle-id"
#define ATTR_SERVICE_URL "service-url"
/* The legacy schema's, personal in clear: only searched for, to be removed. */
#define ATTR_CITIZEN_ID "citizen-id"
#define ATTR_CREDENTIAL_ID "credential-id"
#define ATTR_DEVICE_ID "device-id"
#define CONTENT_TYPE "application/octet-stream"

const SecretSchema *
enr_keyring_get_schema (void)
{
  static const SecretSchema schema = {
    SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { ATTR_HANDLE_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTR_SERVICE_URL, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

const SecretSchema *
enr_keyring_get_legacy_schema (void)
{
  static const SecretSchema schema = {
    SCHEMA_NAME, SECRET_SCHEMA_NONE,
    {
      { ATTR_CITIZEN_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTR_CREDENTIAL_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTR_DEVICE_ID, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTR_SERVICE_URL, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* libsecret's errors, as the citizen meets them. */
static void
set_keyring_error (GError      **error,
                   GError       *local,
                   GCancellable *cancellable,
                   const char   *what)
{
  EnrStoreError code = ENR_STORE_ERROR_FAILED;

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_propagate_error (error, local);
      return;
    }
  if (g_error_matches (local, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
      g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    code = ENR_STORE_ERROR_KEYRING_LOCKED;   /* an unlock prompt was dismissed or failed */
  else if (local->domain == G_DBUS_ERROR || local->domain == G_IO_ERROR ||
           local->domain == G_SPAWN_ERROR)
    code = ENR_STORE_ERROR_NO_KEYRING;
  enr_store_error_set (error, code, "%s: %s (%s %d)", what, local->message,
                       g_quark_to_string (local->domain), local->code);
  g_error_free (local);
}

static GHashTable *
attributes_for (const char *handle_id,
                const char *service_url)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) ATTR_HANDLE_ID, g_strdup (handle_id));
  g_hash_table_insert (attributes, (gpointer) ATTR_SERVICE_URL, g_strdup (service_url));
  return attributes;
}

/* An item's own attributes, limited to @schema's (the service adds
 * "xdg:schema", which a lookup with the schema must not name). An item
 * without all of them is another schema's: NULL. */
static GHashTable *
exact_attributes (SecretRetrievable  *item,
                  const SecretSchema *schema)
{
  g_autoptr(GHashTable) found = secret_retrievable_get_attributes (item);
  g_autoptr(GHashTable) attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                            g_free);

  for (guint i = 0; schema->attributes[i].name != NULL; i++)
    {
      const char *name = schema->attributes[i].name;
      const char *value = found != NULL ? g_hash_table_lookup (found, name) : NULL;

      if (value == NULL)
        return NULL;
      g_hash_table_insert (attributes, (gpointer) name, g_strdup (value));
    }
  return g_steal_pointer (&attributes);
}

void
enr_keyring_value_wipe (SecretValue *value)
{
  gsize len = 0;
  const char *data;

  if (value == NULL)
    return;
  data = secret_value_get (value, &len);
  enr_secure_wipe ((char *) data, len);
  secret_value_unref (value);
}

/* A SecretValue that is wiped, not only unreferenced, when it goes. */
typedef SecretValue WipedValue;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WipedValue, enr_keyring_value_wipe)

static gboolean
unlock_items (GList         *items,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autolist(GObject) locked = NULL;
  g_autolist(GObject) unlocked = NULL;
  g_autoptr(SecretService) service = NULL;
  GError *local = NULL;

  /* Only the Secret Service has locked items; the file backend's are
   * never locked once it is open. */
  for (GList *l = items; l != NULL; l = l->next)
    {
      if (SECRET_IS_ITEM (l->data) && secret_item_get_locked (SECRET_ITEM (l->data)))
        locked = g_list_prepend (locked, g_object_ref (l->data));
    }
  if (locked == NULL)
    return TRUE;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, cancellable, &local);
  if (service == NULL ||
      secret_service_unlock_sync (service, locked, cancellable, &unlocked, &local) <
      (gint) g_list_length (locked))
    {
      if (local == NULL)
        local = g_error_new_literal (SECRET_ERROR, SECRET_ERROR_IS_LOCKED, "not unlocked");
      set_keyring_error (error, local, cancellable, "unlocking");
      return FALSE;
    }
  return TRUE;
}

/* The newest record among the items @schema finds with @first_name and
 * the NULL-terminated pairs after it, checked by @matches; older ones an
 * interrupted write left beside it are removed. */
typedef gboolean (*RecordCheck) (EnrKeyHandle *handle,
                                 gpointer      data);

static EnrKeyHandle *
read_newest (const SecretSchema *schema,
             GHashTable         *query,
             RecordCheck         matches,
             gpointer            data,
             GCancellable       *cancellable,
             GError            **error)
{
  g_autolist(GObject) items = NULL;
  g_autoptr(EnrKeyHandle) newest = NULL;
  g_autoptr(GHashTable) newest_attributes = NULL;
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  g_autoptr(GError) corrupt = NULL;
  GError *local = NULL;

  items = secret_password_searchv_sync (schema, query, SECRET_SEARCH_ALL, cancellable, &local);
  if (local != NULL)
    {
      set_keyring_error (error, local, cancellable, "searching");
      return NULL;
    }
  if (items == NULL)
    {
      enr_store_error_set (error, ENR_STORE_ERROR_NOT_FOUND, "no item");
      return NULL;
    }
  if (!unlock_items (items, cancellable, error))
    return NULL;

  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) attributes = exact_attributes (l->data, schema);
      g_autoptr(WipedValue) value = NULL;
      g_autoptr(EnrKeyHandle) handle = NULL;
      const char *secret;
      gsize len = 0;

      if (attributes == NULL)
        continue;   /* the other schema's */
      value = secret_password_lookupv_binary_sync (schema, attributes, cancellable, &local);
      if (local != NULL)
        {
          set_keyring_error (error, local, cancellable, "reading");
          return NULL;
        }
      if (value == NULL)
        continue;   /* removed meanwhile */
      secret = secret_value_get (value, &len);
      g_clear_error (&corrupt);
      handle = enr_key_handle_parse ((const guint8 *) secret, len, &corrupt);
      if (handle == NULL || !matches (handle, data))
        {
          if (corrupt == NULL)
            enr_store_error_set (&corrupt, ENR_STORE_ERROR_CORRUPT,
                                 "record names another enrollment or service");
          continue;
        }
      if (newest == NULL ||
          enr_key_handle_get_saved_at (handle) > enr_key_handle_get_saved_at (newest))
        {
          if (newest_attributes != NULL)
            g_ptr_array_add (stale, g_steal_pointer (&newest_attributes));
          g_set_object (&newest, handle);
          newest_attributes = g_steal_pointer (&attributes);
        }
      else
        g_ptr_array_add (stale, g_steal_pointer (&attributes));
    }

  if (newest == NULL)
    {
      if (corrupt != NULL)
        g_propagate_error (error, g_steal_pointer (&corrupt));
      else
        enr_store_error_set (error, ENR_STORE_ERROR_NOT_FOUND, "items vanished");
      return NULL;
    }

  /* Left by a write that was cut short: the newer record is the truth. */
  for (guint i = 0; i < stale->len; i++)
    {
      g_debug ("removing an older record left beside the current one");
      if (!secret_password_clearv_sync (schema, g_ptr_array_index (stale, i),
                                        cancellable, &local) && local != NULL)
        {
          g_debug ("could not remove it: %s", local->message);
          g_clear_error (&local);
        }
    }
  return g_steal_pointer (&newest);
}

typedef struct
{
  const char *id;
  const char *service_url;
} Names;

static gboolean
names_handle (EnrKeyHandle *handle,
              gpointer      data)
{
  Names *names = data;

  return enr_key_handle_get_record_version (handle) == ENR_KEY_HANDLE_RECORD_VERSION &&
         g_strcmp0 (enr_key_handle_get_handle_id (handle), names->id) == 0 &&
         g_strcmp0 (enr_key_handle_get_service_url (handle), names->service_url) == 0;
}

static gboolean
names_owner (EnrKeyHandle *handle,
             gpointer      data)
{
  Names *names = data;

  return g_strcmp0 (enr_key_handle_get_owner (handle), names->id) == 0 &&
         g_strcmp0 (enr_key_handle_get_service_url (handle), names->service_url) == 0;
}

EnrKeyHandle *
enr_keyring_read (const char    *handle_id,
                  const char    *service_url,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GHashTable) query = NULL;
  Names names = { handle_id, service_url };

  g_return_val_if_fail (handle_id != NULL && service_url != NULL, NULL);

  query = attributes_for (handle_id, service_url);
  return read_newest (enr_keyring_get_schema (), query, names_handle, &names, cancellable,
                      error);
}

EnrKeyHandle *
enr_keyring_read_legacy (const char    *citizen_id,
                         const char    *service_url,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  Names names = { citizen_id, service_url };

  g_return_val_if_fail (citizen_id != NULL && service_url != NULL, NULL);

  g_hash_table_insert (query, (gpointer) ATTR_CITIZEN_ID, (gpointer) citizen_id);
  g_hash_table_insert (query, (gpointer) ATTR_SERVICE_URL, (gpointer) service_url);
  return read_newest (enr_keyring_get_legacy_schema (), query, names_owner, &names,
                      cancellable, error);
}

/* Clears every item of @schema whose @id_attribute is @id at @service_url. */
static gboolean
remove_items (const SecretSchema *schema,
              const char         *id_attribute,
              const char         *id,
              const char         *service_url,
              GCancellable       *cancellable,
              GError            **error)
{
  GError *local = NULL;

  secret_password_clear_sync (schema, cancellable, &local,
                              id_attribute, id,
                              ATTR_SERVICE_URL, service_url,
                              NULL);
  if (local != NULL)
    {
      set_keyring_error (error, local, cancellable, "removing");
      return FALSE;
    }
  return TRUE;
}

gboolean
enr_keyring_remove_legacy (const char    *citizen_id,
                           const char    *service_url,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_return_val_if_fail (citizen_id != NULL && service_url != NULL, FALSE);

  return remove_items (enr_keyring_get_legacy_schema (), ATTR_CITIZEN_ID, citizen_id,
                       service_url, cancellable, error);
}

static char *
make_label (EnrKeyHandle *handle)
{
  g_autoptr(GUri) uri = g_uri_parse (enr_key_handle_get_service_url (handle), G_URI_FLAGS_NONE,
                                     NULL);

  /* The label is visible in keyring managers: no personal data in it. */
  return g_strdup_printf ("SmartCA key (%s)", uri != NULL && g_uri_get_host (uri) != NULL ?
                          g_uri_get_host (uri) : "SmartCA");
}

/* Removes the other items at @handle's service whose secret names the same
 * owner: a new key replaces the citizen's older handles. */
static void
drop_other_handles (EnrKeyHandle *handle,
                    GCancellable *cancellable)
{
  g_autolist(GObject) items = NULL;
  GError *local = NULL;
  const char *owner = enr_key_handle_get_owner (handle);

  if (owner == NULL)
    return;
  items = secret_password_search_sync (enr_keyring_get_schema (), SECRET_SEARCH_ALL,
                                       cancellable, &local,
                                       ATTR_SERVICE_URL, enr_key_handle_get_service_url (handle),
                                       NULL);
  if (local != NULL)
    {
      g_debug ("could not look for older records: %s", local->message);
      g_clear_error (&local);
      return;
    }
  for (GList *l = items; l != NULL; l = l->next)
    {
      g_autoptr(GHashTable) other = exact_attributes (l->data, enr_keyring_get_schema ());
      g_autoptr(WipedValue) value = NULL;
      g_autoptr(EnrKeyHandle) record = NULL;
      const char *secret;
      gsize len = 0;

      if (other == NULL ||
          g_strcmp0 (g_hash_table_lookup (other, ATTR_HANDLE_ID),
                     enr_key_handle_get_handle_id (handle)) == 0)
        continue;
      value = secret_password_lookupv_binary_sync (enr_keyring_get_schema (), other, cancellable,
                                                   &local);
      if (value == NULL)
        {
          g_clear_error (&local);
          continue;
        }
      secret = secret_value_get (value, &len);
      record = enr_key_handle_parse ((const guint8 *) secret, len, NULL);
      if (record == NULL || g_strcmp0 (enr_key_handle_get_owner (record), owner) != 0)
        continue;
      g_debug ("removing the citizen's older key handle at this service");
      if (!secret_password_clearv_sync (enr_keyring_get_schema (), other, cancellable, &local) &&
          local != NULL)
        {
          g_debug ("could not remove an older record: %s", local->message);
          g_clear_error (&local);
        }
    }
}

gboolean
enr_keyring_write (EnrKeyHandle  *handle,
                   gboolean       drop_others,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(WipedValue) value = NULL;
  g_autofree char *label = NULL;
  GError *local = NULL;
  guint8 *record;
  gsize record_len;

  g_return_val_if_fail (ENR_IS_KEY_HANDLE (handle), FALSE);

  /* Later than anything written before, even if the clock stepped back. */
  enr_key_handle_set_saved_at (handle, MAX (g_get_real_time (),
                                            enr_key_handle_get_saved_at (handle) + 1));
  record = enr_key_handle_serialize (handle, &record_len);
  value = secret_value_new ((const char *) record, record_len, CONTENT_TYPE);
  enr_secure_free (record, record_len);

  attributes = attributes_for (enr_key_handle_get_handle_id (handle),
                               enr_key_handle_get_service_url (handle));
  label = make_label (handle);

  /* One call that replaces the item with these attributes: the service
   * swaps the secret whole, so there is no moment without a record. */
  if (!secret_password_storev_binary_sync (enr_keyring_get_schema (), attributes,
                                           SECRET_COLLECTION_DEFAULT, label, value,
                                           cancellable, &local))
    {
      if (local == NULL)
        local = g_error_new_literal (SECRET_ERROR, SECRET_ERROR_PROTOCOL, "store failed");
      set_keyring_error (error, local, cancellable, "storing");
      return FALSE;
    }

  if (drop_others)
    drop_other_handles (handle, cancellable);
  return TRUE;
}

gboolean
enr_keyring_remove (const char    *handle_id,
                    const char    *service_url,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_return_val_if_fail (handle_id != NULL && service_url != NULL, FALSE);

  return remove_items (enr_keyring_get_schema (), ATTR_HANDLE_ID, handle_id, service_url,
                       cancellable, error);
}
