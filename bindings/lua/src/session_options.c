/* session_options.c — the options table of urlsession.session{...} read into a
 * UrlSessionConfiguration. Every option is checked here, with a Lua error naming the
 * option, because the C setters only log and ignore values they refuse. */
#include "lua_urlsession.h"

#include <string.h>

typedef void (*OptionSetter)(lua_State *L, int value, UrlSessionConfiguration *configuration);

static bool check_boolean(lua_State *L, int value, const char *name)
{
    if (!lua_isboolean(L, value))
        luaL_error(L, "session option '%s' must be a boolean, not %s", name,
                   luaL_typename(L, value));
    return lua_toboolean(L, value);
}

static double check_seconds(lua_State *L, int value, const char *name)
{
    if (lua_type(L, value) != LUA_TNUMBER || !(lua_tonumber(L, value) > 0))
        luaL_error(L, "session option '%s' must be a number of seconds > 0", name);
    return lua_tonumber(L, value);
}

static lua_Integer check_integer_at_least(lua_State *L, int value, const char *name,
                                          lua_Integer minimum)
{
    int is_integer = 0;
    lua_Integer number = lua_tointegerx(L, value, &is_integer);
    if (lua_type(L, value) != LUA_TNUMBER || !is_integer || number < minimum)
        luaL_error(L, "session option '%s' must be an integer >= %d", name, (int)minimum);
    return number;
}

static const char *check_string(lua_State *L, int value, const char *name)
{
    if (lua_type(L, value) != LUA_TSTRING)
        luaL_error(L, "session option '%s' must be a string, not %s", name,
                   luaL_typename(L, value));
    return lua_tostring(L, value);
}

static void set_multipath(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    static const char *const names[] = {"none", "handover", "interactive", "aggregate", NULL};
    static const UrlMultipathServiceType types[] = {
        URL_MULTIPATH_SERVICE_TYPE_NONE, URL_MULTIPATH_SERVICE_TYPE_HANDOVER,
        URL_MULTIPATH_SERVICE_TYPE_INTERACTIVE, URL_MULTIPATH_SERVICE_TYPE_AGGREGATE};
    const char *name = check_string(L, value, "multipath");
    for (int i = 0; names[i]; i++) {
        if (strcmp(name, names[i]) == 0) {
            url_session_configuration_set_multipath_service_type(configuration, types[i]);
            return;
        }
    }
    luaL_error(L,
               "session option 'multipath' must be \"none\", \"handover\", "
               "\"interactive\" or \"aggregate\", not \"%s\"",
               name);
}

static void set_waits(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_waits_for_connectivity(
        configuration, check_boolean(L, value, "waits_for_connectivity"));
}

static void set_timeout(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_timeout_interval_for_request(configuration,
                                                               check_seconds(L, value, "timeout"));
}

static void set_resource_timeout(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_timeout_interval_for_resource(
        configuration, check_seconds(L, value, "resource_timeout"));
}

static void set_headers(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    if (!lua_istable(L, value))
        luaL_error(L, "session option 'headers' must be a table of names to values");
    lua_pushnil(L);
    while (lua_next(L, value)) {
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "session option 'headers' maps header names to string values");
        UrlError *error = NULL;
        if (!url_session_configuration_set_additional_header(configuration, lua_tostring(L, -2),
                                                             lua_tostring(L, -1), &error)) {
            lua_pushstring(L, url_error_get_message(error));
            url_error_unref(error);
            luaL_error(L, "session option 'headers': %s", lua_tostring(L, -1));
        }
        lua_pop(L, 1);
    }
}

static void set_user_agent(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_user_agent(configuration, check_string(L, value, "user_agent"));
}

static void set_ca_file(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_ca_file(configuration, check_string(L, value, "ca_file"));
}

static void set_ca_path(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_ca_path(configuration, check_string(L, value, "ca_path"));
}

static void set_http_version(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    const char *version = lua_type(L, value) == LUA_TNUMBER || lua_type(L, value) == LUA_TSTRING
                              ? lua_tostring(L, value)
                              : "";
    if (strcmp(version, "default") == 0)
        url_session_configuration_set_http_version(configuration, URL_HTTP_VERSION_DEFAULT);
    else if (strcmp(version, "1.1") == 0)
        url_session_configuration_set_http_version(configuration, URL_HTTP_VERSION_1_1);
    else if (strcmp(version, "2") == 0 || strcmp(version, "2.0") == 0)
        url_session_configuration_set_http_version(configuration, URL_HTTP_VERSION_2);
    else
        luaL_error(L, "session option 'http_version' must be \"default\", \"1.1\" or \"2\"");
}

