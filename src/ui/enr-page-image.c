/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-page-image"

#include "config.h"

#include "enr-page-image.h"

struct _EnrPageImage
{
  GObject          parent_instance;

  cairo_surface_t *surface;
};

static void enr_page_image_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EnrPageImage, enr_page_image, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      enr_page_image_paintable_init))

static void
enr_page_image_snapshot (GdkPaintable *paintable,
                         GdkSnapshot  *snapshot,
                         double        width,
                         double        height)
{
  EnrPageImage *self = ENR_PAGE_IMAGE (paintable);
  cairo_pattern_t *pattern;
  cairo_matrix_t matrix;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  /* The node records the surface, it does not copy its pixels: cairo
   * keeps a reference, and nothing draws on the surface any more. The
   * edges are padded, as GTK pads a texture's, so that a page drawn a
   * little larger than rendered has no faded rim. */
  cr = gtk_snapshot_append_cairo (GTK_SNAPSHOT (snapshot),
                                  &GRAPHENE_RECT_INIT (0, 0, width, height));
  pattern = cairo_pattern_create_for_surface (self->surface);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_PAD);
  cairo_matrix_init_scale (&matrix, cairo_image_surface_get_width (self->surface) / width,
                           cairo_image_surface_get_height (self->surface) / height);
  cairo_pattern_set_matrix (pattern, &matrix);
  cairo_set_source (cr, pattern);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
  cairo_pattern_destroy (pattern);
  cairo_destroy (cr);
}

static GdkPaintableFlags
enr_page_image_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static int
enr_page_image_get_intrinsic_width (GdkPaintable *paintable)
{
  return cairo_image_surface_get_width (ENR_PAGE_IMAGE (paintable)->surface);
}

static int
enr_page_image_get_intrinsic_height (GdkPaintable *paintable)
{
  return cairo_image_surface_get_height (ENR_PAGE_IMAGE (paintable)->surface);
}

static void
enr_page_image_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = enr_page_image_snapshot;
  iface->get_flags = enr_page_image_get_flags;
  iface->get_intrinsic_width = enr_page_image_get_intrinsic_width;
  iface->get_intrinsic_height = enr_page_image_get_intrinsic_height;
}

static void
enr_page_image_finalize (GObject *object)
{
  EnrPageImage *self = ENR_PAGE_IMAGE (object);

  cairo_surface_destroy (self->surface);

  G_OBJECT_CLASS (enr_page_image_parent_class)->finalize (object);
}

static void
enr_page_image_class_init (EnrPageImageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = enr_page_image_finalize;
}

static void
enr_page_image_init (EnrPageImage *self)
{
}

EnrPageImage *
enr_page_image_new (cairo_surface_t *surface)
{
  EnrPageImage *self;

  g_return_val_if_fail (surface != NULL, NULL);
  g_return_val_if_fail (cairo_surface_get_type (surface) == CAIRO_SURFACE_TYPE_IMAGE, NULL);
  g_return_val_if_fail (cairo_image_surface_get_format (surface) == CAIRO_FORMAT_ARGB32, NULL);
  g_return_val_if_fail (cairo_image_surface_get_width (surface) > 0 &&
                        cairo_image_surface_get_height (surface) > 0, NULL);

  self = g_object_new (ENR_TYPE_PAGE_IMAGE, NULL);
  self->surface = cairo_surface_reference (surface);

  return self;
}

int
enr_page_image_get_width (EnrPageImage *self)
{
  g_return_val_if_fail (ENR_IS_PAGE_IMAGE (self), 0);
  return cairo_image_surface_get_width (self->surface);
}

int
enr_page_image_get_height (EnrPageImage *self)
{
  g_return_val_if_fail (ENR_IS_PAGE_IMAGE (self), 0);
  return cairo_image_surface_get_height (self->surface);
}
