/* server_trust.h — a transfer's view of the server's certificate chain, for server-trust
 * challenges: an OpenSSL verification callback (installed through CURLOPT_SSL_CTX_FUNCTION)
 * that runs the normal verification, keeps the chain, and either fails the handshake so
 * that the delegate can be asked, or accepts exactly the leaf key the delegate accepted.
 * Network thread only. */
#ifndef URL_HTTP_SERVER_TRUST_H
#define URL_HTTP_SERVER_TRUST_H

#include <stdbool.h>

#include <curl/curl.h>
#include <glib.h>

typedef enum {
    URL__TRUST_VERIFY, /* libcurl's verification only (no delegate to ask, or it said so) */
    URL__TRUST_ASK,    /* collect the chain and fail the handshake: the delegate decides */
    URL__TRUST_PINNED, /* accept the leaf whose key hashes to the pin, whatever its chain */
} UrlTrustMode;

typedef struct {
    UrlTrustMode mode;
    char *pin;               /* URL__TRUST_PINNED: base64 sha256 of the leaf's SPKI */
    GPtrArray *certificates; /* GBytes, DER, leaf first: the chain last seen */
    char *leaf_pin;          /* base64 sha256 of that leaf's SPKI */
    bool asked;              /* the handshake was failed to ask the delegate */
} UrlServerTrust;

/* Installs the callback on @easy for @trust (which must outlive the handle). */
void url__server_trust_install(CURL *easy, UrlServerTrust *trust);
void url__server_trust_clear(UrlServerTrust *trust);

/* base64 of the sha256 of a DER certificate's SubjectPublicKeyInfo (the HPKP pin and
 * CURLOPT_PINNEDPUBLICKEY format, without "sha256//"); NULL when @der does not parse.
 * g_free() it. */
char *url__server_trust_pin_of(const void *der, size_t length);

#endif