static void set_tls_min(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    static const char *const names[] = {"1.0", "1.1", "1.2", "1.3", NULL};
    static const UrlTlsVersion versions[] = {URL_TLS_VERSION_1_0, URL_TLS_VERSION_1_1,
                                             URL_TLS_VERSION_1_2, URL_TLS_VERSION_1_3};
    const char *name = lua_type(L, value) == LUA_TNUMBER || lua_type(L, value) == LUA_TSTRING
                           ? lua_tostring(L, value)
                           : "";
    for (int i = 0; names[i]; i++) {
        if (strcmp(name, names[i]) == 0) {
            url_session_configuration_set_tls_minimum_version(configuration, versions[i]);
            return;
        }
    }
    luaL_error(L, "session option 'tls_min' must be \"1.0\", \"1.1\", \"1.2\" or \"1.3\"");
}

static void set_max_connections(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    lua_Integer count = check_integer_at_least(L, value, "max_connections_per_host", 1);
    url_session_configuration_set_max_connections_per_host(configuration,
                                                           count > 65535 ? 65535 : (int)count);
}

static void set_cellular(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_allows_cellular_access(
        configuration, check_boolean(L, value, "allows_cellular_access"));
}

static void set_expensive(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_allows_expensive_network_access(
        configuration, check_boolean(L, value, "allows_expensive_network_access"));
}

static void set_constrained(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_allows_constrained_network_access(
        configuration, check_boolean(L, value, "allows_constrained_network_access"));
}

static void set_download_directory(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_download_directory(configuration,
                                                     check_string(L, value, "download_directory"));
}

static void set_max_buffered(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    lua_Integer bytes = check_integer_at_least(L, value, "max_buffered_bytes", 16384);
    url_session_configuration_set_max_buffered_bytes(configuration, (size_t)bytes);
}

#define BOOLEAN_OPTION(setter, option)                                                             \
    static void set_##setter(lua_State *L, int value, UrlSessionConfiguration *configuration)      \
    {                                                                                              \
        url_session_configuration_set_##setter(configuration, check_boolean(L, value, option));    \
    }

BOOLEAN_OPTION(allows_https_to_http_redirects, "allows_https_to_http_redirects")
BOOLEAN_OPTION(uses_environment_proxies, "uses_environment_proxies")
BOOLEAN_OPTION(http_should_set_cookies, "http_should_set_cookies")
BOOLEAN_OPTION(tcp_fast_open, "tcp_fast_open")
BOOLEAN_OPTION(manages_mptcp_endpoints, "manages_mptcp_endpoints")
BOOLEAN_OPTION(wifi_assist, "wifi_assist")

static void set_max_decoded(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    lua_Integer bytes = check_integer_at_least(L, value, "max_decoded_body_size", 0);
    url_session_configuration_set_max_decoded_body_size(configuration, (int64_t)bytes);
}

static void set_wifi_assist_head_start(lua_State *L, int value,
                                       UrlSessionConfiguration *configuration)
{
    double seconds = lua_tonumber(L, value);
    if (lua_type(L, value) != LUA_TNUMBER || !(seconds >= 0 && seconds <= 60))
        luaL_error(L, "session option 'wifi_assist_head_start' must be 0 to 60 seconds");
    url_session_configuration_set_wifi_assist_head_start(configuration, seconds);
}

/* A setter that may refuse a value and say why (proxies, DNS over HTTPS). */
typedef bool (*ProxySetter)(UrlSessionConfiguration *, const char *, UrlError **);

static void set_proxy(lua_State *L, int value, UrlSessionConfiguration *configuration,
                      const char *name, ProxySetter set)
{
    UrlError *error = NULL;
    if (!set(configuration, check_string(L, value, name), &error)) {
        lua_pushstring(L, url_error_get_message(error));
        url_error_unref(error);
        luaL_error(L, "session option '%s': %s", name, lua_tostring(L, -1));
    }
}

static void set_http_proxy(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    set_proxy(L, value, configuration, "http_proxy", url_session_configuration_set_http_proxy);
}

