/* session.c — Session: a UrlSession on its own manual queue, and the C delegate table
 * that turns the library's callbacks into calls on the Python task objects.
 *
 * Every callback runs on a thread that dispatches the session's queue (queue_driver.c)
 * with the GIL held; PyGILState_Ensure() makes that explicit and costs nothing then.
 * A callback finds its Python task by identifier in the session's task table. A task
 * stays in the table, referenced, until its completion callback has returned. */
#include "module.h"

#define SELF ((SessionObject *)self)

/* Cancelling every task and draining the queue when a Session is destroyed normally
 * takes milliseconds; past this the core is leaked rather than freed under the
 * library's feet. */
#define DRAIN_TIMEOUT 10.0

/* ---- the delegate table ---- */

/* The task object for @task, as a new reference, or NULL (the Session is gone or the
 * task is not one of ours). */
static TaskObject *task_for(SessionCore *core, UrlSessionTask *task)
{
    SessionObject *owner = core->owner;
    if (!owner || !owner->tasks)
        return NULL;
    PyObject *key = PyLong_FromUnsignedLongLong(url_session_task_get_identifier(task));
    PyObject *found = key ? PyDict_GetItemWithError(owner->tasks, key) : NULL;
    Py_XDECREF(key);
    if (!found) {
        PyErr_Clear();
        return NULL;
    }
    Py_INCREF(found);
    return (TaskObject *)found;
}

/* Calls @task.@method(args...) and returns its result, or NULL after recording what it
 * raised on the task (which cancels it). */
static PyObject *call_task(TaskObject *task, const char *method, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    PyObject *callable = PyObject_GetAttrString((PyObject *)task, method);
    PyObject *arguments = callable ? Py_VaBuildValue(format, args) : NULL;
    va_end(args);
    PyObject *result = NULL;
    if (arguments) {
        if (!PyTuple_Check(arguments))
            Py_SETREF(arguments, PyTuple_Pack(1, arguments));
        if (arguments)
            result = PyObject_Call(callable, arguments, NULL);
    }
    Py_XDECREF(arguments);
    Py_XDECREF(callable);
    atomic_fetch_add(&task->events, 1);
    if (!result)
        url_py_task_fail_with_current_exception(task);
    return result;
}

static PyObject *error_or_none(const UrlError *error)
{
    if (!error)
        Py_RETURN_NONE;
    return url_py_error_new(error);
}

static void on_did_become_invalid(UrlSession *session, const UrlError *error, void *data)
{
    SessionCore *core = data;
    PyGILState_STATE gil = PyGILState_Ensure();
    atomic_store(&core->invalid, true);
    SessionObject *owner = core->owner;
    if (owner) {
        Py_INCREF(owner);
        PyObject *exc = error_or_none(error);
        PyObject *result =
            exc ? PyObject_CallMethod((PyObject *)owner, "_on_invalid", "O", exc) : NULL;
        if (!result)
            PyErr_WriteUnraisable((PyObject *)owner);
        Py_XDECREF(result);
        Py_XDECREF(exc);
        Py_DECREF(owner);
    }
    PyGILState_Release(gil);
}

/* will_begin_delayed_request: Task._on_delayed_request(request) returns None (continue),
 * a _Request (use it instead) or False (cancel). */
static void on_will_begin_delayed_request(UrlSession *session, UrlSessionTask *task,
                                          UrlRequest *request, UrlDelayedRequestHandler *handler,
                                          void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    UrlDelayedRequestDisposition disposition = URL_DELAYED_REQUEST_CONTINUE_LOADING;
    UrlRequest *replacement = NULL;
    PyObject *result = NULL;
    TaskObject *t = task_for(data, task);
    if (t) {
        PyObject *q = url_py_request_wrap(request);
        result = q ? call_task(t, "_on_delayed_request", "(O)", q) : NULL;
        if (!q)
            url_py_task_fail_with_current_exception(t);
        if (!result) {
            disposition = URL_DELAYED_REQUEST_CANCEL;
        } else if (result == Py_False) {
            disposition = URL_DELAYED_REQUEST_CANCEL;
        } else if (PyObject_TypeCheck(result, &url_py_RequestType)) {
            disposition = URL_DELAYED_REQUEST_USE_NEW_REQUEST;
            replacement = ((RequestObject *)result)->request;
        } else if (result != Py_None) {
            PyErr_Format(PyExc_TypeError,
                         "will_begin_delayed_request must return a Request, None or False, not "
                         "%.100s",
                         Py_TYPE(result)->tp_name);
            url_py_task_fail_with_current_exception(t);
            disposition = URL_DELAYED_REQUEST_CANCEL;
        }
        Py_XDECREF(q);
        Py_DECREF(t);
    }
    url_delayed_request_handler_complete(handler, disposition, replacement);
    Py_XDECREF(result);
    PyGILState_Release(gil);
}

