/* session_object.c — the Lua session object: urlsession.session{...}, its methods, and
 * the dispatch of its manual queue on the Lua thread (run, step, fd).
 *
 * A session object owns its C state through a pointer that close, __close and __gc
 * clear; every method checks it first ("session is closed"). */
#include "lua_urlsession.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    LusSession *ls; /* NULL once closed */
} SessionObject;

LusSession *lus_session_check(lua_State *L, int index)
{
    SessionObject *object = luaL_checkudata(L, index, LUS_SESSION_METATABLE);
    if (!object->ls)
        luaL_error(L, "the session is closed");
    return object->ls;
}

void lus_session_enter_dispatch(lua_State *L, LusSession *ls)
{
    if (ls->dispatching)
        luaL_error(L, "cannot wait for a session inside one of its own callbacks (its "
                      "callbacks would run out of order)");
    ls->dispatching = true;
    ls->L = L;
}

void lus_session_leave_dispatch(LusSession *ls)
{
    ls->dispatching = false;
    ls->L = NULL;
    if (ls->teardown_due)
        lus_session_teardown(ls);
}

int lus_session_new(lua_State *L)
{
    lua_settop(L, 1); /* urlsession.session() without options: index 1 is nil, not the object */
    SessionObject *object = lua_newuserdatauv(L, sizeof *object, 0);
    object->ls = NULL;
    luaL_setmetatable(L, LUS_SESSION_METATABLE);
    const char *description = NULL;
    if (lua_istable(L, 1)) {
        lua_getfield(L, 1, "description");
        if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "session option 'description' must be a string");
        description = lua_tostring(L, -1); /* still referenced by the options table */
        lua_pop(L, 1);
    }
    UrlSessionConfiguration *configuration = lus_configuration_from_options(L, 1);
    LusSession *ls = lus_session_state_new();
    ls->queue = url_queue_new_manual();
    ls->session = url_session_new(configuration, lus_delegate(), ls, ls->queue);
    url_session_configuration_unref(configuration);
    if (description)
        url_session_set_description(ls->session, description);
    object->ls = ls;
    return 1;
}

/* While a stream body is unfinished the driver comes back at least this often, in case
 * the pipe drained without an event (did_send_body_data normally wakes it first). */
#define STREAM_SLICE 0.01

void lus_session_wait_and_dispatch(lua_State *L, LusSession *ls, double timeout)
{
    if (lus_body_streams_feed(L, ls) && (timeout < 0 || timeout > STREAM_SLICE))
        timeout = STREAM_SLICE;
    if (url_queue_wait(ls->queue, timeout))
        url_queue_dispatch(ls->queue);
}

/* Whether s:run() has something to wait for: a task that is not suspended (only a
 * callback could resume a suspended one, and none can come), or, once invalidation was
 * asked for and every task is done, did_become_invalid. */
static bool has_work(LusSession *ls)
{
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, ls->tasks);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LusTask *lt = value;
        if (url_session_task_get_state(lt->task) != URL_TASK_STATE_SUSPENDED)
            return true;
    }
    return ls->invalidation_requested && !ls->invalid_done && g_hash_table_size(ls->tasks) == 0;
}

/* s:run([timeout]) -> true when no work is left, false when the timeout passed first */
static int session_run(lua_State *L)
{
    LusSession *ls = lus_session_check(L, 1);
    double timeout = luaL_optnumber(L, 2, -1);
    gint64 deadline = timeout < 0 ? -1 : g_get_monotonic_time() + (gint64)(timeout * 1e6);
    bool finished = true;
    lus_session_enter_dispatch(L, ls);
    while (!ls->detached && has_work(ls)) {
        double slice = 0.5;
        if (deadline >= 0) {
            double left = (double)(deadline - g_get_monotonic_time()) / 1e6;
            if (left <= 0) {
                finished = false;
                break;
            }
            if (left < slice)
                slice = left;
        }
        lus_session_wait_and_dispatch(L, ls, slice);
    }
    lus_session_leave_dispatch(ls);
    lua_pushboolean(L, finished);
    return 1;
}

/* s:step([timeout]) -> the number of callbacks run; waits up to timeout (default 0, < 0
 * for ever) when none is pending */
