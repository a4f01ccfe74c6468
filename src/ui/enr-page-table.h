/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* No session step: the welcome and closing pages. */
#define ENR_PAGE_NO_STEP (-1)

/* When going back from a page is safe. */
typedef enum
{
  ENR_PAGE_BACK_NEVER,          /* the step is done on the server: there is no undoing it */
  ENR_PAGE_BACK_BEFORE_LOGIN,   /* only while nothing is done on the server yet */
  ENR_PAGE_BACK_BEFORE_SUBMIT,  /* while the page's step is not sent yet: back is a new
                                 * login, so the wizard forgets this one (starts over) */
  ENR_PAGE_BACK_ALWAYS,         /* nothing left to undo */
} EnrPageBack;

/* Where the wizard goes once a page's apply succeeds. */
typedef enum
{
  ENR_PAGE_THEN_FOLLOW_STEP,    /* to the page of the session's step */
  ENR_PAGE_THEN_NEXT,           /* to the next page, for good (the step is done) */
  ENR_PAGE_THEN_CLOSE,          /* the window closes */
} EnrPageThen;

/*
 * One page of the wizard: its id (the widget's name, for tests), its type,
 * the EnrSessionStep it shows (ENR_PAGE_NO_STEP for none), its title
 * (untranslated: pass it through _()), which for the six steps is VNPT's
 * name of the step, and what the wizard needs to know to move from it;
 * @login marks the page where a VNeID login is given (again).
 */
typedef struct
{
  const char  *id;
  GType      (*get_type) (void);
  int          step;
  const char  *title;
  EnrPageBack  back;
  EnrPageThen  then;
  gboolean     login;
} EnrPageEntry;

/* The pages, in order; the one place they are listed. */
const EnrPageEntry *enr_page_table_get (guint *n_entries);
/* The translated title of the page that shows @step. */
const char         *enr_page_table_step_title (int step);

G_END_DECLS
