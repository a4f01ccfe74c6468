/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "enr-account.h"

G_BEGIN_DECLS

/*
 * Signing the citizen's own PDFs on the enrolled desktop (issue 14;
 * PROTOCOL.md rev 2, "The citizen's own documents" and "Time stamps"):
 * several documents under one PIN, each a PAdES B-T signature made by
 * incremental update, written beside the original under a new name and
 * checked before it is said to be signed. No GTK.
 *
 *   1. enr_document_signing_add() each chosen PDF, with where its visible
 *      signature goes; enr_document_signing_set_reason()/_set_place().
 *   2. enr_document_signing_prepare_async(): in a worker thread, each file
 *      gets its signature field and appearance (the holder's name as in the
 *      certificate, the date and time in Vietnam time, the reason and
 *      place, in the UI language) and the hash SmartCA will sign. Then each
 *      document's :hash is what the confirmation screen lists, by name,
 *      before the PIN is asked.
 *   3. enr_document_signing_sign_async() with the PIN: one signhash
 *      transaction (a fresh refTranId) with one entry per document, the key
 *      opened through the PIN guard, one SAD binding all the hashes
 *      (signconfirm), each `sig` from gettraninfo, a time stamp per
 *      signature from the TSA (the session's :tsa-url), each signed file
 *      written atomically to its :output, checked, and only then SIGNED.
 *   4. If the TSA could not be reached, the sign call fails with
 *      ENR_SESSION_ERROR_RETRY, reason ENR_SESSION_REASON_TIMESTAMP, and
 *      the signatures SmartCA made are kept: enr_document_signing_finish_async()
 *      asks the TSA again (with_timestamp TRUE) or writes signatures
 *      without a time (B-B, FALSE) — never asking for the PIN again. (A
 *      sign call made then goes on with those signatures as finish(TRUE)
 *      does; its PIN is not used.)
 *
 * A wrong PIN (FIELD PIN, with the attempts SmartCA said) writes nothing and
 * keeps the transaction: the next sign call opens the same one. Any change
 * to the list, the reason or the place after preparing needs a new
 * preparation; none may be made while a call runs.
 *
 * A document that cannot be signed (encrypted, damaged, not a PDF, a box
 * off its page) fails the preparation with ENR_SESSION_ERROR_REFUSED,
 * reason ENR_SESSION_REASON_DOCUMENT, naming the file, and nothing is
 * written. Runs as an action of the account's session (G_IO_ERROR_BUSY
 * beside another); errors are those of EnrSession.
 */

typedef enum
{
  ENR_SIGNING_DOCUMENT_CHOSEN,     /* added, not prepared yet */
  ENR_SIGNING_DOCUMENT_PREPARED,   /* :hash is known */
  ENR_SIGNING_DOCUMENT_SIGNED,     /* written to :output and checked */
} EnrSigningDocumentState;

#define ENR_TYPE_SIGNING_DOCUMENT (enr_signing_document_get_type ())
G_DECLARE_FINAL_TYPE (EnrSigningDocument, enr_signing_document, ENR, SIGNING_DOCUMENT, GObject)

/*
 * Properties (read-only but :output):
 *   file          GFile, the original (never written)
 *   display-name  the file's name as the citizen knows it
 *   output        GFile; by default <name>-signed.pdf beside the file
 *                 (<name>-signed-2.pdf, … when that exists)
 *   page, rect    where the box goes (as EnrSignaturePlacer says it: a page
 *                 from 0, x1 y1 x2 y2 in points of the page as shown)
 *   hash          the SHA-256 SmartCA signs, as upper-case hex in groups
 *                 of four, for the confirmation screen; NULL until prepared
 *   state         EnrSigningDocumentState, as an int property (notify)
 *   timestamped   whether the signature written carries a trusted time
 */
GFile                  *enr_signing_document_get_file         (EnrSigningDocument *self);
const char             *enr_signing_document_get_display_name (EnrSigningDocument *self);
GFile                  *enr_signing_document_get_output       (EnrSigningDocument *self);
void                    enr_signing_document_set_output       (EnrSigningDocument *self,
                                                               GFile              *output);
guint                   enr_signing_document_get_page         (EnrSigningDocument *self);
void                    enr_signing_document_get_rect         (EnrSigningDocument *self,
                                                               double              rect[4]);
const char             *enr_signing_document_get_hash         (EnrSigningDocument *self);
EnrSigningDocumentState enr_signing_document_get_state        (EnrSigningDocument *self);
gboolean                enr_signing_document_get_timestamped  (EnrSigningDocument *self);

/* The most documents one transaction signs (PROTOCOL.md: 1 to 50 hashes). */
#define ENR_DOCUMENT_SIGNING_MAX 50

#define ENR_TYPE_DOCUMENT_SIGNING (enr_document_signing_get_type ())
G_DECLARE_FINAL_TYPE (EnrDocumentSigning, enr_document_signing, ENR, DOCUMENT_SIGNING, GObject)

/* Properties: account (construct-only), documents (GListModel of
 * EnrSigningDocument, in the order added), reason, place. */
EnrDocumentSigning *enr_document_signing_new           (EnrAccount         *account);
GListModel         *enr_document_signing_get_documents (EnrDocumentSigning *self);
/* Adds @file with its box; the document, or NULL (and @error) when @file
 * is already there. Only before preparing. */
EnrSigningDocument *enr_document_signing_add           (EnrDocumentSigning *self,
                                                        GFile              *file,
                                                        guint               page,
                                                        const double        rect[4],
                                                        GError            **error);
void                enr_document_signing_remove        (EnrDocumentSigning *self,
                                                        EnrSigningDocument *document);
/* What the appearance and the signature dictionary say; nullable. */
void                enr_document_signing_set_reason    (EnrDocumentSigning *self,
                                                        const char         *reason);
void                enr_document_signing_set_place     (EnrDocumentSigning *self,
                                                        const char         *place);

void      enr_document_signing_prepare_async  (EnrDocumentSigning  *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean  enr_document_signing_prepare_finish (EnrDocumentSigning  *self,
                                               GAsyncResult        *result,
                                               GError             **error);

void      enr_document_signing_sign_async     (EnrDocumentSigning  *self,
                                               const char          *pin,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean  enr_document_signing_sign_finish    (EnrDocumentSigning  *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* After a sign call that failed for the time stamp only. */
void      enr_document_signing_finish_async   (EnrDocumentSigning  *self,
                                               gboolean             with_timestamp,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean  enr_document_signing_finish_finish  (EnrDocumentSigning  *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