static void set_https_proxy(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    set_proxy(L, value, configuration, "https_proxy", url_session_configuration_set_https_proxy);
}

static void set_socks_proxy(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    set_proxy(L, value, configuration, "socks_proxy", url_session_configuration_set_socks_proxy);
}

static void set_dns_over_https_url(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    set_proxy(L, value, configuration, "dns_over_https_url",
              url_session_configuration_set_dns_over_https_url);
}

static void set_no_proxy(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_no_proxy(configuration, check_string(L, value, "no_proxy"));
}

static void set_dns_servers(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    if (!url_session_configuration_set_dns_servers(configuration,
                                                   check_string(L, value, "dns_servers")))
        luaL_error(L, "session option 'dns_servers' must be comma-separated IP addresses, each "
                      "with an optional port");
}

static void set_nat64_prefix(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    if (!url_session_configuration_set_nat64_prefix(configuration,
                                                    check_string(L, value, "nat64_prefix")))
        luaL_error(L, "session option 'nat64_prefix' must be an IPv6 prefix of length 32, 40, "
                      "48, 56, 64 or 96 (\"64:ff9b::/96\")");
}

static void set_attempt_delay(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    double seconds = lua_tonumber(L, value);
    if (lua_type(L, value) != LUA_TNUMBER || !(seconds >= 0.01 && seconds <= 2))
        luaL_error(L, "session option 'connection_attempt_delay' must be 0.01 to 2 seconds");
    url_session_configuration_set_connection_attempt_delay(configuration, seconds);
}

static const char *const family_names[] = {"any", "ipv4", "ipv6", NULL};
static const UrlAddressFamily families[] = {URL_ADDRESS_FAMILY_ANY, URL_ADDRESS_FAMILY_IPV4_ONLY,
                                            URL_ADDRESS_FAMILY_IPV6_ONLY};

static void set_address_family(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    const char *name = check_string(L, value, "address_family");
    for (int i = 0; family_names[i]; i++) {
        if (strcmp(name, family_names[i]) == 0) {
            url_session_configuration_set_address_family(configuration, families[i]);
            return;
        }
    }
    luaL_error(L, "session option 'address_family' must be \"any\", \"ipv4\" or \"ipv6\"");
}

/* Indexed by UrlCookieAcceptPolicy. */
static const char *const cookie_policy_names[] = {"always", "never",
                                                  "only_from_main_document_domain", NULL};

static void set_cookie_policy(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    const char *name = check_string(L, value, "cookie_accept_policy");
    for (int i = 0; cookie_policy_names[i]; i++) {
        if (strcmp(name, cookie_policy_names[i]) == 0) {
            url_session_configuration_set_http_cookie_accept_policy(configuration,
                                                                    (UrlCookieAcceptPolicy)i);
            return;
        }
    }
    luaL_error(L, "session option 'cookie_accept_policy' must be \"always\", \"never\" or "
                  "\"only_from_main_document_domain\"");
}

/* cookies = false: no cookie storage, nothing sent or stored. */
static void set_cookies(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    if (check_boolean(L, value, "cookies"))
        luaL_error(L, "session option 'cookies' can only be false (the default configuration "
                      "shares the process's cookies; use cookie_file for a file of your own)");
    url_session_configuration_set_cookie_storage(configuration, NULL);
}

/* cookie_file = path: the session's cookies start from that file and are written back
 * when the session goes. */
static void set_cookie_file(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    UrlError *error = NULL;
    UrlCookieStorage *storage =
        url_cookie_storage_new_with_file(check_string(L, value, "cookie_file"), &error);
    if (!storage) {
        lua_pushstring(L, url_error_get_message(error));
        url_error_unref(error);
        luaL_error(L, "session option 'cookie_file': %s", lua_tostring(L, -1));
    }
    url_session_configuration_set_cookie_storage(configuration, storage);
    url_cookie_storage_unref(storage);
}

const char *const lus_cache_policy_names[] = {"use_protocol", "reload_ignoring_local_cache",
                                              "return_cache_data_else_load",
                                              "return_cache_data_dont_load", NULL};

/* The UrlRequestCachePolicy named by the string at @value; a Lua error naming @what
 * otherwise. Used for the session option and for request options (request_table.c). */
