/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-error"

#include "config.h"

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "sbx-error.h"

typedef struct
{
  SbxVnptCode  code;
  guint        status;
  const char  *desc;
  const char  *message;
} SbxVnptCodeInfo;

/* PROTOCOL.md, "Errors"; the [VNPT] spelling "SERVAR" is theirs, kept on purpose. */
static const SbxVnptCodeInfo codes[] = {
  { SBX_VNPT_SUCCESS, 200, "SUCCESS",
    "Success" },
  { SBX_VNPT_CLIENT_INPUT_INVALID, 400, "CLIENT_INPUT_INVALID",
    "The request is not valid" },
  { SBX_VNPT_SIGNATURE_DATA_REQUEST_INVALID_FORMAT, 400, "SIGNATURE_DATA_REQUEST_INVALID_FORMAT",
    "The hash or document list is not valid" },
  { SBX_VNPT_OTP_INVALID, 400, "OTP_INVALID",
    "The OTP is wrong" },
  { SBX_VNPT_OTP_EXPIRED, 400, "OTP_EXPIRED",
    "The OTP has expired" },
  { SBX_VNPT_HASH_MISMATCH, 400, "HASH_MISMATCH",
    "The hash is not the served document's" },
  { SBX_VNPT_SAD_INVALID, 400, "SAD_INVALID",
    "The SAD is not valid" },
  { SBX_VNPT_CHALLENGE_EXPIRED, 400, "CHALLENGE_EXPIRED",
    "The challenge has expired" },
  { SBX_VNPT_UNAUTHENTICATED, 401, "UNAUTHENTICATED",
    "The access token is missing, unknown, expired or revoked" },
  { SBX_VNPT_PIN_INVALID, 400, "PIN_INVALID",
    "The PIN is wrong" },
  { SBX_VNPT_OTP_LOCKED, 403, "OTP_LOCKED",
    "Too many wrong OTPs: a new OTP is needed" },
  { SBX_VNPT_FRESH_LOGIN_REQUIRED, 403, "FRESH_LOGIN_REQUIRED",
    "A change of device needs a fresh VNeID login" },
  { SBX_VNPT_PIN_LOCKED, 403, "PIN_LOCKED",
    "Too many wrong PINs: only a change of device unlocks the key" },
  { SBX_VNPT_CREDENTIAL_NOT_MATCH_IDENTITY, 403, "CREDENTIAL_NOT_MATCH_IDENTITY",
    "The credential is not this citizen's" },
  { SBX_VNPT_SIGNATURE_TRANSACTION_NOT_MATCH_IDENTITY, 403,
    "SIGNATURE_TRANSACTION_NOT_MATCH_IDENTITY",
    "The transaction is not this citizen's" },
  { SBX_VNPT_NOT_FOUND, 404, "NOT_FOUND",
    "There is no such endpoint" },
  { SBX_VNPT_CREDENTIAL_NOT_EXIST, 404, "CREDENTIAL_NOT_EXIST",
    "There is no such credential" },
  { SBX_VNPT_SIGNATURE_TRANSACTION_NOT_FOUND, 404, "SIGNATURE_TRANSACTION_NOT_FOUND",
    "There is no such transaction" },
  { SBX_VNPT_METHOD_NOT_ALLOWED, 405, "METHOD_NOT_ALLOWED",
    "The endpoint does not take this method" },
  { SBX_VNPT_WRONG_STATE, 409, "WRONG_STATE",
    "The enrollment is not in a state that allows this call" },
  { SBX_VNPT_TOO_LARGE, 413, "TOO_LARGE",
    "The request body is larger than 1 MiB" },
  { SBX_VNPT_TOO_SOON, 429, "TOO_SOON",
    "Too soon: try again later" },
  { SBX_VNPT_SERVER_INTERNAL_ERROR, 500, "SERVAR_INTERNAL_ERROR",
    "Internal server error" },
  { SBX_VNPT_UNAVAILABLE, 503, "UNAVAILABLE",
    "The service is temporarily unavailable" },
};

static const SbxVnptCodeInfo *
find_code (SbxVnptCode code)
{
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    if (codes[i].code == code)
      return &codes[i];
  return NULL;
}

guint
sbx_vnpt_code_status (SbxVnptCode code)
{
  const SbxVnptCodeInfo *info = find_code (code);

  g_return_val_if_fail (info != NULL, 500);
  return info->status;
}

const char *
sbx_vnpt_code_message (SbxVnptCode code)
{
  const SbxVnptCodeInfo *info = find_code (code);

  g_return_val_if_fail (info != NULL, "Internal server error");
  return info->message;
}

const char *
sbx_vnpt_code_desc (SbxVnptCode code)
{
  const SbxVnptCodeInfo *info = find_code (code);

  g_return_val_if_fail (info != NULL, "SERVAR_INTERNAL_ERROR");
  return info->desc;
}

gboolean
sbx_check_gnutls (int          ret,
                  const char  *what,
                  GError     **error)
{
  if (ret >= 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, gnutls_strerror (ret));
  return FALSE;
}
