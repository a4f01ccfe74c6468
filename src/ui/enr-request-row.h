/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-signing-request.h"

G_BEGIN_DECLS

/*
 * One signing request in "Your SmartCA": what the portal asks to sign
 * (its description, each document's name and SHA-256), when it was asked
 * and how long it still waits, and Approve… and Reject, which activate
 * "account.approve" and "account.reject" with the request's id.
 */
#define ENR_TYPE_REQUEST_ROW (enr_request_row_get_type ())
G_DECLARE_FINAL_TYPE (EnrRequestRow, enr_request_row, ENR, REQUEST_ROW, GtkListBoxRow)

GtkWidget         *enr_request_row_new         (EnrSigningRequest *request);
EnrSigningRequest *enr_request_row_get_request (EnrRequestRow     *self);
/* The text that lists the documents (also in the approval dialog). */
char              *enr_request_row_describe_documents (EnrSigningRequest *request);

G_END_DECLS
