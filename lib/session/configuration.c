/* configuration.c — UrlSessionConfiguration: defaults, validated setters, deep copies. */
#include "configuration.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include <urlsession/urlsession.h>

#include "http/proxy.h"

#include "net/happy_eyeballs.h"
#include "net/doh.h"
#include "net/nat64.h"
#include "net/resolver.h"
#include "path/interface_type.h"
#include "session/error.h"

static UrlSessionConfiguration *url_configuration_new(bool ephemeral)
{
    UrlSessionConfiguration *configuration = g_new0(UrlSessionConfiguration, 1);
    configuration->ref_count = 1;
    configuration->ephemeral = ephemeral;
    configuration->request_timeout = URL__DEFAULT_REQUEST_TIMEOUT;
    configuration->resource_timeout = URL__DEFAULT_RESOURCE_TIMEOUT;
    configuration->additional_headers = url__header_list_new();
    configuration->max_connections_per_host = URL__DEFAULT_MAX_CONNECTIONS;
    configuration->user_agent = g_strdup(url__default_user_agent());
    configuration->tls_minimum_version = URL_TLS_VERSION_1_2;
    configuration->http_version = URL_HTTP_VERSION_DEFAULT;
    configuration->download_directory = g_strdup(g_get_tmp_dir());
    configuration->max_buffered_bytes = URL__DEFAULT_MAX_BUFFERED;
    configuration->uses_environment_proxies = true;
    configuration->credential_storage =
        ephemeral ? url_credential_storage_new()
                  : url_credential_storage_ref(url_credential_storage_shared());
    configuration->cookie_storage =
        ephemeral ? url_cookie_storage_new() : url_cookie_storage_ref(url_cookie_storage_shared());
    configuration->http_should_set_cookies = true;
    configuration->cookie_accept_policy = URL_COOKIE_ACCEPT_ONLY_FROM_MAIN_DOCUMENT_DOMAIN;
    configuration->multipath_service_type = URL_MULTIPATH_SERVICE_TYPE_NONE;
    configuration->allows_cellular_access = true;
    configuration->allows_expensive_network_access = true;
    configuration->allows_constrained_network_access = true;
    configuration->connection_attempt_delay = URL__DEFAULT_ATTEMPT_DELAY;
    configuration->url_cache = ephemeral ? url_cache_new(URL__EPHEMERAL_CACHE_MEMORY, 0, NULL, NULL)
                                         : url_cache_ref(url_cache_shared());
    configuration->max_decoded_body_size = URL__DEFAULT_MAX_DECODED_BODY;
    configuration->wifi_assist_head_start = URL__DEFAULT_WIFI_ASSIST_HEAD_START;
    return configuration;
}

static bool url_timeout_is_valid(double seconds)
{
    return isfinite(seconds) && seconds > 0;
}

const char *url__default_user_agent(void)
{
    /* Same text by design: the User-Agent names this library and the libcurl under it. */
    return url_version_string();
}

UrlSessionConfiguration *url_session_configuration_new_default(void)
{
    return url_configuration_new(false);
}

UrlSessionConfiguration *url_session_configuration_new_ephemeral(void)
{
    return url_configuration_new(true);
}

