/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-checkpoint"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "enr-checkpoint.h"
#include "enr-json-check.h"
#include "enr-secure.h"

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* The identity in VNeID's own userinfo shape, so enr_identity_parse()
 * reads it back with all its checks. */
static void
add_identity (JsonBuilder       *builder,
              const EnrIdentity *identity)
{
  json_builder_set_member_name (builder, "identity");
  if (identity == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  json_builder_begin_object (builder);
  add_string (builder, "sub", identity->sub);
  add_string (builder, "citizen_id", identity->citizen_id);
  add_string (builder, "full_name", identity->full_name);
  add_string (builder, "date_of_birth", identity->date_of_birth);
  add_string (builder, "gender", identity->gender);
  add_string (builder, "nationality", identity->nationality);
  json_builder_set_member_name (builder, "place_of_residence");
  json_builder_begin_object (builder);
  add_string (builder, "province", identity->province);
  add_string (builder, "ward", identity->ward);
  add_string (builder, "street", identity->street);
  add_string (builder, "district", identity->district);
  json_builder_end_object (builder);
  add_string (builder, "phone", identity->phone);
  add_string (builder, "email", identity->email);
  json_builder_set_member_name (builder, "identity_level");
  json_builder_add_int_value (builder, identity->identity_level);
  json_builder_end_object (builder);
}

static GBytes *
to_bytes (JsonBuilder *builder)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *text;
  gsize len;

  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, &len);
  /* Wiped from memory once written. */
  return enr_secure_bytes_new_take ((guint8 *) text, len);
}

GBytes *
enr_checkpoint_to_bytes (const EnrCheckpoint *checkpoint)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GEnumClass *steps = g_type_class_ref (ENR_TYPE_SESSION_STEP);
  GEnumValue *step = g_enum_get_value (steps, checkpoint->step);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, ENR_CHECKPOINT_VERSION);
  add_string (builder, "smartca_url", checkpoint->smartca_url);
  add_string (builder, "step", step != NULL ? step->value_nick : "login");
  add_string (builder, "handle_id", checkpoint->handle_id);
  add_string (builder, "device_id", checkpoint->device_id);
  add_string (builder, "registration_id", checkpoint->registration_id);
  add_string (builder, "credential_id", checkpoint->credential_id);
  json_builder_set_member_name (builder, "saved_at");
  json_builder_add_int_value (builder, checkpoint->saved_at);
  json_builder_end_object (builder);
  g_type_class_unref (steps);

  return to_bytes (builder);
}

GBytes *
enr_profile_to_bytes (const EnrProfile *profile)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  add_string (builder, "citizen_id", profile->citizen_id);
  add_identity (builder, profile->identity);
  add_string (builder, "signed_contract_name", profile->signed_contract_name);
  add_string (builder, "signed_record_name", profile->signed_record_name);
  if (profile->documents_key != NULL)
    {
      g_autoptr(EnrSecureString) key = g_base64_encode (g_bytes_get_data (profile->documents_key,
                                                                          NULL),
                                                        g_bytes_get_size (profile->documents_key));

      add_string (builder, "documents_key", key);
    }
  json_builder_end_object (builder);

  return to_bytes (builder);
}

static gboolean
invalid (GError    **error,
         const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "The saved enrollment cannot be read (%s)", what);
  return FALSE;
}

static gboolean
read_string (JsonObject  *object,
             const char  *name,
             gboolean     optional,
             char       **out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return optional ? TRUE : invalid (error, name);
  if (json_node_get_value_type (node) != G_TYPE_STRING || *json_node_get_string (node) == '\0')
    return invalid (error, name);
  *out = json_node_dup_string (node);
  return TRUE;
}

static JsonObject *
parse_object (JsonParser *parser,
              GBytes     *bytes,
              GError    **error)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  const char *problem = NULL;

  /* The file is the user's: checked whole before json-glib recurses into it. */
  if (data == NULL || !g_utf8_validate_len (data, len, NULL) ||
      !enr_json_check (data, len, ENR_JSON_MAX_DEPTH, &problem, NULL) ||
      !json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      invalid (error, "not JSON");
      return NULL;
    }
  return json_node_get_object (json_parser_get_root (parser));
}

static gint64
read_version (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "version");

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (node);
}

