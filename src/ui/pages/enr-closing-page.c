/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-closing-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-closing-page.h"

struct _EnrClosingPage
{
  EnrPage    parent_instance;

  GtkLabel  *summary_label;
  GtkLabel  *pin_label;
  GtkWidget *receipt_box;
  GtkButton *print_button;
  GtkLabel  *print_label;
};

G_DEFINE_FINAL_TYPE (EnrClosingPage, enr_closing_page, ENR_TYPE_PAGE)

enum {
  PRINT_RECEIPT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
print_clicked_cb (EnrClosingPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->print_button), FALSE);
  gtk_label_set_text (self->print_label, _("Printing your receipt…"));
  g_signal_emit (self, signals[PRINT_RECEIPT], 0);
}

void
enr_closing_page_show_print_result (EnrClosingPage *self,
                                    const GError   *error)
{
  g_return_if_fail (ENR_IS_CLOSING_PAGE (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->print_button), TRUE);
  gtk_label_set_text (self->print_label,
                      error != NULL ? error->message
                                    : _("Your receipt is printed: take it from the printer."));
}

static void
enr_closing_page_shown (EnrPage *page)
{
  EnrClosingPage *self = ENR_CLOSING_PAGE (page);

  /* The first control: the receipt at a kiosk, else Close. */
  if (gtk_widget_get_visible (self->receipt_box))
    enr_page_focus (page, GTK_WIDGET (self->print_button));
  else
    enr_page_focus_default (page);
}

static void
enr_closing_page_constructed (GObject *object)
{
  EnrClosingPage *self = ENR_CLOSING_PAGE (object);

  G_OBJECT_CLASS (enr_closing_page_parent_class)->constructed (object);

  /* A kiosk keeps nothing: the citizen goes home with a receipt, and links
   * their own computer later. */
  if (enr_session_get_kiosk (enr_page_get_session (ENR_PAGE (self))))
    {
      gtk_label_set_text (self->summary_label,
                          _("Your VNPT SmartCA certificate is ready, and nothing of yours stays "
                            "on this kiosk: “Erase and Finish” erases everything you entered."));
      gtk_label_set_text (self->pin_label,
                          _("To sign from your own computer later, install SmartCA Enroll there "
                            "and choose “Use My SmartCA on This Computer”: you log in with "
                            "VNeID, type the code VNPT SmartCA sends to your phone and choose "
                            "a new PIN for that computer."));
      gtk_widget_set_visible (self->receipt_box, TRUE);
      enr_page_set_next_label (ENR_PAGE (self), _("_Erase and Finish"));
    }
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

  object_class->constructed = enr_closing_page_constructed;
  object_class->dispose = enr_closing_page_dispose;
  page_class->shown = enr_closing_page_shown;

  signals[PRINT_RECEIPT] = g_signal_new ("print-receipt", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-closing-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrClosingPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, EnrClosingPage, pin_label);
  gtk_widget_class_bind_template_child (widget_class, EnrClosingPage, receipt_box);
  gtk_widget_class_bind_template_child (widget_class, EnrClosingPage, print_button);
  gtk_widget_class_bind_template_child (widget_class, EnrClosingPage, print_label);
  gtk_widget_class_bind_template_callback (widget_class, print_clicked_cb);
}

static void
enr_closing_page_init (EnrClosingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  enr_page_set_next_label (ENR_PAGE (self), _("_Close"));
  enr_page_set_complete (ENR_PAGE (self), TRUE);
}