static int session_step(lua_State *L)
{
    LusSession *ls = lus_session_check(L, 1);
    double timeout = luaL_optnumber(L, 2, 0);
    lus_session_enter_dispatch(L, ls);
    lus_body_streams_feed(L, ls);
    size_t count = url_queue_dispatch(ls->queue);
    if (count == 0 && timeout != 0 && !ls->detached && url_queue_wait(ls->queue, timeout))
        count = url_queue_dispatch(ls->queue);
    lus_session_leave_dispatch(ls);
    lua_pushinteger(L, (lua_Integer)count);
    return 1;
}

static int session_fd(lua_State *L)
{
    LusSession *ls = lus_session_check(L, 1);
    lua_pushinteger(L, url_queue_get_fd(ls->queue));
    return 1;
}

/* s:invalidate(): running tasks finish, new ones are refused. */
static int session_invalidate(lua_State *L)
{
    LusSession *ls = lus_session_check(L, 1);
    url_session_finish_tasks_and_invalidate(ls->session);
    ls->invalidation_requested = true;
    return 0;
}

/* s:cancel_all(): cancels every task not yet completed; the session stays usable. */
static int session_cancel_all(lua_State *L)
{
    LusSession *ls = lus_session_check(L, 1);
    size_t count = 0;
    UrlSessionTask **tasks = url_session_get_all_tasks(ls->session, &count);
    for (size_t i = 0; i < count; i++)
        url_session_task_cancel(tasks[i]);
    url_session_task_list_free(tasks, count);
    lua_pushinteger(L, (lua_Integer)count);
    return 1;
}

/* s:tasks() -> the number of tasks not yet completed */
static int session_tasks(lua_State *L)
{
    LusSession *ls = lus_session_check(L, 1);
    lua_pushinteger(L, g_hash_table_size(ls->tasks));
    return 1;
}

/* s:options() -> the session's configuration as a table of session options */
static int session_options(lua_State *L)
{
    LusSession *ls = lus_session_check(L, 1);
    UrlSessionConfiguration *configuration = url_session_get_configuration(ls->session);
    lus_push_configuration(L, configuration);
    url_session_configuration_unref(configuration);
    char *description = url_session_get_description(ls->session);
    if (description) {
        lua_pushstring(L, description);
        free(description);
        lua_setfield(L, -2, "description");
    }
    return 1;
}

static int session_is_closed(lua_State *L)
{
    SessionObject *object = luaL_checkudata(L, 1, LUS_SESSION_METATABLE);
    lua_pushboolean(L, object->ls == NULL);
    return 1;
}

/* close, __close and __gc: cancel every task and let go of the C state. */
static int session_close(lua_State *L)
{
    SessionObject *object = luaL_checkudata(L, 1, LUS_SESSION_METATABLE);
    LusSession *ls = object->ls;
    object->ls = NULL;
    if (ls)
        lus_session_detach(L, ls);
    return 0;
}

static int session_tostring(lua_State *L)
{
    SessionObject *object = luaL_checkudata(L, 1, LUS_SESSION_METATABLE);
    if (object->ls)
        lua_pushfstring(L, "urlsession.Session (%p)", (void *)object->ls);
    else
        lua_pushliteral(L, "urlsession.Session (closed)");
    return 1;
}

static const luaL_Reg session_methods[] = {
    {"data", lus_session_data},
    {"download", lus_session_download},
    {"upload", lus_session_upload},
    {"data_task", lus_session_data_task},
    {"download_task", lus_session_download_task},
    {"upload_task", lus_session_upload_task},
    {"run", session_run},
    {"step", session_step},
    {"fd", session_fd},
    {"invalidate", session_invalidate},
    {"cancel_all", session_cancel_all},
    {"tasks", session_tasks},
    {"options", session_options},
    {"close", session_close},
    {"is_closed", session_is_closed},
    {NULL, NULL},
};

static const luaL_Reg session_metamethods[] = {
    {"__gc", session_close},
    {"__close", session_close},
    {"__tostring", session_tostring},
    {NULL, NULL},
};

void lus_session_open(lua_State *L)
{
    luaL_newmetatable(L, LUS_SESSION_METATABLE);
    luaL_setfuncs(L, session_metamethods, 0);
    luaL_newlib(L, session_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}
