/* fuzz_cookie.c — Set-Cookie parsing (RFC 6265 §5.2, §5.3) and the storage around it:
 * url__cookie_parse, url__cookie_storage_take, the Cookie header for the same URL.
 *
 * Input: the first line is the request URL; every following line is one Set-Cookie
 * value, stored in turn. Invariants checked:
 *   - a parsed cookie has a non-empty name without '=' or ';'... (the parser splits on
 *     them), no control characters, a path starting with '/', a lower-case domain
 *     without a leading dot, that the request's host domain-matches, and is never a
 *     public suffix unless it is the host itself;
 *   - a Secure cookie never comes from an http URL;
 *   - the Cookie header holds no CR, LF or NUL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "http/cookie.h"
#include "http/cookie_storage.h"

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_cookie: invariant failed: %s (%s:%d)\n", #cond, __FILE__,        \
                    __LINE__);                                                                     \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void check_cookie(const UrlCookie *cookie, const char *url)
{
    char *host = NULL, *path = NULL;
    bool secure = false;
    FUZZ_CHECK(url__cookie_split_url(url, &host, &path, &secure));
    FUZZ_CHECK(cookie->name[0] != '\0');
    FUZZ_CHECK(strchr(cookie->name, ';') == NULL && strchr(cookie->name, '=') == NULL);
    FUZZ_CHECK(strchr(cookie->value, ';') == NULL);
    for (const char *p = cookie->value; *p; p++)
        FUZZ_CHECK((unsigned char)*p >= 0x20 || *p == '\t');
    FUZZ_CHECK(cookie->path[0] == '/');
    FUZZ_CHECK(cookie->domain[0] != '.');
    for (const char *p = cookie->domain; *p; p++)
        FUZZ_CHECK(!g_ascii_isupper(*p));
    FUZZ_CHECK(cookie->host_only ? strcmp(cookie->domain, host) == 0
                                 : url__cookie_domain_matches(host, cookie->domain));
    FUZZ_CHECK(!url__cookie_is_public_suffix(cookie->domain) || strcmp(cookie->domain, host) == 0);
    FUZZ_CHECK(!cookie->secure || secure);
    g_free(host);
    g_free(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = g_strndup((const char *)data, size); /* stops at a NUL, as C strings do */
    char **lines = g_strsplit(text, "\n", -1);
    const char *url = lines[0] && *lines[0] ? lines[0] : "http://example.com/";
    UrlCookieStorage *storage = url_cookie_storage_new();
    for (char **line = lines + (lines[0] ? 1 : 0); *line; line++) {
        UrlCookie *cookie = url__cookie_parse(*line, url, 1700000000.0);
        if (cookie) {
            check_cookie(cookie, url);
            url_cookie_unref(cookie);
        }
        url__cookie_storage_take(storage, *line, url, NULL, URL_COOKIE_ACCEPT_ALWAYS, 1700000000.0);
    }
    char *header = url__cookie_storage_header_for(storage, url, 1700000000.0);
    if (header)
        FUZZ_CHECK(strpbrk(header, "\r\n") == NULL);
    g_free(header);
    url_cookie_storage_unref(storage);
    g_strfreev(lines);
    g_free(text);
    return 0;
}
