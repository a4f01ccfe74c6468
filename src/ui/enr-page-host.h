/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "enr-page.h"

G_BEGIN_DECLS

/*
 * One wizard page outside the wizard: the page above a row with its Next
 * button (labelled, enabled and run as the wizard would), and the
 * "wizard." actions the page and its error area activate. Its Back
 * button, and the page's own "wizard.back", emit ::back; a successful
 * apply emits ::applied. The change of device shows the VNeID login page
 * this way.
 */
#define ENR_TYPE_PAGE_HOST (enr_page_host_get_type ())
G_DECLARE_FINAL_TYPE (EnrPageHost, enr_page_host, ENR, PAGE_HOST, GtkWidget)

GtkWidget *enr_page_host_new      (EnrPage     *page);
EnrPage   *enr_page_host_get_page (EnrPageHost *self);
/* Tells the page it is shown (or no longer), as the wizard does. */
void       enr_page_host_shown    (EnrPageHost *self);
void       enr_page_host_hidden   (EnrPageHost *self);

G_END_DECLS
