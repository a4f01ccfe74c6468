/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The VNeID side of the sandbox (PROTOCOL.md, "VNeID"): oauth/token, which
 * hands each grant to its module (the device grant, the password + OTP
 * login), revocation and the citizen's identity; and the route table of
 * every VNeID module (sbx-vneid-private.h).
 */
#define G_LOG_DOMAIN "sbx-vneid"

#include "config.h"

#include "sbx-token.h"
#include "sbx-vneid-private.h"

#define GRANT_DEVICE_CODE      "urn:ietf:params:oauth:grant-type:device_code"
#define GRANT_PASSWORD         "password"
#define GRANT_OTP              "urn:vneid:params:oauth:grant-type:otp"

/* --- POST oauth/token --------------------------------------------------- */

static void
token_cb (SbxRequest *req)
{
  g_autoptr(GHashTable) form = NULL;
  const char *grant_type;
  gboolean (*grant) (SbxRequest *, GHashTable *);

  form = sbx_request_form (req);
  if (form == NULL || !sbx_vneid_check_client (req, form) ||
      !sbx_require_form_field (req, form, "grant_type", &grant_type))
    return;

  if (g_str_equal (grant_type, GRANT_DEVICE_CODE))
    grant = sbx_vneid_device_code_grant;
  else if (g_str_equal (grant_type, GRANT_PASSWORD))
    grant = sbx_vneid_password_grant;
  else if (g_str_equal (grant_type, GRANT_OTP))
    grant = sbx_vneid_otp_grant;
  else
    {
      sbx_reply_oauth_error (req, 400, "unsupported_grant_type",
                             "grant_type is none of device_code, password and the VNeID OTP grant.",
                             NULL);
      return;
    }

  if (!sbx_vneid_begin (req))
    return;
  sbx_vneid_finish (req, grant (req, form));
}

/* --- POST oauth/revoke ---------------------------------------------------- */

static void
revoke_cb (SbxRequest *req)
{
  SbxDb *db = sbx_vneid_db (req);
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(SbxTokenInfo) info = NULL;
  const char *token;

  form = sbx_request_form (req);
  if (form == NULL || !sbx_vneid_check_client (req, form) ||
      !sbx_require_form_field (req, form, "token", &token))
    return;

  if (!sbx_vneid_begin (req))
    return;
  /* Only VNeID's own tokens: a SmartCA token sent here stays valid. An
   * unknown token is answered as a revoked one (RFC 7009 §2.2). */
  info = sbx_token_lookup (db, "vneid", "access", token);
  if (info != NULL)
    sbx_token_revoke (db, token);
  if (!sbx_vneid_finish (req, TRUE))
    {
      sbx_vneid_server_error (req);
      return;
    }
  sbx_reply_json (req, 200, sbx_vneid_object_node (json_object_new ()));
}

static void
set_nullable_string (JsonObject *object,
                     const char *name,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

/* --- GET api/v1/userinfo ------------------------------------------------ */

static void
userinfo_cb (SbxRequest *req)
{
  g_autoptr(SbxTokenInfo) info = NULL;
  g_autoptr(SbxVneidCitizen) citizen = NULL;
  JsonObject *body;
  JsonObject *residence;

  info = sbx_request_authenticate (req, "vneid");
  if (info == NULL)
    return;
  citizen = sbx_vneid_citizen_load (sbx_vneid_db (req), info->citizen_id);
  if (citizen == NULL)
    {
      sbx_reply_unauthenticated (req);
      return;
    }

  residence = json_object_new ();
  json_object_set_string_member (residence, "province", citizen->province);
  json_object_set_string_member (residence, "ward", citizen->ward);
  json_object_set_string_member (residence, "street", citizen->street);
  set_nullable_string (residence, "district", citizen->district);

  body = json_object_new ();
  json_object_set_string_member (body, "sub", citizen->sub);
  json_object_set_string_member (body, "citizen_id", citizen->citizen_id);
  json_object_set_string_member (body, "full_name", citizen->full_name);
  json_object_set_string_member (body, "date_of_birth", citizen->date_of_birth);
  json_object_set_string_member (body, "gender", citizen->gender);
  json_object_set_string_member (body, "nationality", citizen->nationality);
  json_object_set_object_member (body, "place_of_residence", residence);
  json_object_set_string_member (body, "phone", citizen->phone);
  set_nullable_string (body, "email", citizen->email);
  json_object_set_int_member (body, "identity_level", citizen->identity_level);
  sbx_reply_json (req, 200, sbx_vneid_object_node (body));
}

/* --- Routes --------------------------------------------------------------- */

void
sbx_vneid_register (SbxServer *server)
{
  g_return_if_fail (SBX_IS_SERVER (server));

  sbx_server_add_route (server, SBX_API_VNEID, "POST", "oauth/token", token_cb);
  sbx_server_add_route (server, SBX_API_VNEID, "POST", "oauth/revoke", revoke_cb);
  sbx_server_add_route (server, SBX_API_VNEID, "GET", "api/v1/userinfo", userinfo_cb);
  sbx_vneid_device_register (server);
  sbx_vneid_registrations_register (server);
}