/* The personal members of a profile, or of a version-1 checkpoint. */
static EnrProfile *
read_profile (JsonObject  *object,
              gboolean     need_citizen,
              GError     **error)
{
  g_autoptr(EnrProfile) profile = g_new0 (EnrProfile, 1);
  JsonNode *node;

  g_autoptr(EnrSecureString) documents_key = NULL;

  if (!read_string (object, "citizen_id", !need_citizen, &profile->citizen_id, error) ||
      !read_string (object, "documents_key", TRUE, &documents_key, error) ||
      !read_string (object, "signed_contract_name", TRUE, &profile->signed_contract_name,
                    error) ||
      !read_string (object, "signed_record_name", TRUE, &profile->signed_record_name, error))
    return NULL;

  node = json_object_get_member (object, "identity");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      profile->identity = enr_identity_parse (json_node_get_object (node), NULL);
      if (profile->identity == NULL)
        {
          invalid (error, "identity");
          return NULL;
        }
    }
  if (documents_key != NULL)
    {
      gsize len = 0;
      guchar *key = g_base64_decode (documents_key, &len);

      profile->documents_key = enr_secure_bytes_new_take (key, len);
    }
  return g_steal_pointer (&profile);
}

EnrCheckpoint *
enr_checkpoint_from_bytes (GBytes  *bytes,
                           GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(EnrCheckpoint) checkpoint = g_new0 (EnrCheckpoint, 1);
  g_autofree char *step = NULL;
  GEnumClass *steps;
  GEnumValue *value;
  JsonObject *object;
  JsonNode *node;
  gint64 version;

  object = parse_object (parser, bytes, error);
  if (object == NULL)
    return NULL;

  version = read_version (object);
  if (version != 1 && version != ENR_CHECKPOINT_VERSION)
    {
      invalid (error, "version");
      return NULL;
    }

  if (!read_string (object, "smartca_url", FALSE, &checkpoint->smartca_url, error) ||
      !read_string (object, "step", FALSE, &step, error) ||
      !read_string (object, "handle_id", version == 1, &checkpoint->handle_id, error) ||
      !read_string (object, "device_id", TRUE, &checkpoint->device_id, error) ||
      !read_string (object, "registration_id", TRUE, &checkpoint->registration_id, error) ||
      !read_string (object, "credential_id", TRUE, &checkpoint->credential_id, error))
    return NULL;

  steps = g_type_class_ref (ENR_TYPE_SESSION_STEP);
  value = g_enum_get_value_by_nick (steps, step);
  if (value != NULL)
    checkpoint->step = value->value;
  g_type_class_unref (steps);
  if (value == NULL)
    {
      invalid (error, "step");
      return NULL;
    }

  /* Version 1 kept the citizen's personal data here, in clear. */
  if (version == 1)
    {
      checkpoint->legacy = read_profile (object, FALSE, error);
      if (checkpoint->legacy == NULL)
        return NULL;
    }

  node = json_object_get_member (object, "saved_at");
  if (node != NULL && json_node_get_value_type (node) == G_TYPE_INT64)
    checkpoint->saved_at = json_node_get_int (node);

  return g_steal_pointer (&checkpoint);
}

void
enr_checkpoint_free (EnrCheckpoint *checkpoint)
{
  if (checkpoint == NULL)
    return;
  g_free (checkpoint->smartca_url);
  g_free (checkpoint->handle_id);
  g_free (checkpoint->device_id);
  g_free (checkpoint->registration_id);
  g_free (checkpoint->credential_id);
  enr_profile_free (checkpoint->legacy);
  g_free (checkpoint);
}

EnrProfile *
enr_profile_from_bytes (GBytes  *bytes,
                        GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  object = parse_object (parser, bytes, error);
  if (object == NULL)
    return NULL;
  if (read_version (object) != 1)
    {
      invalid (error, "profile version");
      return NULL;
    }
  return read_profile (object, TRUE, error);
}

void
enr_profile_free (EnrProfile *profile)
{
  if (profile == NULL)
    return;
  enr_secure_clear_string (&profile->citizen_id);
  enr_identity_free (profile->identity);
  enr_secure_clear_string (&profile->signed_contract_name);
  enr_secure_clear_string (&profile->signed_record_name);
  g_clear_pointer (&profile->documents_key, g_bytes_unref);
  g_free (profile);
}
