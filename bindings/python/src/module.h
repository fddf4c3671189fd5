/* module.h — the types and entry points shared by the files of the _urlsession extension.
 *
 * The extension is split by concern: module.c (the module and its type registry),
 * errors.c (URLError and its subclasses), configuration.c, request.c, response.c,
 * input_stream.c (stream bodies), cookie_storage.c (cookies), credential_storage.c,
 * cache.c (the HTTP cache),
 * session.c (sessions and the C delegate table), task.c (task objects) and
 * queue_driver.c (who runs a session's manual queue, and how blocking waits do it
 * without deadlocks). */
#ifndef URL_PY_MODULE_H
#define URL_PY_MODULE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <urlsession/urlsession.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

/* ---- module.c ------------------------------------------------------------------------ */

/* For wrapper types whose first field after PyObject_HEAD is the C object: two wrappers
 * are equal (and hash alike) when they wrap the same C object. */
PyObject *url_py_wrapper_richcompare(PyObject *self, PyObject *other, int op);
Py_hash_t url_py_wrapper_hash(PyObject *self);

/* ---- errors.c ------------------------------------------------------------------------ */

/* The URLError base class (borrowed, valid for the life of the module). */
extern PyObject *url_py_URLError;

/* Creates the exception classes and adds them to @module. Returns 0 or -1. */
int url_py_errors_init(PyObject *module);

/* A new URLError instance of the subclass for @code. NULL with an exception set on failure. */
PyObject *url_py_error_from_code(int code, const char *message, const char *failing_url);

/* A new URLError instance for @error (borrowed). */
PyObject *url_py_error_new(const UrlError *error);

/* Raises the URLError for @error and releases @error. Always returns NULL. */
PyObject *url_py_error_raise(UrlError *error);

/* ---- configuration.c ----------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD UrlSessionConfiguration *configuration;
    PyObject *headers; /* dict: the additional headers, which the C API cannot list */
    /* dict: interface name -> type name. The C API can neither list nor remove an
     * override, so they are applied to the session's copy when a Session is made. */
    PyObject *interface_types;
} ConfigurationObject;

extern PyTypeObject url_py_ConfigurationType;

/* The Python names of UrlRequestCachePolicy's values, indexed by them. */
extern const char *const url_py_cache_policy_names[4];

/* The C configuration a Session is made with: @conf's, with its interface types.
 * Returns a new reference, or NULL with an exception set. */
UrlSessionConfiguration *url_py_configuration_for_session(ConfigurationObject *conf);

/* ---- request.c ----------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD UrlRequest *request;
} RequestObject;

extern PyTypeObject url_py_RequestType;

/* A new _Request holding a copy of @request. */
PyObject *url_py_request_wrap(const UrlRequest *request);

/* ---- response.c ---------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD UrlResponse *response;
} ResponseObject;

extern PyTypeObject url_py_ResponseType;

/* A new _Response holding a reference to @response; Py_None for NULL. */
PyObject *url_py_response_wrap(const UrlResponse *response);

/* ---- cookie_storage.c ---------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD UrlCookie *cookie;
} CookieObject;

typedef struct {
    PyObject_HEAD UrlCookieStorage *storage;
} CookieStorageObject;

extern PyTypeObject url_py_CookieType;
extern PyTypeObject url_py_CookieStorageType;

/* New wrappers holding a reference; url_py_cookie_storage_wrap(NULL) is None. */
PyObject *url_py_cookie_wrap(UrlCookie *cookie);
PyObject *url_py_cookie_storage_wrap(UrlCookieStorage *storage);

/* ---- credential_storage.c ------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD UrlProtectionSpace *space;
} ProtectionSpaceObject;

typedef struct {
    PyObject_HEAD UrlCredential *credential;
} CredentialObject;

typedef struct {
    PyObject_HEAD UrlCredentialStorage *storage;
} CredentialStorageObject;

extern PyTypeObject url_py_ProtectionSpaceType;
extern PyTypeObject url_py_CredentialType;
extern PyTypeObject url_py_CredentialStorageType;

/* A new wrapper holding a reference; NULL is None. */
PyObject *url_py_credential_storage_wrap(UrlCredentialStorage *storage);

