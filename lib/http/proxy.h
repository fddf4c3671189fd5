/* proxy.h — which proxy a request goes through: the configuration's HTTP, HTTPS and SOCKS
 * proxies, else the environment's (http_proxy, https_proxy, all_proxy), minus the hosts of
 * a no-proxy list. */
#ifndef URL_HTTP_PROXY_H
#define URL_HTTP_PROXY_H

#include <stdbool.h>

#include <urlsession/error.h>

/* The kinds of proxy setting, for url__proxy_normalize(). */
typedef enum {
    URL__PROXY_FOR_HTTP,  /* used for http:// URLs; no scheme means http:// */
    URL__PROXY_FOR_HTTPS, /* used for https:// URLs (CONNECT); no scheme means http:// */
    URL__PROXY_SOCKS,     /* used for every URL; no scheme means socks5h:// */
} UrlProxyRole;

/* Checks a proxy setting ("host:port", or "scheme://[user:password@]host[:port]" with the
 * scheme http, https, socks5 or socks5h) and returns it with its scheme spelt out
 * (g_free() it), or NULL with @error set (URL_ERROR_BAD_URL, naming the problem). */
char *url__proxy_normalize(const char *proxy, UrlProxyRole role, UrlError **error);

/* Whether a no-proxy list (comma- or space-separated: host names matching themselves and
 * their subdomains, a leading dot allowed; IP addresses; IP/prefix-length ranges; "*" for
 * every host) names @host (a host name or an IP literal, IPv6 with or without brackets). */
bool url__proxy_bypass(const char *no_proxy, const char *host);

/* The environment's proxy variables, read once: a session reads them when it is made
 * (as curl's own users expect the environment at start), as getenv on every hop cost five
 * scans of the environment per request. NULL where unset or empty. */
typedef struct {
    const char *http;     /* http_proxy (never HTTP_PROXY: "httpoxy") */
    const char *https;    /* https_proxy, else HTTPS_PROXY */
    const char *all;      /* all_proxy, else ALL_PROXY */
    const char *no_proxy; /* no_proxy, else NO_PROXY */
} UrlProxyEnvironment;

/* Fills @environment with copies of the variables; free them with
 * url__proxy_environment_clear(). */
void url__proxy_environment_read(UrlProxyEnvironment *environment);
void url__proxy_environment_clear(UrlProxyEnvironment *environment);

typedef struct {
    const char *http;     /* normalised, or NULL */
    const char *https;    /* normalised, or NULL */
    const char *socks;    /* normalised, or NULL */
    const char *no_proxy; /* NULL: the environment's no_proxy / NO_PROXY when it is used */
    bool use_environment;
    /* The environment as read earlier; NULL: read it now. */
    const UrlProxyEnvironment *environment;
} UrlProxySettings;

/* The proxy for @url (an absolute http or https URL): the configured proxy for its scheme,
 * else the SOCKS proxy, else (when allowed) https_proxy / HTTPS_PROXY for https URLs,
 * http_proxy for http URLs (never HTTP_PROXY: CGI programs receive a request's "Proxy"
 * header under that name, "httpoxy"), then all_proxy / ALL_PROXY; NULL when none applies
 * or the host is in the no-proxy list. Returns a URL with its scheme; g_free() it. */
char *url__proxy_for_url(const UrlProxySettings *settings, const char *url);

#endif
