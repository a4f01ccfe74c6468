/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-request-row"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-countdown.h"
#include "enr-format.h"
#include "enr-request-row.h"

struct _EnrRequestRow
{
  GtkListBoxRow      parent_instance;

  GtkLabel          *description_label;
  GtkLabel          *time_label;
  GtkLabel          *documents_label;
  GtkButton         *approve_button;
  GtkButton         *reject_button;

  EnrSigningRequest *request;
  guint              tick_source;
};

G_DEFINE_FINAL_TYPE (EnrRequestRow, enr_request_row, GTK_TYPE_LIST_BOX_ROW)

char *
enr_request_row_describe_documents (EnrSigningRequest *request)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < enr_signing_request_get_n_documents (request); i++)
    {
      g_autofree char *hash = enr_format_hash (enr_signing_request_get_document_hash (request,
                                                                                   i));

      if (i > 0)
        g_string_append (text, "\n\n");
      /* Translators: a document to sign: its name, then its SHA-256. */
      g_string_append_printf (text, _("%s\nSHA-256: %s"),
                              enr_signing_request_get_document_name (request, i), hash);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_time (EnrRequestRow *self)
{
  g_autofree char *asked = enr_format_time_us (enr_signing_request_get_requested_at (self->request));
  gint64 expires_at = enr_signing_request_get_expires_at (self->request);
  g_autofree char *left = NULL;
  g_autofree char *text = NULL;

  if (expires_at > 0 && enr_countdown_seconds_left (expires_at) == 0)
    text = g_strdup_printf (_("Asked on %s. It has expired."), asked);
  else if (expires_at > 0)
    {
      left = enr_countdown_format (expires_at);
      /* Translators: a date and time, then a duration such as 4:59. */
      text = g_strdup_printf (_("Asked on %s. It waits %s more for your answer."), asked, left);
    }
  else
    text = g_strdup_printf (_("Asked on %s."), asked);
  gtk_label_set_text (self->time_label, text);
}

static gboolean
tick_cb (gpointer user_data)
{
  update_time (user_data);
  return G_SOURCE_CONTINUE;
}

static void
enr_request_row_map (GtkWidget *widget)
{
  EnrRequestRow *self = ENR_REQUEST_ROW (widget);

  GTK_WIDGET_CLASS (enr_request_row_parent_class)->map (widget);
  update_time (self);
  if (self->tick_source == 0)
    self->tick_source = g_timeout_add_seconds (1, tick_cb, self);
}

static void
enr_request_row_unmap (GtkWidget *widget)
{
  EnrRequestRow *self = ENR_REQUEST_ROW (widget);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  GTK_WIDGET_CLASS (enr_request_row_parent_class)->unmap (widget);
}

static void
enr_request_row_dispose (GObject *object)
{
  EnrRequestRow *self = ENR_REQUEST_ROW (object);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_object (&self->request);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_REQUEST_ROW);
  G_OBJECT_CLASS (enr_request_row_parent_class)->dispose (object);
}

static void
enr_request_row_class_init (EnrRequestRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_request_row_dispose;
  widget_class->map = enr_request_row_map;
  widget_class->unmap = enr_request_row_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-request-row.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrRequestRow, description_label);
  gtk_widget_class_bind_template_child (widget_class, EnrRequestRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, EnrRequestRow, documents_label);
  gtk_widget_class_bind_template_child (widget_class, EnrRequestRow, approve_button);
  gtk_widget_class_bind_template_child (widget_class, EnrRequestRow, reject_button);
}

static void
enr_request_row_init (EnrRequestRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
enr_request_row_new (EnrSigningRequest *request)
{
  EnrRequestRow *self;
  g_autofree char *documents = NULL;
  GVariant *target;

  g_return_val_if_fail (ENR_IS_SIGNING_REQUEST (request), NULL);

  self = g_object_new (ENR_TYPE_REQUEST_ROW, NULL);
  self->request = g_object_ref (request);
  gtk_label_set_text (self->description_label, enr_signing_request_get_description (request));
  documents = enr_request_row_describe_documents (request);
  gtk_label_set_text (self->documents_label, documents);
  update_time (self);

  target = g_variant_ref_sink (g_variant_new_string (enr_signing_request_get_id (request)));
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->approve_button), target);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (self->reject_button), target);
  g_variant_unref (target);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  enr_signing_request_get_description (request), -1);
  return GTK_WIDGET (self);
}

EnrSigningRequest *
enr_request_row_get_request (EnrRequestRow *self)
{
  g_return_val_if_fail (ENR_IS_REQUEST_ROW (self), NULL);
  return self->request;
}
