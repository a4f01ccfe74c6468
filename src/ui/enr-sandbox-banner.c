/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-sandbox-banner"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "enr-sandbox-banner.h"

typedef struct
{
  char *citizen_id;
  char *full_name;
  char *password;
  char *phone;
} Citizen;

struct _EnrSandboxBanner
{
  GtkWidget          parent_instance;

  GtkMenuButton     *menu_button;
  GtkListBox        *citizens_list;
  GtkLabel          *codes_label;
  GtkButton         *approve_button;
  GtkButton         *deny_button;
  GtkLabel          *status_label;

  EnrSession        *session;
  EnrSandboxControl *control;
  GPtrArray         *citizens;       /* Citizen */
  GCancellable      *cancellable;
};

G_DEFINE_FINAL_TYPE (EnrSandboxBanner, enr_sandbox_banner, GTK_TYPE_WIDGET)

static void
citizen_free (gpointer data)
{
  Citizen *citizen = data;

  g_free (citizen->citizen_id);
  g_free (citizen->full_name);
  g_free (citizen->password);
  g_free (citizen->phone);
  g_free (citizen);
}

/* The sandbox's own fixture, compiled into the resources too. */
static GPtrArray *
load_citizens (void)
{
  GPtrArray *citizens = g_ptr_array_new_with_free_func (citizen_free);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  data = g_resources_lookup_data ("/vn/smartca/Enroll/sandbox-citizens.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (data == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (data, NULL),
                                   (gssize) g_bytes_get_size (data), &error) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      g_warning ("cannot read the sandbox's citizens: %s", error ? error->message : "not a list");
      return citizens;
    }

  array = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      Citizen *citizen = g_new0 (Citizen, 1);

      citizen->citizen_id = g_strdup (json_object_get_string_member_with_default (object,
                                                                                  "citizen_id", ""));
      citizen->full_name = g_strdup (json_object_get_string_member_with_default (object,
                                                                                 "full_name", ""));
      citizen->password = g_strdup (json_object_get_string_member_with_default (object,
                                                                                "password", ""));
      citizen->phone = g_strdup (json_object_get_string_member_with_default (object, "phone", ""));
      g_ptr_array_add (citizens, citizen);
    }
  return citizens;
}

static Citizen *
selected_citizen (EnrSandboxBanner *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->citizens_list);
  int index = row != NULL ? gtk_list_box_row_get_index (row) : -1;

  if (index < 0 || (guint) index >= self->citizens->len)
    return NULL;
  return g_ptr_array_index (self->citizens, index);
}

static void
outbox_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnrSandboxBanner) self = user_data;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  outbox = enr_sandbox_control_outbox_finish (ENR_SANDBOX_CONTROL (source), result, &error);
  if (outbox == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->codes_label, error->message);
      return;
    }

  for (guint i = 0; i < outbox->len && i < 3; i++)
    {
      EnrSandboxOtp *otp = g_ptr_array_index (outbox, i);

      g_string_append_printf (text, "%s%s  (%s, %s)", i > 0 ? "\n" : "", otp->code,
                              otp->purpose, otp->sent_at);
    }
  gtk_label_set_text (self->codes_label, text->len > 0 ? text->str : _("No code sent yet."));
}

static void
refresh (EnrSandboxBanner *self)
{
  Citizen *citizen = selected_citizen (self);

  gboolean can_answer = citizen != NULL && self->control != NULL &&
                        enr_session_get_login_code (self->session) != NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->approve_button), can_answer);
  gtk_widget_set_sensitive (GTK_WIDGET (self->deny_button), can_answer);
  /* No sandbox yet, no codes: it is still starting. */
  if (citizen == NULL || self->control == NULL)
    return;
  enr_sandbox_control_outbox_async (self->control, citizen->phone, self->cancellable, outbox_cb,
                                    g_object_ref (self));
}

static void
answer_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(EnrSandboxBanner) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!enr_sandbox_control_answer_login_finish (ENR_SANDBOX_CONTROL (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->status_label, error->message);
      return;
    }
  gtk_label_set_text (self->status_label, "");
  /* The page moves on or says the refusal underneath: out of its way,
   * and the keyboard's. */
  gtk_menu_button_popdown (self->menu_button);
}

/* As the VNeID app would: the citizen approves or refuses the login that
 * the QR code shows. */
static void
answer_login (EnrSandboxBanner *self,
              gboolean          approve)
{
  const EnrLoginCode *code = enr_session_get_login_code (self->session);
  Citizen *citizen = selected_citizen (self);

  if (code == NULL || citizen == NULL || self->control == NULL)
    return;
  enr_sandbox_control_answer_login_async (self->control, code->user_code, citizen->citizen_id,
                                          approve, self->cancellable, answer_cb,
                                          g_object_ref (self));
}

