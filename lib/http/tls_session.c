/* tls_session.c — what a transfer's TLS connection negotiated, read from OpenSSL. */
#include "http/tls_session.h"

#include <glib.h>
#include <openssl/ssl.h>

bool url__tls_session_describe(CURL *easy, char *version, size_t version_size, char *cipher,
                               size_t cipher_size)
{
    version[0] = '\0';
    cipher[0] = '\0';
    struct curl_tlssessioninfo *info = NULL;
    if (curl_easy_getinfo(easy, CURLINFO_TLS_SSL_PTR, &info) != CURLE_OK || info == NULL ||
        info->backend != CURLSSLBACKEND_OPENSSL || info->internals == NULL)
        return false;
    SSL *ssl = info->internals;
    const SSL_CIPHER *current = SSL_get_current_cipher(ssl);
    if (current == NULL)
        return false;
    g_strlcpy(version, SSL_get_version(ssl), version_size);
    const char *name = SSL_CIPHER_standard_name(current);
    g_strlcpy(cipher, name ? name : SSL_CIPHER_get_name(current), cipher_size);
    return true;
}
