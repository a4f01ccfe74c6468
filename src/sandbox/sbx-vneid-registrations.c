/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A citizen's SmartCA registration at VNeID (PROTOCOL.md, "Steps 1-2"):
 * creating and reading it, and the hand-off to SmartCA, whose first call
 * starts SmartCA's sync (the enrollment is born SYNCING).
 */
#define G_LOG_DOMAIN "sbx-vneid"

#include "config.h"

#include "sbx-clock.h"
#include "sbx-secret.h"
#include "sbx-token.h"
#include "sbx-vneid-private.h"

#define SERVICE_PACK           "SMARTCA_PERSONAL_FREE"
#define HANDOFF_CODE_TTL_S     60

/* --- Registrations -------------------------------------------------------- */

typedef struct
{
  char   *registration_id;
  char   *citizen_id;
  char   *status;
  gint64  created_at;
  gint64  first_handoff_at;   /* 0: never handed off */
} Registration;

static void
registration_free (Registration *registration)
{
  g_free (registration->registration_id);
  g_free (registration->citizen_id);
  g_free (registration->status);
  g_free (registration);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Registration, registration_free)

static Registration *
registration_from_row (sqlite3_stmt *stmt)
{
  Registration *registration = g_new0 (Registration, 1);

  registration->registration_id = sbx_db_column_dup (stmt, 0);
  registration->citizen_id = sbx_db_column_dup (stmt, 1);
  registration->status = sbx_db_column_dup (stmt, 2);
  registration->created_at = sqlite3_column_int64 (stmt, 3);
  registration->first_handoff_at = sqlite3_column_int64 (stmt, 4);
  return registration;
}

#define REGISTRATION_COLUMNS \
  "registration_id, citizen_id, status, created_at, first_handoff_at"

/* The citizen's registration of that id; another citizen's is not found. */
static Registration *
registration_load (SbxDb      *db,
                   const char *registration_id,
                   const char *citizen_id)
{
  sqlite3_stmt *stmt;
  Registration *registration = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT " REGISTRATION_COLUMNS " FROM registrations "
                         "WHERE registration_id = ? AND citizen_id = ?");
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, citizen_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    registration = registration_from_row (stmt);
  sqlite3_reset (stmt);
  return registration;
}

