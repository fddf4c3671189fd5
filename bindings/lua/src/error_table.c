/* error_table.c — UrlError as a Lua value: a table {code, name, message, url,
 * addresses_tried} with a readable __tostring, and the table of error codes
 * (urlsession.errors). */
#include "lua_urlsession.h"

#include <string.h>

/* Every UrlErrorCode, for urlsession.errors (names without the URL_ERROR_ prefix). */
static const UrlErrorCode known_codes[] = {
    URL_ERROR_UNKNOWN,
    URL_ERROR_CANCELLED,
    URL_ERROR_BAD_URL,
    URL_ERROR_TIMED_OUT,
    URL_ERROR_UNSUPPORTED_URL,
    URL_ERROR_CANNOT_FIND_HOST,
    URL_ERROR_CANNOT_CONNECT_TO_HOST,
    URL_ERROR_NETWORK_CONNECTION_LOST,
    URL_ERROR_DNS_LOOKUP_FAILED,
    URL_ERROR_HTTP_TOO_MANY_REDIRECTS,
    URL_ERROR_RESOURCE_UNAVAILABLE,
    URL_ERROR_NOT_CONNECTED_TO_INTERNET,
    URL_ERROR_REDIRECT_TO_NON_EXISTENT_LOCATION,
    URL_ERROR_BAD_SERVER_RESPONSE,
    URL_ERROR_USER_CANCELLED_AUTHENTICATION,
    URL_ERROR_USER_AUTHENTICATION_REQUIRED,
    URL_ERROR_ZERO_BYTE_RESOURCE,
    URL_ERROR_CANNOT_DECODE_RAW_DATA,
    URL_ERROR_CANNOT_DECODE_CONTENT_DATA,
    URL_ERROR_CANNOT_PARSE_RESPONSE,
    URL_ERROR_DATA_NOT_ALLOWED,
    URL_ERROR_REQUEST_BODY_STREAM_EXHAUSTED,
    URL_ERROR_APP_TRANSPORT_SECURITY_REQUIRES_SECURE_CONNECTION,
    URL_ERROR_FILE_DOES_NOT_EXIST,
    URL_ERROR_FILE_IS_DIRECTORY,
    URL_ERROR_NO_PERMISSIONS_TO_READ_FILE,
    URL_ERROR_DATA_LENGTH_EXCEEDS_MAXIMUM,
    URL_ERROR_SECURE_CONNECTION_FAILED,
    URL_ERROR_SERVER_CERTIFICATE_HAS_BAD_DATE,
    URL_ERROR_SERVER_CERTIFICATE_UNTRUSTED,
    URL_ERROR_SERVER_CERTIFICATE_HAS_UNKNOWN_ROOT,
    URL_ERROR_SERVER_CERTIFICATE_NOT_YET_VALID,
    URL_ERROR_CLIENT_CERTIFICATE_REJECTED,
    URL_ERROR_CLIENT_CERTIFICATE_REQUIRED,
    URL_ERROR_CANNOT_LOAD_FROM_NETWORK,
    URL_ERROR_CANNOT_CREATE_FILE,
    URL_ERROR_CANNOT_OPEN_FILE,
    URL_ERROR_CANNOT_CLOSE_FILE,
    URL_ERROR_CANNOT_WRITE_TO_FILE,
    URL_ERROR_CANNOT_REMOVE_FILE,
    URL_ERROR_CANNOT_MOVE_FILE,
};

/* "URL_ERROR_TIMED_OUT (-1001): the request timed out (http://...)" */
static int error_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_getfield(L, 1, "name");
    lua_getfield(L, 1, "code");
    lua_getfield(L, 1, "message");
    lua_getfield(L, 1, "url");
    if (lua_isstring(L, -1))
        lua_pushfstring(L, "%s (%s): %s (%s)", luaL_optstring(L, -4, "?"),
                        luaL_optstring(L, -3, "?"), luaL_optstring(L, -2, "?"),
                        lua_tostring(L, -1));
    else
        lua_pushfstring(L, "%s (%s): %s", luaL_optstring(L, -4, "?"), luaL_optstring(L, -3, "?"),
                        luaL_optstring(L, -2, "?"));
    return 1;
}

void lus_error_open(lua_State *L)
{
    luaL_newmetatable(L, LUS_ERROR_METATABLE);
    lua_pushcfunction(L, error_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}

void lus_push_error(lua_State *L, int code, const char *message, const char *url,
                    const char *callback)
{
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, code);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, url_error_code_name((UrlErrorCode)code));
    lua_setfield(L, -2, "name");
    lua_pushstring(L, message ? message : url_error_code_describe((UrlErrorCode)code));
    lua_setfield(L, -2, "message");
    if (url) {
        lua_pushstring(L, url);
        lua_setfield(L, -2, "url");
    }
    if (callback) {
        lua_pushstring(L, callback);
        lua_setfield(L, -2, "callback");
    }
    luaL_setmetatable(L, LUS_ERROR_METATABLE);
}

void lus_push_url_error(lua_State *L, const UrlError *error)
{
    lus_push_error(L, url_error_get_code(error), url_error_get_message(error),
                   url_error_get_failing_url(error), NULL);
    size_t count = url_error_get_addresses_tried_count(error);
    if (count > 0) {
        lua_createtable(L, (int)count, 0);
        for (size_t i = 0; i < count; i++) {
            const char *address = url_error_get_address_tried(error, i);
            lua_pushstring(L, address ? address : "");
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -2, "addresses_tried");
    }
}

int lus_push_nil_error(lua_State *L, const UrlError *error)
{
    lua_pushnil(L);
    lus_push_url_error(L, error);
    return 2;
}

void lus_push_error_codes(lua_State *L)
{
    size_t count = sizeof known_codes / sizeof known_codes[0];
    lua_createtable(L, 0, (int)count);
    for (size_t i = 0; i < count; i++) {
        const char *name = url_error_code_name(known_codes[i]);
        if (g_str_has_prefix(name, "URL_ERROR_"))
            name += strlen("URL_ERROR_");
        lua_pushinteger(L, known_codes[i]);
        lua_setfield(L, -2, name);
    }
}