UrlSessionConfiguration *
url_session_configuration_copy(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    UrlSessionConfiguration *copy = g_new0(UrlSessionConfiguration, 1);
    *copy = *configuration;
    copy->ref_count = 1;
    copy->additional_headers = url__header_list_copy(configuration->additional_headers);
    copy->user_agent = g_strdup(configuration->user_agent);
    copy->ca_file = g_strdup(configuration->ca_file);
    copy->ca_path = g_strdup(configuration->ca_path);
    copy->http_proxy = g_strdup(configuration->http_proxy);
    copy->https_proxy = g_strdup(configuration->https_proxy);
    copy->socks_proxy = g_strdup(configuration->socks_proxy);
    copy->no_proxy = g_strdup(configuration->no_proxy);
    if (copy->credential_storage)
        url_credential_storage_ref(copy->credential_storage);
    if (copy->cookie_storage)
        url_cookie_storage_ref(copy->cookie_storage);
    copy->download_directory = g_strdup(configuration->download_directory);
    copy->dns_servers = g_strdup(configuration->dns_servers);
    copy->nat64_prefix = g_strdup(configuration->nat64_prefix);
    copy->dns_over_https_url = g_strdup(configuration->dns_over_https_url);
    copy->interface_types = configuration->interface_types
                                ? url__interface_overrides_copy(configuration->interface_types)
                                : NULL;
    if (copy->url_cache)
        url_cache_ref(copy->url_cache);
    return copy;
}

UrlSessionConfiguration *url_session_configuration_ref(UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    g_atomic_int_inc(&configuration->ref_count);
    return configuration;
}

void url_session_configuration_unref(UrlSessionConfiguration *configuration)
{
    if (configuration == NULL || !g_atomic_int_dec_and_test(&configuration->ref_count))
        return;
    url__header_list_free(configuration->additional_headers);
    g_free(configuration->user_agent);
    g_free(configuration->ca_file);
    g_free(configuration->ca_path);
    g_free(configuration->http_proxy);
    g_free(configuration->https_proxy);
    g_free(configuration->socks_proxy);
    g_free(configuration->no_proxy);
    url_credential_storage_unref(configuration->credential_storage);
    url_cookie_storage_unref(configuration->cookie_storage);
    g_free(configuration->download_directory);
    g_free(configuration->dns_servers);
    g_free(configuration->nat64_prefix);
    g_free(configuration->dns_over_https_url);
    if (configuration->interface_types)
        g_hash_table_unref(configuration->interface_types);
    url_cache_unref(configuration->url_cache);
    g_free(configuration);
}

bool url_session_configuration_is_ephemeral(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, false);
    return configuration->ephemeral;
}

void url_session_configuration_set_timeout_interval_for_request(
    UrlSessionConfiguration *configuration, double seconds)
{
    g_return_if_fail(configuration != NULL);
    if (!url_timeout_is_valid(seconds)) {
        g_warning("url_session_configuration_set_timeout_interval_for_request: ignoring %g; "
                  "the timeout must be a finite number of seconds > 0",
                  seconds);
        return;
    }
    configuration->request_timeout = seconds;
}

double url_session_configuration_get_timeout_interval_for_request(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL__DEFAULT_REQUEST_TIMEOUT);
    return configuration->request_timeout;
}

void url_session_configuration_set_timeout_interval_for_resource(
    UrlSessionConfiguration *configuration, double seconds)
{
    g_return_if_fail(configuration != NULL);
    if (!url_timeout_is_valid(seconds)) {
        g_warning("url_session_configuration_set_timeout_interval_for_resource: ignoring %g; "
                  "the timeout must be a finite number of seconds > 0",
                  seconds);
        return;
    }
    configuration->resource_timeout = seconds;
}

double url_session_configuration_get_timeout_interval_for_resource(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL__DEFAULT_RESOURCE_TIMEOUT);
    return configuration->resource_timeout;
}

bool url_session_configuration_set_additional_header(UrlSessionConfiguration *configuration,
                                                     const char *name, const char *value,
                                                     UrlError **error)
{
    g_return_val_if_fail(configuration != NULL, false);
    if (!url__header_name_is_valid(name, error))
        return false;
    if (value == NULL) {
        url__header_list_remove(configuration->additional_headers, name);
        return true;
    }
    if (!url__header_value_is_valid(value, error))
        return false;
    url__header_list_set(configuration->additional_headers, name, value);
    return true;
}

const char *
url_session_configuration_get_additional_header(const UrlSessionConfiguration *configuration,
                                                const char *name)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return url__header_list_get(configuration->additional_headers, name);
}