static void on_will_perform_redirection(UrlSession *session, UrlSessionTask *task,
                                        const UrlResponse *response, UrlRequest *new_request,
                                        UrlRedirectHandler *handler, void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    UrlRequest *answer = new_request;
    TaskObject *t = task_for(data, task);
    if (t) {
        PyObject *r = url_py_response_wrap(response);
        PyObject *q = r ? url_py_request_wrap(new_request) : NULL;
        PyObject *result = q ? call_task(t, "_on_redirect", "(OO)", r, q) : NULL;
        if (!q && PyErr_Occurred())
            url_py_task_fail_with_current_exception(t);
        if (result == Py_False) {
            answer = NULL;
        } else if (result && PyObject_TypeCheck(result, &url_py_RequestType)) {
            answer = ((RequestObject *)result)->request;
        } else if (result && result != Py_None) {
            PyErr_Format(PyExc_TypeError,
                         "will_perform_redirection must return a Request, None or False, not "
                         "%.100s",
                         Py_TYPE(result)->tp_name);
            url_py_task_fail_with_current_exception(t);
        }
        url_redirect_handler_complete(handler, answer);
        Py_XDECREF(result);
        Py_XDECREF(q);
        Py_XDECREF(r);
        Py_DECREF(t);
    } else {
        url_redirect_handler_complete(handler, answer);
    }
    PyGILState_Release(gil);
}

static void on_did_send_body_data(UrlSession *session, UrlSessionTask *task, int64_t bytes_sent,
                                  int64_t total_sent, int64_t total_expected, void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    TaskObject *t = task_for(data, task);
    if (t) {
        Py_XDECREF(call_task(t, "_on_send_body", "(LLL)", (long long)bytes_sent,
                             (long long)total_sent, (long long)total_expected));
        Py_DECREF(t);
    }
    PyGILState_Release(gil);
}

static void on_need_new_body_stream(UrlSession *session, UrlSessionTask *task,
                                    UrlBodyStreamHandler *handler, void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    UrlInputStream *stream = NULL;
    PyObject *result = NULL;
    TaskObject *t = task_for(data, task);
    if (t) {
        result = call_task(t, "_on_need_new_body_stream", "()");
        if (result && PyObject_TypeCheck(result, &url_py_InputStreamType)) {
            stream = ((InputStreamObject *)result)->stream;
        } else if (result && result != Py_None) {
            PyErr_Format(PyExc_TypeError,
                         "_on_need_new_body_stream must return an _InputStream or None, not "
                         "%.100s",
                         Py_TYPE(result)->tp_name);
            url_py_task_fail_with_current_exception(t);
        }
        Py_DECREF(t);
    }
    url_body_stream_handler_complete(handler, stream); /* NULL: RequestBodyStreamExhausted */
    Py_XDECREF(result);
    PyGILState_Release(gil);
}

static void on_did_finish_collecting_metrics(UrlSession *session, UrlSessionTask *task,
                                             const UrlTaskMetrics *metrics, void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    TaskObject *t = task_for(data, task);
    if (t) {
        char *json = url_task_metrics_to_json(metrics);
        Py_XDECREF(call_task(t, "_on_metrics", "(s)", json));
        free(json);
        Py_DECREF(t);
    }
    PyGILState_Release(gil);
}

static void on_did_complete(UrlSession *session, UrlSessionTask *task, const UrlError *error,
                            void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    TaskObject *t = task_for(data, task);
    if (t) {
        PyObject *exc = error_or_none(error);
        if (exc)
            Py_XDECREF(call_task(t, "_on_complete", "(O)", exc));
        else
            url_py_task_fail_with_current_exception(t);
        Py_XDECREF(exc);
        url_py_task_mark_completed(t);
        Py_DECREF(t);
    }
    PyGILState_Release(gil);
}

