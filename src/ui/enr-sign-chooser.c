/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-sign-chooser"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-file-save.h"
#include "enr-sign-chooser.h"
#include "enr-sign-item.h"
#include "enr-sign-row.h"
#include "enr-signature-placer.h"

struct _EnrSignChooser
{
  GtkWidget           parent_instance;

  GtkWidget          *choose_button;
  GtkLabel           *empty_label;
  GtkListBox         *documents_list;
  GtkEntry           *reason_entry;
  GtkEntry           *place_entry;
  GtkStack           *preview_stack;
  GtkLabel           *refused_label;
  EnrSignaturePlacer *placer;

  GListStore         *items;        /* of EnrSignItem */
  EnrSignItem        *shown;        /* the one in the placer */
  gboolean            restoring;    /* the placer opens @shown: its default is not a choice */
  GCancellable       *cancellable;  /* the file chooser: until dispose */
};

G_DEFINE_FINAL_TYPE (EnrSignChooser, enr_sign_chooser, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static EnrSignItem *
selected_item (EnrSignChooser *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->documents_list);

  if (row == NULL)
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (self->items), gtk_list_box_row_get_index (row));
}

/* The selected document in the placer, at the place kept for it. */
static void
show_selected (EnrSignChooser *self)
{
  g_autoptr(EnrSignItem) item = selected_item (self);

  if (item == NULL)
    {
      g_clear_object (&self->shown);
      self->restoring = FALSE;
      enr_signature_placer_set_document (self->placer, NULL);
      gtk_stack_set_visible_child_name (self->preview_stack, "empty");
      return;
    }
  if (item == self->shown && enr_sign_item_get_state (item) == ENR_SIGN_ITEM_READY &&
      g_str_equal (gtk_stack_get_visible_child_name (self->preview_stack), "placer"))
    return;

  g_set_object (&self->shown, item);
  switch (enr_sign_item_get_state (item))
    {
    case ENR_SIGN_ITEM_READY:
      self->restoring = TRUE;
      enr_signature_placer_set_document (self->placer, enr_sign_item_get_bytes (item));
      gtk_stack_set_visible_child_name (self->preview_stack, "placer");
      break;
    case ENR_SIGN_ITEM_REFUSED:
      self->restoring = FALSE;
      enr_signature_placer_set_document (self->placer, NULL);
      gtk_label_set_text (self->refused_label, enr_sign_item_get_problem (item));
      gtk_stack_set_visible_child_name (self->preview_stack, "refused");
      break;
    case ENR_SIGN_ITEM_LOADING:
    default:
      /* Shown when it is ready (item_state_cb). */
      self->restoring = FALSE;
      enr_signature_placer_set_document (self->placer, NULL);
      gtk_stack_set_visible_child_name (self->preview_stack, "empty");
      break;
    }
}

static void
row_selected_cb (EnrSignChooser *self)
{
  show_selected (self);
}

static void
placer_loading_cb (EnrSignChooser *self)
{
  guint page;
  double rect[4];

  if (enr_signature_placer_get_loading (self->placer) || !self->restoring)
    return;
  self->restoring = FALSE;
  /* The placer chose its default; the citizen may have chosen before. */
  if (self->shown != NULL && enr_sign_item_get_placement (self->shown, &page, rect))
    enr_signature_placer_set_placement (self->placer, page, rect);
}

static void
placement_changed_cb (EnrSignChooser *self)
{
  guint page;
  double rect[4];

  if (self->restoring || self->shown == NULL)
    return;
  if (enr_signature_placer_get_placement (self->placer, &page, rect))
    enr_sign_item_set_placement (self->shown, page, rect);
}

