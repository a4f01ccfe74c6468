/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-signature-box"

#include "config.h"

#include <math.h>

#include "enr-signature-box.h"

/* A box placed by arithmetic and one moved there by hand are the same
 * place when they differ by less than anyone can see or type. */
#define SAME_PLACE 0.01

double
enr_signature_box_get_width (const EnrSignatureBox *box)
{
  g_return_val_if_fail (box != NULL, 0);
  return box->x2 - box->x1;
}

double
enr_signature_box_get_height (const EnrSignatureBox *box)
{
  g_return_val_if_fail (box != NULL, 0);
  return box->y2 - box->y1;
}

gboolean
enr_signature_box_contains (const EnrSignatureBox *box,
                            double                 x,
                            double                 y)
{
  g_return_val_if_fail (box != NULL, FALSE);
  return x >= box->x1 && x <= box->x2 && y >= box->y1 && y <= box->y2;
}

gboolean
enr_signature_box_equal (const EnrSignatureBox *a,
                         const EnrSignatureBox *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);
  return fabs (a->x1 - b->x1) < SAME_PLACE && fabs (a->y1 - b->y1) < SAME_PLACE &&
         fabs (a->x2 - b->x2) < SAME_PLACE && fabs (a->y2 - b->y2) < SAME_PLACE;
}

/* A size between the minimum and the page; a page smaller than the
 * minimum is the limit itself. */
static double
fit (double size,
     double minimum,
     double page)
{
  return CLAMP (size, MIN (minimum, page), page);
}

static void
set_box (EnrSignatureBox *box,
         double           x1,
         double           y1,
         double           width,
         double           height)
{
  box->x1 = x1;
  box->y1 = y1;
  box->x2 = x1 + width;
  box->y2 = y1 + height;
}

void
enr_signature_box_clamp (EnrSignatureBox *box,
                         double           page_width,
                         double           page_height)
{
  double width, height;

  g_return_if_fail (box != NULL);

  page_width = MAX (page_width, 0);
  page_height = MAX (page_height, 0);
  if (box->x2 < box->x1)
    {
      double x = box->x1;

      box->x1 = box->x2;
      box->x2 = x;
    }
  if (box->y2 < box->y1)
    {
      double y = box->y1;

      box->y1 = box->y2;
      box->y2 = y;
    }

  width = fit (box->x2 - box->x1, ENR_SIGNATURE_BOX_MIN_WIDTH, page_width);
  height = fit (box->y2 - box->y1, ENR_SIGNATURE_BOX_MIN_HEIGHT, page_height);
  set_box (box, CLAMP (box->x1, 0, page_width - width), CLAMP (box->y1, 0, page_height - height),
           width, height);
}

void
enr_signature_box_move (EnrSignatureBox *box,
                        double           dx,
                        double           dy,
                        double           page_width,
                        double           page_height)
{
  g_return_if_fail (box != NULL);

  set_box (box, box->x1 + dx, box->y1 + dy, box->x2 - box->x1, box->y2 - box->y1);
  enr_signature_box_clamp (box, page_width, page_height);
}

void
enr_signature_box_resize (EnrSignatureBox *box,
                          double           dw,
                          double           dh,
                          double           page_width,
                          double           page_height)
{
  double width, height, left, top;

  g_return_if_fail (box != NULL);

  enr_signature_box_clamp (box, page_width, page_height);
  width = fit (box->x2 - box->x1 + dw, ENR_SIGNATURE_BOX_MIN_WIDTH, page_width);
  height = fit (box->y2 - box->y1 + dh, ENR_SIGNATURE_BOX_MIN_HEIGHT, page_height);
  /* Growing into the page's right or bottom edge pushes the box back. */
  left = MAX (MIN (box->x1, page_width - width), 0);
  top = MIN (MAX (box->y2, height), page_height);
  set_box (box, left, top - height, width, height);
  enr_signature_box_clamp (box, page_width, page_height);
}

/* From @a towards @b, at least @minimum long. */
static void
span (double  a,
      double  b,
      double  minimum,
      double *low,
      double *high)
{
  if (b >= a)
    {
      *low = a;
      *high = MAX (b, a + minimum);
    }
  else
    {
      *low = MIN (b, a - minimum);
      *high = a;
    }
}