size_t
url_session_configuration_get_additional_header_count(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, 0);
    return url__header_list_count(configuration->additional_headers);
}

bool url_session_configuration_get_additional_header_at(
    const UrlSessionConfiguration *configuration, size_t index, const char **name,
    const char **value)
{
    g_return_val_if_fail(configuration != NULL, false);
    return url__header_list_at(configuration->additional_headers, index, name, value);
}

void url_session_configuration_set_max_connections_per_host(UrlSessionConfiguration *configuration,
                                                            int count)
{
    g_return_if_fail(configuration != NULL);
    if (count < 1) {
        g_warning("url_session_configuration_set_max_connections_per_host: ignoring %d; "
                  "at least 1 connection is needed",
                  count);
        return;
    }
    configuration->max_connections_per_host = count;
}

int url_session_configuration_get_max_connections_per_host(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL__DEFAULT_MAX_CONNECTIONS);
    return configuration->max_connections_per_host;
}

void url_session_configuration_set_user_agent(UrlSessionConfiguration *configuration,
                                              const char *user_agent)
{
    g_return_if_fail(configuration != NULL);
    if (user_agent == NULL)
        user_agent = url__default_user_agent();
    UrlError *error = NULL;
    if (!url__header_value_is_valid(user_agent, &error)) {
        g_warning("url_session_configuration_set_user_agent: ignoring it: %s",
                  url_error_get_message(error));
        url_error_unref(error);
        return;
    }
    char *copy = g_strdup(user_agent);
    g_free(configuration->user_agent);
    configuration->user_agent = copy;
}

const char *url_session_configuration_get_user_agent(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->user_agent;
}

void url_session_configuration_set_ca_file(UrlSessionConfiguration *configuration, const char *path)
{
    g_return_if_fail(configuration != NULL);
    char *copy = g_strdup(path);
    g_free(configuration->ca_file);
    configuration->ca_file = copy;
}

const char *url_session_configuration_get_ca_file(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->ca_file;
}

void url_session_configuration_set_ca_path(UrlSessionConfiguration *configuration, const char *path)
{
    g_return_if_fail(configuration != NULL);
    char *copy = g_strdup(path);
    g_free(configuration->ca_path);
    configuration->ca_path = copy;
}

const char *url_session_configuration_get_ca_path(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->ca_path;
}

static bool set_proxy(char **field, const char *proxy, UrlProxyRole role, UrlError **error)
{
    char *normalized = NULL;
    if (proxy != NULL && (normalized = url__proxy_normalize(proxy, role, error)) == NULL)
        return false;
    g_free(*field);
    *field = normalized;
    return true;
}

bool url_session_configuration_set_http_proxy(UrlSessionConfiguration *configuration,
                                              const char *proxy, UrlError **error)
{
    g_return_val_if_fail(configuration != NULL, false);
    return set_proxy(&configuration->http_proxy, proxy, URL__PROXY_FOR_HTTP, error);
}

const char *url_session_configuration_get_http_proxy(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->http_proxy;
}

bool url_session_configuration_set_https_proxy(UrlSessionConfiguration *configuration,
                                               const char *proxy, UrlError **error)
{
    g_return_val_if_fail(configuration != NULL, false);
    return set_proxy(&configuration->https_proxy, proxy, URL__PROXY_FOR_HTTPS, error);
}

const char *url_session_configuration_get_https_proxy(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->https_proxy;
}

bool url_session_configuration_set_socks_proxy(UrlSessionConfiguration *configuration,
                                               const char *proxy, UrlError **error)
{
    g_return_val_if_fail(configuration != NULL, false);
    return set_proxy(&configuration->socks_proxy, proxy, URL__PROXY_SOCKS, error);
}

const char *url_session_configuration_get_socks_proxy(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->socks_proxy;
}