static void on_did_receive_response(UrlSession *session, UrlSessionTask *task,
                                    const UrlResponse *response, UrlResponseHandler *handler,
                                    void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    UrlResponseDisposition disposition = URL_RESPONSE_ALLOW;
    TaskObject *t = task_for(data, task);
    if (t) {
        PyObject *r = url_py_response_wrap(response);
        PyObject *result = r ? call_task(t, "_on_response", "(O)", r) : NULL;
        if (!r)
            url_py_task_fail_with_current_exception(t);
        if (!result) {
            disposition = URL_RESPONSE_CANCEL;
        } else if (result != Py_None) {
            long value = PyLong_AsLong(result);
            if (value == -1 && PyErr_Occurred()) {
                url_py_task_fail_with_current_exception(t);
                disposition = URL_RESPONSE_CANCEL;
            } else {
                disposition =
                    value == URL_RESPONSE_CANCEL ? URL_RESPONSE_CANCEL : URL_RESPONSE_ALLOW;
            }
        }
        Py_XDECREF(result);
        Py_XDECREF(r);
        Py_DECREF(t);
    }
    url_response_handler_complete(handler, disposition);
    PyGILState_Release(gil);
}

static void on_did_receive_data(UrlSession *session, UrlSessionTask *task, const void *bytes,
                                size_t length, void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    TaskObject *t = task_for(data, task);
    if (t) {
        Py_XDECREF(call_task(t, "_on_data", "(y#)", (const char *)bytes, (Py_ssize_t)length));
        Py_DECREF(t);
    }
    PyGILState_Release(gil);
}

static void on_did_write_data(UrlSession *session, UrlSessionTask *task, int64_t bytes_written,
                              int64_t total_written, int64_t total_expected, void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    TaskObject *t = task_for(data, task);
    if (t) {
        Py_XDECREF(call_task(t, "_on_write", "(LLL)", (long long)bytes_written,
                             (long long)total_written, (long long)total_expected));
        Py_DECREF(t);
    }
    PyGILState_Release(gil);
}

static void on_did_finish_downloading_to(UrlSession *session, UrlSessionTask *task,
                                         const char *location, void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    TaskObject *t = task_for(data, task);
    if (t) {
        PyObject *path = PyUnicode_DecodeFSDefault(location);
        if (path)
            Py_XDECREF(call_task(t, "_on_downloaded", "(O)", path));
        else
            url_py_task_fail_with_current_exception(t);
        Py_XDECREF(path);
        Py_DECREF(t);
    }
    PyGILState_Release(gil);
}

/* data_will_cache_response: Task._on_will_cache(cached) returns a CachedResponse to store
 * (the proposed one or another) or None to store nothing. A callback that raised fails
 * the task and stores nothing. */
static void on_will_cache_response(UrlSession *session, UrlSessionTask *task,
                                   UrlCachedResponse *proposed, UrlCacheResponseHandler *handler,
                                   void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    UrlCachedResponse *answer = proposed;
    PyObject *result = NULL;
    TaskObject *t = task_for(data, task);
    if (t) {
        PyObject *c = url_py_cached_response_wrap(proposed);
        result = c ? call_task(t, "_on_will_cache", "(O)", c) : NULL;
        if (!c)
            url_py_task_fail_with_current_exception(t);
        if (!result || result == Py_None) {
            answer = NULL;
        } else if (PyObject_TypeCheck(result, &url_py_CachedResponseType)) {
            answer = ((CachedResponseObject *)result)->cached;
        } else {
            PyErr_Format(PyExc_TypeError,
                         "will_cache_response must return a CachedResponse or None, not %.100s",
                         Py_TYPE(result)->tp_name);
            url_py_task_fail_with_current_exception(t);
            answer = NULL;
        }
        Py_XDECREF(c);
        Py_DECREF(t);
    }
    url_cache_response_handler_complete(handler, answer);
    Py_XDECREF(result);
    PyGILState_Release(gil);
}

/* Completion handler of data and upload tasks made with completion=True. */
static void on_data_completion(UrlSessionTask *task, const void *bytes, size_t length,
                               const UrlResponse *response, const UrlError *error, void *data)
{
    PyGILState_STATE gil = PyGILState_Ensure();
    TaskObject *t = task_for(data, task);
    if (t) {
        PyObject *body =
            bytes ? PyBytes_FromStringAndSize(bytes, (Py_ssize_t)length) : Py_NewRef(Py_None);
        PyObject *r = url_py_response_wrap(response);
        PyObject *exc = error_or_none(error);
        if (body && r && exc)
            Py_XDECREF(call_task(t, "_on_finish", "(OOO)", body, r, exc));
        else
            url_py_task_fail_with_current_exception(t);
        Py_XDECREF(body);
        Py_XDECREF(r);
        Py_XDECREF(exc);
        url_py_task_mark_completed(t);
        Py_DECREF(t);
    }
    PyGILState_Release(gil);
}

