/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * The key-authorisation key: RSA-2048, e = 65537, made on this machine.
 * Its private half never leaves the process unencrypted; it approves
 * signatures through SADs (enr-sad.h). Safe to use from one thread at a
 * time per object; the methods lock.
 */
#define ENR_TYPE_KAK (enr_kak_get_type ())
G_DECLARE_FINAL_TYPE (EnrKak, enr_kak, ENR, KAK, GObject)

#define ENR_KAK_BITS 2048

/* RSA key generation takes a second or more: it runs in a worker thread. */
void     enr_kak_generate_async  (GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
EnrKak  *enr_kak_generate_finish (GAsyncResult        *result,
                                  GError             **error);
/* Blocking: for worker threads only. */
EnrKak  *enr_kak_generate        (GError             **error);

/* From an unencrypted PKCS#8 DER PrivateKeyInfo (what the wrapped blob holds). */
EnrKak  *enr_kak_new_from_pkcs8  (const guint8        *der,
                                  gsize                der_len,
                                  GError             **error);
/* The unencrypted PKCS#8 DER, in bytes that wipe themselves when freed. */
GBytes  *enr_kak_export_pkcs8    (EnrKak              *self,
                                  GError             **error);

/* The public half as SubjectPublicKeyInfo DER. */
GBytes  *enr_kak_get_public_key  (EnrKak              *self);

/* RSASSA-PKCS1-v1_5 with SHA-256 over @data (JWS "RS256"). */
GBytes  *enr_kak_sign            (EnrKak              *self,
                                  const guint8        *data,
                                  gsize                data_len,
                                  GError             **error);

/* Drops the private key now; signing fails from then on. */
void     enr_kak_wipe            (EnrKak              *self);
gboolean enr_kak_is_wiped        (EnrKak              *self);

G_END_DECLS
