/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* SmartCA's envelope codes (PROTOCOL.md, "Errors"). Each knows its HTTP
 * status and codeDesc: see sbx_vnpt_code_status() and _desc(). */
typedef enum
{
  SBX_VNPT_SUCCESS                                = 0,
  SBX_VNPT_CLIENT_INPUT_INVALID                   = 30000,
  SBX_VNPT_UNAUTHENTICATED                        = 40100,
  SBX_VNPT_FRESH_LOGIN_REQUIRED                   = 40300,
  SBX_VNPT_WRONG_STATE                            = 40900,
  SBX_VNPT_TOO_LARGE                              = 41300,
  SBX_VNPT_TOO_SOON                               = 42900,
  SBX_VNPT_OTP_INVALID                            = 44000,
  SBX_VNPT_OTP_EXPIRED                            = 44001,
  SBX_VNPT_OTP_LOCKED                             = 44002,
  SBX_VNPT_HASH_MISMATCH                          = 44003,
  SBX_VNPT_SAD_INVALID                            = 45000,
  SBX_VNPT_CHALLENGE_EXPIRED                      = 45001,
  SBX_VNPT_PIN_INVALID                            = 46000,
  SBX_VNPT_PIN_LOCKED                             = 46001,
  SBX_VNPT_SERVER_INTERNAL_ERROR                  = 50000,
  SBX_VNPT_UNAVAILABLE                            = 50300,
  SBX_VNPT_CREDENTIAL_NOT_EXIST                   = 60000,
  SBX_VNPT_CREDENTIAL_NOT_MATCH_IDENTITY          = 60001,
  SBX_VNPT_SIGNATURE_TRANSACTION_NOT_FOUND        = 62000,
  SBX_VNPT_SIGNATURE_TRANSACTION_NOT_MATCH_IDENTITY = 62001,
  SBX_VNPT_SIGNATURE_DATA_REQUEST_INVALID_FORMAT  = 62010,
  SBX_VNPT_NOT_FOUND                              = 40400,  /* unknown path: 404 */
  SBX_VNPT_METHOD_NOT_ALLOWED                     = 40500,  /* wrong method: 405 */
} SbxVnptCode;

guint        sbx_vnpt_code_status (SbxVnptCode code);
const char  *sbx_vnpt_code_desc   (SbxVnptCode code);   /* "OTP_INVALID", "SERVAR_INTERNAL_ERROR"… */
/* A default English message for the envelope's "message". */
const char  *sbx_vnpt_code_message (SbxVnptCode code);

/* For GnuTLS calls: TRUE when @ret is not an error; else FALSE with @error
 * set to "@what: <GnuTLS's message>". */
gboolean     sbx_check_gnutls      (int          ret,
                                    const char  *what,
                                    GError     **error);

G_END_DECLS
