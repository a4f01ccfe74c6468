/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-citizens"

#include "config.h"

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "enr-citizen-id.h"
#include "sbx-citizens.h"
#include "sbx-secret.h"

#define BUILTIN_CITIZENS "/vn/smartca/Sandbox/citizens.json"

/* One entry, checked; strings borrowed from the parsed JSON, except the
 * normalised copies. */
typedef struct
{
  const char *citizen_id;
  const char *password;
  char       *full_name;
  const char *date_of_birth;
  const char *gender;
  const char *phone;
  const char *email;
  gint64      identity_level;
  char       *province;
  char       *ward;
  char       *street;
  char       *district;
} Citizen;

static void
citizen_clear (Citizen *citizen)
{
  g_free (citizen->full_name);
  g_free (citizen->province);
  g_free (citizen->ward);
  g_free (citizen->street);
  g_free (citizen->district);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Citizen, citizen_clear)

static gboolean
get_string (JsonObject  *object,
            const char  *field,
            gboolean     nullable,
            const char **out,
            const char  *where,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, field);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (nullable)
        {
          *out = NULL;
          return TRUE;
        }
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: field '%s' is missing", where, field);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: field '%s' must be a string", where, field);
      return FALSE;
    }
  *out = json_node_get_string (node);
  if (!nullable)
    {
      g_autofree char *copy = g_strstrip (g_strdup (*out));

      if (copy[0] == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: field '%s' is empty", where, field);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
nfc (const char *text)
{
  return text != NULL ? g_utf8_normalize (text, -1, G_NORMALIZE_NFC) : NULL;
}

static gboolean
parse_date (const char *text,
            GDate      *date)
{
  guint64 year, month, day;
  g_auto(GStrv) parts = NULL;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  parts = g_strsplit (text, "-", 3);
  if (!g_ascii_string_to_unsigned (parts[0], 10, 1, 9999, &year, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, 12, &month, NULL) ||
      !g_ascii_string_to_unsigned (parts[2], 10, 1, 31, &day, NULL) ||
      !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return FALSE;
  g_date_set_dmy (date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return TRUE;
}

static gboolean
is_phone (const char *text)
{
  gsize len = strlen (text);

  if (len < 9 || len > 12 || text[0] != '0')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
check_citizen (JsonNode    *node,
               const char  *where,
               Citizen     *citizen,
               GError     **error)
{
  JsonObject *object;
  JsonObject *residence;
  JsonNode *member;
  const char *full_name, *province, *ward, *street, *district;
  EnrCitizenIdStatus status;
  EnrCitizenIdInfo info;
  GDate date_of_birth;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDate) today = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not an object", where);
      return FALSE;
    }
  object = json_node_get_object (node);

  if (!get_string (object, "citizen_id", FALSE, &citizen->citizen_id, where, error) ||
      !get_string (object, "password", FALSE, &citizen->password, where, error) ||
      !get_string (object, "full_name", FALSE, &full_name, where, error) ||
      !get_string (object, "date_of_birth", FALSE, &citizen->date_of_birth, where, error) ||
      !get_string (object, "gender", FALSE, &citizen->gender, where, error) ||
      !get_string (object, "phone", FALSE, &citizen->phone, where, error) ||
      !get_string (object, "email", TRUE, &citizen->email, where, error))
    return FALSE;

  member = json_object_get_member (object, "identity_level");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64 ||
      (json_node_get_int (member) != 1 && json_node_get_int (member) != 2))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: field 'identity_level' must be 1 or 2", where);
      return FALSE;
    }
  citizen->identity_level = json_node_get_int (member);

  member = json_object_get_member (object, "place_of_residence");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: field 'place_of_residence' must be an object", where);
      return FALSE;
    }
  residence = json_node_get_object (member);
  if (!get_string (residence, "province", FALSE, &province, where, error) ||
      !get_string (residence, "ward", FALSE, &ward, where, error) ||
      !get_string (residence, "street", FALSE, &street, where, error) ||
      !get_string (residence, "district", TRUE, &district, where, error))
    return FALSE;

  if (!parse_date (citizen->date_of_birth, &date_of_birth))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: field 'date_of_birth' must be a date, YYYY-MM-DD", where);
      return FALSE;
    }

  today = g_date_new_dmy ((GDateDay) g_date_time_get_day_of_month (now),
                          (GDateMonth) g_date_time_get_month (now),
                          (GDateYear) g_date_time_get_year (now));
  status = enr_citizen_id_check (citizen->citizen_id, &date_of_birth, today, &info);
  if (status != ENR_CITIZEN_ID_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: field 'citizen_id': %s", where, enr_citizen_id_status_message (status));
      return FALSE;
    }

  if (strcmp (citizen->gender, "male") != 0 && strcmp (citizen->gender, "female") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: field 'gender' must be \"male\" or \"female\"", where);
      return FALSE;
    }
  if (info.female != (strcmp (citizen->gender, "female") == 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: field 'gender' is %s, but digit 4 of the citizen ID says %s", where,
                   citizen->gender, info.female ? "female" : "male");
      return FALSE;
    }

  if (!is_phone (citizen->phone))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: field 'phone' must be a phone number of 9 to 12 digits starting with 0",
                   where);
      return FALSE;
    }
  if (citizen->email != NULL && strchr (citizen->email, '@') == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: field 'email' must be an e-mail address or null", where);
      return FALSE;
    }

  /* Names go into certificates in NFC (PROTOCOL.md, "Certificates"). */
  citizen->full_name = nfc (full_name);
  citizen->province = nfc (province);
  citizen->ward = nfc (ward);
  citizen->street = nfc (street);
  citizen->district = nfc (district);
  return TRUE;
}