void url_session_configuration_set_no_proxy(UrlSessionConfiguration *configuration,
                                            const char *hosts)
{
    g_return_if_fail(configuration != NULL);
    char *copy = g_strdup(hosts);
    g_free(configuration->no_proxy);
    configuration->no_proxy = copy;
}

const char *url_session_configuration_get_no_proxy(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->no_proxy;
}

void url_session_configuration_set_uses_environment_proxies(UrlSessionConfiguration *configuration,
                                                            bool enabled)
{
    g_return_if_fail(configuration != NULL);
    configuration->uses_environment_proxies = enabled;
}

bool url_session_configuration_get_uses_environment_proxies(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, true);
    return configuration->uses_environment_proxies;
}

void url_session_configuration_set_credential_storage(UrlSessionConfiguration *configuration,
                                                      UrlCredentialStorage *storage)
{
    g_return_if_fail(configuration != NULL);
    if (storage)
        url_credential_storage_ref(storage);
    url_credential_storage_unref(configuration->credential_storage);
    configuration->credential_storage = storage;
}

UrlCredentialStorage *
url_session_configuration_get_credential_storage(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->credential_storage;
}

void url_session_configuration_set_allows_https_to_http_redirects(
    UrlSessionConfiguration *configuration, bool allowed)
{
    g_return_if_fail(configuration != NULL);
    configuration->allows_https_to_http_redirects = allowed;
}

bool url_session_configuration_get_allows_https_to_http_redirects(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, false);
    return configuration->allows_https_to_http_redirects;
}

void url_session_configuration_set_cookie_storage(UrlSessionConfiguration *configuration,
                                                  UrlCookieStorage *storage)
{
    g_return_if_fail(configuration != NULL);
    if (storage)
        url_cookie_storage_ref(storage);
    url_cookie_storage_unref(configuration->cookie_storage);
    configuration->cookie_storage = storage;
}

UrlCookieStorage *
url_session_configuration_get_cookie_storage(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->cookie_storage;
}

void url_session_configuration_set_http_should_set_cookies(UrlSessionConfiguration *configuration,
                                                           bool enabled)
{
    g_return_if_fail(configuration != NULL);
    configuration->http_should_set_cookies = enabled;
}

bool url_session_configuration_get_http_should_set_cookies(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, true);
    return configuration->http_should_set_cookies;
}

void url_session_configuration_set_http_cookie_accept_policy(UrlSessionConfiguration *configuration,
                                                             UrlCookieAcceptPolicy policy)
{
    g_return_if_fail(configuration != NULL);
    switch (policy) {
    case URL_COOKIE_ACCEPT_ALWAYS:
    case URL_COOKIE_ACCEPT_NEVER:
    case URL_COOKIE_ACCEPT_ONLY_FROM_MAIN_DOCUMENT_DOMAIN:
        configuration->cookie_accept_policy = policy;
        return;
    }
    g_warning("url_session_configuration_set_http_cookie_accept_policy: ignoring unknown "
              "policy %d",
              (int)policy);
}

UrlCookieAcceptPolicy url_session_configuration_get_http_cookie_accept_policy(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL_COOKIE_ACCEPT_ALWAYS);
    return configuration->cookie_accept_policy;
}

void url_session_configuration_set_tls_minimum_version(UrlSessionConfiguration *configuration,
                                                       UrlTlsVersion version)
{
    g_return_if_fail(configuration != NULL);
    switch (version) {
    case URL_TLS_VERSION_1_0:
    case URL_TLS_VERSION_1_1:
    case URL_TLS_VERSION_1_2:
    case URL_TLS_VERSION_1_3:
        configuration->tls_minimum_version = version;
        return;
    }
    g_warning("url_session_configuration_set_tls_minimum_version: ignoring unknown version %d",
              (int)version);
}

UrlTlsVersion
url_session_configuration_get_tls_minimum_version(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL_TLS_VERSION_1_2);
    return configuration->tls_minimum_version;
}

