/* cookie.h — UrlCookie's layout and the RFC 6265 parts the storage and the task use:
 * parsing Set-Cookie (§5.2, with the storage model of §5.3), dates (§5.1.1), domain and
 * path matching (§5.1.3, §5.1.4). */
#ifndef URL_HTTP_COOKIE_H
#define URL_HTTP_COOKIE_H

#include <stdbool.h>

#include <urlsession/cookies.h>

struct UrlCookie {
    int ref_count; /* atomic */
    char *name;
    char *value;
    char *domain; /* lower case, no leading dot */
    char *path;
    double expires; /* seconds since the epoch; 0: a session cookie */
    double created;
    bool host_only;
    bool secure;
    bool http_only;
    char *same_site; /* "Strict", "Lax", "None" or NULL */
};

/* A cookie from a Set-Cookie value received for @url at @now, or NULL when RFC 6265 says
 * to ignore it (no name, a public suffix or another site as Domain, Secure over http, a
 * control character). An already expired cookie is returned (it deletes its namesake). */
UrlCookie *url__cookie_parse(const char *set_cookie, const char *url, double now);

/* RFC 6265 §5.1.1; false when @text is not a cookie date. */
bool url__cookie_parse_date(const char *text, double *seconds);

/* §5.1.3: @host (lower case) domain-matches @domain. IP addresses match only themselves. */
bool url__cookie_domain_matches(const char *host, const char *domain);
/* §5.1.4 */
bool url__cookie_path_matches(const char *request_path, const char *cookie_path);
/* Whether @cookie goes with a request to @host / @path over @secure at @now. */
bool url__cookie_matches(const UrlCookie *cookie, const char *host, const char *path, bool secure,
                         double now);
/* The host (lower case, no brackets), path and whether the scheme is https, of @url;
 * false when it does not parse. g_free() the strings. */
bool url__cookie_split_url(const char *url, char **host, char **path, bool *secure);
/* Whether @domain is a public suffix ("co.uk", "com"), by libpsl's built-in list. */
bool url__cookie_is_public_suffix(const char *domain);

#endif
