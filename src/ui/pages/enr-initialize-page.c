/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-initialize-page"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "enr-error-area.h"
#include "enr-initialize-page.h"

struct _EnrInitializePage
{
  EnrPage         parent_instance;

  GtkWidget      *error_area;

  GCancellable   *cancellable;     /* the apply's, while it runs */
};

G_DEFINE_FINAL_TYPE (EnrInitializePage, enr_initialize_page, ENR_TYPE_PAGE)

/* The wait, said in the page's status line as it goes; cancelling is
 * safe: the hand-off is taken up again where it stopped. */
static void
update (EnrInitializePage *self)
{
  const char *state = enr_session_get_smartca_state (enr_page_get_session (ENR_PAGE (self)));

  if (self->cancellable == NULL)
    return;
  enr_page_begin_wait (ENR_PAGE (self),
                       g_strcmp0 (state, "SYNCING") == 0
                         ? _("VNPT SmartCA is receiving your registration from VNeID…")
                         : _("Handing your registration over to VNPT SmartCA…"),
                       self->cancellable);
}

static void
retry_cb (EnrInitializePage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.next", NULL);
}

static void
enr_initialize_page_apply_async (EnrPage             *page,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  EnrInitializePage *self = ENR_INITIALIZE_PAGE (page);

  g_set_object (&self->cancellable, cancellable);
  update (self);
  enr_session_start_service_async (enr_page_get_session (page), cancellable,
                                   enr_page_session_done_cb,
                                   enr_page_session_apply_new (page,
                                                               enr_session_start_service_finish,
                                                               cancellable, callback,
                                                               user_data));
}

static gboolean
enr_initialize_page_apply_finish (EnrPage       *page,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  EnrInitializePage *self = ENR_INITIALIZE_PAGE (page);

  g_clear_object (&self->cancellable);
  return ENR_PAGE_CLASS (enr_initialize_page_parent_class)->apply_finish (page, result, error);
}

static void
enr_initialize_page_constructed (GObject *object)
{
  EnrInitializePage *self = ENR_INITIALIZE_PAGE (object);

  G_OBJECT_CLASS (enr_initialize_page_parent_class)->constructed (object);
  g_signal_connect_object (enr_page_get_session (ENR_PAGE (self)), "notify::smartca-state",
                           G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  enr_page_set_complete (ENR_PAGE (self), TRUE);
}

static void
enr_initialize_page_dispose (GObject *object)
{
  EnrInitializePage *self = ENR_INITIALIZE_PAGE (object);

  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), ENR_TYPE_INITIALIZE_PAGE);
  G_OBJECT_CLASS (enr_initialize_page_parent_class)->dispose (object);
}

static void
enr_initialize_page_class_init (EnrInitializePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  EnrPageClass *page_class = ENR_PAGE_CLASS (klass);

  object_class->constructed = enr_initialize_page_constructed;
  object_class->dispose = enr_initialize_page_dispose;
  page_class->apply_async = enr_initialize_page_apply_async;
  page_class->apply_finish = enr_initialize_page_apply_finish;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/vn/smartca/Enroll/enr-initialize-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EnrInitializePage, error_area);
  gtk_widget_class_bind_template_callback (widget_class, retry_cb);
}

static void
enr_initialize_page_init (EnrInitializePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  enr_page_set_error_area (ENR_PAGE (self), self->error_area);
  /* VNPT's own words for the button of this step. */
  enr_page_set_next_label (ENR_PAGE (self), _("_Open the VNPT SmartCA App"));
}
