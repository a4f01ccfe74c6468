/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The median of a benchmark's runs, for the C benchmark programs. */

#include <glib.h>
#include <stdlib.h>

static inline int
compare (gconstpointer a,
         gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Sorts @values in place. */
static inline double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof *values, compare);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}
