/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Buffers that held a PIN, a derived key or a private key are overwritten
 * (gnutls_memset, which the compiler may not drop) before they are freed.
 */

/* A NUL-terminated secret, wiped by its autoptr: g_autoptr(EnrSecureString). */
typedef char EnrSecureString;

EnrSecureString *enr_secure_strdup        (const char *text);
void             enr_secure_string_free   (EnrSecureString *text);
/* Wipes and frees the string *@text (nullable), and sets *@text to NULL:
 * for a field that held a token, an id or a PIN. */
void             enr_secure_clear_string  (char            **text);

/* GBytes that wipe their data when the last reference goes. */
GBytes          *enr_secure_bytes_new_take (guint8 *data,
                                            gsize   len);
GBytes          *enr_secure_bytes_new      (const guint8 *data,
                                            gsize         len);

void             enr_secure_wipe           (gpointer data,
                                            gsize    len);
/* Wipes @len bytes of @data, then g_free()s it. */
void             enr_secure_free           (gpointer data,
                                            gsize    len);

/* The same bytes, compared in a time that does not depend on where they
 * differ. */
gboolean         enr_secure_equal          (const guint8 *a,
                                            const guint8 *b,
                                            gsize         len);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrSecureString, enr_secure_string_free)

G_END_DECLS
