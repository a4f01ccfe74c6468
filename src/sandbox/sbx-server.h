/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "sbx-ca.h"
#include "sbx-db.h"
#include "sbx-hsm.h"
#include "sbx-request.h"

G_BEGIN_DECLS

#define SBX_TYPE_SERVER (sbx_server_get_type ())
G_DECLARE_FINAL_TYPE (SbxServer, sbx_server, SBX, SERVER, GObject)

typedef void (*SbxHandler) (SbxRequest *req);

typedef struct
{
  const char *data_dir;
  const char *citizens_file;      /* NULL: the built-in citizens */
  guint       sync_delay_ms;      /* default 2000 */
  guint       transaction_expiry_s;  /* 0: 300 */
  guint       certificate_days;      /* 0: 365 */
} SbxServerOptions;

SbxServer  *sbx_server_new            (const SbxServerOptions *options,
                                       GError                **error);
/* Listens (TLS) on @address ("127.0.0.1:0"); the URLs are then known. */
gboolean    sbx_server_listen         (SbxServer   *self,
                                       const char  *address,
                                       GError     **error);
/* The router without a socket: serves @stream, a connection already open
 * in this process that speaks plain HTTP/1.1, as if it came from loopback.
 * For the fuzzing target (tests/fuzz/fuzz-sandbox.c); the program listens. */
gboolean    sbx_server_accept_stream  (SbxServer   *self,
                                       GIOStream   *stream,
                                       GError     **error);
/* After the main loop: runs it on until the work in workers is done and
 * every answer made is written, or @timeout_ms has passed (FALSE then). */
gboolean    sbx_server_drain          (SbxServer   *self,
                                       guint        timeout_ms);
/* The one JSON line of PROTOCOL.md ("The sandbox"). */
char       *sbx_server_describe       (SbxServer   *self);

SbxDb      *sbx_server_get_db         (SbxServer   *self);
const char *sbx_server_get_data_dir   (SbxServer   *self);
guint       sbx_server_get_sync_delay_ms (SbxServer *self);
/* The certificate authorities (the issuing CA signs subscriber certificates). */
SbxCa      *sbx_server_get_ca         (SbxServer   *self);
/* The stand-in for SmartCA's HSM, which keeps the citizens' signing keys. */
SbxHsm     *sbx_server_get_hsm        (SbxServer   *self);
/* The base URLs once listening ("https://127.0.0.1:PORT/vneid"). */
const char *sbx_server_get_vneid_url   (SbxServer   *self);
const char *sbx_server_get_smartca_url (SbxServer   *self);
const char *sbx_server_get_control_url (SbxServer   *self);

/*
 * Routes. @pattern is the path below the API's base, with {name} for one
 * segment: ("POST", "api/v1/smartca/registrations/{id}/handoff"). An
 * unknown path gets 404 and a known path with another method 405, in the
 * API's error shape. Faults (CONTROL/faults) apply to VNeID and SmartCA
 * routes, never to CONTROL ones.
 */
void        sbx_server_add_route      (SbxServer   *self,
                                       SbxApi       api,
                                       const char  *method,
                                       const char  *pattern,
                                       SbxHandler   handler);

/* Each module adds its routes. */
void        sbx_vneid_register        (SbxServer   *server);
void        sbx_smartca_register      (SbxServer   *server);
void        sbx_control_register      (SbxServer   *server);
void        sbx_tsa_register          (SbxServer   *server);

G_END_DECLS
