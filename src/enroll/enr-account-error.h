/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define ENR_ACCOUNT_ERROR (enr_account_error_quark ())

/*
 * What the enrolled desktop (EnrAccount) and the change of device
 * (EnrDeviceLink) meet besides the errors of the layers below, each with a
 * message a citizen understands and what to do next.
 */
typedef enum
{
  ENR_ACCOUNT_ERROR_NOT_ENROLLED,   /* no active credential to link: register first */
  ENR_ACCOUNT_ERROR_REQUEST_GONE,   /* the request expired or was answered elsewhere */
} EnrAccountError;

GQuark      enr_account_error_quark   (void);
const char *enr_account_error_message (EnrAccountError code);
/* The error with its message. */
GError     *enr_account_error_new     (EnrAccountError code);

G_END_DECLS
