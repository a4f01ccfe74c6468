/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-qr-code"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include <qrencode.h>

#include "enr-qr-code.h"

struct _EnrQrCode
{
  GtkWidget  parent_instance;

  char      *text;
  guint      modules;        /* width of the symbol, in modules */
  guint8    *dark;           /* modules × modules: 1 where dark */
  guint      module_size;    /* in pixels, as last drawn */
};

G_DEFINE_FINAL_TYPE (EnrQrCode, enr_qr_code, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Small enough to fit beside the password form, large enough for a phone
 * held at arm's length: the natural size draws each module this big. */
#define NATURAL_MODULE_PX 6
#define MINIMUM_MODULE_PX 3

static guint
total_modules (EnrQrCode *self)
{
  return self->modules + 2 * ENR_QR_CODE_QUIET_ZONE;
}

static void
encode (EnrQrCode *self)
{
  QRcode *code;

  g_clear_pointer (&self->dark, g_free);
  self->modules = 0;

  if (self->text == NULL || *self->text == '\0')
    return;

  code = QRcode_encodeString8bit (self->text, 0, QR_ECLEVEL_M);
  if (code == NULL)
    {
      g_warning ("cannot encode a QR code of %zu bytes", strlen (self->text));
      return;
    }

  self->modules = (guint) code->width;
  self->dark = g_malloc ((gsize) self->modules * self->modules);
  /* Bit 0 of each libqrencode byte is the module's colour; the others
   * say what the module is for. */
  for (guint i = 0; i < self->modules * self->modules; i++)
    self->dark[i] = code->data[i] & 1;
  QRcode_free (code);
}

static void
enr_qr_code_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  EnrQrCode *self = ENR_QR_CODE (widget);
  static const GdkRGBA white = { 1, 1, 1, 1 };
  static const GdkRGBA black = { 0, 0, 0, 1 };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  guint total, module_px;
  float unit, side, x0, y0;

  if (self->dark == NULL)
    return;

  /* A whole number of device pixels per module: fractional modules would
   * be antialiased into grey seams that cameras misread. */
  total = total_modules (self);
  module_px = (guint) (MIN (width, height) * scale) / total;
  if (module_px == 0)
    module_px = 1;
  self->module_size = module_px;

  unit = (float) module_px / scale;
  side = unit * total;
  x0 = floorf ((width - side) / 2 * scale) / scale;
  y0 = floorf ((height - side) / 2 * scale) / scale;

  gtk_snapshot_append_color (snapshot, &white, &GRAPHENE_RECT_INIT (x0, y0, side, side));

  /* One rectangle per horizontal run of dark modules keeps the render
   * tree small (a version-4 code has some 500 runs, not 1500 squares). */
  for (guint y = 0; y < self->modules; y++)
    {
      const guint8 *row = self->dark + (gsize) y * self->modules;
      guint x = 0;

      while (x < self->modules)
        {
          guint start;

          if (!row[x])
            {
              x++;
              continue;
            }
          start = x;
          while (x < self->modules && row[x])
            x++;
          gtk_snapshot_append_color (snapshot, &black,
                                     &GRAPHENE_RECT_INIT (x0 + (start + ENR_QR_CODE_QUIET_ZONE) * unit,
                                                          y0 + (y + ENR_QR_CODE_QUIET_ZONE) * unit,
                                                          (x - start) * unit,
                                                          unit));
        }
    }
}

static void
enr_qr_code_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  EnrQrCode *self = ENR_QR_CODE (widget);
  guint total = self->dark != NULL ? total_modules (self) : 0;

  *minimum = (int) (total * MINIMUM_MODULE_PX);
  *natural = (int) (total * NATURAL_MODULE_PX);
}

static GtkSizeRequestMode
enr_qr_code_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

static void
enr_qr_code_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  EnrQrCode *self = ENR_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_qr_code_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  EnrQrCode *self = ENR_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      enr_qr_code_set_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
enr_qr_code_finalize (GObject *object)
{
  EnrQrCode *self = ENR_QR_CODE (object);

  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->dark, g_free);

  G_OBJECT_CLASS (enr_qr_code_parent_class)->finalize (object);
}

static void
enr_qr_code_class_init (EnrQrCodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = enr_qr_code_finalize;
  object_class->get_property = enr_qr_code_get_property;
  object_class->set_property = enr_qr_code_set_property;

  widget_class->snapshot = enr_qr_code_snapshot;
  widget_class->measure = enr_qr_code_measure;
  widget_class->get_request_mode = enr_qr_code_get_request_mode;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "qrcode");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
enr_qr_code_init (EnrQrCode *self)
{
  /* A name of its own until the page gives a better one. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("QR code"),
                                  -1);
}

GtkWidget *
enr_qr_code_new (void)
{
  return g_object_new (ENR_TYPE_QR_CODE, NULL);
}

void
enr_qr_code_set_text (EnrQrCode  *self,
                      const char *text)
{
  g_return_if_fail (ENR_IS_QR_CODE (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  encode (self);

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

const char *
enr_qr_code_get_text (EnrQrCode *self)
{
  g_return_val_if_fail (ENR_IS_QR_CODE (self), NULL);
  return self->text;
}

guint
enr_qr_code_get_modules (EnrQrCode *self)
{
  g_return_val_if_fail (ENR_IS_QR_CODE (self), 0);
  return self->modules;
}

guint
enr_qr_code_get_module_size (EnrQrCode *self)
{
  g_return_val_if_fail (ENR_IS_QR_CODE (self), 0);
  return self->module_size;
}
