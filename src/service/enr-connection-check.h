/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * A diagnosis of the way to the services, step by step, as a counter clerk
 * needs it: does the name resolve, does a connection open (through the
 * system proxy, if one is set), does the server prove who it is against
 * the configured trust anchor, do VNeID and SmartCA answer, and is this
 * computer's clock within a minute of the service's (a wrong clock breaks
 * SADs). Each request is made once, without a token and without retries:
 * the answers are refusals (401), which is all a diagnosis needs.
 */
typedef enum
{
  ENR_CONNECTION_STEP_RESOLVE,
  ENR_CONNECTION_STEP_CONNECT,
  ENR_CONNECTION_STEP_IDENTITY,
  ENR_CONNECTION_STEP_VNEID,
  ENR_CONNECTION_STEP_SMARTCA,
  ENR_CONNECTION_STEP_CLOCK,
  ENR_CONNECTION_N_STEPS
} EnrConnectionStep;

typedef enum
{
  ENR_CONNECTION_NOT_RUN,    /* an earlier step failed */
  ENR_CONNECTION_OK,
  ENR_CONNECTION_FAILED,
} EnrConnectionOutcome;

/* The clock step allows this much difference (PROTOCOL.md: SADs allow 60 s). */
#define ENR_CONNECTION_CLOCK_SKEW_S 60

typedef struct
{
  EnrConnectionOutcome outcomes[ENR_CONNECTION_N_STEPS];
  char                *details[ENR_CONNECTION_N_STEPS];  /* English, technical; no secret */
  gint64               clock_offset_s;   /* the service's clock minus ours; valid when the
                                          * clock step ran */
  gboolean             untrusted;        /* the identity step failed on the certificate */
  char                *proxy;            /* "direct" or the proxy's URI (without credentials) */
} EnrConnectionCheck;

void                enr_connection_check_free   (EnrConnectionCheck  *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrConnectionCheck, enr_connection_check_free)

/*
 * Runs every step for the services at @vneid_url and @smartca_url (each
 * host's name, connection and identity once), trusting @trust_anchor (an
 * absolute path; NULL: the system's store). Never fails but for
 * cancellation: what went wrong is in the check.
 */
void                enr_connection_check_async  (const char          *vneid_url,
                                                 const char          *smartca_url,
                                                 const char          *trust_anchor,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
EnrConnectionCheck *enr_connection_check_finish (GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
