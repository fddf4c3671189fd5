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
