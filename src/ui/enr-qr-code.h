/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * A QR code (libqrencode, error correction M) drawn module by module in
 * whole device pixels, dark on white whatever the theme, with the four-module
 * quiet zone a phone camera needs. GtkPicture would scale a bitmap with
 * linear filtering and blur the edges.
 */
#define ENR_QR_CODE_QUIET_ZONE 4

#define ENR_TYPE_QR_CODE (enr_qr_code_get_type ())
G_DECLARE_FINAL_TYPE (EnrQrCode, enr_qr_code, ENR, QR_CODE, GtkWidget)

GtkWidget  *enr_qr_code_new          (void);
void        enr_qr_code_set_text     (EnrQrCode  *self,
                                      const char *text);
const char *enr_qr_code_get_text     (EnrQrCode  *self);
/* The symbol's width in modules, without the quiet zone; 0 when empty. */
guint       enr_qr_code_get_modules  (EnrQrCode  *self);
/* The size of one module in the last frame drawn, in pixels. */
guint       enr_qr_code_get_module_size (EnrQrCode *self);

G_END_DECLS
