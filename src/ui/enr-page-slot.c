/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-page-slot"

#include "config.h"

#include "enr-page-slot.h"

struct _EnrPageSlot
{
  GtkWidget           parent_instance;

  const EnrPageEntry *entry;
  EnrSession         *session;
  char               *title;
  EnrPage            *page;      /* our child, once built */
};

G_DEFINE_FINAL_TYPE (EnrPageSlot, enr_page_slot, GTK_TYPE_WIDGET)

static void
enr_page_slot_dispose (GObject *object)
{
  EnrPageSlot *self = ENR_PAGE_SLOT (object);

  enr_page_slot_drop_page (self);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (enr_page_slot_parent_class)->dispose (object);
}

static void
enr_page_slot_finalize (GObject *object)
{
  EnrPageSlot *self = ENR_PAGE_SLOT (object);

  g_free (self->title);

  G_OBJECT_CLASS (enr_page_slot_parent_class)->finalize (object);
}

/* GtkAssistant's stack is homogeneous: it measures every page it holds,
 * shown or not, each time its size is asked again. A page's text is
 * shaped anew whenever its labels' layouts were dropped (a change of
 * state, of style), so by step 5 a press of Activate kept the main thread
 * busy for tens of milliseconds re-measuring the pages left behind (the
 * worst stall of an enrollment, bench-ui.py). A slot that is not shown asks
 * for no room, and its page is not measured; the one shown asks for its
 * page's, from the moment it is mapped. */
static void
enr_page_slot_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  EnrPageSlot *self = ENR_PAGE_SLOT (widget);

  *minimum = *natural = 0;
  *minimum_baseline = *natural_baseline = -1;
  /* A page is as wide as it asks whatever its height: GtkAssistant holds
   * its pages in a horizontal box, which asks each how narrow it can be at
   * its height, and a wrapping label answers that by trial (enr-ui.h). */
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    for_size = -1;
  if (self->page != NULL && gtk_widget_get_child_visible (widget))
    gtk_widget_measure (GTK_WIDGET (self->page), orientation, for_size, minimum, natural,
                        minimum_baseline, natural_baseline);
}

/* Its page's height is for the width it is given. */
static GtkSizeRequestMode
enr_page_slot_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
enr_page_slot_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  EnrPageSlot *self = ENR_PAGE_SLOT (widget);

  if (self->page != NULL)
    gtk_widget_allocate (GTK_WIDGET (self->page), width, height, baseline, NULL);
}

/* Shown or hidden, its size is another: the assistant asks again. */
static void
enr_page_slot_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (enr_page_slot_parent_class)->map (widget);
  gtk_widget_queue_resize (widget);
}

static void
enr_page_slot_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (enr_page_slot_parent_class)->unmap (widget);
  gtk_widget_queue_resize (widget);
}

static void
enr_page_slot_class_init (EnrPageSlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_page_slot_dispose;
  object_class->finalize = enr_page_slot_finalize;
  widget_class->map = enr_page_slot_map;
  widget_class->unmap = enr_page_slot_unmap;
  widget_class->get_request_mode = enr_page_slot_get_request_mode;
  widget_class->measure = enr_page_slot_measure;
  widget_class->size_allocate = enr_page_slot_size_allocate;
  /* Only the page inside is something to a screen reader. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
}

static void
enr_page_slot_init (EnrPageSlot *self)
{
  /* As the page will: the assistant gives its pages all its room. */
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
}

GtkWidget *
enr_page_slot_new (const EnrPageEntry *entry,
                   EnrSession         *session,
                   const char         *title)
{
  EnrPageSlot *self;

  g_return_val_if_fail (entry != NULL, NULL);
  g_return_val_if_fail (ENR_IS_SESSION (session), NULL);

  self = g_object_new (ENR_TYPE_PAGE_SLOT, NULL);
  self->entry = entry;
  self->session = g_object_ref (session);
  self->title = g_strdup (title);
  return GTK_WIDGET (self);
}

EnrPage *
enr_page_slot_ensure_page (EnrPageSlot *self)
{
  g_return_val_if_fail (ENR_IS_PAGE_SLOT (self), NULL);

  if (self->page != NULL)
    return self->page;

  self->page = g_object_new (self->entry->get_type (),
                             "session", self->session,
                             "title", self->title,
                             NULL);
  /* Tests and the kiosk find a page by its id. */
  gtk_widget_set_name (GTK_WIDGET (self->page), self->entry->id);
  gtk_widget_set_parent (GTK_WIDGET (self->page), GTK_WIDGET (self));
  return self->page;
}

EnrPage *
enr_page_slot_get_page (EnrPageSlot *self)
{
  g_return_val_if_fail (ENR_IS_PAGE_SLOT (self), NULL);
  return self->page;
}

void
enr_page_slot_drop_page (EnrPageSlot *self)
{
  g_return_if_fail (ENR_IS_PAGE_SLOT (self));

  if (self->page != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->page));
  self->page = NULL;
}
