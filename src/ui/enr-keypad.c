/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-keypad"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "enr-keypad.h"

struct _EnrKeypad
{
  GtkPopover     parent_instance;

  GtkGrid       *grid;
  GtkWidget     *keys[10];
  GtkWidget     *delete_key;
  GtkWidget     *clear_key;
  gboolean       shuffle;
  EnrDigitEntry *target;      /* weak */
  GtkWindow     *window;      /* weak */
};

G_DEFINE_FINAL_TYPE (EnrKeypad, enr_keypad, GTK_TYPE_POPOVER)

static void
type_digit_cb (GtkButton *button,
               EnrKeypad *self)
{
  /* A digit key is labelled with its digit. */
  const char *digit = gtk_button_get_label (button);
  int position;

  if (self->target == NULL)
    return;
  position = (int) strlen (gtk_editable_get_text (GTK_EDITABLE (self->target)));
  gtk_editable_insert_text (GTK_EDITABLE (self->target), digit, 1, &position);
  gtk_editable_set_position (GTK_EDITABLE (self->target), position);
}

static void
delete_cb (GtkButton *button,
           EnrKeypad *self)
{
  int length;

  if (self->target == NULL)
    return;
  length = (int) strlen (gtk_editable_get_text (GTK_EDITABLE (self->target)));
  if (length > 0)
    gtk_editable_delete_text (GTK_EDITABLE (self->target), length - 1, length);
}

static void
clear_cb (GtkButton *button,
          EnrKeypad *self)
{
  if (self->target != NULL)
    enr_digit_entry_clear (self->target);
}

/* The touch-only keys stay out of the focus chain: the entry keeps the
 * focus (and the keyboard works as before); the accessibility layer can
 * still press them. */
static GtkWidget *
new_key (EnrKeypad  *self,
         const char *label,
         const char *accessible_label,
         GCallback   callback)
{
  GtkWidget *key = gtk_button_new_with_label (label);

  gtk_widget_set_focusable (key, FALSE);
  gtk_widget_set_focus_on_click (key, FALSE);
  gtk_widget_add_css_class (key, "keypad-key");
  gtk_accessible_update_property (GTK_ACCESSIBLE (key), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  g_signal_connect (key, "clicked", callback, self);
  return key;
}

/* 1 2 3 / 4 5 6 / 7 8 9 / Clear 0 Delete, or the digits shuffled. */
static void
lay_out (EnrKeypad *self)
{
  guint order[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 0 };

  if (self->shuffle)
    for (guint i = G_N_ELEMENTS (order) - 1; i > 0; i--)
      {
        guint j = (guint) g_random_int_range (0, (gint32) i + 1);
        guint swap = order[i];

        order[i] = order[j];
        order[j] = swap;
      }

  for (guint i = 0; i < 10; i++)
    {
      GtkWidget *key = self->keys[order[i]];

      if (gtk_widget_get_parent (key) != NULL)
        gtk_grid_remove (self->grid, key);
    }
  for (guint i = 0; i < 9; i++)
    gtk_grid_attach (self->grid, self->keys[order[i]], (int) (i % 3), (int) (i / 3), 1, 1);
  gtk_grid_attach (self->grid, self->keys[order[9]], 1, 3, 1, 1);
}

static void
enr_keypad_dispose (GObject *object)
{
  EnrKeypad *self = ENR_KEYPAD (object);

  enr_keypad_follow_focus (self, NULL);
  if (self->target != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->target), (gpointer *) &self->target);
  self->target = NULL;
  G_OBJECT_CLASS (enr_keypad_parent_class)->dispose (object);
}

static void
enr_keypad_class_init (EnrKeypadClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = enr_keypad_dispose;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "keypad");
}

static void
enr_keypad_init (EnrKeypad *self)
{
  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (self->grid, 8);
  gtk_grid_set_column_spacing (self->grid, 8);
  gtk_grid_set_row_homogeneous (self->grid, TRUE);
  gtk_grid_set_column_homogeneous (self->grid, TRUE);

  for (guint digit = 0; digit < 10; digit++)
    {
      char label[2] = { (char) ('0' + digit), '\0' };

      self->keys[digit] = new_key (self, label, label, G_CALLBACK (type_digit_cb));
    }
  self->clear_key = new_key (self, _("Clear"), _("Clear the field"), G_CALLBACK (clear_cb));
  self->delete_key = new_key (self, "⌫", _("Delete the last digit"), G_CALLBACK (delete_cb));
  gtk_grid_attach (self->grid, self->clear_key, 0, 3, 1, 1);
  gtk_grid_attach (self->grid, self->delete_key, 2, 3, 1, 1);

  gtk_popover_set_child (GTK_POPOVER (self), GTK_WIDGET (self->grid));
  gtk_popover_set_autohide (GTK_POPOVER (self), FALSE);
  gtk_popover_set_has_arrow (GTK_POPOVER (self), TRUE);
  /* Beside the entry, not under it: the next field stays in reach. */
  gtk_popover_set_position (GTK_POPOVER (self), GTK_POS_RIGHT);
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Number keypad"), -1);
}