static gboolean
citizen_exists (SbxDb      *db,
                const char *citizen_id)
{
  sqlite3_stmt *stmt = sbx_db_prepare (db, "SELECT 1 FROM citizens WHERE citizen_id = ?");
  gboolean exists;

  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  exists = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return exists;
}

static gboolean
insert_citizen (SbxDb    *db,
                Citizen  *citizen,
                GError  **error)
{
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) hash = NULL;
  g_autofree char *sub = sbx_secret_new_uuid ();
  guint iterations = 0;
  sqlite3_stmt *stmt;
  int ret;

  sbx_password_hash (citizen->password, &salt, &hash, &iterations);
  if (hash == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot hash a password");
      return FALSE;
    }

  stmt = sbx_db_prepare (db,
                         "INSERT INTO citizens (citizen_id, sub, password_salt, password_hash,"
                         " password_iterations, full_name, date_of_birth, gender, phone, email,"
                         " identity_level, province, ward, street, district)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  sqlite3_bind_text (stmt, 1, citizen->citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, sub, -1, SQLITE_TRANSIENT);
  sbx_db_bind_bytes (stmt, 3, salt);
  sbx_db_bind_bytes (stmt, 4, hash);
  sqlite3_bind_int (stmt, 5, (int) iterations);
  sqlite3_bind_text (stmt, 6, citizen->full_name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 7, citizen->date_of_birth, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 8, citizen->gender, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 9, citizen->phone, -1, SQLITE_TRANSIENT);
  if (citizen->email != NULL)
    sqlite3_bind_text (stmt, 10, citizen->email, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 10);
  sqlite3_bind_int (stmt, 11, (int) citizen->identity_level);
  sqlite3_bind_text (stmt, 12, citizen->province, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 13, citizen->ward, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 14, citizen->street, -1, SQLITE_TRANSIENT);
  if (citizen->district != NULL)
    sqlite3_bind_text (stmt, 15, citizen->district, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 15);

  ret = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (ret != SQLITE_DONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot store a citizen: %s",
                   sqlite3_errmsg (sbx_db_handle (db)));
      return FALSE;
    }
  return TRUE;
}

gboolean
sbx_citizens_load_data (SbxDb       *db,
                        const char  *origin,
                        const char  *data,
                        gsize        len,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) citizens = NULL;
  JsonArray *array;
  JsonNode *root;
  guint n, added = 0;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (origin != NULL, FALSE);

  if (!g_utf8_validate_len (data, len, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: not UTF-8 text", origin);
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) len, error))
    {
      g_prefix_error (error, "%s: ", origin);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s: a JSON array of citizens is expected", origin);
      return FALSE;
    }
  array = json_node_get_array (root);
  n = json_array_get_length (array);

  /* Check every entry before storing any: a bad file changes nothing. */
  citizens = g_array_sized_new (FALSE, TRUE, sizeof (Citizen), n);
  g_array_set_clear_func (citizens, (GDestroyNotify) citizen_clear);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *where = g_strdup_printf ("%s: citizen %u", origin, i + 1);
      Citizen citizen = { 0 };

      if (!check_citizen (json_array_get_element (array, i), where, &citizen, error))
        {
          citizen_clear (&citizen);
          return FALSE;
        }
      if (!g_hash_table_add (seen, (gpointer) citizen.citizen_id))
        {
          g_autofree char *masked = enr_citizen_id_mask (citizen.citizen_id);

          citizen_clear (&citizen);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "%s: citizen ID %s appears twice", where, masked);
          return FALSE;
        }
      g_array_append_val (citizens, citizen);
    }

  if (!sbx_db_begin (db))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot start a transaction");
      return FALSE;
    }
  for (guint i = 0; i < citizens->len; i++)
    {
      Citizen *citizen = &g_array_index (citizens, Citizen, i);

      if (citizen_exists (db, citizen->citizen_id))
        continue;
      if (!insert_citizen (db, citizen, error))
        {
          sbx_db_rollback (db);
          return FALSE;
        }
      added++;
    }
  if (!sbx_db_commit (db))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot store the citizens");
      return FALSE;
    }

  g_debug ("%s: %u citizens, %u of them new", origin, citizens->len, added);
  return TRUE;
}

gboolean
sbx_citizens_load (SbxDb       *db,
                   const char  *file,
                   GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);

  if (file == NULL)
    {
      bytes = g_resources_lookup_data (BUILTIN_CITIZENS, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
      if (bytes == NULL)
        return FALSE;
      return sbx_citizens_load_data (db, "built-in citizens",
                                     g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                     error);
    }

  if (!g_file_get_contents (file, &contents, &len, error))
    return FALSE;
  ok = sbx_citizens_load_data (db, file, contents, len, error);
  /* The file holds passwords in clear. */
  gnutls_memset (contents, 0, len);
  return ok;
}