void url_session_configuration_set_http_version(UrlSessionConfiguration *configuration,
                                                UrlHttpVersion version)
{
    g_return_if_fail(configuration != NULL);
    switch (version) {
    case URL_HTTP_VERSION_DEFAULT:
    case URL_HTTP_VERSION_1_1:
    case URL_HTTP_VERSION_2:
        configuration->http_version = version;
        return;
    }
    g_warning("url_session_configuration_set_http_version: ignoring unknown version %d",
              (int)version);
}

UrlHttpVersion
url_session_configuration_get_http_version(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL_HTTP_VERSION_DEFAULT);
    return configuration->http_version;
}

void url_session_configuration_set_download_directory(UrlSessionConfiguration *configuration,
                                                      const char *path)
{
    g_return_if_fail(configuration != NULL);
    char *copy = g_strdup(path != NULL ? path : g_get_tmp_dir());
    g_free(configuration->download_directory);
    configuration->download_directory = copy;
}

const char *
url_session_configuration_get_download_directory(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->download_directory;
}

void url_session_configuration_set_max_buffered_bytes(UrlSessionConfiguration *configuration,
                                                      size_t bytes)
{
    g_return_if_fail(configuration != NULL);
    if (bytes < URL__MIN_MAX_BUFFERED) {
        g_warning("url_session_configuration_set_max_buffered_bytes: ignoring %zu; "
                  "the limit must be at least %d bytes",
                  bytes, URL__MIN_MAX_BUFFERED);
        return;
    }
    configuration->max_buffered_bytes = bytes;
}

size_t
url_session_configuration_get_max_buffered_bytes(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL__DEFAULT_MAX_BUFFERED);
    return configuration->max_buffered_bytes;
}

void url_session_configuration_set_waits_for_connectivity(UrlSessionConfiguration *configuration,
                                                          bool waits)
{
    g_return_if_fail(configuration != NULL);
    configuration->waits_for_connectivity = waits;
}

bool url_session_configuration_get_waits_for_connectivity(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, false);
    return configuration->waits_for_connectivity;
}

void url_session_configuration_set_multipath_service_type(UrlSessionConfiguration *configuration,
                                                          UrlMultipathServiceType type)
{
    g_return_if_fail(configuration != NULL);
    switch (type) {
    case URL_MULTIPATH_SERVICE_TYPE_NONE:
    case URL_MULTIPATH_SERVICE_TYPE_HANDOVER:
    case URL_MULTIPATH_SERVICE_TYPE_INTERACTIVE:
    case URL_MULTIPATH_SERVICE_TYPE_AGGREGATE:
        configuration->multipath_service_type = type;
        return;
    }
    g_warning("url_session_configuration_set_multipath_service_type: ignoring unknown type %d",
              (int)type);
}

UrlMultipathServiceType
url_session_configuration_get_multipath_service_type(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL_MULTIPATH_SERVICE_TYPE_NONE);
    return configuration->multipath_service_type;
}

void url_session_configuration_set_allows_cellular_access(UrlSessionConfiguration *configuration,
                                                          bool allows)
{
    g_return_if_fail(configuration != NULL);
    configuration->allows_cellular_access = allows;
}

bool url_session_configuration_get_allows_cellular_access(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, true);
    return configuration->allows_cellular_access;
}

void url_session_configuration_set_allows_expensive_network_access(
    UrlSessionConfiguration *configuration, bool allows)
{
    g_return_if_fail(configuration != NULL);
    configuration->allows_expensive_network_access = allows;
}

bool url_session_configuration_get_allows_expensive_network_access(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, true);
    return configuration->allows_expensive_network_access;
}

void url_session_configuration_set_allows_constrained_network_access(
    UrlSessionConfiguration *configuration, bool allows)
{
    g_return_if_fail(configuration != NULL);
    configuration->allows_constrained_network_access = allows;
}

