/* configuration.h — UrlSessionConfiguration: the settings a session is created with. */
#ifndef URLSESSION_CONFIGURATION_H
#define URLSESSION_CONFIGURATION_H

#include "path_monitor.h"
#include "cache.h"
#include "cookies.h"
#include "types.h"

#ifdef __cplusplus
extern "C" {
#endif

/** UrlMultipathServiceType: how a session uses several network paths (Apple's names). */
typedef enum {
    URL_MULTIPATH_SERVICE_TYPE_NONE = 0,
    URL_MULTIPATH_SERVICE_TYPE_HANDOVER = 1,
    URL_MULTIPATH_SERVICE_TYPE_INTERACTIVE = 2,
    URL_MULTIPATH_SERVICE_TYPE_AGGREGATE = 3,
} UrlMultipathServiceType;

/** UrlTlsVersion: the lowest TLS version a session accepts. */
typedef enum {
    URL_TLS_VERSION_1_0 = 10,
    URL_TLS_VERSION_1_1 = 11,
    URL_TLS_VERSION_1_2 = 12,
    URL_TLS_VERSION_1_3 = 13,
} UrlTlsVersion;

/**
 * UrlHttpVersion:
 * @URL_HTTP_VERSION_DEFAULT: HTTP/2 over TLS when the server offers it (ALPN), HTTP/1.1
 *   in cleartext; what URLSession does.
 * @URL_HTTP_VERSION_1_1: HTTP/1.1 only.
 * @URL_HTTP_VERSION_2: HTTP/2 over TLS by ALPN and, in cleartext, with prior knowledge
 *   (the server must speak h2c).
 */
typedef enum {
    URL_HTTP_VERSION_DEFAULT = 0,
    URL_HTTP_VERSION_1_1 = 1,
    URL_HTTP_VERSION_2 = 2,
} UrlHttpVersion;

/**
 * UrlAddressFamily:
 * @URL_ADDRESS_FAMILY_ANY: IPv6 and IPv4, ordered by RFC 6724 and raced (Happy Eyeballs).
 * @URL_ADDRESS_FAMILY_IPV4_ONLY: only IPv4 addresses (no NAT64 synthesis either).
 * @URL_ADDRESS_FAMILY_IPV6_ONLY: only IPv6 addresses, NAT64-synthesized ones included.
 */
typedef enum {
    URL_ADDRESS_FAMILY_ANY = 0,
    URL_ADDRESS_FAMILY_IPV4_ONLY = 4,
    URL_ADDRESS_FAMILY_IPV6_ONLY = 6,
} UrlAddressFamily;

/**
 * url_session_configuration_new_default:
 *
 * Creates a configuration with URLSession's defaults: request timeout 60 s, resource
 * timeout 7 days, 6 connections per host, TLS 1.2 minimum with full certificate
 * verification against the system's CA store, multipath "none", cellular, expensive and
 * constrained networks allowed, not waiting for connectivity.
 *
 * Returns: (transfer full): release with url_session_configuration_unref()
 * Thread: any
 */
URL_API UrlSessionConfiguration *url_session_configuration_new_default(void);

/**
 * url_session_configuration_new_ephemeral:
 *
 * Like the default configuration, but nothing the session learns (cookies, cache,
 * credentials, once those exist) outlives the session or is shared with other sessions.
 *
 * Returns: (transfer full): release with url_session_configuration_unref()
 * Thread: any
 */
URL_API UrlSessionConfiguration *url_session_configuration_new_ephemeral(void);

/**
 * url_session_configuration_copy:
 * @configuration: a configuration
 *
 * Returns: (transfer full): an independent deep copy; release with
 *   url_session_configuration_unref()
 * Thread: any, but not concurrently with setters on @configuration
 */
URL_API UrlSessionConfiguration *
url_session_configuration_copy(const UrlSessionConfiguration *configuration);

/** url_session_configuration_ref: Returns: (transfer full) @configuration. Thread: any */
URL_API UrlSessionConfiguration *
url_session_configuration_ref(UrlSessionConfiguration *configuration);

/** url_session_configuration_unref: drops a reference; NULL is ignored. Thread: any */
URL_API void url_session_configuration_unref(UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_is_ephemeral:
 * Returns: whether the configuration was made by url_session_configuration_new_ephemeral()
 * Thread: any
 */
URL_API bool url_session_configuration_is_ephemeral(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_timeout_interval_for_request:
 * @seconds: > 0; default 60
 *
 * The idle timeout: a task fails with URL_ERROR_TIMED_OUT when no byte has moved in
 * either direction (and no connection progress was made) for @seconds. Any progress
 * restarts the timer. A request's own timeout (url_request_set_timeout_interval())
 * takes precedence. Invalid values are ignored with a warning.
 *
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_timeout_interval_for_request(UrlSessionConfiguration *configuration,
                                                           double seconds);
/** Returns: the request (idle) timeout in seconds. Thread: any */
URL_API double url_session_configuration_get_timeout_interval_for_request(
    const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_timeout_interval_for_resource:
 * @seconds: > 0; default 604800 (7 days)
 *
 * The longest a whole task may take, from its first resume to its completion, including
 * redirects. When it passes the task fails with URL_ERROR_TIMED_OUT.
 *
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_timeout_interval_for_resource(UrlSessionConfiguration *configuration,
                                                            double seconds);
/** Returns: the resource timeout in seconds. Thread: any */
URL_API double url_session_configuration_get_timeout_interval_for_resource(
    const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_additional_header:
 * @name: header name; a token with no CR, LF or colon
 * @value: (nullable): the value, no CR or LF; NULL removes the header
 * @error: (out) (optional): set when the name or value is refused
 *
 * Adds a header sent with every request of sessions made from this configuration. A
 * header the request sets itself wins (names compare case-insensitively).
 *
 * Returns: true when stored, false when refused (@error says why)
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API bool url_session_configuration_set_additional_header(UrlSessionConfiguration *configuration,
                                                             const char *name, const char *value,
                                                             UrlError **error);
/**
 * url_session_configuration_get_additional_header:
 * Returns: (transfer none) (nullable): the value for @name (case-insensitive), valid until
 *   the header is changed or the configuration freed.
 * Thread: any
 */
URL_API const char *
url_session_configuration_get_additional_header(const UrlSessionConfiguration *configuration,
                                                const char *name);

/**
 * url_session_configuration_get_additional_header_count:
 * Returns: how many additional headers are set
 * Thread: any
 */
URL_API size_t
url_session_configuration_get_additional_header_count(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_get_additional_header_at:
 * @index: 0 to url_session_configuration_get_additional_header_count() - 1
 * @name: (out) (transfer none): the header's name as set
 * @value: (out) (transfer none): its value
 *
 * Lists the additional headers in the order they were set. The strings are valid until
 * the headers change or the configuration is freed.
 *
 * Returns: false when @index is out of range
 * Thread: any
 */
URL_API bool
url_session_configuration_get_additional_header_at(const UrlSessionConfiguration *configuration,
                                                   size_t index, const char **name,
                                                   const char **value);

/**
 * url_session_configuration_set_max_connections_per_host:
 * @count: 1 or more; default 6
 *
 * The connections libcurl may open to one host. A session also lets at most @count *
 * 100 requests per origin (scheme, host and port) be under way in libcurl at once: as many
 * as HTTP/2 servers are asked to allow as streams on those connections (RFC 9113). The
 * rest wait in the session without a libcurl transfer (about 13 KiB each in libcurl,
 * nothing here) and start, highest task priority first, as others end; time spent
 * waiting counts against the resource timeout, not the request timeout.
 *
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_max_connections_per_host(UrlSessionConfiguration *configuration,
                                                       int count);
/** Returns: the connection limit per host. Thread: any */
URL_API int url_session_configuration_get_max_connections_per_host(
    const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_user_agent:
 * @user_agent: (nullable): copied; NULL restores "liburlsession/VERSION libcurl/VERSION"
 *
 * Sent as User-Agent unless the request or the additional headers set one.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void url_session_configuration_set_user_agent(UrlSessionConfiguration *configuration,
                                                      const char *user_agent);
/** Returns: (transfer none): the user agent, valid until changed. Thread: any */
URL_API const char *
url_session_configuration_get_user_agent(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_ca_file:
 * @path: (nullable): a PEM bundle of trusted CAs, copied; NULL uses the system's store
 *
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void url_session_configuration_set_ca_file(UrlSessionConfiguration *configuration,
                                                   const char *path);
/** Returns: (transfer none) (nullable): the CA file. Thread: any */
URL_API const char *
url_session_configuration_get_ca_file(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_ca_path:
 * @path: (nullable): a directory of hashed CA certificates (c_rehash), copied
 *
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void url_session_configuration_set_ca_path(UrlSessionConfiguration *configuration,
                                                   const char *path);
/** Returns: (transfer none) (nullable): the CA directory. Thread: any */
URL_API const char *
url_session_configuration_get_ca_path(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_http_proxy:
 * @proxy: (nullable): the proxy for http:// URLs, copied: "host:port" or
 *   "scheme://[user:password@]host[:port]" with the scheme http (the default), https (TLS
 *   to the proxy, verified with the configuration's CA settings), socks5 or socks5h; curl's
 *   default port 1080 when none is given. NULL: no configured proxy for http:// URLs.
 * @error: (out) (optional): why @proxy was refused
 *
 * Requests to http:// URLs go through this proxy (the absolute URL in the request line),
 * unless their host is in the no-proxy list.
 *
 * Returns: false, changing nothing, when @proxy is malformed (URL_ERROR_BAD_URL)
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API bool url_session_configuration_set_http_proxy(UrlSessionConfiguration *configuration,
                                                      const char *proxy, UrlError **error);
/** Returns: (transfer none) (nullable): the proxy for http:// URLs, with its scheme. Thread: any */
URL_API const char *
url_session_configuration_get_http_proxy(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_https_proxy:
 * @proxy: (nullable): the proxy for https:// URLs, copied; the same forms as
 *   url_session_configuration_set_http_proxy(). NULL: none configured.
 * @error: (out) (optional): why @proxy was refused
 *
 * Requests to https:// URLs go through this proxy in a tunnel (HTTP CONNECT, or SOCKS):
 * TLS runs end to end with the origin and the proxy sees only the host and port.
 *
 * Returns: false, changing nothing, when @proxy is malformed (URL_ERROR_BAD_URL)
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API bool url_session_configuration_set_https_proxy(UrlSessionConfiguration *configuration,
                                                       const char *proxy, UrlError **error);
/** Returns: (transfer none) (nullable): the proxy for https:// URLs, with its scheme. Thread: any
 */
URL_API const char *
url_session_configuration_get_https_proxy(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_socks_proxy:
 * @proxy: (nullable): a SOCKS5 proxy for every URL that has no proxy of its own scheme,
 *   copied: "host:port" (meaning socks5h://, the proxy resolves host names) or
 *   "socks5://host:port" (names resolved here) or "socks5h://..."; user:password@ for
 *   the username/password method. NULL: none.
 * @error: (out) (optional): why @proxy was refused
 *
 * Returns: false, changing nothing, when @proxy is malformed (URL_ERROR_BAD_URL)
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API bool url_session_configuration_set_socks_proxy(UrlSessionConfiguration *configuration,
                                                       const char *proxy, UrlError **error);
/** Returns: (transfer none) (nullable): the SOCKS proxy, with its scheme. Thread: any */
URL_API const char *
url_session_configuration_get_socks_proxy(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_no_proxy:
 * @hosts: (nullable): hosts reached directly, copied: comma-separated host names (each
 *   matches itself and its subdomains; a leading dot is allowed), IP addresses,
 *   address/prefix-length ranges ("10.0.0.0/8", "fd00::/8"), or "*" for every host.
 *   NULL (the default): the environment's no_proxy / NO_PROXY, when environment proxies
 *   are used, else nothing.
 *
 * The list applies to configured and environment proxies alike.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void url_session_configuration_set_no_proxy(UrlSessionConfiguration *configuration,
                                                    const char *hosts);
/** Returns: (transfer none) (nullable): the no-proxy list. Thread: any */
URL_API const char *
url_session_configuration_get_no_proxy(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_uses_environment_proxies:
 * @enabled: default true
 *
 * Whether a request that no configured proxy covers uses the environment's proxy, as the
 * variables were when the session was made (url_session_new() reads them once, as
 * libcurl's programs read them at start): https_proxy or HTTPS_PROXY for https:// URLs,
 * http_proxy for http:// URLs (never upper-case HTTP_PROXY, which CGI programs receive
 * from a request's "Proxy" header, as libcurl), then all_proxy or ALL_PROXY; no_proxy or
 * NO_PROXY names the hosts reached directly. false: only configured proxies, never the
 * environment's.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_uses_environment_proxies(UrlSessionConfiguration *configuration,
                                                       bool enabled);
/** Returns: whether environment proxies are used. Thread: any */
URL_API bool url_session_configuration_get_uses_environment_proxies(
    const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_credential_storage:
 * @storage: (transfer none) (nullable): where credentials with permanent persistence are
 *   kept and looked up; the configuration keeps a reference. NULL: no storage.
 *
 * A default configuration starts with url_credential_storage_shared(), an ephemeral one
 * with a storage of its own. Copies of a configuration share its storage.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_credential_storage(UrlSessionConfiguration *configuration,
                                                 UrlCredentialStorage *storage);
/** Returns: (transfer none) (nullable): the credential storage. Thread: any */
URL_API UrlCredentialStorage *
url_session_configuration_get_credential_storage(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_allows_https_to_http_redirects:
 * @allowed: default false
 *
 * Whether a redirect from an https:// URL to an http:// one is followed. Refused, the
 * task fails with URL_ERROR_APP_TRANSPORT_SECURITY_REQUIRES_SECURE_CONNECTION before the
 * delegate's will_perform_redirection is asked.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_allows_https_to_http_redirects(UrlSessionConfiguration *configuration,
                                                             bool allowed);
/** Returns: whether https to http redirects are followed. Thread: any */
URL_API bool url_session_configuration_get_allows_https_to_http_redirects(
    const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_cookie_storage:
 * @storage: (transfer none) (nullable): where the session's cookies live; the
 *   configuration keeps a reference. NULL: no cookies are sent or stored.
 *
 * A default configuration starts with url_cookie_storage_shared(), an ephemeral one with
 * a storage of its own, in memory. Copies of a configuration share its storage.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void url_session_configuration_set_cookie_storage(UrlSessionConfiguration *configuration,
                                                          UrlCookieStorage *storage);
/** Returns: (transfer none) (nullable): the cookie storage. Thread: any */
URL_API UrlCookieStorage *
url_session_configuration_get_cookie_storage(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_http_should_set_cookies:
 * @enabled: default true
 *
 * Whether requests carry the storage's cookies (a Cookie header the library builds,
 * unless the request sets Cookie itself) and responses' Set-Cookie fields are stored,
 * redirect hops included. A request can turn it off for itself
 * (url_request_set_http_should_handle_cookies()).
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_http_should_set_cookies(UrlSessionConfiguration *configuration,
                                                      bool enabled);
/** Returns: whether cookies are handled. Thread: any */
URL_API bool
url_session_configuration_get_http_should_set_cookies(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_http_cookie_accept_policy:
 * @policy: default URL_COOKIE_ACCEPT_ONLY_FROM_MAIN_DOCUMENT_DOMAIN (as URLSession)
 *
 * Which Set-Cookie fields are stored.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_http_cookie_accept_policy(UrlSessionConfiguration *configuration,
                                                        UrlCookieAcceptPolicy policy);
/** Returns: the cookie accept policy. Thread: any */
URL_API UrlCookieAcceptPolicy url_session_configuration_get_http_cookie_accept_policy(
    const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_tls_minimum_version:
 * @version: default URL_TLS_VERSION_1_2
 *
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_tls_minimum_version(UrlSessionConfiguration *configuration,
                                                  UrlTlsVersion version);
/** Returns: the lowest accepted TLS version. Thread: any */
URL_API UrlTlsVersion
url_session_configuration_get_tls_minimum_version(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_http_version:
 * @version: default URL_HTTP_VERSION_DEFAULT
 *
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void url_session_configuration_set_http_version(UrlSessionConfiguration *configuration,
                                                        UrlHttpVersion version);
/** Returns: the HTTP version preference. Thread: any */
URL_API UrlHttpVersion
url_session_configuration_get_http_version(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_download_directory:
 * @path: (nullable): copied; NULL means g_get_tmp_dir() ($TMPDIR or /tmp)
 *
 * Where download tasks stream their temporary files. Put it on the filesystem of the
 * final destination so that moving the file in did-finish-downloading-to is a rename.
 *
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_download_directory(UrlSessionConfiguration *configuration,
                                                 const char *path);
/** Returns: (transfer none): the download directory. Thread: any */
URL_API const char *
url_session_configuration_get_download_directory(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_max_buffered_bytes:
 * @bytes: at least 16384; default 1 MiB
 *
 * How many received bytes a task may hold that the delegate has not consumed yet (or
 * that are not yet written to the download file). Past it the transfer is paused, and
 * it resumes when the consumer has taken half of it: a slow consumer slows the
 * transfer instead of growing memory.
 *
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_max_buffered_bytes(UrlSessionConfiguration *configuration,
                                                 size_t bytes);
/** Returns: the per-task buffering limit in bytes. Thread: any */
URL_API size_t
url_session_configuration_get_max_buffered_bytes(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_waits_for_connectivity:
 *
 * When true, a task with no usable network path waits for one instead of failing.
 * Stored now; enforced by the path monitor (multipath issue).
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_waits_for_connectivity(UrlSessionConfiguration *configuration,
                                                     bool waits);
/** Returns: whether tasks wait for connectivity. Thread: any */
URL_API bool
url_session_configuration_get_waits_for_connectivity(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_multipath_service_type:
 *
 * Stored now; Multipath TCP is enforced by the multipath issue.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_multipath_service_type(UrlSessionConfiguration *configuration,
                                                     UrlMultipathServiceType type);
/** Returns: the multipath service type. Thread: any */
URL_API UrlMultipathServiceType
url_session_configuration_get_multipath_service_type(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_allows_cellular_access:
 *
 * Default true. Stored now; interface policy is enforced by the multipath issue.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_allows_cellular_access(UrlSessionConfiguration *configuration,
                                                     bool allows);
/** Returns: whether cellular interfaces may be used. Thread: any */
URL_API bool
url_session_configuration_get_allows_cellular_access(const UrlSessionConfiguration *configuration);

/** url_session_configuration_set_allows_expensive_network_access: default true. Thread: any */
URL_API void url_session_configuration_set_allows_expensive_network_access(
    UrlSessionConfiguration *configuration, bool allows);
/** Returns: whether expensive interfaces may be used. Thread: any */
URL_API bool url_session_configuration_get_allows_expensive_network_access(
    const UrlSessionConfiguration *configuration);

/** url_session_configuration_set_allows_constrained_network_access: default true. Thread: any */
URL_API void url_session_configuration_set_allows_constrained_network_access(
    UrlSessionConfiguration *configuration, bool allows);
/** Returns: whether constrained (low data mode) interfaces may be used. Thread: any */
URL_API bool url_session_configuration_get_allows_constrained_network_access(
    const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_dns_servers:
 * @servers: (nullable): comma-separated servers, each an IPv4 address, an IPv6 address,
 *   or either with a port ("192.0.2.53:5353", "[fd00::53]:53"); copied. NULL restores
 *   the system's servers from /etc/resolv.conf.
 *
 * The DNS servers the session's resolver asks. /etc/hosts is read first either way.
 *
 * Returns: false, changing nothing, when @servers is not such a list
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API bool url_session_configuration_set_dns_servers(UrlSessionConfiguration *configuration,
                                                       const char *servers);
/** Returns: (transfer none) (nullable): the DNS server list, NULL for the system's. Thread: any */
URL_API const char *
url_session_configuration_get_dns_servers(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_nat64_prefix:
 * @prefix: (nullable): a NAT64 prefix such as "64:ff9b::/96" (lengths 32, 40, 48, 56, 64
 *   or 96, RFC 6052), copied; NULL (the default) discovers it on each network (RFC 7050).
 *
 * On a network without IPv4, IPv4 addresses (URL literals, A records) are reached
 * through this prefix.
 *
 * Returns: false, changing nothing, when @prefix is not a valid NAT64 prefix
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API bool url_session_configuration_set_nat64_prefix(UrlSessionConfiguration *configuration,
                                                        const char *prefix);
/** Returns: (transfer none) (nullable): the configured NAT64 prefix. Thread: any */
URL_API const char *
url_session_configuration_get_nat64_prefix(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_connection_attempt_delay:
 * @seconds: default 0.25; clamped to 0.01 .. 2 (RFC 8305 §5)
 *
 * Happy Eyeballs: how long a connection attempt to one address family runs before the
 * next address (of the other family) is tried in parallel.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_connection_attempt_delay(UrlSessionConfiguration *configuration,
                                                       double seconds);
/** Returns: the connection attempt delay in seconds. Thread: any */
URL_API double url_session_configuration_get_connection_attempt_delay(
    const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_address_family:
 * @family: default URL_ADDRESS_FAMILY_ANY
 *
 * Restricts connections to one IP version (urlget's -4 / -6).
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void url_session_configuration_set_address_family(UrlSessionConfiguration *configuration,
                                                          UrlAddressFamily family);
/** Returns: the address family restriction. Thread: any */
URL_API UrlAddressFamily
url_session_configuration_get_address_family(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_tcp_fast_open:
 * @enabled: default false
 *
 * TCP Fast Open (RFC 7413) for requests whose method is idempotent (GET, HEAD, OPTIONS,
 * TRACE, PUT, DELETE): their first bytes may ride in the SYN, which a network may replay.
 * POST, PATCH and other methods never use it. Shown per transaction in the metrics.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void url_session_configuration_set_tcp_fast_open(UrlSessionConfiguration *configuration,
                                                         bool enabled);
/** Returns: whether TCP Fast Open is enabled for idempotent requests. Thread: any */
URL_API bool
url_session_configuration_get_tcp_fast_open(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_interface_type:
 * @interface: an interface name ("wifi0"), shorter than 16 bytes; copied
 * @type: what the interface is for the session's policy and metrics
 *
 * Overrides the type sysfs gives @interface (and URLSESSION_INTERFACE_TYPES): a
 * cellular interface is expensive and is avoided when cellular access is not allowed.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void url_session_configuration_set_interface_type(UrlSessionConfiguration *configuration,
                                                          const char *interface,
                                                          UrlInterfaceType type);
/**
 * url_session_configuration_get_interface_type:
 * @type: (out) (optional): the type set for @interface
 * Returns: whether the configuration overrides @interface's type
 * Thread: any
 */
URL_API bool
url_session_configuration_get_interface_type(const UrlSessionConfiguration *configuration,
                                             const char *interface, UrlInterfaceType *type);

/**
 * url_session_configuration_set_manages_mptcp_endpoints:
 * @manages: default false
 *
 * With the kernel's MPTCP path manager (net.mptcp.pm_type=0) and CAP_NET_ADMIN, lets the
 * session's multipath connections set the network namespace's MPTCP endpoints (what
 * "ip mptcp endpoint" shows): a subflow endpoint per permitted secondary interface,
 * backup for handover, and the primary's again when it comes back. The endpoints are the
 * namespace's, so they apply to every MPTCP connection in it; the library removes and
 * re-adds only those it made (ids 100 and up). Without it, the kernel path manager uses
 * the endpoints the system configured. The user-space path manager (pm_type=1) needs no
 * such permission: it acts per connection.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_manages_mptcp_endpoints(UrlSessionConfiguration *configuration,
                                                      bool manages);
/** Returns: whether the session may manage MPTCP endpoints. Thread: any */
URL_API bool
url_session_configuration_get_manages_mptcp_endpoints(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_dns_over_https_url:
 * @url: (nullable): the DNS over HTTPS (RFC 8484) server's URL, such as
 *   "https://dns.example/dns-query"; https only; copied. NULL (the default) uses the DNS
 *   servers (url_session_configuration_set_dns_servers(), or /etc/resolv.conf).
 * @error: (out) (optional) (transfer full): why @url was refused
 *
 * The session's lookups (A and AAAA, and the NAT64 prefix discovery of ipv4only.arpa)
 * go to @url as two HTTP/2 POSTs of application/dns-message instead of to the DNS
 * servers; /etc/hosts is still read first and answers are cached for their TTL. The
 * DoH server's own host name is resolved with the system resolver (getaddrinfo), never
 * through itself: give an IP literal in @url to need no DNS at all. Its certificate is
 * checked against url_session_configuration_set_ca_file() / _set_ca_path() when set,
 * else the system's store. When the server cannot be reached or answers with an error,
 * tasks fail with URL_ERROR_DNS_LOOKUP_FAILED and a message naming the DoH server.
 *
 * Returns: false, changing nothing, when @url is not an https URL with a host (@error
 *   then has URL_ERROR_BAD_URL and says why)
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API bool
url_session_configuration_set_dns_over_https_url(UrlSessionConfiguration *configuration,
                                                 const char *url, UrlError **error);
/** Returns: (transfer none) (nullable): the DNS over HTTPS URL, NULL when unset. Thread: any */
URL_API const char *
url_session_configuration_get_dns_over_https_url(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_url_cache:
 * @cache: (transfer none) (nullable): the HTTP cache of the session's data and download
 *   tasks; the
 *   configuration keeps a reference. NULL: nothing is cached.
 *
 * A default configuration starts with url_cache_shared() (memory only, shared by every
 * default configuration of the process); an ephemeral one with a memory-only cache of
 * its own (4 MiB). For a cache that persists, give a url_cache_new() with a directory.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void url_session_configuration_set_url_cache(UrlSessionConfiguration *configuration,
                                                     UrlCache *cache);
/** Returns: (transfer none) (nullable): the cache. Thread: any */
URL_API UrlCache *
url_session_configuration_get_url_cache(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_request_cache_policy:
 * @policy: default URL_REQUEST_USE_PROTOCOL_CACHE_POLICY
 *
 * The cache policy of requests whose own policy is URL_REQUEST_USE_PROTOCOL_CACHE_POLICY
 * (url_request_set_cache_policy()).
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_request_cache_policy(UrlSessionConfiguration *configuration,
                                                   UrlRequestCachePolicy policy);
/** Returns: the configuration's request cache policy. Thread: any */
URL_API UrlRequestCachePolicy
url_session_configuration_get_request_cache_policy(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_max_decoded_body_size:
 * @bytes: the most bytes a content-coded response body may decode to; 0: no limit;
 *   default 1 GiB
 *
 * Bounds decompression bombs. A response the server sent with a Content-Encoding (gzip,
 * deflate, br, zstd) is decoded by the library; once its decoded body would pass @bytes,
 * the task fails with URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM (-1103), whatever the task
 * kind. A data task with a completion handler has then held at most @bytes of body; a
 * download task removes its partial file (no resume data). Bodies without a content
 * coding are not limited by this (their size is what the server sends). Negative values
 * are ignored with a warning.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_max_decoded_body_size(UrlSessionConfiguration *configuration,
                                                    int64_t bytes);
/** Returns: the limit on a content-coded body after decoding, 0 for none. Thread: any */
URL_API int64_t
url_session_configuration_get_max_decoded_body_size(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_wifi_assist:
 * @enabled: default false
 *
 * Wi-Fi Assist, for the multipath service type none: when a connection that goes over
 * Wi-Fi has not become ready (connected, TLS included) after the head start
 * (url_session_configuration_set_wifi_assist_head_start()), a second attempt on a
 * cellular interface races it; the first one ready carries the request and the other is
 * dropped before it sends anything. Only when cellular access is allowed (configuration
 * and request) and a cellular interface is usable; never for a request whose body is an
 * input stream (it cannot be read twice). A connection made by the cellular attempt is
 * closed after its transfer rather than reused. The metrics name the interface that won.
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void url_session_configuration_set_wifi_assist(UrlSessionConfiguration *configuration,
                                                       bool enabled);
/** Returns: whether Wi-Fi Assist is enabled. Thread: any */
URL_API bool
url_session_configuration_get_wifi_assist(const UrlSessionConfiguration *configuration);

/**
 * url_session_configuration_set_wifi_assist_head_start:
 * @seconds: how long a Wi-Fi connection may take before a cellular attempt races it;
 *   default 1.0, 0 races at once, at most 60; a negative or non-finite value restores
 *   the default
 *
 * Thread: any, not concurrently with other calls on @configuration
 */
URL_API void
url_session_configuration_set_wifi_assist_head_start(UrlSessionConfiguration *configuration,
                                                     double seconds);
/** Returns: the Wi-Fi Assist head start in seconds. Thread: any */
URL_API double
url_session_configuration_get_wifi_assist_head_start(const UrlSessionConfiguration *configuration);

#ifdef __cplusplus
}
#endif

#endif
