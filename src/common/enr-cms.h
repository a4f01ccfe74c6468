/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/*
 * CMS SignedData (RFC 5652) for PAdES (ETSI EN 319 142-1): detached
 * content, SHA-256, the signer's certificate and chain, the signed
 * attributes content-type, message-digest and ESS signing-certificate-v2,
 * with no signing-time (PAdES keeps the time in the signature dictionary),
 * and for B-T the signature's time stamp as the unsigned attribute
 * id-aa-signatureTimeStampToken. enr-pades-sign.h puts it into a PDF; the
 * checks are in src/crypto (enr-pades.h, enr-pdf-check.h).
 *
 * The signature itself is made elsewhere: by SmartCA (the citizen's key
 * never leaves it), or by a local key for the sandbox and the tests. So a
 * signature is made in three steps: enr_cms_signed_attributes() gives the
 * DER whose SHA-256 the signer signs, enr_cms_assemble() puts the
 * signature and its time stamp around it. enr_cms_sign_detached() does all
 * three with a local key.
 *
 * All DER goes through libtasn1 (enr-asn1.h). gnutls_pkcs7_sign() is not
 * used: it hashes the content itself, from one contiguous buffer, where a
 * PDF's /ByteRange is two pieces of a file that may be 20 MB (streamed
 * here, never joined); it cannot add an unsigned attribute to a
 * signature once made (the time stamp needs the signature first); and it
 * writes eContentType id-data whatever the content (a time-stamp token's
 * is id-ct-TSTInfo: the sandbox's TSA signs its tokens here too).
 *
 * Errors are technical (ENR_CMS_ERROR): callers that face a citizen say it
 * in their own words.
 */

#define ENR_CMS_ERROR (enr_cms_error_quark ())

typedef enum
{
  ENR_CMS_ERROR_FAILED,       /* the CMS could not be made */
  ENR_CMS_ERROR_PLACEHOLDER,  /* a PDF's placeholder is outside it, or too small */
  ENR_CMS_ERROR_BAD_SIGNATURE, /* the signature given does not verify with the signer's key */
  ENR_CMS_ERROR_MALFORMED,    /* not a CMS SignedData this code can read */
} EnrCmsError;

GQuark    enr_cms_error_quark              (void);

#define ENR_CMS_DIGEST_LENGTH 32

#define ENR_CMS_OID_MESSAGE_DIGEST          "1.2.840.113549.1.9.4"
#define ENR_CMS_OID_SIGNING_CERTIFICATE_V2  "1.2.840.113549.1.9.16.2.47"

/* The DER SET OF signed attributes of a signature over content whose
 * SHA-256 is @digest, by @signer: content-type id-data, message-digest and
 * signing-certificate-v2. Its SHA-256 is the hash SmartCA signs
 * (PROTOCOL.md, "The citizen's own documents"). Deterministic: the same
 * inputs give the same bytes. */
GBytes   *enr_cms_signed_attributes        (const guint8              digest[ENR_CMS_DIGEST_LENGTH],
                                            gnutls_x509_crt_t         signer,
                                            GError                  **error);

/* The DER ContentInfo of a SignedData around @signature (RSA PKCS #1 v1.5,
 * SHA-256, over enr_cms_signed_attributes() of @digest and @signer;
 * checked with @signer's key first), with @signer and @chain, and
 * @timestamp_token (a DER ContentInfo; NULL: none, PAdES B-B) as the
 * unsigned attribute id-aa-signatureTimeStampToken. */
GBytes   *enr_cms_assemble                 (const guint8              digest[ENR_CMS_DIGEST_LENGTH],
                                            gnutls_x509_crt_t         signer,
                                            const gnutls_x509_crt_t  *chain,
                                            guint                     chain_len,
                                            GBytes                   *signature,
                                            GBytes                   *timestamp_token,
                                            GError                  **error);

/* DER SignedData (in a ContentInfo) over @data, signed by @key: B-B. */
GBytes   *enr_cms_sign_detached            (const guint8             *data,
                                            gsize                     data_len,
                                            gnutls_x509_crt_t         signer,
                                            const gnutls_x509_crt_t  *chain,
                                            guint                     chain_len,
                                            gnutls_privkey_t          key,
                                            GError                  **error);
/* The same over content whose SHA-256 is @digest. */
GBytes   *enr_cms_sign_digest              (const guint8              digest[ENR_CMS_DIGEST_LENGTH],
                                            gnutls_x509_crt_t         signer,
                                            const gnutls_x509_crt_t  *chain,
                                            guint                     chain_len,
                                            gnutls_privkey_t          key,
                                            GBytes                   *timestamp_token,
                                            GError                  **error);