bool url_session_configuration_get_allows_constrained_network_access(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, true);
    return configuration->allows_constrained_network_access;
}

bool url_session_configuration_set_dns_servers(UrlSessionConfiguration *configuration,
                                               const char *servers)
{
    g_return_val_if_fail(configuration != NULL, false);
    if (servers != NULL && !url__resolver_servers_valid(servers))
        return false;
    char *copy = g_strdup(servers);
    g_free(configuration->dns_servers);
    configuration->dns_servers = copy;
    return true;
}

const char *url_session_configuration_get_dns_servers(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->dns_servers;
}

bool url_session_configuration_set_nat64_prefix(UrlSessionConfiguration *configuration,
                                                const char *prefix)
{
    g_return_val_if_fail(configuration != NULL, false);
    UrlNat64Prefix parsed;
    if (prefix != NULL && !url__nat64_prefix_parse(prefix, &parsed))
        return false;
    char *copy = g_strdup(prefix);
    g_free(configuration->nat64_prefix);
    configuration->nat64_prefix = copy;
    return true;
}

const char *url_session_configuration_get_nat64_prefix(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->nat64_prefix;
}

void url_session_configuration_set_connection_attempt_delay(UrlSessionConfiguration *configuration,
                                                            double seconds)
{
    g_return_if_fail(configuration != NULL);
    if (!isfinite(seconds))
        seconds = URL__DEFAULT_ATTEMPT_DELAY;
    double ms = seconds * 1000.0;
    if (ms < URL__ATTEMPT_DELAY_MIN_MS)
        ms = URL__ATTEMPT_DELAY_MIN_MS;
    configuration->connection_attempt_delay =
        (double)url__happy_eyeballs_clamp_delay((long)(ms + 0.5)) / 1000.0;
}

double
url_session_configuration_get_connection_attempt_delay(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL__DEFAULT_ATTEMPT_DELAY);
    return configuration->connection_attempt_delay;
}

void url_session_configuration_set_address_family(UrlSessionConfiguration *configuration,
                                                  UrlAddressFamily family)
{
    g_return_if_fail(configuration != NULL);
    g_return_if_fail(family == URL_ADDRESS_FAMILY_ANY || family == URL_ADDRESS_FAMILY_IPV4_ONLY ||
                     family == URL_ADDRESS_FAMILY_IPV6_ONLY);
    configuration->address_family = family;
}

UrlAddressFamily
url_session_configuration_get_address_family(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL_ADDRESS_FAMILY_ANY);
    return configuration->address_family;
}

void url_session_configuration_set_tcp_fast_open(UrlSessionConfiguration *configuration,
                                                 bool enabled)
{
    g_return_if_fail(configuration != NULL);
    configuration->tcp_fast_open = enabled;
}

bool url_session_configuration_get_tcp_fast_open(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, false);
    return configuration->tcp_fast_open;
}

void url_session_configuration_set_interface_type(UrlSessionConfiguration *configuration,
                                                  const char *interface, UrlInterfaceType type)
{
    g_return_if_fail(configuration != NULL);
    g_return_if_fail(interface != NULL && *interface != '\0' && strlen(interface) < 16);
    if (configuration->interface_types == NULL)
        configuration->interface_types = url__interface_overrides_new();
    url__interface_overrides_set(configuration->interface_types, interface, type);
}

bool url_session_configuration_get_interface_type(const UrlSessionConfiguration *configuration,
                                                  const char *interface, UrlInterfaceType *type)
{
    g_return_val_if_fail(configuration != NULL && interface != NULL, false);
    const UrlInterfaceOverride *found =
        configuration->interface_types
            ? g_hash_table_lookup(configuration->interface_types, interface)
            : NULL;
    if (found && type)
        *type = found->type;
    return found != NULL;
}

void url_session_configuration_set_manages_mptcp_endpoints(UrlSessionConfiguration *configuration,
                                                           bool manages)
{
    g_return_if_fail(configuration != NULL);
    configuration->manages_mptcp_endpoints = manages;
}

