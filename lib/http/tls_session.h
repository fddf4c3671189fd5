/* tls_session.h — what a transfer's TLS connection negotiated, read from OpenSSL. */
#ifndef URL_HTTP_TLS_SESSION_H
#define URL_HTTP_TLS_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

/* Fills @version ("TLSv1.3") and @cipher (IANA name) for @easy's current connection and
 * returns true; returns false, leaving both empty, when the connection has no TLS or is
 * gone. Call while the transfer runs (curl drops the connection from the handle when it
 * ends). Network thread. */
bool url__tls_session_describe(CURL *easy, char *version, size_t version_size, char *cipher,
                               size_t cipher_size);

#endif
