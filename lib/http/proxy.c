/* proxy.c — proxy selection for a request: the configuration's proxies, the environment's,
 * and the no-proxy list. libcurl gets the outcome as CURLOPT_PROXY (a proxy, or "" for a
 * direct connection) with CURLOPT_NOPROXY "", so that the library, not curl's own reading
 * of the environment, decides, and the metrics know whether a transaction was proxied. */
#include "proxy.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <glib.h>

#include "http/url.h"
#include "session/error.h"

static const char *const proxy_schemes[] = {"http", "https", "socks5", "socks5h"};

static bool scheme_is_proxy(const char *scheme)
{
    for (size_t i = 0; i < G_N_ELEMENTS(proxy_schemes); i++)
        if (g_ascii_strcasecmp(scheme, proxy_schemes[i]) == 0)
            return true;
    return false;
}

char *url__proxy_normalize(const char *proxy, UrlProxyRole role, UrlError **error)
{
    for (const char *p = proxy; *p; p++) {
        if ((unsigned char)*p <= ' ' || *p == 0x7f) {
            url__error_set(error, URL_ERROR_BAD_URL,
                           "proxy \"%s\" contains a space or a control character", proxy);
            return NULL;
        }
    }
    const char *separator = strstr(proxy, "://");
    char *full =
        separator ? g_strdup(proxy)
                  : g_strconcat(role == URL__PROXY_SOCKS ? "socks5h://" : "http://", proxy, NULL);
    char *scheme = g_strndup(full, (gsize)(strstr(full, "://") - full));
    if (!scheme_is_proxy(scheme)) {
        url__error_set(error, URL_ERROR_BAD_URL,
                       "proxy \"%s\": the scheme \"%s\" is not http, https, socks5 or socks5h",
                       proxy, scheme);
        g_free(scheme);
        g_free(full);
        return NULL;
    }
    g_free(scheme);
    CURLU *parsed = curl_url();
    CURLUcode code = curl_url_set(parsed, CURLUPART_URL, full, CURLU_NON_SUPPORT_SCHEME);
    char *host = NULL, *path = NULL;
    if (code == CURLUE_OK)
        code = curl_url_get(parsed, CURLUPART_HOST, &host, 0);
    if (code == CURLUE_OK)
        curl_url_get(parsed, CURLUPART_PATH, &path, 0);
    bool bad_path = path && strcmp(path, "/") != 0 && *path;
    if (code != CURLUE_OK || bad_path) {
        url__error_set(error, URL_ERROR_BAD_URL, "proxy \"%s\": %s", proxy,
                       bad_path ? "a proxy has no path" : curl_url_strerror(code));
        g_clear_pointer(&full, g_free);
    }
    curl_free(host);
    curl_free(path);
    curl_url_cleanup(parsed);
    return full;
}

static char *strip_brackets(const char *host)
{
    size_t n = strlen(host);
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
        return g_strndup(host + 1, n - 2);
    return g_strdup(host);
}

/* An IP address in network order: 4 or 16 bytes; 0 when @text is not one. */
static size_t parse_address(const char *text, unsigned char out[16])
{
    if (inet_pton(AF_INET, text, out) == 1)
        return 4;
    if (inet_pton(AF_INET6, text, out) == 1)
        return 16;
    return 0;
}

/* Whether @address (@size bytes) lies in "ADDRESS" or "ADDRESS/PREFIX" @range. */
static bool address_in_range(const char *range, const unsigned char *address, size_t size)
{
    g_autofree char *text = g_strdup(range);
    char *slash = strchr(text, '/');
    long prefix = (long)size * 8;
    if (slash) {
        *slash = '\0';
        char *end = NULL;
        prefix = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end != '\0' || prefix < 0 || prefix > (long)size * 8)
            return false;
    }
    unsigned char network[16];
    if (parse_address(text, network) != size)
        return false;
    size_t whole = (size_t)prefix / 8;
    if (memcmp(network, address, whole) != 0)
        return false;
    unsigned bits = (unsigned)prefix % 8;
    if (bits == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - bits));
    return (network[whole] & mask) == (address[whole] & mask);
}

