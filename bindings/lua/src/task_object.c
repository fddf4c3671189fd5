/* task_object.c — tasks: their C record (LusTask), their creation from a URL or request
 * and an options table, and the Lua task object (t:resume(), t:wait(), t.id...).
 *
 * A task object keeps its session object alive (user value 1), so waiting on a task
 * never finds its session collected underneath. The session keeps no Lua reference to
 * the task object: a session whose objects are all unreachable is collected even while
 * its tasks run, and closing it cancels them. */
#include "lua_urlsession.h"

#include <string.h>

typedef struct {
    LusTask *lt;
} TaskObject;

static gint live_tasks;

int lus_live_tasks(void)
{
    return g_atomic_int_get(&live_tasks);
}

LusTask *lus_task_new(LusSession *ls, UrlSessionTask *task)
{
    LusTask *lt = g_new0(LusTask, 1);
    lt->owner = ls;
    lt->task = task;
    lt->kind = url_session_task_get_kind(task);
    lt->id = url_session_task_get_identifier(task);
    lt->on_response = LUA_NOREF;
    lt->on_data = LUA_NOREF;
    lt->on_complete = LUA_NOREF;
    lt->on_progress = LUA_NOREF;
    lt->follow_redirects = true;
    lt->in_session = true;
    g_hash_table_insert(ls->tasks, task, lt);
    g_atomic_int_inc(&live_tasks);
    return lt;
}

void lus_task_release_callbacks(lua_State *L, LusTask *lt)
{
    int *refs[] = {&lt->on_response, &lt->on_data, &lt->on_complete, &lt->on_progress};
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        luaL_unref(L, LUA_REGISTRYINDEX, *refs[i]);
        *refs[i] = LUA_NOREF;
    }
    lus_body_stream_release_source(L, lt->stream);
}

/* Frees @lt once neither the session nor anything on the Lua side holds it. */
void lus_task_drop(LusTask *lt)
{
    if (lt->holders > 0 || lt->in_session)
        return;
    url_session_task_unref(lt->task);
    url_error_unref(lt->error);
    url_response_unref(lt->response);
    if (lt->body)
        g_byte_array_unref(lt->body);
    g_free(lt->destination);
    g_free(lt->move_error);
    g_free(lt->callback_error);
    lus_body_stream_free(lt->stream);
    g_free(lt);
    g_atomic_int_add(&live_tasks, -1);
}

/* ---- Creation ------------------------------------------------------------------------ */

typedef struct {
    int on_response, on_data, on_complete, progress; /* stack indices, 0 when absent */
    int data, file, headers, stream;
    int64_t length; /* of a stream body, -1 when not given */
    /* Scheduling hints; < 0 when absent (priority) or unknown (byte counts). */
    double priority, earliest_begin_date;
    int64_t expects_to_send, expects_to_receive;
    const char *method;
    const char *path;
    bool keep_any_status;
} TaskOptions;

/* Which options each kind of task takes. */
static bool option_allowed(const char *name, UrlSessionTaskKind kind)
{
    static const char *const common[] = {"on_response",
                                         "on_complete",
                                         "progress",
                                         "headers",
                                         "method",
                                         "priority",
                                         "earliest_begin_date",
                                         "expects_to_send",
                                         "expects_to_receive",
                                         NULL};
    for (int i = 0; common[i]; i++) {
        if (strcmp(name, common[i]) == 0)
            return true;
    }
    switch (kind) {
    case URL_TASK_KIND_DATA:
        return strcmp(name, "on_data") == 0;
    case URL_TASK_KIND_DOWNLOAD:
        return strcmp(name, "path") == 0 || strcmp(name, "keep_any_status") == 0;
    case URL_TASK_KIND_UPLOAD:
        return strcmp(name, "on_data") == 0 || strcmp(name, "data") == 0 ||
               strcmp(name, "file") == 0 || strcmp(name, "stream") == 0 ||
               strcmp(name, "length") == 0;
    }
    return false;
}