static const UrlSessionDelegate delegate_table = {
    .did_become_invalid = on_did_become_invalid,
    .will_begin_delayed_request = on_will_begin_delayed_request,
    .will_perform_redirection = on_will_perform_redirection,
    .did_send_body_data = on_did_send_body_data,
    .need_new_body_stream = on_need_new_body_stream,
    .did_finish_collecting_metrics = on_did_finish_collecting_metrics,
    .did_complete = on_did_complete,
    .data_did_receive_response = on_did_receive_response,
    .data_did_receive_data = on_did_receive_data,
    .download_did_write_data = on_did_write_data,
    .download_did_finish_downloading_to = on_did_finish_downloading_to,
    .data_will_cache_response = on_will_cache_response,
};

/* ---- the type ---- */

static PyObject *session_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    SessionObject *self = (SessionObject *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    self->core = url_py_core_new();
    self->tasks = PyDict_New();
    if (!self->core || !self->tasks) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    return (PyObject *)self;
}

static int session_init(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"configuration", NULL};
    PyObject *configuration = Py_None;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:Session", keywords, &configuration))
        return -1;
    if (SELF->session) {
        PyErr_SetString(PyExc_RuntimeError, "Session.__init__ called twice");
        return -1;
    }
    if (configuration != Py_None && !PyObject_TypeCheck(configuration, &url_py_ConfigurationType)) {
        PyErr_Format(PyExc_TypeError, "configuration must be a Configuration, not %.100s",
                     Py_TYPE(configuration)->tp_name);
        return -1;
    }
    UrlSessionConfiguration *conf =
        configuration == Py_None
            ? url_session_configuration_new_default()
            : url_py_configuration_for_session((ConfigurationObject *)configuration);
    SELF->core->owner = SELF;
    SELF->session = url_session_new(conf, &delegate_table, SELF->core, SELF->core->queue);
    url_session_configuration_unref(conf);
    return 0;
}

static int session_traverse(PyObject *self, visitproc visit, void *arg)
{
    Py_VISIT(SELF->tasks);
    return 0;
}

static int session_clear(PyObject *self)
{
    Py_CLEAR(SELF->tasks);
    return 0;
}

static bool core_is_invalid(void *arg)
{
    return atomic_load(&((SessionCore *)arg)->invalid);
}

static void session_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    if (SELF->weakreflist)
        PyObject_ClearWeakRefs(self);
    SessionCore *core = SELF->core;
    bool free_core = true;
    if (core)
        core->owner = NULL; /* late callbacks only do bookkeeping from now on */
    if (SELF->session) {
        /* Nobody can dispatch this queue any more: cancel everything and run the
         * remaining callbacks here, so that the session's resources go now. */
        PyObject *type, *value, *traceback;
        PyErr_Fetch(&type, &value, &traceback);
        url_session_invalidate_and_cancel(SELF->session);
        if (url_py_core_drive(core, DRAIN_TIMEOUT, core_is_invalid, core) != 1)
            PyErr_Clear();
        PyErr_Restore(type, value, traceback);
        free_core = atomic_load(&core->invalid);
        url_session_unref(SELF->session);
        SELF->session = NULL;
    }
    session_clear(self);
    if (free_core)
        url_py_core_free(core);
    Py_TYPE(self)->tp_free(self);
}

static int check_session(PyObject *self)
{
    if (!SELF->session) {
        PyErr_SetString(PyExc_RuntimeError, "the Session was not initialised");
        return -1;
    }
    return 0;
}

/* _create_task(cls, kind, request, body=None, file=None, completion=False, stream=None,
 *              length=-1) */
