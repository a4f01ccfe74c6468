/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "enr-asn1"

#include "config.h"

#include <gio/gio.h>

#include "enr-asn1.h"

/* Made by asn1Parser from enr-asn1.asn at build time. */
extern const asn1_static_node enr_asn1_tab[];

/* The definitions, parsed once and shared: libtasn1 only reads them. */
static asn1_node
definitions (void)
{
  static gsize done = 0;
  static asn1_node tree = NULL;

  if (g_once_init_enter (&done))
    {
      char problem[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";

      if (asn1_array2tree (enr_asn1_tab, &tree, problem) != ASN1_SUCCESS)
        g_error ("enr-asn1.asn: %s", problem);
      g_once_init_leave (&done, 1);
    }
  return tree;
}

asn1_node
enr_asn1_new (const char *type)
{
  g_autofree char *name = g_strconcat ("EnrAsn1.", type, NULL);
  asn1_node node = NULL;

  if (asn1_create_element (definitions (), name, &node) != ASN1_SUCCESS)
    g_error ("enr-asn1.asn has no %s", type);
  return node;
}

void
enr_asn1_delete (asn1_node node)
{
  if (node != NULL)
    asn1_delete_structure (&node);
}

gboolean
enr_asn1_write (asn1_node    node,
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
enr_asn1_encode (asn1_node    node,
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
enr_asn1_oid_der (const char  *oid,
                  GError     **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new ("ObjectId");

  if (!enr_asn1_write (node, "", oid, 0, error))
    return NULL;
  return enr_asn1_encode (node, "", error);
}

GBytes *
enr_asn1_octets_der (const guint8  *data,
                     gsize          len,
                     GError       **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new ("OctetString");

  if (!enr_asn1_write (node, "", data, (int) len, error))
    return NULL;
  return enr_asn1_encode (node, "", error);
}

asn1_node
enr_asn1_decode (const char    *type,
                 const guint8  *der,
                 gsize          len,
                 GError       **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new (type);
  int der_len = (int) len;
  int ret;

  if (der == NULL || len == 0 || len > G_MAXINT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "No %s: empty or too long", type);
      return NULL;
    }
  ret = asn1_der_decoding2 (&node, der, &der_len, ASN1_DECODE_FLAG_STRICT_DER, NULL);
  if (ret != ASN1_SUCCESS || (gsize) der_len != len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a DER %s: %s", type,
                   ret != ASN1_SUCCESS ? asn1_strerror (ret) : "bytes after it");
      return NULL;
    }
  return g_steal_pointer (&node);
}

asn1_node
enr_asn1_decode_ber (const char    *type,
                     const guint8  *der,
                     gsize          len,
                     gsize         *consumed,
                     GError       **error)
{
  g_autoptr(asn1_node_st) node = enr_asn1_new (type);
  int der_len = (int) len;
  int ret;

  if (der == NULL || len == 0 || len > G_MAXINT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "No %s: empty or too long", type);
      return NULL;
    }
  ret = asn1_der_decoding2 (&node, der, &der_len, 0, NULL);
  if (ret != ASN1_SUCCESS || der_len <= 0 || (gsize) der_len > len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Not a BER %s: %s", type,
                   asn1_strerror (ret));
      return NULL;
    }
  *consumed = der_len;
  return g_steal_pointer (&node);
}

GBytes *
enr_asn1_read (asn1_node   node,
               const char *name)
{
  int len = 0;
  int ret = asn1_read_value (node, name, NULL, &len);
  guint8 *value;

  if (ret == ASN1_SUCCESS && len == 0)
    return g_bytes_new (NULL, 0);
  if (ret != ASN1_MEM_ERROR || len <= 0)
    return NULL;
  value = g_malloc (len);
  if (asn1_read_value (node, name, value, &len) != ASN1_SUCCESS)
    {
      g_free (value);
      return NULL;
    }
  return g_bytes_new_take (value, len);
}

char *
enr_asn1_read_oid (asn1_node   node,
                   const char *name)
{
  char oid[ASN1_MAX_NAME_SIZE * 2];
  int len = sizeof oid;

  if (asn1_read_value (node, name, oid, &len) != ASN1_SUCCESS || len <= 1)
    return NULL;
  return g_strndup (oid, len);
}

gboolean
enr_asn1_span (asn1_node     node,
               const guint8 *der,
               gsize         len,
               const char   *name,
               gsize        *start,
               gsize        *end)
{
  int s = 0;
  int e = 0;

  if (len > G_MAXINT ||
      asn1_der_decoding_startEnd (node, der, (int) len, name, &s, &e) != ASN1_SUCCESS ||
      s < 0 || e < s || (gsize) e >= len)
    return FALSE;
  *start = s;
  *end = (gsize) e + 1;
  return TRUE;
}
