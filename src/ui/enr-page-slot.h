/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-page-table.h"
#include "enr-page.h"

G_BEGIN_DECLS

/*
 * Where one page of the wizard will be: an empty widget that stands in the
 * GtkAssistant for its page until the citizen first goes there, then holds
 * it. A window that built all eight pages from their templates before it
 * showed took as long again as GTK itself to appear (README.md, start-up);
 * most citizens see two or three pages in one run.
 */
#define ENR_TYPE_PAGE_SLOT (enr_page_slot_get_type ())
G_DECLARE_FINAL_TYPE (EnrPageSlot, enr_page_slot, ENR, PAGE_SLOT, GtkWidget)

/* @entry: static (the page table's); @title: the page's, translated */
GtkWidget *enr_page_slot_new         (const EnrPageEntry *entry,
                                      EnrSession         *session,
                                      const char         *title);
/* The page, built now if it is not yet. */
EnrPage   *enr_page_slot_ensure_page (EnrPageSlot        *self);
/* The page, or NULL while it is not built. */
EnrPage   *enr_page_slot_get_page    (EnrPageSlot        *self);
/* Lets go of the page, if it is built: a closing window lets go of its
 * pages one at a time (enr_wizard_close()). */
void       enr_page_slot_drop_page   (EnrPageSlot        *self);

G_END_DECLS
