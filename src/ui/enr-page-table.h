/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* No session step: the welcome and closing pages. */
#define ENR_PAGE_NO_STEP (-1)

/* One page of the wizard: its id, its type, the EnrSessionStep it shows
 * (ENR_PAGE_NO_STEP for none), and its title (untranslated: pass it
 * through _()), which for the six steps is VNPT's name of the step. */
typedef struct
{
  const char *id;
  GType     (*get_type) (void);
  int         step;
  const char *title;
} EnrPageEntry;

/* The pages, in order; the one place they are listed. */
const EnrPageEntry *enr_page_table_get (guint *n_entries);
/* The translated title of the page that shows @step. */
const char         *enr_page_table_step_title (int step);

G_END_DECLS
