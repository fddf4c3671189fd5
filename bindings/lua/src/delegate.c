/* delegate.c — the session delegate: the library's callbacks turned into calls of the
 * Lua functions a task was given.
 *
 * Every callback runs during url_queue_dispatch() of the session's manual queue. On the
 * Lua thread (ls->L set by whoever dispatches) it runs Lua code, always inside
 * lua_pcall: a Lua error must never unwind through the library's frames. A failing Lua
 * callback fails its task: the message is recorded and the task cancelled. Once the
 * session is detached (its Lua object closed or collected) the callbacks run on the
 * drain thread, find no task, and only give the library its default answers. */
#include "lua_urlsession.h"

typedef enum {
    EVENT_RESPONSE,
    EVENT_DATA,
    EVENT_PROGRESS,
    EVENT_COMPLETE,
} EventKind;

typedef struct {
    EventKind kind;
    LusTask *lt;
    const UrlResponse *response;
    const void *data;
    size_t length;
    int64_t done;
    int64_t total;
    bool allow; /* EVENT_RESPONSE: the answer */
} Event;

/* The task's record on the Lua thread, or NULL when no Lua code may run for it. */
static LusTask *find_task(LusSession *ls, UrlSessionTask *task)
{
    if (ls->detached || ls->L == NULL)
        return NULL;
    return g_hash_table_lookup(ls->tasks, task);
}

static void push_integer_or_nil(lua_State *L, int64_t value)
{
    if (value < 0)
        lua_pushnil(L);
    else
        lua_pushinteger(L, (lua_Integer)value);
}

/* Runs inside lua_pcall: everything that touches Lua for one event. */
static int run_event(lua_State *L)
{
    Event *event = lua_touserdata(L, 1);
    LusTask *lt = event->lt;
    switch (event->kind) {
    case EVENT_RESPONSE:
        lua_rawgeti(L, LUA_REGISTRYINDEX, lt->on_response);
        lus_push_response(L, event->response);
        lua_call(L, 1, 1);
        event->allow = !(lua_isboolean(L, -1) && !lua_toboolean(L, -1));
        break;
    case EVENT_DATA:
        lua_rawgeti(L, LUA_REGISTRYINDEX, lt->on_data);
        lua_pushlstring(L, event->data, event->length);
        lua_call(L, 1, 0);
        break;
    case EVENT_PROGRESS:
        lua_rawgeti(L, LUA_REGISTRYINDEX, lt->on_progress);
        push_integer_or_nil(L, event->done);
        push_integer_or_nil(L, event->total);
        lua_call(L, 2, 0);
        break;
    case EVENT_COMPLETE:
        lua_rawgeti(L, LUA_REGISTRYINDEX, lt->on_complete);
        lus_task_push_error(L, lt);
        if (lt->response)
            lus_push_response(L, lt->response);
        else
            lua_pushnil(L);
        if (lt->body)
            lua_pushlstring(L, (const char *)lt->body->data, lt->body->len);
        else if (lt->moved)
            lua_pushstring(L, lt->destination);
        else
            lua_pushnil(L);
        lua_call(L, 3, 0);
        break;
    }
    return 0;
}

static int describe_error(lua_State *L)
{
    luaL_tolstring(L, 1, NULL);
    return 1;
}

/* The message of the error object on top of the stack, as a new C string. */
static char *error_message(lua_State *L)
{
    if (lua_type(L, -1) == LUA_TSTRING)
        return g_strdup(lua_tostring(L, -1));
    lua_pushcfunction(L, describe_error);
    lua_pushvalue(L, -2);
    char *message;
    if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING)
        message = g_strdup(lua_tostring(L, -1));
    else
        message = g_strdup("(an error object that cannot be shown)");
    lua_pop(L, 1);
    return message;
}

/* Calls the task's @name callback for @event. On a Lua error, records it, cancels the
 * task and returns false. */
static bool call_protected(LusSession *ls, Event *event, const char *name)
{
    lua_State *L = ls->L;
    LusTask *lt = event->lt;
    int top = lua_gettop(L);
    bool ok;
    if (!lua_checkstack(L, 16)) {
        ok = false;
        if (!lt->callback_error)
            lt->callback_error = g_strdup_printf("%s callback failed: Lua stack overflow", name);
    } else {
        lua_pushcfunction(L, run_event);
        lua_pushlightuserdata(L, event);
        ok = lua_pcall(L, 1, 0, 0) == LUA_OK;
        if (!ok && !lt->callback_error) {
            char *message = error_message(L);
            lt->callback_error = g_strdup_printf("%s callback failed: %s", name, message);
            g_free(message);
        }
    }
    lua_settop(L, top);
    if (!ok) {
        if (!lt->callback_name)
            lt->callback_name = name;
        if (event->kind != EVENT_COMPLETE)
            url_session_task_cancel(lt->task);
    }
    return ok;
}

static void call_progress(LusSession *ls, LusTask *lt, int64_t done, int64_t total)
{
    if (lt->on_progress == LUA_NOREF || lt->callback_error)
        return;
    Event event = {.kind = EVENT_PROGRESS, .lt = lt, .done = done, .total = total};
    call_protected(ls, &event, "progress");
}

static void on_did_become_invalid(UrlSession *session, const UrlError *error, void *data)
{
    LusSession *ls = data;
    ls->invalid_done = true;
    (void)session, (void)error;
}

static void on_will_perform_redirection(UrlSession *session, UrlSessionTask *task,
                                        const UrlResponse *response, UrlRequest *new_request,
                                        UrlRedirectHandler *handler, void *data)
{
    LusTask *lt = find_task(data, task);
    bool follow = lt ? lt->follow_redirects && !lt->callback_error : true;
    url_redirect_handler_complete(handler, follow ? new_request : NULL);
    (void)session, (void)response;
}

