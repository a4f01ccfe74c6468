/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <cairo-pdf.h>

#include "enr-test-pdf.h"

static cairo_status_t
append_cb (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

cairo_surface_t *
enr_test_pdf_surface_new (GByteArray *out,
                          double      width,
                          double      height)
{
  return cairo_pdf_surface_create_for_stream (append_cb, out, width, height);
}
