/* lua_urlsession.h — what the files of the Lua binding share: the C state behind a
 * session and a task object, and the entry points each file offers the others.
 *
 * Ownership in one paragraph: a LusSession (C heap) owns the UrlSession and its manual
 * queue. The Lua session object points to it until the object is closed or collected;
 * then the session is cancelled and the LusSession either goes at once (its
 * did_become_invalid already ran) or is handed to a drain thread that dispatches the
 * queue, with no Lua involved, until did_become_invalid, and frees it. A LusTask (C heap)
 * lives while its task runs (it sits in the session's table and holds registry
 * references to the callbacks) or while something on the Lua side holds it (a task
 * object, a blocking call); whichever lets go last frees it. All of this runs on the Lua
 * thread, except the drain thread, which only ever touches a LusSession nobody else
 * can reach. */
#ifndef LUA_URLSESSION_H
#define LUA_URLSESSION_H

#include <urlsession/urlsession.h>

#include <glib.h>
#include <lauxlib.h>
#include <lua.h>

#define LUS_SESSION_METATABLE  "urlsession.Session"
#define LUS_TASK_METATABLE     "urlsession.Task"
#define LUS_RESPONSE_METATABLE "urlsession.Response"
#define LUS_HEADERS_METATABLE  "urlsession.Headers"
#define LUS_ERROR_METATABLE    "urlsession.Error"
#define LUS_GUARD_METATABLE    "urlsession.Guard"

typedef struct LusTask LusTask;
typedef struct LusBodyStream LusBodyStream;

typedef struct LusSession {
    UrlSession *session;
    UrlQueue *queue;
    lua_State *L;      /* the Lua thread dispatching now; NULL outside a dispatch */
    GHashTable *tasks; /* UrlSessionTask* -> LusTask*: tasks not yet completed */
    bool dispatching;  /* a dispatch of this session's queue is on the C stack */
    bool detached;     /* the Lua side is gone: callbacks only apply defaults */
    bool teardown_due; /* detached inside a dispatch: tear down when it returns */
    bool invalidation_requested;
    bool invalid_done; /* did_become_invalid ran: the session makes no more calls */
} LusSession;

struct LusTask {
    LusSession *owner;    /* NULL once the task completed or the session was detached */
    UrlSessionTask *task; /* own reference */
    UrlSessionTaskKind kind;
    uint64_t id;
    int on_response; /* registry references, LUA_NOREF when absent */
    int on_data;
    int on_complete;
    int on_progress;
    bool follow_redirects;
    GByteArray *body;      /* the collected body when there is no on_data */
    char *destination;     /* download tasks: where the file goes */
    bool keep_any_status;  /* download tasks: keep a non-2xx body as the file too */
    bool moved;            /* the download reached its destination */
    char *move_error;      /* why it did not, when it should have */
    bool response_seen;    /* download tasks: on_response was called */
    bool refused;          /* download tasks: on_response returned false */
    bool completed;        /* our did_complete ran */
    UrlError *error;       /* the task's own error, owned */
    UrlResponse *response; /* the final response, owned */
    char *callback_error;  /* a Lua error raised by one of the task's callbacks */
    const char *callback_name;
    LusBodyStream *stream; /* upload tasks with a stream body, else NULL */
    int holders;           /* task objects and blocking calls holding this */
    bool in_session;       /* in owner->tasks */
};

/* Session objects (session_object.c). */
void lus_session_open(lua_State *L);
int lus_session_new(lua_State *L);
LusSession *lus_session_check(lua_State *L, int index);
void lus_session_enter_dispatch(lua_State *L, LusSession *ls);
void lus_session_leave_dispatch(LusSession *ls);

/* Session lifetime (session_teardown.c). */
LusSession *lus_session_state_new(void);
void lus_session_detach(lua_State *L, LusSession *ls);
void lus_session_teardown(LusSession *ls);
int lus_live_sessions(void);

/* Session options (session_options.c). */
UrlSessionConfiguration *lus_configuration_from_options(lua_State *L, int index);
/* Pushes a table of @configuration's values under the option names (interface_types
 * excepted: the C API cannot list them). */