bool url_session_configuration_get_manages_mptcp_endpoints(
    const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, false);
    return configuration->manages_mptcp_endpoints;
}

bool url_session_configuration_set_dns_over_https_url(UrlSessionConfiguration *configuration,
                                                      const char *url, UrlError **error)
{
    g_return_val_if_fail(configuration != NULL, false);
    char *reason = NULL;
    if (url != NULL && !url__doh_url_valid(url, &reason)) {
        url__error_set(error, URL_ERROR_BAD_URL, "%s", reason);
        g_free(reason);
        return false;
    }
    char *copy = g_strdup(url);
    g_free(configuration->dns_over_https_url);
    configuration->dns_over_https_url = copy;
    return true;
}

const char *
url_session_configuration_get_dns_over_https_url(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->dns_over_https_url;
}

void url_session_configuration_set_url_cache(UrlSessionConfiguration *configuration,
                                             UrlCache *cache)
{
    g_return_if_fail(configuration != NULL);
    if (cache)
        url_cache_ref(cache);
    url_cache_unref(configuration->url_cache);
    configuration->url_cache = cache;
}

UrlCache *url_session_configuration_get_url_cache(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, NULL);
    return configuration->url_cache;
}

void url_session_configuration_set_request_cache_policy(UrlSessionConfiguration *configuration,
                                                        UrlRequestCachePolicy policy)
{
    g_return_if_fail(configuration != NULL);
    if (policy < URL_REQUEST_USE_PROTOCOL_CACHE_POLICY ||
        policy > URL_REQUEST_RETURN_CACHE_DATA_DONT_LOAD) {
        g_warning("url_session_configuration_set_request_cache_policy: ignoring unknown "
                  "policy %d",
                  (int)policy);
        return;
    }
    configuration->request_cache_policy = policy;
}

UrlRequestCachePolicy
url_session_configuration_get_request_cache_policy(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL_REQUEST_USE_PROTOCOL_CACHE_POLICY);
    return configuration->request_cache_policy;
}

void url_session_configuration_set_max_decoded_body_size(UrlSessionConfiguration *configuration,
                                                         int64_t bytes)
{
    g_return_if_fail(configuration != NULL);
    if (bytes < 0) {
        g_warning("url_session_configuration_set_max_decoded_body_size: ignoring %" G_GINT64_FORMAT
                  "; the limit must be 0 (none) or positive",
                  (gint64)bytes);
        return;
    }
    configuration->max_decoded_body_size = bytes;
}

int64_t
url_session_configuration_get_max_decoded_body_size(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL__DEFAULT_MAX_DECODED_BODY);
    return configuration->max_decoded_body_size;
}

void url_session_configuration_set_wifi_assist(UrlSessionConfiguration *configuration, bool enabled)
{
    g_return_if_fail(configuration != NULL);
    configuration->wifi_assist = enabled;
}

bool url_session_configuration_get_wifi_assist(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, false);
    return configuration->wifi_assist;
}

void url_session_configuration_set_wifi_assist_head_start(UrlSessionConfiguration *configuration,
                                                          double seconds)
{
    g_return_if_fail(configuration != NULL);
    if (!isfinite(seconds) || seconds < 0)
        seconds = URL__DEFAULT_WIFI_ASSIST_HEAD_START;
    configuration->wifi_assist_head_start =
        seconds > URL__MAX_WIFI_ASSIST_HEAD_START ? URL__MAX_WIFI_ASSIST_HEAD_START : seconds;
}

double
url_session_configuration_get_wifi_assist_head_start(const UrlSessionConfiguration *configuration)
{
    g_return_val_if_fail(configuration != NULL, URL__DEFAULT_WIFI_ASSIST_HEAD_START);
    return configuration->wifi_assist_head_start;
}
