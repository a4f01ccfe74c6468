/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "enr-kak.h"

G_BEGIN_DECLS

/*
 * A client of smartca-sandbox written from PROTOCOL.md alone, for the C
 * test client (test-sandbox-client.c) and the enrollment benchmark
 * (tests/bench/bench-enroll.c): it starts a sandbox, trusts only the root
 * CA the sandbox names, and walks a citizen through the six steps over
 * HTTPS, making its KAK and SADs with the program's crypto layer. Every
 * answer is checked against PROTOCOL.md as it comes (g_assert: a failure
 * stops the test or the benchmark).
 */

/* A sandbox process with its own temporary data directory. */
typedef struct
{
  char        *tmp_dir;
  GSubprocess *proc;
  char        *vneid_url;
  char        *smartca_url;
  char        *control_url;
  char        *trust_anchor;
} SbxTestSandbox;

/* $SMARTCA_SANDBOX --listen 127.0.0.1:0 --data-dir TMP/data @extra_args;
 * its log goes to TMP/sandbox.log. */
SbxTestSandbox *sbx_test_sandbox_start (const char * const *extra_args);
/* SIGTERM: it must exit 0. The directory is removed. */
void            sbx_test_sandbox_stop  (SbxTestSandbox     *sandbox);
/* A session that trusts the sandbox's root and nothing else. One thread
 * uses it: its calls block that thread. */
SoupSession    *sbx_test_session_new   (SbxTestSandbox     *sandbox);

typedef struct
{
  guint     status;
  JsonNode *body;
} SbxTestReply;

void        sbx_test_reply_clear (SbxTestReply *reply);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SbxTestReply, sbx_test_reply_clear)

/* From now on every call's wall time, from every thread, is kept by
 * endpoint ("POST SMARTCA/enrollment/contract", identifiers as {id}). */
void        sbx_test_record_latencies (void);
/* What was kept: endpoint -> GArray of double (ms); recording stops. */
GHashTable *sbx_test_steal_latencies  (void);

/* One request; the answer must be JSON. @body may be NULL. */
void        sbx_test_call        (SoupSession  *session,
                                  const char   *method,
                                  const char   *base,
                                  const char   *path,
                                  const char   *token,
                                  const char   *content_type,
                                  const char   *body,
                                  const char   *idempotency_key,
                                  SbxTestReply *reply);
/* A form (soup_form_encode()'s, taken). */
void        sbx_test_call_form   (SoupSession  *session,
                                  const char   *base,
                                  const char   *path,
                                  char         *form,
                                  SbxTestReply *reply);
void        sbx_test_call_json   (SoupSession  *session,
                                  const char   *method,
                                  const char   *base,
                                  const char   *path,
                                  const char   *token,
                                  const char   *json,
                                  const char   *idempotency_key,
                                  SbxTestReply *reply);
JsonObject *sbx_test_object      (SbxTestReply *reply);
/* The content object of a SmartCA envelope that says success. */
JsonObject *sbx_test_envelope    (SbxTestReply *reply);

GBytes     *sbx_test_base64_decode (const char *text);
char       *sbx_test_sha256_base64 (const guint8 *data,
                                    gsize         len);

/* A built-in citizen, and how they log in to VNeID. */
typedef struct
{
  const char *citizen_id;
  const char *password;
  const char *full_name;
  const char *phone;
  gboolean    qr;
} SbxTestCitizen;

/* One enrollment as the client carries it from step to step. */
typedef struct
{
  SbxTestSandbox       *sandbox;
  SoupSession          *session;
  const SbxTestCitizen *citizen;
  /* Thread CPU time of the client's own RSA work (SAD signatures; the
   * caller adds its KAK's generation). */
  gint64                rsa_cpu_us;

  char                 *vneid_token;
  char                 *registration_id;
  char                 *smartca_token;
  GBytes               *contract;
  GBytes               *signed_contract;
  EnrKak               *kak;
  char                 *device_id;
  char                 *credential_id;
  GBytes               *certificate;      /* DER */
  GPtrArray            *chain;            /* GBytes of DER: issuing CA, root */
  guint8                pin_salt[16];     /* the key handle's, with the PIN below */
  char                 *pin_share;        /* Base64, from the PIN guard */
  char                 *tran_id;          /* the acceptance record's */
  GBytes               *prepared_record;
  GBytes               *signed_record;
} SbxTestEnrollment;

void  sbx_test_enrollment_init   (SbxTestEnrollment    *enrollment,
                                  SbxTestSandbox       *sandbox,
                                  SoupSession          *session,
                                  const SbxTestCitizen *citizen);
void  sbx_test_enrollment_clear  (SbxTestEnrollment    *enrollment);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SbxTestEnrollment, sbx_test_enrollment_clear)

/* The newest OTP of @purpose the sandbox "sent" to @phone. */
char *sbx_test_latest_otp        (SbxTestEnrollment    *enrollment,
                                  const char           *phone,
                                  const char           *purpose);

/* Step 1: log in to VNeID (password + OTP, or the QR device flow). */
void  sbx_test_login             (SbxTestEnrollment    *enrollment);
/* Steps 2 and 3: register with consent, hand over, SmartCA's tokens, and
 * wait for the sync (CONTRACT_PENDING). */
void  sbx_test_register          (SbxTestEnrollment    *enrollment);
/* Step 4: the contract, its OTP and its signature (ACTIVATION_PENDING). */
void  sbx_test_sign_contract     (SbxTestEnrollment    *enrollment);
/* The PIN every test citizen chooses. */
#define SBX_TEST_PIN "246810"

/* Step 5, first half: register @kak (taken) with the PIN guard's verifier
 * of SBX_TEST_PIN, and get the certificate with a SAD over the activation
 * challenge (ACCEPTANCE_PENDING). */
void  sbx_test_activate          (SbxTestEnrollment    *enrollment,
                                  EnrKak               *kak);
/* Step 5, second half: the acceptance record waiting, checked, the PIN
 * verified with the service (ssa/sic/pin/verify: the share back, the KAK's
 * wrapping key made), confirmed with a SAD over its hash and fetched
 * signed (ACTIVE). */
void  sbx_test_accept            (SbxTestEnrollment    *enrollment);

/* A SAD by @kak for @txn over @challenge naming @hashes (Base64,
 * NULL-terminated; none for activation), timed into rsa_cpu_us. */
char *sbx_test_sad               (SbxTestEnrollment    *enrollment,
                                  EnrKak               *kak,
                                  const char           *device_id,
                                  const char           *txn,
                                  const char           *challenge,
                                  const char * const   *hashes);

/* The CPU time this thread has used, in microseconds. */
gint64 sbx_test_thread_cpu_us    (void);

G_END_DECLS