static void
approve_clicked_cb (EnrSandboxBanner *self)
{
  answer_login (self, TRUE);
}

static void
deny_clicked_cb (EnrSandboxBanner *self)
{
  answer_login (self, FALSE);
}

static void
refresh_clicked_cb (EnrSandboxBanner *self)
{
  refresh (self);
}

static void
row_selected_cb (EnrSandboxBanner *self)
{
  gtk_label_set_text (self->status_label, "");
  refresh (self);
}

static void
fill_citizens (EnrSandboxBanner *self)
{
  for (guint i = 0; i < self->citizens->len; i++)
    {
      Citizen *citizen = g_ptr_array_index (self->citizens, i);
      /* Translators: a test citizen: name, citizen ID, password, phone. */
      g_autofree char *text = g_strdup_printf (_("%s — %s — password %s — phone %s"),
                                               citizen->full_name, citizen->citizen_id,
                                               citizen->password, citizen->phone);
      GtkWidget *label = gtk_label_new (text);
      GtkWidget *row = gtk_list_box_row_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), FALSE);
      gtk_widget_set_margin_top (label, 4);
      gtk_widget_set_margin_bottom (label, 4);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      /* A row takes the focus; GTK 4.8 names it after nothing inside. */
      gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, label, NULL,
                                      -1);
      gtk_list_box_append (self->citizens_list, row);
    }
  if (self->citizens->len > 0)
    gtk_list_box_select_row (self->citizens_list,
                             gtk_list_box_get_row_at_index (self->citizens_list, 0));
}

static void
enr_sandbox_banner_dispose (GObject *object)
{
  EnrSandboxBanner *self = ENR_SANDBOX_BANNER (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  /* The list unselects its rows as it goes. */
  if (self->citizens_list != NULL)
    g_signal_handlers_disconnect_by_data (self->citizens_list, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_SANDBOX_BANNER);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_object (&self->control);

  G_OBJECT_CLASS (enr_sandbox_banner_parent_class)->dispose (object);
}

static void
enr_sandbox_banner_finalize (GObject *object)
{
  EnrSandboxBanner *self = ENR_SANDBOX_BANNER (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->citizens, g_ptr_array_unref);
  G_OBJECT_CLASS (enr_sandbox_banner_parent_class)->finalize (object);
}

static void
enr_sandbox_banner_class_init (EnrSandboxBannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = enr_sandbox_banner_dispose;
  object_class->finalize = enr_sandbox_banner_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-sandbox-banner.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrSandboxBanner, menu_button);
  gtk_widget_class_bind_template_child (widget_class, EnrSandboxBanner, citizens_list);
  gtk_widget_class_bind_template_child (widget_class, EnrSandboxBanner, codes_label);
  gtk_widget_class_bind_template_child (widget_class, EnrSandboxBanner, approve_button);
  gtk_widget_class_bind_template_child (widget_class, EnrSandboxBanner, deny_button);
  gtk_widget_class_bind_template_child (widget_class, EnrSandboxBanner, status_label);
  gtk_widget_class_bind_template_callback (widget_class, approve_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, deny_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, refresh_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
enr_sandbox_banner_init (EnrSandboxBanner *self)
{
  self->cancellable = g_cancellable_new ();
  self->citizens = load_citizens ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
enr_sandbox_banner_new (EnrSession        *session,
                        EnrSandboxControl *control)
{
  EnrSandboxBanner *self;

  g_return_val_if_fail (ENR_IS_SESSION (session), NULL);
  g_return_val_if_fail (control == NULL || ENR_IS_SANDBOX_CONTROL (control), NULL);

  self = g_object_new (ENR_TYPE_SANDBOX_BANNER, NULL);
  self->session = g_object_ref (session);
  self->control = control != NULL ? g_object_ref (control) : NULL;
  /* A new code was sent, a QR login began or ended: show what changed. */
  g_signal_connect_object (session, "notify::otp", G_CALLBACK (refresh), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::login-code", G_CALLBACK (refresh), self,
                           G_CONNECT_SWAPPED);
  fill_citizens (self);
  return GTK_WIDGET (self);
}

void
enr_sandbox_banner_set_control (EnrSandboxBanner  *self,
                                EnrSandboxControl *control)
{
  g_return_if_fail (ENR_IS_SANDBOX_BANNER (self));
  g_return_if_fail (control == NULL || ENR_IS_SANDBOX_CONTROL (control));

  if (g_set_object (&self->control, control))
    refresh (self);
}