static PyObject *session_create_task(PyObject *self, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"cls",        "kind",   "request", "body", "file",
                               "completion", "stream", "length",  NULL};
    PyObject *cls, *request, *file = NULL, *stream = NULL;
    const char *kind;
    Py_buffer body = {0};
    int completion = 0;
    long long stream_length = -1;

    if (check_session(self) < 0 ||
        !PyArg_ParseTupleAndKeywords(args, kwds, "OsO!|z*O&pO!L:_create_task", keywords, &cls,
                                     &kind, &url_py_RequestType, &request, &body,
                                     PyUnicode_FSConverter, &file, &completion,
                                     &url_py_InputStreamType, &stream, &stream_length))
        return NULL;
    PyObject *result = NULL;
    TaskObject *task = NULL;
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, &url_py_TaskType)) {
        PyErr_SetString(PyExc_TypeError, "cls must be a subclass of Task");
        goto out;
    }
    if (url_session_is_invalidated(SELF->session)) {
        /* Checked here: the library would also log a warning on stderr. */
        PyErr_SetString(PyExc_RuntimeError, "the session is invalidated: it makes no new tasks");
        goto out;
    }
    task = (TaskObject *)PyObject_CallNoArgs(cls);
    if (!task)
        goto out;
    UrlRequest *r = ((RequestObject *)request)->request;
    UrlSession *s = SELF->session;
    void *core = SELF->core;
    UrlSessionTask *made = NULL;
    if (strcmp(kind, "data") == 0) {
        made = completion ? url_session_data_task_with_completion(s, r, on_data_completion, core)
                          : url_session_data_task(s, r);
    } else if (strcmp(kind, "download") == 0) {
        made = url_session_download_task(s, r);
    } else if (strcmp(kind, "upload") == 0 && stream) {
        /* The response body reaches the task's did_receive_data, which keeps it. */
        made = url_session_upload_task_with_stream(s, r, ((InputStreamObject *)stream)->stream,
                                                   stream_length < 0 ? -1 : (int64_t)stream_length);
    } else if (strcmp(kind, "upload") == 0 && file) {
        const char *path = PyBytes_AS_STRING(file);
        made = completion ? url_session_upload_task_with_file_completion(s, r, path,
                                                                         on_data_completion, core)
                          : url_session_upload_task_with_file(s, r, path);
    } else if (strcmp(kind, "upload") == 0) {
        const void *data = body.buf ? body.buf : "";
        size_t length = (size_t)body.len;
        made = completion ? url_session_upload_task_with_data_completion(s, r, data, length,
                                                                         on_data_completion, core)
                          : url_session_upload_task_with_data(s, r, data, length);
    } else {
        PyErr_Format(PyExc_ValueError, "unknown task kind %s", kind);
        goto out;
    }
    if (!made) {
        PyErr_SetString(PyExc_RuntimeError, "the session is invalidated: it makes no new tasks");
        goto out;
    }
    task->task = made;
    task->identifier = url_session_task_get_identifier(made);
    Py_INCREF(self);
    Py_XSETREF(task->session, SELF);
    PyObject *key = PyLong_FromUnsignedLongLong(task->identifier);
    if (!key || PyDict_SetItem(SELF->tasks, key, (PyObject *)task) < 0) {
        Py_XDECREF(key);
        url_session_task_cancel(made);
        goto out;
    }
    Py_DECREF(key);
    result = Py_NewRef(task);
out:
    Py_XDECREF(task);
    if (body.buf)
        PyBuffer_Release(&body);
    Py_XDECREF(file);
    return result;
}

static PyObject *session_dispatch(PyObject *self, PyObject *unused)
{
    return PyLong_FromSize_t(url_py_core_dispatch(SELF->core));
}

static PyObject *session_fileno(PyObject *self, PyObject *unused)
{
    return PyLong_FromLong(SELF->core->fd);
}

static PyObject *session_finish_tasks_and_invalidate(PyObject *self, PyObject *unused)
{
    if (check_session(self) < 0)
        return NULL;
    url_session_finish_tasks_and_invalidate(SELF->session);
    Py_RETURN_NONE;
}

static PyObject *session_invalidate_and_cancel(PyObject *self, PyObject *unused)
{
    if (check_session(self) < 0)
        return NULL;
    url_session_invalidate_and_cancel(SELF->session);
    Py_RETURN_NONE;
}

static PyObject *session_wait_invalid(PyObject *self, PyObject *args)
{
    double timeout = -1;
    if (check_session(self) < 0 || !PyArg_ParseTuple(args, "|d:_wait_invalid", &timeout))
        return NULL;
    int status = url_py_core_drive(SELF->core, timeout, core_is_invalid, SELF->core);
    if (status < 0)
        return NULL;
    return PyBool_FromLong(status);
}