/* A SignedData that holds @content, of type @content_type (dotted), signed
 * by @key with the same signed attributes (content-type @content_type),
 * @signer's certificate included when @with_certificate: the sandbox's
 * time-stamp tokens (RFC 3161 §2.4.2, id-ct-TSTInfo). */
GBytes   *enr_cms_sign_encapsulated        (const char               *content_type,
                                            GBytes                   *content,
                                            gnutls_x509_crt_t         signer,
                                            gboolean                  with_certificate,
                                            gnutls_privkey_t          key,
                                            GError                  **error);

/* The DER value of the signing-certificate-v2 attribute for @cert:
 * its SHA-256 and its issuer and serial number (RFC 5035). */
GBytes   *enr_cms_signing_certificate_v2   (gnutls_x509_crt_t         cert,
                                            GError                  **error);

/* The SHA-256 certificate hash of the first ESSCertIDv2 in an attribute
 * value; FALSE if it is not one, or names another hash. */
gboolean  enr_cms_parse_signing_certificate_v2 (const guint8         *der,
                                                gsize                 der_len,
                                                guint8                cert_hash[32]);

/*
 * The message-digest signed attribute of the first signer of a DER CMS
 * SignedData, read without checking anything: it tells a changed
 * document from a bad signature. FALSE if there is none of @digest_len
 * bytes.
 */
gboolean  enr_cms_get_message_digest       (const guint8             *cms,
                                            gsize                     cms_len,
                                            guint8                   *digest,
                                            gsize                     digest_len);

/* What a CMS SignedData says, as read (nothing checked), for its first
 * signer: a PDF signature's /Contents or a time-stamp token. */
typedef struct
{
  char       *content_type;       /* eContentType, dotted */
  GBytes     *content;            /* eContent; NULL: detached */
  GPtrArray  *certificates;       /* of GBytes, DER, as they stand */
  guint       signer_count;
  GBytes     *issuer;             /* the signer's issuer Name, DER; NULL when named by key id */
  GBytes     *serial;             /* its serial number's content octets */
  GBytes     *subject_key_id;     /* or its subject key identifier */
  gnutls_digest_algorithm_t digest; /* GNUTLS_DIG_UNKNOWN when not known */
  gnutls_sign_algorithm_t   sign;   /* GNUTLS_SIGN_UNKNOWN when not known */
  GBytes     *signed_attrs;       /* the DER SET OF that is signed; NULL: none */
  GBytes     *message_digest;     /* its message-digest; NULL: none */
  char       *attr_content_type;  /* its content-type; NULL: none */
  GBytes     *signing_certificate; /* the signing-certificate-v2 value, DER; NULL: none */
  GDateTime  *signing_time;       /* a signing-time attribute; NULL: none */
  GBytes     *signature;          /* the signature value */
  GBytes     *timestamp_token;    /* id-aa-signatureTimeStampToken, DER; NULL: none */
} EnrCmsInfo;

EnrCmsInfo *enr_cms_parse                  (const guint8             *der,
                                            gsize                     len,
                                            GError                  **error);
void        enr_cms_info_free              (EnrCmsInfo               *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnrCmsInfo, enr_cms_info_free)

/* Whether @cert (DER) is the certificate @info names as its signer. */
gboolean    enr_cms_info_names_signer      (const EnrCmsInfo         *info,
                                            gnutls_x509_crt_t         cert);

/*
 * Checks the signature of @info by @cert's key: over the signed attributes
 * when there are some (and then their message-digest must be @digest, the
 * content's hash by @info->digest, of @digest_len bytes), else over the
 * content whose hash is @digest. ENR_CMS_ERROR_BAD_SIGNATURE when it does
 * not verify, ENR_CMS_ERROR_MALFORMED when it cannot be checked.
 */
gboolean    enr_cms_info_verify            (const EnrCmsInfo         *info,
                                            gnutls_x509_crt_t         cert,
                                            const guint8             *digest,
                                            gsize                     digest_len,
                                            GError                  **error);

/* A UTCTime ("YYMMDDhhmmssZ") or GeneralizedTime ("YYYYMMDDhhmmss[.f]Z")
 * as text; NULL when it is neither. */
GDateTime  *enr_cms_parse_time_text        (const char               *text,
                                            gboolean                  utc_time);
/* A DER Time (UTCTime or GeneralizedTime, UTC); NULL when it is not one. */
GDateTime  *enr_cms_parse_time_der         (const guint8             *der,
                                            gsize                     len);

G_END_DECLS
