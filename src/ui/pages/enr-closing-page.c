/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-closing-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-closing-page.h"

struct _EnrClosingPage
{
  EnrPage    parent_instance;

  GtkLabel  *summary_label;
};

G_DEFINE_FINAL_TYPE (EnrClosingPage, enr_closing_page, ENR_TYPE_PAGE)

static void
enr_closing_page_shown (EnrPage *page)
{
  EnrClosingPage *self = ENR_CLOSING_PAGE (page);

  enr_page_focus (page, GTK_WIDGET (self->summary_label));
}

static void
enr_closing_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), ENR_TYPE_CLOSING_PAGE);
  G_OBJECT_CLASS (enr_closing_page_parent_class)->dispose (object);
}

static void
enr_closing_page_class_init (EnrClosingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  EnrPageClass *page_class = ENR_PAGE_CLASS (klass);

  object_class->dispose = enr_closing_page_dispose;
  page_class->shown = enr_closing_page_shown;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-closing-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrClosingPage, summary_label);
}

static void
enr_closing_page_init (EnrClosingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  enr_page_set_next_label (ENR_PAGE (self), _("_Close"));
  enr_page_set_complete (ENR_PAGE (self), TRUE);
}
