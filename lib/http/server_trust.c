/* server_trust.c — the certificate chain of a TLS handshake, seen from OpenSSL's
 * certificate verification callback, for server-trust challenges and key pinning. The
 * callback still runs OpenSSL's verification with libcurl's trust store; it changes the
 * outcome only to ask the delegate (fail once) or for the one leaf key the delegate
 * accepted. */
#include "server_trust.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

static GBytes *der_of(X509 *certificate)
{
    unsigned char *der = NULL;
    int length = i2d_X509(certificate, &der);
    if (length <= 0)
        return NULL;
    GBytes *bytes = g_bytes_new(der, (gsize)length);
    OPENSSL_free(der);
    return bytes;
}

static char *pin_of_certificate(X509 *certificate)
{
    unsigned char *spki = NULL;
    int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(certificate), &spki);
    if (length <= 0)
        return NULL;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    bool ok = EVP_Digest(spki, (size_t)length, digest, &digest_length, EVP_sha256(), NULL) == 1;
    OPENSSL_free(spki);
    return ok ? g_base64_encode(digest, digest_length) : NULL;
}

char *url__server_trust_pin_of(const void *der, size_t length)
{
    const unsigned char *p = der;
    X509 *certificate = d2i_X509(NULL, &p, (long)length);
    if (certificate == NULL)
        return NULL;
    char *pin = pin_of_certificate(certificate);
    X509_free(certificate);
    return pin;
}

static void keep_chain(UrlServerTrust *trust, X509_STORE_CTX *context)
{
    if (trust->certificates)
        g_ptr_array_unref(trust->certificates);
    trust->certificates = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
    g_clear_pointer(&trust->leaf_pin, g_free);
    X509 *leaf = X509_STORE_CTX_get0_cert(context);
    /* The verified chain when verification got that far, else what the peer sent. */
    STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(context);
    if (chain == NULL || sk_X509_num(chain) == 0)
        chain = X509_STORE_CTX_get0_untrusted(context);
    if (leaf) {
        GBytes *der = der_of(leaf);
        if (der)
            g_ptr_array_add(trust->certificates, der);
        trust->leaf_pin = pin_of_certificate(leaf);
    }
    for (int i = 0; chain && i < sk_X509_num(chain); i++) {
        X509 *certificate = sk_X509_value(chain, i);
        if (certificate == leaf || (leaf && X509_cmp(certificate, leaf) == 0))
            continue;
        GBytes *der = der_of(certificate);
        if (der)
            g_ptr_array_add(trust->certificates, der);
    }
}

static int verify_certificate(X509_STORE_CTX *context, void *data)
{
    UrlServerTrust *trust = data;
    int verified = X509_verify_cert(context);
    keep_chain(trust, context);
    switch (trust->mode) {
    case URL__TRUST_ASK:
        trust->asked = true;
        X509_STORE_CTX_set_error(context, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    case URL__TRUST_PINNED:
        if (trust->pin && trust->leaf_pin && strcmp(trust->pin, trust->leaf_pin) == 0) {
            X509_STORE_CTX_set_error(context, X509_V_OK);
            return 1;
        }
        /* Another key than the one accepted: refused even if a CA vouches for it. */
        X509_STORE_CTX_set_error(context, X509_V_ERR_APPLICATION_VERIFICATION);
        return 0;
    case URL__TRUST_VERIFY:
        break;
    }
    return verified;
}

static CURLcode on_ssl_context(CURL *easy, void *ssl_context, void *data)
{
    SSL_CTX_set_cert_verify_callback(ssl_context, verify_certificate, data);
    return CURLE_OK;
}

void url__server_trust_install(CURL *easy, UrlServerTrust *trust)
{
    curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, on_ssl_context);
    curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, trust);
    if (trust->mode == URL__TRUST_PINNED) {
        /* The accepted key stands for the name too (the delegate saw the chain). */
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    /* A cached TLS session would skip the callback on resumption. */
    curl_easy_setopt(easy, CURLOPT_SSL_SESSIONID_CACHE, 0L);
}

void url__server_trust_clear(UrlServerTrust *trust)
{
    g_clear_pointer(&trust->pin, g_free);
    g_clear_pointer(&trust->leaf_pin, g_free);
    if (trust->certificates)
        g_ptr_array_unref(trust->certificates);
    trust->certificates = NULL;
}
