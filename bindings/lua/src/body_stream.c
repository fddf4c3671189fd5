/* body_stream.c — upload bodies from a Lua source while they are sent: a function that
 * returns the next chunk (nil or "" at the end) or a file handle read 64 KiB at a time.
 *
 * Lua runs on one thread, so the source is read on the Lua thread: when the task is
 * resumed (the pipe holds the body's start before the request goes out) and whenever the
 * thread drives the session (s:run(), s:step(), t:wait(), the blocking calls). Each task's
 * pending bytes go into the library's bound pipe without waiting, and the source is asked
 * for more until the pipe is full. The network draining the pipe posts did_send_body_data,
 * which wakes the driver to refill it. A 307 / 308 redirect asks for the body again: a file handle
 * is seeked back to where it started; a function cannot be replayed, and the task fails with
 * REQUEST_BODY_STREAM_EXHAUSTED. */
#include "lua_urlsession.h"

#include <string.h>

#define CHUNK    65536
#define CAPACITY (256 * 1024)

struct LusBodyStream {
    int source; /* registry reference: the function or the file handle */
    bool is_file;
    lua_Integer start; /* the file's position when the task was made */
    UrlInputStream *pipe;
    GByteArray *pending; /* read from the source, not yet taken by the pipe */
    bool done;           /* the whole body is in the pipe (or the task ended) */
};

/* Reads the stream option at @index; returns the body length when it can tell (a file:
 * what is left from its position), else -1. Raises on a wrong type. */
LusBodyStream *lus_body_stream_new(lua_State *L, int index, int64_t *length)
{
    index = lua_absindex(L, index);
    bool is_file = luaL_testudata(L, index, LUA_FILEHANDLE) != NULL;
    if (!is_file && !lua_isfunction(L, index))
        luaL_error(L, "task option 'stream' must be a function returning chunks or a file "
                      "handle");
    LusBodyStream *stream = g_new0(LusBodyStream, 1);
    stream->is_file = is_file;
    *length = -1;
    if (is_file) {
        /* position = f:seek(); size = f:seek("end"); f:seek("set", position) */
        lua_getfield(L, index, "seek");
        lua_pushvalue(L, index);
        lua_call(L, 1, 1);
        stream->start = lua_tointeger(L, -1);
        lua_pop(L, 1);
        lua_getfield(L, index, "seek");
        lua_pushvalue(L, index);
        lua_pushliteral(L, "end");
        lua_call(L, 2, 1);
        if (lua_isinteger(L, -1))
            *length = lua_tointeger(L, -1) - stream->start;
        lua_pop(L, 1);
        lua_getfield(L, index, "seek");
        lua_pushvalue(L, index);
        lua_pushliteral(L, "set");
        lua_pushinteger(L, stream->start);
        lua_call(L, 3, 0);
        if (*length < 0)
            *length = -1;
    }
    lua_pushvalue(L, index);
    stream->source = luaL_ref(L, LUA_REGISTRYINDEX);
    stream->pipe = url_input_stream_new_pipe(CAPACITY);
    stream->pending = g_byte_array_new();
    return stream;
}

UrlInputStream *lus_body_stream_pipe(LusBodyStream *stream)
{
    return stream->pipe;
}

void lus_body_stream_release_source(lua_State *L, LusBodyStream *stream)
{
    if (!stream)
        return;
    luaL_unref(L, LUA_REGISTRYINDEX, stream->source);
    stream->source = LUA_NOREF;
    stream->done = true;
}

void lus_body_stream_free(LusBodyStream *stream)
{
    if (!stream)
        return;
    url_input_stream_unref(stream->pipe);
    g_byte_array_unref(stream->pending);
    g_free(stream);
}

/* Runs inside lua_pcall: the source's next chunk, or nil at the end. */
static int read_source(lua_State *L)
{
    LusBodyStream *stream = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, stream->source);
    if (stream->is_file) {
        lua_getfield(L, -1, "read");
        lua_insert(L, -2);
        lua_pushinteger(L, CHUNK);
        lua_call(L, 2, 1);
    } else {
        lua_call(L, 0, 1);
    }
    if (!lua_isnil(L, -1) && lua_type(L, -1) != LUA_TSTRING)
        luaL_error(L, "a stream yields strings (or nil at the end), not %s", luaL_typename(L, -1));
    return 1;
}

