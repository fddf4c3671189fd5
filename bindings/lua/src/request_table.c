/* request_table.c — what a task is asked to fetch: a URL string, or a request table
 *
 *   { url = "...", method = "PUT", headers = { name = "value" | {"v1", "v2"} },
 *     body = "...", body_file = "path", timeout = seconds,
 *     allows_cellular_access = false, follow_redirects = false,
 *     cache_policy = "return_cache_data_else_load" }
 *
 * A URL the library refuses is an ordinary failure (nil, err with URL_ERROR_BAD_URL or
 * URL_ERROR_UNSUPPORTED_URL); a value of the wrong type is a programming error (raised). */
#include "lua_urlsession.h"

#include <string.h>

static void release_request(void *request)
{
    url_request_unref(request);
}

/* Raises with the message of @error, which it releases. */
static int raise_url_error(lua_State *L, const char *what, UrlError *error)
{
    lua_pushstring(L, url_error_get_message(error));
    url_error_unref(error);
    return luaL_error(L, "request %s: %s", what, lua_tostring(L, -1));
}

static void add_header(lua_State *L, UrlRequest *request, const char *name, int value)
{
    UrlError *error = NULL;
    if (lua_type(L, value) != LUA_TSTRING)
        luaL_error(L, "request header '%s' must be a string or a list of strings", name);
    if (!url_request_add_header(request, name, lua_tostring(L, value), &error))
        raise_url_error(L, "headers", error);
}

static void read_headers(lua_State *L, UrlRequest *request, int headers)
{
    if (!lua_istable(L, headers))
        luaL_error(L, "request field 'headers' must be a table of names to values");
    lua_pushnil(L);
    while (lua_next(L, headers)) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_error(L, "request header names must be strings");
        const char *name = lua_tostring(L, -2);
        if (lua_istable(L, -1)) {
            lua_Integer count = luaL_len(L, -1);
            for (lua_Integer i = 1; i <= count; i++) {
                lua_geti(L, -1, i);
                add_header(L, request, name, lua_gettop(L));
                lua_pop(L, 1);
            }
        } else {
            add_header(L, request, name, lua_gettop(L));
        }
        lua_pop(L, 1);
    }
}

static const char *const request_fields[] = {"url",
                                             "method",
                                             "headers",
                                             "body",
                                             "body_file",
                                             "timeout",
                                             "allows_cellular_access",
                                             "follow_redirects",
                                             "cache_policy",
                                             NULL};

static void check_fields(lua_State *L, int table)
{
    lua_pushnil(L);
    while (lua_next(L, table)) {
        lua_pop(L, 1);
        const char *name = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        int i = 0;
        while (name && request_fields[i] && strcmp(name, request_fields[i]) != 0)
            i++;
        if (!name || !request_fields[i])
            luaL_error(L, "unknown request field '%s'", name ? name : luaL_typename(L, -1));
    }
}

/* Reads the fields of the request table at @table other than url into @request. */
static void read_request_table(lua_State *L, int table, UrlRequest *request, bool *follow_redirects)
{
    UrlError *error = NULL;
    check_fields(L, table);
    if (lua_getfield(L, table, "method") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "request field 'method' must be a string");
        if (!url_request_set_method(request, lua_tostring(L, -1), &error))
            raise_url_error(L, "method", error);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, table, "headers") != LUA_TNIL)
        read_headers(L, request, lua_gettop(L));
    lua_pop(L, 1);
    if (lua_getfield(L, table, "body") != LUA_TNIL) {
        size_t length;
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "request field 'body' must be a string");
        const char *body = lua_tolstring(L, -1, &length);
        url_request_set_body_data(request, body, length);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, table, "body_file") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "request field 'body_file' must be a string");
        if (!url_request_set_body_file(request, lua_tostring(L, -1), &error))
            raise_url_error(L, "body_file", error);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, table, "timeout") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TNUMBER || !(lua_tonumber(L, -1) > 0))
            luaL_error(L, "request field 'timeout' must be a number of seconds > 0");
        url_request_set_timeout_interval(request, lua_tonumber(L, -1));
    }
    lua_pop(L, 1);
    if (lua_getfield(L, table, "allows_cellular_access") != LUA_TNIL) {
        if (!lua_isboolean(L, -1))
            luaL_error(L, "request field 'allows_cellular_access' must be a boolean");
        url_request_set_allows_cellular_access(request, lua_toboolean(L, -1));
    }
    lua_pop(L, 1);
    if (lua_getfield(L, table, "follow_redirects") != LUA_TNIL) {
        if (!lua_isboolean(L, -1))
            luaL_error(L, "request field 'follow_redirects' must be a boolean");
        *follow_redirects = lua_toboolean(L, -1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, table, "cache_policy") != LUA_TNIL)
        url_request_set_cache_policy(request,
                                     lus_check_cache_policy(L, lua_gettop(L), "request field"));
    lua_pop(L, 1);
}

void **lus_request_from_arg(lua_State *L, int index, bool *follow_redirects)
{
    index = lua_absindex(L, index);
    *follow_redirects = true;
    const char *url;
    if (lua_type(L, index) == LUA_TSTRING) {
        url = lua_tostring(L, index);
    } else if (lua_istable(L, index)) {
        lua_getfield(L, index, "url");
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "request field 'url' must be a string");
        url = lua_tostring(L, -1);
        lua_pop(L, 1); /* still referenced by the table */
    } else {
        luaL_typeerror(L, index, "URL string or request table");
        return NULL;
    }
    UrlError *error = NULL;
    UrlRequest *request = url_request_new_checked(url, &error);
    if (!request) {
        lus_push_nil_error(L, error);
        url_error_unref(error);
        return NULL;
    }
    void **slot = lus_guard_push(L, request, release_request);
    if (lua_istable(L, index))
        read_request_table(L, index, request, follow_redirects);
    return slot;
}