static void on_did_send_body_data(UrlSession *session, UrlSessionTask *task, int64_t bytes_sent,
                                  int64_t total_sent, int64_t total_expected, void *data)
{
    LusTask *lt = find_task(data, task);
    if (lt && lt->kind == URL_TASK_KIND_UPLOAD)
        call_progress(data, lt, total_sent, total_expected);
    (void)session, (void)bytes_sent;
}

static void on_need_new_body_stream(UrlSession *session, UrlSessionTask *task,
                                    UrlBodyStreamHandler *handler, void *data)
{
    LusSession *ls = data;
    LusTask *lt = find_task(ls, task);
    /* NULL fails the task with REQUEST_BODY_STREAM_EXHAUSTED: a function cannot replay. */
    url_body_stream_handler_complete(handler, lt ? lus_body_stream_restart(ls->L, lt) : NULL);
    (void)session;
}

static void on_data_did_receive_response(UrlSession *session, UrlSessionTask *task,
                                         const UrlResponse *response, UrlResponseHandler *handler,
                                         void *data)
{
    LusSession *ls = data;
    LusTask *lt = find_task(ls, task);
    bool allow = lt != NULL && !lt->callback_error;
    if (allow && lt->on_response != LUA_NOREF) {
        Event event = {.kind = EVENT_RESPONSE, .lt = lt, .response = response};
        allow = call_protected(ls, &event, "on_response") && event.allow;
    }
    url_response_handler_complete(handler, allow ? URL_RESPONSE_ALLOW : URL_RESPONSE_CANCEL);
    (void)session;
}

static void on_data_did_receive_data(UrlSession *session, UrlSessionTask *task, const void *bytes,
                                     size_t length, void *data)
{
    LusSession *ls = data;
    LusTask *lt = find_task(ls, task);
    if (!lt || lt->callback_error)
        return;
    if (lt->on_data != LUA_NOREF) {
        Event event = {.kind = EVENT_DATA, .lt = lt, .data = bytes, .length = length};
        if (!call_protected(ls, &event, "on_data"))
            return;
    } else if (lt->body) {
        g_byte_array_append(lt->body, bytes, (guint)length);
    }
    if (lt->kind == URL_TASK_KIND_DATA)
        call_progress(ls, lt, url_session_task_get_count_of_bytes_received(task),
                      url_session_task_get_count_of_bytes_expected_to_receive(task));
    (void)session;
}

/* The library has no response callback for download tasks (neither has URLSession);
 * on_response is called before the first bytes are reported, or at the end for an empty
 * body. Refusing cancels the task and keeps its file from being saved. */
static void download_response(LusSession *ls, LusTask *lt, UrlSessionTask *task)
{
    if (lt->response_seen || lt->on_response == LUA_NOREF || lt->callback_error)
        return;
    lt->response_seen = true;
    UrlResponse *response = url_session_task_get_response(task);
    if (!response)
        return;
    Event event = {.kind = EVENT_RESPONSE, .lt = lt, .response = response};
    bool allow = call_protected(ls, &event, "on_response") && event.allow;
    url_response_unref(response);
    if (!allow && !lt->callback_error) {
        lt->refused = true;
        url_session_task_cancel(task);
    }
}

static void on_download_did_write_data(UrlSession *session, UrlSessionTask *task,
                                       int64_t bytes_written, int64_t total_written,
                                       int64_t total_expected, void *data)
{
    LusTask *lt = find_task(data, task);
    if (!lt)
        return;
    download_response(data, lt, task);
    if (!lt->refused)
        call_progress(data, lt, total_written, total_expected);
    (void)session, (void)bytes_written;
}

static void on_download_did_finish(UrlSession *session, UrlSessionTask *task, const char *location,
                                   void *data)
{
    LusTask *lt = find_task(data, task);
    if (!lt)
        return;
    download_response(data, lt, task);
    if (!lt->destination || lt->callback_error || lt->refused)
        return;
    UrlResponse *response = url_session_task_get_response(task);
    int status = response ? url_response_get_status_code(response) : 0;
    url_response_unref(response);
    if (!lt->keep_any_status && (status < 200 || status > 299))
        return;
    char *message = NULL;
    if (lus_move_file(location, lt->destination, &message))
        lt->moved = true;
    else
        lt->move_error = message;
    (void)session;
}

static void on_did_complete(UrlSession *session, UrlSessionTask *task, const UrlError *error,
                            void *data)
{
    LusSession *ls = data;
    LusTask *lt = find_task(ls, task);
    if (!lt)
        return;
    lt->completed = true;
    lt->error = error ? url_error_ref(error) : NULL;
    lt->response = url_session_task_get_response(task);
    if (lt->on_complete != LUA_NOREF) {
        Event event = {.kind = EVENT_COMPLETE, .lt = lt};
        call_protected(ls, &event, "on_complete");
    }
    lus_task_release_callbacks(ls->L, lt);
    g_hash_table_remove(ls->tasks, task);
    lt->in_session = false;
    lt->owner = NULL;
    lus_task_drop(lt);
    (void)session;
}

static const UrlSessionDelegate delegate = {
    .did_become_invalid = on_did_become_invalid,
    .will_perform_redirection = on_will_perform_redirection,
    .did_send_body_data = on_did_send_body_data,
    .need_new_body_stream = on_need_new_body_stream,
    .did_complete = on_did_complete,
    .data_did_receive_response = on_data_did_receive_response,
    .data_did_receive_data = on_data_did_receive_data,
    .download_did_write_data = on_download_did_write_data,
    .download_did_finish_downloading_to = on_download_did_finish,
};

const UrlSessionDelegate *lus_delegate(void)
{
    return &delegate;
}
