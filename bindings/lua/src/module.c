/* module.c — luaopen_urlsession: the module table.
 *
 *   local us = require "urlsession"
 *   us.session{...}     a new session (session_object.c)
 *   us.errors           error names -> NSURLError codes: us.errors.TIMED_OUT == -1001
 *   us.version          "liburlsession/X.Y.Z libcurl/A.B.C"
 *   us.live_objects()   C sessions and tasks not freed yet (for tests and leak hunts) */
#include "lua_urlsession.h"

static int live_objects(lua_State *L)
{
    lua_pushinteger(L, lus_live_sessions());
    lua_pushinteger(L, lus_live_tasks());
    return 2;
}

static int session_constructor(lua_State *L)
{
    return lus_session_new(L);
}

__attribute__((visibility("default"))) int luaopen_urlsession(lua_State *L);

int luaopen_urlsession(lua_State *L)
{
    luaL_checkversion(L);
    lus_guard_open(L);
    lus_error_open(L);
    lus_response_open(L);
    lus_task_open(L);
    lus_session_open(L);

    lua_newtable(L);
    lua_pushcfunction(L, session_constructor);
    lua_setfield(L, -2, "session");
    lua_pushcfunction(L, live_objects);
    lua_setfield(L, -2, "live_objects");
    lus_push_error_codes(L);
    lua_setfield(L, -2, "errors");
    lua_pushstring(L, url_version_string());
    lua_setfield(L, -2, "version");
    return 1;
}
