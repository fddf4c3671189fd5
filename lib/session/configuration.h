/* configuration.h — the layout of UrlSessionConfiguration, read by the session and the
 * HTTP driver. Public code sees only the accessors in <urlsession/configuration.h>. */
#ifndef URL_SESSION_CONFIGURATION_PRIVATE_H
#define URL_SESSION_CONFIGURATION_PRIVATE_H

#include <urlsession/configuration.h>

#include <glib.h>

#include "http/header_list.h"

#define URL__DEFAULT_REQUEST_TIMEOUT  60.0
#define URL__DEFAULT_RESOURCE_TIMEOUT 604800.0
#define URL__DEFAULT_MAX_CONNECTIONS  6
#define URL__DEFAULT_MAX_BUFFERED     (1024 * 1024)
#define URL__MIN_MAX_BUFFERED         16384
/* Default limit on a content-coded response body after decoding: 1 GiB. */
#define URL__DEFAULT_MAX_DECODED_BODY ((int64_t)1 << 30)
#define URL__DEFAULT_ATTEMPT_DELAY    0.25
/* Wi-Fi Assist: how long a Wi-Fi connect runs alone before cellular races it. */
#define URL__DEFAULT_WIFI_ASSIST_HEAD_START 1.0
#define URL__MAX_WIFI_ASSIST_HEAD_START     60.0

struct UrlSessionConfiguration {
    int ref_count; /* atomic */
    bool ephemeral;
    double request_timeout;
    double resource_timeout;
    UrlHeaderList *additional_headers;
    int max_connections_per_host;
    char *user_agent; /* never NULL */
    char *ca_file;    /* NULL: system store */
    char *ca_path;
    char *http_proxy; /* normalised (scheme spelt out), NULL: none */
    char *https_proxy;
    char *socks_proxy;
    char *no_proxy;
    bool uses_environment_proxies;
    UrlCredentialStorage *credential_storage; /* nullable */
    bool allows_https_to_http_redirects;
    UrlCookieStorage *cookie_storage; /* nullable */
    bool http_should_set_cookies;
    UrlCookieAcceptPolicy cookie_accept_policy;
    UrlTlsVersion tls_minimum_version;
    UrlHttpVersion http_version;
    char *download_directory; /* never NULL */
    size_t max_buffered_bytes;
    bool waits_for_connectivity;
    UrlMultipathServiceType multipath_service_type;
    bool allows_cellular_access;
    bool allows_expensive_network_access;
    bool allows_constrained_network_access;
    char *dns_servers;  /* NULL: resolv.conf */
    char *nat64_prefix; /* NULL: RFC 7050 discovery */
    double connection_attempt_delay;
    UrlAddressFamily address_family;
    bool tcp_fast_open;
    GHashTable *interface_types; /* name -> UrlInterfaceOverride (lib/path); NULL: none */
    bool manages_mptcp_endpoints;
    char *dns_over_https_url; /* NULL: the DNS servers */
    UrlCache *url_cache;      /* nullable */
    UrlRequestCachePolicy request_cache_policy;
    int64_t max_decoded_body_size; /* 0: no limit */
    bool wifi_assist;
    double wifi_assist_head_start; /* seconds */
};

/* The memory capacity of an ephemeral configuration's own cache. */
#define URL__EPHEMERAL_CACHE_MEMORY (4u * 1024 * 1024)

/* The default User-Agent: "liburlsession/0.1.0 libcurl/7.88.1"; static. */
const char *url__default_user_agent(void);

#endif