UrlRequestCachePolicy lus_check_cache_policy(lua_State *L, int value, const char *what)
{
    if (lua_type(L, value) != LUA_TSTRING)
        luaL_error(L, "%s 'cache_policy' must be a string, not %s", what, luaL_typename(L, value));
    const char *name = lua_tostring(L, value);
    for (int i = 0; lus_cache_policy_names[i]; i++)
        if (strcmp(name, lus_cache_policy_names[i]) == 0)
            return (UrlRequestCachePolicy)i;
    return (UrlRequestCachePolicy)luaL_error(
        L,
        "%s 'cache_policy' must be \"use_protocol\", \"reload_ignoring_local_cache\", "
        "\"return_cache_data_else_load\" or \"return_cache_data_dont_load\", not \"%s\"",
        what, name);
}

static void set_cache_policy(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    url_session_configuration_set_request_cache_policy(
        configuration, lus_check_cache_policy(L, value, "session option"));
}

/* A non-negative integer field of the cache table at @index, @fallback when absent. */
static size_t cache_size_field(lua_State *L, int index, const char *name, size_t fallback)
{
    lua_getfield(L, index, name);
    size_t size = fallback;
    if (!lua_isnil(L, -1)) {
        int is_integer = 0;
        lua_Integer number = lua_tointegerx(L, -1, &is_integer);
        if (lua_type(L, -1) != LUA_TNUMBER || !is_integer || number < 0)
            luaL_error(L, "session option 'cache': '%s' must be an integer >= 0", name);
        size = (size_t)number;
    }
    lua_pop(L, 1);
    return size;
}

/* cache = false: nothing cached. cache = {memory = N, disk = N, directory = path}: a cache
 * of the session's own (memory 4 MiB unless given; disk only with a directory). */
static void set_cache(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    if (lua_isboolean(L, value)) {
        if (lua_toboolean(L, value))
            luaL_error(L, "session option 'cache' can be false or a table {memory = bytes, "
                          "disk = bytes, directory = path}, not true");
        url_session_configuration_set_url_cache(configuration, NULL);
        return;
    }
    if (!lua_istable(L, value))
        luaL_error(L, "session option 'cache' must be false or a table, not %s",
                   luaL_typename(L, value));
    lua_pushnil(L);
    while (lua_next(L, value)) {
        const char *key = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
        if (!key || (strcmp(key, "memory") != 0 && strcmp(key, "disk") != 0 &&
                     strcmp(key, "directory") != 0))
            luaL_error(L, "session option 'cache': unknown field '%s' (memory, disk, directory)",
                       key ? key : luaL_typename(L, -2));
        lua_pop(L, 1);
    }
    size_t memory = cache_size_field(L, value, "memory", 4 * 1024 * 1024);
    size_t disk = cache_size_field(L, value, "disk", 0);
    lua_getfield(L, value, "directory");
    const char *directory = lua_isnil(L, -1) ? NULL : check_string(L, -1, "cache.directory");
    UrlError *error = NULL;
    UrlCache *cache = url_cache_new(memory, disk, directory, &error);
    if (!cache) {
        lua_pushstring(L, url_error_get_message(error));
        url_error_unref(error);
        luaL_error(L, "session option 'cache': %s", lua_tostring(L, -1));
    }
    lua_pop(L, 1);
    url_session_configuration_set_url_cache(configuration, cache);
    url_cache_unref(cache);
}

/* A string field of the credential table at @index (NULL when absent and optional). */
static const char *credential_field(lua_State *L, int index, const char *name, bool required)
{
    lua_getfield(L, index, name); /* left on the stack: the options table keeps it anyway */
    if (lua_isnil(L, -1) && !required)
        return NULL;
    if (lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "session option 'credentials': each entry needs '%s', a string", name);
    return lua_tostring(L, -1);
}

static void release_credential_storage(void *storage)
{
    url_credential_storage_unref(storage);
}

/* credentials = { { user =, password =, host =, port =, protocol = "https", realm =,
 * method = "basic" }, ... }: a credential storage of the session's own holding these. */
