/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-module"

#include "config.h"

#include <gio/gio.h>
#include <gmodule.h>

#include "enr-module.h"
#include "enr-paths.h"

typedef gconstpointer (*TableFunc) (void);

gconstpointer
enr_module_load (const char  *build_dir,
                 const char  *name,
                 const char  *symbol,
                 guint        version,
                 GError     **error)
{
  g_autofree char *path = enr_paths_get_module (build_dir, name);
  GModule *module;
  TableFunc get = NULL;
  gconstpointer table;

  g_return_val_if_fail (symbol != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Its symbols stay its own (LOCAL): only the table is reached. */
  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "cannot load %s: %s", name,
                   g_module_error ());
      return NULL;
    }
  if (!g_module_symbol (module, symbol, (gpointer *) &get) || get == NULL ||
      (table = get ()) == NULL || *(const guint *) table != version)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%s is not this program's module (version %u)", path, version);
      g_module_close (module);
      return NULL;
    }
  g_module_make_resident (module);
  return table;
}
