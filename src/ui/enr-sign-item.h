/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * One document the citizen chose in "Sign Documents…", before it is handed
 * to the enroll layer: its bytes for the signature placer, and where its
 * signature goes, kept while the citizen looks at the other documents.
 * Loading reads the file and opens it in a worker thread
 * (enr-signature-document.h) to learn its last page, where the default box
 * goes, or why it cannot be signed (encrypted, damaged, unreadable), said
 * in the citizen's words.
 */
typedef enum
{
  ENR_SIGN_ITEM_LOADING,
  ENR_SIGN_ITEM_READY,     /* a placement and the bytes are known */
  ENR_SIGN_ITEM_REFUSED,   /* :problem says why; it cannot be signed */
} EnrSignItemState;

#define ENR_TYPE_SIGN_ITEM (enr_sign_item_get_type ())
G_DECLARE_FINAL_TYPE (EnrSignItem, enr_sign_item, ENR, SIGN_ITEM, GObject)

/* Starts loading @file at once; notify::state when it ends. */
EnrSignItem      *enr_sign_item_new           (GFile        *file);
GFile            *enr_sign_item_get_file      (EnrSignItem  *self);
const char       *enr_sign_item_get_name      (EnrSignItem  *self);
EnrSignItemState  enr_sign_item_get_state     (EnrSignItem  *self);
/* Why it cannot be signed (REFUSED), else NULL. */
const char       *enr_sign_item_get_problem   (EnrSignItem  *self);
/* The file's bytes (READY), else NULL. */
GBytes           *enr_sign_item_get_bytes     (EnrSignItem  *self);
/* FALSE, nothing set, until READY. */
gboolean          enr_sign_item_get_placement (EnrSignItem  *self,
                                               guint        *page,
                                               double        rect[4]);
void              enr_sign_item_set_placement (EnrSignItem  *self,
                                               guint         page,
                                               const double  rect[4]);
/* Stops a load still running (the window closes, the item is removed). */
void              enr_sign_item_cancel        (EnrSignItem  *self);

G_END_DECLS
