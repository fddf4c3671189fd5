/* blocking_calls.c — s:data(), s:download(), s:upload(): a task made, resumed and waited
 * for in one call. The session's queue is dispatched while waiting, so callbacks of the
 * session's other tasks run meanwhile, on this thread. */
#include "lua_urlsession.h"

static void release_holder(void *data)
{
    LusTask *lt = data;
    lt->holders--;
    lus_task_drop(lt);
}

/* Creates, runs and waits for the task; leaves its result (as t:result()) on the stack
 * and returns the number of values, 2. */
static int run_task(lua_State *L, UrlSessionTaskKind kind, int options_index,
                    const char *destination)
{
    LusSession *ls = lus_session_check(L, 1);
    if (ls->dispatching)
        return luaL_error(L, "cannot make a blocking call on a session inside one of its own "
                             "callbacks; use a task with callbacks instead");
    int top = lua_gettop(L);
    LusTask *lt = lus_task_create(L, ls, 2, options_index, kind, destination);
    if (!lt)
        return 2;
    lua_settop(L, top);
    lt->holders++;
    void **guard = lus_guard_push(L, lt, release_holder);
    lus_body_stream_prefill(L, lt);
    url_session_task_resume(lt->task);
    lus_task_wait(L, lt, -1);
    int count = lus_task_push_result(L, lt);
    *guard = NULL;
    release_holder(lt);
    return count;
}

/* s:data(url_or_request [, options]) -> body, response | nil, err */
int lus_session_data(lua_State *L)
{
    return run_task(L, URL_TASK_KIND_DATA, 3, NULL);
}

/* s:upload(url_or_request, {data = | file =, method =, headers =, progress =})
 *   -> response body, response | nil, err */
int lus_session_upload(lua_State *L)
{
    luaL_checktype(L, 3, LUA_TTABLE);
    return run_task(L, URL_TASK_KIND_UPLOAD, 3, NULL);
}

/* s:download(url_or_request, path [, options]) -> response | nil, err. The file appears
 * at path, complete, only for a 2xx response (or any, with keep_any_status). */
int lus_session_download(lua_State *L)
{
    const char *path = luaL_checkstring(L, 3);
    run_task(L, URL_TASK_KIND_DOWNLOAD, 4, path);
    if (lua_isnil(L, -2))
        return 2; /* nil, err */
    return 1;     /* the response */
}