static void set_credentials(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    if (!lua_istable(L, value))
        luaL_error(L, "session option 'credentials' must be a list of credential tables");
    UrlCredentialStorage *storage = url_credential_storage_new();
    void **guard = lus_guard_push(L, storage, release_credential_storage);
    for (lua_Integer i = 1; lua_geti(L, value, i) != LUA_TNIL; i++) {
        int entry = lua_gettop(L);
        if (!lua_istable(L, entry))
            luaL_error(L, "session option 'credentials': entry %d is not a table", (int)i);
        const char *user = credential_field(L, entry, "user", true);
        const char *password = credential_field(L, entry, "password", true);
        const char *host = credential_field(L, entry, "host", true);
        const char *protocol = credential_field(L, entry, "protocol", false);
        const char *realm = credential_field(L, entry, "realm", false);
        const char *method = credential_field(L, entry, "method", false);
        lua_getfield(L, entry, "port");
        int is_integer = 0;
        lua_Integer port = lua_tointegerx(L, -1, &is_integer);
        protocol = protocol ? protocol : "https";
        if (!is_integer || port < 1 || port > 65535)
            luaL_error(L, "session option 'credentials': each entry needs 'port', 1 to 65535");
        if (strcmp(protocol, "http") != 0 && strcmp(protocol, "https") != 0)
            luaL_error(L, "session option 'credentials': protocol is \"http\" or \"https\"");
        UrlAuthenticationMethod kind = URL_AUTH_METHOD_HTTP_BASIC;
        if (method && strcmp(method, "digest") == 0)
            kind = URL_AUTH_METHOD_HTTP_DIGEST;
        else if (method && strcmp(method, "basic") != 0)
            luaL_error(L, "session option 'credentials': method is \"basic\" or \"digest\"");
        UrlProtectionSpace *space =
            url_protection_space_new(host, (int)port, protocol, realm, kind, false);
        UrlCredential *credential =
            url_credential_new_with_user(user, password, URL_CREDENTIAL_PERSISTENCE_FOR_SESSION);
        url_credential_storage_set_credential(storage, credential, space);
        url_credential_unref(credential);
        url_protection_space_unref(space);
        lua_settop(L, entry - 1);
    }
    lua_pop(L, 1); /* the nil that ended the list */
    url_session_configuration_set_credential_storage(configuration, storage);
    *guard = NULL;
    lua_pop(L, 1);
    url_credential_storage_unref(storage);
}

/* Indexed by UrlInterfaceType. */
static const char *const interface_type_names[] = {"other", "wifi",     "cellular",
                                                   "wired", "loopback", NULL};

static void set_interface_types(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    if (!lua_istable(L, value))
        luaL_error(L, "session option 'interface_types' must be a table of interface names to "
                      "types");
    lua_pushnil(L);
    while (lua_next(L, value)) {
        size_t length = 0;
        const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &length) : NULL;
        const char *type = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
        int i = 0;
        while (interface_type_names[i] && strcmp(type, interface_type_names[i]) != 0)
            i++;
        if (!name || length == 0 || length >= 16 || !interface_type_names[i])
            luaL_error(L, "session option 'interface_types' maps interface names (1 to 15 "
                          "bytes) to \"wifi\", \"cellular\", \"wired\", \"loopback\" or "
                          "\"other\"");
        url_session_configuration_set_interface_type(configuration, name, (UrlInterfaceType)i);
        lua_pop(L, 1);
    }
}

/* Read by session_object.c, not here. */
static void set_nothing(lua_State *L, int value, UrlSessionConfiguration *configuration)
{
    (void)L, (void)value, (void)configuration;
}

static const struct {
    const char *name;
    OptionSetter set;
} options[] = {
    {"multipath", set_multipath},
    {"waits_for_connectivity", set_waits},
    {"timeout", set_timeout},
    {"resource_timeout", set_resource_timeout},
    {"headers", set_headers},
    {"user_agent", set_user_agent},
    {"ca_file", set_ca_file},
    {"ca_path", set_ca_path},
    {"http_version", set_http_version},
    {"tls_min", set_tls_min},
    {"max_connections_per_host", set_max_connections},
    {"allows_cellular_access", set_cellular},
    {"allows_expensive_network_access", set_expensive},
    {"allows_constrained_network_access", set_constrained},
    {"download_directory", set_download_directory},
    {"max_buffered_bytes", set_max_buffered},
    {"allows_https_to_http_redirects", set_allows_https_to_http_redirects},
    {"http_proxy", set_http_proxy},
    {"https_proxy", set_https_proxy},
    {"socks_proxy", set_socks_proxy},
    {"no_proxy", set_no_proxy},
    {"uses_environment_proxies", set_uses_environment_proxies},
    {"http_should_set_cookies", set_http_should_set_cookies},
    {"cookie_accept_policy", set_cookie_policy},
    {"cookies", set_cookies},
    {"cookie_file", set_cookie_file},
    {"cache", set_cache},
    {"cache_policy", set_cache_policy},
    {"credentials", set_credentials},
    {"dns_servers", set_dns_servers},
    {"nat64_prefix", set_nat64_prefix},
    {"dns_over_https_url", set_dns_over_https_url},
    {"connection_attempt_delay", set_attempt_delay},
    {"address_family", set_address_family},
    {"tcp_fast_open", set_tcp_fast_open},
    {"interface_types", set_interface_types},
    {"manages_mptcp_endpoints", set_manages_mptcp_endpoints},
    {"max_decoded_body_size", set_max_decoded},
    {"wifi_assist", set_wifi_assist},
    {"wifi_assist_head_start", set_wifi_assist_head_start},
    {"ephemeral", set_nothing},
    {"description", set_nothing},
};