static void
item_state_cb (EnrSignChooser *self,
               GParamSpec     *pspec,
               EnrSignItem    *item)
{
  g_autoptr(EnrSignItem) selected = selected_item (self);

  if (item == selected)
    {
      g_clear_object (&self->shown);
      show_selected (self);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Where @file is in the list, if it is. */
static gboolean
find_file (EnrSignChooser *self,
           GFile          *file,
           guint          *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EnrSignItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (g_file_equal (enr_sign_item_get_file (item), file))
        {
          if (position != NULL)
            *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

void
enr_sign_chooser_add_files (EnrSignChooser  *self,
                            GFile          **files,
                            guint            n_files)
{
  guint first = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  GtkListBoxRow *row;

  g_return_if_fail (ENR_IS_SIGN_CHOOSER (self));
  g_return_if_fail (files != NULL || n_files == 0);

  for (guint i = 0; i < n_files; i++)
    {
      g_autoptr(EnrSignItem) item = NULL;

      if (find_file (self, files[i], NULL))
        continue;
      item = enr_sign_item_new (files[i]);
      g_signal_connect_object (item, "notify::state", G_CALLBACK (item_state_cb), self,
                               G_CONNECT_SWAPPED);
      g_list_store_append (self->items, item);
    }
  /* The first new one is shown; nothing new: the one already there. */
  row = gtk_list_box_get_row_at_index (self->documents_list, (int) first);
  if (row != NULL)
    gtk_list_box_select_row (self->documents_list, row);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
chosen_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnrSignChooser) self = user_data;
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  files = enr_file_open_pdfs_finish (result, &error);
  if (files == NULL)
    {
      /* Closed, or no chooser to show: the button stays, to try again. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("no file chooser: %s", error->message);
      return;
    }
  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));
  enr_sign_chooser_add_files (self, (GFile **) array->pdata, array->len);
}

static void
choose_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  EnrSignChooser *self = ENR_SIGN_CHOOSER (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  enr_file_open_pdfs_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                            _("Choose Documents to Sign"), TRUE, self->cancellable, chosen_cb,
                            g_object_ref (self));
}

static void
remove_cb (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  EnrSignChooser *self = ENR_SIGN_CHOOSER (widget);
  g_autoptr(EnrSignItem) item = NULL;
  g_autoptr(GFile) file = NULL;
  GtkListBoxRow *row;
  guint position, n;

  file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));
  if (!find_file (self, file, &position))
    return;
  item = g_list_model_get_item (G_LIST_MODEL (self->items), position);
  enr_sign_item_cancel (item);
  g_list_store_remove (self->items, position);

  /* The focus was on the button just gone: to the next document, else
   * to the chooser. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  row = n > 0 ? gtk_list_box_get_row_at_index (self->documents_list,
                                               (int) MIN (position, n - 1)) : NULL;
  if (row != NULL)
    {
      gtk_list_box_select_row (self->documents_list, row);
      gtk_widget_grab_focus (GTK_WIDGET (row));
    }
  else
    {
      show_selected (self);
      gtk_widget_grab_focus (self->choose_button);
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

/* What was typed, as the signature will show it. */
static char *
dup_field (GtkEntry *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  return *text != '\0' ? g_steal_pointer (&text) : NULL;
}

char *
enr_sign_chooser_dup_reason (EnrSignChooser *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_CHOOSER (self), NULL);
  return dup_field (self->reason_entry);
}

char *
enr_sign_chooser_dup_place (EnrSignChooser *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_CHOOSER (self), NULL);
  return dup_field (self->place_entry);
}

void
enr_sign_chooser_count (EnrSignChooser *self,
                        guint          *ready,
                        guint          *loading,
                        guint          *refused)
{
  guint n;

  g_return_if_fail (ENR_IS_SIGN_CHOOSER (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  *ready = *loading = *refused = 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EnrSignItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      switch (enr_sign_item_get_state (item))
        {
        case ENR_SIGN_ITEM_LOADING:
          (*loading)++;
          break;
        case ENR_SIGN_ITEM_REFUSED:
          (*refused)++;
          break;
        case ENR_SIGN_ITEM_READY:
        default:
          (*ready)++;
          break;
        }
    }
}

static void
cancel_items (EnrSignChooser *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->items)); i++)
    {
      g_autoptr(EnrSignItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      enr_sign_item_cancel (item);
    }
}

void
enr_sign_chooser_clear (EnrSignChooser *self)
{
  g_return_if_fail (ENR_IS_SIGN_CHOOSER (self));

  cancel_items (self);
  g_list_store_remove_all (self->items);
  show_selected (self);
  gtk_editable_set_text (GTK_EDITABLE (self->reason_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->place_entry), "");
  g_signal_emit (self, signals[CHANGED], 0);
}

GListModel *
enr_sign_chooser_get_items (EnrSignChooser *self)
{
  g_return_val_if_fail (ENR_IS_SIGN_CHOOSER (self), NULL);
  return G_LIST_MODEL (self->items);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  return enr_sign_row_new (ENR_SIGN_ITEM (item));
}

static void
enr_sign_chooser_dispose (GObject *object)
{
  EnrSignChooser *self = ENR_SIGN_CHOOSER (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->documents_list != NULL)
    {
      /* The list and the placer empty themselves as they go: nothing is
       * to be shown or kept then. */
      g_signal_handlers_disconnect_by_data (self->documents_list, self);
      g_signal_handlers_disconnect_by_data (self->placer, self);
    }
  if (self->items != NULL)
    cancel_items (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_SIGN_CHOOSER);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->shown);
  g_clear_object (&self->items);
  G_OBJECT_CLASS (enr_sign_chooser_parent_class)->dispose (object);
}

/* Back on this view: the document shown, or the way to choose one. */
static gboolean
enr_sign_chooser_grab_focus (GtkWidget *widget)
{
  EnrSignChooser *self = ENR_SIGN_CHOOSER (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->documents_list);

  return gtk_widget_grab_focus (row != NULL ? GTK_WIDGET (row) : self->choose_button);
}

static void
enr_sign_chooser_class_init (EnrSignChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_sign_chooser_dispose;
  widget_class->grab_focus = enr_sign_chooser_grab_focus;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  g_type_ensure (ENR_TYPE_SIGNATURE_PLACER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-sign-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrSignChooser, choose_button);
  gtk_widget_class_bind_template_child (widget_class, EnrSignChooser, empty_label);
  gtk_widget_class_bind_template_child (widget_class, EnrSignChooser, documents_list);
  gtk_widget_class_bind_template_child (widget_class, EnrSignChooser, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrSignChooser, place_entry);
  gtk_widget_class_bind_template_child (widget_class, EnrSignChooser, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, EnrSignChooser, refused_label);
  gtk_widget_class_bind_template_child (widget_class, EnrSignChooser, placer);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, placement_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, placer_loading_cb);

  gtk_widget_class_install_action (widget_class, "chooser.choose", NULL, choose_cb);
  gtk_widget_class_install_action (widget_class, "chooser.remove", "s", remove_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "chooser.choose", NULL);
}

static void
enr_sign_chooser_init (EnrSignChooser *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->items = g_list_store_new (ENR_TYPE_SIGN_ITEM);
  self->cancellable = g_cancellable_new ();
  gtk_list_box_bind_model (self->documents_list, G_LIST_MODEL (self->items), create_row_cb, NULL,
                           NULL);
  show_selected (self);
}

GtkWidget *
enr_sign_chooser_new (void)
{
  return g_object_new (ENR_TYPE_SIGN_CHOOSER, NULL);
}