/* The one registration a citizen may have open (not REJECTED), if any. */
static Registration *
registration_load_open (SbxDb      *db,
                        const char *citizen_id)
{
  sqlite3_stmt *stmt;
  Registration *registration = NULL;

  stmt = sbx_db_prepare (db,
                         "SELECT " REGISTRATION_COLUMNS " FROM registrations "
                         "WHERE citizen_id = ? AND status != 'REJECTED'");
  sqlite3_bind_text (stmt, 1, citizen_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    registration = registration_from_row (stmt);
  sqlite3_reset (stmt);
  return registration;
}

/* The certificate VNeID shows for a registration: SmartCA's, once the
 * acceptance record is signed (null before ACTIVE, as PROTOCOL.md says). */
static JsonNode *
registration_certificate_json (SbxDb        *db,
                               Registration *registration)
{
  JsonObject *certificate = NULL;
  sqlite3_stmt *stmt;

  if (g_strcmp0 (registration->status, "ACTIVE") != 0)
    return json_node_new (JSON_NODE_NULL);

  stmt = sbx_db_prepare (db,
                         "SELECT serial_number, subject_dn, valid_from, valid_to FROM credentials "
                         "WHERE registration_id = ? AND certificate IS NOT NULL");
  sqlite3_bind_text (stmt, 1, registration->registration_id, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *valid_from = sbx_clock_format_rfc3339 (sqlite3_column_int64 (stmt, 2));
      g_autofree char *valid_to = sbx_clock_format_rfc3339 (sqlite3_column_int64 (stmt, 3));

      certificate = json_object_new ();
      json_object_set_string_member (certificate, "serial_number",
                                     (const char *) sqlite3_column_text (stmt, 0));
      json_object_set_string_member (certificate, "subject_dn",
                                     (const char *) sqlite3_column_text (stmt, 1));
      json_object_set_string_member (certificate, "valid_from", valid_from);
      json_object_set_string_member (certificate, "valid_to", valid_to);
      json_object_set_string_member (certificate, "status", "VALID");
    }
  sqlite3_reset (stmt);
  if (certificate == NULL)
    {
      g_warning ("Registration %s is ACTIVE without a certificate",
                 registration->registration_id);
      return json_node_new (JSON_NODE_NULL);
    }
  return sbx_vneid_object_node (certificate);
}

/* The registration as GET returns it (and POST, for the one a citizen has). */
static JsonNode *
registration_json (SbxDb        *db,
                   Registration *registration)
{
  JsonObject *body = json_object_new ();
  g_autofree char *created_at = sbx_clock_format_rfc3339 (registration->created_at);

  json_object_set_string_member (body, "registration_id", registration->registration_id);
  json_object_set_string_member (body, "status", registration->status);
  json_object_set_string_member (body, "created_at", created_at);
  json_object_set_member (body, "certificate", registration_certificate_json (db, registration));
  return sbx_vneid_object_node (body);
}

/* Runs in the handler's transaction, after the Idempotency-Key. */
static gboolean
create_registration (SbxRequest *req,
                     const char *citizen_id)
{
  SbxDb *db = sbx_vneid_db (req);
  g_autoptr(JsonObject) object = NULL;
  JsonObject *consent;
  const char *service_pack;
  const char *terms_version;
  gboolean share_identity;
  g_autoptr(SbxVneidCitizen) citizen = NULL;
  g_autoptr(Registration) existing = NULL;
  g_autofree char *registration_id = NULL;
  g_autofree char *created_at = NULL;
  gint64 now = sbx_clock_now_ms ();
  sqlite3_stmt *stmt;
  JsonObject *body;

  object = sbx_request_json_object (req);
  if (object == NULL ||
      !sbx_require_string (req, object, "service_pack", &service_pack) ||
      !sbx_require_object (req, object, "consent", &consent) ||
      !sbx_require_boolean (req, consent, "share_identity", &share_identity) ||
      !sbx_require_string (req, consent, "terms_version", &terms_version))
    return FALSE;

  if (!g_str_equal (service_pack, SERVICE_PACK))
    {
      sbx_reply_bad_field (req, "service_pack", "is not SMARTCA_PERSONAL_FREE");
      return FALSE;
    }
  if (*terms_version == '\0')
    {
      sbx_reply_bad_field (req, "consent.terms_version", "is empty");
      return FALSE;
    }
  if (!share_identity)
    {
      sbx_reply_oauth_error (req, 400, "consent_required",
                             "The citizen must consent to share their identity with SmartCA.",
                             NULL);
      return FALSE;
    }

  citizen = sbx_vneid_citizen_load (db, citizen_id);
  if (citizen == NULL)
    {
      sbx_reply_unauthenticated (req);
      return FALSE;
    }
  if (citizen->identity_level < 2)
    {
      sbx_reply_oauth_error (req, 403, "identity_level_insufficient",
                             "A SmartCA certificate needs an identity of level 2.", NULL);
      return FALSE;
    }

  /* Never a second registration: the open one is the answer. Kept, so that
   * the Idempotency-Key records it. */
  existing = registration_load_open (db, citizen_id);
  if (existing != NULL)
    {
      sbx_reply_json (req, 200, registration_json (db, existing));
      return TRUE;
    }

  registration_id = sbx_secret_new_uuid ();
  stmt = sbx_db_prepare (db,
                         "INSERT INTO registrations (registration_id, citizen_id, service_pack, "
                         "terms_version, status, created_at) VALUES (?, ?, ?, ?, 'SUBMITTED', ?)");
  sqlite3_bind_text (stmt, 1, registration_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, service_pack, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, terms_version, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, now);
  if (!sbx_db_step_done (db, stmt))
    return sbx_vneid_server_error (req);

  created_at = sbx_clock_format_rfc3339 (now);
  body = json_object_new ();
  json_object_set_string_member (body, "registration_id", registration_id);
  json_object_set_string_member (body, "status", "SUBMITTED");
  json_object_set_string_member (body, "created_at", created_at);
  sbx_reply_json (req, 201, sbx_vneid_object_node (body));
  g_info ("Registration %s submitted", registration_id);
  return TRUE;
}

static void
registrations_create_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) info = NULL;

  info = sbx_request_authenticate (req, "vneid");
  if (info == NULL || !sbx_vneid_begin (req))
    return;
  if (!sbx_request_idempotency (req, info->citizen_id))
    {
      sbx_vneid_finish (req, FALSE);
      return;
    }
  sbx_vneid_finish (req, create_registration (req, info->citizen_id));
}