static void release_configuration(void *configuration)
{
    url_session_configuration_unref(configuration);
}

UrlSessionConfiguration *lus_configuration_from_options(lua_State *L, int index)
{
    index = lua_absindex(L, index);
    bool ephemeral = false;
    if (lua_istable(L, index)) {
        lua_getfield(L, index, "ephemeral");
        ephemeral = !lua_isnil(L, -1) && check_boolean(L, -1, "ephemeral");
        lua_pop(L, 1);
    } else if (!lua_isnoneornil(L, index)) {
        luaL_typeerror(L, index, "table of session options");
    }
    UrlSessionConfiguration *configuration = ephemeral ? url_session_configuration_new_ephemeral()
                                                       : url_session_configuration_new_default();
    void **guard = lus_guard_push(L, configuration, release_configuration);
    if (lua_istable(L, index)) {
        lua_pushnil(L);
        while (lua_next(L, index)) {
            if (lua_type(L, -2) != LUA_TSTRING)
                luaL_error(L, "session options are named (string keys)");
            const char *name = lua_tostring(L, -2);
            size_t i;
            for (i = 0; i < sizeof options / sizeof options[0]; i++) {
                if (strcmp(name, options[i].name) == 0)
                    break;
            }
            if (i == sizeof options / sizeof options[0])
                luaL_error(L, "unknown session option '%s'", name);
            options[i].set(L, lua_gettop(L), configuration);
            lua_pop(L, 1);
        }
    }
    *guard = NULL;
    lua_pop(L, 1);
    return configuration;
}

/* Sets field @name of the table on top to the string @text, or leaves it nil. */
static void set_text_field(lua_State *L, const char *name, const char *text)
{
    if (!text)
        return;
    lua_pushstring(L, text);
    lua_setfield(L, -2, name);
}

static void set_boolean_field(lua_State *L, const char *name, bool flag)
{
    lua_pushboolean(L, flag);
    lua_setfield(L, -2, name);
}

static void set_number_field(lua_State *L, const char *name, double number)
{
    lua_pushnumber(L, number);
    lua_setfield(L, -2, name);
}