static const char *kind_name(UrlSessionTaskKind kind)
{
    switch (kind) {
    case URL_TASK_KIND_DATA:
        return "data";
    case URL_TASK_KIND_DOWNLOAD:
        return "download";
    case URL_TASK_KIND_UPLOAD:
        return "upload";
    }
    return "?";
}

static int check_function(lua_State *L, int index, const char *name)
{
    if (!lua_isfunction(L, index) && !luaL_getmetafield(L, index, "__call"))
        luaL_error(L, "task option '%s' must be a function", name);
    if (!lua_isfunction(L, index))
        lua_pop(L, 1); /* the __call field */
    return index;
}

/* A number option in [minimum, maximum], or @absent when not given. */
static double number_option(lua_State *L, int index, const char *name, double minimum,
                            double maximum, double absent)
{
    double value = absent;
    if (lua_getfield(L, index, name) != LUA_TNIL) {
        value = lua_tonumber(L, -1);
        if (lua_type(L, -1) != LUA_TNUMBER || !(value >= minimum && value <= maximum))
            luaL_error(L, "task option '%s' must be a number from %f to %f", name, minimum,
                       maximum);
    }
    lua_pop(L, 1);
    return value;
}

static void read_options(lua_State *L, int index, UrlSessionTaskKind kind, TaskOptions *o)
{
    memset(o, 0, sizeof *o);
    o->length = o->expects_to_send = o->expects_to_receive = -1;
    o->priority = o->earliest_begin_date = -1;
    if (lua_isnoneornil(L, index))
        return;
    luaL_checktype(L, index, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, index)) {
        if (lua_type(L, -2) != LUA_TSTRING || !option_allowed(lua_tostring(L, -2), kind))
            luaL_error(L, "unknown %s task option '%s'", kind_name(kind),
                       lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : luaL_typename(L, -2));
        lua_pop(L, 1);
    }
    /* The values stay referenced by the options table, so indices into it are stable. */
    static const struct {
        const char *name;
        size_t offset;
        bool function;
    } fields[] = {
        {"on_response", offsetof(TaskOptions, on_response), true},
        {"on_data", offsetof(TaskOptions, on_data), true},
        {"on_complete", offsetof(TaskOptions, on_complete), true},
        {"progress", offsetof(TaskOptions, progress), true},
        {"data", offsetof(TaskOptions, data), false},
        {"file", offsetof(TaskOptions, file), false},
        {"headers", offsetof(TaskOptions, headers), false},
        {"stream", offsetof(TaskOptions, stream), false},
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (lua_getfield(L, index, fields[i].name) == LUA_TNIL) {
            lua_pop(L, 1);
            continue;
        }
        int *slot = (int *)((char *)o + fields[i].offset);
        *slot = lua_gettop(L); /* left on the stack until the task is made */
        if (fields[i].function)
            check_function(L, *slot, fields[i].name);
    }
    if (o->data && lua_type(L, o->data) != LUA_TSTRING)
        luaL_error(L, "task option 'data' must be a string");
    if (o->file && lua_type(L, o->file) != LUA_TSTRING)
        luaL_error(L, "task option 'file' must be a string");
    if (!!o->data + !!o->file + !!o->stream > 1)
        luaL_error(L, "an upload takes one of 'data', 'file' and 'stream'");
    o->length = (int64_t)number_option(L, index, "length", 0, 9007199254740992.0, -1);
    if (o->length >= 0 && !o->stream)
        luaL_error(L, "task option 'length' goes with 'stream'");
    o->priority = number_option(L, index, "priority", 0, 1, -1);
    o->earliest_begin_date = number_option(L, index, "earliest_begin_date", 1, 1e12, -1);
    o->expects_to_send =
        (int64_t)number_option(L, index, "expects_to_send", 0, 9007199254740992.0, -1);
    o->expects_to_receive =
        (int64_t)number_option(L, index, "expects_to_receive", 0, 9007199254740992.0, -1);
    if (lua_getfield(L, index, "method") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "task option 'method' must be a string");
        o->method = lua_tostring(L, -1);
    }
    if (lua_getfield(L, index, "path") != LUA_TNIL) {
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "task option 'path' must be a string");
        o->path = lua_tostring(L, -1);
    }
    if (lua_getfield(L, index, "keep_any_status") != LUA_TNIL) {
        if (!lua_isboolean(L, -1))
            luaL_error(L, "task option 'keep_any_status' must be a boolean");
        o->keep_any_status = lua_toboolean(L, -1);
    }
}