GtkWidget *
enr_keypad_new (gboolean shuffle)
{
  EnrKeypad *self = g_object_new (ENR_TYPE_KEYPAD, NULL);

  self->shuffle = shuffle;
  lay_out (self);
  return GTK_WIDGET (self);
}

static void
target_gone_cb (EnrKeypad *self)
{
  enr_keypad_set_target (self, NULL);
}

void
enr_keypad_set_target (EnrKeypad     *self,
                       EnrDigitEntry *entry)
{
  GtkWidget *parent;
  graphene_rect_t bounds;

  g_return_if_fail (ENR_IS_KEYPAD (self));
  g_return_if_fail (entry == NULL || ENR_IS_DIGIT_ENTRY (entry));

  if (self->target == entry)
    return;

  if (self->target != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->target, self);
      g_object_remove_weak_pointer (G_OBJECT (self->target), (gpointer *) &self->target);
      self->target = NULL;
    }
  gtk_popover_popdown (GTK_POPOVER (self));
  /* The popover hangs from the entry's container, whose layout manager
   * places it (GtkEntry itself does not place extra children). */
  if (gtk_widget_get_parent (GTK_WIDGET (self)) != NULL)
    {
      g_object_ref (self);
      gtk_widget_unparent (GTK_WIDGET (self));
    }
  else
    g_object_ref_sink (self);
  if (entry == NULL || (parent = gtk_widget_get_parent (GTK_WIDGET (entry))) == NULL)
    {
      g_object_unref (self);
      return;
    }

  self->target = entry;
  g_object_add_weak_pointer (G_OBJECT (entry), (gpointer *) &self->target);
  g_signal_connect_swapped (entry, "unmap", G_CALLBACK (target_gone_cb), self);
  gtk_widget_set_parent (GTK_WIDGET (self), parent);
  g_object_unref (self);
  if (gtk_widget_compute_bounds (GTK_WIDGET (entry), parent, &bounds))
    {
      GdkRectangle rect = { (int) bounds.origin.x, (int) bounds.origin.y,
                            (int) bounds.size.width, (int) bounds.size.height };

      gtk_popover_set_pointing_to (GTK_POPOVER (self), &rect);
    }
  if (self->shuffle)
    lay_out (self);
  gtk_popover_popup (GTK_POPOVER (self));
}

EnrDigitEntry *
enr_keypad_get_target (EnrKeypad *self)
{
  g_return_val_if_fail (ENR_IS_KEYPAD (self), NULL);
  return self->target;
}

static void
focus_changed_cb (EnrKeypad *self)
{
  GtkWidget *focus = self->window != NULL ? gtk_window_get_focus (self->window) : NULL;
  GtkWidget *entry = focus != NULL ? gtk_widget_get_ancestor (focus, ENR_TYPE_DIGIT_ENTRY)
                                   : NULL;

  /* A key pressed leaves the focus where it was: only a move elsewhere
   * hides the keypad. */
  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self)))
    return;
  enr_keypad_set_target (self, entry != NULL ? ENR_DIGIT_ENTRY (entry) : NULL);
}

void
enr_keypad_follow_focus (EnrKeypad *self,
                         GtkWindow *window)
{
  g_return_if_fail (ENR_IS_KEYPAD (self));
  g_return_if_fail (window == NULL || GTK_IS_WINDOW (window));

  if (self->window != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->window, self);
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  if (window == NULL)
    {
      enr_keypad_set_target (self, NULL);
      return;
    }
  self->window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->window);
  g_signal_connect_swapped (window, "notify::focus-widget", G_CALLBACK (focus_changed_cb), self);
  focus_changed_cb (self);
}

GtkWidget *
enr_keypad_get_key (EnrKeypad *self,
                    guint      digit)
{
  g_return_val_if_fail (ENR_IS_KEYPAD (self), NULL);
  g_return_val_if_fail (digit < 10, NULL);
  return self->keys[digit];
}