static void
registration_get_cb (SbxRequest *req)
{
  SbxDb *db = sbx_vneid_db (req);
  g_autoptr(SbxTokenInfo) info = NULL;
  g_autoptr(Registration) registration = NULL;

  info = sbx_request_authenticate (req, "vneid");
  if (info == NULL)
    return;
  registration = registration_load (db, sbx_request_get_param (req, 0), info->citizen_id);
  if (registration == NULL)
    {
      sbx_reply_oauth_error (req, 404, "not_found", "There is no such registration.", NULL);
      return;
    }
  sbx_reply_json (req, 200, registration_json (db, registration));
}

/* --- POST api/v1/smartca/registrations/{id}/handoff ----------------------- */

/* The first hand-off starts SmartCA's sync of the registration: the
 * enrollment is born SYNCING and stays so for the configured delay. */
static gboolean
start_sync (SbxRequest   *req,
            Registration *registration,
            gint64        now)
{
  SbxDb *db = sbx_vneid_db (req);
  guint delay_ms = sbx_server_get_sync_delay_ms (sbx_request_get_server (req));
  sqlite3_stmt *stmt;

  stmt = sbx_db_prepare (db,
                         "UPDATE registrations SET status = 'SYNCED', first_handoff_at = ? "
                         "WHERE registration_id = ?");
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_text (stmt, 2, registration->registration_id, -1, SQLITE_TRANSIENT);
  if (!sbx_db_step_done (db, stmt))
    return FALSE;

  stmt = sbx_db_prepare (db,
                         "INSERT INTO enrollments (registration_id, citizen_id, state, synced_at) "
                         "VALUES (?, ?, 'SYNCING', ?)");
  sqlite3_bind_text (stmt, 1, registration->registration_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, registration->citizen_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now + delay_ms);
  return sbx_db_step_done (db, stmt);
}

static gboolean
handoff (SbxRequest *req,
         const char *citizen_id)
{
  SbxDb *db = sbx_vneid_db (req);
  g_autoptr(Registration) registration = NULL;
  g_autoptr(SbxSecretString) code = NULL;
  g_autoptr(GBytes) code_hash = NULL;
  gint64 now = sbx_clock_now_ms ();
  sqlite3_stmt *stmt;
  JsonObject *body;

  registration = registration_load (db, sbx_request_get_param (req, 0), citizen_id);
  if (registration == NULL)
    {
      sbx_reply_oauth_error (req, 404, "not_found", "There is no such registration.", NULL);
      return FALSE;
    }
  if (g_str_equal (registration->status, "REJECTED"))
    {
      sbx_reply_oauth_error (req, 409, "registration_rejected",
                             "The registration was rejected; it cannot be handed over.", NULL);
      return FALSE;
    }

  if (registration->first_handoff_at == 0 && !start_sync (req, registration, now))
    return sbx_vneid_server_error (req);

  code = sbx_secret_new_token ();
  code_hash = sbx_secret_hash (code);
  stmt = sbx_db_prepare (db,
                         "INSERT INTO handoff_codes (code_hash, registration_id, expires_at) "
                         "VALUES (?, ?, ?)");
  sbx_db_bind_bytes (stmt, 1, code_hash);
  sqlite3_bind_text (stmt, 2, registration->registration_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now + HANDOFF_CODE_TTL_S * G_GINT64_CONSTANT (1000));
  if (!sbx_db_step_done (db, stmt))
    return sbx_vneid_server_error (req);

  body = json_object_new ();
  json_object_set_string_member (body, "code", code);
  json_object_set_int_member (body, "expires_in", HANDOFF_CODE_TTL_S);
  sbx_reply_json (req, 200, sbx_vneid_object_node (body));
  g_info ("Registration %s handed over to SmartCA%s", registration->registration_id,
          registration->first_handoff_at == 0 ? " for the first time" : "");
  return TRUE;
}

static void
handoff_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) info = NULL;

  info = sbx_request_authenticate (req, "vneid");
  if (info == NULL || !sbx_vneid_begin (req))
    return;
  sbx_vneid_finish (req, handoff (req, info->citizen_id));
}


void
sbx_vneid_registrations_register (SbxServer *server)
{
  sbx_server_add_route (server, SBX_API_VNEID, "POST", "api/v1/smartca/registrations",
                        registrations_create_cb);
  sbx_server_add_route (server, SBX_API_VNEID, "GET", "api/v1/smartca/registrations/{id}",
                        registration_get_cb);
  sbx_server_add_route (server, SBX_API_VNEID, "POST",
                        "api/v1/smartca/registrations/{id}/handoff", handoff_cb);
}