static PyObject *get_is_invalidated(PyObject *self, void *closure)
{
    return PyBool_FromLong(SELF->session && url_session_is_invalidated(SELF->session));
}

static PyObject *get_is_invalid(PyObject *self, void *closure)
{
    return PyBool_FromLong(atomic_load(&SELF->core->invalid));
}

static PyObject *get_pending_tasks(PyObject *self, void *closure)
{
    if (!SELF->tasks)
        return PyList_New(0);
    return PyDict_Values(SELF->tasks);
}

static PyObject *get_description(PyObject *self, void *closure)
{
    char *text = SELF->session ? url_session_get_description(SELF->session) : NULL;
    if (!text)
        Py_RETURN_NONE;
    PyObject *result = PyUnicode_FromString(text);
    free(text);
    return result;
}

static int set_description(PyObject *self, PyObject *value, void *closure)
{
    if (check_session(self) < 0)
        return -1;
    const char *text = NULL;
    if (value && value != Py_None && !(text = PyUnicode_AsUTF8(value)))
        return -1;
    url_session_set_description(SELF->session, text);
    return 0;
}

static PyObject *get_configuration(PyObject *self, void *closure)
{
    if (check_session(self) < 0)
        return NULL;
    ConfigurationObject *conf = (ConfigurationObject *)url_py_ConfigurationType.tp_new(
        &url_py_ConfigurationType, NULL, NULL);
    if (!conf)
        return NULL;
    url_session_configuration_unref(conf->configuration);
    conf->configuration = url_session_get_configuration(SELF->session);
    return (PyObject *)conf;
}

static PyMethodDef session_methods[] = {
    {"_create_task", (PyCFunction)(void (*)(void))session_create_task, METH_VARARGS | METH_KEYWORDS,
     PyDoc_STR("_create_task(cls, kind, request, body=None, file=None, completion=False)\n--\n\n"
               "Makes a suspended task of class @cls (a Task subclass).")},
    {"_dispatch", session_dispatch, METH_NOARGS,
     PyDoc_STR("_dispatch()\n--\n\nRuns the pending callbacks on this thread; returns how "
               "many ran.")},
    {"fileno", session_fileno, METH_NOARGS,
     PyDoc_STR("fileno()\n--\n\nA descriptor that polls readable while callbacks are "
               "pending (for event loops).")},
    {"finish_tasks_and_invalidate", session_finish_tasks_and_invalidate, METH_NOARGS,
     PyDoc_STR("finish_tasks_and_invalidate()\n--\n\nLets running tasks finish and refuses "
               "new ones; did_become_invalid follows the last task.")},
    {"invalidate_and_cancel", session_invalidate_and_cancel, METH_NOARGS,
     PyDoc_STR("invalidate_and_cancel()\n--\n\nCancels every task and invalidates the "
               "session.")},
    {"_wait_invalid", session_wait_invalid, METH_VARARGS,
     PyDoc_STR("_wait_invalid(timeout=-1)\n--\n\nRuns callbacks until did_become_invalid "
               "has run; False on timeout.")},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef session_getset[] = {
    {"is_invalidated", get_is_invalidated, NULL, PyDoc_STR("Whether invalidation was requested."),
     NULL},
    {"_is_invalid", get_is_invalid, NULL, PyDoc_STR("Whether did_become_invalid has run."), NULL},
    {"_pending_tasks", get_pending_tasks, NULL, PyDoc_STR("The tasks not yet completed (a list)."),
     NULL},
    {"description", get_description, set_description, PyDoc_STR("A label for debugging."), NULL},
    {"configuration", get_configuration, NULL, PyDoc_STR("A copy of the session's configuration."),
     NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

PyTypeObject url_py_SessionType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "urlsession._urlsession.Session",
    .tp_basicsize = sizeof(SessionObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_doc = PyDoc_STR("Session(configuration=None)\n--\n\n"
                        "The C half of urlsession.Session: a UrlSession whose callbacks run "
                        "on a manual queue of its own."),
    .tp_new = session_new,
    .tp_init = session_init,
    .tp_dealloc = session_dealloc,
    .tp_traverse = session_traverse,
    .tp_clear = session_clear,
    .tp_methods = session_methods,
    .tp_getset = session_getset,
    .tp_weaklistoffset = offsetof(SessionObject, weakreflist),
};