/* ---- cache.c ------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD UrlCache *cache;
} CacheObject;

typedef struct {
    PyObject_HEAD UrlCachedResponse *cached;
} CachedResponseObject;

extern PyTypeObject url_py_CacheType;
extern PyTypeObject url_py_CachedResponseType;

/* New wrappers holding a reference; url_py_cache_wrap(NULL) is None. */
PyObject *url_py_cache_wrap(UrlCache *cache);
PyObject *url_py_cached_response_wrap(UrlCachedResponse *cached);

/* ---- input_stream.c ------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD UrlInputStream *stream;
} InputStreamObject;

extern PyTypeObject url_py_InputStreamType;

/* ---- queue_driver.c ------------------------------------------------------------------ */

/*
 * SessionCore: the delegate_data of a session. It outlives the Python Session object
 * when it must: callbacks that arrive after the object is gone find owner == NULL and
 * only do bookkeeping. It is freed by the Session's dealloc once did_become_invalid
 * has run.
 */
typedef struct SessionCore {
    struct SessionObject *owner; /* borrowed; NULL once the Session is being destroyed */
    UrlQueue *queue;             /* the session's manual queue (a reference) */
    int fd;                      /* its fd, owned by the queue */
    int wake_fd;                 /* eventfd: wakes the poller after another thread dispatched */

    /* Serialises url_queue_dispatch(): one thread at a time runs the callbacks. */
    pthread_mutex_t dispatch_lock;
    atomic_bool dispatching;
    pthread_t dispatching_thread; /* valid while dispatching */

    /* Blocking waiters: one of them (the poller) polls the fd; the others sleep on
     * @cond, which is broadcast after every dispatch. */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool polling;

    atomic_bool invalid; /* did_become_invalid has run */
} SessionCore;

SessionCore *url_py_core_new(void);
void url_py_core_free(SessionCore *core);

/* Whether the calling thread is running @core's callbacks right now. */
bool url_py_core_is_dispatching_here(SessionCore *core);

/* Runs the callbacks pending on @core's queue. Called with the GIL held; waits for
 * another dispatching thread with the GIL released. Returns the number run. */
size_t url_py_core_dispatch(SessionCore *core);

typedef bool (*UrlPyPredicate)(void *arg);

/* Drives @core's queue until @done(@arg) is true (checked with the GIL held) or
 * @timeout seconds pass (< 0: no limit). Called with the GIL held; releases it while
 * blocked. Returns 1 when done, 0 on timeout, -1 with an exception set (a signal
 * handler raised, or a wait from a callback of the same session). */
int url_py_core_drive(SessionCore *core, double timeout, UrlPyPredicate done, void *arg);

/* ---- session.c ----------------------------------------------------------------------- */

typedef struct SessionObject {
    PyObject_HEAD UrlSession *session;
    SessionCore *core;
    PyObject *tasks; /* dict: identifier -> Task, for every task not yet completed */
    PyObject *weakreflist;
} SessionObject;

extern PyTypeObject url_py_SessionType;

/* ---- task.c -------------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD UrlSessionTask *task;
    SessionObject *session; /* strong reference */
    uint64_t identifier;
    atomic_bool completed;        /* set after the completion callback has returned */
    atomic_uint events;           /* bumped by every callback of the task */
    PyObject *delegate_exception; /* what a Python callback raised, or NULL */
    PyObject *weakreflist;
} TaskObject;

extern PyTypeObject url_py_TaskType;

/* Records the exception being raised as @task's delegate exception (the first one wins)
 * and cancels the task. Clears the error indicator. */
void url_py_task_fail_with_current_exception(TaskObject *task);

/* Marks @task completed and wakes its waiters. */
void url_py_task_mark_completed(TaskObject *task);

#endif
