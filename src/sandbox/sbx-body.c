/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-body"

#include "config.h"

#include <string.h>

#include "enr-json-check.h"
#include "sbx-request-private.h"

/* A request's body: JSON or a form, parsed on demand (after
 * authentication), and the field getters that answer 400 themselves. */

JsonObject *
sbx_request_json_object (SbxRequest *req)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  const char *problem = NULL;
  const char *data;
  JsonNode *root;
  GBytes *body;
  gsize len, offset = 0;

  g_return_val_if_fail (req != NULL, NULL);

  if (req->json != NULL)
    return json_object_ref (req->json);
  if (req->answered)
    return NULL;

  body = sbx_request_get_body (req);
  data = g_bytes_get_data (body, &len);
  if (len == 0)
    {
      sbx_reply_invalid (req, NULL, "The body is empty: a JSON object is expected");
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      sbx_reply_invalid (req, NULL, "The body is not valid UTF-8");
      return NULL;
    }
  if (!enr_json_check (data, len, ENR_JSON_MAX_DEPTH, &problem, &offset))
    {
      g_autofree char *message = g_strdup_printf ("The body is not valid JSON: %s at byte %"
                                                  G_GSIZE_FORMAT, problem, offset);

      sbx_reply_invalid (req, NULL, message);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
    {
      g_autofree char *message = g_strdup_printf ("The body is not valid JSON: %s", error->message);

      sbx_reply_invalid (req, NULL, message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      sbx_reply_invalid (req, NULL, "The body must be a JSON object");
      return NULL;
    }

  req->json = json_object_ref (json_node_get_object (root));
  return json_object_ref (req->json);
}

static gboolean
form_is_utf8 (GHashTable *form)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_utf8_validate (key, -1, NULL) || !g_utf8_validate (value, -1, NULL))
      return FALSE;
  return TRUE;
}

GHashTable *
sbx_request_form (SbxRequest *req)
{
  g_autofree char *text = NULL;
  const char *content_type;
  const char *data;
  GHashTable *form;
  GBytes *body;
  gsize len;

  g_return_val_if_fail (req != NULL, NULL);

  if (req->form != NULL)
    return g_hash_table_ref (req->form);
  if (req->answered)
    return NULL;

  content_type = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (req->msg), NULL);
  if (content_type != NULL &&
      g_ascii_strcasecmp (content_type, "application/x-www-form-urlencoded") != 0)
    {
      sbx_reply_invalid (req, NULL, "The body must be application/x-www-form-urlencoded");
      return NULL;
    }

  body = sbx_request_get_body (req);
  data = g_bytes_get_data (body, &len);
  /* A NUL, raw or encoded, would cut a value short without a trace. */
  if (len > 0 && (memchr (data, '\0', len) != NULL ||
                  g_strstr_len (data, len, "%00") != NULL))
    {
      sbx_reply_invalid (req, NULL, "The body is not a form: it holds a NUL character");
      return NULL;
    }

  text = g_strndup (data != NULL ? data : "", len);
  form = soup_form_decode (text);
  if (!form_is_utf8 (form))
    {
      g_hash_table_unref (form);
      sbx_reply_invalid (req, NULL, "The form is not valid UTF-8");
      return NULL;
    }

  req->form = form;
  return g_hash_table_ref (req->form);
}

static gboolean
require_member (SbxRequest  *req,
                JsonObject  *object,
                const char  *field,
                JsonNode   **out)
{
  JsonNode *node;

  g_return_val_if_fail (req != NULL, FALSE);
  g_return_val_if_fail (object != NULL, FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  node = json_object_get_member (object, field);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      sbx_reply_bad_field (req, field, "is missing");
      return FALSE;
    }
  *out = node;
  return TRUE;
}

gboolean
sbx_require_string (SbxRequest  *req,
                    JsonObject  *object,
                    const char  *field,
                    const char **out)
{
  JsonNode *node;

  if (!require_member (req, object, field, &node))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      sbx_reply_bad_field (req, field, "must be a string");
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
sbx_require_boolean (SbxRequest *req,
                     JsonObject *object,
                     const char *field,
                     gboolean   *out)
{
  JsonNode *node;

  if (!require_member (req, object, field, &node))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      sbx_reply_bad_field (req, field, "must be true or false");
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
sbx_require_object (SbxRequest  *req,
                    JsonObject  *object,
                    const char  *field,
                    JsonObject **out)
{
  JsonNode *node;

  if (!require_member (req, object, field, &node))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      sbx_reply_bad_field (req, field, "must be an object");
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
sbx_require_array (SbxRequest  *req,
                   JsonObject  *object,
                   const char  *field,
                   JsonArray  **out)
{
  JsonNode *node;

  if (!require_member (req, object, field, &node))
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      sbx_reply_bad_field (req, field, "must be an array");
      return FALSE;
    }
  *out = json_node_get_array (node);
  return TRUE;
}

/* RFC 6749 §3.1: a parameter sent without a value is as if omitted. */
gboolean
sbx_require_form_field (SbxRequest  *req,
                        GHashTable  *form,
                        const char  *field,
                        const char **out)
{
  const char *value;

  g_return_val_if_fail (req != NULL, FALSE);
  g_return_val_if_fail (form != NULL, FALSE);
  g_return_val_if_fail (field != NULL, FALSE);

  value = g_hash_table_lookup (form, field);
  if (value == NULL || *value == '\0')
    {
      sbx_reply_bad_field (req, field, "is missing");
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
sbx_optional_member (SbxRequest  *req,
                     JsonObject  *object,
                     const char  *field,
                     GType        type,
                     const char  *problem,
                     JsonNode   **out)
{
  JsonNode *node = json_object_get_member (object, field);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != type &&
       !(type == G_TYPE_DOUBLE && json_node_get_value_type (node) == G_TYPE_INT64)))
    {
      sbx_reply_bad_field (req, field, problem);
      return FALSE;
    }
  *out = node;
  return TRUE;
}
