/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-columns"

#include "config.h"

#include "enr-columns.h"

struct _EnrColumns
{
  GtkWidget  parent_instance;

  int        spacing;
  gboolean   stacked;
};

static void enr_columns_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EnrColumns, enr_columns, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE,
                                                      enr_columns_buildable_init))

enum {
  PROP_0,
  PROP_SPACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static GtkBuildableIface *parent_buildable;

static guint
count_children (EnrColumns *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_should_layout (child))
      n++;
  return n;
}

/* The narrowest width at which every child fits in a column of its own. */
static int
side_by_side_minimum (EnrColumns *self,
                      guint       n)
{
  int widest = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int minimum;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      widest = MAX (widest, minimum);
    }
  return n > 0 ? (int) n * widest + (int) (n - 1) * self->spacing : 0;
}

static int
column_width (EnrColumns *self,
              int         width,
              guint       n)
{
  return n > 0 ? (width - (int) (n - 1) * self->spacing) / (int) n : 0;
}

static void
enr_columns_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  EnrColumns *self = ENR_COLUMNS (widget);
  guint n = count_children (self);
  gboolean side_by_side;
  int column = -1;

  *minimum = *natural = 0;
  if (n == 0)
    return;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Stacked, the narrowest is the widest child; side by side, the
       * natural width gives every column the widest natural width. */
      int widest_natural = 0;

      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          int child_min, child_nat;

          if (!gtk_widget_should_layout (child))
            continue;
          gtk_widget_measure (child, orientation, -1, &child_min, &child_nat, NULL, NULL);
          *minimum = MAX (*minimum, child_min);
          widest_natural = MAX (widest_natural, child_nat);
        }
      *natural = MAX ((int) n * widest_natural + (int) (n - 1) * self->spacing,
                      side_by_side_minimum (self, n));
      return;
    }

  /* The height for a width: the columns' tallest, or the stack's sum. An
   * unknown width is taken at the natural one, side by side. */
  side_by_side = for_size < 0 || for_size >= side_by_side_minimum (self, n);
  if (side_by_side && for_size >= 0)
    column = column_width (self, for_size, n);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min, child_nat;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, orientation, side_by_side ? column : for_size,
                          &child_min, &child_nat, NULL, NULL);
      if (side_by_side)
        {
          *minimum = MAX (*minimum, child_min);
          *natural = MAX (*natural, child_nat);
        }
      else
        {
          *minimum += child_min;
          *natural += child_nat;
        }
    }
  if (!side_by_side)
    {
      *minimum += (int) (n - 1) * self->spacing;
      *natural += (int) (n - 1) * self->spacing;
    }
}

static void
enr_columns_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  EnrColumns *self = ENR_COLUMNS (widget);
  guint n = count_children (self);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int column, position = 0, natural_total = 0;

  self->stacked = n > 1 && width < side_by_side_minimum (self, n);
  column = column_width (self, width, n);

  /* Stacked, each child gets its natural height if they all fit, else
   * its minimum (the page around scrolls). */
  if (self->stacked)
    for (GtkWidget *child = gtk_widget_get_first_child (widget);
         child != NULL;
         child = gtk_widget_get_next_sibling (child))
      {
        int child_nat;

        if (!gtk_widget_should_layout (child))
          continue;
        gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, &child_nat, NULL, NULL);
        natural_total += child_nat;
      }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkAllocation allocation;

      if (!gtk_widget_should_layout (child))
        continue;

      if (self->stacked)
        {
          int child_min, child_nat;

          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, &child_min, &child_nat,
                              NULL, NULL);
          allocation = (GtkAllocation) {
            0, position, width,
            natural_total + (int) (n - 1) * self->spacing <= height ? child_nat : child_min
          };
          position += allocation.height + self->spacing;
        }
      else
        {
          allocation = (GtkAllocation) {
            rtl ? width - position - column : position, 0, column, height
          };
          position += column + self->spacing;
        }
      gtk_widget_size_allocate (child, &allocation, -1);
    }
}

static GtkSizeRequestMode
enr_columns_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
enr_columns_buildable_add_child (GtkBuildable *buildable,
                                 GtkBuilder   *builder,
                                 GObject      *child,
                                 const char   *type)
{
  if (GTK_IS_WIDGET (child))
    enr_columns_append (ENR_COLUMNS (buildable), GTK_WIDGET (child));
  else
    parent_buildable->add_child (buildable, builder, child, type);
}

static void
enr_columns_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable = g_type_interface_peek_parent (iface);
  iface->add_child = enr_columns_buildable_add_child;
}

static void
enr_columns_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (enr_columns_parent_class)->dispose (object);
}

static void
enr_columns_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  EnrColumns *self = ENR_COLUMNS (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_columns_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  EnrColumns *self = ENR_COLUMNS (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      if (self->spacing != g_value_get_int (value))
        {
          self->spacing = g_value_get_int (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_columns_class_init (EnrColumnsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_columns_dispose;
  object_class->get_property = enr_columns_get_property;
  object_class->set_property = enr_columns_set_property;
  widget_class->measure = enr_columns_measure;
  widget_class->size_allocate = enr_columns_size_allocate;
  widget_class->get_request_mode = enr_columns_get_request_mode;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "columns");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GENERIC);
}

static void
enr_columns_init (EnrColumns *self)
{
}

GtkWidget *
enr_columns_new (void)
{
  return g_object_new (ENR_TYPE_COLUMNS, NULL);
}

void
enr_columns_append (EnrColumns *self,
                    GtkWidget  *child)
{
  g_return_if_fail (ENR_IS_COLUMNS (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);

  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}

gboolean
enr_columns_get_stacked (EnrColumns *self)
{
  g_return_val_if_fail (ENR_IS_COLUMNS (self), FALSE);
  return self->stacked;
}