void lus_push_configuration(lua_State *L, const UrlSessionConfiguration *configuration);
/* The names of UrlRequestCachePolicy's values, indexed by them, NULL-terminated. */
extern const char *const lus_cache_policy_names[];
/* The cache policy named by the string at @value, or a Lua error naming @what ("session
 * option", "request field"). */
UrlRequestCachePolicy lus_check_cache_policy(lua_State *L, int value, const char *what);

/* The delegate table and dispatch (delegate.c). */
const UrlSessionDelegate *lus_delegate(void);

/* Requests (request_table.c): a URL string or a request table read into a UrlRequest,
 * left in a guard pushed on the stack (the returned slot; take the request from it and
 * set it to NULL). A refused URL pushes nil, err instead and returns NULL; a wrong type
 * raises. */
void **lus_request_from_arg(lua_State *L, int index, bool *follow_redirects);

/* Tasks (task_object.c). */
void lus_task_open(lua_State *L);
LusTask *lus_task_new(LusSession *ls, UrlSessionTask *task);
void lus_task_release_callbacks(lua_State *L, LusTask *lt);
void lus_task_drop(LusTask *lt);
void lus_task_push_object(lua_State *L, LusTask *lt, int session_index);
int lus_task_push_result(lua_State *L, LusTask *lt);
void lus_task_push_error(lua_State *L, LusTask *lt);
bool lus_task_wait(lua_State *L, LusTask *lt, double timeout);
int lus_live_tasks(void);
int lus_session_data_task(lua_State *L);
int lus_session_download_task(lua_State *L);
int lus_session_upload_task(lua_State *L);
LusTask *lus_task_create(lua_State *L, LusSession *ls, int url_index, int options_index,
                         UrlSessionTaskKind kind, const char *destination);

/* Stream bodies (body_stream.c), all on the Lua thread. */
LusBodyStream *lus_body_stream_new(lua_State *L, int index, int64_t *length);
UrlInputStream *lus_body_stream_pipe(LusBodyStream *stream);
/* Writes what the sources of @ls's running tasks give into their pipes, without waiting.
 * Returns whether a body is still unfinished (the caller should come back soon). */
bool lus_body_streams_feed(lua_State *L, LusSession *ls);
/* Fills @lt's pipe before it is resumed. */
void lus_body_stream_prefill(lua_State *L, LusTask *lt);
/* need_new_body_stream: a fresh pipe with the body again, or NULL when it cannot be. */
UrlInputStream *lus_body_stream_restart(lua_State *L, LusTask *lt);
void lus_body_stream_release_source(lua_State *L, LusBodyStream *stream);
void lus_body_stream_free(LusBodyStream *stream);
/* Waits up to @timeout seconds (< 0: for ever) for @ls's queue and runs what is pending,
 * feeding stream bodies meanwhile. */
void lus_session_wait_and_dispatch(lua_State *L, LusSession *ls, double timeout);

/* Blocking calls (blocking_calls.c). */
int lus_session_data(lua_State *L);
int lus_session_download(lua_State *L);
int lus_session_upload(lua_State *L);

/* Responses (response_table.c). */
void lus_response_open(lua_State *L);
void lus_push_response(lua_State *L, const UrlResponse *response);

/* Errors (error_table.c). */
void lus_error_open(lua_State *L);
void lus_push_error(lua_State *L, int code, const char *message, const char *url,
                    const char *callback);
void lus_push_url_error(lua_State *L, const UrlError *error);
int lus_push_nil_error(lua_State *L, const UrlError *error);
void lus_push_error_codes(lua_State *L);

/* Guards (guard.c): a userdata that releases a C object if a Lua error unwinds first. */
void lus_guard_open(lua_State *L);
void **lus_guard_push(lua_State *L, void *object, void (*release)(void *));

/* Moving a finished download (file_move.c). */
bool lus_move_file(const char *from, const char *to, char **error_message);

#endif
