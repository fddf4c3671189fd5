/* response_table.c — UrlResponse as a plain Lua table, built once per response:
 *
 *   status, url, mime_type, encoding, expected_length (-1 when unknown), http_version,
 *   suggested_filename,
 *   headers      lower-case name -> every value joined with ", " (RFC 9110 §5.3); any
 *                spelling of a name finds it (the metatable lower-cases the key)
 *   header_list  every field in arrival order, repeated ones kept: { {name=, value=}, ... }
 *   response:header(name)  the first value of name, any case
 *   response:values(name)  every value of name, any case, as a list (Set-Cookie) */
#include "lua_urlsession.h"

#include <string.h>

/* Pushes the lower-case copy of the string at @index. */
static void push_lower(lua_State *L, int index)
{
    size_t length;
    const char *text = luaL_checklstring(L, index, &length);
    luaL_Buffer buffer;
    char *out = luaL_buffinitsize(L, &buffer, length);
    for (size_t i = 0; i < length; i++)
        out[i] = g_ascii_tolower(text[i]);
    luaL_pushresultsize(&buffer, length);
}

static int headers_index(lua_State *L)
{
    if (lua_type(L, 2) != LUA_TSTRING)
        return 0;
    push_lower(L, 2);
    lua_rawget(L, 1);
    return 1;
}

/* Pushes the first value of the field named by arg 2 in the response at arg 1 (nil when
 * absent) or, unless @first_only, the list of all its values. */
static int collect_values(lua_State *L, bool first_only)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    const char *name = luaL_checkstring(L, 2);
    lua_getfield(L, 1, "header_list");
    int list = lua_gettop(L);
    if (!first_only)
        lua_newtable(L);
    int found = 0;
    lua_Integer count = lua_istable(L, list) ? luaL_len(L, list) : 0;
    for (lua_Integer i = 1; i <= count; i++) {
        lua_geti(L, list, i);
        lua_getfield(L, -1, "name");
        bool match = lua_isstring(L, -1) && g_ascii_strcasecmp(lua_tostring(L, -1), name) == 0;
        lua_pop(L, 1);
        if (match) {
            lua_getfield(L, -1, "value");
            if (first_only)
                return 1;
            lua_seti(L, -3, ++found);
        }
        lua_pop(L, 1);
    }
    if (first_only)
        lua_pushnil(L);
    return 1;
}

static int response_header(lua_State *L)
{
    return collect_values(L, true);
}

static int response_values(lua_State *L)
{
    return collect_values(L, false);
}

void lus_response_open(lua_State *L)
{
    luaL_newmetatable(L, LUS_HEADERS_METATABLE);
    lua_pushcfunction(L, headers_index);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);

    luaL_newmetatable(L, LUS_RESPONSE_METATABLE);
    lua_newtable(L);
    lua_pushcfunction(L, response_header);
    lua_setfield(L, -2, "header");
    lua_pushcfunction(L, response_values);
    lua_setfield(L, -2, "values");
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

static void set_string(lua_State *L, const char *key, const char *value)
{
    if (!value)
        return;
    lua_pushstring(L, value);
    lua_setfield(L, -2, key);
}

void lus_push_response(lua_State *L, const UrlResponse *response)
{
    lua_createtable(L, 0, 10);
    lua_pushinteger(L, url_response_get_status_code(response));
    lua_setfield(L, -2, "status");
    set_string(L, "url", url_response_get_url(response));
    set_string(L, "mime_type", url_response_get_mime_type(response));
    set_string(L, "encoding", url_response_get_text_encoding_name(response));
    lua_pushinteger(L, url_response_get_expected_content_length(response));
    lua_setfield(L, -2, "expected_length");
    set_string(L, "http_version", url_response_get_http_version(response));
    set_string(L, "suggested_filename", url_response_get_suggested_filename(response));

    size_t count = url_response_get_header_count(response);
    lua_createtable(L, 0, (int)count); /* headers */
    lua_createtable(L, (int)count, 0); /* header_list */
    for (size_t i = 0; i < count; i++) {
        const char *name, *value;
        if (!url_response_get_header_at(response, i, &name, &value))
            break;
        lua_createtable(L, 0, 2);
        lua_pushstring(L, name);
        lua_setfield(L, -2, "name");
        lua_pushstring(L, value);
        lua_setfield(L, -2, "value");
        lua_seti(L, -2, (lua_Integer)i + 1);

        lua_pushstring(L, name);
        push_lower(L, -1);
        lua_remove(L, -2);
        lua_pushvalue(L, -1);
        if (lua_rawget(L, -4) == LUA_TSTRING) {
            lua_pushliteral(L, ", ");
            lua_pushstring(L, value);
            lua_concat(L, 3);
        } else {
            lua_pop(L, 1);
            lua_pushstring(L, value);
        }
        lua_rawset(L, -4);
    }
    lua_setfield(L, -3, "header_list");
    luaL_setmetatable(L, LUS_HEADERS_METATABLE);
    lua_setfield(L, -2, "headers");
    luaL_setmetatable(L, LUS_RESPONSE_METATABLE);
}