/* Fills @lt's pipe as far as it takes without waiting. Returns false when the source
 * failed (recorded on the task, which is cancelled). */
static bool feed(lua_State *L, LusTask *lt)
{
    LusBodyStream *stream = lt->stream;
    for (;;) {
        if (stream->pending->len > 0) {
            long taken = url_input_stream_write(stream->pipe, stream->pending->data,
                                                stream->pending->len, 0);
            if (taken < 0) {
                stream->done = true; /* the task ended */
                return true;
            }
            g_byte_array_remove_range(stream->pending, 0, (guint)taken);
            if (stream->pending->len > 0)
                return true; /* full: the network drains it, did_send_body_data wakes us */
        }
        int top = lua_gettop(L);
        lua_pushcfunction(L, read_source);
        lua_pushlightuserdata(L, stream);
        if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
            if (!lt->callback_error) {
                lt->callback_error =
                    g_strdup_printf("stream failed: %s", luaL_tolstring(L, -1, NULL));
                lt->callback_name = "stream";
            }
            lua_settop(L, top);
            stream->done = true;
            url_session_task_cancel(lt->task);
            return false;
        }
        size_t length = 0;
        const char *chunk = lua_tolstring(L, -1, &length);
        if (!chunk || length == 0) {
            lua_settop(L, top);
            url_input_stream_close_write(stream->pipe);
            stream->done = true;
            return true;
        }
        g_byte_array_append(stream->pending, (const guint8 *)chunk, (guint)length);
        lua_settop(L, top);
    }
}

bool lus_body_streams_feed(lua_State *L, LusSession *ls)
{
    /* A source may make or finish tasks: pick the tasks first, then run Lua. */
    GPtrArray *feeding = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, ls->tasks);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        LusTask *lt = value;
        /* Suspended tasks too: their pipes fill up to capacity, ready when they start. */
        if (lt->stream && !lt->stream->done && !lt->callback_error) {
            lt->holders++;
            g_ptr_array_add(feeding, lt);
        }
    }
    bool pending = false;
    for (guint i = 0; i < feeding->len; i++) {
        LusTask *lt = feeding->pdata[i];
        if (lt->in_session && !ls->detached) {
            feed(L, lt);
            pending = pending || !lt->stream->done;
        }
        lt->holders--;
        lus_task_drop(lt);
    }
    g_ptr_array_free(feeding, true);
    return pending;
}

void lus_body_stream_prefill(lua_State *L, LusTask *lt)
{
    if (lt->stream && !lt->stream->done && !lt->callback_error)
        feed(L, lt);
}

/* Runs inside lua_pcall: f:seek("set", start). */
static int rewind_file(lua_State *L)
{
    LusBodyStream *stream = lua_touserdata(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, stream->source);
    lua_getfield(L, -1, "seek");
    lua_insert(L, -2);
    lua_pushliteral(L, "set");
    lua_pushinteger(L, stream->start);
    lua_call(L, 3, 1);
    if (lua_isnil(L, -1))
        luaL_error(L, "the file cannot be rewound");
    return 0;
}

UrlInputStream *lus_body_stream_restart(lua_State *L, LusTask *lt)
{
    LusBodyStream *stream = lt->stream;
    if (!stream || !stream->is_file || lt->callback_error)
        return NULL;
    int top = lua_gettop(L);
    lua_pushcfunction(L, rewind_file);
    lua_pushlightuserdata(L, stream);
    bool ok = lua_pcall(L, 1, 0, 0) == LUA_OK;
    lua_settop(L, top);
    if (!ok)
        return NULL;
    url_input_stream_unref(stream->pipe);
    stream->pipe = url_input_stream_new_pipe(CAPACITY);
    g_byte_array_set_size(stream->pending, 0);
    stream->done = false;
    return stream->pipe;
}
