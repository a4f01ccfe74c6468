/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-json"

#include "config.h"

#include <string.h>

#include "enr-json.h"
#include "enr-secure.h"
#include "enr-service-error.h"

gboolean
enr_json_malformed (GError    **error,
                    const char *name,
                    const char *problem)
{
  g_info ("malformed reply: member '%s' %s", name, problem);
  g_set_error_literal (error, ENR_SERVICE_ERROR, ENR_SERVICE_ERROR_MALFORMED_REPLY,
                       enr_service_error_message (ENR_SERVICE_ERROR_MALFORMED_REPLY));
  return FALSE;
}

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return object != NULL ? json_object_get_member (object, name) : NULL;
}

gboolean
enr_json_read_string (JsonObject  *object,
                      const char  *name,
                      gboolean     optional,
                      char       **out,
                      GError     **error)
{
  JsonNode *node = member (object, name);
  const char *value;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return optional ? TRUE : enr_json_malformed (error, name, "is missing");
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return enr_json_malformed (error, name, "is not a string");

  value = json_node_get_string (node);
  if (!optional && *value == '\0')
    return enr_json_malformed (error, name, "is empty");

  *out = g_strdup (value);
  return TRUE;
}

gboolean
enr_json_read_int (JsonObject *object,
                   const char *name,
                   gint64      min,
                   gint64      max,
                   gint64     *out,
                   GError    **error)
{
  JsonNode *node = member (object, name);
  gint64 value;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return enr_json_malformed (error, name, "is not an integer");

  value = json_node_get_int (node);
  if (value < min || value > max)
    return enr_json_malformed (error, name, "is out of range");

  *out = value;
  return TRUE;
}

gboolean
enr_json_read_object (JsonObject  *object,
                      const char  *name,
                      gboolean     optional,
                      JsonObject **out,
                      GError     **error)
{
  JsonNode *node = member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return optional ? TRUE : enr_json_malformed (error, name, "is missing");
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return enr_json_malformed (error, name, "is not an object");

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
enr_json_read_array (JsonObject  *object,
                     const char  *name,
                     JsonArray  **out,
                     GError     **error)
{
  JsonNode *node = member (object, name);

  *out = NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return enr_json_malformed (error, name, "is not an array");

  *out = json_node_get_array (node);
  return TRUE;
}

GBytes *
enr_json_read_base64 (JsonObject *object,
                      const char *name,
                      GError    **error)
{
  g_autofree char *text = NULL;
  guchar *data;
  gsize len, text_len;

  if (!enr_json_read_string (object, name, FALSE, &text, error))
    return NULL;

  /* g_base64_decode() skips what it does not know; a reply that is not
   * exactly Base64 is not to be trusted with a document. */
  text_len = strlen (text);
  if (text_len % 4 != 0 || strspn (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789+/=") != text_len)
    {
      enr_json_malformed (error, name, "is not Base64");
      return NULL;
    }
  for (gsize i = 0; i < text_len; i++)
    if (text[i] == '=' && i < text_len - 2)
      {
        enr_json_malformed (error, name, "is not Base64");
        return NULL;
      }

  data = g_base64_decode (text, &len);
  return g_bytes_new_take (data, len);
}

GBytes *
enr_json_read_secret (JsonObject  *object,
                      const char  *name,
                      gsize        length,
                      GError     **error)
{
  JsonNode *node = member (object, name);
  g_autoptr(GBytes) decoded = NULL;
  char *text;
  gsize text_len;
  GBytes *secret;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      enr_json_malformed (error, name, "is not a string");
      return NULL;
    }
  decoded = enr_json_read_base64 (object, name, error);
  /* json-glib hands out its own copy of the text: it is overwritten where
   * it lies, so the reply keeps no trace of the secret. */
  text = (char *) json_node_get_string (node);
  text_len = strlen (text);
  enr_secure_wipe (text, text_len);
  if (decoded == NULL)
    return NULL;
  if (g_bytes_get_size (decoded) != length)
    {
      enr_secure_wipe ((gpointer) g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded));
      enr_json_malformed (error, name, "is not of the right length");
      return NULL;
    }
  secret = enr_secure_bytes_new (g_bytes_get_data (decoded, NULL), length);
  enr_secure_wipe ((gpointer) g_bytes_get_data (decoded, NULL), length);
  return secret;
}

JsonNode *
enr_json_envelope_content (JsonObject *envelope,
                           GError    **error)
{
  gint64 code;
  JsonNode *content;

  if (!enr_json_read_int (envelope, "code", G_MININT64, G_MAXINT64, &code, error))
    return NULL;
  if (code != 0)
    {
      enr_json_malformed (error, "code", "is not 0 in a success");
      return NULL;
    }
  content = member (envelope, "content");
  if (content == NULL)
    {
      enr_json_malformed (error, "content", "is missing");
      return NULL;
    }
  return content;
}

JsonNode *
enr_json_object_new (const char *first_name,
                     ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_name);
  for (const char *name = first_name; name != NULL; name = va_arg (args, const char *))
    {
      if (g_str_has_prefix (name, "b:"))
        {
          json_builder_set_member_name (builder, name + 2);
          json_builder_add_boolean_value (builder, va_arg (args, gboolean));
        }
      else if (g_str_has_prefix (name, "o:"))
        {
          json_builder_set_member_name (builder, name + 2);
          json_builder_add_value (builder, va_arg (args, JsonNode *));
        }
      else
        {
          const char *value = va_arg (args, const char *);

          json_builder_set_member_name (builder, name);
          if (value != NULL)
            json_builder_add_string_value (builder, value);
          else
            json_builder_add_null_value (builder);
        }
    }
  va_end (args);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