static void apply_options(lua_State *L, UrlRequest *request, const TaskOptions *o)
{
    UrlError *error = NULL;
    if (o->method && !url_request_set_method(request, o->method, &error)) {
        lua_pushstring(L, url_error_get_message(error));
        url_error_unref(error);
        luaL_error(L, "task option 'method': %s", lua_tostring(L, -1));
    }
    if (!o->headers)
        return;
    if (!lua_istable(L, o->headers))
        luaL_error(L, "task option 'headers' must be a table of names to values");
    lua_pushnil(L);
    while (lua_next(L, o->headers)) {
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "task option 'headers' maps header names to string values");
        if (!url_request_set_header(request, lua_tostring(L, -2), lua_tostring(L, -1), &error)) {
            lua_pushstring(L, url_error_get_message(error));
            url_error_unref(error);
            luaL_error(L, "task option 'headers': %s", lua_tostring(L, -1));
        }
        lua_pop(L, 1);
    }
}

static int take_ref(lua_State *L, int index)
{
    if (!index)
        return LUA_NOREF;
    lua_pushvalue(L, index);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

LusTask *lus_task_create(lua_State *L, LusSession *ls, int url_index, int options_index,
                         UrlSessionTaskKind kind, const char *destination)
{
    url_index = lua_absindex(L, url_index);
    options_index = lua_absindex(L, options_index);
    TaskOptions o;
    read_options(L, options_index, kind, &o);
    if (kind == URL_TASK_KIND_DOWNLOAD && !destination)
        destination = o.path;
    if (kind == URL_TASK_KIND_DOWNLOAD && !destination)
        luaL_error(L, "a download task needs a 'path' to save the file to");
    if (kind == URL_TASK_KIND_UPLOAD && !o.data && !o.file && !o.stream)
        luaL_error(L, "an upload task needs 'data', 'file' or 'stream'");
    if (url_session_is_invalidated(ls->session))
        luaL_error(L, "the session is invalidated: it takes no new tasks");

    bool follow_redirects;
    void **slot = lus_request_from_arg(L, url_index, &follow_redirects);
    if (!slot)
        return NULL; /* nil, err pushed */
    UrlRequest *request = *slot;
    apply_options(L, request, &o);

    UrlSessionTask *task = NULL;
    LusBodyStream *stream = NULL;
    switch (kind) {
    case URL_TASK_KIND_DATA:
        task = url_session_data_task(ls->session, request);
        break;
    case URL_TASK_KIND_DOWNLOAD:
        task = url_session_download_task(ls->session, request);
        break;
    case URL_TASK_KIND_UPLOAD:
        if (o.data) {
            size_t length;
            const char *data = lua_tolstring(L, o.data, &length);
            task = url_session_upload_task_with_data(ls->session, request, data, length);
        } else if (o.stream) {
            int64_t length = -1;
            stream = lus_body_stream_new(L, o.stream, &length);
            if (o.length >= 0)
                length = o.length;
            task = url_session_upload_task_with_stream(ls->session, request,
                                                       lus_body_stream_pipe(stream), length);
        } else {
            task = url_session_upload_task_with_file(ls->session, request, lua_tostring(L, o.file));
        }
        break;
    }
    *slot = NULL;
    url_request_unref(request);
    if (!task) {
        if (stream) {
            lus_body_stream_release_source(L, stream);
            lus_body_stream_free(stream);
        }
        luaL_error(L, "the session refused the task (invalidated)");
    }
    if (o.priority >= 0)
        url_session_task_set_priority(task, (float)o.priority);
    if (o.earliest_begin_date > 0)
        url_session_task_set_earliest_begin_date(task, o.earliest_begin_date);
    url_session_task_set_count_of_bytes_client_expects_to_send(task, o.expects_to_send);
    url_session_task_set_count_of_bytes_client_expects_to_receive(task, o.expects_to_receive);

    LusTask *lt = lus_task_new(ls, task);
    lt->follow_redirects = follow_redirects;
    lt->destination = g_strdup(destination);
    lt->keep_any_status = o.keep_any_status;
    lt->stream = stream;
    if (kind != URL_TASK_KIND_DOWNLOAD && !o.on_data)
        lt->body = g_byte_array_new();
    lt->on_response = take_ref(L, o.on_response);
    lt->on_data = take_ref(L, o.on_data);
    lt->on_complete = take_ref(L, o.on_complete);
    lt->on_progress = take_ref(L, o.progress);
    return lt;
}

void lus_task_push_object(lua_State *L, LusTask *lt, int session_index)
{
    session_index = lua_absindex(L, session_index);
    TaskObject *object = lua_newuserdatauv(L, sizeof *object, 1);
    object->lt = lt;
    lt->holders++;
    luaL_setmetatable(L, LUS_TASK_METATABLE);
    lua_pushvalue(L, session_index);
    lua_setiuservalue(L, -2, 1);
}

/* s:data_task(url_or_request [, options]) and friends -> task, or nil, err */
static int make_task_object(lua_State *L, UrlSessionTaskKind kind)
{
    LusSession *ls = lus_session_check(L, 1);
    int top = lua_gettop(L);
    LusTask *lt = lus_task_create(L, ls, 2, 3, kind, NULL);
    if (!lt)
        return 2;
    lua_settop(L, top);
    lus_task_push_object(L, lt, 1);
    return 1;
}

int lus_session_data_task(lua_State *L)
{
    return make_task_object(L, URL_TASK_KIND_DATA);
}

int lus_session_download_task(lua_State *L)
{
    return make_task_object(L, URL_TASK_KIND_DOWNLOAD);
}

int lus_session_upload_task(lua_State *L)
{
    return make_task_object(L, URL_TASK_KIND_UPLOAD);
}

/* ---- Results ------------------------------------------------------------------------- */

static bool task_failed(const LusTask *lt)
{
    return lt->callback_error || lt->error || lt->move_error || lt->refused;
}

static char *task_url(const LusTask *lt)
{
    UrlRequest *request = url_session_task_get_original_request(lt->task);
    char *url = g_strdup(url_request_get_url(request));
    url_request_unref(request);
    return url;
}

void lus_task_push_error(lua_State *L, LusTask *lt)
{
    if (lt->callback_error) {
        char *url = task_url(lt);
        /* One code whatever the transfer did meanwhile (finished, or cancelled by us). */
        lus_push_error(L, URL_ERROR_UNKNOWN, lt->callback_error, url, lt->callback_name);
        g_free(url);
    } else if (lt->error) {
        lus_push_url_error(L, lt->error);
    } else if (lt->refused) {
        /* The download had finished before the cancel reached it. */
        char *url = task_url(lt);
        lus_push_error(L, URL_ERROR_CANCELLED, "cancelled by on_response", url, NULL);
        g_free(url);
    } else if (lt->move_error) {
        char *url = task_url(lt);
        lus_push_error(L, URL_ERROR_CANNOT_MOVE_FILE, lt->move_error, url, NULL);
        g_free(url);
    } else {
        lua_pushnil(L);
    }
}

/* Success: body (or the saved path, or true when the body went to on_data; false for a
 * download that saved nothing), response. Failure: nil, err. */
int lus_task_push_result(lua_State *L, LusTask *lt)
{
    if (!lt->completed) {
        /* Completed, but its session was closed before our did_complete ran. */
        UrlError *error = url_session_task_get_error(lt->task);
        lua_pushnil(L);
        if (error) {
            lus_push_url_error(L, error);
            url_error_unref(error);
        } else {
            char *url = task_url(lt);
            lus_push_error(L, URL_ERROR_CANCELLED, "the session was closed", url, NULL);
            g_free(url);
        }
        return 2;
    }
    if (task_failed(lt)) {
        lua_pushnil(L);
        lus_task_push_error(L, lt);
        return 2;
    }
    if (lt->body)
        lua_pushlstring(L, (const char *)lt->body->data, lt->body->len);
    else if (lt->destination)
        lt->moved ? (void)lua_pushstring(L, lt->destination) : lua_pushboolean(L, false);
    else
        lua_pushboolean(L, true);
    if (lt->response)
        lus_push_response(L, lt->response);
    else
        lua_pushnil(L);
    return 2;
}

bool lus_task_wait(lua_State *L, LusTask *lt, double timeout)
{
    if (lt->completed)
        return true;
    LusSession *ls = lt->owner;
    if (!ls) {
        /* The session is closed; whoever drains it completes the task. */
        gint64 deadline = timeout < 0 ? -1 : g_get_monotonic_time() + (gint64)(timeout * 1e6);
        while (url_session_task_get_state(lt->task) != URL_TASK_STATE_COMPLETED) {
            if (deadline >= 0 && g_get_monotonic_time() >= deadline)
                return false;
            g_usleep(5000);
        }
        return true;
    }
    lus_session_enter_dispatch(L, ls);
    bool done;
    if (!lus_body_streams_feed(L, ls) && !lt->stream) {
        done = url_session_task_wait(lt->task, timeout);
    } else {
        /* A body to feed on this thread while waiting (again after a 307 / 308). */
        gint64 deadline = timeout < 0 ? -1 : g_get_monotonic_time() + (gint64)(timeout * 1e6);
        while (!lt->completed && !ls->detached) {
            double slice = 0.5;
            if (deadline >= 0) {
                double left = (double)(deadline - g_get_monotonic_time()) / 1e6;
                if (left <= 0)
                    break;
                slice = left < slice ? left : slice;
            }
            lus_session_wait_and_dispatch(L, ls, slice);
        }
        done = lt->completed || url_session_task_get_state(lt->task) == URL_TASK_STATE_COMPLETED;
    }
    lus_session_leave_dispatch(ls);
    return done;
}

/* ---- The task object ----------------------------------------------------------------- */

static LusTask *check_task(lua_State *L, int index)
{
    TaskObject *object = luaL_checkudata(L, index, LUS_TASK_METATABLE);
    if (!object->lt)
        luaL_error(L, "the task object was finalized");
    return object->lt;
}

static int task_resume(lua_State *L)
{
    LusTask *lt = check_task(L, 1);
    lus_body_stream_prefill(L, lt);
    url_session_task_resume(lt->task);
    lua_settop(L, 1);
    return 1;
}

static int task_suspend(lua_State *L)
{
    url_session_task_suspend(check_task(L, 1)->task);
    lua_settop(L, 1);
    return 1;
}

static int task_cancel(lua_State *L)
{
    url_session_task_cancel(check_task(L, 1)->task);
    lua_settop(L, 1);
    return 1;
}

/* t:wait([timeout]) -> true once the task has completed (and its callbacks have run),
 * false when the timeout passed first */
static int task_wait(lua_State *L)
{
    LusTask *lt = check_task(L, 1);
    double timeout = luaL_optnumber(L, 2, -1);
    lua_pushboolean(L, lus_task_wait(L, lt, timeout));
    return 1;
}

static int task_state(lua_State *L)
{
    static const char *const names[] = {"running", "suspended", "canceling", "completed"};
    UrlSessionTaskState state = url_session_task_get_state(check_task(L, 1)->task);
    lua_pushstring(L, (unsigned)state < 4 ? names[state] : "unknown");
    return 1;
}

static void push_count(lua_State *L, int64_t count)
{
    if (count < 0)
        lua_pushnil(L);
    else
        lua_pushinteger(L, (lua_Integer)count);
}

/* t:progress() -> fraction (nil when unknown), bytes received, bytes expected (nil when
 * unknown), bytes sent, bytes expected to send (nil when unknown) */
static int task_progress(lua_State *L)
{
    UrlSessionTask *task = check_task(L, 1)->task;
    double fraction = url_session_task_get_progress(task);
    if (fraction < 0)
        lua_pushnil(L);
    else
        lua_pushnumber(L, fraction);
    push_count(L, url_session_task_get_count_of_bytes_received(task));
    push_count(L, url_session_task_get_count_of_bytes_expected_to_receive(task));
    push_count(L, url_session_task_get_count_of_bytes_sent(task));
    push_count(L, url_session_task_get_count_of_bytes_expected_to_send(task));
    return 5;
}

/* t:result() -> as the blocking calls: body (or path, or true), response; or nil, err */
static int task_result(lua_State *L)
{
    LusTask *lt = check_task(L, 1);
    if (!lt->completed && url_session_task_get_state(lt->task) != URL_TASK_STATE_COMPLETED)
        return luaL_error(L, "task %d has not completed yet: wait for it first", (int)lt->id);
    return lus_task_push_result(L, lt);
}

static int task_response(lua_State *L)
{
    LusTask *lt = check_task(L, 1);
    UrlResponse *response =
        lt->response ? url_response_ref(lt->response) : url_session_task_get_response(lt->task);
    if (!response)
        return 0;
    lus_push_response(L, response);
    url_response_unref(response);
    return 1;
}

static int task_error(lua_State *L)
{
    LusTask *lt = check_task(L, 1);
    if (!lt->completed)
        return 0;
    lus_task_push_error(L, lt);
    return 1;
}

static int task_index(lua_State *L)
{
    LusTask *lt = check_task(L, 1);
    const char *key = lua_tostring(L, 2);
    if (key && strcmp(key, "id") == 0) {
        lua_pushinteger(L, (lua_Integer)lt->id);
        return 1;
    }
    if (key && strcmp(key, "kind") == 0) {
        lua_pushstring(L, kind_name(lt->kind));
        return 1;
    }
    lua_pushvalue(L, 2);
    lua_rawget(L, lua_upvalueindex(1));
    return 1;
}

static int task_gc(lua_State *L)
{
    TaskObject *object = luaL_checkudata(L, 1, LUS_TASK_METATABLE);
    LusTask *lt = object->lt;
    object->lt = NULL;
    if (lt) {
        lt->holders--;
        lus_task_drop(lt);
    }
    return 0;
}

/* __close: a task leaving its scope is cancelled unless it completed. */
static int task_close(lua_State *L)
{
    TaskObject *object = luaL_checkudata(L, 1, LUS_TASK_METATABLE);
    if (object->lt && !object->lt->completed)
        url_session_task_cancel(object->lt->task);
    return 0;
}

static int task_tostring(lua_State *L)
{
    LusTask *lt = check_task(L, 1);
    lua_pushfstring(L, "urlsession.Task %d (%s)", (int)lt->id, kind_name(lt->kind));
    return 1;
}

static const luaL_Reg task_methods[] = {
    {"resume", task_resume}, {"suspend", task_suspend},
    {"cancel", task_cancel}, {"wait", task_wait},
    {"state", task_state},   {"progress", task_progress},
    {"result", task_result}, {"response", task_response},
    {"error", task_error},   {NULL, NULL},
};

void lus_task_open(lua_State *L)
{
    luaL_newmetatable(L, LUS_TASK_METATABLE);
    luaL_newlib(L, task_methods);
    lua_pushcclosure(L, task_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, task_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, task_close);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, task_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}