void
enr_signature_box_from_corners (EnrSignatureBox *box,
                                double           ax,
                                double           ay,
                                double           bx,
                                double           by,
                                double           page_width,
                                double           page_height)
{
  g_return_if_fail (box != NULL);

  span (CLAMP (ax, 0, page_width), CLAMP (bx, 0, page_width), ENR_SIGNATURE_BOX_MIN_WIDTH,
        &box->x1, &box->x2);
  span (CLAMP (ay, 0, page_height), CLAMP (by, 0, page_height), ENR_SIGNATURE_BOX_MIN_HEIGHT,
        &box->y1, &box->y2);
  enr_signature_box_clamp (box, page_width, page_height);
}

void
enr_signature_box_place (EnrSignatureBox   *box,
                         EnrSignaturePlace  place,
                         double             page_width,
                         double             page_height)
{
  double width, height, margin_x, margin_y, x1, y1;

  g_return_if_fail (box != NULL);
  g_return_if_fail (place < ENR_SIGNATURE_N_PLACES);

  page_width = MAX (page_width, 0);
  page_height = MAX (page_height, 0);
  width = MIN (fabs (box->x2 - box->x1),
               MAX (ENR_SIGNATURE_BOX_MIN_WIDTH, page_width - 2 * ENR_SIGNATURE_BOX_MARGIN));
  height = MIN (fabs (box->y2 - box->y1),
                MAX (ENR_SIGNATURE_BOX_MIN_HEIGHT, page_height - 2 * ENR_SIGNATURE_BOX_MARGIN));
  width = fit (width, ENR_SIGNATURE_BOX_MIN_WIDTH, page_width);
  height = fit (height, ENR_SIGNATURE_BOX_MIN_HEIGHT, page_height);
  margin_x = MIN (ENR_SIGNATURE_BOX_MARGIN, page_width - width);
  margin_y = MIN (ENR_SIGNATURE_BOX_MARGIN, page_height - height);

  switch (place)
    {
    case ENR_SIGNATURE_PLACE_BOTTOM_LEFT:
    case ENR_SIGNATURE_PLACE_TOP_LEFT:
      x1 = margin_x;
      break;
    case ENR_SIGNATURE_PLACE_BOTTOM_CENTRE:
      x1 = (page_width - width) / 2;
      break;
    case ENR_SIGNATURE_PLACE_BOTTOM_RIGHT:
    case ENR_SIGNATURE_PLACE_TOP_RIGHT:
    case ENR_SIGNATURE_N_PLACES:
    default:
      x1 = page_width - margin_x - width;
      break;
    }

  if (place == ENR_SIGNATURE_PLACE_TOP_LEFT || place == ENR_SIGNATURE_PLACE_TOP_RIGHT)
    y1 = page_height - margin_y - height;
  else
    y1 = margin_y;

  set_box (box, x1, y1, width, height);
  enr_signature_box_clamp (box, page_width, page_height);
}

void
enr_signature_box_init_default (EnrSignatureBox *box,
                                double           page_width,
                                double           page_height)
{
  g_return_if_fail (box != NULL);

  set_box (box, 0, 0, ENR_SIGNATURE_BOX_WIDTH, ENR_SIGNATURE_BOX_HEIGHT);
  enr_signature_box_place (box, ENR_SIGNATURE_PLACE_BOTTOM_RIGHT, page_width, page_height);
}

gboolean
enr_signature_box_find_place (const EnrSignatureBox *box,
                              double                 page_width,
                              double                 page_height,
                              EnrSignaturePlace     *place)
{
  g_return_val_if_fail (box != NULL, FALSE);

  for (EnrSignaturePlace p = 0; p < ENR_SIGNATURE_N_PLACES; p++)
    {
      EnrSignatureBox placed = *box;

      enr_signature_box_place (&placed, p, page_width, page_height);
      if (enr_signature_box_equal (&placed, box))
        {
          if (place != NULL)
            *place = p;
          return TRUE;
        }
    }
  return FALSE;
}