void lus_push_configuration(lua_State *L, const UrlSessionConfiguration *c)
{
    static const char *const multipath_names[] = {"none", "handover", "interactive", "aggregate"};
    static const char *const http_names[] = {"default", "1.1", "2"};
    static const char *const tls_names[] = {"1.0", "1.1", "1.2", "1.3"};
    lua_newtable(L);
    set_text_field(L, "multipath",
                   multipath_names[url_session_configuration_get_multipath_service_type(c)]);
    set_boolean_field(L, "waits_for_connectivity",
                      url_session_configuration_get_waits_for_connectivity(c));
    set_number_field(L, "timeout", url_session_configuration_get_timeout_interval_for_request(c));
    set_number_field(L, "resource_timeout",
                     url_session_configuration_get_timeout_interval_for_resource(c));
    lua_newtable(L);
    for (size_t i = 0; i < url_session_configuration_get_additional_header_count(c); i++) {
        const char *name = NULL, *value = NULL;
        if (url_session_configuration_get_additional_header_at(c, i, &name, &value)) {
            lua_pushstring(L, value);
            lua_setfield(L, -2, name);
        }
    }
    lua_setfield(L, -2, "headers");
    set_text_field(L, "user_agent", url_session_configuration_get_user_agent(c));
    set_text_field(L, "ca_file", url_session_configuration_get_ca_file(c));
    set_text_field(L, "ca_path", url_session_configuration_get_ca_path(c));
    set_text_field(L, "http_version", http_names[url_session_configuration_get_http_version(c)]);
    set_text_field(
        L, "tls_min",
        tls_names[url_session_configuration_get_tls_minimum_version(c) - URL_TLS_VERSION_1_0]);
    lua_pushinteger(L, url_session_configuration_get_max_connections_per_host(c));
    lua_setfield(L, -2, "max_connections_per_host");
    set_boolean_field(L, "allows_cellular_access",
                      url_session_configuration_get_allows_cellular_access(c));
    set_boolean_field(L, "allows_expensive_network_access",
                      url_session_configuration_get_allows_expensive_network_access(c));
    set_boolean_field(L, "allows_constrained_network_access",
                      url_session_configuration_get_allows_constrained_network_access(c));
    set_text_field(L, "download_directory", url_session_configuration_get_download_directory(c));
    lua_pushinteger(L, (lua_Integer)url_session_configuration_get_max_buffered_bytes(c));
    lua_setfield(L, -2, "max_buffered_bytes");
    set_boolean_field(L, "allows_https_to_http_redirects",
                      url_session_configuration_get_allows_https_to_http_redirects(c));
    set_text_field(L, "http_proxy", url_session_configuration_get_http_proxy(c));
    set_text_field(L, "https_proxy", url_session_configuration_get_https_proxy(c));
    set_text_field(L, "socks_proxy", url_session_configuration_get_socks_proxy(c));
    set_text_field(L, "no_proxy", url_session_configuration_get_no_proxy(c));
    set_boolean_field(L, "uses_environment_proxies",
                      url_session_configuration_get_uses_environment_proxies(c));
    set_boolean_field(L, "http_should_set_cookies",
                      url_session_configuration_get_http_should_set_cookies(c));
    set_text_field(L, "cookie_accept_policy",
                   cookie_policy_names[url_session_configuration_get_http_cookie_accept_policy(c)]);
    set_boolean_field(L, "cookies", url_session_configuration_get_cookie_storage(c) != NULL);
    UrlCache *cache = url_session_configuration_get_url_cache(c);
    if (cache) {
        lua_createtable(L, 0, 2);
        lua_pushinteger(L, (lua_Integer)url_cache_get_memory_capacity(cache));
        lua_setfield(L, -2, "memory");
        lua_pushinteger(L, (lua_Integer)url_cache_get_disk_capacity(cache));
        lua_setfield(L, -2, "disk");
    } else {
        lua_pushboolean(L, false);
    }
    lua_setfield(L, -2, "cache");
    set_text_field(L, "cache_policy",
                   lus_cache_policy_names[url_session_configuration_get_request_cache_policy(c)]);
    UrlCredentialStorage *credentials = url_session_configuration_get_credential_storage(c);
    lua_pushinteger(L,
                    credentials ? (lua_Integer)url_credential_storage_get_count(credentials) : 0);
    lua_setfield(L, -2, "credential_count");
    set_text_field(L, "dns_servers", url_session_configuration_get_dns_servers(c));
    set_text_field(L, "nat64_prefix", url_session_configuration_get_nat64_prefix(c));
    set_text_field(L, "dns_over_https_url", url_session_configuration_get_dns_over_https_url(c));
    set_number_field(L, "connection_attempt_delay",
                     url_session_configuration_get_connection_attempt_delay(c));
    UrlAddressFamily family = url_session_configuration_get_address_family(c);
    for (int i = 0; family_names[i]; i++)
        if (families[i] == family)
            set_text_field(L, "address_family", family_names[i]);
    set_boolean_field(L, "tcp_fast_open", url_session_configuration_get_tcp_fast_open(c));
    set_boolean_field(L, "manages_mptcp_endpoints",
                      url_session_configuration_get_manages_mptcp_endpoints(c));
    lua_pushinteger(L, (lua_Integer)url_session_configuration_get_max_decoded_body_size(c));
    lua_setfield(L, -2, "max_decoded_body_size");
    set_boolean_field(L, "wifi_assist", url_session_configuration_get_wifi_assist(c));
    set_number_field(L, "wifi_assist_head_start",
                     url_session_configuration_get_wifi_assist_head_start(c));
    set_boolean_field(L, "ephemeral", url_session_configuration_is_ephemeral(c));
}
