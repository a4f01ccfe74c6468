/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * Strict readers for the services' replies. Each fails with
 * ENR_SERVICE_ERROR_MALFORMED_REPLY, naming the field in the log, when a
 * required member is missing or of another type; optional ones accept a
 * missing member or null.
 */
gboolean enr_json_read_string   (JsonObject  *object,
                                 const char  *name,
                                 gboolean     optional,
                                 char       **out,
                                 GError     **error);
gboolean enr_json_read_int      (JsonObject  *object,
                                 const char  *name,
                                 gint64       min,
                                 gint64       max,
                                 gint64      *out,
                                 GError     **error);
gboolean enr_json_read_object   (JsonObject  *object,
                                 const char  *name,
                                 gboolean     optional,
                                 JsonObject **out,
                                 GError     **error);
gboolean enr_json_read_array    (JsonObject  *object,
                                 const char  *name,
                                 JsonArray  **out,
                                 GError     **error);

/* Sets the MALFORMED_REPLY error for a member that breaks a rule the
 * readers cannot know (an unknown status, say). Returns FALSE. */
gboolean enr_json_malformed     (GError     **error,
                                 const char  *name,
                                 const char  *problem);

/* The bytes of a standard Base64 member (strict: padding, no spaces). */
GBytes  *enr_json_read_base64   (JsonObject  *object,
                                 const char  *name,
                                 GError     **error);

/* A secret sent as standard Base64 of exactly @length bytes (pinShare): the
 * bytes, wiping themselves when freed, and the member's text wiped in the
 * reply at once. */
GBytes  *enr_json_read_secret   (JsonObject  *object,
                                 const char  *name,
                                 gsize        length,
                                 GError     **error);

/* The "content" of a SmartCA success envelope ({"code":0,…}); the whole
 * envelope must be well formed. */
JsonNode *enr_json_envelope_content (JsonObject *envelope,
                                     GError    **error);

/* A JSON object node from name/value pairs; values are strings (NULL for
 * null) unless the name is prefixed: "b:" boolean (gboolean), "o:" a
 * JsonNode (taken). NULL-terminated. */
JsonNode *enr_json_object_new   (const char  *first_name,
                                 ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
