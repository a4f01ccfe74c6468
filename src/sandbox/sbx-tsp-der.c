/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "sbx-tsa"

#include "config.h"

#include <gio/gio.h>

#include "sbx-tsp-der.h"

/* Made by asn1Parser from data/sbx-tsp.asn at build time. */
extern const asn1_static_node sbx_tsp_asn1_tab[];

/* The definitions, parsed once and shared: libtasn1 only reads them. */
static asn1_node
definitions (void)
{
  static gsize done = 0;
  static asn1_node tree = NULL;

  if (g_once_init_enter (&done))
    {
      char problem[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";

      if (asn1_array2tree (sbx_tsp_asn1_tab, &tree, problem) != ASN1_SUCCESS)
        g_error ("data/sbx-tsp.asn: %s", problem);
      g_once_init_leave (&done, 1);
    }
  return tree;
}

asn1_node
sbx_tsp_new (const char *type)
{
  g_autofree char *name = g_strconcat ("SbxTsp.", type, NULL);
  asn1_node node = NULL;

  if (asn1_create_element (definitions (), name, &node) != ASN1_SUCCESS)
    g_error ("data/sbx-tsp.asn has no %s", type);
  return node;
}

void
sbx_tsp_delete (asn1_node node)
{
  if (node != NULL)
    asn1_delete_structure (&node);
}

gboolean
sbx_tsp_write (asn1_node    node,
               const char  *name,
               const void  *value,
               int          len,
               GError     **error)
{
  int ret = asn1_write_value (node, name, value, len);

  if (ret == ASN1_SUCCESS)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Writing %s: %s", name, asn1_strerror (ret));
  return FALSE;
}

GBytes *
sbx_tsp_encode (asn1_node    node,
                const char  *name,
                GError     **error)
{
  char problem[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
  int len = 0;
  int ret;
  guint8 *der;

  ret = asn1_der_coding (node, name, NULL, &len, problem);
  if (ret != ASN1_MEM_ERROR)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Encoding %s: %s %s", name,
                   asn1_strerror (ret), problem);
      return NULL;
    }
  der = g_malloc (len);
  ret = asn1_der_coding (node, name, der, &len, problem);
  if (ret != ASN1_SUCCESS)
    {
      g_free (der);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Encoding %s: %s %s", name,
                   asn1_strerror (ret), problem);
      return NULL;
    }
  return g_bytes_new_take (der, len);
}

GBytes *
sbx_tsp_oid_der (const char  *oid,
                 GError     **error)
{
  g_autoptr(asn1_node_st) node = sbx_tsp_new ("ObjectId");

  if (!sbx_tsp_write (node, "", oid, 0, error))
    return NULL;
  return sbx_tsp_encode (node, "", error);
}

GBytes *
sbx_tsp_octets_der (const guint8  *data,
                    gsize          len,
                    GError       **error)
{
  g_autoptr(asn1_node_st) node = sbx_tsp_new ("OctetString");

  if (!sbx_tsp_write (node, "", data, (int) len, error))
    return NULL;
  return sbx_tsp_encode (node, "", error);
}
