/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-session.h"

G_BEGIN_DECLS

/*
 * The paper a kiosk gives the citizen at the end: the registration ID,
 * the certificate's serial number, the holder's name, the date, the
 * citizen ID masked, and what to do next to use the certificate from
 * their own computer. Nothing secret, and no full citizen ID.
 *
 * It goes straight to the kiosk's printer (GtkPrintOperation, no dialog),
 * never to a file: a printer that is not a real one (GTK's "Print to
 * File") is refused, so a receipt cannot end up on the kiosk's disk.
 */
#define ENR_TYPE_RECEIPT (enr_receipt_get_type ())
G_DECLARE_FINAL_TYPE (EnrReceipt, enr_receipt, ENR, RECEIPT, GObject)

/* NULL if @session holds no finished enrollment yet. */
EnrReceipt        *enr_receipt_new_from_session (EnrSession *session);

/* The text printed, line by line (what a test or a screen reader checks). */
const char        *enr_receipt_get_text         (EnrReceipt *self);

/* An operation that draws the receipt (one page), to run as the caller
 * wants. */
GtkPrintOperation *enr_receipt_new_operation    (EnrReceipt *self);

/*
 * Prints on @printer (by name; NULL or "": the default printer). Fails
 * with G_IO_ERROR_NOT_FOUND when there is no such real printer, and with
 * the printing system's error otherwise; the messages are for the citizen.
 */
void      enr_receipt_print_async  (EnrReceipt          *self,
                                    GtkWindow           *parent,
                                    const char          *printer,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean  enr_receipt_print_finish (EnrReceipt          *self,
                                    GAsyncResult        *result,
                                    GError             **error);

G_END_DECLS
