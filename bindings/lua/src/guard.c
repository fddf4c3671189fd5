/* guard.c — scope guards for C objects built while Lua arguments are still being read.
 *
 * Reading a Lua table can raise (a wrong type, an unknown option), which unwinds past
 * the C code with longjmp. An object made before that point is parked in a guard, a
 * small userdata whose __gc releases it; the code disarms the guard (sets the slot to
 * NULL) once it hands the object on. */
#include "lua_urlsession.h"

typedef struct {
    void *object;
    void (*release)(void *);
} Guard;

static int guard_gc(lua_State *L)
{
    Guard *guard = luaL_checkudata(L, 1, LUS_GUARD_METATABLE);
    if (guard->object && guard->release)
        guard->release(guard->object);
    guard->object = NULL;
    return 0;
}

void lus_guard_open(lua_State *L)
{
    luaL_newmetatable(L, LUS_GUARD_METATABLE);
    lua_pushcfunction(L, guard_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, guard_gc);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);
}

void **lus_guard_push(lua_State *L, void *object, void (*release)(void *))
{
    Guard *guard = lua_newuserdatauv(L, sizeof *guard, 0);
    guard->object = NULL;
    guard->release = release;
    luaL_setmetatable(L, LUS_GUARD_METATABLE);
    guard->object = object;
    return &guard->object;
}