static bool entry_matches(const char *entry, const char *host, const unsigned char *address,
                          size_t address_size)
{
    if (strcmp(entry, "*") == 0)
        return true;
    g_autofree char *bare = strip_brackets(entry[0] == '.' ? entry + 1 : entry);
    if (*bare == '\0')
        return false;
    if (address_size)
        return address_in_range(bare, address, address_size);
    /* A name matches itself and the names below it, on a label boundary. */
    size_t host_length = strlen(host), length = strlen(bare);
    if (bare[length - 1] == '.')
        length--;
    if (length == 0 || length > host_length)
        return false;
    const char *tail = host + host_length - length;
    return g_ascii_strncasecmp(tail, bare, length) == 0 && (tail == host || tail[-1] == '.');
}

bool url__proxy_bypass(const char *no_proxy, const char *host)
{
    if (no_proxy == NULL || host == NULL || *host == '\0')
        return false;
    g_autofree char *bare = strip_brackets(host);
    size_t n = strlen(bare);
    if (n > 1 && bare[n - 1] == '.')
        bare[n - 1] = '\0'; /* "example.com." is example.com */
    unsigned char address[16];
    size_t address_size = parse_address(bare, address);
    g_auto(GStrv) entries = g_strsplit_set(no_proxy, ", \t", -1);
    for (char **entry = entries; *entry; entry++)
        if (**entry && entry_matches(*entry, bare, address, address_size))
            return true;
    return false;
}

static const char *getenv_either(const char *lower, const char *upper)
{
    const char *value = g_getenv(lower);
    if ((value == NULL || *value == '\0') && upper)
        value = g_getenv(upper);
    return value && *value ? value : NULL;
}

/* The variables as they are now, borrowed from the environment. */
static void environment_now(UrlProxyEnvironment *environment)
{
    *environment = (UrlProxyEnvironment){
        .http = getenv_either("http_proxy", NULL),
        .https = getenv_either("https_proxy", "HTTPS_PROXY"),
        .all = getenv_either("all_proxy", "ALL_PROXY"),
        .no_proxy = getenv_either("no_proxy", "NO_PROXY"),
    };
}

void url__proxy_environment_read(UrlProxyEnvironment *environment)
{
    environment_now(environment);
    environment->http = g_strdup(environment->http);
    environment->https = g_strdup(environment->https);
    environment->all = g_strdup(environment->all);
    environment->no_proxy = g_strdup(environment->no_proxy);
}

void url__proxy_environment_clear(UrlProxyEnvironment *environment)
{
    g_free((char *)environment->http);
    g_free((char *)environment->https);
    g_free((char *)environment->all);
    g_free((char *)environment->no_proxy);
    *environment = (UrlProxyEnvironment){0};
}

char *url__proxy_for_url(const UrlProxySettings *settings, const char *url)
{
    UrlProxyEnvironment now;
    const UrlProxyEnvironment *environment = settings->environment;
    if (settings->use_environment && environment == NULL) {
        environment_now(&now);
        environment = &now;
    }
    /* No proxy anywhere, the usual case: no need to look at the URL. */
    if (settings->http == NULL && settings->https == NULL && settings->socks == NULL &&
        (!settings->use_environment ||
         (environment->http == NULL && environment->https == NULL && environment->all == NULL)))
        return NULL;

    CURLU *parsed = url__url_parse(url, 0);
    char *scheme = NULL, *host = NULL;
    if (parsed == NULL || curl_url_get(parsed, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
        curl_url_get(parsed, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
        curl_free(scheme);
        return NULL;
    }
    bool https = g_ascii_strcasecmp(scheme, "https") == 0;
    curl_free(scheme);

    char *proxy = NULL;
    const char *no_proxy = settings->no_proxy;
    const char *configured = https ? settings->https : settings->http;
    if (configured == NULL)
        configured = settings->socks;
    if (configured) {
        proxy = g_strdup(configured);
    } else if (settings->use_environment) {
        const char *value = https ? environment->https : environment->http;
        if (value == NULL)
            value = environment->all;
        /* A malformed variable is ignored, as if unset: a direct connection. */
        proxy = value ? url__proxy_normalize(value, URL__PROXY_FOR_HTTP, NULL) : NULL;
        if (no_proxy == NULL)
            no_proxy = environment->no_proxy;
    }
    if (proxy && url__proxy_bypass(no_proxy, host))
        g_clear_pointer(&proxy, g_free);
    curl_free(host);
    return proxy;
}
