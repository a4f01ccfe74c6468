/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * A citizen's enrollment against a spawned smartca-sandbox, driven through
 * EnrSession as the wizard drives it, for the tests and tools that need an
 * enrolled citizen to start from (the enrolled desktop, the change of
 * device, the kiosk's receipt). Everything waits on the thread-default
 * main context.
 */

#include "enr-certificate.h"
#include "enr-sandbox-control.h"
#include "enr-sandbox-runner.h"
#include "enr-session.h"

G_BEGIN_DECLS

#define ENR_TEST_PASSWORD "Matkhau@123"
/* Test key handles are wrapped with a low PBKDF2 count (kept with each blob). */
#define ENR_TEST_ITERATIONS 2000

typedef struct
{
  const char *id;
  const char *phone;
  const char *full_name;
} EnrTestCitizen;

/* Built-in citizens of the sandbox (src/sandbox/data/citizens.json). */
extern const EnrTestCitizen ENR_TEST_AN;
extern const EnrTestCitizen ENR_TEST_NGOC;
extern const EnrTestCitizen ENR_TEST_NHUNG;
extern const EnrTestCitizen ENR_TEST_BAO;

/* A GAsyncReadyCallback that keeps the result in *user_data. */
void          enr_test_store_result  (GObject      *object,
                                      GAsyncResult *result,
                                      gpointer      user_data);
/* Runs the main context until *slot is set; returns it. */
GAsyncResult *enr_test_wait_result   (GAsyncResult **slot);

/* Starts @runner and waits until it listens. */
void          enr_test_start_sandbox (EnrSandboxRunner *runner);
/* A session on @runner's services, with the test PBKDF2 count. */
EnrSession   *enr_test_new_session   (EnrSandboxRunner *runner,
                                      gboolean          kiosk,
                                      const char       *state_dir);
/* The same on services named by their URLs. */
EnrSession   *enr_test_new_session_for (const char *vneid_url,
                                        const char *smartca_url,
                                        const char *trust_anchor,
                                        gboolean    kiosk,
                                        const char *state_dir);
/* The newest code of @purpose the sandbox "sent" to @phone. */
char         *enr_test_latest_otp    (EnrSandboxControl *control,
                                      const char        *phone,
                                      const char        *purpose);

/* The session's certificate as the crypto layer reads it (NULL: none), to
 * check it apart from what the session checked. */
EnrCertificate *enr_test_session_certificate (EnrSession *session);

/* That @error tells the citizen what @code of @domain means (a service,
 * store or crypto error): the session's code, details and message for it
 * (enr-session-error.c; a count of attempts may follow the message). */
void          enr_test_assert_told   (const GError *error,
                                      GQuark        domain,
                                      gint          code);

/* Step 1 by password and SMS code. */
gboolean      enr_test_log_in        (EnrSession           *session,
                                      EnrSandboxControl    *control,
                                      const EnrTestCitizen *citizen,
                                      GError              **error);
/* All six steps, @pin as the PIN: the session ends at DONE. */
gboolean      enr_test_enroll        (EnrSession           *session,
                                      EnrSandboxControl    *control,
                                      const EnrTestCitizen *citizen,
                                      const char           *pin,
                                      GError              **error);

G_END_DECLS
